"""Softmax inputs: logits with class indices ((N, C), K-dimensional, unbatched) or with class probabilities.

Roles: ``input`` (logits), ``target`` (int64 class indices in ``[0, C)``, or
probabilities), ``target_with_ignored`` (the same indices with some set to -100,
PyTorch's default ``ignore_index``), ``weight`` (class weights, shape ``(C,)``),
``zero_weight``, ``wrong_weight`` (``C + 1`` weights) and ``double_weight``
(float64 whatever the dtype asked for).

Edges are registered under their function's name, so kinds that share an edge
name ("nan", "out_of_range", ...) redefine it at module level.
"""

import numpy as np

from . import confident_logits, edge, kind

BATCH, CLASSES = 6, 5
SPATIAL = (2, 3)
IGNORE = -100


def _indices(rng, shape, classes):
    return rng.integers(0, classes, size=shape).astype(np.int64)


def _with_ignored(target):
    """Some targets set to -100 (never all): every third one, starting from the second."""
    ignored = target.copy()
    flat = ignored.reshape(-1)
    flat[1::3] = IGNORE
    return ignored


def _class_arrays(rng, dtype, input_shape, classes):
    target_shape = input_shape[:1] + input_shape[2:] if len(input_shape) > 1 else ()
    target = _indices(rng, target_shape, classes)
    return {
        "input": rng.normal(size=input_shape).astype(dtype),
        "target": target,
        "target_with_ignored": _with_ignored(target),
        "weight": rng.uniform(0.5, 2.0, size=(classes,)).astype(dtype),
        "zero_weight": np.zeros((classes,), dtype),
        "wrong_weight": rng.uniform(0.5, 2.0, size=(classes + 1,)).astype(dtype),
        "double_weight": rng.uniform(0.5, 2.0, size=(classes,)).astype(np.float64),
    }


def _huge(arrays):
    """Logits of magnitude 100 to 1000, both signs: exp overflows without log-sum-exp."""
    x = arrays["input"]
    magnitude = 100.0 + 900.0 * np.abs(np.tanh(x))
    arrays["input"] = (np.where(x >= 0, 1.0, -1.0) * magnitude).astype(x.dtype)
    return arrays


def _all_ignored(arrays):
    arrays["target"] = np.full_like(arrays["target"], IGNORE)
    arrays["target_with_ignored"] = arrays["target"].copy()
    return arrays


def _set_last_target(arrays, value):
    for role in ("target", "target_with_ignored"):
        flat = arrays[role].reshape(-1)
        flat[-1] = value
    return arrays


def _shared_edges(kind_name, make, names):
    """Register the edges that several kinds here share (those in ``names``), made from the kind's arrays."""

    def empty(rng, dtype):
        return make(rng, dtype, batch=0)

    def all_ignored(rng, dtype):
        return _all_ignored(make(rng, dtype))

    def huge(rng, dtype):
        return _huge(make(rng, dtype))

    for fn in (empty, all_ignored, huge):
        if fn.__name__ in names:
            edge(kind_name)(fn)


# -- (N, C) logits, (N,) class indices -----------------------------------------------------------


@kind("class_logits", generic=("empty", "all_ignored", "huge", "nan"), stress=("confident",))
def class_logits(rng, dtype, batch=BATCH, classes=CLASSES):
    return _class_arrays(rng, dtype, (batch, classes), classes)


_shared_edges("class_logits", class_logits, ("empty", "all_ignored", "huge"))


@edge("class_logits")
def nan(rng, dtype):
    arrays = class_logits(rng, dtype)
    arrays["input"][1, 2] = np.nan
    return arrays


@edge("class_logits")
def neg_inf(rng, dtype):
    """A -inf logit at a class that is not the target (nor ignore_index 2): a finite loss."""
    arrays = class_logits(rng, dtype)
    target = arrays["target"]
    for i in range(target.shape[0]):
        other = next(c for c in (3, 4, 0, 1) if c != target[i])
        arrays["input"][i, other] = -np.inf
    return arrays


@edge("class_logits")
def single_class(rng, dtype):
    """C = 1: every loss is exactly 0."""
    return class_logits(rng, dtype, classes=1)


@edge("class_logits")
def out_of_range(rng, dtype):
    return _set_last_target(class_logits(rng, dtype), CLASSES)


@edge("class_logits")
def negative_target(rng, dtype):
    return _set_last_target(class_logits(rng, dtype), -1)


@edge("class_logits")
def float_target(rng, dtype):
    arrays = class_logits(rng, dtype)
    arrays["target"] = arrays["target"].astype(dtype)
    return arrays


