"""``keras.losses`` regression losses: functions (per-sample, mean over the last axis) and classes."""

from __future__ import annotations

import struct

from .._dtypes import dtype_name, is_integer
from ..losses import regression
from ._common import EPSILON, LossFunctionWrapper, prepare, refuse_integer_y_pred

# Keras computes ops.log(2.0) in float32 and then casts it, in every dtype.
_LOG2_FLOAT32 = struct.unpack("f", struct.pack("f", regression.LOG2))[0]


def mean_squared_error(y_true, y_pred):
    """``keras.losses.mean_squared_error``: ``mean((y_true - y_pred)**2, axis=-1)``."""
    xp, y_true, y_pred = prepare(y_true, y_pred)
    return xp.mean(regression.squared_error(xp, y_pred, y_true), axis=-1)


def mean_absolute_error(y_true, y_pred):
    """``keras.losses.mean_absolute_error``: ``mean(|y_true - y_pred|, axis=-1)``."""
    xp, y_true, y_pred = prepare(y_true, y_pred)
    return xp.mean(regression.absolute_error(xp, y_pred, y_true), axis=-1)


def mean_absolute_percentage_error(y_true, y_pred):
    """``keras.losses.mean_absolute_percentage_error``:
    ``100 mean(|(y_true - y_pred) / max(|y_true|, 1e-7)|, axis=-1)``.

    Integer inputs compute as Keras does: epsilon cast to the integer dtype is 0, and the
    quotient of integers is float64 (TensorFlow's true division), inf where ``y_true`` is 0."""
    xp, y_true, y_pred = prepare(y_true, y_pred, integers="keep")
    epsilon = EPSILON
    if is_integer(y_pred):
        y_true, y_pred, epsilon = xp.astype(y_true, xp.float64), xp.astype(y_pred, xp.float64), 0
    return 100.0 * xp.mean(regression.absolute_relative_error(xp, y_pred, y_true, epsilon), axis=-1)


def mean_squared_logarithmic_error(y_true, y_pred):
    """``keras.losses.mean_squared_logarithmic_error``:
    ``mean((log(max(y_pred, eps) + 1) - log(max(y_true, eps) + 1))**2, axis=-1)``."""
    xp, y_true, y_pred = prepare(y_true, y_pred)
    if dtype_name(y_pred.dtype) in ("float16", "bfloat16"):
        # Keras' max(y, epsilon) meets epsilon as a float32 tensor: 16-bit inputs compute in float32.
        y_true, y_pred = xp.astype(y_true, xp.float32), xp.astype(y_pred, xp.float32)
    return xp.mean(regression.squared_log_error(xp, y_pred, y_true, EPSILON), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    """``keras.losses.huber``: ``0.5 e**2`` where ``|e| <= delta``, else ``delta |e| - 0.5 delta**2``;
    mean over the last axis. Keras does not check ``delta``. Integer inputs compute in their
    dtype, as in Keras (``regression.truncated_huber``), with a floatx mean."""
    xp, y_true, y_pred = prepare(y_true, y_pred, integers="keep")
    if is_integer(y_pred):
        return xp.mean(xp.astype(regression.truncated_huber(xp, y_pred, y_true, delta), xp.float32), axis=-1)
    return xp.mean(regression.huber(xp, y_pred, y_true, delta), axis=-1)


def log_cosh(y_true, y_pred):
    """``keras.losses.log_cosh``: ``mean(log(cosh(y_pred - y_true)), axis=-1)``, overflow-free."""
    xp, y_true, y_pred = prepare(y_true, y_pred, integers="keep")
    refuse_integer_y_pred("log_cosh", y_pred, constant=-2.0)  # softplus(x * -2.0)
    return xp.mean(regression.log_cosh(xp, y_pred, y_true, _LOG2_FLOAT32), axis=-1)


# Keras' short aliases
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error
mape = MAPE = mean_absolute_percentage_error
msle = MSLE = mean_squared_logarithmic_error


class MeanSquaredError(LossFunctionWrapper):
    """``keras.losses.MeanSquaredError(reduction='sum_over_batch_size', name='mean_squared_error', dtype=None)``."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    """``keras.losses.MeanAbsoluteError(reduction='sum_over_batch_size', name='mean_absolute_error', dtype=None)``."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, reduction=reduction, name=name, dtype=dtype)


class MeanAbsolutePercentageError(LossFunctionWrapper):
    """``keras.losses.MeanAbsolutePercentageError(reduction=..., name='mean_absolute_percentage_error', dtype=None)``."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_percentage_error", dtype=None):
        super().__init__(mean_absolute_percentage_error, reduction=reduction, name=name, dtype=dtype)


class MeanSquaredLogarithmicError(LossFunctionWrapper):
    """``keras.losses.MeanSquaredLogarithmicError(reduction=..., name='mean_squared_logarithmic_error', dtype=None)``."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_logarithmic_error", dtype=None):
        super().__init__(mean_squared_logarithmic_error, reduction=reduction, name=name, dtype=dtype)


class LogCosh(LossFunctionWrapper):
    """``keras.losses.LogCosh(reduction='sum_over_batch_size', name='log_cosh', dtype=None)``."""

    def __init__(self, reduction="sum_over_batch_size", name="log_cosh", dtype=None):
        super().__init__(log_cosh, reduction=reduction, name=name, dtype=dtype)


class Huber(LossFunctionWrapper):
    """``keras.losses.Huber(delta=1.0, reduction='sum_over_batch_size', name='huber_loss', dtype=None)``."""

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, reduction=reduction, name=name, dtype=dtype, delta=delta)
