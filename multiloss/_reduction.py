"""One reduction helper for every vocabulary: PyTorch, Keras 3 and TF v1.

Each interface translates its own words into one of the operations of
:func:`reduce` with :func:`torch_reduction`, :func:`keras_reduction` or
:class:`Reduction` (TF v1), and no interface reduces on its own.

The operations, for losses ``l`` and weights ``w`` broadcast to ``l``'s shape:

=================  =====================================  ==========================================
operation          value                                  used for
=================  =====================================  ==========================================
``none``           ``w * l``                              every vocabulary's "none"
``sum``            ``sum(w * l)``                         every vocabulary's "sum"
``mean``           ``sum(w * l) / size(l)``               torch "mean", Keras "sum_over_batch_size",
                                                          TF v1 SUM_OVER_BATCH_SIZE
``weighted_mean``  ``sum(w * l) / sum(w)``                torch weighted L1/MSE, Keras
                                                          "mean_with_sample_weight", TF v1 MEAN
``nonzero_mean``   ``sum(w * l) / count(w != 0)``         TF v1 SUM_BY_NONZERO_WEIGHTS
``batchmean``      ``sum(l) / l.shape[0]``                torch ``kl_div``
=================  =====================================  ==========================================

A mean over nothing is NaN in PyTorch and 0 in Keras and TF v1 (their
``divide_no_nan``): the ``empty`` argument picks which.
"""

from __future__ import annotations

from ._checks import warn

OPERATIONS = ("none", "sum", "mean", "weighted_mean", "nonzero_mean", "batchmean")


def divide_no_nan(xp, numerator, denominator):
    """``numerator / denominator``, and 0 where the denominator is 0 (TF and Keras' guard)."""
    zero = denominator == 0
    safe = xp.where(zero, xp.ones_like(denominator), denominator)
    return xp.where(zero, xp.zeros_like(numerator), numerator / safe)


def reduce(xp, values, operation, weights=None, *, empty="nan"):
    """Reduce ``values`` by one of ``OPERATIONS``; ``empty`` is "nan" (PyTorch) or "zero".

    ``weights`` is an array that broadcasts to ``values``, or a Python number.
    """
    if isinstance(weights, int | float):
        return _reduce_by_scalar(xp, values, operation, float(weights), empty)
    if weights is not None:
        values = values * weights
    if operation == "none":
        return values
    if operation == "mean":
        count = xp.size(values)
        if isinstance(count, int) and count > 0:
            return xp.mean(values)
        total = xp.sum(values)
        if isinstance(count, int):  # == 0
            # The sum of nothing is 0; times nan (PyTorch) or 0 (divide_no_nan)
            # keeps the graph and avoids a 0/0 warning.
            return total * (float("nan") if empty == "nan" else 0.0)
        count = xp.astype(count, total.dtype)  # a size known only at run time (tf.function)
        return total / count if empty == "nan" else divide_no_nan(xp, total, count)
    total = xp.sum(values)
    if operation == "sum":
        return total
    if operation == "weighted_mean":
        divisor = xp.sum(_broadcast(xp, weights, values))
    elif operation == "nonzero_mean":
        present = xp.astype(_broadcast(xp, weights, values) != 0, total.dtype)
        divisor = xp.sum(present)
    elif operation == "batchmean":
        divisor = values.shape[0] if xp.ndim(values) > 0 else 1
        return total / divisor
    else:
        raise ValueError(f"unknown reduction operation {operation!r}; expected one of {OPERATIONS}")
    if empty == "nan":
        return total / divisor
    return divide_no_nan(xp, total, divisor)


def reduced(loss, empty="nan", **fixed):
    """``loss(xp, *arrays, **options)`` reduced by the keywords ``reduction`` (one of
    ``OPERATIONS``) and ``weights``: a plan's math (:func:`multiloss._plan.math_kernel`), the
    general path's last step once its checks have passed. Its ``planned(xp, reduction, weights,
    **options)`` is that math as a function of the arrays alone, the reduction decided once."""

    def math(xp, *arrays, reduction, weights=None, **options):
        return reduce(xp, loss(xp, *arrays, **fixed, **options), reduction, weights, empty=empty)

    def planned(xp, reduction, weights=None, **options):
        finish, options = reducer(reduction, weights, empty), {**fixed, **options}
        if options:
            return lambda *arrays: finish(xp, loss(xp, *arrays, **options))
        return lambda *arrays: finish(xp, loss(xp, *arrays))

    math.planned = planned
    return math


