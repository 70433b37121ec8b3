"""``torch.nn`` loss classes; ``multiloss.pytorch.functional`` holds the functions."""

from . import functional
from ._regression import HuberLoss, L1Loss, MSELoss, SmoothL1Loss

__all__ = ["functional", "L1Loss", "MSELoss", "HuberLoss", "SmoothL1Loss"]
