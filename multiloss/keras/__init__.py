"""``keras.losses``: the same functions, classes, aliases, defaults and reductions, on every backend.

Functions return the per-sample loss (Keras averages over the last axis);
classes reduce it with ``reduction`` and ``sample_weight``. Classes compute in
float32 unless ``dtype`` says otherwise, as Keras does.
"""

from ._common import Loss, LossFunctionWrapper
from ._regression import (
    MAE,
    MAPE,
    MSE,
    MSLE,
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    huber,
    log_cosh,
    mae,
    mape,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    mse,
    msle,
)

__all__ = [
    "Loss", "LossFunctionWrapper",
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "huber", "log_cosh", "mse", "mae", "mape", "msle",
    "MSE", "MAE", "MAPE", "MSLE",
    "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError", "Huber", "LogCosh",
]
