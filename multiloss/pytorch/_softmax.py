"""``torch.nn.functional.cross_entropy`` / ``nll_loss`` and their ``torch.nn`` classes.

The checks follow PyTorch 2.13 (``aten/src/ATen/native/LossNLL.cpp``) in its order,
with its exception classes and messages. Checks of shapes and dtypes run always;
the range of the class indices is a value check. On torch, PyTorch's own NLL
kernel makes it, as in PyTorch: IndexError on the CPU, with no host sync. On the
other backends it runs in eager mode with one host read, and is skipped under
``jax.jit`` and ``tf.function``, where an index outside ``[0, C)`` gives an
unspecified value instead of IndexError.
"""

from __future__ import annotations

import operator

from .._dispatch import namespace_of
from .._dtypes import dtype_name, float_name, promote_floats, torch_float_kernel, torch_scalar_name
from .._plan import Plans, concrete_backend, kernel, math_kernel, native, plain_number
from .._reduction import TORCH_REDUCTIONS
from .._shapes import numel
from ..losses import softmax
from ._common import _WeightedLoss, reduce_torch, torch_reduction


def _sizes(shape):
    return f"[{', '.join(str(d) for d in shape)}]"


def _differ(a, b):
    # A dimension known only at run time (None) can't be checked when tracing.
    return a is not None and b is not None and a != b


def _check_argument_types(function, ignore_index, label_smoothing=0.0):
    """The argument parser's TypeErrors: ``ignore_index`` must be an int, ``label_smoothing`` a float."""
    if type(ignore_index) is int and type(label_smoothing) in (float, int):
        return
    try:
        if isinstance(ignore_index, bool):
            raise TypeError
        operator.index(ignore_index)
    except TypeError:
        raise TypeError(f"{function}(): argument 'ignore_index' (position 5) must be int, "
                        f"not {type(ignore_index).__name__}") from None
    try:
        if isinstance(label_smoothing, str | bytes):
            raise TypeError
        float(label_smoothing)
    except (TypeError, ValueError):
        raise TypeError(f"{function}(): argument 'label_smoothing' (position 6) must be float, "
                        f"not {type(label_smoothing).__name__}") from None


def _check_smoothing(label_smoothing):
    if label_smoothing > 1.0:
        raise RuntimeError(f"label_smoothing must be between 0.0 and 1.0. Got: {label_smoothing:g}")


# -- plans ------------------------------------------------------------------------------------


def _decide(name, sig, ignore_index, reduction, label_smoothing=0.0):
    """torch's own ``cross_entropy`` / ``nll_loss`` for plain tensors with no weight and valid
    options: float scores of rank >= 1 with int64 class indices of one rank less, or (for
    ``cross_entropy``) probabilities of the scores' dtype and shape (checked per call)."""
    input_type, input_dtype, ndim, target_type, target_dtype, target_ndim, weight_type, _, _ = sig
    if (weight_type is not type(None) or type(ignore_index) is not int or reduction not in TORCH_REDUCTIONS
            or not plain_number(label_smoothing) or not 0 <= label_smoothing <= 1
            or ndim is None or ndim < 1 or float_name(input_dtype) is None):
        return None
    probabilities = target_ndim == ndim and target_dtype == input_dtype and name == "cross_entropy"
    if not probabilities and (target_ndim != ndim - 1 or dtype_name(target_dtype) != "int64"):
        return None
    if probabilities and ignore_index >= 0:
        return None
    fn = native(name, input_type, target_type)
    if fn is not None:
        options = {"label_smoothing": label_smoothing} if name == "cross_entropy" else {}
        return kernel(fn, same_shape=probabilities, ignore_index=ignore_index, reduction=reduction, **options)
    xp = concrete_backend(input_type, target_type)
    if xp is None:
        return None
    smoothing = label_smoothing if label_smoothing > 0 else 0.0  # as the general path passes it
    if probabilities:
        return math_kernel(xp, _soft_target, True, weight=None, reduction=reduction, label_smoothing=smoothing)
    return math_kernel(xp, _index_rows, ignore_index=ignore_index, reduction=reduction, label_smoothing=smoothing,
                       from_logits=name == "cross_entropy")


