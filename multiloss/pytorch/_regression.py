"""``torch.nn.functional`` regression losses and their ``torch.nn`` classes."""

from __future__ import annotations

from .._dispatch import namespace_of
from .._dtypes import has, promote_floats, torch_float_kernel
from .._plan import Plans, kernel_for, plain_number, same_float_dtype
from .._reduction import TORCH_REDUCTIONS
from ..losses import regression
from ._common import (
    _Loss,
    broadcast_pair,
    check_weight_size,
    check_weighted_reduction,
    reduce_torch,
    reduced,
    torch_legacy_reduction,
    torch_reduction,
    warn_if_sizes_differ,
)

# the losses PyTorch computes in a float-only kernel
_FLOAT_KERNELS = {regression.squared_error: "mse_loss", regression.huber: "huber_loss",
                  regression.smooth_l1: "smooth_l1_loss"}


_MATH = {"l1_loss": reduced(regression.absolute_error), "mse_loss": reduced(regression.squared_error),
         "huber_loss": reduced(regression.huber), "smooth_l1_loss": reduced(regression.smooth_l1)}


def _decide(name, sig, reduction, option=None, value=None):
    """For a pair of arrays of one float dtype and one shape (checked per call), with no weight
    and a valid reduction and option (``delta`` > 0, ``beta`` >= 0), the general path has
    nothing to check, promote or broadcast: on torch, torch's own function is the whole call;
    on NumPy, the loss and its reduction."""
    _, input_dtype, _, _, target_dtype, _, _, _, _ = sig
    if reduction not in TORCH_REDUCTIONS or not same_float_dtype(input_dtype, target_dtype):
        return None
    if option is not None and not (plain_number(value) and (value > 0 or option == "beta" and value == 0)):
        return None
    options = {} if option is None else {option: value}
    return kernel_for(name, sig, _MATH[name], True, reduction=reduction, **options)


_PLANS = Plans(_decide)


def _planned(name, input, target, reduction, option, value):
    """The call by its plan (:mod:`multiloss._plan`), or None for the general path. (No defaults:
    under torch.compile each default read is guarded on every call.)"""
    plan = _PLANS(name, input, target, None, reduction, option, value)
    return None if plan is None else plan(input, target)


def _elementwise(loss, input, target, size_average, reduce, reduction, weight=None, guard=None, **options):
    """The shared path of the four, in PyTorch's order: size warning, broadcast,
    reduction check, option check (``guard``), loss, weight, reduction."""
    xp = namespace_of(input, target, weight)
    warn_if_sizes_differ(xp, input, target)
    if size_average is not None or reduce is not None:
        reduction = torch_legacy_reduction(size_average, reduce)
    input, target = broadcast_pair(xp, input, target)
    if loss is regression.huber and has(target, "dtype") and xp.isdtype(target.dtype, "real floating"):
        target = xp.astype(target, input.dtype)  # PyTorch's Huber kernel computes in the input's dtype
    input, target = promote_floats(xp, input, target, integers=True)
    if loss in _FLOAT_KERNELS:  # L1 is |input - target| and a mean, which integers reach
        torch_float_kernel(_FLOAT_KERNELS[loss], input=input)
    if weight is None:
        reduction = torch_reduction(reduction)
    if guard is not None:
        guard()
    elementwise = loss(xp, input, target, **options)
    if weight is None:
        return reduce_torch(xp, elementwise, reduction)
    check_weight_size(weight, input)
    check_weighted_reduction(reduction)
    # L1 and MSE divide a weighted mean by sum(w); Huber divides by the element count.
    if reduction == "mean" and loss is not regression.huber:
        reduction = "weighted_mean"
    return reduce_torch(xp, elementwise, reduction, weight)


def l1_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """``torch.nn.functional.l1_loss``: mean absolute error, ``|input - target|``.

    With ``weight`` (same size as ``input``) the mean is ``sum(w * l) / sum(w)``.
    """
    if size_average is None and reduce is None and weight is None:
        out = _planned("l1_loss", input, target, reduction, None, None)
        if out is not None:
            return out
    return _elementwise(regression.absolute_error, input, target, size_average, reduce, reduction, weight)


def mse_loss(input, target, size_average=None, reduce=None, reduction="mean", weight=None):
    """``torch.nn.functional.mse_loss``: mean squared error, ``(input - target)**2``.

    With ``weight`` (same size as ``input``) the mean is ``sum(w * l) / sum(w)``.
    """
    if size_average is None and reduce is None and weight is None:
        out = _planned("mse_loss", input, target, reduction, None, None)
        if out is not None:
            return out
    return _elementwise(regression.squared_error, input, target, size_average, reduce, reduction, weight)


def huber_loss(input, target, reduction="mean", delta=1.0, weight=None):
    """``torch.nn.functional.huber_loss``: quadratic below ``delta``, linear above.

    ``delta`` must be positive (RuntimeError otherwise). With ``weight`` the mean
    divides by the element count, not by ``sum(w)`` (as PyTorch does).
    """
    if weight is None:
        out = _planned("huber_loss", input, target, reduction, "delta", delta)
        if out is not None:
            return out

    def guard():
        if delta <= 0:
            raise RuntimeError("huber_loss does not support non-positive values for delta.")

    return _elementwise(regression.huber, input, target, None, None, reduction, weight, guard, delta=delta)


def smooth_l1_loss(input, target, size_average=None, reduce=None, reduction="mean", beta=1.0):
    """``torch.nn.functional.smooth_l1_loss``: Huber divided by ``beta``; ``beta=0`` is exactly L1.

    A negative ``beta`` raises RuntimeError, as in PyTorch.
    """
    if size_average is None and reduce is None:
        out = _planned("smooth_l1_loss", input, target, reduction, "beta", beta)
        if out is not None:
            return out

    def guard():
        if beta < 0:
            raise RuntimeError("smooth_l1_loss does not support negative values for beta.")

    return _elementwise(regression.smooth_l1, input, target, size_average, reduce, reduction, None, guard, beta=beta)


class L1Loss(_Loss):
    """``torch.nn.L1Loss(size_average=None, reduce=None, reduction='mean')``."""

    def forward(self, input, target):
        return l1_loss(input, target, reduction=self.reduction)


class MSELoss(_Loss):
    """``torch.nn.MSELoss(size_average=None, reduce=None, reduction='mean')``."""

    def forward(self, input, target):
        return mse_loss(input, target, reduction=self.reduction)


class HuberLoss(_Loss):
    """``torch.nn.HuberLoss(reduction='mean', delta=1.0)`` (no legacy arguments)."""

    def __init__(self, reduction="mean", delta=1.0):
        if not isinstance(delta, float | int) or isinstance(delta, bool):
            raise TypeError(f"delta must be a float or int, got: {type(delta).__name__}")
        super().__init__(reduction=reduction)
        self.delta = delta

    def forward(self, input, target):
        return huber_loss(input, target, reduction=self.reduction, delta=self.delta)


class SmoothL1Loss(_Loss):
    """``torch.nn.SmoothL1Loss(size_average=None, reduce=None, reduction='mean', beta=1.0)``."""

    def __init__(self, size_average=None, reduce=None, reduction="mean", beta=1.0):
        super().__init__(size_average, reduce, reduction)
        self.beta = beta

    def forward(self, input, target):
        return smooth_l1_loss(input, target, reduction=self.reduction, beta=self.beta)


FUNCTIONS = ["l1_loss", "mse_loss", "huber_loss", "smooth_l1_loss"]
CLASSES = ["L1Loss", "MSELoss", "HuberLoss", "SmoothL1Loss"]
