"""What every PyTorch-style loss shares: size checks, broadcasting, reductions, module base classes."""

from __future__ import annotations

import warnings

from .._reduction import reduce, torch_legacy_reduction, torch_reduction  # noqa: F401 (re-exported)
from .._shapes import broadcast_shapes, first_mismatch


def torch_size(shape):
    """A shape as PyTorch prints it, so messages read the same on every backend."""
    return f"torch.Size([{', '.join(str(d) for d in shape)}])"


def warn_if_sizes_differ(xp, input, target):
    """PyTorch's warning when a regression target's size differs from the input's."""
    if tuple(input.shape) != tuple(target.shape):
        warnings.warn(
            f"Using a target size ({torch_size(target.shape)}) that is different to the input size "
            f"({torch_size(input.shape)}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.",
            UserWarning,
            stacklevel=3,
        )


def broadcast_pair(xp, input, target):
    """``torch.broadcast_tensors`` for two arrays, with PyTorch's RuntimeError when they don't broadcast."""
    a, b = tuple(input.shape), tuple(target.shape)
    if a == b:
        return input, target
    if broadcast_shapes(a, b) is None:
        da, db, dim = first_mismatch(a, b)
        raise RuntimeError(
            f"The size of tensor a ({da}) must match the size of tensor b ({db}) at non-singleton dimension {dim}"
        )
    return tuple(xp.broadcast_arrays(input, target))


def reduce_torch(xp, loss, reduction, weights=None):
    """Apply an already validated PyTorch reduction; a mean over nothing is NaN, as in PyTorch."""
    return reduce(xp, loss, reduction, weights, empty="nan")


def check_weight_size(weight, input):
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")


def check_weighted_reduction(reduction):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")


class _Loss:
    """``torch.nn.modules.loss._Loss``: stores the reduction; legacy arguments override it."""

    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        if size_average is not None or reduce is not None:
            self.reduction = torch_legacy_reduction(size_average, reduce)
        else:
            self.reduction = reduction

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def __repr__(self):
        return f"{type(self).__name__}()"


class _WeightedLoss(_Loss):
    """``torch.nn.modules.loss._WeightedLoss``: a loss with a per-class ``weight``."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.weight = weight

