"""``tf.compat.v1.losses`` sigmoid cross-entropy and log loss; ``tf.nn`` sigmoid cross-entropy ops."""

from __future__ import annotations

from .._dispatch import namespace_of
from .._dtypes import has, require_one_float_dtype, require_tf_float, require_tf_float_operand
from .._reduction import Reduction
from ..losses import sigmoid
from ._common import (
    check_compatible,
    check_not_none,
    compute_weighted_loss,
    pairwise_loss,
    planned_elementwise,
    planned_pairwise,
    shape_text,
)

_DEFAULT = Reduction.SUM_BY_NONZERO_WEIGHTS


def _as_tensor(xp, x, dtype=None):
    """``tf.convert_to_tensor``: arrays keep their dtype (unless one is asked); Python numbers become float32."""
    if has(x, "dtype") and has(x, "shape"):
        return x if dtype is None else xp.astype(x, dtype)
    return xp.asarray(x, dtype=dtype or xp.float32)


def _check_same_shape(labels, logits):
    """``tf.nn``'s shape check: ``labels`` compatible with ``logits``, else its ValueError."""
    try:
        check_compatible(labels, logits)
    except ValueError:
        raise ValueError(
            "`logits` and `labels` must have the same shape, "
            f"received ({shape_text(tuple(logits.shape))} vs {shape_text(tuple(labels.shape))})."
        ) from None


def sigmoid_cross_entropy(multi_class_labels, logits, weights=1.0, label_smoothing=0, scope=None,
                          loss_collection="losses", reduction=_DEFAULT):
    """``tf.compat.v1.losses.sigmoid_cross_entropy``: ``tf.nn.sigmoid_cross_entropy_with_logits``, weighted and reduced.

    Labels take the logits' dtype; ``label_smoothing > 0`` squeezes them toward
    0.5 (``y (1 - s) + s / 2``; a negative value is ignored, as in TensorFlow).
    The reduction runs in float32 and the result is cast back to the logits' dtype.
    """
    # float32 logits and labels: the casts change nothing, and the loss is pairwise_loss's
    out = planned_pairwise(_sigmoid_cross_entropy, logits, multi_class_labels, weights, reduction,
                           "label_smoothing", label_smoothing)
    if out is not None:
        return out
    check_not_none(multi_class_labels=multi_class_labels, logits=logits)
    xp = namespace_of(multi_class_labels, logits, weights)
    logits = _as_tensor(xp, logits)
    labels = _as_tensor(xp, multi_class_labels, logits.dtype)
    check_compatible(logits, labels)
    require_tf_float("sigmoid_cross_entropy_with_logits", logits=logits)
    return compute_weighted_loss(_sigmoid_cross_entropy(xp, logits, labels, label_smoothing), weights,
                                 reduction=reduction)


def _sigmoid_cross_entropy(xp, logits, labels, label_smoothing):
    if label_smoothing > 0:
        labels = sigmoid.smooth_binary_labels(labels, label_smoothing)
    return sigmoid.tf_logit_bce(xp, labels, logits)


def log_loss(labels, predictions, weights=1.0, epsilon=1e-7, scope=None, loss_collection="losses",
             reduction=_DEFAULT):
    """``tf.compat.v1.losses.log_loss``: ``-y log(p + eps) - (1 - y) log(1 - p + eps)``, in float32.

    ``epsilon`` is added inside both logs, not clipped: a perfect prediction
    gives ``-log(1 + eps)``, slightly below zero, and ``p`` outside [0, 1]
    gives NaN (TensorFlow checks no values).
    """
    return pairwise_loss(_log_loss, predictions, labels, weights, reduction, option="epsilon", value=epsilon)


def _log_loss(xp, predictions, labels, epsilon):
    return sigmoid.log_loss(xp, labels, predictions, epsilon)


def sigmoid_cross_entropy_with_logits(labels=None, logits=None, name=None):
    """``tf.nn.sigmoid_cross_entropy_with_logits``: ``max(x, 0) - x z + log1p(exp(-|x|))``, elementwise.

    Stable for any finite logit; the gradient at ``x = 0`` is exact. ``labels``
    and ``logits`` must have the same shape and dtype.
    """
    out = planned_elementwise(sigmoid.tf_logit_bce, labels, logits)
    if out is not None:
        return out
    if labels is None or logits is None:
        raise ValueError("Both `labels` and `logits` must be provided for sigmoid_cross_entropy_with_logits"
                         f"Received: labels={labels} and logits={logits}")
    xp = namespace_of(labels, logits)
    logits, labels = _as_tensor(xp, logits), _as_tensor(xp, labels)
    _check_same_shape(labels, logits)
    require_one_float_dtype("Mul", logits, labels)
    require_tf_float("sigmoid_cross_entropy_with_logits", logits=logits)
    return sigmoid.tf_logit_bce(xp, labels, logits)


def weighted_cross_entropy_with_logits(labels, logits, pos_weight, name=None):
    """``tf.nn.weighted_cross_entropy_with_logits``: ``(1 - z) x + (1 + (q - 1) z)(log1p(exp(-|x|)) + relu(-x))``.

    ``pos_weight`` (``q``) scales the positive term and broadcasts against the
    logits. The gradient at exactly ``x = 0`` is TensorFlow's ``1 - z``.
    """
    out = planned_elementwise(sigmoid.tf_weighted_logit_bce, labels, logits, "pos_weight", pos_weight)
    if out is not None:
        return out
    xp = namespace_of(labels, logits, pos_weight)
    logits, labels = _as_tensor(xp, logits), _as_tensor(xp, labels)
    _check_same_shape(labels, logits)
    require_tf_float_operand(pos_weight - 1, "labels", labels)  # TF computes 1 + (pos_weight - 1) * labels
    require_one_float_dtype("Mul", labels, pos_weight, logits)
    require_tf_float("weighted_cross_entropy_with_logits", logits=logits)
    return sigmoid.tf_weighted_logit_bce(xp, labels, logits, pos_weight)
