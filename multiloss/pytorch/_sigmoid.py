"""``torch.nn.functional`` binary cross-entropy (probabilities and logits) and their ``torch.nn`` classes.

The value checks (probabilities and targets in [0, 1]) run in eager mode on
every backend, as PyTorch's kernel does on CPU; under ``jax.jit``,
``tf.function`` and ``torch.compile`` the values are not known yet and the
checks are skipped.
"""

from __future__ import annotations

from .._dispatch import namespace_of
from .._dtypes import (
    dtype_name,
    has,
    promote_floats,
    torch_float_kernel,
    torch_float_result,
    torch_scalar_name,
)
from .._plan import Plans, kernel_for, same_float_dtype
from .._reduction import TORCH_REDUCTIONS
from .._shapes import broadcast_shapes, first_mismatch
from ..losses import sigmoid
from ._common import _Loss, _WeightedLoss, reduce_torch, reduced, torch_reduction, torch_size


def _expand_weight(weight, target):
    """``weight.expand(broadcast_shapes(target.size(), weight.size()))``, with PyTorch's errors."""
    t, w = tuple(target.shape), tuple(weight.shape)
    shape = broadcast_shapes(t, w)
    if shape is None:
        # torch.broadcast_shapes pads the target's shape with leading 1s and names
        # the first dimension, from the right, where the weight does not fit it.
        padded = (1,) * (len(w) - len(t)) + t
        for i in range(1, len(w) + 1):
            if w[-i] not in (1, padded[-i]) and padded[-i] != 1:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {w[-i]} at {-i}! Mismatching argument at "
                    f"index 1 had {torch_size(w)}; but expected shape should be broadcastable to "
                    f"[{', '.join(str(d) for d in padded)}]"
                )
    if shape != t:
        raise RuntimeError(_output_shape_message(t, shape))


def _output_shape_message(out, shape):
    return (f"output with shape [{', '.join(str(d) for d in out)}] doesn't match the broadcast shape "
            f"[{', '.join(str(d) for d in shape)}]")


def _is_array(x):
    return has(x, "shape") and has(x, "dtype")


def _check_tensor_argument(value, name, position):
    """PyTorch's binding check: ``weight`` and ``pos_weight`` must be tensors, not Python numbers."""
    if value is not None and not _is_array(value):
        raise TypeError(f"binary_cross_entropy_with_logits(): argument '{name}' (position {position}) "
                        f"must be Tensor, not {type(value).__name__}")


def _check_broadcast(a, b, out):
    """``a * b`` written into an array of shape ``out`` (PyTorch's in-place ops), with PyTorch's two errors."""
    a, b, out = tuple(a), tuple(b), tuple(out)
    shape = broadcast_shapes(a, b)
    if shape is None:
        da, db, dim = first_mismatch(a, b)
        raise RuntimeError(
            f"The size of tensor a ({da}) must match the size of tensor b ({db}) at non-singleton dimension {dim}"
        )
    if shape != out:
        raise RuntimeError(_output_shape_message(out, shape))


def _probability_bce(xp, input, target):
    # The backend's extension checks the values in eager mode (torch: its own kernel does).
    return xp.probability_bce(input, target)


# name -> the general path's math once its checks have passed: a NumPy plan (:func:`_plan.math_kernel`)
_MATH = {"binary_cross_entropy": reduced(_probability_bce),
         "binary_cross_entropy_with_logits": reduced(sigmoid.torch_logit_bce)}


def _decide(name, sig, reduction):
    """For plain arrays of one float dtype and one shape (checked per call), with no weight (nor
    ``pos_weight``) and a valid reduction: torch's own function on torch, the math on NumPy."""
    _, input_dtype, _, _, target_dtype, _, weight_type, _, _ = sig
    if (weight_type is not type(None) or reduction not in TORCH_REDUCTIONS
            or not same_float_dtype(input_dtype, target_dtype)):
        return None
    return kernel_for(name, sig, _MATH[name], same_shape=True, reduction=reduction)


_PLANS = Plans(_decide)


