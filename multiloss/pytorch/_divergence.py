"""``torch.nn.functional`` divergences and likelihoods (KL, Poisson, Gaussian) and their ``torch.nn`` classes.

Value checks (a negative ``var``) run in eager mode on every backend and are
skipped under ``jax.jit``, ``tf.function`` and ``torch.compile``, where the
values are not known yet.
"""

from __future__ import annotations

from .._checks import any_true, concrete, warn
from .._dispatch import namespace_of
from .._dtypes import (
    has,
    is_integer,
    promote_floats,
    rounded_to,
    rounded_to_dtype,
    torch_float_result,
)
from .._plan import Plans, kernel_for, one_float_dtype, plain_number
from .._reduction import reduce
from ..losses import divergence
from ._common import (
    _Loss,
    broadcast_pair,
    reduce_torch,
    reduced,
    torch_legacy_reduction,
    torch_reduction,
)

KL_MEAN_WARNING = (
    "reduction: 'mean' divides the total loss by both the batch size and the support size."
    "'batchmean' divides only by the batch size, and aligns with the KL div math definition."
    "'mean' will be changed to behave the same as 'batchmean' in the next major release."
)


# name -> its arrays, the reductions its plan serves, its options, whether they are plain
_PLAIN = {
    "kl_div": (2, ("none", "sum", "batchmean", "mean"), ("log_target",), lambda log_target: type(log_target) is bool),
    "poisson_nll_loss": (2, ("none", "mean", "sum"), ("log_input", "full", "eps"), lambda log_input, full, eps:
                         type(log_input) is bool and type(full) is bool and plain_number(eps)),
    "gaussian_nll_loss": (3, ("none", "mean", "sum"), ("full", "eps"),
                          lambda full, eps: type(full) is bool and plain_number(eps)),
}


def _kl(xp, input, target, reduction, log_target=False):
    """kl_div of checked arrays of one shape, by a reduction PyTorch names (no legacy one)."""
    pointwise = divergence.kl_div_log_target if log_target else divergence.kl_div
    out = reduce(xp, pointwise(xp, input, target), "sum" if reduction == "batchmean" else reduction, empty="nan")
    return _per_sample(xp, input, out) if reduction == "batchmean" and xp.ndim(input) != 0 else out


def _per_sample(xp, input, total):
    """``total`` over the batch size, ``input.shape[0]``; an empty batch gives 0/0 = NaN."""
    batch = input.shape[0]
    if batch is None:
        return total / _run_time_length(xp, input, total.dtype)
    return total / batch if batch != 0 else total * float("nan")


def _poisson(xp, input, target, log_input=True, full=False, eps=1e-8):
    """poisson_nll_loss of checked arrays, per element."""
    loss = divergence.poisson_nll(xp, input, target, log_input, eps)
    return loss + divergence.stirling(xp, target, zero_negative=True) if full else loss


def _gaussian(xp, input, target, var, full=False, eps=1e-6):
    # arrays of one float dtype and shape, the plan's signature; var's sign is checked per call
    _check_var_sign(xp, var)
    return divergence.gaussian_nll(xp, input, target, var, eps, full)


# name -> the general path's math once its checks have passed: a NumPy plan (:func:`_plan.math_kernel`)
_MATH = {"kl_div": _kl, "kl_div_unwarned": _kl, "poisson_nll_loss": reduced(_poisson),
         "gaussian_nll_loss": reduced(_gaussian)}


def _decide(name, sig, reduction, *options):
    """For plain arrays of one float dtype, rank >= 1 and one shape (checked per call), a valid
    reduction and plain options: torch's own function on torch, the math on NumPy. kl_div's
    'mean' takes the kernel without F.kl_div's warning, which :func:`kl_div` gives itself."""
    arrays, reductions, names, plain = _PLAIN[name]
    if reduction not in reductions or not plain(*options) or not one_float_dtype(sig, arrays) or not sig[2]:
        return None
    options = dict(zip(names, options))
    if name == "kl_div" and reduction == "mean":
        name = "kl_div_unwarned"
    if name == "gaussian_nll_loss":  # PyTorch clamps var in var's own dtype
        options["eps"] = rounded_to_dtype(options["eps"], sig[7])
    return kernel_for(name, sig, _MATH[name], True, reduction=reduction, **options)


_PLANS = Plans(_decide)


