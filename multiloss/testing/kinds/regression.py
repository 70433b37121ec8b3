"""Regression pairs: a prediction and a target of the same shape, with weights of several shapes."""

import numpy as np

from . import edge, empty_and_nan, keras_weights, kind

BATCH, FEATURES = 4, 5


@kind("regression", generic=("empty", "nan", "inf", "large"))
def regression(rng, dtype, batch=BATCH, features=FEATURES):
    return {
        "prediction": rng.normal(size=(batch, features)).astype(dtype),
        "target": rng.normal(size=(batch, features)).astype(dtype),
        # per-element weights, some of them zero
        "weight": (rng.uniform(size=(batch, features)) * (rng.uniform(size=(batch, features)) > 0.2)).astype(dtype),
        **keras_weights(rng, dtype, batch),
    }


@edge("regression")
def zero_residual(rng, dtype):
    arrays = regression(rng, dtype)
    arrays["target"] = arrays["prediction"].copy()
    return arrays


@edge("regression")
def unit_residual(rng, dtype):
    """Residuals of exactly +-1: the Huber / SmoothL1 boundary at the default delta and beta."""
    arrays = regression(rng, dtype)
    halves = np.round(arrays["prediction"] * 2) / 2
    signs = np.where(rng.uniform(size=halves.shape) > 0.5, 1.0, -1.0)
    arrays["prediction"] = halves.astype(dtype)
    arrays["target"] = (halves + signs).astype(dtype)
    return arrays


empty_and_nan("regression", regression, "prediction")


@edge("regression")
def integers(rng, dtype):
    """int64 draws from -6 to 6 whatever ``dtype`` (residuals above and below a delta of 1 or 1.5)."""
    arrays = regression(rng, np.float64)
    for role in ("prediction", "target"):
        arrays[role] = np.rint(arrays[role] * 2).astype(np.int64)
    return arrays


@edge("regression")
def inf(rng, dtype):
    arrays = regression(rng, dtype)
    arrays["target"][0, 0] = np.inf
    return arrays


@edge("regression")
def large(rng, dtype):
    arrays = regression(rng, dtype)
    arrays["prediction"] = (arrays["prediction"] * 1e3).astype(dtype)
    return arrays


@edge("regression")
def column_target(rng, dtype):
    """A (N, 1) target beside an (N, D) prediction: broadcasts, with a warning in PyTorch."""
    arrays = regression(rng, dtype)
    arrays["target"] = arrays["target"][:, :1].copy()
    return arrays


@edge("regression")
def mismatched(rng, dtype):
    """Shapes (N, 5) and (N, 3): they don't broadcast."""
    arrays = regression(rng, dtype)
    arrays["target"] = arrays["target"][:, :3].copy()
    return arrays


@edge("regression")
def column_pair(rng, dtype):
    """(N, 1) prediction and target: Keras' per-sample losses are then (N,)."""
    return regression(rng, dtype, features=1)
