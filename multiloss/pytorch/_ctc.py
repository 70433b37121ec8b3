"""``torch.nn.functional.ctc_loss`` and ``torch.nn.CTCLoss``, on every backend.

The checks follow PyTorch 2.14's in its order, with its exception classes and
messages; the lengths' bounds are value checks, made by the backend's ``ctc_loss``
(PyTorch's kernel on torch) in eager mode on every backend, and skipped under
``jax.jit``, ``tf.function`` and ``torch.compile``.
"""

from __future__ import annotations

from .._dispatch import namespace_of
from .._dtypes import dtype_name, has, torch_scalar_name
from .._plan import Plans, described, kernel, native
from .._reduction import TORCH_REDUCTIONS
from ..losses import softmax
from ._common import _Loss, reduce_torch, torch_reduction


def _as_indices(xp, lengths, like):
    """Lengths or labels given as an array, a tuple or a list, as an index array of ``like``'s
    framework, on its device."""
    if not has(lengths, "dtype"):
        lengths = xp.asarray(lengths, device=xp.device(like))
    return xp.astype(lengths, softmax.index_dtype(xp, lengths))


def _decide(name, sig, lengths_type, lengths_dtype, lengths_ndim, blank, reduction, zero_infinity):
    """torch's own ``ctc_loss`` for batched float32 or float64 log-probabilities with int64 targets and
    int64 length tensors, a valid reduction and plain options: what the general path computes (its
    kernel, unreduced, then the same mean) in one call; its checks raise in the kernel, and the general
    path then raises PyTorch's error. Nowhere else (NumPy has no CTC kernel)."""
    log_probs_dtype, ndim, targets_dtype, targets_ndim, input_lengths_dtype, input_lengths_ndim = (
        sig[1], sig[2], sig[4], sig[5], sig[7], sig[8])
    if not (ndim == 3 and dtype_name(log_probs_dtype) in ("float32", "float64")
            and dtype_name(targets_dtype) == "int64" and targets_ndim in (1, 2)
            and dtype_name(input_lengths_dtype) == dtype_name(lengths_dtype) == "int64"
            and input_lengths_ndim == lengths_ndim == 1 and reduction in TORCH_REDUCTIONS
            and type(blank) is int and type(zero_infinity) is bool):
        return None
    fn = native(name, sig[0], sig[3], sig[6], lengths_type)
    return None if fn is None else kernel(fn, blank=blank, reduction=reduction, zero_infinity=zero_infinity)


_PLANS = Plans(_decide)


def _check_kernel_dtype(xp, log_probs):
    # PyTorch's CTC kernels exist for float32 and float64 only (NotImplementedError, on the CPU).
    if log_probs.dtype not in (xp.float32, xp.float64):
        raise NotImplementedError(f"\"ctc_loss_cpu\" not implemented for '{torch_scalar_name(log_probs.dtype)}'")


def ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=0, reduction="mean", zero_infinity=False):
    """``torch.nn.functional.ctc_loss``: ``-log p(target | log_probs)`` summed over every alignment.

    ``log_probs``: ``(T, N, C)`` log-probabilities (``(T, C)`` unbatched); ``targets``: ``(N, S)``
    padded, or the ``N`` sequences concatenated in one 1-D array; ``input_lengths`` and
    ``target_lengths``: ``(N,)`` arrays, tuples or lists. ``blank`` is the blank class.
    ``'mean'`` divides each loss by its target length (at least 1), then averages the batch.
    A target that its frames can't hold gives ``inf``, or 0 (gradient 0) with ``zero_infinity``.

    The gradient with respect to ``log_probs`` is PyTorch's, ``exp(log_probs) - occupancy`` on
    each sample's frames: the logits' gradient once it flows back through ``log_softmax``.

    Source: A. Graves et al., ICML 2006 (see ``multiloss.losses.ctc``).
    """
    plan = _PLANS("ctc_loss", log_probs, targets, input_lengths, *described(target_lengths), blank, reduction,
                  zero_infinity)
    out = None if plan is None else plan(log_probs, targets, input_lengths, target_lengths)
    if out is not None:
        return out
    reduction = torch_reduction(reduction)
    xp = namespace_of(log_probs, targets)
    if xp.ndim(log_probs) not in (2, 3):
        raise RuntimeError(f"ctc_loss(): log_probs must be 2-D (unbatched) or 3-D, got {xp.ndim(log_probs)}-D")
    batched = xp.ndim(log_probs) == 3
    if not batched:
        log_probs, targets = xp.expand_dims(log_probs, axis=1), xp.expand_dims(targets, axis=0)
    input_lengths = xp.reshape(_as_indices(xp, input_lengths, log_probs), (-1,))
    target_lengths = xp.reshape(_as_indices(xp, target_lengths, log_probs), (-1,))
    if 0 in (xp.shape(log_probs) or ()):  # a size known only at run time is not checked
        raise RuntimeError("log_probs tensor must not be empty")
    classes = log_probs.shape[2]
    if not 0 <= blank < classes:
        raise RuntimeError("blank must be in label range")
    _check_kernel_dtype(xp, log_probs)
    targets = _as_indices(xp, targets, log_probs)
    loss = xp.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity)
    if not batched:
        loss = xp.reshape(loss, ())
    if reduction == "mean":
        divisor = xp.astype(xp.clip(target_lengths, min=1), loss.dtype)
        loss = loss / (divisor if batched else xp.reshape(divisor, ()))
    return reduce_torch(xp, loss, reduction)


class CTCLoss(_Loss):
    """``torch.nn.CTCLoss(blank=0, reduction='mean', zero_infinity=False)``."""

    def __init__(self, blank=0, reduction="mean", zero_infinity=False):
        super().__init__(reduction=reduction)
        self.blank = blank
        self.zero_infinity = zero_infinity

    def forward(self, log_probs, targets, input_lengths, target_lengths):
        return ctc_loss(log_probs, targets, input_lengths, target_lengths, self.blank, self.reduction,
                        self.zero_infinity)