def _kl_reduction(xp, input, size_average, reduce, reduction):
    """The reduction ``kl_div`` applies before its batchmean division, with PyTorch's warnings.

    The warning for 'mean' is emitted in eager mode; a traced call (jit,
    tf.function, torch.compile, which cannot trace ``warnings.warn``) skips it.
    """
    if size_average is not None or reduce is not None:
        return torch_legacy_reduction(size_average, reduce)
    if reduction == "mean" and concrete(xp, input):
        warn(KL_MEAN_WARNING, UserWarning, 3)
    return "sum" if reduction == "batchmean" else torch_reduction(reduction)


def kl_div(input, target, size_average=None, reduce=None, reduction="mean", log_target=False):
    """``torch.nn.functional.kl_div``: pointwise ``target (log target - input)`` for log-probabilities ``input``.

    ``log_target=False``: ``xlogy(target, target) - target * input`` (0 where the
    target is 0, NaN where it is negative); ``log_target=True``: ``exp(target)
    (target - input)``. Reductions ``'none' | 'batchmean' | 'sum' | 'mean'``;
    ``'batchmean'`` is the sum over ``input.shape[0]`` (the sum for a 0-d input),
    the KL divergence per sample. ``'mean'`` (the default) warns, as PyTorch does
    (in eager mode only).
    The two arrays broadcast against each other.
    """
    if size_average is None and reduce is None:
        plan = _PLANS("kl_div", input, target, None, reduction, log_target)
        out = None if plan is None else plan(input, target)
        if out is not None:
            if reduction == "mean":
                warn(KL_MEAN_WARNING, UserWarning, 2)
            return out
    xp = namespace_of(input, target)
    for name, array in (("input", input), ("target", target)):
        if is_integer(array):
            raise RuntimeError(f"kl_div: Integral inputs not supported: argument '{name}' has dtype "
                               f"{array.dtype}; kl_div takes floating inputs (float16, bfloat16, float32, float64)")
    input, target = promote_floats(xp, input, target)
    applied = _kl_reduction(xp, input, size_average, reduce, reduction)
    # PyTorch names the target first when the shapes don't broadcast (``target * input``).
    target, log_q = broadcast_pair(xp, target, input)
    pointwise = divergence.kl_div_log_target if log_target else divergence.kl_div
    out = reduce_torch(xp, pointwise(xp, log_q, target), applied)
    if reduction == "batchmean" and xp.ndim(input) != 0:
        # PyTorch divides by the input's first dimension, after whatever reduction applied
        # (legacy size_average/reduce included)
        return _per_sample(xp, input, out)
    return out


def _run_time_length(xp, x, dtype):
    """``x.shape[0]`` when only the run time knows it (tf.function): the size of a reduction to axis 0,
    which is right even when another axis is empty."""
    rows = xp.sum(xp.zeros_like(x), axis=tuple(range(1, xp.ndim(x)))) if xp.ndim(x) > 1 else x
    return xp.astype(xp.size(rows), dtype)


def poisson_nll_loss(input, target, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None,
                     reduction="mean"):
    """``torch.nn.functional.poisson_nll_loss``: ``exp(input) - target * input`` (``log_input=True``)
    or ``input - target * log(input + eps)``.

    ``full=True`` adds Stirling's ``target log target - target + 0.5 log(2 pi target)``
    where ``target > 1`` (0 elsewhere, negative targets included). The arrays broadcast.
    """
    if size_average is None and reduce is None:
        plan = _PLANS("poisson_nll_loss", input, target, None, reduction, log_input, full, eps)
        out = None if plan is None else plan(input, target)
        if out is not None:
            return out
    xp = namespace_of(input, target)
    # exp and log make integers floats of PyTorch's default dtype
    input, target = promote_floats(xp, input, target, integers="float32")
    if size_average is not None or reduce is not None:
        reduction = torch_legacy_reduction(size_average, reduce)
    if reduction not in ("none", "mean", "sum"):
        # poisson_nll_loss checks the three names itself: 'elementwise_mean' is refused too.
        raise ValueError(f"{reduction} is not a valid value for reduction")
    target, input = broadcast_pair(xp, target, input)
    return reduce_torch(xp, _poisson(xp, input, target, log_input, full, eps), reduction)