def reducer(operation, weights=None, empty="nan"):
    """``reduce(xp, values, operation, weights, empty=empty)`` as a function of ``(xp, values)``, with
    what depends on the operation and a number weight decided once: a plan's reduction. A weight of
    1 (every weight non-zero) makes TF's non-zero mean the mean, and leaves the values as they are."""
    unweighted = weights is None or (type(weights) in (int, float) and weights == 1)
    if unweighted and operation == "none":
        return lambda xp, values: values
    if unweighted and operation == "sum":
        return lambda xp, values: xp.sum(values)
    if unweighted and (operation == "mean" or (operation == "nonzero_mean" and weights is not None)):
        def mean(xp, values):
            count = xp.size(values)
            if type(count) is int and count > 0:
                return xp.mean(values)
            return reduce(xp, values, "mean", empty=empty)  # nothing to average, or a size known later

        return mean
    return lambda xp, values: reduce(xp, values, operation, weights, empty=empty)


def _reduce_by_scalar(xp, values, operation, weight, empty):
    # One weight for every element: the divisors follow from the element count,
    # with no weight array to build (TensorFlow takes the same shortcut).
    if weight != 1.0:
        values = values * weight
    if operation == "nonzero_mean" and weight != 0:
        operation = "mean"  # every weight is non-zero: their count is the size
    if operation in ("none", "sum", "mean", "batchmean"):
        return reduce(xp, values, operation, empty=empty)
    total = xp.sum(values)
    count = xp.size(values)
    if not isinstance(count, int):  # a shape known only at run time (tf.function)
        count = xp.astype(count, total.dtype)
    # sum(w) over the elements is w * count; the non-zero weights number count or 0
    divisor = count * weight if operation == "weighted_mean" else count * float(weight != 0)
    if isinstance(divisor, float):
        if divisor == 0:
            return total * (float("nan") if empty == "nan" else 0.0)
        return total / divisor
    return total / divisor if empty == "nan" else divide_no_nan(xp, total, divisor)


def _broadcast(xp, weights, values):
    if weights is None:
        return xp.ones_like(values)
    return xp.zeros_like(values) + weights


# -- PyTorch ------------------------------------------------------------------------------

TORCH_REDUCTIONS = ("none", "mean", "sum")


def torch_legacy_reduction(size_average, reduce):
    """PyTorch's ``legacy_get_string``: the reduction that ``size_average``/``reduce`` stand for.

    ``None`` counts as True; ``reduce=False`` gives "none", else
    ``size_average=False`` gives "sum", else "mean"; with PyTorch's warning.
    """
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    if not reduce:
        reduction = "none"
    elif size_average:
        reduction = "mean"
    else:
        reduction = "sum"
    warn(f"size_average and reduce args will be deprecated, please use reduction='{reduction}' instead.",
         UserWarning, 4)
    return reduction


def torch_reduction(reduction, size_average=None, reduce=None, *, allowed=TORCH_REDUCTIONS):
    """Resolve PyTorch's ``reduction``; either legacy argument, when given, overrides it.

    An unknown reduction raises ``ValueError`` with PyTorch's message.
    """
    if size_average is not None or reduce is not None:
        return torch_legacy_reduction(size_average, reduce)
    if reduction == "elementwise_mean":
        warn("reduction='elementwise_mean' is deprecated. Please use reduction='mean' instead.", UserWarning, 3)
        return "mean"
    if reduction not in allowed:
        raise ValueError(f"{reduction} is not a valid value for reduction")
    return reduction


# -- Keras 3 ------------------------------------------------------------------------------

KERAS_REDUCTIONS = ("sum_over_batch_size", "sum", None, "none", "mean", "mean_with_sample_weight")


