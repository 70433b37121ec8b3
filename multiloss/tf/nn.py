"""``tf.nn`` loss ops: the same names, keyword arguments and results, on every backend."""

from __future__ import annotations

from .._dispatch import namespace_of
from ..losses import regression


def l2_loss(t, name=None):
    """``tf.nn.l2_loss``: ``sum(t**2) / 2``, no square root; the dtype of ``t``."""
    xp = namespace_of(t)
    return regression.half_sum_of_squares(xp, t)


__all__ = ["l2_loss"]
