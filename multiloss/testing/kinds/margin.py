"""Margin, ranking and embedding kinds: score pairs with +-1 labels, class-index scores, embeddings.

Roles, by kind:

- ``ranking``: ``input1``, ``input2`` (N,), ``target`` (+-1).
- ``hinge_embedding``: ``prediction`` (distances), ``target`` (+-1).
- ``soft_margin``: ``prediction``, ``target`` (+-1).
- ``multi_margin``: ``prediction`` (N, C), ``target`` (int64 (N,)), ``class_weight`` (C,),
  ``matrix_weight`` (C, 1).
- ``multilabel_margin``: ``prediction`` (N, C), ``target`` (int64 (N, C), padded with -1).
- ``cosine_pair``: ``input1``, ``input2`` (N, D), ``target`` (+-1, (N,)).
- ``triplet``: ``anchor``, ``positive``, ``negative`` (N, D).
- ``hinge_labels``: ``target`` (0/1), ``prediction``, ``weight`` (per element), Keras' weights.
- ``one_hot_scores``: ``target`` (one-hot), ``prediction``, Keras' weights.
- ``embedding_pair``: ``target``, ``prediction`` (N, D), ``weight`` and ``row_weight`` (N, 1),
  Keras' weights.
- ``circle``: ``target`` (labels), ``prediction`` (unit embeddings), ``ref_labels``,
  ``ref_embeddings``, Keras' weights.
"""

import numpy as np

from . import edge, keras_weights, kind

BATCH, CLASSES, FEATURES = 4, 5, 6


def _signs(rng, shape, dtype):
    return np.where(rng.uniform(size=shape) > 0.5, 1.0, -1.0).astype(dtype)


def _with_nan(arrays, role, index):
    arrays[role][index] = np.nan
    return arrays


# -- ranking --------------------------------------------------------------------------------------


@kind("ranking", generic=("empty", "nan"))
def ranking(rng, dtype, batch=6):
    return {"input1": rng.normal(size=(batch,)).astype(dtype), "input2": rng.normal(size=(batch,)).astype(dtype),
            "target": _signs(rng, (batch,), dtype)}


@edge("ranking", "empty")
def _ranking_empty(rng, dtype):
    return ranking(rng, dtype, batch=0)


@edge("ranking", "nan")
def _ranking_nan(rng, dtype):
    return _with_nan(ranking(rng, dtype), "input1", 2)


@edge("ranking")
def tie(rng, dtype):
    """``x1 == x2``: at the default margin 0 every pair sits on the hinge's kink."""
    arrays = ranking(rng, dtype)
    arrays["input2"] = arrays["input1"].copy()
    return arrays


@edge("ranking")
def rank_mismatch(rng, dtype):
    """An (N, 1) ``input2`` beside (N,) arrays: PyTorch requires the same number of dimensions."""
    arrays = ranking(rng, dtype)
    arrays["input2"] = arrays["input2"][:, None].copy()
    return arrays


@edge("ranking")
def scalar_target(rng, dtype):
    """A (1,) target beside (N,) inputs: the same rank, broadcast."""
    arrays = ranking(rng, dtype)
    arrays["target"] = arrays["target"][:1].copy()
    return arrays


@edge("ranking")
def ranking_mismatched(rng, dtype):
    """(N,) and (N - 1,) inputs: they don't broadcast."""
    arrays = ranking(rng, dtype)
    arrays["input2"] = arrays["input2"][:-1].copy()
    return arrays


# -- hinge embedding ------------------------------------------------------------------------------


@kind("hinge_embedding", generic=("empty", "nan", "large"))
def hinge_embedding(rng, dtype, batch=BATCH, features=CLASSES):
    shape = (batch, features)
    return {"prediction": (np.abs(rng.normal(size=shape)) * 1.5).astype(dtype), "target": _signs(rng, shape, dtype)}


@edge("hinge_embedding", "empty")
def _hinge_embedding_empty(rng, dtype):
    return hinge_embedding(rng, dtype, batch=0)


