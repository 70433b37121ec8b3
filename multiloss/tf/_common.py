"""What the ``tf.compat.v1.losses`` functions share: argument checks, float32 casts, ``compute_weighted_loss``."""

from __future__ import annotations

from .._dispatch import namespace_of
from .._dtypes import dtype_name, has
from .._plan import Plans, math_backend, math_kernel, one_float_dtype, plain_number
from .._reduction import TF_V1_OPERATIONS, Reduction, reduce, reduced


def shape_text(shape):
    """A shape as TensorFlow prints it: ``(2, 3)``, ``(None, 3)``, ``(3,)``."""
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"


def check_not_none(**arrays):
    for name, value in arrays.items():
        if value is None:
            raise ValueError(f"Argument `{name}` must not be None.")


def check_compatible(a, b):
    """``TensorShape.assert_is_compatible_with``: same rank, equal dims where both are known."""
    sa, sb = tuple(a.shape), tuple(b.shape)
    if len(sa) != len(sb) or any(x is not None and y is not None and x != y for x, y in zip(sa, sb)):
        raise ValueError(f"Shapes {shape_text(sa)} and {shape_text(sb)} are incompatible")


def as_array(xp, x):
    """An array as it is; a Python value (list, scalar) as an array of the namespace."""
    return x if has(x, "shape") and has(x, "dtype") else xp.asarray(x)


def as_float32(xp, *arrays):
    """TF v1 losses cast labels and predictions to float32 whatever their dtype."""
    return [xp.astype(as_array(xp, a), xp.float32, copy=False) for a in arrays]


def check_broadcastable(weights, values):
    """``weights_broadcast_ops.assert_broadcastable``: a scalar, or the same rank with dims 1 or equal."""
    ws, vs = tuple(getattr(weights, "shape", ())), tuple(values.shape)
    if len(ws) == 0:
        return
    if len(ws) != len(vs) or any(w not in (1, v) and None not in (w, v) for w, v in zip(ws, vs)):
        raise ValueError(
            f"weights can not be broadcast to values. values.rank={len(vs)}. weights.rank={len(ws)}. "
            f"values.shape={shape_text(vs)}. weights.shape={shape_text(ws)}."
        )


def compute_weighted_loss(losses, weights=1.0, scope=None, loss_collection="losses",
                          reduction=Reduction.SUM_BY_NONZERO_WEIGHTS):
    """``tf.compat.v1.losses.compute_weighted_loss``.

    Losses and weights are cast to float32, multiplied, and reduced by
    ``reduction``; every mean is ``divide_no_nan`` (0 over nothing). The result
    is cast back to the dtype ``losses`` came in. ``scope`` and
    ``loss_collection`` are accepted for signature compatibility; there is no
    graph collection to add to.
    """
    plan = _WEIGHTED_PLANS(None, losses, None, None, weights, reduction)
    out = None if plan is None else plan(losses)
    if out is not None:
        return out
    Reduction.validate(reduction)
    xp = namespace_of(losses, weights)
    losses = as_array(xp, losses)
    input_dtype = losses.dtype
    losses = xp.astype(losses, xp.float32, copy=False)
    if has(weights, "shape"):
        weights = xp.astype(as_array(xp, weights), xp.float32, copy=False)
        check_broadcastable(weights, losses)
    else:
        weights = float(weights)
    loss = reduce(xp, losses, TF_V1_OPERATIONS[reduction], weights, empty="zero")
    return xp.astype(loss, input_dtype, copy=False)


def _decide_weighted(_, sig, weights, reduction):
    """The reduction alone for float32 losses and a Python number as ``weights`` (nothing to cast
    or check), where the math may serve (:func:`multiloss._plan.math_backend`)."""
    if not (sig[1] is not None and dtype_name(sig[1]) == "float32" and plain_number(weights)
            and reduction in TF_V1_OPERATIONS):
        return None
    xp = math_backend(*sig[0::3])
    if xp is None:
        return None
    return math_kernel(xp, _reduced_losses, reduction=TF_V1_OPERATIONS[reduction], weights=float(weights))