@edge("class_logits")
def int32_target(rng, dtype):
    arrays = class_logits(rng, dtype)
    arrays["target"] = arrays["target"].astype(np.int32)
    return arrays


@edge("class_logits")
def uint8_target(rng, dtype):
    """uint8 class indices: PyTorch accepts them for (N, C) inputs."""
    arrays = class_logits(rng, dtype)
    arrays["target"] = arrays["target"].astype(np.uint8)
    return arrays


@edge("class_logits")
def batch_mismatch(rng, dtype):
    arrays = class_logits(rng, dtype)
    arrays["target"] = arrays["target"][:3].copy()
    return arrays


@edge("class_logits")
def multi_target(rng, dtype):
    """(N, 2) indices for (N, C) logits: not a shape of either target kind."""
    arrays = class_logits(rng, dtype)
    arrays["target"] = np.stack([arrays["target"], arrays["target"]], axis=1)
    return arrays


# -- (N, C, d1, d2) logits, (N, d1, d2) class indices ------------------------------------------


@kind("class_logits_kdim", generic=("empty", "all_ignored", "huge"))
def class_logits_kdim(rng, dtype, batch=3, classes=4, spatial=SPATIAL):
    return _class_arrays(rng, dtype, (batch, classes, *spatial), classes)


_shared_edges("class_logits_kdim", class_logits_kdim, ("empty", "all_ignored", "huge"))


@edge("class_logits_kdim")
def some_ignored(rng, dtype):
    """Every third target at ignore_index -100."""
    arrays = class_logits_kdim(rng, dtype)
    arrays["target"] = arrays["target_with_ignored"].copy()
    return arrays


@edge("class_logits_kdim")
def one_spatial_dim(rng, dtype):
    """(N, C, d1): PyTorch's 3-D path (viewed as 4-D)."""
    return class_logits_kdim(rng, dtype, spatial=(5,))


@edge("class_logits_kdim")
def three_spatial_dims(rng, dtype):
    """(N, C, d1, d2, d3): PyTorch's 5-D path."""
    return class_logits_kdim(rng, dtype, batch=2, spatial=(2, 3, 2))


@edge("class_logits_kdim")
def spatial_mismatch(rng, dtype):
    """(N, d1, d2 + 1) indices for (N, C, d1, d2) logits."""
    arrays = class_logits_kdim(rng, dtype)
    arrays["target"] = np.concatenate([arrays["target"], arrays["target"][:, :, :1]], axis=2)
    return arrays


@edge("class_logits_kdim")
def spatial_mismatch_3d(rng, dtype):
    """(N, d1 + 1) indices for (N, C, d1) logits."""
    arrays = class_logits_kdim(rng, dtype, spatial=(5,))
    arrays["target"] = np.concatenate([arrays["target"], arrays["target"][:, :1]], axis=1)
    return arrays


@edge("class_logits_kdim")
def target_rank(rng, dtype):
    """(N, d1) indices for (N, C, d1, d2) logits."""
    arrays = class_logits_kdim(rng, dtype)
    arrays["target"] = arrays["target"][:, :, 0].copy()
    return arrays


@edge("class_logits_kdim")
def out_of_range(rng, dtype):  # noqa: F811 - an edge of this name on another kind
    return _set_last_target(class_logits_kdim(rng, dtype), 4)


@edge("class_logits_kdim")
def float_target(rng, dtype):  # noqa: F811 - an edge of this name on another kind
    arrays = class_logits_kdim(rng, dtype)
    arrays["target"] = arrays["target"].astype(dtype)
    return arrays


@edge("class_logits_kdim")
def uint8_target(rng, dtype):  # noqa: F811 - an edge of this name on another kind
    """uint8 class indices: PyTorch rejects them for K-dimensional inputs."""
    arrays = class_logits_kdim(rng, dtype)
    arrays["target"] = arrays["target"].astype(np.uint8)
    return arrays


# -- (C,) logits, () class index --------------------------------------------------------------


@kind("class_logits_unbatched", generic=("huge", "nan"), batch_axis=None)
def class_logits_unbatched(rng, dtype, classes=CLASSES):
    arrays = _class_arrays(rng, dtype, (classes,), classes)
    arrays["target_with_ignored"] = np.array(IGNORE, np.int64)
    return arrays


_shared_edges("class_logits_unbatched", class_logits_unbatched, ("huge",))


