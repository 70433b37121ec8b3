"""Linear cross-entropy inputs: features, the projection to the classes, and the targets.

Roles: ``input`` (features, ``(N, in)``), ``linear_weight`` (``(C, in)``; K-dimensional:
``(C, d1, in)``), ``linear_bias`` (its shape without ``in``), ``wrong_bias`` (``C + 1``
entries), ``flat_weight`` and ``flat_bias`` (the same, stored flat as
``LinearCrossEntropyLoss`` stores them: ``(C * d1, in)``), ``target`` (int64 class indices;
K-dimensional: ``(N, d1)``), ``target_with_ignored`` (some at -100), ``probabilities`` (class probabilities of the logits' shape), and the class
weights ``weight``, ``zero_weight``, ``wrong_weight`` (``C + 1``) and ``double_weight`` (float64).
"""

import numpy as np

from . import edge, empty_and_nan, kind

BATCH, IN_FEATURES, CLASSES, POSITIONS = 7, 4, 5, 3
IGNORE = -100


def _arrays(rng, dtype, input_shape, weight_shape):
    classes, out_features = weight_shape[0], weight_shape[1:-1]
    batch = input_shape[:-1]
    target = rng.integers(0, classes, size=(*batch, *out_features)).astype(np.int64)
    ignored = target.copy()
    ignored.reshape(-1)[1::3] = IGNORE
    probabilities = rng.dirichlet(np.ones(classes), size=(*batch, *out_features))
    probabilities = np.moveaxis(probabilities, -1, len(batch))  # the class axis after the batch's
    linear_weight = rng.normal(size=weight_shape).astype(dtype)
    linear_bias = rng.normal(size=weight_shape[:-1]).astype(dtype)
    return {
        "input": rng.normal(size=input_shape).astype(dtype),
        "linear_weight": linear_weight,
        "linear_bias": linear_bias,
        # the flat storage of LinearCrossEntropyLoss' projection, (C * d1 * ... * dK, in)
        "flat_weight": linear_weight.reshape(-1, weight_shape[-1]),
        "flat_bias": linear_bias.reshape(-1),
        "wrong_bias": rng.normal(size=(classes + 1,)).astype(dtype),
        "target": target,
        "target_with_ignored": ignored,
        "probabilities": probabilities.astype(dtype),
        "weight": rng.uniform(0.5, 2.0, size=(classes,)).astype(dtype),
        "zero_weight": np.zeros((classes,), dtype),
        "wrong_weight": rng.uniform(0.5, 2.0, size=(classes + 1,)).astype(dtype),
        "double_weight": rng.uniform(0.5, 2.0, size=(classes,)).astype(np.float64),
    }


def _huge(arrays):
    """Features 300 times larger: logits in the hundreds, whose exp overflows without log-sum-exp."""
    arrays["input"] = (arrays["input"] * 300).astype(arrays["input"].dtype)
    return arrays


def _all_ignored(arrays):
    for role in ("target", "target_with_ignored"):
        arrays[role] = np.full_like(arrays[role], IGNORE)
    return arrays


# -- (N, in) features, a (C, in) projection --------------------------------------------------------


@kind("linear_features", generic=("empty", "all_ignored", "huge", "nan"))
def linear_features(rng, dtype, batch=BATCH):
    return _arrays(rng, dtype, (batch, IN_FEATURES), (CLASSES, IN_FEATURES))


@edge("linear_features", "all_ignored")
def _ignored_all(rng, dtype):
    return _all_ignored(linear_features(rng, dtype))


@edge("linear_features", "huge")
def _huge_features(rng, dtype):
    return _huge(linear_features(rng, dtype))


empty_and_nan("linear_features", linear_features, "input")


@edge("linear_features")
def out_of_range(rng, dtype):
    arrays = linear_features(rng, dtype)
    arrays["target"][-1] = CLASSES
    return arrays


@edge("linear_features")
def batch_mismatch(rng, dtype):
    arrays = linear_features(rng, dtype)
    arrays["target"] = np.append(arrays["target"], 0)
    return arrays


@edge("linear_features")
def three_dim_input(rng, dtype):
    arrays = linear_features(rng, dtype)
    arrays["input"] = arrays["input"][:, None, :]
    return arrays


@edge("linear_features")
def in_features_mismatch(rng, dtype):
    arrays = linear_features(rng, dtype)
    arrays["linear_weight"] = np.concatenate([arrays["linear_weight"]] * 2, axis=1)
    return arrays


@edge("linear_features")
def float_target(rng, dtype):
    arrays = linear_features(rng, dtype)
    arrays["target"] = arrays["target"].astype(dtype)
    return arrays


@edge("linear_features")
def vector_weight(rng, dtype):
    arrays = linear_features(rng, dtype)
    arrays["linear_weight"] = arrays["linear_weight"][0]
    return arrays


# -- K-dimensional: a (C, d1, in) projection, (N, d1) targets --------------------------------------


@kind("linear_features_kdim", generic=("empty", "all_ignored", "huge"))
def linear_features_kdim(rng, dtype, batch=BATCH):
    return _arrays(rng, dtype, (batch, IN_FEATURES), (CLASSES, POSITIONS, IN_FEATURES))


@edge("linear_features_kdim", "empty")
def _empty_kdim(rng, dtype):
    return linear_features_kdim(rng, dtype, batch=0)


@edge("linear_features_kdim", "all_ignored")
def _ignored_all_kdim(rng, dtype):
    return _all_ignored(linear_features_kdim(rng, dtype))


@edge("linear_features_kdim", "huge")
def _huge_kdim(rng, dtype):
    return _huge(linear_features_kdim(rng, dtype))


@edge("linear_features_kdim", "unbatched")
def _unbatched_kdim(rng, dtype):
    arrays = linear_features_kdim(rng, dtype)
    arrays["input"] = arrays["input"][0, ...]
    return arrays


# -- one sample: (in,) features, a () target ------------------------------------------------------


@kind("linear_features_unbatched", generic=("huge",), batch_axis=None)
def linear_features_unbatched(rng, dtype):
    arrays = _arrays(rng, dtype, (1, IN_FEATURES), (CLASSES, IN_FEATURES))
    for role in ("input", "target", "probabilities"):
        arrays[role] = arrays[role][0, ...]
    arrays["target_with_ignored"] = np.asarray(IGNORE, np.int64)
    return arrays


@edge("linear_features_unbatched", "huge")
def _huge_unbatched(rng, dtype):
    return _huge(linear_features_unbatched(rng, dtype))