@edge("hinge_embedding", "integers")
def _hinge_embedding_integers(rng, dtype):
    """int64 distances 0 to 5 and labels +-1, whatever ``dtype``."""
    arrays = hinge_embedding(rng, np.float64)
    return {k: np.rint(v * 2 if k == "prediction" else v).astype(np.int64) for k, v in arrays.items()}


@edge("hinge_embedding", "nan")
def _hinge_embedding_nan(rng, dtype):
    return _with_nan(hinge_embedding(rng, dtype), "prediction", (1, 2))


@edge("hinge_embedding", "large")
def _hinge_embedding_large(rng, dtype):
    arrays = hinge_embedding(rng, dtype)
    arrays["prediction"] = (arrays["prediction"] * 1e3 - 500).astype(dtype)
    return arrays


@edge("hinge_embedding")
def other_labels(rng, dtype):
    """Labels 0 and 2 beside +-1: PyTorch gives ``x + max(0, margin - x)`` there."""
    arrays = hinge_embedding(rng, dtype)
    arrays["target"][0, :3] = [0.0, 2.0, -2.0]
    arrays["target"][2, 1] = 0.5
    return arrays


@edge("hinge_embedding")
def at_margin(rng, dtype):
    """Distances of exactly 1 (the default margin) with label -1: the hinge's kink."""
    arrays = hinge_embedding(rng, dtype)
    arrays["prediction"][arrays["target"] == -1] = 1.0
    return arrays


@edge("hinge_embedding")
def column_prediction(rng, dtype):
    """An (N, 1) input beside an (N,) target: they broadcast to (N, N)."""
    arrays = hinge_embedding(rng, dtype)
    arrays["prediction"] = arrays["prediction"][:, :1].copy()
    arrays["target"] = arrays["target"][:, 0].copy()
    return arrays


@edge("hinge_embedding")
def hinge_mismatched(rng, dtype):
    """(N, 5) input and (N, 3) target: they don't broadcast."""
    arrays = hinge_embedding(rng, dtype)
    arrays["target"] = arrays["target"][:, :3].copy()
    return arrays


# -- soft margin ----------------------------------------------------------------------------------


@kind("soft_margin", generic=("empty", "nan"))
def soft_margin(rng, dtype, batch=BATCH, classes=CLASSES):
    shape = (batch, classes)
    return {"prediction": (rng.normal(size=shape) * 2).astype(dtype), "target": _signs(rng, shape, dtype)}


@edge("soft_margin", "empty")
def _soft_margin_empty(rng, dtype):
    return soft_margin(rng, dtype, batch=0)


@edge("soft_margin", "nan")
def _soft_margin_nan(rng, dtype):
    return _with_nan(soft_margin(rng, dtype), "prediction", (1, 2))


@edge("soft_margin")
def overflow(rng, dtype):
    """``-y x`` of 100 and 1000 (``exp`` overflows: inf in float32, and at 1000 in float64) and of -1000."""
    arrays = soft_margin(rng, dtype)
    arrays["prediction"][0, :4] = [100.0, -1000.0, 1000.0, 60.0]
    arrays["target"][0, :4] = [-1.0, 1.0, -1.0, 1.0]
    return arrays


@edge("soft_margin")
def row_target(rng, dtype):
    """A (C,) target beside (N, C) scores: it broadcasts to the input's shape."""
    arrays = soft_margin(rng, dtype)
    arrays["target"] = arrays["target"][0].copy()
    return arrays


@edge("soft_margin")
def column_scores(rng, dtype):
    """(N, 1) scores beside an (N,) target: the broadcast shape (N, N) is not the input's."""
    arrays = soft_margin(rng, dtype)
    arrays["prediction"] = arrays["prediction"][:, :1].copy()
    arrays["target"] = arrays["target"][:, 0].copy()
    return arrays


# -- class indices --------------------------------------------------------------------------------


