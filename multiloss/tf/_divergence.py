"""``tf.nn.log_poisson_loss``."""

from __future__ import annotations

from .._dispatch import namespace_of
from .._dtypes import require_one_float_dtype, require_tf_float
from ..losses import divergence
from ._common import as_array, check_compatible, planned_elementwise, shape_text


def _check_same_shape(targets, log_input):
    """``TensorShape.assert_is_compatible_with``, with ``log_poisson_loss``'s message: no broadcasting."""
    try:
        check_compatible(targets, log_input)
    except ValueError:
        raise ValueError(
            "`log_input` and `targets` must have the same shape, received "
            f"({shape_text(tuple(log_input.shape))} vs {shape_text(tuple(targets.shape))})."
        ) from None


def log_poisson_loss(targets, log_input, compute_full_loss=False, name=None):
    """``tf.nn.log_poisson_loss``: ``exp(log_input) - log_input * targets``, elementwise, unreduced.

    Targets come first. ``compute_full_loss=True`` adds Stirling's
    ``targets log targets - targets + 0.5 log(2 pi targets)`` except where
    ``0 <= targets <= 1`` (a negative target gives NaN, unlike PyTorch's
    ``poisson_nll_loss``, which zeroes every target ``<= 1``). The shapes must
    be equal. ``name`` is accepted for signature compatibility.
    """
    out = planned_elementwise(_log_poisson, targets, log_input, "compute_full_loss", compute_full_loss)
    if out is not None:
        return out
    xp = namespace_of(targets, log_input)
    log_input, targets = xp.value(as_array(xp, log_input)), xp.value(as_array(xp, targets))
    _check_same_shape(targets, log_input)
    require_tf_float("Exp", log_input=log_input)  # exp(log_input) comes first
    require_one_float_dtype("Mul", log_input, targets)
    return _log_poisson(xp, targets, log_input, compute_full_loss)


def _log_poisson(xp, targets, log_input, compute_full_loss):
    result = divergence.log_poisson(xp, targets, log_input)
    if compute_full_loss:
        result = result + divergence.stirling(xp, targets, zero_negative=False)
    return result
