"""``keras.losses`` overlap losses for segmentation: Dice and Tversky, functions and classes.

With the default ``axis=None`` both sum over every axis, the batch axis
included, and return one scalar for the whole batch; a class then applies no
reduction, except that a ``sample_weight`` multiplies that scalar (so the
result is the loss times the mean, or for ``'sum'`` the sum, of the weights).
Neither checks shapes or values: the arrays only have to broadcast.
"""

from __future__ import annotations

from .._dispatch import namespace_of
from ..losses import overlap
from ._common import EPSILON, LossFunctionWrapper, as_array, refuse_integer_y_pred


def _convert(y_true, y_pred):
    """Keras' prologue of these functions: ``y_true`` takes ``y_pred``'s dtype; no rank alignment."""
    xp = namespace_of(y_true, y_pred)
    y_pred = as_array(xp, y_pred)
    return xp, as_array(xp, y_true, y_pred.dtype), y_pred


def _axis(axis):
    # Keras accepts a list of axes where the array API wants a tuple.
    return tuple(axis) if isinstance(axis, list) else axis


def dice(y_true, y_pred, axis=None):
    """``keras.losses.dice``: ``1 - 2 sum(y p) / (sum(y) + sum(p) + 1e-7)`` over ``axis``.

    Source: Milletari et al., "V-Net", 3DV 2016 (without squares or smoothing).
    """
    xp, y_true, y_pred = _convert(y_true, y_pred)
    refuse_integer_y_pred("dice", y_pred, constant=2.0)  # 2 * intersection
    return overlap.dice(xp, y_pred, y_true, axis=_axis(axis), epsilon=EPSILON)


def tversky(y_true, y_pred, alpha=0.5, beta=0.5, axis=None):
    """``keras.losses.tversky``: ``1 - TP / (TP + alpha sum(y (1 - p)) + beta sum((1 - y) p) + 1e-7)``.

    Keras 3.15.1 weighs the false negatives ``sum(y (1 - p))`` by ``alpha`` and
    the false positives ``sum((1 - y) p)`` by ``beta``: the paper's
    coefficients swapped (Keras' docstring says alpha penalises false
    positives). This mirrors the installed Keras.

    Source: Salehi et al., "Tversky loss function for image segmentation", MLMI 2017.
    """
    xp, y_true, y_pred = _convert(y_true, y_pred)
    refuse_integer_y_pred("tversky", y_pred, constant=float(alpha))  # alpha * false negatives
    # The paper's false-positive weight is Keras' beta, and its false-negative weight Keras' alpha.
    return overlap.tversky(xp, y_pred, y_true, alpha=beta, beta=alpha, axis=_axis(axis), epsilon=EPSILON)


class Dice(LossFunctionWrapper):
    """``keras.losses.Dice(reduction='sum_over_batch_size', name='dice', axis=None, dtype=None)``."""

    def __init__(self, reduction="sum_over_batch_size", name="dice", axis=None, dtype=None):
        super().__init__(dice, reduction=reduction, name=name, dtype=dtype, axis=axis)
        self.axis = axis


class Tversky(LossFunctionWrapper):
    """``keras.losses.Tversky(alpha=0.5, beta=0.5, reduction='sum_over_batch_size', name='tversky',
    axis=None, dtype=None)``."""

    def __init__(self, alpha=0.5, beta=0.5, reduction="sum_over_batch_size", name="tversky", axis=None,
                 dtype=None):
        super().__init__(tversky, reduction=reduction, name=name, dtype=dtype, alpha=alpha, beta=beta, axis=axis)
        self.alpha = alpha
        self.beta = beta
        self.axis = axis