def keras_reduction(reduction):
    """Validate a Keras 3 reduction, with Keras' ValueError for anything else."""
    if reduction not in KERAS_REDUCTIONS:
        raise ValueError(
            "Invalid value for argument `reduction`. "
            f"Expected one of {set(KERAS_REDUCTIONS)}. Received: reduction={reduction}"
        )
    return reduction


def keras_reduce(xp, values, sample_weight, reduction, mask=None):
    """Keras 3's ``reduce_weighted_values``: weights aligned by rank, mean with ``divide_no_nan``.

    ``mask`` marks the valid entries (SparseCategoricalCrossentropy's
    ``ignore_class``): for the means it reweights so that the mean is over the
    valid entries only, as Keras does.
    """
    if mask is not None:
        sample_weight = _keras_apply_mask(xp, sample_weight, mask, values.dtype, reduction)
    if sample_weight is not None:
        sample_weight = xp.astype(sample_weight, values.dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(xp, values, sample_weight)
        values = values * sample_weight
    if reduction in (None, "none") or tuple(values.shape) in ((), (0,)):
        return values
    if reduction == "sum":
        return xp.sum(values)
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        return divide_no_nan(xp, xp.sum(values), xp.sum(sample_weight))
    return reduce(xp, values, "mean", empty="zero")


def _keras_apply_mask(xp, sample_weight, mask, dtype, reduction):
    float_mask = xp.astype(mask, dtype)
    if reduction in ("mean", "sum_over_batch_size"):
        valid, size = xp.sum(float_mask), xp.size(float_mask)
        # a size known only at run time (tf.function) is an integer tensor
        total = xp.full_like(valid, size) if isinstance(size, int) else xp.astype(size, dtype)
        float_mask = float_mask * divide_no_nan(xp, total, valid)
    if sample_weight is None:
        return float_mask
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(xp, float_mask, xp.astype(sample_weight, dtype))
    return sample_weight * float_mask


def squeeze_or_expand_to_same_rank(xp, x1, x2, expand_rank_1=True):
    """Keras' rank alignment: fix a rank difference of exactly one through a trailing 1."""
    rank1, rank2 = xp.ndim(x1), xp.ndim(x2)
    if rank1 == rank2 + 1 and x1.shape[-1] == 1:
        if rank2 == 1 and expand_rank_1:
            x2 = xp.expand_dims(x2, axis=-1)
        else:
            x1 = xp.squeeze(x1, axis=-1)
    if rank2 == rank1 + 1 and x2.shape[-1] == 1:
        if rank1 == 1 and expand_rank_1:
            x1 = xp.expand_dims(x1, axis=-1)
        else:
            x2 = xp.squeeze(x2, axis=-1)
    return x1, x2


# -- TF v1 --------------------------------------------------------------------------------


class Reduction:
    """``tf.compat.v1.losses.Reduction``: the same members and string values."""

    NONE = "none"
    SUM = "weighted_sum"
    SUM_OVER_BATCH_SIZE = "weighted_sum_over_batch_size"
    MEAN = "weighted_mean"
    SUM_BY_NONZERO_WEIGHTS = "weighted_sum_by_nonzero_weights"
    SUM_OVER_NONZERO_WEIGHTS = SUM_BY_NONZERO_WEIGHTS

    @classmethod
    def all(cls):
        return (cls.NONE, cls.SUM, cls.MEAN, cls.SUM_OVER_BATCH_SIZE,
                cls.SUM_OVER_NONZERO_WEIGHTS, cls.SUM_BY_NONZERO_WEIGHTS)

    @classmethod
    def validate(cls, key):
        if key not in cls.all():
            raise ValueError(f"Invalid Reduction Key {key}. Key should be one of {cls.all()}.")


TF_V1_OPERATIONS = {
    Reduction.NONE: "none",
    Reduction.SUM: "sum",
    Reduction.MEAN: "weighted_mean",
    Reduction.SUM_OVER_BATCH_SIZE: "mean",
    Reduction.SUM_BY_NONZERO_WEIGHTS: "nonzero_mean",
}
