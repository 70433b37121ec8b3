"""Segmentation masks: predicted probabilities beside 0/1 targets of the same shape, ``(N, H, W, C)``.

Roles: ``prediction`` (probabilities in (0, 1)), ``target`` (0/1),
``sample_weight`` (per sample), ``row_weight`` ((N, 1)) and ``zero_weight``.
"""


from . import edge, empty_and_nan, keras_weights, kind

BATCH, SHAPE = 3, (4, 5, 2)


@kind("masks", generic=("empty", "nan", "blank", "saturated"))
def masks(rng, dtype, batch=BATCH, shape=SHAPE):
    size = (batch, *shape)
    return {
        "prediction": rng.uniform(0.02, 0.98, size=size).astype(dtype),
        "target": (rng.uniform(size=size) > 0.6).astype(dtype),
        **keras_weights(rng, dtype, batch),
    }


empty_and_nan("masks", masks, "prediction")


@edge("masks")
def blank(rng, dtype):
    """A sample with nothing predicted and nothing to find (0 / 0 without a guard)."""
    arrays = masks(rng, dtype)
    arrays["prediction"][0] = 0.0
    arrays["target"][0] = 0.0
    return arrays


@edge("masks")
def saturated(rng, dtype):
    """Probabilities of exactly 0 and 1 beside targets 0 and 1."""
    arrays = masks(rng, dtype)
    arrays["prediction"][1, 0, :2] = [[0.0, 1.0], [1.0, 0.0]]
    arrays["target"][1, 0, :2] = [[0.0, 1.0], [0.0, 1.0]]
    return arrays


@edge("masks")
def soft_masks(rng, dtype):
    """Soft targets in [0, 1] in place of the 0/1 labels."""
    arrays = masks(rng, dtype)
    arrays["target"] = rng.uniform(size=arrays["target"].shape).astype(dtype)
    return arrays


@edge("masks")
def flat(rng, dtype):
    """(N,) probabilities and targets: for a per-sample loss, each element is a sample."""
    return masks(rng, dtype, shape=())


@edge("masks", "mismatched")
def masks_mismatched(rng, dtype):
    """A target of shape (N, H, W, 1) beside (N, H, W, C) probabilities: broadcastable, not the same."""
    arrays = masks(rng, dtype)
    arrays["target"] = arrays["target"][..., :1].copy()
    return arrays
