"""``keras.losses`` KL divergence and Poisson: functions (per sample, over the last axis) and classes."""

from __future__ import annotations

from .._dispatch import namespace_of
from ..losses import divergence
from ._common import EPSILON, LossFunctionWrapper, as_array, refuse_integer_y_pred


def _convert(y_true, y_pred):
    """Keras' prologue for these two: ``y_true`` takes ``y_pred``'s dtype; no rank alignment
    (the functions broadcast; the classes align ranks before calling them)."""
    xp = namespace_of(y_true, y_pred)
    y_pred = as_array(xp, y_pred)
    return xp, as_array(xp, y_true, y_pred.dtype), y_pred


def kl_divergence(y_true, y_pred):
    """``keras.losses.kl_divergence``: ``sum(y_true log(y_true / y_pred), axis=-1)``,
    both clipped to ``[1e-7, 1]`` first (so a zero in ``y_true`` adds ``1e-7 log(1e-7 / y_pred)``)."""
    xp, y_true, y_pred = _convert(y_true, y_pred)
    refuse_integer_y_pred("kl_divergence", y_pred, constant=EPSILON)  # the clip to [1e-7, 1]
    return xp.sum(divergence.clipped_kl(xp, y_true, y_pred, EPSILON), axis=-1)


def poisson(y_true, y_pred):
    """``keras.losses.poisson``: ``mean(y_pred - y_true log(y_pred + 1e-7), axis=-1)``."""
    xp, y_true, y_pred = _convert(y_true, y_pred)
    refuse_integer_y_pred("poisson", y_pred, mixed_with="float")  # y_true * log(y_pred + 1e-7)
    return xp.mean(divergence.poisson(xp, y_true, y_pred, EPSILON), axis=-1)


# Keras' short names: keras.losses.get("kld") and get("KLD") give kl_divergence
# (keras.losses 3.15.1 has no attribute of either name).
kld = KLD = kl_divergence


class KLDivergence(LossFunctionWrapper):
    """``keras.losses.KLDivergence(reduction='sum_over_batch_size', name='kl_divergence', dtype=None)``."""

    def __init__(self, reduction="sum_over_batch_size", name="kl_divergence", dtype=None):
        super().__init__(kl_divergence, reduction=reduction, name=name, dtype=dtype)


class Poisson(LossFunctionWrapper):
    """``keras.losses.Poisson(reduction='sum_over_batch_size', name='poisson', dtype=None)``."""

    def __init__(self, reduction="sum_over_batch_size", name="poisson", dtype=None):
        super().__init__(poisson, reduction=reduction, name=name, dtype=dtype)