@kind("multi_margin", generic=("nan",))
def multi_margin(rng, dtype, batch=BATCH, classes=CLASSES):
    return {
        "prediction": rng.normal(size=(batch, classes)).astype(dtype),
        "target": rng.integers(0, classes, size=(batch,)).astype(np.int64),
        "class_weight": rng.uniform(0.5, 2.0, size=(classes,)).astype(dtype),
        "matrix_weight": rng.uniform(0.5, 2.0, size=(classes, 1)).astype(dtype),
    }


@edge("multi_margin", "nan")
def _multi_margin_nan(rng, dtype):
    return _with_nan(multi_margin(rng, dtype), "prediction", (1, 2))


@edge("multi_margin", "empty")
def _multi_margin_empty(rng, dtype):
    return multi_margin(rng, dtype, batch=0)


@edge("multi_margin")
def class_kink(rng, dtype):
    """A score exactly ``margin`` (1) below the target's: the hinge's kink."""
    arrays = multi_margin(rng, dtype)
    rows = np.arange(BATCH)
    other = (arrays["target"] + 1) % CLASSES
    arrays["prediction"] = np.round(arrays["prediction"] * 4).astype(dtype) / 4
    arrays["prediction"][rows, other] = arrays["prediction"][rows, arrays["target"]] - 1
    return arrays


@edge("multi_margin")
def index_too_large(rng, dtype):
    arrays = multi_margin(rng, dtype)
    arrays["target"][1] = CLASSES
    return arrays


@edge("multi_margin")
def negative_index(rng, dtype):
    arrays = multi_margin(rng, dtype)
    arrays["target"][2] = -1
    return arrays


@edge("multi_margin")
def float_indices(rng, dtype):
    arrays = multi_margin(rng, dtype)
    arrays["target"] = arrays["target"].astype(dtype)
    return arrays


@edge("multi_margin")
def one_sample(rng, dtype):
    """A (C,) score vector with a (1,) target."""
    arrays = multi_margin(rng, dtype)
    arrays["prediction"] = arrays["prediction"][0].copy()
    arrays["target"] = arrays["target"][:1].copy()
    return arrays


@edge("multi_margin")
def scalar_index(rng, dtype):
    """A (C,) score vector with a 0-d target: a 0-d result."""
    arrays = one_sample(rng, dtype)
    arrays["target"] = arrays["target"].reshape(())
    return arrays


@edge("multi_margin")
def short_target(rng, dtype):
    arrays = multi_margin(rng, dtype)
    arrays["target"] = arrays["target"][:-1].copy()
    return arrays


def _padded_targets():
    # listed targets up to the first -1; a repeated target; a row without targets;
    # entries after the first -1 that are valid classes but not read
    return np.array([[3, 0, -1, -1, -1],
                     [1, 1, 4, -1, -1],
                     [-1, -1, -1, -1, -1],
                     [2, -1, 4, 0, 1]], dtype=np.int64)


@kind("multilabel_margin", generic=("nan",))
def multilabel_margin(rng, dtype, batch=BATCH):
    return {"prediction": rng.normal(size=(batch, CLASSES)).astype(dtype),
            "target": np.resize(_padded_targets(), (batch, CLASSES))}


@edge("multilabel_margin", "nan")
def _multilabel_margin_nan(rng, dtype):
    return _with_nan(multilabel_margin(rng, dtype), "prediction", (1, 2))


@edge("multilabel_margin", "empty")
def _multilabel_margin_empty(rng, dtype):
    return multilabel_margin(rng, dtype, batch=0)


@edge("multilabel_margin")
def label_kink(rng, dtype):
    """Non-target scores exactly 1 below a target's: the hinge's kink."""
    arrays = multilabel_margin(rng, dtype)
    arrays["prediction"][0] = [0.5, -0.5, -1.5, 1.5, -0.5]
    arrays["prediction"][1] = [2.0, 1.0, 0.0, -0.5, 1.0]
    return arrays


@edge("multilabel_margin")
def out_of_range_after_padding(rng, dtype):
    """A class index of C after the first -1: not read, still refused."""
    arrays = multilabel_margin(rng, dtype)
    arrays["target"][0, 3] = CLASSES
    return arrays


@edge("multilabel_margin")
def below_minus_one(rng, dtype):
    arrays = multilabel_margin(rng, dtype)
    arrays["target"][1, 3] = -2
    return arrays


