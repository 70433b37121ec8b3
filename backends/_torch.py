"""PyTorch, through array-api-compat's namespace, with native calls on the hot paths.

array-api-compat's ``sum``/``mean`` wrappers add a Python layer per call
(axis normalisation, keepdims emulation); the adapter calls torch directly
where the arguments need no translation.
"""

import functools
import sys

import array_api_compat.torch as namespace
import torch
import torch.nn.functional as F
from torch.utils.checkpoint import checkpoint

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


def _is_dtensor(x):
    dtensor = sys.modules.get("torch.distributed.tensor")
    return dtensor is not None and isinstance(x, dtensor.DTensor)


_NO_CLASS = -(2**63)

# The kernels under F.mse_loss and F.huber_loss, which first broadcast in Python and check the
# sizes to warn (5 µs of a 32x5 call, against 2 µs for the kernel): for two arrays of one shape
# the kernel alone is the same computation and gradient (the backward needs one shape: F's
# broadcast is there for the others, which keep F).
_nn = torch._C._nn
_NO_REDUCTION = torch.nn._reduction.get_enum("none")  # the kernels take the reduction as its enum


def _margin_kernel_dtype(x):
    # The CPU margin kernels have no half-precision versions (NotImplementedError).
    return x.dtype in (torch.float32, torch.float64) or x.device.type != "cpu"


# Whether a transform of torch.func (vmap, grad, jacrev) runs: one C query per call, where asking
# each array whether it is one of their wrappers costs one per array.
_transforms_active = getattr(torch._C, "_are_functorch_transforms_active", lambda: False)


def _in_transform(*arrays):
    # eager only: under torch.compile the plain function serves (see native_function)
    return _transforms_active()


def _empty_batch(x, y):
    # The mean or sum of no samples is uninitialised memory in the margin kernels; the
    # mirror gives NaN or 0. (No elements at all: no samples, or no classes, which the general
    # path refuses as torch does; a 0-d input, one sample of one class, is the general path's too.)
    return not (x.ndim and x.numel()) or _transforms_active()


# The native functions that decline some calls of a plain signature (multiloss._plan.kernel
# asks ``declines(*arrays)`` before the call): inside torch.func's transforms (these kernels
# have no batching rules: vmap would warn and loop), a target that wants a gradient BCE's
# kernel doesn't give, an empty margin batch.
_DECLINES = {
    "binary_cross_entropy": lambda p, y: y.requires_grad or _transforms_active(),
    "multi_margin_loss": _empty_batch,
    "multilabel_margin_loss": _empty_batch,
    **dict.fromkeys(("kl_div", "kl_div_unwarned", "soft_margin_loss", "margin_ranking_loss", "triplet_margin_loss",
                     "ctc_loss"), _in_transform),
}


def _kl_div_unwarned(input, target, reduction, log_target):
    # F.kl_div's 'mean' (the kernel it calls) without the warning F.kl_div gives: the mirror
    # warns itself, naming its caller's line as torch's warning does.
    return torch.kl_div(input, target, torch.nn._reduction.get_enum(reduction), log_target=log_target)


# Natives under names of their own: what a torch.nn.functional function computes, minus its warning.
_OWN = {"kl_div_unwarned": _kl_div_unwarned}


def _enum(reduction):
    return torch.nn._reduction.get_enum(reduction)


