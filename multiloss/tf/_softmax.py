"""Softmax cross-entropy in TensorFlow's interfaces: the ``tf.nn`` ops and the ``tf.compat.v1.losses`` wrappers.

Label checks that need values (a class index outside ``[0, C)``) run in
eager mode on every backend, as TensorFlow's CPU kernel does; under
``jax.jit``, ``tf.function`` and ``torch.compile`` they are skipped (TF on GPU
and under XLA returns NaN rows instead, as multiloss then does).
"""

from __future__ import annotations

import math

from .._checks import any_true, concrete
from .._dispatch import namespace_of
from .._dtypes import has, require_tf_float
from .._plan import Plans, math_backend, math_kernel, plain_number
from .._reduction import TF_V1_OPERATIONS, Reduction, reduced
from ..losses import categorical
from ._common import (
    check_compatible,
    check_not_none,
    compute_weighted_loss,
    planned_elementwise,
    planned_pairwise,
    shape_text,
)
from .errors import InvalidArgumentError

# TensorFlow's names for dtypes in its op-attribute messages.
_TF_DTYPE_NAMES = {"float32": "float", "float64": "double", "float16": "half"}


def dtype_name(dtype):
    """``float32``, ``int64``, ...: the dtype's name whatever its framework spells it."""
    return getattr(dtype, "name", None) or str(dtype).rpartition(".")[2]


def as_tensor(xp, x, like=None):
    """``tf.convert_to_tensor``: arrays unchanged; Python floats become float32, ints int32
    (on the device of the array ``like``, where given)."""
    if has(x, "dtype") and has(x, "shape"):
        return x
    x = xp.asarray(x, device=None if like is None else xp.device(like))
    if xp.isdtype(x.dtype, "real floating"):
        return xp.astype(x, xp.float32)
    return xp.astype(x, xp.int32) if xp.isdtype(x.dtype, "integral") else x


def as_indices(xp, labels):
    """Labels as integers: floats are truncated toward zero into the default index dtype
    (int64, or int32 under JAX without x64); integer labels keep their dtype."""
    if xp.isdtype(labels.dtype, "integral"):
        return labels
    return xp.astype(labels, xp.__array_namespace_info__().default_dtypes()["indexing"])


def check_label_dtype(labels):
    """The sparse op takes int32 or int64 labels only; TF raises InvalidArgumentError for the rest."""
    name = dtype_name(labels.dtype)
    if name not in ("int32", "int64"):
        raise InvalidArgumentError(
            f"Value for attr 'Tlabels' of {_TF_DTYPE_NAMES.get(name, name)} "
            "is not in the list of allowed values: int32, int64"
        )


def check_label_range(xp, labels, num_classes):
    """TF's CPU kernel check: every label in ``[0, num_classes)``. Eager only (skipped under jit).

    The verdict and the value named come from reductions, which every process can read even
    for an array sharded over several (JAX multi-process), so each raises the same error;
    the labels are listed where this process holds them all.
    """
    if not concrete(xp, labels):
        return
    bad = (labels < 0) | (labels >= num_classes)
    if any_true(xp, bad):
        # TF names the smallest label if it is negative, else the largest.
        low = int(xp.min(labels))
        bad_value = low if low < 0 else int(xp.max(labels))
        raise InvalidArgumentError(
            f"Received a label value of {bad_value} which is outside the valid range of [0, {num_classes}).  "
            f"Label values: {_label_values(xp, labels)}"
        )


def label_range_check(xp, num_classes):
    """:func:`check_label_range` for ``num_classes``, as the ``check`` the kernels take."""
    return lambda labels: check_label_range(xp, labels, num_classes)


def _label_values(xp, labels):
    # A JAX array spread over other processes' devices can't be read here, only reduced.
    if not getattr(labels, "is_fully_addressable", True):
        return "(held by several processes)"
    return " ".join(str(int(v)) for v in xp.reshape(labels, (-1,)))