@edge("multilabel_margin")
def float_labels(rng, dtype):
    arrays = multilabel_margin(rng, dtype)
    arrays["target"] = arrays["target"].astype(dtype)
    return arrays


@edge("multilabel_margin")
def label_vector(rng, dtype):
    """A (C,) score vector and its (C,) targets: a 0-d result even unreduced."""
    arrays = multilabel_margin(rng, dtype)
    arrays["prediction"] = arrays["prediction"][1].copy()
    arrays["target"] = arrays["target"][1].copy()
    return arrays


@edge("multilabel_margin")
def narrow_target(rng, dtype):
    arrays = multilabel_margin(rng, dtype)
    arrays["target"] = arrays["target"][:, :-1].copy()
    return arrays


# -- cosine and triplet embeddings ----------------------------------------------------------------


@kind("cosine_pair", generic=("empty", "nan"))
def cosine_pair(rng, dtype, batch=BATCH, features=FEATURES):
    shape = (batch, features)
    return {"input1": rng.normal(size=shape).astype(dtype), "input2": rng.normal(size=shape).astype(dtype),
            "target": _signs(rng, (batch,), dtype)}


@edge("cosine_pair", "empty")
def _cosine_empty(rng, dtype):
    return cosine_pair(rng, dtype, batch=0)


@edge("cosine_pair", "nan")
def _cosine_nan(rng, dtype):
    return _with_nan(cosine_pair(rng, dtype), "input1", (1, 2))


@edge("cosine_pair")
def zero_vectors(rng, dtype):
    """Zero vectors (cos = 0 through the 1e-12 on the squared norms) with each label."""
    arrays = cosine_pair(rng, dtype)
    arrays["input1"][0] = 0.0
    arrays["input1"][1] = 0.0
    arrays["target"][:2] = [1.0, -1.0]
    return arrays


@edge("cosine_pair")
def orthogonal(rng, dtype):
    """cos = 0 exactly with label -1: the kink of ``max(0, cos - margin)`` at margin 0."""
    arrays = cosine_pair(rng, dtype)
    arrays["input1"][:, 0::2] = 0.0
    arrays["input2"][:, 1::2] = 0.0
    arrays["target"][:] = -1.0
    return arrays


@edge("cosine_pair")
def cosine_other_labels(rng, dtype):
    """Labels 0 and 2: they count 0."""
    arrays = cosine_pair(rng, dtype)
    arrays["target"][:2] = [0.0, 2.0]
    return arrays


@edge("cosine_pair")
def single_pair(rng, dtype):
    """(D,) inputs with a 0-d target."""
    arrays = cosine_pair(rng, dtype)
    return {"input1": arrays["input1"][0].copy(), "input2": arrays["input2"][0].copy(),
            "target": arrays["target"][:1].reshape(()).copy()}


@edge("cosine_pair")
def column_labels(rng, dtype):
    """An (N, 1) target: multi-target is refused."""
    arrays = cosine_pair(rng, dtype)
    arrays["target"] = arrays["target"][:, None].copy()
    return arrays


@edge("cosine_pair")
def vectors_with_batch_target(rng, dtype):
    """(D,) inputs with a (1,) target: a 1-D target needs 2-D inputs."""
    arrays = single_pair(rng, dtype)
    arrays["target"] = arrays["target"].reshape((1,))
    return arrays


@kind("triplet", generic=("empty", "nan"))
def triplet(rng, dtype, batch=BATCH, features=FEATURES):
    shape = (batch, features)
    return {"anchor": rng.normal(size=shape).astype(dtype), "positive": rng.normal(size=shape).astype(dtype),
            "negative": rng.normal(size=shape).astype(dtype)}


@edge("triplet", "empty")
def _triplet_empty(rng, dtype):
    return triplet(rng, dtype, batch=0)


@edge("triplet", "nan")
def _triplet_nan(rng, dtype):
    return _with_nan(triplet(rng, dtype), "anchor", (1, 2))