def _index_rows(xp, input, target, **options):
    """NumPy's plan for scores of rank >= 1 and int64 indices of one rank less: the backend's
    ``nll_loss``, every shape and dtype check passed once the sizes agree (checked per call)."""
    shape = input.shape
    if len(shape) > 1 and target.shape != (shape[0], *shape[2:]):
        raise ValueError("inconsistent sizes")  # the plan declines; the general path raises PyTorch's error
    return xp.nll_loss(input, target, None, **options)


_PLANS = Plans(_decide)


# -- class indices ----------------------------------------------------------------------------


def _index_target(xp, input, target, weight):
    """PyTorch's shape and dtype checks of class-index targets (``nll_loss_nd`` and its kernels),
    in its order; returns the target as an index array (a scalar for a 1-D ``input``)."""
    if _plain_batch(xp, input, target, weight):
        return target
    _check_batch(input, target)
    _check_target_rank(input, target)
    _check_index_dtype(xp, target)
    _check_target_size(input, target)
    if weight is not None:
        _check_class_weight(input, weight, spatial=xp.ndim(input) >= 3)
    if xp.ndim(input) >= 3 and target.dtype == xp.uint8:  # the 2-D kernel that K-dim inputs go to
        raise RuntimeError("expected scalar type Long but found Byte")
    if xp.ndim(input) == 1 and xp.ndim(target) == 1:
        return xp.reshape(target, ())  # (C,) with a (1,) target: one sample, as in PyTorch
    return target


def _plain_batch(xp, input, target, weight):
    """The common case, which every check below passes: ``(N, C)`` scores, ``(N,)`` int64 indices,
    and no weight or ``(C,)`` weights of the scores' dtype (one test instead of the checks' calls)."""
    shape, target_shape = input.shape, target.shape
    return (len(shape) == 2 and len(target_shape) == 1 and shape[0] == target_shape[0]
            and target.dtype == xp.int64
            and (weight is None or tuple(weight.shape) == (shape[1],) and weight.dtype == input.dtype))


def _check_batch(input, target):
    if len(input.shape) < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {len(input.shape)})")
    if len(input.shape) != 1:
        target_batch = target.shape[0] if len(target.shape) > 0 else 0
        if _differ(input.shape[0], target_batch):
            raise ValueError(f"Expected input batch_size ({input.shape[0]}) to match target batch_size ({target_batch}).")


def _check_target_rank(input, target):
    ndim = len(input.shape)
    if ndim >= 3 and ndim != 4 and any(_differ(a, b) for a, b in _zip_long(target.shape[1:], input.shape[2:])):
        # 3-D and 5-D+ inputs are viewed as 4-D after this check
        expected = (input.shape[0], *input.shape[2:])
        raise RuntimeError(f"Expected target size {_sizes(expected)}, got {_sizes(target.shape)}")
    if ndim <= 2 and len(target.shape) > 1:
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    if ndim == 4 and len(target.shape) != 3:
        raise RuntimeError(f"only batches of spatial targets supported (3D tensors) but got targets of dimension: {len(target.shape)}")


def _check_target_size(input, target):
    if len(input.shape) == 1 and len(target.shape) == 1 and _differ(target.shape[0], 1):
        raise ValueError(f"For 1D input, 1D target must have size 1, but got target size: {target.shape[0]}")
    if len(input.shape) == 4 and any(_differ(a, b) for a, b in zip(target.shape, (input.shape[0], *input.shape[2:]))):
        raise RuntimeError(f"size mismatch (got input: {_sizes(input.shape)} , target: {_sizes(target.shape)}")


def _zip_long(a, b):
    # Pairs of two shapes, with a missing dimension as -1, so that a rank difference also differs.
    return [(a[i] if i < len(a) else -1, b[i] if i < len(b) else -1) for i in range(max(len(a), len(b)))]


