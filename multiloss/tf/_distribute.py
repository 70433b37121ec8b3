"""``tf.nn.compute_average_loss`` and ``tf.nn.scale_regularization_loss``: a loss per replica that
``tf.distribute`` sums into the global one (source: ``tensorflow/python/ops/nn_impl_distribute.py``).

On TensorFlow arrays the replica count is ``tf.distribute``'s; on the other
frameworks there is one replica, so pass ``global_batch_size`` to divide by
the whole batch (see :func:`multiloss.distributed.global_mean` for engines
that average gradients instead).
"""

from __future__ import annotations

import math

from .._checks import concrete
from .._dispatch import namespace_of
from .._dtypes import float_name, has
from .._plan import Plans, math_backend, math_kernel
from .._reduction import divide_no_nan
from ..distributed import in_cross_replica_context, replicas_in_sync
from ._common import shape_text
from ._softmax import as_tensor, dtype_name
from .errors import InvalidArgumentError


def _check_rank(xp, per_example_loss):
    if xp.ndim(per_example_loss) == 0:
        raise ValueError(
            "Invalid value passed for `per_example_loss`. Expected a tensor with at least rank 1. "
            f"Received per_example_loss={per_example_loss} with rank 0"
        )


def _check_replica_context(xp, function):
    if in_cross_replica_context(xp):
        raise RuntimeError(f"You are calling `{function}` in cross replica context, "
                           "while it was expected to be called in replica context.")


def _scale_by_sample_weight(xp, losses, sample_weight):
    """``losses_util.scale_losses_by_sample_weight``: both in float32 (whatever their dtype, as
    TensorFlow does), the weights' rank aligned by one trailing axis, then multiplied."""
    losses = xp.astype(losses, xp.float32)
    sample_weight = xp.astype(as_tensor(xp, sample_weight, like=losses), xp.float32)
    if xp.ndim(sample_weight) - xp.ndim(losses) == 1 and xp.ndim(sample_weight) > 0:
        if sample_weight.shape[-1] not in (1, None):
            raise InvalidArgumentError(f"Can not squeeze dim[{xp.ndim(sample_weight) - 1}], "
                                       f"expected a dimension of 1, got {sample_weight.shape[-1]}")
        sample_weight = xp.squeeze(sample_weight, axis=-1)
    elif xp.ndim(losses) - xp.ndim(sample_weight) == 1 and xp.ndim(sample_weight) > 0:
        sample_weight = xp.expand_dims(sample_weight, axis=-1)
    return losses * sample_weight


def _local_batch_size(xp, losses):
    """``shape(losses)[0]``: static where known, else (under ``tf.function``) from the size."""
    if losses.shape[0] is not None:
        return losses.shape[0]
    rest = math.prod(losses.shape[1:])  # known: only the batch is dynamic in a dataset's batches
    return 0 if rest == 0 else xp.size(losses) // rest


def _check_global_batch_size(xp, value):
    """``assert_scalar``, ``assert_integer``, ``assert_non_negative``: TensorFlow's checks and messages
    (the last one, a value check, in eager mode only)."""
    shape = tuple(value.shape) if has(value, "shape") else ()
    if shape:
        raise ValueError(f"global_batch_size must be scalar..  Expected scalar shape, saw shape: {shape_text(shape)}.")
    name = dtype_name(value.dtype) if has(value, "dtype") else ("int32" if isinstance(value, int) else "float32")
    if not name.startswith(("int", "uint")):
        raise TypeError('global_batch_size must be an integer..  Expected "x" to be integer type.  '
                        f"Found: tensor of dtype <dtype: '{name}'>")
    if (not has(value, "dtype") or concrete(xp, value)) and int(value) < 0:
        raise InvalidArgumentError("global_batch_size must be non-negative..  \n"
                                   "Condition x >= 0 did not hold element-wise:\n"
                                   f"x (shape=() dtype={name}) = \n{int(value)}")


