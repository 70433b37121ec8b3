"""PyTorch, through array-api-compat's namespace, with native calls on the hot paths.

array-api-compat's ``sum``/``mean`` wrappers add a Python layer per call
(axis normalisation, keepdims emulation); the adapter calls torch directly
where the arguments need no translation.
"""

import array_api_compat.torch as namespace
import torch
import torch.nn.functional as F

from ._base import Backend


class TorchBackend(Backend):
    name = "torch"

    logsumexp = staticmethod(lambda x, axis, keepdims=False: torch.logsumexp(x, dim=axis, keepdim=keepdims))
    log_softmax = staticmethod(lambda x, axis: torch.log_softmax(x, dim=axis))
    softmax = staticmethod(lambda x, axis: torch.softmax(x, dim=axis))
    sigmoid = staticmethod(torch.sigmoid)
    log_sigmoid = staticmethod(F.logsigmoid)
    softplus = staticmethod(F.softplus)
    stop_gradient = staticmethod(torch.Tensor.detach)
    size = staticmethod(torch.Tensor.numel)
    abs = staticmethod(torch.abs)
    square = staticmethod(torch.square)

    def sum(self, x, axis=None, keepdims=False, dtype=None):
        if axis is None and not keepdims:
            return torch.sum(x, dtype=dtype)
        return namespace.sum(x, axis=axis, keepdims=keepdims, dtype=dtype)

    def mean(self, x, axis=None, keepdims=False):
        if axis is None and not keepdims:
            return torch.mean(x)
        if isinstance(axis, int):
            return torch.mean(x, dim=axis, keepdim=keepdims)
        return namespace.mean(x, axis=axis, keepdims=keepdims)

    def clip(self, x, /, min=None, max=None):
        # torch.clamp directly: the compat wrapper costs more than the op on small
        # tensors. Its gradient passes at the bounds, as TF's clip_by_value does.
        return torch.clamp(x, min=min, max=max)

    def squared_difference(self, x, y):
        # One fused pass instead of a subtraction and a product.
        return F.mse_loss(x, y, reduction="none")

    def huber(self, x, y, delta):
        # PyTorch's fused Huber kernel; its gradient is clip(d, -delta, delta).
        return F.huber_loss(x, y, reduction="none", delta=delta)

    def bce_with_logits(self, x, y, pos_weight=None):
        # PyTorch's own kernel is the mirrored semantics; the formula costs 2-3x it in eager ops.
        # The kernel has no gradient for pos_weight: a pos_weight that wants one takes the formula.
        if pos_weight is not None and getattr(pos_weight, "requires_grad", False):
            return super().bce_with_logits(x, y, pos_weight)
        return F.binary_cross_entropy_with_logits(x, y, pos_weight=pos_weight, reduction="none")

    def take(self, x, indices, /, *, axis=None):
        # index_select directly: the compat wrapper costs six times the op on small tensors.
        return torch.index_select(x, 0 if axis is None else axis, indices)

    def one_hot(self, indices, num_classes, dtype):
        return F.one_hot(indices.long(), num_classes).to(dtype)

    def is_concrete(self, x):
        # Under torch.compile the tensors are fakes: their values can't be read.
        return not torch.compiler.is_compiling()


def backend():
    return TorchBackend(namespace)