def _check_index_dtype(xp, target):
    """Class indices are int64 or uint8, as in PyTorch; int32 only where the namespace indexes
    with int32 (JAX without x64, which can't make int64 arrays)."""
    dtype = target.dtype
    if dtype == xp.int64 or dtype == xp.uint8:
        return
    if dtype == xp.int32 and softmax.index_dtype(xp, target) == xp.int32:
        return
    raise RuntimeError(f"expected target dtype to be Long or Byte, but got {torch_scalar_name(dtype)}")


def _check_class_weight(input, weight, spatial):
    classes = input.shape[0 if len(input.shape) == 1 else 1]
    if spatial:  # nll_loss2d checks the element count only
        if _differ(numel(weight.shape), classes):
            raise RuntimeError("weight tensor should be defined either for all or no classes")
    elif len(weight.shape) != 1 or _differ(weight.shape[0], classes):
        raise RuntimeError(f"weight tensor should be defined either for all {classes} classes or no classes "
                           f"but got weight tensor of shape: {_sizes(weight.shape)}")
    if weight.dtype != input.dtype:
        raise RuntimeError(f"expected scalar type {torch_scalar_name(input.dtype)} but found {torch_scalar_name(weight.dtype)}")



def _index_loss(xp, input, target, weight, ignore_index, reduction, label_smoothing, from_logits):
    """The class-index loss, reduced the PyTorch way (mean over ``sum(w[t])``): the backend's
    ``nll_loss``, which is PyTorch's own function on torch and the shared math elsewhere."""
    dtype = softmax.index_dtype(xp, target)
    if target.dtype != dtype:
        target = xp.astype(target, dtype)
    return xp.nll_loss(input, target, weight, ignore_index, reduction, label_smoothing, from_logits)


