"""Binary kinds: logits or probabilities beside 0/1 targets, one independent decision per element.

Roles: ``logits`` or ``prediction``, ``target`` (0/1), ``soft_target`` (in
[0, 1]), ``weight`` (per element), ``class_weight`` (per class, the last axis),
``sample_weight`` (per sample), ``row_weight`` ((N, 1)), ``zero_weight``,
``pos_weight`` (per class, for ``pos_weight`` arguments) and ``beta`` (a
per-sample class balance, (N, 1)).
"""

import numpy as np

from . import edge, keras_weights, kind

BATCH, CLASSES = 4, 5


def _common(rng, dtype, batch, classes):
    return {
        "target": (rng.uniform(size=(batch, classes)) > 0.6).astype(dtype),
        "soft_target": rng.uniform(size=(batch, classes)).astype(dtype),
        "weight": (rng.uniform(size=(batch, classes)) * (rng.uniform(size=(batch, classes)) > 0.2)).astype(dtype),
        "class_weight": rng.uniform(0.5, 2.0, size=(classes,)).astype(dtype),
        **keras_weights(rng, dtype, batch),
        "pos_weight": rng.uniform(0.5, 3.0, size=(classes,)).astype(dtype),
        "beta": rng.uniform(0.1, 0.9, size=(batch, 1)).astype(dtype),
    }


# -- logits -------------------------------------------------------------------------------


@kind("binary_logits", generic=("empty", "nan", "huge"), stress=("confident",))
def binary_logits(rng, dtype, batch=BATCH, classes=CLASSES):
    return {"logits": (rng.normal(size=(batch, classes)) * 3).astype(dtype), **_common(rng, dtype, batch, classes)}


@edge("binary_logits")
def empty(rng, dtype):
    return binary_logits(rng, dtype, batch=0)


@edge("binary_logits")
def nan(rng, dtype):
    arrays = binary_logits(rng, dtype)
    arrays["logits"][1, 2] = np.nan
    return arrays


