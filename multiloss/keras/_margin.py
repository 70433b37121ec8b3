"""``keras.losses`` hinge, cosine similarity and circle losses: functions (per sample) and classes."""

from __future__ import annotations

from .._dispatch import namespace_of
from .._reduction import squeeze_or_expand_to_same_rank
from ..losses import margin as margin_math
from ._common import (
    EPSILON,
    LossFunctionWrapper,
    as_array,
    integers_as_floatx,
    refuse_integer_y_pred,
)


def _convert(y_true, y_pred):
    """Keras' prologue for the hinges: ``y_true`` takes ``y_pred``'s dtype; no rank alignment
    (the functions broadcast; the classes align ranks before calling them)."""
    xp = namespace_of(y_true, y_pred)
    y_pred = as_array(xp, y_pred)
    return xp, as_array(xp, y_true, y_pred.dtype), y_pred


def hinge(y_true, y_pred):
    """``keras.losses.hinge``: ``mean(max(1 - y_true y_pred, 0), axis=-1)``.

    Labels are mapped to ``2 y - 1`` when every one of them is 0 or 1 (one check over
    the whole array); other labels are used as they are.
    """
    xp, y_true, y_pred = _convert(y_true, y_pred)
    refuse_integer_y_pred("hinge", y_pred, constant=2.0)  # labels in {0, 1} become 2 y - 1
    y_true = margin_math.binary_to_signed_labels(xp, y_true)
    return xp.mean(margin_math.hinge(xp, y_true, y_pred), axis=-1)


def squared_hinge(y_true, y_pred):
    """``keras.losses.squared_hinge``: ``mean(max(1 - y_true y_pred, 0)**2, axis=-1)``, labels as in :func:`hinge`."""
    xp, y_true, y_pred = _convert(y_true, y_pred)
    refuse_integer_y_pred("squared_hinge", y_pred, constant=2.0)  # labels in {0, 1} become 2 y - 1
    y_true = margin_math.binary_to_signed_labels(xp, y_true)
    loss = margin_math.hinge(xp, y_true, y_pred)
    return xp.mean(loss * loss, axis=-1)


def categorical_hinge(y_true, y_pred):
    """``keras.losses.categorical_hinge``: ``max(max((1 - y_true) y_pred) - sum(y_true y_pred) + 1, 0)``
    over the last axis, for one-hot ``y_true`` (no label conversion)."""
    xp, y_true, y_pred = _convert(y_true, y_pred)
    refuse_integer_y_pred("categorical_hinge", y_pred, constant=1.0)  # 1 - y_true
    return margin_math.categorical_hinge(xp, y_true, y_pred)


def cosine_similarity(y_true, y_pred, axis=-1):
    """``keras.losses.cosine_similarity``: ``-sum(l2_normalize(y_true) l2_normalize(y_pred), axis)``.

    -1 is a perfect match. The normalisation multiplies by ``min(1 / norm, 1 / 1e-7)``,
    so a vector of norm below 1e-7 is not brought to unit length and a zero vector gives 0.
    """
    xp, y_true, y_pred = _convert(y_true, y_pred)
    refuse_integer_y_pred("cosine_similarity", y_pred, kernel="Rsqrt")  # l2_normalize
    y_true, y_pred = squeeze_or_expand_to_same_rank(xp, y_true, y_pred)
    return margin_math.negative_cosine_similarity(xp, y_true, y_pred, axis, EPSILON)


def circle(y_true, y_pred, ref_labels=None, ref_embeddings=None, remove_diagonal=True, gamma=80, margin=0.4):
    """``keras.losses.circle``: the circle loss (Sun et al., CVPR 2020) of each embedding against a reference set.

    ``y_true``: integer labels (N,) (cast to int32); ``y_pred``: L2-normalised embeddings
    (N, D); the references default to the batch itself. ``remove_diagonal`` drops the
    pairs (i, i) from the positives, also with a separate reference set. A row without
    positives gives 0.
    """
    xp = namespace_of(y_true, y_pred, ref_labels, ref_embeddings)
    y_pred = integers_as_floatx(xp, as_array(xp, y_pred))  # Keras' normalize gives floatx
    labels = xp.astype(as_array(xp, y_true), xp.int32)
    ref_embeddings = y_pred if ref_embeddings is None else as_array(xp, ref_embeddings)
    ref_labels = labels if ref_labels is None else xp.astype(as_array(xp, ref_labels), xp.int32)
    return margin_math.circle(xp, xp.reshape(labels, (-1,)), y_pred, xp.reshape(ref_labels, (-1,)), ref_embeddings,
                              remove_diagonal, gamma, margin)


class Hinge(LossFunctionWrapper):
    """``keras.losses.Hinge(reduction='sum_over_batch_size', name='hinge', dtype=None)``."""

    def __init__(self, reduction="sum_over_batch_size", name="hinge", dtype=None):
        super().__init__(hinge, reduction=reduction, name=name, dtype=dtype)


class SquaredHinge(LossFunctionWrapper):
    """``keras.losses.SquaredHinge(reduction='sum_over_batch_size', name='squared_hinge', dtype=None)``."""

    def __init__(self, reduction="sum_over_batch_size", name="squared_hinge", dtype=None):
        super().__init__(squared_hinge, reduction=reduction, name=name, dtype=dtype)


class CategoricalHinge(LossFunctionWrapper):
    """``keras.losses.CategoricalHinge(reduction='sum_over_batch_size', name='categorical_hinge', dtype=None)``."""

    def __init__(self, reduction="sum_over_batch_size", name="categorical_hinge", dtype=None):
        super().__init__(categorical_hinge, reduction=reduction, name=name, dtype=dtype)


class CosineSimilarity(LossFunctionWrapper):
    """``keras.losses.CosineSimilarity(axis=-1, reduction='sum_over_batch_size', name='cosine_similarity',
    dtype=None)``."""

    def __init__(self, axis=-1, reduction="sum_over_batch_size", name="cosine_similarity", dtype=None):
        super().__init__(cosine_similarity, reduction=reduction, name=name, dtype=dtype, axis=axis)


class Circle(LossFunctionWrapper):
    """``keras.losses.Circle(gamma=80.0, margin=0.4, remove_diagonal=True, reduction='sum_over_batch_size',
    name='circle', dtype=None)``.

    Keras masks out the rows whose loss is not above 0, so the means are over the
    rows with a positive loss only (0 when there are none).
    """

    def __init__(self, gamma=80.0, margin=0.4, remove_diagonal=True, reduction="sum_over_batch_size",
                 name="circle", dtype=None):
        super().__init__(circle, reduction=reduction, name=name, dtype=dtype, gamma=gamma, margin=margin,
                         remove_diagonal=remove_diagonal)
        self.gamma, self.margin, self.remove_diagonal = gamma, margin, remove_diagonal

    def _call_with_mask(self, y_true, y_pred):
        loss = self.call(y_true, y_pred)
        return loss, loss > 0