def _precise(xp, logits):
    # TF computes half-precision softmax cross-entropy in float32 and casts back.
    return xp.astype(logits, xp.float32) if dtype_name(logits.dtype) in ("float16", "bfloat16") else logits


def _flat_size(shape, axis):
    """The 2-D shape TF's kernel sees: every axis but ``axis`` flattened, ``axis`` last."""
    axis = axis % len(shape) if shape else 0
    rest = [d for i, d in enumerate(shape) if i != axis]
    outer = None if None in rest else math.prod(rest)
    return outer, (shape[axis] if shape else 1)


def _check_xent_shapes(labels, logits, axis):
    if tuple(labels.shape) == tuple(logits.shape):
        return
    (n, c), (ln, lc) = _flat_size(tuple(logits.shape), axis), _flat_size(tuple(labels.shape), axis)
    if None in (n, c, ln, lc):
        return
    if any(a != b and 1 not in (a, b) for a, b in ((n, ln), (c, lc))):
        raise InvalidArgumentError(
            f"logits and labels must be broadcastable: logits_size=[{n},{c}] labels_size=[{ln},{lc}]"
        )
    if ln > n:
        # The kernel broadcasts, then the loss is reshaped to the logits' outer shape.
        raise InvalidArgumentError(
            f"Input to reshape is a tensor with {ln} values, but the requested shape has {n}"
        )


# -- tf.nn ----------------------------------------------------------------------------------


def softmax_cross_entropy_with_logits(labels, logits, axis=-1, name=None):
    """``tf.nn.softmax_cross_entropy_with_logits`` (v2): ``-sum(labels * log_softmax(logits), axis)``.

    Labels are cast to the logits' dtype (half precision computes in float32).
    Gradients flow into both arguments, and are TensorFlow's: with respect to
    the logits ``softmax - labels``, exact only when each row of labels sums
    to 1. Shapes broadcast as TF's kernel allows (labels of one row), else
    InvalidArgumentError. ``name`` is accepted for signature compatibility.
    """
    # an int axis only (a bool is a number to the plan, and TF's shape check reads it as 0 or 1)
    out = planned_elementwise(_labels_first_xent, labels, logits, "axis", axis) if type(axis) is int else None
    if out is not None:
        return out
    xp = namespace_of(labels, logits)
    logits = as_tensor(xp, logits)
    require_tf_float("softmax_cross_entropy_with_logits", logits=logits)
    precise = _precise(xp, logits)
    labels = xp.astype(as_tensor(xp, labels), precise.dtype)
    _check_xent_shapes(labels, precise, axis)
    loss = categorical.softmax_cross_entropy_unit_mass(xp, precise, labels, axis)
    return loss if precise is logits else xp.astype(loss, logits.dtype)


def _labels_first_xent(xp, labels, logits, axis):
    return categorical.softmax_cross_entropy_unit_mass(xp, logits, labels, axis)


def _check_sparse_shapes(labels, logits):
    if len(logits.shape) == 0:
        raise ValueError(f"`logits` cannot be a scalar. Received logits={logits}`")
    if len(labels.shape) != len(logits.shape) - 1:
        raise ValueError(
            "`labels.shape.rank` must equal `logits.shape.rank - 1`. "
            f"Received: labels.shape={shape_text(labels.shape)} of rank {len(labels.shape)} "
            f"and logits.shape={shape_text(logits.shape)} of rank {len(logits.shape)}"
        )
    expected = tuple(logits.shape)[:-1]
    if None not in expected + tuple(labels.shape) and tuple(labels.shape) != expected:
        raise ValueError(
            "`labels.shape` must equal `logits.shape` except for the last dimension. "
            f"Received: labels.shape={shape_text(labels.shape)} and logits.shape={shape_text(logits.shape)}"
        )