def _as_is(xp, losses):
    return losses


_reduced_losses = reduced(_as_is, empty="zero")  # the losses reduced: the pairwise plans' tail alone


_WEIGHTED_PLANS = Plans(_decide_weighted)


def pairwise_loss(loss, predictions, labels, weights, reduction, name="predictions", option=None, value=None):
    """A v1 loss of two arrays: both cast to float32, their shapes compatible, then
    ``loss(xp, predictions, labels)`` (with ``option=value`` where one is named) weighted and
    reduced (:func:`compute_weighted_loss`). ``name`` is the argument name of ``predictions`` (in
    an error that it is None).

    Float32 arrays of one shape with a Python number as ``weights`` take a plan
    (:func:`_decide_pairwise`): the same math and reduction with nothing to check or cast.
    """
    out = planned_pairwise(loss, predictions, labels, weights, reduction, option, value)
    if out is not None:
        return out
    check_not_none(labels=labels, **{name: predictions})
    xp = namespace_of(labels, predictions, weights)
    predictions, labels = as_float32(xp, predictions, labels)
    check_compatible(predictions, labels)
    options = {} if option is None else {option: value}
    return compute_weighted_loss(loss(xp, predictions, labels, **options), weights, reduction=reduction)


def planned_pairwise(loss, predictions, labels, weights, reduction, option=None, value=None):
    """:func:`pairwise_loss`'s value from its plan, or None (for a loss whose general path is its own,
    where float32 arrays of one shape and a number weight make it the same math and reduction)."""
    plan = _PAIRWISE_PLANS(loss, predictions, labels, None, weights, reduction, option, value)
    return None if plan is None else plan(predictions, labels)


def _decide_pairwise(loss, sig, weights, reduction, option, value):
    """The general path's math for float32 arrays of one shape (checked per call), a Python number
    as ``weights``, a known reduction and a plain-number option, where that math may serve
    (:func:`multiloss._plan.math_backend`: NumPy, plain torch tensors); elsewhere no plan (TF's
    general path is its own kernels, JAX's a compiled call). These losses check no values."""
    if not (one_float_dtype(sig, 2) and dtype_name(sig[1]) == "float32" and plain_number(weights)
            and reduction in TF_V1_OPERATIONS and (option is None or plain_number(value))):
        return None
    xp = math_backend(*sig[0::3])
    if xp is None:
        return None
    options = {} if option is None else {option: value}
    return math_kernel(xp, reduced(loss, empty="zero"), True, reduction=TF_V1_OPERATIONS[reduction],
                       weights=float(weights), **options)


_PAIRWISE_PLANS = Plans(_decide_pairwise)


def planned_elementwise(math, first, second, option=None, value=None):
    """The value of a ``tf.nn`` op of two arrays, ``math(xp, first, second)`` (with ``option=value``
    where one is named), from a plan (:func:`_decide_elementwise`), or None: the op's general path
    then checks, casts and computes."""
    plan = _ELEMENTWISE_PLANS(math, first, second, None, option, value)
    return None if plan is None else plan(first, second)


def _decide_elementwise(math, sig, option, value):
    """For two float32 or float64 arrays of one dtype and one shape (checked per call) and a plain
    option, where the general path's math may serve (:func:`multiloss._plan.math_backend`): that
    math, with the op's checks (None, shapes, dtypes) all passed by the signature."""
    if not (one_float_dtype(sig, 2) and dtype_name(sig[1]) in ("float32", "float64")
            and (option is None or plain_number(value) or type(value) is bool)):
        return None
    xp = math_backend(*sig[0::3])
    if xp is None:
        return None
    return math_kernel(xp, math, True, **({} if option is None else {option: value}))


_ELEMENTWISE_PLANS = Plans(_decide_elementwise)