def _signs_and_labels(rng, dtype, magnitudes):
    """Every sign of every magnitude beside both labels: the right and the wrong side of saturation."""
    values = np.array([s * m for m in magnitudes for s in (1.0, -1.0)])
    logits = np.repeat(values, 2)
    target = np.tile([1.0, 0.0], len(values))
    arrays = binary_logits(rng, dtype, batch=len(logits) // CLASSES + 1)
    n = arrays["target"].size
    arrays["logits"].flat[:len(logits)] = logits
    arrays["target"].flat[:len(target)] = target
    arrays["logits"].flat[len(logits):n] = 0.0
    return arrays


@edge("binary_logits")
def huge(rng, dtype):
    """Logits of +-100 and +-1e4 with targets 0 and 1: finite losses and gradients everywhere."""
    return _signs_and_labels(rng, dtype, (100.0, 1e4))


@edge("binary_logits")
def confident(rng, dtype):
    """Logits of +-10, +-16, +-30 with targets 0 and 1: losses from 4.5e-5 down to 9e-14."""
    return _signs_and_labels(rng, dtype, (10.0, 16.0, 30.0))


@edge("binary_logits")
def infinite(rng, dtype):
    """+-inf logits with targets 0 and 1, where the originals disagree (NaN or inf)."""
    return _signs_and_labels(rng, dtype, (np.inf,))


@edge("binary_logits")
def zero_logits(rng, dtype):
    """Logits of exactly 0: where a max(x, 0) or |x| kink could bend the gradient."""
    arrays = binary_logits(rng, dtype)
    arrays["logits"][:] = 0.0
    return arrays


@edge("binary_logits")
def soft(rng, dtype):
    """Soft targets in [0, 1] in place of the 0/1 labels."""
    arrays = binary_logits(rng, dtype)
    arrays["target"] = arrays["soft_target"]
    return arrays


@edge("binary_logits")
def mismatched(rng, dtype):
    """Targets of shape (N, 1) beside (N, C) logits: broadcastable, but not the same shape."""
    arrays = binary_logits(rng, dtype)
    arrays["target"] = arrays["target"][:, :1].copy()
    return arrays


@edge("binary_logits")
def all_negative(rng, dtype):
    """Samples without a single positive target (HED's beta is then 1)."""
    arrays = binary_logits(rng, dtype)
    arrays["target"][:] = 0.0
    return arrays


@edge("binary_logits")
def images(rng, dtype):
    """(N, 1, H, W) edge maps: a class balance per image over three axes."""
    arrays = binary_logits(rng, dtype)
    shape = (3, 1, 4, 5)
    arrays["logits"] = (rng.normal(size=shape) * 3).astype(dtype)
    arrays["target"] = (rng.uniform(size=shape) > 0.8).astype(dtype)
    arrays["beta"] = rng.uniform(0.1, 0.9, size=(3, 1, 1, 1)).astype(dtype)
    return arrays


# -- probabilities ------------------------------------------------------------------------


@kind("binary_probabilities", generic=("empty", "saturated"))
def binary_probabilities(rng, dtype, batch=BATCH, classes=CLASSES):
    return {"prediction": rng.uniform(0.02, 0.98, size=(batch, classes)).astype(dtype),
            **_common(rng, dtype, batch, classes)}


@edge("binary_probabilities")
def empty(rng, dtype):  # noqa: F811 - one ``empty`` edge per kind, registered by name
    return binary_probabilities(rng, dtype, batch=0)


@edge("binary_probabilities")
def saturated(rng, dtype):
    """Probabilities of exactly 0 and 1 beside targets 0 and 1: every right and wrong certainty."""
    arrays = binary_probabilities(rng, dtype)
    arrays["prediction"][0, :4] = [0.0, 0.0, 1.0, 1.0]
    arrays["target"][0, :4] = [0.0, 1.0, 0.0, 1.0]
    arrays["prediction"][1, :2] = [1e-30, 1.0 - 1e-7]
    arrays["target"][1, :2] = [1.0, 0.0]
    return arrays


@edge("binary_probabilities")
def nan_target(rng, dtype):
    arrays = binary_probabilities(rng, dtype)
    arrays["target"][2, 1] = np.nan
    return arrays


@edge("binary_probabilities")
def nan_prediction(rng, dtype):
    arrays = binary_probabilities(rng, dtype)
    arrays["prediction"][1, 2] = np.nan
    return arrays


@edge("binary_probabilities")
def above_one(rng, dtype):
    """A probability of 1.5: PyTorch refuses it; Keras clips it; TF v1's log loss gives NaN."""
    arrays = binary_probabilities(rng, dtype)
    arrays["prediction"][0, 0] = 1.5
    return arrays


@edge("binary_probabilities")
def below_zero(rng, dtype):
    arrays = binary_probabilities(rng, dtype)
    arrays["prediction"][3, 4] = -0.25
    return arrays


@edge("binary_probabilities")
def target_above_one(rng, dtype):
    arrays = binary_probabilities(rng, dtype)
    arrays["target"][0, 1] = 2.0
    return arrays


@edge("binary_probabilities")
def soft_probabilities(rng, dtype):
    """Soft targets in [0, 1] in place of the 0/1 labels."""
    arrays = binary_probabilities(rng, dtype)
    arrays["target"] = arrays["soft_target"]
    return arrays


@edge("binary_probabilities")
def mismatched_probabilities(rng, dtype):
    """(N, 1) targets beside (N, C) probabilities."""
    arrays = binary_probabilities(rng, dtype)
    arrays["target"] = arrays["target"][:, :1].copy()
    return arrays


@edge("binary_probabilities")
def rank_mismatch(rng, dtype):
    """(N,) targets beside (N, C) probabilities: different ranks."""
    arrays = binary_probabilities(rng, dtype)
    arrays["target"] = arrays["target"][:, 0].copy()
    return arrays


@edge("binary_probabilities")
def column_probabilities(rng, dtype):
    """(N, 1) probabilities and targets: Keras' per-sample losses are then (N,)."""
    return binary_probabilities(rng, dtype, classes=1)
