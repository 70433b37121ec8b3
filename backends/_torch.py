"""PyTorch, through array-api-compat's namespace, with native calls on the hot paths.

array-api-compat's ``sum``/``mean`` wrappers add a Python layer per call
(axis normalisation, keepdims emulation); the adapter calls torch directly
where the arguments need no translation.
"""

import sys

import array_api_compat.torch as namespace
import torch
import torch.nn.functional as F

from ._base import Backend

_is_functorch_wrapped = getattr(torch._C._functorch, "is_functorch_wrapped_tensor", lambda x: False)


def _functorch_wrapped(x):
    """Whether ``x`` is a wrapper of torch.func's transforms (vmap, grad, jacrev). The query
    is a C function torch.compile can't trace; a compiled function sees plain fakes anyway."""
    return not torch.compiler.is_compiling() and _is_functorch_wrapped(x)


def _replicated_like(table, indices):
    # A plain tensor (a class weight) read at DTensor indices: DTensor refuses mixed
    # operands, so the table is replicated over the indices' mesh, as loss_parallel()
    # does with cross_entropy's weight. The module is loaded once a DTensor exists.
    dtensor = sys.modules.get("torch.distributed.tensor")
    if dtensor is None or not isinstance(indices, dtensor.DTensor) or isinstance(table, dtensor.DTensor):
        return table
    mesh = indices.device_mesh
    return dtensor.DTensor.from_local(table, mesh, [dtensor.Replicate()] * mesh.ndim, run_check=False)


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
        # torch.clamp directly: the compat wrapper costs more than the op on small tensors.
        clamped = torch.clamp(x, min=min, max=max)
        if not (x.requires_grad or _functorch_wrapped(x)):
            return clamped
        # The contract is TF's clip_by_value: the whole gradient passes at a bound (a
        # probability of exactly 1 clipped to [eps, 1]). torch 2.14's clamp sends none
        # there (2.13 sent all of it), so the bounds themselves select x.
        inside = torch.ones_like(x, dtype=torch.bool)
        if min is not None:
            inside = inside & (x >= min)
        if max is not None:
            inside = inside & (x <= max)
        return torch.where(inside, x, clamped)

    def squared_difference(self, x, y):
        # One fused pass instead of a subtraction and a product.
        return F.mse_loss(x, y, reduction="none")

    def huber(self, x, y, delta):
        # PyTorch's fused Huber kernel; its gradient is clip(d, -delta, delta).
        return F.huber_loss(x, y, reduction="none", delta=delta)

    def moveaxis(self, x, source, destination):
        # torch.movedim is the same view; its alias torch.moveaxis has no torch.func.vmap batching rule.
        return torch.movedim(x, source, destination)

    def bce_with_logits(self, x, y, pos_weight=None):
        # PyTorch's own kernel is the mirrored semantics; the formula costs 2-3x it in eager ops.
        # The kernel has no gradient for pos_weight: a pos_weight that wants one takes the formula.
        if pos_weight is not None and getattr(pos_weight, "requires_grad", False):
            return super().bce_with_logits(x, y, pos_weight)
        return F.binary_cross_entropy_with_logits(x, y, pos_weight=pos_weight, reduction="none")

    def take(self, x, indices, /, *, axis=None):
        # index_select directly: the compat wrapper costs six times the op on small tensors.
        return torch.index_select(_replicated_like(x, indices), 0 if axis is None else axis, indices)

    def take_along_axis(self, x, indices, axis=-1):
        # torch.gather directly (the compat wrapper adds a where for negative indices,
        # which the contract excludes); DTensor shards it along any axis, the gathered
        # one included.
        return torch.gather(x, axis, indices)

    def nll(self, log_probs, indices, ignore_index, axis):
        # PyTorch's own kernel: it checks the range inside (IndexError on the CPU, a
        # device assert elsewhere, as torch.nn.functional does) with no host read.
        if log_probs.ndim > 1 and axis % log_probs.ndim != 1:
            log_probs = torch.movedim(log_probs, axis, 1)
        try:
            return F.nll_loss(log_probs, indices, ignore_index=ignore_index, reduction="none")
        except IndexError:
            # Unreduced, the kernel checks in parallel and may name any offending index;
            # PyTorch's mean and sum name the first in memory order, found here on the
            # error path only.
            safe = torch.where(indices == ignore_index, torch.zeros_like(indices), indices)
            self._check_targets(safe, log_probs.shape[1 if log_probs.ndim > 1 else 0])
            raise

    def one_hot(self, indices, num_classes, dtype):
        if _functorch_wrapped(indices):
            # F.one_hot reads the indices' range (.item()), which torch.func.vmap can't do.
            return Backend.one_hot(self, indices, num_classes, dtype)
        return F.one_hot(indices.long(), num_classes).to(dtype)

    def is_concrete(self, x):
        # Under torch.compile the tensors are fakes, and under torch.func's transforms
        # (vmap, grad, jacrev) they are wrappers: their values can't be read as one tensor's.
        return not (torch.compiler.is_compiling() or _is_functorch_wrapped(x))


def backend():
    return TorchBackend(namespace)