@edge("triplet")
def anchor_is_positive(rng, dtype):
    """``positive == anchor``: ``d(a, n) == d(p, n)``, a tie in the swap's minimum."""
    arrays = triplet(rng, dtype)
    arrays["positive"] = arrays["anchor"].copy()
    return arrays


@edge("triplet")
def triplet_rank_mismatch(rng, dtype):
    """A (D,) positive beside (N, D) anchors and negatives."""
    arrays = triplet(rng, dtype)
    arrays["positive"] = arrays["positive"][0].copy()
    return arrays


@edge("triplet")
def single_triplet(rng, dtype):
    """(D,) vectors: a 0-d result."""
    return {k: v[0].copy() for k, v in triplet(rng, dtype).items()}


# -- Keras and TF v1 ------------------------------------------------------------------------------


@kind("hinge_labels", generic=("empty", "nan"))
def hinge_labels(rng, dtype, batch=BATCH, classes=CLASSES):
    shape = (batch, classes)
    return {
        "target": (rng.uniform(size=shape) > 0.5).astype(dtype),
        "prediction": (rng.normal(size=shape) * 1.5).astype(dtype),
        "weight": (rng.uniform(size=shape) * (rng.uniform(size=shape) > 0.2)).astype(dtype),
        **keras_weights(rng, dtype, batch),
    }


@edge("hinge_labels", "empty")
def _hinge_labels_empty(rng, dtype):
    return hinge_labels(rng, dtype, batch=0)


@edge("hinge_labels", "nan")
def _hinge_labels_nan(rng, dtype):
    return _with_nan(hinge_labels(rng, dtype), "prediction", (1, 2))


@edge("hinge_labels")
def signed_labels(rng, dtype):
    """Labels -1 and 1 (Keras leaves them; TF v1 maps -1 to -3)."""
    arrays = hinge_labels(rng, dtype)
    arrays["target"] = 2 * arrays["target"] - 1
    return arrays


@edge("hinge_labels")
def mixed_labels(rng, dtype):
    """Labels -1, 0 and 1 together: not all in {0, 1}, so Keras converts none of them."""
    arrays = hinge_labels(rng, dtype)
    arrays["target"][0, :3] = [-1.0, 0.0, 1.0]
    return arrays


@edge("hinge_labels")
def margin_kink(rng, dtype):
    """``y p = 1`` exactly (label 1 with score 1, label 0 with score -1): the hinge's kink."""
    arrays = hinge_labels(rng, dtype)
    arrays["prediction"] = (2 * arrays["target"] - 1).astype(dtype)
    return arrays


@edge("hinge_labels")
def hinge_column(rng, dtype):
    """(N, 1) labels and scores: Keras' per-sample losses are then (N,)."""
    return hinge_labels(rng, dtype, classes=1)


@edge("hinge_labels")
def hinge_labels_mismatched(rng, dtype):
    arrays = hinge_labels(rng, dtype)
    arrays["target"] = arrays["target"][:, :3].copy()
    return arrays


@kind("one_hot_scores", generic=("nan",))
def one_hot_scores(rng, dtype, batch=BATCH, classes=CLASSES):
    labels = rng.integers(0, classes, size=(batch,))
    return {"target": np.eye(classes, dtype=dtype)[labels], "prediction": rng.normal(size=(batch, classes)).astype(dtype),
            **keras_weights(rng, dtype, batch)}


@edge("one_hot_scores", "empty")
def _one_hot_empty(rng, dtype):
    return one_hot_scores(rng, dtype, batch=0)


@edge("one_hot_scores", "nan")
def _one_hot_nan(rng, dtype):
    return _with_nan(one_hot_scores(rng, dtype), "prediction", (1, 2))


@edge("one_hot_scores")
def tied_scores(rng, dtype):
    """Two or three non-target classes share the largest score: the gradient is split among them."""
    arrays = one_hot_scores(rng, dtype)
    labels = arrays["target"].argmax(axis=-1)
    for row, label in enumerate(labels):
        others = [c for c in range(CLASSES) if c != label][: 2 + row % 2]
        arrays["prediction"][row] = -1.0
        arrays["prediction"][row, others] = 0.75
        arrays["prediction"][row, label] = 0.25
    return arrays


