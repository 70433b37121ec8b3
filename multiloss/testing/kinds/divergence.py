"""Inputs of divergences and likelihoods: distributions, counts, Gaussian predictions with variances."""

import numpy as np

from . import edge, empty_and_nan, keras_weights, kind

BATCH, CLASSES = 4, 5





# -- distributions: log-probabilities against probabilities ----------------------------------


def _log_softmax(x):
    shifted = x - x.max(axis=-1, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))


@kind("distributions", generic=("empty", "nan", "large"))
def distributions(rng, dtype, batch=BATCH, classes=CLASSES):
    """``input``: log-probabilities; ``prediction``: the same as probabilities; ``target``:
    probabilities with exact zeros (about a third of the entries, never a whole row)."""
    log_q = _log_softmax(rng.normal(size=(batch, classes)))
    raw = rng.uniform(0.1, 1.0, size=(batch, classes)) * (rng.uniform(size=(batch, classes)) > 0.35)
    raw[:, 0] += 0.5
    target = raw / raw.sum(axis=-1, keepdims=True)
    return {
        "input": log_q.astype(dtype),
        "prediction": np.exp(log_q).astype(dtype),
        "target": target.astype(dtype),
        **keras_weights(rng, dtype, batch),
    }


empty_and_nan("distributions", distributions, "input", "prediction")


@edge("distributions", "large")
def distributions_large(rng, dtype):
    """Log-probabilities of -100 and below; predictions down to 1e-30 (Keras clips them at 1e-7)."""
    arrays = distributions(rng, dtype)
    arrays["input"] = (arrays["input"] * 100).astype(dtype)
    arrays["prediction"][:, 1] = 1e-30
    return arrays


@edge("distributions", "negative_target")
def distributions_negative_target(rng, dtype):
    """A target entry below 0: PyTorch gives NaN there (log of a negative); Keras clips it to 1e-7."""
    arrays = distributions(rng, dtype)
    arrays["target"][0, 1] = -0.25
    return arrays


@edge("distributions")
def log_targets(rng, dtype):
    """Targets as log-probabilities (for ``log_target=True``), all finite."""
    arrays = distributions(rng, dtype)
    arrays["target"] = _log_softmax(rng.normal(size=arrays["target"].shape)).astype(dtype)
    return arrays


@edge("distributions")
def log_target_neg_inf(rng, dtype):
    """Log-targets of -inf (probability 0): ``exp(-inf) * (-inf - x)`` is NaN in PyTorch, unmasked."""
    arrays = log_targets(rng, dtype)
    arrays["target"][2, 3] = -np.inf
    return arrays


@edge("distributions")
def neg_inf_input(rng, dtype):
    """A log-probability of -inf where the target is 0 (NaN in PyTorch: 0 * -inf) and where it is not (inf)."""
    arrays = distributions(rng, dtype)
    arrays["target"][0, 1] = 0.0
    arrays["target"][1, 0] = 0.5
    arrays["input"][0, 1] = -np.inf
    arrays["input"][1, 0] = -np.inf
    return arrays


@edge("distributions")
def saturated(rng, dtype):
    """One-hot predictions and targets: exact 0 and 1, where Keras' clip at [1e-7, 1] bites."""
    arrays = distributions(rng, dtype)
    eye = np.eye(CLASSES, dtype=dtype)
    arrays["prediction"] = eye[rng.integers(0, CLASSES, size=BATCH)]
    arrays["target"] = eye[rng.integers(0, CLASSES, size=BATCH)]
    return arrays


@edge("distributions", "column_target")
def distributions_column_target(rng, dtype):
    """A (N, 1) target beside (N, C) log-probabilities: the two broadcast, silently."""
    arrays = distributions(rng, dtype)
    arrays["target"] = arrays["target"][:, :1].copy()
    return arrays


@edge("distributions", "mismatched")
def distributions_mismatched(rng, dtype):
    """Shapes (N, 5) and (N, 3): they don't broadcast."""
    arrays = distributions(rng, dtype)
    arrays["target"] = arrays["target"][:, :3].copy()
    return arrays


@edge("distributions")
def scalar(rng, dtype):
    """0-d input and target: 'batchmean' is then just the sum."""
    arrays = distributions(rng, dtype)
    arrays["input"] = np.asarray(arrays["input"][0, 0])
    arrays["target"] = np.asarray(arrays["target"][0, 0])
    return arrays


# -- counts: Poisson rates against non-negative counts --------------------------------------


@kind("counts", generic=("empty", "nan", "large"))
def counts(rng, dtype, batch=BATCH, classes=CLASSES):
    """``input``: positive values, read as log-rates or as rates (``log_input=False``, Keras);
    ``log_input``: log-rates of either sign; ``target``: counts 0, 1 and above, with a few
    fractional values between and above (where the Stirling term's mask is decided)."""
    target = rng.poisson(1.5, size=(batch, classes)).astype(np.float64)
    target.flat[:6] = [0.0, 1.0, 2.0, 5.0, 0.5, 2.5]
    return {
        "input": rng.uniform(0.05, 3.0, size=(batch, classes)).astype(dtype),
        "log_input": rng.normal(scale=1.5, size=(batch, classes)).astype(dtype),
        "target": target.astype(dtype),
        **keras_weights(rng, dtype, batch),
    }


empty_and_nan("counts", counts, "input", "log_input")


@edge("counts", "large")
def counts_large(rng, dtype):
    """Log-rates near 100 (exp overflows float32 to inf) and rates of thousands."""
    arrays = counts(rng, dtype)
    arrays["input"] = (arrays["input"] * 1e3).astype(dtype)
    arrays["log_input"] = (arrays["log_input"] + 100).astype(dtype)
    return arrays