# name -> the ATen call under torch.nn.functional.<name>, its arguments bound once: for the calls a
# plan serves (plain tensors, the shapes and options it checked), F's Python before that call only
# turns the reduction's name into its enum, tests what the plan has tested and, for the pointwise
# losses, broadcasts one shape to itself: as long as the kernel on a small input (F.mse_loss 10 us
# against 5 for _nn.mse_loss at 32x5). Eager calls only: a compiled plan names F's function.
_BOUND = {
    "mse_loss": lambda reduction: functools.partial(_nn.mse_loss, reduction=_enum(reduction)),
    "l1_loss": lambda reduction: functools.partial(_nn.l1_loss, reduction=_enum(reduction)),
    "huber_loss": lambda reduction, delta=1.0: functools.partial(_nn.huber_loss, reduction=_enum(reduction),
                                                                 delta=delta),
    # F.smooth_l1_loss's own branch: beta 0 is the L1 kernel
    "smooth_l1_loss": lambda reduction, beta=1.0: (
        functools.partial(_nn.l1_loss, reduction=_enum(reduction)) if beta == 0.0
        else functools.partial(_nn.smooth_l1_loss, reduction=_enum(reduction), beta=beta)),
    "nll_loss": lambda ignore_index=-100, reduction="mean": functools.partial(
        _nn.nll_loss_nd, weight=None, reduction=_enum(reduction), ignore_index=ignore_index),
    "cross_entropy": lambda ignore_index=-100, reduction="mean", label_smoothing=0.0: functools.partial(
        _nn.cross_entropy_loss, weight=None, reduction=_enum(reduction), ignore_index=ignore_index,
        label_smoothing=label_smoothing),
    "multi_margin_loss": lambda p=1, margin=1.0, reduction="mean": functools.partial(
        _nn.multi_margin_loss, p=p, margin=margin, weight=None, reduction=_enum(reduction)),
    "multilabel_margin_loss": lambda reduction="mean": functools.partial(
        _nn.multilabel_margin_loss, reduction=_enum(reduction)),
    "binary_cross_entropy": lambda reduction="mean": functools.partial(
        _nn.binary_cross_entropy, weight=None, reduction=_enum(reduction)),
    "binary_cross_entropy_with_logits": lambda reduction="mean": functools.partial(
        torch.binary_cross_entropy_with_logits, weight=None, pos_weight=None, reduction=_enum(reduction)),
    "soft_margin_loss": lambda reduction="mean": functools.partial(_nn.soft_margin_loss, reduction=_enum(reduction)),
    "hinge_embedding_loss": lambda margin=1.0, reduction="mean": functools.partial(
        torch.hinge_embedding_loss, margin=margin, reduction=_enum(reduction)),
    "margin_ranking_loss": lambda margin=0.0, reduction="mean": functools.partial(
        torch.margin_ranking_loss, margin=margin, reduction=_enum(reduction)),
    "cosine_embedding_loss": lambda margin=0.0, reduction="mean": functools.partial(
        torch.cosine_embedding_loss, margin=margin, reduction=_enum(reduction)),
    "triplet_margin_loss": lambda margin=1.0, p=2, eps=1e-6, swap=False, reduction="mean": functools.partial(
        torch.triplet_margin_loss, margin=margin, p=p, eps=eps, swap=swap, reduction=_enum(reduction)),
    "poisson_nll_loss": lambda log_input=True, full=False, eps=1e-8, reduction="mean": functools.partial(
        torch.poisson_nll_loss, log_input=log_input, full=full, eps=eps, reduction=_enum(reduction)),
    "kl_div_unwarned": lambda reduction, log_target: functools.partial(
        torch.kl_div, reduction=_enum(reduction), log_target=log_target),
}


class _Bound:
    """torch.nn.functional's ``public`` function, whose plan (:func:`multiloss._plan.kernel`) calls
    ``bind(**options)``: the ATen call under it with the options bound."""

    __slots__ = ("public", "bind")

    def __init__(self, public, bind):
        self.public, self.bind = public, bind

    def __call__(self, *args, **kwargs):
        return self.public(*args, **kwargs)

# Natives that torch.compile can't trace whole: F.gaussian_nll_loss reads its variance's sign in
# Python (``torch.any(var < 0)``). Compiled, the mirror's general path serves (it skips that check).
_EAGER_ONLY = ("gaussian_nll_loss", "ctc_loss")  # and the CTC kernel, whose shapes depend on values


def _one_dtype(x1, x2):
    # Two plain tensors of one dtype promote alike in torch and in the standard (array-api-compat
    # fixes the one difference: a 0-d tensor beside another dtype, whose dtype it takes in torch).
    return type(x1) is torch.Tensor and type(x2) is torch.Tensor and x1.dtype == x2.dtype


def _unless_promoting(native, standard):
    """A two-array function: torch's own for two tensors of one dtype, else the standard's wrapper."""

    def call(x1, x2, /):
        return native(x1, x2) if _one_dtype(x1, x2) else standard(x1, x2)

    return staticmethod(call)


# The types torch's own loss functions serve as the mirrors do: plain tensors and parameters, and
# the fake and functional tensors that stand for them while torch compiles (a public loss is one
# node of Dynamo's graph, whose Python runs on those: multiloss._fused); a DTensor or another
# subclass takes the mirror's general path; None is an absent array.
_PLAIN_TYPES = (torch.Tensor, torch.nn.Parameter, type(None), torch._subclasses.fake_tensor.FakeTensor,
                torch._subclasses.functional_tensor.FunctionalTensor)