def compute_average_loss(per_example_loss, sample_weight=None, global_batch_size=None):
    """``tf.nn.compute_average_loss``: ``sum(per_example_loss * sample_weight) / global_batch_size``,
    0 when ``global_batch_size`` is 0.

    ``global_batch_size`` defaults to this replica's batch (``shape[0]``) times
    ``num_replicas_in_sync`` (TensorFlow arrays inside a ``tf.distribute`` strategy;
    1 elsewhere), so that the strategy's sum over replicas is the mean over the global
    batch. ``sample_weight`` (a scalar, or of the losses' rank, or one more or one less)
    multiplies in float32 and the product is cast back, as in TensorFlow. A rank-0 loss is
    a ValueError; a ``global_batch_size`` that isn't a scalar integer: ValueError or
    TypeError; a negative one: InvalidArgumentError (eager mode). Called in a cross-replica
    context without ``global_batch_size``: RuntimeError.

    >>> import numpy as np
    >>> float(compute_average_loss(np.array([1.0, 2.0, 3.0]), global_batch_size=6))
    1.0
    """
    if sample_weight is None:
        plan = _AVERAGE_PLANS(None, per_example_loss, None, None, global_batch_size)
        out = None if plan is None else plan(per_example_loss)
        if out is not None:
            return out
    xp = namespace_of(per_example_loss, sample_weight, global_batch_size)
    per_example_loss = as_tensor(xp, per_example_loss)
    dtype = per_example_loss.dtype
    _check_rank(xp, per_example_loss)
    if sample_weight is not None:
        per_example_loss = _scale_by_sample_weight(xp, per_example_loss, sample_weight)
        per_example_loss = xp.astype(per_example_loss, dtype)
    if global_batch_size is None:
        _check_replica_context(xp, "compute_average_loss")
        global_batch_size = _local_batch_size(xp, per_example_loss) * replicas_in_sync(xp)
    elif not isinstance(global_batch_size, int | float):
        global_batch_size = as_tensor(xp, global_batch_size)
    _check_global_batch_size(xp, global_batch_size)
    loss = xp.sum(per_example_loss)
    if isinstance(global_batch_size, int):
        denominator = xp.asarray(global_batch_size, dtype=dtype, device=xp.device(loss))
    else:
        denominator = xp.astype(global_batch_size, dtype)
    quotient = _true_division_dtype(xp, dtype)  # div_no_nan of integers is a true division
    return divide_no_nan(xp, xp.astype(loss, quotient), xp.astype(denominator, quotient))


def _average(xp, per_example_loss, global_batch_size=None):
    """The op's value for float losses of rank 1 or more, no weights and a batch size that is None or
    a Python int (:func:`_decide_average`): ``sum / n`` with nothing to guard (a batch of 0 raises, for
    the general path's ``div_no_nan``). ``n`` is an array of the losses' dtype, as there (torch on
    CUDA multiplies by the reciprocal of a Python number); the result a 0-d array, as its ``where``."""
    count = per_example_loss.shape[0] if global_batch_size is None else global_batch_size
    if count <= 0:
        raise ValueError("div_no_nan's guard")
    total = xp.sum(per_example_loss)
    return xp.asarray(total / xp.asarray(count, dtype=total.dtype, device=xp.device(total)))


def _decide_average(_, sig, global_batch_size):
    """:func:`_average` for float32 or float64 losses of rank 1 or more on a backend whose replica
    count is 1 and where the general path's math may serve (:func:`multiloss._plan.math_backend`)."""
    if not (float_name(sig[1]) in ("float32", "float64") and sig[2] >= 1
            and (global_batch_size is None or type(global_batch_size) is int)):
        return None
    xp = math_backend(sig[0])  # NumPy or torch: one replica
    return None if xp is None else math_kernel(xp, _average, global_batch_size=global_batch_size)


_AVERAGE_PLANS = Plans(_decide_average)


def _true_division_dtype(xp, dtype):
    # TensorFlow's truediv: 8- and 16-bit integers divide in float32, wider ones in float64.
    if not xp.isdtype(dtype, "integral"):
        return dtype
    return xp.float64 if dtype_name(dtype) in ("int32", "int64", "uint32", "uint64") else xp.float32


def scale_regularization_loss(regularization_loss):
    """``tf.nn.scale_regularization_loss``: ``sum(regularization_loss) / num_replicas_in_sync``.

    The replica count is ``tf.distribute``'s for TensorFlow arrays and 1 elsewhere;
    integers divide as TensorFlow's ``truediv`` does (int32 and int64 into float64).
    In a cross-replica context: RuntimeError.

    >>> import numpy as np
    >>> float(scale_regularization_loss(np.array([1.0, 2.0])))
    3.0
    """
    plan = _SUM_PLANS(None, regularization_loss, None, None)
    out = None if plan is None else plan(regularization_loss)
    if out is not None:
        return out
    xp = namespace_of(regularization_loss)
    regularization_loss = as_tensor(xp, regularization_loss)
    _check_replica_context(xp, "scale_regularization_loss")
    total = xp.sum(regularization_loss)
    total = xp.astype(total, _true_division_dtype(xp, total.dtype))
    return total / replicas_in_sync(xp)


def _decide_sum(_, sig):
    """For float losses on a backend whose replica count is 1 (:func:`multiloss._plan.math_backend`),
    the sum alone: the general path divides it by 1, which changes no bit (and no type)."""
    xp = math_backend(sig[0]) if float_name(sig[1]) is not None else None  # NumPy or torch: one replica
    return None if xp is None else math_kernel(xp, _sum)


def _sum(xp, regularization_loss):
    return xp.sum(regularization_loss)


_SUM_PLANS = Plans(_decide_sum)


__all__ = ["compute_average_loss", "scale_regularization_loss"]