def sparse_softmax_cross_entropy_with_logits(labels, logits, name=None):
    """``tf.nn.sparse_softmax_cross_entropy_with_logits`` (v2): ``logsumexp(logits) - logits[label]``.

    ``labels`` has the logits' shape without the last axis and an int32 or
    int64 dtype (anything else: InvalidArgumentError, raised whatever the
    mode). A label outside ``[0, C)`` raises InvalidArgumentError in eager mode
    on every backend; the check is skipped under jit. Rank or shape mismatch:
    ValueError. float16 computes in float32. ``name`` is accepted for
    signature compatibility.
    """
    plan = _SPARSE_PLANS(None, labels, logits, None)
    out = None if plan is None else plan(labels, logits)
    if out is not None:
        return out
    if labels is None or logits is None:
        raise ValueError(
            "Both `labels` and `logits` must be provided for sparse_softmax_cross_entropy_with_logits"
            f"Received: labels={labels} and logits={logits}"
        )
    xp = namespace_of(labels, logits)
    labels, logits = as_tensor(xp, labels), as_tensor(xp, logits)
    _check_sparse_shapes(labels, logits)
    check_label_dtype(labels)
    require_tf_float("sparse_softmax_cross_entropy_with_logits", logits=logits)
    num_classes = logits.shape[-1]
    if num_classes == 0:
        raise InvalidArgumentError(
            f"Must have at least one class, but got logits shape [{','.join(map(str, logits.shape))}]"
        )
    precise = xp.astype(logits, xp.float32) if dtype_name(logits.dtype) == "float16" else logits
    loss = categorical.sparse_softmax_cross_entropy(xp, precise, labels, label_range_check(xp, num_classes))
    return loss if precise is logits else xp.astype(loss, logits.dtype)


def _sparse_xent(xp, labels, logits):
    """The sparse op's math once the signature's checks have passed (:func:`_decide_sparse`): the
    shapes are checked here, per call (a mismatch or no class raises, and the general path then
    raises TF's error), and the label range by the kernel."""
    classes = logits.shape[-1]
    if labels.shape != logits.shape[:-1] or classes == 0:
        raise ValueError("not the plan's shapes")
    return categorical.sparse_softmax_cross_entropy(xp, logits, labels, label_range_check(xp, classes))


def _decide_sparse(_, sig, weights=None, reduction=None, float_names=("float32", "float64")):
    """The plan of the sparse op (and, with ``weights`` and ``reduction``, of the v1 loss) for int32
    or int64 labels one rank below float logits of ``float_names``, where the general path's math
    may serve (:func:`multiloss._plan.math_backend`): that math, with every check of the
    signature passed; the shapes and the label range are checked per call."""
    labels_dtype, logits_dtype, rank = sig[1], sig[4], sig[5]
    if not (labels_dtype is not None and dtype_name(labels_dtype) in ("int32", "int64")
            and logits_dtype is not None and dtype_name(logits_dtype) in float_names
            and rank is not None and rank >= 1 and sig[2] == rank - 1):
        return None
    xp = math_backend(*sig[0::3])
    if xp is None:
        return None
    if reduction is None:
        return math_kernel(xp, _sparse_xent)
    return math_kernel(xp, _reduced_sparse_xent, reduction=TF_V1_OPERATIONS[reduction], weights=float(weights))


_reduced_sparse_xent = reduced(_sparse_xent, empty="zero")
_SPARSE_PLANS = Plans(_decide_sparse)


def _decide_weighted_sparse(_, sig, weights, reduction):
    """The v1 loss's plan: the sparse op's (:func:`_decide_sparse`) for float32 logits, reduced, for a
    Python number as ``weights`` and a known reduction (labels one rank below: nothing to squeeze)."""
    if not (plain_number(weights) and reduction in TF_V1_OPERATIONS):
        return None
    return _decide_sparse(None, sig, weights, reduction, ("float32",))


_WEIGHTED_SPARSE_PLANS = Plans(_decide_weighted_sparse)


# -- tf.compat.v1.losses --------------------------------------------------------------------

_DEFAULT = Reduction.SUM_BY_NONZERO_WEIGHTS


