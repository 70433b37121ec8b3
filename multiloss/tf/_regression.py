"""``tf.compat.v1.losses`` regression losses and ``tf.nn.l2_loss``."""

from __future__ import annotations

from .._dispatch import namespace_of
from .._dtypes import require_tf_float
from .._reduction import Reduction
from ..losses import regression
from ._common import pairwise_loss

_DEFAULT = Reduction.SUM_BY_NONZERO_WEIGHTS


def absolute_difference(labels, predictions, weights=1.0, scope=None, loss_collection="losses",
                        reduction=_DEFAULT):
    """``tf.compat.v1.losses.absolute_difference``: ``|predictions - labels|``, weighted and reduced."""
    return pairwise_loss(regression.absolute_error, predictions, labels, weights, reduction)


def mean_squared_error(labels, predictions, weights=1.0, scope=None, loss_collection="losses",
                       reduction=_DEFAULT):
    """``tf.compat.v1.losses.mean_squared_error``: ``(predictions - labels)**2``, weighted and reduced."""
    return pairwise_loss(regression.squared_error, predictions, labels, weights, reduction)


def huber_loss(labels, predictions, weights=1.0, delta=1.0, scope=None, loss_collection="losses",
               reduction=_DEFAULT):
    """``tf.compat.v1.losses.huber_loss``: ``0.5 min(|e|, delta)**2 + delta (|e| - min(|e|, delta))``."""
    return pairwise_loss(regression.huber, predictions, labels, weights, reduction,
                         option="delta", value=delta)


def l2_loss(t, name=None):
    """``tf.nn.l2_loss``: ``sum(t**2) / 2``, no square root; the dtype of ``t``."""
    xp = namespace_of(t)
    require_tf_float("l2_loss", t=t)
    return regression.half_sum_of_squares(xp, t)
