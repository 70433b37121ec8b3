"""optax's inputs: logits with class probabilities, integer labels and ``where`` masks; binary and
signed labels; log-probabilities; vectors for cosine losses.

Masks (role ``where``) are boolean, of the values' shape, and keep at least one entry of each row
unless an edge says otherwise; ``row_where`` is a mask without the class axis, which optax expands.
"""

import numpy as np

from . import confident_logits, edge, empty_and_nan, kind

BATCH, CLASSES = 6, 5


def _mask(rng, shape):
    """A boolean mask that keeps about two thirds of each row, and always its first entry."""
    mask = rng.uniform(size=shape) > 0.35
    mask[..., 0] = True
    return mask


def _distributions(rng, shape, dtype):
    raw = rng.uniform(0.05, 1.0, size=shape)
    return (raw / raw.sum(axis=-1, keepdims=True)).astype(dtype)


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


empty_and_nan("optax_classes", optax_classes, "logits")


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


empty_and_nan("optax_binary", optax_binary, "logits")


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
    if batch > 1 and classes > 3:
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


empty_and_nan("optax_distributions", optax_distributions, "log_predictions")


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


empty_and_nan("optax_vectors", optax_vectors, "prediction")


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


# -- ranking lists ---------------------------------------------------------------------------------


@kind("optax_ranking", generic=("empty", "nan"))
def optax_ranking(rng, dtype, batch=4, items=6):
    shape = (batch, items)
    return {
        "logits": rng.normal(size=shape).astype(dtype),
        "labels": rng.integers(0, 4, size=shape).astype(dtype),  # graded relevance 0 to 3
        "where": _mask(rng, shape),
        "weights": rng.uniform(0.5, 2.0, size=shape).astype(dtype),
    }


empty_and_nan("optax_ranking", optax_ranking, "logits")


@edge("optax_ranking")
def masked_list(rng, dtype):
    """A list whose mask keeps nothing: out of the mean."""
    arrays = optax_ranking(rng, dtype)
    arrays["where"][1] = False
    return arrays


@edge("optax_ranking")
def all_masked(rng, dtype):
    """No item kept anywhere: optax's mean is 0, not NaN."""
    arrays = optax_ranking(rng, dtype)
    arrays["where"][:] = False
    return arrays


@edge("optax_ranking")
def irrelevant_list(rng, dtype):
    """A list whose labels are all 0: its loss is 0."""
    arrays = optax_ranking(rng, dtype)
    arrays["labels"][2] = 0.0
    return arrays


# -- embeddings with labels (contrastive) ------------------------------------------------------------


@kind("optax_embeddings", generic=("nan",))
def optax_embeddings(rng, dtype):
    """8 embeddings of 5 features, labels in pairs. No size parameters: the loss compares every pair,
    and the benchmark's large size would make a batch of 1e6 / 5 of them (a matrix of 4e10)."""
    batch, features = 8, 5
    return {
        "embeddings": rng.normal(size=(batch, features)).astype(dtype),
        "labels": np.repeat(np.arange(batch // 2), 2)[rng.permutation(batch)].astype(np.int64),
        "short_labels": np.arange(batch - 1).astype(np.int64),
    }


@edge("optax_embeddings", "nan")
def _embeddings_nan(rng, dtype):
    arrays = optax_embeddings(rng, dtype)
    arrays["embeddings"][1, 2] = np.nan
    return arrays


@edge("optax_embeddings")
def groups(rng, dtype):
    """Labels in groups of 1, 3 and 4: a row with no positive, rows with several."""
    arrays = optax_embeddings(rng, dtype)
    arrays["labels"] = np.array([0, 1, 1, 1, 2, 2, 2, 2], dtype=np.int64)[rng.permutation(8)]
    return arrays


@edge("optax_embeddings")
def wrong_labels(rng, dtype):
    arrays = optax_embeddings(rng, dtype)
    arrays["labels"] = arrays["short_labels"]
    return arrays


@edge("optax_embeddings")
def no_positive(rng, dtype):
    """Every label different: no positive pair, 0 / 0."""
    arrays = optax_embeddings(rng, dtype)
    arrays["labels"] = np.arange(8, dtype=np.int64)
    return arrays


# -- segmentation scores (batch, height, width, classes) ---------------------------------------------


@kind("optax_segmentation", generic=("empty", "nan"))
def optax_segmentation(rng, dtype, batch=2, classes=3):
    shape = (batch, 3, 4, classes)
    logits = rng.normal(size=shape)
    probs = np.exp(logits) / np.exp(logits).sum(axis=-1, keepdims=True)
    indices = rng.integers(0, classes, size=shape[:-1])
    return {
        "predictions": logits.astype(dtype),
        "targets": np.eye(classes)[indices].astype(dtype),
        "probabilities": probs.astype(dtype),
        "class_weights": rng.uniform(0.5, 2.0, size=(classes,)).astype(dtype),
        "binary_predictions": rng.normal(size=shape[:-1]).astype(dtype),
        "binary_targets": (rng.uniform(size=shape[:-1]) > 0.5).astype(dtype),
    }


empty_and_nan("optax_segmentation", optax_segmentation, "predictions")


@edge("optax_segmentation", "nan")
def _segmentation_nan(rng, dtype):
    arrays = optax_segmentation(rng, dtype)
    arrays["predictions"][1, 2, 0, 1] = np.nan
    arrays["binary_predictions"][1, 2, 0] = np.nan
    return arrays


@edge("optax_segmentation")
def absent_class(rng, dtype):
    """Class 2 absent from every target: its Dice term rests on the smoothing."""
    arrays = optax_segmentation(rng, dtype)
    indices = rng.integers(0, 2, size=arrays["targets"].shape[:-1])
    arrays["targets"] = np.eye(3)[indices].astype(dtype)
    return arrays


@edge("optax_segmentation")
def not_distributions(rng, dtype):
    """Probabilities that don't sum to 1 (rejected with apply_softmax=False)."""
    arrays = optax_segmentation(rng, dtype)
    arrays["predictions"] = (arrays["probabilities"] * 1.5).astype(dtype)
    return arrays


@edge("optax_segmentation")
def as_probabilities(rng, dtype):
    """Probabilities as the predictions (for apply_softmax=False)."""
    arrays = optax_segmentation(rng, dtype)
    arrays["predictions"] = arrays["probabilities"]
    return arrays


@edge("optax_segmentation")
def flat(rng, dtype):
    """(N, C) scores: no spatial axis, one overlap per example and class."""
    arrays = optax_segmentation(rng, dtype)
    for role in ("predictions", "targets", "probabilities"):
        arrays[role] = arrays[role][:, 0, 0].copy()
    for role in ("binary_predictions", "binary_targets"):
        arrays[role] = arrays[role][:, 0].copy()
    return arrays