@edge("counts")
def log_rates(rng, dtype):
    """``input`` replaced by log-rates of either sign (PyTorch's default ``log_input=True``)."""
    arrays = counts(rng, dtype)
    arrays["input"] = arrays["log_input"].copy()
    return arrays


@edge("counts")
def zero_rate(rng, dtype):
    """Rates of exactly 0: ``log(0 + eps)`` stays finite, and 0 when the count is 0 too."""
    arrays = counts(rng, dtype)
    arrays["input"][0, :3] = 0.0
    return arrays


@edge("counts", "negative_target")
def counts_negative_target(rng, dtype):
    """A count below 0: PyTorch masks its Stirling term (target <= 1), TensorFlow gives NaN."""
    arrays = counts(rng, dtype)
    arrays["target"][2, 1] = -2.0
    return arrays


@edge("counts", "column_target")
def counts_column_target(rng, dtype):
    """A (N, 1) target beside (N, D) predictions: the two broadcast, silently."""
    arrays = counts(rng, dtype)
    arrays["target"] = arrays["target"][:, :1].copy()
    return arrays


@edge("counts", "mismatched")
def counts_mismatched(rng, dtype):
    """Shapes (N, 5) and (N, 3): they don't broadcast (and TensorFlow wants them equal)."""
    arrays = counts(rng, dtype)
    arrays["target"] = arrays["target"][:, :3].copy()
    return arrays


# -- Gaussian: means and variances against targets -----------------------------------------


@kind("gaussian", generic=("empty", "nan", "large"))
def gaussian(rng, dtype, batch=BATCH, features=CLASSES):
    """``input`` (N, D) means, ``target`` (N, D); the variance in every shape PyTorch accepts:
    ``var`` (N, D), ``var_row`` (N,) (unsqueezed), ``var_column`` (N, 1), ``var_lead`` (1, D);
    ``var`` has a few entries below the default eps 1e-6, where the clamp applies."""
    var = rng.uniform(0.1, 2.0, size=(batch, features))
    if batch:
        var[0, :2] = [1e-8, 0.0]
    return {
        "input": rng.normal(size=(batch, features)).astype(dtype),
        "target": rng.normal(size=(batch, features)).astype(dtype),
        "var": var.astype(dtype),
        "var_row": rng.uniform(0.1, 2.0, size=(batch,)).astype(dtype),
        "var_column": rng.uniform(0.1, 2.0, size=(batch, 1)).astype(dtype),
        "var_lead": rng.uniform(0.1, 2.0, size=(1, features)).astype(dtype),
        **keras_weights(rng, dtype, batch),
    }


empty_and_nan("gaussian", gaussian, "input")


@edge("gaussian", "large")
def gaussian_large(rng, dtype):
    arrays = gaussian(rng, dtype)
    arrays["input"] = (arrays["input"] * 1e3).astype(dtype)
    return arrays


def _with_var(arrays, role):
    arrays["var"] = arrays[role]
    return arrays


@edge("gaussian")
def var_row(rng, dtype):
    """``var`` of shape ``input.shape[:-1]``: one variance per row, unsqueezed to (N, 1)."""
    return _with_var(gaussian(rng, dtype), "var_row")


@edge("gaussian")
def var_column(rng, dtype):
    """``var`` of shape (N, 1): the same rank, one axis of 1 where it differs."""
    return _with_var(gaussian(rng, dtype), "var_column")


@edge("gaussian")
def var_lead(rng, dtype):
    """``var`` of shape (1, D): the mismatching axis may be any one."""
    return _with_var(gaussian(rng, dtype), "var_lead")


@edge("gaussian")
def float_var(rng, dtype):
    """``var`` as a Python float: one variance for everything."""
    arrays = gaussian(rng, dtype)
    arrays["var"] = 0.7
    return arrays


@edge("gaussian")
def int_var(rng, dtype):
    """``var`` as a Python int: PyTorch accepts a float or a tensor only (TypeError)."""
    arrays = gaussian(rng, dtype)
    arrays["var"] = 1
    return arrays


@edge("gaussian")
def negative_var(rng, dtype):
    arrays = gaussian(rng, dtype)
    arrays["var"][2, 3] = -0.5
    return arrays


@edge("gaussian")
def negative_float_var(rng, dtype):
    arrays = gaussian(rng, dtype)
    arrays["var"] = -0.5
    return arrays


@edge("gaussian")
def var_wrong_size(rng, dtype):
    """``var`` of shape (D,) beside (N, D) input: neither rule fits."""
    arrays = gaussian(rng, dtype)
    arrays["var"] = arrays["var"][0].copy()
    return arrays


@edge("gaussian")
def var_two_mismatches(rng, dtype):
    """``var`` of shape (1, 1) beside (N, D): two axes differ, which PyTorch refuses."""
    arrays = gaussian(rng, dtype)
    arrays["var"] = arrays["var"][:1, :1].copy()
    return arrays


@edge("gaussian")
def zero_residual(rng, dtype):
    arrays = gaussian(rng, dtype)
    arrays["target"] = arrays["input"].copy()
    return arrays


@edge("gaussian", "column_target")
def gaussian_column_target(rng, dtype):
    """A (N, 1) target beside (N, D) means: they broadcast, silently."""
    arrays = gaussian(rng, dtype)
    arrays["target"] = arrays["target"][:, :1].copy()
    return arrays


@edge("gaussian", "mismatched")
def gaussian_mismatched(rng, dtype):
    """Target (N, 3) beside input (N, 5): they don't broadcast."""
    arrays = gaussian(rng, dtype)
    arrays["target"] = arrays["target"][:, :3].copy()
    return arrays
