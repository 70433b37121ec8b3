"""``tf.compat.v1.losses`` hinge loss, cosine distance and mean pairwise squared error."""

from __future__ import annotations

import math

from .._dispatch import namespace_of
from .._dtypes import dtype_name, has
from .._plan import Plans, math_backend, math_kernel, one_float_dtype, plain_number
from .._reduction import Reduction
from ..losses import margin
from ._common import (
    as_float32,
    check_broadcastable,
    check_compatible,
    check_not_none,
    pairwise_loss,
)

_DEFAULT = Reduction.SUM_BY_NONZERO_WEIGHTS


def hinge_loss(labels, logits, weights=1.0, scope=None, loss_collection="losses", reduction=_DEFAULT):
    """``tf.compat.v1.losses.hinge_loss``: ``relu(1 - (2 labels - 1) logits)``, weighted and reduced.

    Every label is mapped by ``2 y - 1``, whatever it is: 0/1 labels become -1/1, and a
    label of -1 becomes -3. The gradient at the kink is 0 (``relu``); the result is float32.
    """
    return pairwise_loss(_hinge, logits, labels, weights, reduction, name="logits")


def _hinge(xp, logits, labels):
    return margin.tf_hinge(xp, labels, logits)


def cosine_distance(labels, predictions, axis=None, weights=1.0, scope=None, loss_collection="losses",
                    reduction=_DEFAULT, dim=None):
    """``tf.compat.v1.losses.cosine_distance``: ``1 - sum(predictions labels, axis)``, for unit-normalised inputs.

    The reduced axis is kept (size 1), so ``weights`` must broadcast to that shape: an
    ``(N, D)`` pair takes ``(N, 1)`` weights and refuses ``(N,)`` ones. ``dim`` is the
    deprecated name of ``axis``; one of the two is required. The result is float32.
    """
    if axis is not None and dim is not None:
        raise ValueError("Cannot specify both 'axis' and 'dim'")
    axis = dim if axis is None else axis
    if axis is None:
        raise ValueError("You must specify argument `axis`.")
    return pairwise_loss(_cosine_distance, predictions, labels, weights, reduction, option="axis", value=axis)


def _cosine_distance(xp, predictions, labels, axis):
    return margin.cosine_distance(xp, labels, predictions, axis)


def mean_pairwise_squared_error(labels, predictions, weights=1.0, scope=None, loss_collection="losses"):
    """``tf.compat.v1.losses.mean_pairwise_squared_error``: the squared error of every pair's difference,
    ``((p_i - p_j) - (l_i - l_j))**2``, averaged within each sample and summed times ``weights``.

    The average divides by the count of present elements: with a scalar weight (a
    number, or a 0-d array in eager mode) that is the element count of the *whole
    batch*, not of each sample; with array weights, each sample's count of non-zero
    weights, and each sample's term is multiplied by its weights, so ``(N, D)`` weights
    scale a row by its weight sum. There is no ``reduction``; the result is float32.
    """
    plan = _PAIRWISE_PLANS(None, predictions, labels, None, weights)
    out = None if plan is None else plan(predictions, labels)
    if out is not None:
        return out
    check_not_none(labels=labels, predictions=predictions)
    xp = namespace_of(labels, predictions, weights)
    predictions, labels = as_float32(xp, predictions, labels)
    check_compatible(predictions, labels)
    diffs = predictions - labels
    if has(weights, "shape"):
        weights = xp.astype(weights, xp.float32, copy=False)
        check_broadcastable(weights, diffs)
    present = _present(xp, diffs, weights)
    loss = xp.sum(margin.pairwise_squared_error_terms(xp, diffs, present) * weights)
    return xp.where(xp.sum(present) > 0, loss, xp.zeros_like(loss))


def _present(xp, diffs, weights):
    """TF's ``_num_present(diffs, weights, per_batch=True)``."""
    count = xp.sum(xp.ones_like(diffs))
    if not has(weights, "shape"):
        # A non-zero number counts every element of the batch at once.
        return count if weights != 0 else _present(xp, diffs, xp.zeros_like(count))
    if xp.ndim(weights) == 0:
        return xp.where(weights != 0, count, xp.zeros_like(count))
    present = xp.zeros_like(diffs) + xp.astype(weights != 0, diffs.dtype)
    return xp.sum(present, axis=tuple(range(1, xp.ndim(diffs))), keepdims=True)


def _pairwise_with_count(xp, predictions, labels, weights):
    """The value for float32 arrays of one shape and a non-zero number as ``weights``
    (:func:`_decide_pairwise`): the count of present elements is the size, known here. Under 2**24
    only, where the general path's float32 count is exact; a size of 0 or 1 (whose divisors the
    general path guards) raises, for the general path. The divisions are by a float32 array, as
    there (torch on CUDA multiplies by the reciprocal of a Python number). A 0-d array, as its ``where``."""
    size = math.prod(predictions.shape)
    if not 1 < size < 2**24:
        raise ValueError("the general path's count")
    diffs = predictions - labels
    present = xp.asarray(float(size), dtype=diffs.dtype, device=xp.device(diffs))
    terms = margin.pairwise_squared_error_terms(xp, diffs, present, guarded=False)
    return xp.asarray(xp.sum(terms * weights))


def _decide_pairwise(_, sig, weights):
    """:func:`_pairwise_with_count` where the general path's math may serve (NumPy, plain torch
    tensors: :func:`multiloss._plan.math_backend`), for float32 arrays and a non-zero number."""
    if not (one_float_dtype(sig, 2) and dtype_name(sig[1]) == "float32" and plain_number(weights) and weights):
        return None
    xp = math_backend(*sig[0::3])
    return None if xp is None else math_kernel(xp, _pairwise_with_count, True, weights=float(weights))


_PAIRWISE_PLANS = Plans(_decide_pairwise)