@edge("one_hot_scores")
def categorical_kink(rng, dtype):
    """``max(neg) - pos + 1 = 0`` exactly."""
    arrays = one_hot_scores(rng, dtype)
    labels = arrays["target"].argmax(axis=-1)
    arrays["prediction"][:] = -0.5
    arrays["prediction"][np.arange(BATCH), (labels + 1) % CLASSES] = 0.5
    arrays["prediction"][np.arange(BATCH), labels] = 1.5
    return arrays


@kind("embedding_pair", generic=("empty", "nan"))
def embedding_pair(rng, dtype, batch=BATCH, features=FEATURES):
    shape = (batch, features)
    return {
        "target": rng.normal(size=shape).astype(dtype),
        "prediction": rng.normal(size=shape).astype(dtype),
        # TF v1's cosine distance keeps the reduced axis: its weights are (N, 1)
        "weight": (rng.uniform(size=(batch, 1)) * (rng.uniform(size=(batch, 1)) > 0.2)).astype(dtype),
        **keras_weights(rng, dtype, batch),
    }


@edge("embedding_pair", "empty")
def _embedding_empty(rng, dtype):
    return embedding_pair(rng, dtype, batch=0)


@edge("embedding_pair", "nan")
def _embedding_nan(rng, dtype):
    return _with_nan(embedding_pair(rng, dtype), "prediction", (1, 2))


@edge("embedding_pair")
def unit_vectors(rng, dtype):
    """Unit-normalised rows, as TF v1's cosine distance expects."""
    arrays = embedding_pair(rng, dtype)
    for role in ("target", "prediction"):
        arrays[role] = (arrays[role] / np.linalg.norm(arrays[role], axis=-1, keepdims=True)).astype(dtype)
    return arrays


@edge("embedding_pair")
def tiny_vectors(rng, dtype):
    """A zero vector and one of norm about 1e-9: below Keras' epsilon, neither is brought to unit length."""
    arrays = embedding_pair(rng, dtype)
    arrays["prediction"][0] = 0.0
    arrays["target"][1] = (arrays["target"][1] * 4e-10).astype(dtype)
    return arrays


@edge("embedding_pair")
def embedding_mismatched(rng, dtype):
    arrays = embedding_pair(rng, dtype)
    arrays["target"] = arrays["target"][:, :3].copy()
    return arrays


def _unit_rows(rng, shape, dtype):
    x = rng.normal(size=shape)
    return (x / np.linalg.norm(x, axis=-1, keepdims=True)).astype(dtype)


@kind("circle")
def circle(rng, dtype, batch=6, features=FEATURES):
    return {
        "target": np.resize(np.array([0, 1, 0, 2, 1, 0], dtype=dtype), batch),  # any batch size
        "prediction": _unit_rows(rng, (batch, features), dtype),
        "ref_labels": np.array([1, 0, 2, 2, 0, 3, 1], dtype=dtype),
        "ref_embeddings": _unit_rows(rng, (7, features), dtype),
        **keras_weights(rng, dtype, batch),
    }


@edge("circle")
def no_positives(rng, dtype):
    """Every label distinct: no row has a positive pair, and each loss is 0."""
    arrays = circle(rng, dtype)
    arrays["target"] = np.arange(6, dtype=dtype)
    return arrays


@edge("circle")
def lonely_rows(rng, dtype):
    """Two rows whose label no other row has: their loss is 0, and Keras' class leaves them out of the mean."""
    arrays = circle(rng, dtype)
    arrays["target"] = np.array([0, 1, 0, 2, 1, 5], dtype=dtype)
    return arrays


@edge("circle")
def unnormalised(rng, dtype):
    """Embeddings of norm up to 3: distances clipped at 0 and negative weights clipped."""
    arrays = circle(rng, dtype)
    arrays["prediction"] = (arrays["prediction"] * rng.uniform(0.2, 3.0, size=(6, 1))).astype(dtype)
    return arrays