class TorchBackend(Backend):
    name = "torch"
    plain_types = _PLAIN_TYPES  # the types a plan may serve with the general path's math (multiloss._plan)

    def native_function(self, name, types, compiling=False):
        # torch.nn.functional's own loss, which the PyTorch interface mirrors: for a signature
        # that interface finds plain, it is the exact semantics in one call (multiloss._plan).
        # A compiled function sees fake tensors, never torch.func's wrappers: no declining there.
        for cls in types:
            if cls not in _PLAIN_TYPES:
                return None
        if compiling and name in _EAGER_ONLY:
            return None
        fn = _OWN.get(name) or getattr(F, name, None)
        if compiling or fn is None:
            return fn
        if name in _BOUND:
            fn = _Bound(fn, _BOUND[name])
        declines = _DECLINES.get(name)
        return fn if declines is None else (fn, declines)

    @staticmethod
    def natives_by_name():
        # Every function native_function may return, by name: a compiled call's plan names its kernel.
        return {**{name: fn for name, fn in vars(F).items() if callable(fn) and not name.startswith("_")}, **_OWN}

    def __getattr__(self, attr):
        # The generic lookup caches the name on the instance; under torch.compile that is a side
        # effect Dynamo can't trace inside a higher-order op (torch.utils.checkpoint's body).
        if torch.compiler.is_compiling():
            return getattr(self._namespace, attr)
        return super().__getattr__(attr)

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

    def all(self, x, axis=None, keepdims=False):
        if axis is None and not keepdims:
            return torch.all(x)
        return namespace.all(x, axis=axis, keepdims=keepdims)

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

    # array-api-compat's wrappers of these fix torch's promotion first: a pass of Python checks per
    # call, and most of torch.compile's trace of a CTC step. Two tensors of one dtype need no fix.
    def where(self, condition, x1, x2, /):
        return torch.where(condition, x1, x2) if _one_dtype(x1, x2) else namespace.where(condition, x1, x2)

    logaddexp = _unless_promoting(torch.logaddexp, namespace.logaddexp)
    maximum = _unless_promoting(torch.maximum, namespace.maximum)
    minimum = _unless_promoting(torch.minimum, namespace.minimum)

    def asarray(self, obj, /, *, dtype=None, device=None, copy=None):
        # array-api-compat's wrapper costs 2.9 µs for a Python number of a float dtype (a count, a
        # constant: the commonest call here), torch.full 1.4 µs; a tensor asked for as it is needs none.
        cls = type(obj)
        if copy is None:
            if cls is torch.Tensor and dtype is None and device is None:
                return obj
            if (cls is float or cls is int) and dtype is not None and dtype.is_floating_point:
                return torch.full((), obj, dtype=dtype, device=device)
        return namespace.asarray(obj, dtype=dtype, device=device, copy=copy)

    def astype(self, x, dtype, copy=True):
        # Tensor.to returns x itself when it has the dtype already, as tf.cast does: the losses
        # never write into an array, and the standard's copy costs a full pass per call.
        if isinstance(x, torch.Tensor):
            return x.to(dtype)
        return namespace.astype(x, dtype, copy=copy)

    def xlogx(self, x):
        # torch.xlogy(x, x) in one pass: the contract's value, and PyTorch's own gradient.
        return torch.xlogy(x, x)

    def squared_difference(self, x, y):
        # One fused pass instead of a subtraction and a product.
        if x.shape == y.shape:
            return _nn.mse_loss(x, y, _NO_REDUCTION)
        return F.mse_loss(x, y, reduction="none")

    def huber(self, x, y, delta):
        # PyTorch's fused Huber kernel; its gradient is clip(d, -delta, delta).
        if x.shape == y.shape:
            return _nn.huber_loss(x, y, _NO_REDUCTION, delta)
        return F.huber_loss(x, y, reduction="none", delta=delta)

    # torch's own maximum and minimum split the gradient at a tie; the generic form's two
    # wheres cost 20x more on the CPU, where torch.where is not vectorised.
    even_maximum = staticmethod(torch.maximum)
    even_minimum = staticmethod(torch.minimum)
    # torch.amax shares the gradient equally among tied maxima itself, and a NaN propagates (its
    # gradient NaN across the slice, as the originals' reduce_max, amax and jnp.max give it).
    split_max = staticmethod(lambda x, axis: torch.amax(x, dim=axis))
    # torch.relu is clamp_min(x, 0): NaN stays, and its derivative at 0 is 0.
    relu = staticmethod(torch.relu)

    # torch.amax shares the gradient evenly among tied maxima (its documented rule).
    split_max = staticmethod(lambda x, axis: torch.amax(x, dim=axis))

    def relu_passing(self, x):
        # Without a gradient to carry only the value counts: relu's (NaN stays NaN) is the
        # generic where's, in one vectorised pass instead of a bool mask and a where (4 ms
        # against 0.1 ms per 1e6 float32, measured).
        if x.requires_grad or _functorch_wrapped(x):
            return super().relu_passing(x)
        return torch.relu(x)

    def moveaxis(self, x, source, destination):
        # torch.movedim is the same view; its alias torch.moveaxis has no torch.func.vmap batching rule.
        return torch.movedim(x, source, destination)

    def bce_with_logits(self, x, y, pos_weight=None):
        # PyTorch's own kernel is the mirrored semantics; the formula costs 2-3x it in eager ops.
        # The kernel has no gradient for pos_weight: a pos_weight that wants one takes the formula.
        if pos_weight is not None and getattr(pos_weight, "requires_grad", False):
            return super().bce_with_logits(x, y, pos_weight)
        return F.binary_cross_entropy_with_logits(x, y, pos_weight=pos_weight, reduction="none")

    def probability_bce(self, p, y):
        # PyTorch's own kernel (it checks the range inside, with no host read). It has no
        # gradient for the target.
        if self._generic_only(p, y) or y.requires_grad:
            return super().probability_bce(p, y)
        try:
            return F.binary_cross_entropy(p, y, reduction="none")
        except RuntimeError:
            # Threads may meet a later bad element first: name the first in memory order.
            self._check_unit_interval(p, y)
            raise

    def softmax_cross_entropy(self, logits, labels, axis):
        # PyTorch's cross-entropy on probabilities is the value in one fused call (log_softmax,
        # product, sum), 3 passes against the formula's 9. Its logits gradient is m softmax - labels
        # (m = sum(labels)); TF's is softmax - labels, so the generic form's correction term is
        # added where the logits want a gradient. The kernel wants the class axis at 1 and
        # labels of the logits' shape: anything else (a broadcast row of labels, a DTensor, a
        # torch.func wrapper, no classes) takes the generic form.
        if (self._generic_only(logits, labels) or logits.shape != labels.shape or logits.ndim == 0
                or logits.shape[axis] == 0):
            return super().softmax_cross_entropy(logits, labels, axis)
        axis %= logits.ndim
        class_axis = 1 if logits.ndim > 1 else 0
        if axis != class_axis:
            logits, labels = torch.movedim(logits, axis, class_axis), torch.movedim(labels, axis, class_axis)
            axis = class_axis
        value = _nn.cross_entropy_loss(logits, labels, None, _NO_REDUCTION, -100, 0.0)  # F.cross_entropy's kernel
        if not logits.requires_grad:
            return value
        lse = torch.logsumexp(logits, dim=axis)
        mass = torch.sum(labels.detach(), dim=axis)
        return value + (1.0 - mass) * (lse - lse.detach())

    def sigmoid_cross_entropy(self, labels, logits):
        # torch.where is not vectorised on the CPU (about 4 ms per 1e6 elements, 20x a
        # maximum): maximum and abs give the same values, and torch's maximum splits the
        # gradient at a tie, 1/2 at x = 0, which with abs' 0 there is sigmoid(0) - y again.
        relu = torch.maximum(logits, logits.new_zeros(()))
        return relu - logits * labels + torch.log1p(torch.exp(-torch.abs(logits)))

    def scan(self, step, carry, xs, keep=False):
        # unbind: every frame's slice in one op, where indexing costs an op per frame.
        kept = []
        for x in zip(*(torch.unbind(x, 0) for x in xs)):
            carry = step(carry, x)
            if keep:
                kept.append(carry)
        return (carry, tuple(torch.stack(parts, 0) for parts in zip(*kept))) if keep else carry

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
            return _nn.nll_loss_nd(log_probs, indices, None, _NO_REDUCTION, ignore_index)  # F.nll_loss's kernel
        except IndexError:
            self._name_first_bad_target(indices, ignore_index, log_probs.shape[1 if log_probs.ndim > 1 else 0])
            raise

    def nll_loss(self, x, indices, weight, ignore_index, reduction, label_smoothing=0.0, from_logits=False):
        # PyTorch's own functions, which this is: one fused call instead of about ten eager ops.
        # A DTensor goes through the generic form (DTensor propagates it op by op), and so does
        # a weight that wants a gradient, which the kernel doesn't give.
        if _is_dtensor(x) or _is_dtensor(indices) or getattr(weight, "requires_grad", False):
            return super().nll_loss(x, indices, weight, ignore_index, reduction, label_smoothing, from_logits)
        try:
            if from_logits:  # F.cross_entropy's and F.nll_loss's kernels
                return _nn.cross_entropy_loss(x, indices, weight, _enum(reduction), ignore_index, label_smoothing)
            return _nn.nll_loss_nd(x, indices, weight, _enum(reduction), ignore_index)
        except IndexError:
            self._name_first_bad_target(indices, ignore_index, x.shape[1 if x.ndim > 1 else 0])
            raise

    def _name_first_bad_target(self, indices, ignore_index, classes):
        # Unreduced, the kernel checks in parallel and may name any offending index;
        # PyTorch's mean and sum name the first in memory order, found here on the
        # error path only.
        safe = torch.where(indices == ignore_index, torch.zeros_like(indices), indices)
        self._check_targets(safe, classes)

    def sparse_softmax_cross_entropy(self, logits, indices, check=None):
        # In eager mode torch's fused cross-entropy is the same math (its log_softmax subtracts
        # the row's max too), and its kernel checks the range itself, with no host read: the
        # caller's check runs once it has refused an index, to raise the caller's error.
        # Traced, an index out of range must give NaN, which only the generic form does.
        if not self.is_concrete(logits) or self._generic_only(logits, indices):
            return super().sparse_softmax_cross_entropy(logits, indices, check)
        if logits.ndim > 2:
            logits = torch.movedim(logits, -1, 1)
        try:
            # ignore_index at the int64 minimum: torch's -100 would pass a label of -100 as ignored.
            return _nn.cross_entropy_loss(logits, indices.long(), None, _NO_REDUCTION, _NO_CLASS, 0.0)
        except IndexError:
            if check is not None:
                check(indices)
            raise

    def sparse_normalized_cross_entropy(self, weights, indices, check=None):
        # Eager, torch's gather checks the range itself (IndexError on the CPU, a device assert
        # elsewhere, as its cross-entropy kernel does), with no host read: the caller's check runs
        # once it has refused an index, to raise the caller's error. Traced, an index out of
        # range must give NaN, which only the generic form does.
        if check is None or not _plain_eager(weights, indices):
            return super().sparse_normalized_cross_entropy(weights, indices, check)
        if indices.dtype != torch.int64:
            indices = indices.long()
        try:
            picked = torch.gather(weights, -1, indices.unsqueeze(-1)).squeeze(-1)
        except (IndexError, RuntimeError):
            check(indices)
            raise
        return self._log_quotient(weights.sum(-1), picked)

    def ctc_loss(self, log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
        # PyTorch's own kernel, which this is. It has no batching rule for torch.func's
        # transforms, and a DTensor goes op by op: those take the generic recursion, and so does
        # torch.compile, which can't trace the kernel (its outputs' shapes depend on values).
        if (self._generic_only(log_probs, targets) or _functorch_wrapped(input_lengths)
                or torch.compiler.is_compiling()):
            return super().ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity)
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=blank, reduction="none",
                          zero_infinity=zero_infinity)

    def serves_own_ctc(self, log_probs, targets, blank):
        # The kernel on the host only: on an accelerator it reads the lengths on the host, and
        # the caller reads which sequences it serves (the generic recursion waits for nothing);
        # eager only, as for ctc_loss.
        frames, batch, classes = log_probs.shape
        return not (torch.compiler.is_compiling() or log_probs.device.type != "cpu"
                    or log_probs.dtype not in (torch.float32, torch.float64)
                    or not (frames and batch and targets.shape[1]) or type(blank) is not int
                    or not 0 <= blank < classes or self._generic_only(log_probs, targets))

    def own_ctc(self, log_probs, targets, input_lengths, target_lengths, blank):
        if _functorch_wrapped(input_lengths):
            return None
        return F.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=blank, reduction="none",
                          zero_infinity=True)

    def map_chunks(self, fn, sliced, shared, size):
        # torch.utils.checkpoint (non-reentrant) per slice: the forward keeps a slice's inputs
        # only, and the backward recomputes its intermediates. Without a gradient to take, or
        # under torch.func's transforms (which checkpoint does not support), a plain loop.
        rows = sliced[0].shape[0]
        if rows <= size:
            return fn(*sliced, *shared)
        arrays = [a for a in (*sliced, *shared) if isinstance(a, torch.Tensor)]
        remat = (torch.is_grad_enabled() and any(a.requires_grad for a in arrays)
                 and not any(_functorch_wrapped(a) for a in arrays))
        outputs = []
        for chunk in zip(*(torch.split(a, size) for a in sliced)):
            if remat:
                outputs.append(checkpoint(fn, *chunk, *shared, use_reentrant=False))
            else:
                outputs.append(fn(*chunk, *shared))
        return tuple(torch.cat(parts) for parts in zip(*outputs))

    def linear(self, x, weight, bias=None):
        # torch.nn.functional.linear, which the contract is (a bias in the GEMM: addmm), for one dtype;
        # mixed dtypes take the standard's promotion first.
        if x.dtype == weight.dtype and (bias is None or bias.dtype == x.dtype):
            return F.linear(x, weight, bias)
        return super().linear(x, weight, bias)

    def linear_cross_entropy(self, input, linear_weight, target, linear_bias, weight, reduction, ignore_index,
                             plan):
        # PyTorch's own chunked op, which this is. It runs eagerly only (torch.compile breaks the
        # graph there, torch.func's transforms can't run it) and has no gradient for the class
        # weights nor for a probability target: those take the generic form.
        probabilities = target.dtype.is_floating_point
        wants = [weight] + ([target] if probabilities else [])
        if (torch.compiler.is_compiling() or self._generic_only(input, linear_weight) or _is_dtensor(target)
                or any(getattr(a, "requires_grad", False) for a in wants)):
            return super().linear_cross_entropy(input, linear_weight, target, linear_bias, weight, reduction,
                                                ignore_index, plan)
        options = torch.nn.LinearCrossEntropyOptions(
            allow_retain_graph=plan.allow_retain_graph, batch_chunk_size=plan.batch_chunk_size,
            chunking_method=None, acc_policy=plan.acc_policy, acc_dtype=plan.acc_dtype)
        return F.linear_cross_entropy(input, linear_weight, target, linear_bias=linear_bias, weight=weight,
                                      reduction=reduction, ignore_index=None if probabilities else ignore_index,
                                      options=options)

    def multi_margin(self, x, target, p, margin, weight):
        # PyTorch's own kernel: it checks the range inside, with no host read. It has no
        # gradient for weight, and no batching rule for torch.func's transforms.
        if self._generic_only(x, target) or not _margin_kernel_dtype(x) or getattr(weight, "requires_grad", False):
            return super().multi_margin(x, target, p, margin, weight)
        return F.multi_margin_loss(x, target, p=p, margin=margin, weight=weight, reduction="none")

    def multilabel_margin(self, x, target):
        if self._generic_only(x, target) or not _margin_kernel_dtype(x):
            return super().multilabel_margin(x, target)
        return F.multilabel_margin_loss(x, target, reduction="none")

    def pairwise_distance(self, x1, x2, p, eps, keepdim):
        # PyTorch's own function, which this is: one norm kernel instead of five eager ops.
        if self._generic_only(x1, x2):
            return super().pairwise_distance(x1, x2, p, eps, keepdim)
        return F.pairwise_distance(x1, x2, p=p, eps=eps, keepdim=keepdim)

    def _generic_only(self, x, target):
        # DTensor propagates the generic form op by op; torch.func's wrappers lack these
        # kernels' batching rules. Two plain tensors outside torch.func's transforms, eager (the
        # common call), are answered by one C query.
        if _plain_eager(x, target):
            return False
        return _is_dtensor(x) or _is_dtensor(target) or _functorch_wrapped(x) or _functorch_wrapped(target)

    def device(self, x):
        return x.device

    def on_host(self, x):
        return x.device.type == "cpu"

    def device_assert(self, ok, message):
        # As torch's own CUDA kernels check an index: a device-side assert, no wait for the device.
        torch._assert_async(ok, message)

    def is_concrete(self, x):
        # Under torch.compile the tensors are fakes, and under torch.func's transforms
        # (vmap, grad, jacrev) they are wrappers: their values can't be read as one tensor's.
        return not (torch.compiler.is_compiling() or _is_functorch_wrapped(x))


def _plain_eager(x, target):
    """Two plain tensors (no subclass: no DTensor, no fake), eager, outside torch.func's transforms."""
    return (type(x) is torch.Tensor and type(target) is torch.Tensor and not torch.compiler.is_compiling()
            and not _transforms_active())


def backend():
    return TorchBackend(namespace)
