"""optax's classification losses (``optax/losses/_classification.py``), CTC aside: per example, nothing reduced.

The class axis is ``axis`` (last by default) and is removed; ``where`` masks entries out of the
sums and the softmax, as the ``where`` of ``jnp.sum`` and ``jax.nn.log_softmax`` does.
"""

from __future__ import annotations

import warnings

from .._checks import concrete
from .._dispatch import namespace_of
from .._fused import stacklevel
from ..losses import categorical, divergence, margin, masked, sigmoid
from ._common import (
    as_array,
    canonical_axis,
    check_axis,
    check_floating,
    check_integer,
    check_shapes_equal,
    dtype_name,
    jax_float,
    mask_like,
    promote,
)


def _cast_labels(xp, labels, logits):
    """``jnp.astype(labels, logits.dtype)``: optax's cast of binary labels."""
    labels = as_array(xp, labels, logits)
    return labels if labels.dtype == logits.dtype else xp.astype(labels, logits.dtype)


# -- sigmoid ----------------------------------------------------------------------------------


def sigmoid_binary_cross_entropy(logits, labels):
    """``optax.losses.sigmoid_binary_cross_entropy``: ``-y log sigmoid(x) - (1 - y) log sigmoid(-x)``.

    ``labels`` (0/1 or soft) are cast to the logits' dtype; ``logits`` must be floating.
    """
    xp = namespace_of(logits, labels)
    check_floating("sigmoid_binary_cross_entropy", logits=logits)
    return sigmoid.log_sigmoid_bce(xp, logits, _cast_labels(xp, labels, logits))


def sigmoid_focal_loss(logits, labels, *, alpha=None, gamma=2.0):
    """``optax.losses.sigmoid_focal_loss``: ``bce(x, y) (1 - p_t)**gamma``, times
    ``alpha y + (1 - alpha)(1 - y)`` when ``alpha`` is given (optax's default ``None`` weights
    nothing; torchvision's default is 0.25). Lin et al., "Focal Loss for Dense Object Detection", 2017.
    """
    xp = namespace_of(logits, labels)
    check_floating("sigmoid_focal_loss", logits=logits)
    labels = _cast_labels(xp, labels, logits)
    loss = sigmoid.log_sigmoid_bce(xp, logits, labels) * sigmoid.log_focal_factor(xp, logits, labels, gamma)
    if alpha is None:
        return loss
    return (alpha * labels + (1.0 - alpha) * (1.0 - labels)) * loss


# -- margins ----------------------------------------------------------------------------------


def hinge_loss(predictor_outputs, targets):
    """``optax.losses.hinge_loss``: ``max(0, 1 - s t)`` elementwise, for targets in {-1, 1}.

    Shapes broadcast and any dtype is taken, as in optax (integers give integers).
    """
    xp = namespace_of(predictor_outputs, targets)
    predictor_outputs, targets = promote(xp, as_array(xp, predictor_outputs, None), targets)
    return margin.signed_hinge(xp, predictor_outputs, targets)


def perceptron_loss(predictor_outputs, targets):
    """``optax.losses.perceptron_loss``: ``max(0, -s t)`` elementwise, for targets in {-1, 1};
    the shapes must be equal (ValueError)."""
    xp = namespace_of(predictor_outputs, targets)
    check_shapes_equal("perceptron_loss", predictor_outputs, targets, ("predictor_outputs", "targets"))
    predictor_outputs, targets = promote(xp, predictor_outputs, targets)
    return margin.perceptron(xp, predictor_outputs, targets)


def _one_hot(xp, scores, labels):
    """``jax.nn.one_hot(labels, C)`` beside ``scores``, in JAX's default float dtype (float32, or
    float64 under ``jax_enable_x64``), which the loss then takes: half-precision scores give float32,
    float64 ones float64, and integer scores float64 (optax's result under x64, see ``jax_float``)."""
    name = dtype_name(scores.dtype)
    dtype = {"float64": xp.float64, "float32": xp.float32, "float16": xp.float32, "bfloat16": xp.float32}.get(
        name, jax_float(xp, scores, labels))
    return xp.one_hot(labels, scores.shape[-1], dtype)  # a label outside [0, C) is a row of zeros