def nll_loss(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
    """``torch.nn.functional.nll_loss``: ``-w[t] * input[t]`` per target, from log-probabilities.

    ``input``: ``(C,)``, ``(N, C)`` or ``(N, C, d1, ..., dK)``; ``target``: int64 (or uint8)
    class indices of shape ``()``, ``(N,)`` or ``(N, d1, ..., dK)``. Targets equal to
    ``ignore_index`` count 0 and don't count in the mean, which divides by the summed
    ``weight`` of the other targets (NaN when there are none). An index outside ``[0, C)``
    raises IndexError in eager mode; under jit the check is skipped.
    """
    if size_average is None and reduce is None:
        plan = _PLANS("nll_loss", input, target, weight, ignore_index, reduction)
        out = None if plan is None else plan(input, target)
        if out is not None:
            return out
    reduction = torch_reduction(reduction, size_average, reduce)
    _check_argument_types("nll_loss_nd", ignore_index)
    xp = namespace_of(input, target, weight)
    target = _index_target(xp, input, target, weight)
    torch_float_kernel("nll_loss", input=input)
    return _index_loss(xp, xp.value(input), target, weight, ignore_index, reduction, 0.0, False)


# -- class probabilities ----------------------------------------------------------------------


def _probability_loss(xp, input, target, weight, ignore_index, reduction, label_smoothing):
    """``cross_entropy`` with a target of class probabilities (the same shape as ``input``)."""
    if not xp.isdtype(target.dtype, "real floating"):
        raise RuntimeError(f"Expected floating point type for target with class probabilities, got {torch_scalar_name(target.dtype)}")
    if ignore_index >= 0:
        raise RuntimeError("ignore_index is not supported for floating point target")
    torch_float_kernel("log_softmax", input=input)
    if xp.ndim(input) < 1:
        raise IndexError("Dimension specified as 1 but tensor has no dimensions")
    axis = 0 if xp.ndim(input) == 1 else 1
    classes = input.shape[axis]
    if weight is not None and (xp.ndim(weight) != 1 or _differ(weight.shape[0], classes)):
        raise RuntimeError(f"cross_entropy: weight tensor should be defined either for all {classes} classes "
                           f"or no classes but got weight tensor of shape: {_sizes(weight.shape)}")
    if label_smoothing > 0:
        _check_smoothing(label_smoothing)
    return _soft_target(xp, input, target, weight, reduction, label_smoothing if label_smoothing > 0 else 0.0)


def _soft_target(xp, input, target, weight, reduction, label_smoothing):
    """The probability-target loss of checked arrays: the class axis is 1 (0 unbatched)."""
    axis = 0 if xp.ndim(input) == 1 else 1
    loss = softmax.soft_target_cross_entropy(xp, xp.log_softmax(input, axis), target, weight, label_smoothing, axis)
    # The mean divides by the number of samples, N * d1 * ... * dK, whatever the weights.
    return reduce_torch(xp, loss, reduction)


def cross_entropy(input, target, weight=None, size_average=None, ignore_index=-100, reduce=None,
                  reduction="mean", label_smoothing=0.0):
    """``torch.nn.functional.cross_entropy``: softmax cross-entropy from logits.

    ``target`` holds class indices (as in :func:`nll_loss`, on ``log_softmax(input)``) or,
    when it has ``input``'s shape, class probabilities. ``label_smoothing`` in ``[0, 1]``
    mixes the target with the uniform distribution (a negative value is ignored, as in
    PyTorch): for indices ``(1 - s) nll + s / C * sum_c -w_c log p_c``, with the mean over
    the summed weights of the targets not ignored; for probabilities ``p (1 - s) + s / C``,
    with the mean over ``N * d1 * ... * dK``. The index range is checked in eager mode only.
    """
    if size_average is None and reduce is None:
        plan = _PLANS("cross_entropy", input, target, weight, ignore_index, reduction, label_smoothing)
        out = None if plan is None else plan(input, target)
        if out is not None:
            return out
    reduction = torch_reduction(reduction, size_average, reduce)
    _check_argument_types("cross_entropy_loss", ignore_index, label_smoothing)
    label_smoothing = float(label_smoothing)
    xp = namespace_of(input, target, weight)
    if tuple(input.shape) == tuple(target.shape):
        return _probability_loss(xp, *promote_floats(xp, input, target), weight, ignore_index, reduction, label_smoothing)
    if label_smoothing > 0:
        _check_smoothing(label_smoothing)
    vector_target = xp.ndim(input) == 1 and xp.ndim(target) == 1
    target = _index_target(xp, input, target, weight)
    if label_smoothing > 0 and vector_target:  # PyTorch's smoothing term can't take this shape
        raise RuntimeError("output with shape [] doesn't match the broadcast shape [1]")
    torch_float_kernel("log_softmax", input=input)
    smoothing = label_smoothing if label_smoothing > 0 else 0.0  # NaN and negatives: none, as in PyTorch
    return _index_loss(xp, xp.value(input), target, weight, ignore_index, reduction, smoothing, True)


# -- classes ----------------------------------------------------------------------------------


class NLLLoss(_WeightedLoss):
    """``torch.nn.NLLLoss(weight=None, size_average=None, ignore_index=-100, reduce=None, reduction='mean')``."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index

    def forward(self, input, target):
        return nll_loss(input, target, weight=self.weight, ignore_index=self.ignore_index,
                        reduction=self.reduction)


class CrossEntropyLoss(_WeightedLoss):
    """``torch.nn.CrossEntropyLoss(weight=None, size_average=None, ignore_index=-100, reduce=None,
    reduction='mean', label_smoothing=0.0)``."""

    def __init__(self, weight=None, size_average=None, ignore_index=-100, reduce=None, reduction="mean",
                 label_smoothing=0.0):
        super().__init__(weight, size_average, reduce, reduction)
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing

    def forward(self, input, target):
        return cross_entropy(input, target, weight=self.weight, ignore_index=self.ignore_index,
                             reduction=self.reduction, label_smoothing=self.label_smoothing)


FUNCTIONS = ["cross_entropy", "nll_loss"]
CLASSES = ["CrossEntropyLoss", "NLLLoss"]