def binary_cross_entropy(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """``torch.nn.functional.binary_cross_entropy``: ``-w (y log p + (1 - y) log(1 - p))`` on probabilities.

    Each log is clamped at -100, so a saturated wrong prediction costs 100; the
    gradient is PyTorch's ``(p - y) / max(p (1 - p), 1e-12)``, finite at 0 and 1.
    ``weight`` broadcasts to the target's shape; ``'mean'`` divides by the
    element count, not by ``sum(weight)``.

    Raises ``ValueError`` when the sizes differ (PyTorch no longer broadcasts
    here) and ``RuntimeError`` when an input or target element is outside [0, 1]
    or NaN; that value check runs in eager mode only (skipped under jit).
    """
    if size_average is None and reduce is None:
        plan = _PLANS("binary_cross_entropy", input, target, weight, reduction)
        out = None if plan is None else plan(input, target)
        if out is not None:
            return out
    xp = namespace_of(input, target, weight)
    reduction = torch_reduction(reduction, size_average, reduce)
    expected, got = (dtype_name(a.dtype) for a in (input, target))
    if got != expected:  # PyTorch's BCE kernel takes one dtype, with no promotion
        raise RuntimeError(f"Found dtype {torch_scalar_name(got)} but expected "
                           f"{torch_scalar_name(expected)}: binary_cross_entropy's target "
                           f"must have the input's dtype")
    torch_float_kernel("binary_cross_entropy", input=input)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(
            f"Using a target size ({torch_size(target.shape)}) that is different to the input size "
            f"({torch_size(input.shape)}) is deprecated. Please ensure they have the same size."
        )
    if weight is not None:
        if not _is_array(weight):
            # PyTorch calls weight.size() here.
            raise AttributeError(f"'{type(weight).__name__}' object has no attribute 'size'")
        _expand_weight(weight, target)
    return reduce_torch(xp, _probability_bce(xp, input, target), reduction, weight)


def binary_cross_entropy_with_logits(input, target, weight=None, size_average=None, reduce=None, reduction="mean",
                                     pos_weight=None):
    """``torch.nn.functional.binary_cross_entropy_with_logits``:
    ``-w (q y log sigmoid(x) + (1 - y) log sigmoid(-x))``.

    Computed through log-sigmoid: finite for any finite logit (``|x| = 1e4`` is
    exact). ``pos_weight`` (``q``) broadcasts against the target, so a vector
    lines up with the last (class) dimension; ``weight`` broadcasts against the
    loss. ``'mean'`` divides by the element count. Infinite logits give what
    PyTorch gives (NaN except ``+inf`` with target 0, which is inf).
    """
    if size_average is None and reduce is None and pos_weight is None:
        plan = _PLANS("binary_cross_entropy_with_logits", input, target, weight, reduction)
        out = None if plan is None else plan(input, target)
        if out is not None:
            return out
    xp = namespace_of(input, target, weight, pos_weight)
    reduction = torch_reduction(reduction, size_average, reduce)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({torch_size(target.shape)}) must be the same as input size "
                         f"({torch_size(input.shape)})")
    _check_tensor_argument(weight, "weight", 3)
    _check_tensor_argument(pos_weight, "pos_weight", 4)
    # The kernel computes pos_weight * target, then multiplies the loss by weight in place.
    if pos_weight is not None:
        _check_broadcast(pos_weight.shape, target.shape, target.shape)
    if weight is not None:
        _check_broadcast(input.shape, weight.shape, input.shape)
    # PyTorch computes in the promoted dtype and returns the target's.
    out_dtype = target.dtype
    torch_float_kernel("log_sigmoid", input=input)
    torch_float_result("target", target, dtype_name(input.dtype))
    input, target = promote_floats(xp, input, target)
    loss = reduce_torch(xp, sigmoid.torch_logit_bce(xp, input, target, pos_weight), reduction, weight)
    return loss if loss.dtype == out_dtype else xp.astype(loss, out_dtype)


class BCELoss(_WeightedLoss):
    """``torch.nn.BCELoss(weight=None, size_average=None, reduce=None, reduction='mean')``."""

    def forward(self, input, target):
        return binary_cross_entropy(input, target, weight=self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """``torch.nn.BCEWithLogitsLoss(weight=None, size_average=None, reduce=None, reduction='mean', pos_weight=None)``."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean", pos_weight=None):
        super().__init__(size_average, reduce, reduction)
        self.weight = weight
        self.pos_weight = pos_weight

    def forward(self, input, target):
        return binary_cross_entropy_with_logits(input, target, self.weight, pos_weight=self.pos_weight,
                                                reduction=self.reduction)


FUNCTIONS = ["binary_cross_entropy", "binary_cross_entropy_with_logits"]
CLASSES = ["BCELoss", "BCEWithLogitsLoss"]