def multiclass_hinge_loss(scores, labels):
    """``optax.losses.multiclass_hinge_loss``: ``max(s + 1 - y) - <s, y>`` over the last axis, ``y`` the
    one-hot of the integer ``labels`` (Crammer & Singer 2001; PyTorch's ``multi_margin_loss`` differs).

    A label outside ``[0, C)`` one-hots to zeros, as in JAX.
    """
    xp = namespace_of(scores, labels)
    scores = as_array(xp, scores, None)
    one_hot = _one_hot(xp, scores, as_array(xp, labels, scores))
    # scores + 1 in the scores' float dtype (a half-precision sum rounds there), then the
    # one-hot's; integer scores become floats first (JAX's int + 1.0 is a float, exactly)
    if dtype_name(scores.dtype) not in ("float16", "bfloat16", "float32", "float64"):
        scores = xp.astype(scores, one_hot.dtype)
    shifted = scores + 1.0
    shifted = shifted if shifted.dtype == one_hot.dtype else xp.astype(shifted, one_hot.dtype)
    scores = scores if scores.dtype == one_hot.dtype else xp.astype(scores, one_hot.dtype)
    return margin.multiclass_hinge(xp, shifted, scores, one_hot)


def multiclass_perceptron_loss(scores, labels):
    """``optax.losses.multiclass_perceptron_loss``: ``max(s) - s[label]`` over the last axis."""
    xp = namespace_of(scores, labels)
    scores = as_array(xp, scores, None)
    one_hot = _one_hot(xp, scores, as_array(xp, labels, scores))
    scores = scores if scores.dtype == one_hot.dtype else xp.astype(scores, one_hot.dtype)
    return margin.multiclass_perceptron(xp, scores, one_hot)


# -- softmax ----------------------------------------------------------------------------------


def softmax_cross_entropy(logits, labels, axis=-1, where=None):
    """``optax.losses.softmax_cross_entropy``: ``-sum(labels * log_softmax(logits), axis)``.

    ``labels`` are class probabilities; ``where`` (the logits' shape, or without the class axis)
    leaves entries out of the softmax and the sum. A ``-inf`` logit with a zero label gives NaN
    (``0 * -inf``), as in optax: :func:`safe_softmax_cross_entropy` makes it 0.
    """
    xp = namespace_of(logits, labels, where)
    check_floating("softmax_cross_entropy", logits=logits)
    check_axis(axis, xp.ndim(logits))
    logits, labels = promote(xp, logits, as_array(xp, labels, logits))
    where = mask_like(xp, where, xp.ndim(logits), axis)
    return categorical.masked_softmax_cross_entropy(xp, logits, labels, axis, where)


def safe_softmax_cross_entropy(logits, labels):
    """``optax.losses.safe_softmax_cross_entropy``: :func:`softmax_cross_entropy` over the last axis,
    where a zero label's term is 0 even at a ``-inf`` logit (value and gradient)."""
    xp = namespace_of(logits, labels)
    check_floating("safe_softmax_cross_entropy", logits=logits)
    logits, labels = promote(xp, logits, as_array(xp, labels, logits))
    return categorical.safe_softmax_cross_entropy(xp, logits, labels)


def _flatten_class_axes(xp, logits, where, axis):
    """optax's handling of a tuple of class axes: moved last and merged into one."""
    ndim = xp.ndim(logits)
    class_axes = tuple(canonical_axis(a, ndim) for a in axis)
    batch_axes = tuple(a for a in range(ndim) if a not in class_axes)
    last = tuple(range(len(batch_axes), ndim))

    def merge(x):
        # the batch axes first in their order, then the class axes in the order given
        x = xp.moveaxis(x, class_axes, last)
        return xp.reshape(x, tuple(-1 if d is None else d for d in x.shape[:len(batch_axes)]) + (-1,))

    return merge(logits), (None if where is None else merge(where)), len(batch_axes)