def _check_var(xp, input, var):
    """PyTorch's checks of ``var``, in its order: sign, then shape. Returns ``var`` shaped to broadcast."""
    if isinstance(var, float):
        if var < 0:
            raise ValueError("var has negative entry/entries")
        return var * xp.ones_like(input)
    if not has(var, "shape"):
        # PyTorch accepts a float or a tensor; an int reaches torch.any(bool) and raises TypeError.
        raise TypeError(f"var must be a tensor or a float, got {type(var).__name__}")
    _check_var_sign(xp, var)
    input_shape, var_shape = tuple(input.shape), tuple(var.shape)
    if _same(var_shape, input_shape):
        return var
    if _same(input_shape[:-1], var_shape):
        # One value per row of the last axis (homoscedastic): broadcast it along that axis.
        return xp.expand_dims(var, axis=-1)
    if len(input_shape) == len(var_shape) and _sum_of_mismatched(input_shape, var_shape) == 1:
        # Same rank, and var has a 1 wherever it differs from input (exactly one such axis).
        return var
    raise ValueError("var is of incorrect size")


def _check_var_sign(xp, var):
    if concrete(xp, var) and any_true(xp, var < 0, reads_device=True):  # torch reads it on any device
        raise ValueError("var has negative entry/entries")


# A dimension known only at run time (None, in tf.function) is taken to agree with any other.


def _same(a, b):
    return len(a) == len(b) and all(x == y or x is None or y is None for x, y in zip(a, b))


def _sum_of_mismatched(input_shape, var_shape):
    """PyTorch's test: the sum of var's dimensions where they differ from input's."""
    return sum(v for i, v in zip(input_shape, var_shape) if i != v and None not in (i, v))


def gaussian_nll_loss(input, target, var, full=False, eps=1e-6, reduction="mean"):
    """``torch.nn.functional.gaussian_nll_loss``: ``0.5 (log max(var, eps) + (input - target)**2 / max(var, eps))``.

    ``full=True`` adds ``0.5 log(2 pi)``. ``var`` is a float, an array of
    ``input``'s shape, of ``input.shape[:-1]``, or of ``input``'s rank with 1 in
    the one axis where it differs. The clamp at ``eps`` is not seen by autodiff,
    as in PyTorch. A negative ``var`` raises ValueError (checked in eager mode
    only; skipped under jit, tf.function and torch.compile).
    """
    plan = _PLANS("gaussian_nll_loss", input, target, var, reduction, full, eps)
    out = None if plan is None else plan(input, target, var)
    if out is not None:
        return out
    xp = namespace_of(input, target, var)
    eps = rounded_to(eps, var)  # PyTorch clamps var in its own dtype, before promoting it
    torch_float_result("var", var, "float32")  # that clamp is in place: an integer var can't hold eps
    input, target, var = promote_floats(xp, input, target, var, integers=True)
    var = _check_var(xp, input, var)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not valid")
    input, target = broadcast_pair(xp, input, target)
    return reduce_torch(xp, divergence.gaussian_nll(xp, input, target, var, eps, full), reduction)


class KLDivLoss(_Loss):
    """``torch.nn.KLDivLoss(size_average=None, reduce=None, reduction='mean', log_target=False)``."""

    def __init__(self, size_average=None, reduce=None, reduction="mean", log_target=False):
        super().__init__(size_average, reduce, reduction)
        self.log_target = log_target

    def forward(self, input, target):
        return kl_div(input, target, reduction=self.reduction, log_target=self.log_target)


class PoissonNLLLoss(_Loss):
    """``torch.nn.PoissonNLLLoss(log_input=True, full=False, size_average=None, eps=1e-08, reduce=None,
    reduction='mean')``."""

    def __init__(self, log_input=True, full=False, size_average=None, eps=1e-8, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.log_input = log_input
        self.full = full
        self.eps = eps

    def forward(self, log_input, target):
        return poisson_nll_loss(log_input, target, log_input=self.log_input, full=self.full, eps=self.eps,
                                reduction=self.reduction)


class GaussianNLLLoss(_Loss):
    """``torch.nn.GaussianNLLLoss(*, full=False, eps=1e-06, reduction='mean')``."""

    def __init__(self, *, full=False, eps=1e-6, reduction="mean"):
        super().__init__(None, None, reduction)
        self.full = full
        self.eps = eps

    def forward(self, input, target, var):
        return gaussian_nll_loss(input, target, var, full=self.full, eps=self.eps, reduction=self.reduction)


FUNCTIONS = ["kl_div", "poisson_nll_loss", "gaussian_nll_loss"]
CLASSES = ["KLDivLoss", "PoissonNLLLoss", "GaussianNLLLoss"]
