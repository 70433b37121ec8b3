"""What every PyTorch-style loss shares: size checks, broadcasting, reductions, module base classes."""

from __future__ import annotations

import sys

from .._checks import warn
from .._dtypes import torch_integer_mean
from .._framework_class import FrameworkClass, prefer_base
from .._reduction import (  # noqa: F401 (re-exported)
    reduce,
    reduced,
    torch_legacy_reduction,
    torch_reduction,
)
from .._shapes import broadcast_shapes, first_mismatch


def torch_size(shape):
    """A shape as PyTorch prints it, so messages read the same on every backend."""
    return f"torch.Size([{', '.join(str(d) for d in shape)}])"


def warn_if_sizes_differ(xp, input, target):
    """PyTorch's warning when a regression target's size differs from the input's."""
    if tuple(input.shape) != tuple(target.shape):
        warn(
            f"Using a target size ({torch_size(target.shape)}) that is different to the input size "
            f"({torch_size(input.shape)}). This will likely lead to incorrect results due to broadcasting. "
            "Please ensure they have the same size.",
            UserWarning,
            3,
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
    """Apply an already validated PyTorch reduction; a mean over nothing is NaN, and a mean of
    integers a RuntimeError, as in PyTorch."""
    if reduction in ("mean", "weighted_mean", "batchmean"):
        torch_integer_mean(loss)
    return reduce(xp, loss, reduction, weights, empty="nan")


def check_weight_size(weight, input):
    if tuple(weight.shape) != tuple(input.shape):
        raise ValueError("Weights and input must have the same size.")


def check_weighted_reduction(reduction):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"Invalid reduction mode: {reduction}. Expected one of 'none', 'mean', 'sum'.")


class _Loss(FrameworkClass):
    """``torch.nn.modules.loss._Loss``: stores the reduction; legacy arguments override it.

    Where the caller's program has imported torch, an instance is a ``torch.nn.Module``
    (see ``multiloss._framework_class``): hooks, ``train()``/``eval()``, submodule
    registration, and the array options in ``_array_options`` held as buffers under
    torch's names, so ``.to()``, ``.double()`` and ``state_dict`` treat them as torch does.
    Without torch it is a plain callable, and it serves every backend either way.
    """

    _framework = "torch"
    # The options torch's loss classes register as buffers (``_WeightedLoss``'s
    # ``weight``, ``BCEWithLogitsLoss``' ``weight`` and ``pos_weight``).
    _array_options = ("weight", "pos_weight")

    def __init__(self, size_average=None, reduce=None, reduction="mean"):
        if size_average is not None or reduce is not None:
            self.reduction = torch_legacy_reduction(size_average, reduce)
        else:
            self.reduction = reduction

    def __call__(self, *args, **kwargs):
        return self.forward(*args, **kwargs)

    def __repr__(self):
        return f"{type(self).__name__}()"

    @classmethod
    def _framework_base(cls, torch):
        return getattr(getattr(torch, "nn", None), "Module", None)

    @classmethod
    def _twin_namespace(cls, module):
        plain_init, last_plain = cls.__init__, cls.__mro__[-2]  # the twin's MRO goes on with Module

        def __init__(self, *args, **kwargs):
            # Module.__init__ first (buffers need its tables), reached through super():
            # torch.compile traces a loss built inside a compiled function that way only.
            super(last_plain, self).__init__()
            plain_init(self, *args, **kwargs)

        def __setattr__(self, name, value):
            if name in self._array_options:
                _set_array_option(self, name, value, module)
            else:
                module.__setattr__(self, name, value)

        # the Module's call (hooks) and repr replace the plain ones
        return {"__init__": __init__, "__setattr__": __setattr__,
                **prefer_base(cls, _Loss, module, ("__call__", "__repr__"))}


def _set_array_option(loss, name, value, module):
    """``register_buffer`` on first assignment, as torch's constructors do; ``Module.__setattr__``
    after. A NumPy, TensorFlow or JAX array can't be a buffer: it stays a plain attribute."""
    torch = sys.modules["torch"]
    if value is not None and not isinstance(value, torch.Tensor):
        loss._buffers.pop(name, None)
        object.__setattr__(loss, name, value)
    elif name in loss._buffers or name in loss._parameters:
        module.__setattr__(loss, name, value)
    else:
        loss.__dict__.pop(name, None)
        loss.register_buffer(name, value)


class _WeightedLoss(_Loss):
    """``torch.nn.modules.loss._WeightedLoss``: a loss with a per-class ``weight``."""

    def __init__(self, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.weight = weight