@edge("class_logits_unbatched")
def nan(rng, dtype):  # noqa: F811 - an edge of this name on another kind
    arrays = class_logits_unbatched(rng, dtype)
    arrays["input"][2] = np.nan
    return arrays


@edge("class_logits_unbatched")
def ignored(rng, dtype):
    """The one target is ignore_index: the mean is NaN, the sum 0."""
    arrays = class_logits_unbatched(rng, dtype)
    arrays["target"] = arrays["target_with_ignored"].copy()
    return arrays


@edge("class_logits_unbatched")
def vector_target(rng, dtype):
    """A (1,) target for (C,) logits: PyTorch reads it as the one sample."""
    arrays = class_logits_unbatched(rng, dtype)
    arrays["target"] = arrays["target"].reshape(1)
    return arrays


@edge("class_logits_unbatched")
def long_vector_target(rng, dtype):
    """A (2,) target for (C,) logits: a ValueError."""
    arrays = class_logits_unbatched(rng, dtype)
    arrays["target"] = np.array([1, 2], np.int64)
    return arrays


@edge("class_logits_unbatched")
def out_of_range(rng, dtype):  # noqa: F811 - an edge of this name on another kind
    arrays = class_logits_unbatched(rng, dtype)
    arrays["target"] = np.array(CLASSES, np.int64)
    return arrays


# -- logits and class probabilities of the same shape -------------------------------------------


def _probabilities(rng, shape, axis):
    logits = rng.normal(size=shape) * 2.0
    e = np.exp(logits - logits.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def _probability_arrays(rng, dtype, input_shape, classes):
    axis = 0 if len(input_shape) == 1 else 1
    return {
        "input": rng.normal(size=input_shape).astype(dtype),
        "target": _probabilities(rng, input_shape, axis).astype(dtype),
        "weight": rng.uniform(0.5, 2.0, size=(classes,)).astype(dtype),
        "wrong_weight": rng.uniform(0.5, 2.0, size=(classes + 1,)).astype(dtype),
    }


@kind("class_probabilities", generic=("empty", "huge", "nan", "saturated"), stress=("confident",))
def class_probabilities(rng, dtype, batch=BATCH, classes=CLASSES):
    return _probability_arrays(rng, dtype, (batch, classes), classes)


_shared_edges("class_probabilities", class_probabilities, ("empty", "huge"))


@edge("class_probabilities")
def nan(rng, dtype):  # noqa: F811 - an edge of this name on another kind
    arrays = class_probabilities(rng, dtype)
    arrays["input"][1, 2] = np.nan
    return arrays


@edge("class_probabilities")
def saturated(rng, dtype):
    """One-hot probabilities: exact 0s and 1s."""
    arrays = class_probabilities(rng, dtype)
    arrays["target"] = np.eye(CLASSES, dtype=dtype)[rng.integers(0, CLASSES, size=BATCH)]
    return arrays


@edge("class_probabilities")
def unbatched(rng, dtype):
    """(C,) logits and (C,) probabilities."""
    return _probability_arrays(rng, dtype, (CLASSES,), CLASSES)


@edge("class_probabilities")
def integer_target(rng, dtype):
    """int64 values of the input's shape: read as probabilities, and rejected for their dtype."""
    arrays = class_probabilities(rng, dtype)
    arrays["target"] = np.eye(CLASSES, dtype=np.int64)[rng.integers(0, CLASSES, size=BATCH)]
    return arrays


@kind("class_probabilities_kdim", generic=("empty", "huge"))
def class_probabilities_kdim(rng, dtype, batch=3, classes=4, spatial=SPATIAL):
    return _probability_arrays(rng, dtype, (batch, classes, *spatial), classes)


_shared_edges("class_probabilities_kdim", class_probabilities_kdim, ("empty", "huge"))


@edge("class_logits", "confident")
def class_logits_confident(rng, dtype):
    """The target class ahead by 10, 16, 30, 100; in the last two rows another class, by 10 and 16."""
    arrays = class_logits(rng, dtype)
    leaders = arrays["target"].copy()
    leaders[4:] += 1
    arrays["input"] = confident_logits(arrays["input"].shape, leaders, dtype, axis=1)
    return arrays


@edge("class_probabilities", "confident")
def class_probabilities_confident(rng, dtype):
    """The most probable target class ahead by 10, 16, 30, 100 (then 10, 16)."""
    arrays = class_probabilities(rng, dtype)
    leaders = arrays["target"].argmax(axis=1)
    arrays["input"] = confident_logits(arrays["input"].shape, leaders, dtype, axis=1)
    return arrays