def softmax_cross_entropy(onehot_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection="losses", reduction=_DEFAULT):
    """``tf.compat.v1.losses.softmax_cross_entropy``: softmax cross-entropy per row, weighted and reduced.

    Labels are cast to the logits' dtype, smoothed toward ``1/C`` when
    ``label_smoothing > 0`` (a negative value is ignored, as in TF, and none
    is rejected), and get no gradient. The logits and labels shapes must be
    compatible (ValueError). The loss has shape ``[batch]``; ``weights`` must
    broadcast to it.
    """
    out = planned_pairwise(_softmax_cross_entropy, logits, onehot_labels, weights, reduction,
                           "label_smoothing", label_smoothing)
    if out is not None:
        return out
    check_not_none(onehot_labels=onehot_labels, logits=logits)
    xp = namespace_of(onehot_labels, logits, weights)
    logits = as_tensor(xp, logits)
    labels = xp.astype(as_tensor(xp, onehot_labels), logits.dtype)
    check_compatible(logits, labels)
    losses = softmax_cross_entropy_with_logits(_smoothed_labels(xp, labels, label_smoothing), logits)
    return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)


def _smoothed_labels(xp, labels, label_smoothing):
    """v1's labels: smoothed toward ``1/C`` when ``label_smoothing > 0``, and no gradient."""
    if label_smoothing > 0:
        labels = categorical.smooth_labels(xp, labels, label_smoothing, labels.shape[-1])
    return xp.stop_gradient(labels)


def _softmax_cross_entropy(xp, logits, labels, label_smoothing):
    # float32 logits and labels of one shape: softmax_cross_entropy's casts and checks change nothing
    return _labels_first_xent(xp, _smoothed_labels(xp, labels, label_smoothing), logits, -1)


def _squeeze_trailing_one(xp, labels, logits, weights):
    """``_remove_squeezable_dimensions(expected_rank_diff=1)``: drop a trailing 1 from labels
    (or logits) whose rank is off by one, then from weights one rank above the labels."""
    diff = xp.ndim(logits) - xp.ndim(labels)
    if diff == 2 and logits.shape[-1] in (1, None):
        logits = xp.squeeze(logits, axis=-1)
    elif diff == 0 and labels.shape[-1] in (1, None):
        labels = xp.squeeze(labels, axis=-1)
    if has(weights, "shape") and xp.ndim(weights) - xp.ndim(labels) == 1:
        if weights.shape[-1] not in (1, None):
            raise InvalidArgumentError(
                f"Can not squeeze dim[{xp.ndim(weights) - 1}], expected a dimension of 1, got {weights.shape[-1]}"
            )
        weights = xp.squeeze(weights, axis=-1)
    return labels, logits, weights


def sparse_softmax_cross_entropy(labels, logits, weights=1.0, scope=None, loss_collection="losses",
                                 reduction=_DEFAULT):
    """``tf.compat.v1.losses.sparse_softmax_cross_entropy``: sparse softmax cross-entropy, weighted and reduced.

    A trailing dimension of 1 is squeezed from ``labels`` and then from
    ``weights``; the rest is ``tf.nn.sparse_softmax_cross_entropy_with_logits``
    (int32/int64 labels, range checked in eager mode) and
    ``compute_weighted_loss``.
    """
    plan = _WEIGHTED_SPARSE_PLANS(None, labels, logits, None, weights, reduction)
    out = None if plan is None else plan(labels, logits)
    if out is not None:
        return out
    check_not_none(labels=labels, logits=logits)
    xp = namespace_of(labels, logits, weights)
    labels, logits = as_tensor(xp, labels), as_tensor(xp, logits)
    if has(weights, "shape") or isinstance(weights, list | tuple):
        weights = as_tensor(xp, weights)
    labels, logits, weights = _squeeze_trailing_one(xp, labels, logits, weights)
    losses = sparse_softmax_cross_entropy_with_logits(labels, logits)
    return compute_weighted_loss(losses, weights, scope, loss_collection, reduction=reduction)
