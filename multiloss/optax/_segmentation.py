"""optax's segmentation losses (``optax/losses/_segmentation.py``): Dice and Tversky on class scores.

Predictions and targets are ``(batch, ..., classes)``, the classes last; the overlaps are summed
over the spatial axes (all but the first and the last, unless ``axis`` says otherwise).
"""

from __future__ import annotations

from .._checks import any_true, concrete
from .._dispatch import namespace_of
from .._dtypes import is_integer
from ..losses import masked, overlap
from ._common import as_floats, check_rank, check_shapes_equal, dtype_name, jax_float, promote


def _check_distributions(xp, predictions):
    """optax's check, with ``apply_softmax=False``, that each row of classes sums to 1 (rtol 1e-5,
    ``jnp.allclose``'s atol 1e-8). It reads values: eager mode only (under jit, skipped)."""
    if not concrete(xp, predictions):
        return
    sums = xp.sum(predictions, axis=-1)
    if any_true(xp, xp.logical_not(xp.abs(sums - 1.0) <= 1e-8 + 1e-5)):
        raise ValueError("When apply_softmax=False, predictions must be valid probability distributions that sum "
                         f"to 1 along the class axis. Found sum range: [{float(xp.min(sums)):.6f}, "
                         f"{float(xp.max(sums)):.6f}]")


def dice_loss(predictions, targets, *, class_weights=None, smooth=1.0, alpha=0.5, beta=0.5, apply_softmax=True,
              reduction="mean", ignore_background=False, axis=None):
    """``optax.losses.dice_loss``: the smoothed Tversky loss per class,
    ``1 - (I + smooth) / (I + alpha (sum(p) - I) + beta (sum(g) - I) + smooth)``, ``I = sum(p g)``
    (the Dice loss at ``alpha = beta = 0.5``), then ``reduction`` over the classes: ``'mean'``
    (a loss per example), ``'sum'`` or ``'none'``; another value raises ValueError.

    ``p`` is ``softmax(predictions)`` over the classes (``sigmoid`` for one class) when
    ``apply_softmax``, else ``predictions``, which must then sum to 1 over the classes (ValueError,
    checked in eager mode). A prediction or a target with one axis fewer gets a class axis of 1.
    ``class_weights`` (rank 1) scale each class' loss; ``ignore_background`` drops class 0.
    Milletari et al., 3DV 2016; Salehi et al., MLMI 2017.
    """
    xp = namespace_of(predictions, targets, class_weights)
    if xp.ndim(predictions) == xp.ndim(targets) - 1:
        predictions = xp.expand_dims(predictions, axis=-1)
    if xp.ndim(targets) == xp.ndim(predictions) - 1:
        targets = xp.expand_dims(targets, axis=-1)
    check_shapes_equal("dice_loss", predictions, targets)
    if not apply_softmax:
        _check_distributions(xp, predictions)
    if apply_softmax and predictions.shape[-1] == 1 and is_integer(predictions):
        raise TypeError("dice_loss: predictions of one class go through a sigmoid, which takes floating "
                        f"dtypes only (logistic does not accept dtype {dtype_name(predictions.dtype)}); "
                        "pass float predictions")
    # JAX's softmax makes floats of integers (float32 of int32, float64 of int64)
    predictions, targets = as_floats(xp, predictions, targets)
    probs = predictions
    if apply_softmax:
        probs = xp.sigmoid(predictions) if predictions.shape[-1] == 1 else masked.softmax(xp, predictions, -1)
    if axis is None:
        axis = tuple(range(1, xp.ndim(probs) - 1))
    loss = overlap.smoothed_tversky(xp, probs, targets, alpha, beta, smooth, axis)
    if class_weights is not None:
        check_rank("dice_loss", "class_weights", class_weights, 1)
        loss, class_weights = promote(xp, loss, class_weights)
        loss = loss * class_weights
    if ignore_background and probs.shape[-1] > 1:
        loss = loss[..., 1:]
    if reduction == "mean":
        return xp.mean(loss, axis=-1)
    if reduction == "sum":
        return xp.sum(loss, axis=-1)
    if reduction == "none":
        return loss
    raise ValueError(f"Unsupported reduction: {reduction} (dice_loss takes 'mean', 'sum' or 'none')")


def multiclass_generalized_dice_loss(predictions, targets, *, smooth=1.0, apply_softmax=True,
                                     ignore_background=False):
    """``optax.losses.multiclass_generalized_dice_loss``: :func:`dice_loss` with each class weighted by
    ``1 / (f_c**2 + 1e-7)``, ``f_c`` its target mass over the batch (weights scaled to sum to the number
    of classes), averaged over the examples and the classes: one scalar. Sudre et al., DLMIA 2017.
    """
    xp = namespace_of(predictions, targets)
    check_shapes_equal("multiclass_generalized_dice_loss", predictions, targets)
    # the weights of integer targets are floats in JAX's default float (1 / (f**2 + 1e-7))
    counted = targets if not is_integer(targets) else xp.astype(targets, jax_float(xp, predictions, targets))
    weights = overlap.inverse_square_frequency_weights(xp, counted)
    return xp.mean(dice_loss(predictions, targets, class_weights=weights, smooth=smooth, apply_softmax=apply_softmax,
                             reduction="none", ignore_background=ignore_background))


def binary_dice_loss(predictions, targets, *, smooth=1.0, apply_sigmoid=True):
    """``optax.losses.binary_dice_loss``: :func:`dice_loss` of one class (``sigmoid`` of the
    predictions when ``apply_sigmoid``), a loss per example. Inputs without a class axis of 1 get one.

    As in optax, ``apply_sigmoid=False`` goes through :func:`dice_loss`'s check that the one class'
    probabilities sum to 1, so it accepts predictions that are all 1 only.
    """
    xp = namespace_of(predictions, targets)
    if xp.ndim(predictions) == xp.ndim(targets) and predictions.shape[-1] != 1:
        predictions = xp.expand_dims(predictions, axis=-1)
        targets = xp.expand_dims(targets, axis=-1)
    return dice_loss(predictions, targets, smooth=smooth, apply_softmax=apply_sigmoid, reduction="mean")
