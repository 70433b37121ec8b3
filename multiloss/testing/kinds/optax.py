"""optax's inputs: logits with class probabilities, integer labels and ``where`` masks; binary and
signed labels; log-probabilities; vectors for cosine losses.

Masks (role ``where``) are boolean, of the values' shape, and keep at least one entry of each row
unless an edge says otherwise; ``row_where`` is a mask without the class axis, which optax expands.
"""

import numpy as np

from . import confident_logits, edge, kind

BATCH, CLASSES = 6, 5


def _mask(rng, shape):
    """A boolean mask that keeps about two thirds of each row, and always its first entry."""
    mask = rng.uniform(size=shape) > 0.35
    mask[..., 0] = True
    return mask


def _distributions(rng, shape, dtype):
    raw = rng.uniform(0.05, 1.0, size=shape)
    return (raw / raw.sum(axis=-1, keepdims=True)).astype(dtype)


def _empty_and_nan(kind_name, make, *nan_roles):
    def empty(rng, dtype):
        return make(rng, dtype, batch=0)

    def nan(rng, dtype):
        arrays = make(rng, dtype)
        for role in nan_roles:
            arrays[role][1, 2] = np.nan
        return arrays

    edge(kind_name, "empty")(empty)
    edge(kind_name, "nan")(nan)


def _huge(arrays, role="logits"):
    """Logits of magnitude 100 to 1000, both signs: exp overflows without log-sum-exp."""
    x = arrays[role]
    arrays[role] = (np.where(x >= 0, 1.0, -1.0) * (100.0 + 900.0 * np.abs(np.tanh(x)))).astype(x.dtype)
    return arrays


# -- logits, class probabilities, integer labels, masks -------------------------------------------


@kind("optax_classes", generic=("empty", "nan", "huge"), stress=("confident",))
def optax_classes(rng, dtype, batch=BATCH, classes=CLASSES):
    indices = rng.integers(0, classes, size=(batch,)).astype(np.int64)
    return {
        "logits": rng.normal(size=(batch, classes)).astype(dtype),
        "labels": _distributions(rng, (batch, classes), dtype),
        "indices": indices,
        "where": _mask(rng, (batch, classes)),
        "row_where": rng.uniform(size=(batch,)) > 0.3,
    }


_empty_and_nan("optax_classes", optax_classes, "logits")


@edge("optax_classes")
def huge(rng, dtype):
    return _huge(optax_classes(rng, dtype))


@edge("optax_classes")
def confident(rng, dtype):
    """One class ahead of the others by 10, 16, 30 and 100, the label on it."""
    arrays = optax_classes(rng, dtype)
    arrays["logits"] = confident_logits(arrays["logits"].shape, arrays["indices"], dtype)
    arrays["labels"] = np.eye(CLASSES, dtype=dtype)[arrays["indices"]]
    return arrays


@edge("optax_classes")
def neg_inf_logit(rng, dtype):
    """A -inf logit in each row where its label is 0 (NaN for softmax_cross_entropy, finite for
    the safe one), away from the integer label."""
    arrays = optax_classes(rng, dtype)
    for i, index in enumerate(arrays["indices"]):
        other = (index + 1) % CLASSES
        arrays["logits"][i, other] = -np.inf
        arrays["labels"][i, other] = 0.0
        arrays["labels"][i] /= arrays["labels"][i].sum()
    return arrays


@edge("optax_classes")
def one_hot_labels(rng, dtype):
    arrays = optax_classes(rng, dtype)
    arrays["labels"] = np.eye(CLASSES, dtype=dtype)[arrays["indices"]]
    return arrays


@edge("optax_classes")
def negative_index(rng, dtype):
    """Labels -1 and -C: JAX counts them from the end."""
    arrays = optax_classes(rng, dtype)
    arrays["indices"][0], arrays["indices"][-1] = -1, -CLASSES
    return arrays


@edge("optax_classes")
def out_of_range(rng, dtype):
    """Labels C and -C - 1: outside what JAX indexes (a NaN loss in optax)."""
    arrays = optax_classes(rng, dtype)
    arrays["indices"][0], arrays["indices"][-1] = CLASSES, -CLASSES - 1
    return arrays


@edge("optax_classes")
def masked_row(rng, dtype):
    """A row whose mask keeps nothing."""
    arrays = optax_classes(rng, dtype)
    arrays["where"][2] = False
    arrays["row_where"][2] = False
    return arrays


@edge("optax_classes")
def tied_scores(rng, dtype):
    """Integer-valued scores with ties at the max: the gradient of a max is shared."""
    arrays = optax_classes(rng, dtype)
    arrays["logits"] = np.rint(arrays["logits"]).astype(dtype)
    arrays["logits"][:, :2] = 2.0
    return arrays


@edge("optax_classes")
def int32_labels(rng, dtype):
    arrays = optax_classes(rng, dtype)
    arrays["indices"] = arrays["indices"].astype(np.int32)
    return arrays


@edge("optax_classes")
def float_labels(rng, dtype):
    arrays = optax_classes(rng, dtype)
    arrays["indices"] = arrays["indices"].astype(dtype)
    return arrays