def softmax_cross_entropy_with_integer_labels(logits, labels, axis=-1, where=None):
    """``optax.losses.softmax_cross_entropy_with_integer_labels``: ``logsumexp(logits) - logits[label]``.

    ``labels`` must be integers (TypeError otherwise) and are not range-checked, as in optax: a
    label in ``[-C, 0)`` counts from the end, one outside ``[-C, C)`` gives NaN. ``axis`` is an int
    or a tuple of class axes (merged, in order); ``where`` masks classes out of the log-sum-exp, and
    a row with no class left is 0.
    """
    xp = namespace_of(logits, labels, where)
    check_floating("softmax_cross_entropy_with_integer_labels", logits=logits)
    check_integer("softmax_cross_entropy_with_integer_labels", labels=labels)
    where = mask_like(xp, where, xp.ndim(logits), axis) if isinstance(axis, int) else where
    if isinstance(axis, int):
        axis = canonical_axis(axis, xp.ndim(logits))
    elif isinstance(axis, tuple):
        logits, where, axis = _flatten_class_axes(xp, logits, where, axis)
    else:
        raise ValueError("Keyword argument 'axis' must be of type 'int' or 'tuple[int, ...]' but actual type is "
                         f"{type(axis)}.")
    return categorical.wrapped_index_cross_entropy(xp, logits, labels, axis, where)


def poly_loss_cross_entropy(logits, labels, *, epsilon=2.0, axis=-1, where=None):
    """``optax.losses.poly_loss_cross_entropy``: ``CE + epsilon * sum(labels * (1 - softmax(logits)))``,
    PolyLoss' Poly-1 form (Leng et al., ICLR 2022). Both inputs must be floating."""
    xp = namespace_of(logits, labels, where)
    check_floating("poly_loss_cross_entropy", logits=logits, labels=labels)
    check_axis(axis, xp.ndim(logits))
    logits, labels = promote(xp, logits, labels)
    one_minus_pt = categorical.poly_one_minus_pt(xp, logits, labels, axis, where)
    cross_entropy = categorical.masked_softmax_cross_entropy(
        xp, logits, labels, axis, mask_like(xp, where, xp.ndim(logits), axis))
    return cross_entropy + epsilon * one_minus_pt


# -- Kullback-Leibler -------------------------------------------------------------------------


def _masked_divergence(name, terms, log_predictions, targets, axis, where, targets_name="targets"):
    """The frame of the KL losses: both inputs floating, ``axis`` in range, one dtype, then each
    ``term(xp, log_predictions, targets)`` summed over ``axis`` where ``where`` holds."""
    xp = namespace_of(log_predictions, targets, where)
    check_floating(name, log_predictions=log_predictions, **{targets_name: targets})
    check_axis(axis, xp.ndim(log_predictions))
    log_predictions, targets = promote(xp, log_predictions, targets)
    sums = [masked.masked_sum(xp, term(xp, log_predictions, targets), axis, where) for term in terms]
    return sums[0] if len(sums) == 1 else sums[0] + sums[1]


def kl_divergence(log_predictions, targets, axis=-1, where=None):
    """``optax.losses.kl_divergence``: ``sum(t (log t - log_predictions), axis)`` over ``where``,
    a zero target's term 0 (Kullback & Leibler 1951). Both inputs must be floating."""
    return _masked_divergence("kl_divergence", [divergence.kl_div_zero_log], log_predictions, targets, axis, where)


def kl_divergence_with_log_targets(log_predictions, log_targets, axis=-1, where=None):
    """``optax.losses.kl_divergence_with_log_targets``: ``sum(exp(lt) (lt - log_predictions), axis)``."""
    return _masked_divergence("kl_divergence_with_log_targets", [divergence.kl_div_log_target], log_predictions,
                              log_targets, axis, where, targets_name="log_targets")


def generalized_kl_divergence(log_predictions, targets, axis=-1, where=None):
    """``optax.losses.generalized_kl_divergence``: ``kl_divergence + sum(exp(log_predictions) - t, axis)``,
    the KL divergence of unnormalised measures (convex in both)."""
    return _masked_divergence("generalized_kl_divergence", [divergence.kl_div_zero_log, divergence.mass_difference],
                              log_predictions, targets, axis, where)


def convex_kl_divergence(log_predictions, targets, axis=-1, where=None):
    """``optax.losses.convex_kl_divergence``: deprecated (a DeprecationWarning) in favour of
    :func:`generalized_kl_divergence`, which it computes.

    The warning comes in eager mode; a traced call (``jax.jit``, ``tf.function``, ``torch.compile``,
    which cannot trace ``warnings.warn``) skips it, where optax warns while JAX traces.
    """
    if concrete(namespace_of(log_predictions, targets), log_predictions):
        warnings.warn("The function convex_kl_divergence is deprecated. Please use generalized_kl_divergence "
                      "instead.", DeprecationWarning, stacklevel=stacklevel(2))
    return generalized_kl_divergence(log_predictions, targets, axis=axis, where=where)
