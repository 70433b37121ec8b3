"""``tf.compat.v1.losses`` regression losses and ``tf.nn.l2_loss``."""

from __future__ import annotations

from .._dispatch import namespace_of
from .._dtypes import dtype_name, require_tf_float
from .._plan import Plans, math_backend, math_kernel, one_float_dtype, plain_number
from .._reduction import TF_V1_OPERATIONS, Reduction, reduced
from ..losses import regression
from ._common import as_float32, check_compatible, check_not_none, compute_weighted_loss

_DEFAULT = Reduction.SUM_BY_NONZERO_WEIGHTS


# loss -> the general path's math for float32 arrays (its casts then change nothing), weighted by a
# Python number and reduced by a v1 operation (a mean over nothing is 0)
_MATH = {loss: reduced(loss, empty="zero")
         for loss in (regression.absolute_error, regression.squared_error, regression.huber)}


def _decide(loss, sig, weights, reduction, delta=None):
    """The general path's math for float32 predictions and labels of one shape (checked per call), a
    Python number as ``weights`` and a known reduction, on NumPy and torch (:func:`math_backend`);
    no plan elsewhere (TF's general path is its own kernels, JAX's a compiled call)."""
    if not (one_float_dtype(sig, 2) and dtype_name(sig[1]) == "float32" and plain_number(weights)
            and reduction in TF_V1_OPERATIONS and (delta is None or plain_number(delta))):
        return None
    xp = math_backend(*sig[0::3])
    if xp is None:
        return None
    options = {} if delta is None else {"delta": delta}
    return math_kernel(xp, _MATH[loss], True, reduction=TF_V1_OPERATIONS[reduction], weights=float(weights),
                       **options)


_PLANS = Plans(_decide)


def _pairwise(loss, labels, predictions, weights, reduction, **options):
    plan = _PLANS(loss, predictions, labels, None, weights, reduction, *options.values())
    out = None if plan is None else plan(predictions, labels)
    if out is not None:
        return out
    check_not_none(labels=labels, predictions=predictions)
    xp = namespace_of(labels, predictions, weights)
    predictions, labels = as_float32(xp, predictions, labels)
    check_compatible(predictions, labels)
    return compute_weighted_loss(loss(xp, predictions, labels, **options), weights, reduction=reduction)


def absolute_difference(labels, predictions, weights=1.0, scope=None, loss_collection="losses",
                        reduction=_DEFAULT):
    """``tf.compat.v1.losses.absolute_difference``: ``|predictions - labels|``, weighted and reduced."""
    return _pairwise(regression.absolute_error, labels, predictions, weights, reduction)


def mean_squared_error(labels, predictions, weights=1.0, scope=None, loss_collection="losses",
                       reduction=_DEFAULT):
    """``tf.compat.v1.losses.mean_squared_error``: ``(predictions - labels)**2``, weighted and reduced."""
    return _pairwise(regression.squared_error, labels, predictions, weights, reduction)


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None, loss_collection="losses",
               reduction=_DEFAULT):
    """``tf.compat.v1.losses.huber_loss``: ``0.5 min(|e|, delta)**2 + delta (|e| - min(|e|, delta))``."""
    return _pairwise(regression.huber, labels, predictions, weights, reduction, delta=delta)




def l2_loss(t, name=None):
    """``tf.nn.l2_loss``: ``sum(t**2) / 2``, no square root; the dtype of ``t``."""
    xp = namespace_of(t)
    require_tf_float("l2_loss", t=t)
    return regression.half_sum_of_squares(xp, t)
