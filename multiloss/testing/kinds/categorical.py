"""Inputs of the categorical (softmax) losses: class distributions or class indices against
predictions that serve as probabilities or as logits.

``prediction`` is positive and its rows do not sum to 1, so the same array
exercises the probability path (renormalised, clipped) and the logit path;
the ``signed_logits`` edge gives logits of both signs.
"""

import numpy as np

from . import confident_logits, edge, empty_and_nan, keras_weights, kind

BATCH, CLASSES = 6, 5
_GENERIC = ("empty", "nan", "huge", "saturated")



def _weights(rng, dtype, batch):
    """Keras sample weights (per sample, as a column, all zero) and TF v1 weights (some zero, all zero)."""
    weight = rng.uniform(0.5, 2.0, size=(batch,)) * (np.arange(batch) % 4 != 1)
    return {
        **keras_weights(rng, dtype, batch),
        "weight": weight.astype(dtype),
        "zero_weights": np.zeros((batch,), dtype),
    }


def _prediction(rng, shape):
    return rng.uniform(0.05, 1.0, size=shape)


# -- class distributions ------------------------------------------------------------------


@kind("categorical_dense", generic=_GENERIC, stress=("confident",))
def dense(rng, dtype, batch=BATCH, classes=CLASSES):
    """``target``: one-hot rows, then soft rows (with some exact zeros); ``prediction``: positive, unnormalised."""
    target = np.eye(classes)[rng.integers(0, classes, size=batch)]
    soft = rng.uniform(size=(batch, classes)) * (rng.uniform(size=(batch, classes)) > 0.3)
    soft[:, 0] += 0.1
    soft /= soft.sum(axis=-1, keepdims=True)
    target[batch // 2:] = soft[batch // 2:]
    return {
        "target": target.astype(dtype),
        "prediction": _prediction(rng, (batch, classes)).astype(dtype),
        "alpha": rng.uniform(0.1, 1.0, size=(classes,)).astype(dtype),
        **_weights(rng, dtype, batch),
    }


empty_and_nan("categorical_dense", dense, "prediction")


@edge("categorical_dense", "huge")
def dense_huge(rng, dtype):
    """Predictions from 50 to 1000: logits whose softmax underflows; the same rows renormalised as probabilities."""
    arrays = dense(rng, dtype)
    arrays["prediction"] = (arrays["prediction"] * 1e3).astype(dtype)
    return arrays


@edge("categorical_dense", "saturated")
def dense_saturated(rng, dtype):
    """Probabilities of exactly 0 and 1, on the target class and off it."""
    arrays = dense(rng, dtype)
    eye = np.eye(CLASSES)
    arrays["target"][:3] = eye[[0, 1, 2]]
    arrays["prediction"][:3] = eye[[0, 3, 2]] * np.array([[1.0], [1.0], [0.5]])
    arrays["prediction"][2, 4] = 0.5
    return arrays


@edge("categorical_dense", "signed_logits")
def dense_signed_logits(rng, dtype):
    arrays = dense(rng, dtype)
    arrays["prediction"] = (rng.normal(size=arrays["prediction"].shape) * 3).astype(dtype)
    return arrays


@edge("categorical_dense", "huge_signed_logits")
def dense_huge_signed_logits(rng, dtype):
    """Logits of both signs with |x| up to about 1000."""
    arrays = dense(rng, dtype)
    arrays["prediction"] = (rng.normal(size=arrays["prediction"].shape) * 300).astype(dtype)
    return arrays


@edge("categorical_dense", "neg_inf_logits")
def dense_neg_inf_logits(rng, dtype):
    """A -inf logit on a class of zero label mass (TF: 0 * inf = NaN) and on the target class (inf)."""
    arrays = dense_signed_logits(rng, dtype)
    arrays["target"][:2] = np.eye(CLASSES)[[0, 1]]
    arrays["prediction"][0, 3] = -np.inf
    arrays["prediction"][1, 1] = -np.inf
    return arrays


@edge("categorical_dense", "zero_row")
def dense_zero_row(rng, dtype):
    """A prediction row of all zeros: Keras renormalises 0/0 (NaN)."""
    arrays = dense(rng, dtype)
    arrays["prediction"][1] = 0
    return arrays


@edge("categorical_dense", "unnormalised_labels")
def dense_unnormalised_labels(rng, dtype):
    """Label rows that do not sum to 1: TensorFlow's logit gradient is still ``softmax - labels``."""
    arrays = dense_signed_logits(rng, dtype)
    arrays["target"] = (rng.uniform(size=arrays["target"].shape) * 2).astype(dtype)
    return arrays


@edge("categorical_dense", "single_class")
def dense_single_class(rng, dtype):
    return dense(rng, dtype, classes=1)


@edge("categorical_dense", "mismatched")
def dense_mismatched(rng, dtype):
    """A target with one row fewer than the prediction."""
    arrays = dense(rng, dtype)
    arrays["target"] = arrays["target"][1:].copy()
    return arrays


@edge("categorical_dense", "channels_first")
def dense_channels_first(rng, dtype):
    """(N, C, T) target and prediction: the class axis is 1."""
    arrays = dense(rng, dtype, batch=BATCH * 2)
    for role in ("target", "prediction"):
        arrays[role] = np.ascontiguousarray(arrays[role].reshape(BATCH, 2, CLASSES).transpose(0, 2, 1))
    return arrays


# -- class indices ------------------------------------------------------------------------


@kind("categorical_sparse", generic=_GENERIC, stress=("confident",))
def sparse(rng, dtype, batch=BATCH, classes=CLASSES):
    """``labels``: int64 class indices (class 2 at least twice); ``prediction``: positive, unnormalised."""
    labels = rng.integers(0, classes, size=batch)
    labels[:2] = 2
    return {
        "labels": labels.astype(np.int64),
        "prediction": _prediction(rng, (batch, classes)).astype(dtype),
        "matrix_weight": rng.uniform(0.5, 2.0, size=(batch, classes)).astype(dtype),
        **_weights(rng, dtype, batch),
    }


empty_and_nan("categorical_sparse", sparse, "prediction")


@edge("categorical_sparse", "huge")
def sparse_huge(rng, dtype):
    arrays = sparse(rng, dtype)
    arrays["prediction"] = (arrays["prediction"] * 1e3).astype(dtype)
    return arrays


@edge("categorical_sparse", "saturated")
def sparse_saturated(rng, dtype):
    """Probabilities of exactly 0 and 1, on the labelled class and off it."""
    arrays = sparse(rng, dtype)
    arrays["labels"][:3] = [0, 1, 2]
    arrays["prediction"][:3] = np.eye(CLASSES)[[0, 3, 2]]
    return arrays


@edge("categorical_sparse", "signed_logits")
def sparse_signed_logits(rng, dtype):
    arrays = sparse(rng, dtype)
    arrays["prediction"] = (rng.normal(size=arrays["prediction"].shape) * 3).astype(dtype)
    return arrays


@edge("categorical_sparse", "huge_signed_logits")
def sparse_huge_signed_logits(rng, dtype):
    arrays = sparse(rng, dtype)
    arrays["prediction"] = (rng.normal(size=arrays["prediction"].shape) * 300).astype(dtype)
    return arrays


@edge("categorical_sparse", "neg_inf_logits")
def sparse_neg_inf_logits(rng, dtype):
    """A -inf logit off the labelled class (finite loss) and on it (inf)."""
    arrays = sparse_signed_logits(rng, dtype)
    arrays["labels"][:2] = [0, 1]
    arrays["prediction"][0, 3] = -np.inf
    arrays["prediction"][1, 1] = -np.inf
    return arrays


@edge("categorical_sparse", "zero_row")
def sparse_zero_row(rng, dtype):
    """A prediction row of all zeros: TF clips before normalising, so the loss is log(C)."""
    arrays = sparse(rng, dtype)
    arrays["prediction"][1] = 0
    return arrays


@edge("categorical_sparse", "ignored")
def sparse_ignored(rng, dtype):
    """Labels of -1 (the ignored class of the cases) at two positions."""
    arrays = sparse(rng, dtype)
    arrays["labels"][[1, 4]] = -1
    return arrays


@edge("categorical_sparse", "all_ignored")
def sparse_all_ignored(rng, dtype):
    arrays = sparse(rng, dtype)
    arrays["labels"][:] = -1
    return arrays


@edge("categorical_sparse", "column_labels")
def sparse_column_labels(rng, dtype):
    """Labels of shape (N, 1) beside (N, C) predictions."""
    arrays = sparse(rng, dtype)
    arrays["labels"] = arrays["labels"][:, None].copy()
    return arrays


@edge("categorical_sparse", "out_of_range")
def sparse_out_of_range(rng, dtype):
    arrays = sparse(rng, dtype)
    arrays["labels"][3] = CLASSES
    return arrays


@edge("categorical_sparse", "negative_label")
def sparse_negative_label(rng, dtype):
    arrays = sparse(rng, dtype)
    arrays["labels"][3] = -1
    return arrays


@edge("categorical_sparse", "float_labels")
def sparse_float_labels(rng, dtype):
    """Labels as floats with fractional parts (Keras truncates them; TF's op rejects the dtype)."""
    arrays = sparse(rng, dtype)
    arrays["labels"] = (arrays["labels"] + rng.uniform(0.0, 0.9, size=arrays["labels"].shape)).astype(dtype)
    return arrays


@edge("categorical_sparse", "mismatched")
def sparse_mismatched(rng, dtype):
    """One label fewer than prediction rows."""
    arrays = sparse(rng, dtype)
    arrays["labels"] = arrays["labels"][1:].copy()
    return arrays


@edge("categorical_sparse", "sequence")
def sparse_sequence(rng, dtype):
    """(N, T) labels beside (N, T, C) predictions."""
    arrays = sparse(rng, dtype, batch=BATCH * 2)
    arrays["labels"] = arrays["labels"].reshape(BATCH, 2)
    arrays["prediction"] = arrays["prediction"].reshape(BATCH, 2, CLASSES)
    return arrays


@edge("categorical_dense", "confident")
def dense_confident(rng, dtype):
    """Logits with the most likely label ahead by 10, 16, 30, 100 (as probabilities: renormalised)."""
    arrays = dense(rng, dtype)
    leaders = arrays["target"].argmax(axis=-1)
    arrays["prediction"] = confident_logits(arrays["prediction"].shape, leaders, dtype)
    return arrays


@edge("categorical_sparse", "confident")
def sparse_confident(rng, dtype):
    """Logits with the labelled class ahead by 10, 16, 30, 100; then another class by 10 and 16."""
    arrays = sparse(rng, dtype)
    leaders = arrays["labels"].copy()
    leaders[4:] += 1
    arrays["prediction"] = confident_logits(arrays["prediction"].shape, leaders, dtype)
    return arrays