@edge("optax_classes")
def spatial(rng, dtype):
    """(N, 4, C) logits, labels and mask, (N, 4) integer labels: classes last, one loss per position."""
    logits = rng.normal(size=(BATCH, 4, CLASSES)).astype(dtype)
    return {
        "logits": logits,
        "labels": _distributions(rng, logits.shape, dtype),
        "indices": rng.integers(0, CLASSES, size=(BATCH, 4)).astype(np.int64),
        "where": _mask(rng, logits.shape),
        "row_where": rng.uniform(size=(BATCH, 4)) > 0.3,
    }


@edge("optax_classes")
def spatial_flat(rng, dtype):
    """(N, 4, C) logits with (N,) integer labels into the 4 C entries of axes (1, 2) merged."""
    arrays = spatial(rng, dtype)
    arrays["indices"] = rng.integers(0, 4 * CLASSES, size=(BATCH,)).astype(np.int64)
    return arrays


# -- binary: logits with 0/1 labels, scores with -1/1 targets --------------------------------------


@kind("optax_binary", generic=("empty", "nan", "huge"))
def optax_binary(rng, dtype, batch=BATCH, features=CLASSES):
    shape = (batch, features)
    labels = (rng.uniform(size=shape) > 0.5).astype(dtype)
    return {
        "logits": rng.normal(size=shape).astype(dtype),
        "labels": labels,
        "soft_labels": rng.uniform(size=shape).astype(dtype),
        "signs": (2 * labels - 1).astype(dtype),
        "column_signs": np.where(rng.uniform(size=(batch, 1)) > 0.5, 1.0, -1.0).astype(dtype),
    }


_empty_and_nan("optax_binary", optax_binary, "logits")


@edge("optax_binary")
def huge(rng, dtype):  # noqa: F811 - each kind registers its own
    return _huge(optax_binary(rng, dtype))


@edge("optax_binary")
def infinite(rng, dtype):
    """Logits of +-inf beside labels of both values."""
    arrays = optax_binary(rng, dtype)
    arrays["logits"][0, :4] = [np.inf, -np.inf, np.inf, -np.inf]
    arrays["labels"][0, :4] = [1.0, 0.0, 0.0, 1.0]
    arrays["signs"][0, :4] = [1.0, -1.0, -1.0, 1.0]
    return arrays


@edge("optax_binary")
def at_margin(rng, dtype):
    """Scores of exactly +-1 and 0: the hinge's and the perceptron's kinks."""
    arrays = optax_binary(rng, dtype)
    arrays["logits"] = (arrays["signs"] * rng.choice([1.0, 0.0, 1.0], size=arrays["signs"].shape)).astype(dtype)
    return arrays


@edge("optax_binary")
def column_signs(rng, dtype):
    """(N, 1) targets beside (N, C) scores: they broadcast (a shape error for the perceptron)."""
    arrays = optax_binary(rng, dtype)
    arrays["signs"] = arrays["column_signs"]
    return arrays


# -- log-probabilities and targets for the KL divergences --------------------------------------------


@kind("optax_distributions", generic=("empty", "nan"))
def optax_distributions(rng, dtype, batch=BATCH, classes=CLASSES):
    targets = _distributions(rng, (batch, classes), np.float64)
    targets[1, 3] = 0.0  # a zero target: its term is 0
    targets /= targets.sum(axis=-1, keepdims=True)
    logits = rng.normal(size=(batch, classes))
    log_predictions = logits - np.log(np.exp(logits).sum(axis=-1, keepdims=True))
    return {
        "log_predictions": log_predictions.astype(dtype),
        "targets": targets.astype(dtype),
        "log_targets": np.log(_distributions(rng, (batch, classes), np.float64)).astype(dtype),
        "measures": rng.uniform(0.1, 2.0, size=(batch, classes)).astype(dtype),
        "where": _mask(rng, (batch, classes)),
    }


_empty_and_nan("optax_distributions", optax_distributions, "log_predictions")


@edge("optax_distributions")
def neg_inf_prediction(rng, dtype):
    """A -inf log-prediction where the target is 0 (0 * inf: NaN) and one where it is not (inf)."""
    arrays = optax_distributions(rng, dtype)
    arrays["log_predictions"][1, 3] = -np.inf
    arrays["log_predictions"][2, 0] = -np.inf
    return arrays


@edge("optax_distributions")
def negative_target(rng, dtype):
    arrays = optax_distributions(rng, dtype)
    arrays["targets"][0, 1] = -0.25
    return arrays


# -- vectors for the cosine losses -----------------------------------------------------------------


@kind("optax_vectors", generic=("empty", "nan"))
def optax_vectors(rng, dtype, batch=BATCH, features=CLASSES):
    shape = (batch, features)
    return {
        "prediction": rng.normal(size=shape).astype(dtype),
        "target": rng.normal(size=shape).astype(dtype),
        "where": _mask(rng, shape),
    }


_empty_and_nan("optax_vectors", optax_vectors, "prediction")


@edge("optax_vectors")
def zero_vector(rng, dtype):
    """A zero prediction vector: NaN at epsilon 0, 0 with an epsilon."""
    arrays = optax_vectors(rng, dtype)
    arrays["prediction"][2] = 0.0
    return arrays


@edge("optax_vectors")
def parallel(rng, dtype):
    """Targets that are positive multiples of the predictions: similarity 1."""
    arrays = optax_vectors(rng, dtype)
    arrays["target"] = (arrays["prediction"] * rng.uniform(0.5, 2.0, size=(arrays["prediction"].shape[0], 1))
                        ).astype(dtype)
    return arrays
