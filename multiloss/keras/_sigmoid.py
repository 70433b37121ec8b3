"""``keras.losses`` binary cross-entropy and binary focal cross-entropy: functions and classes.

The reference is Keras 3 on the TensorFlow backend. Probabilities are clipped
to ``[1e-7, 1 - 1e-7]`` (in the array's dtype); logits go through TensorFlow's
``sigmoid_cross_entropy_with_logits`` formula. Keras does not check the
values: probabilities outside [0, 1] are clipped, and ``label_smoothing`` is
applied whenever it is non-zero, negative values included.
"""

from __future__ import annotations

from .._dispatch import namespace_of
from ..losses import sigmoid
from ..tf._common import shape_text
from ._common import EPSILON, LossFunctionWrapper, as_array, refuse_integer_y_pred


def _convert(y_true, y_pred):
    """Keras' prologue of these two functions: ``y_true`` takes ``y_pred``'s dtype; no rank alignment."""
    xp = namespace_of(y_true, y_pred)
    y_pred = as_array(xp, y_pred)
    return xp, as_array(xp, y_true, y_pred.dtype), y_pred


def _check_same_shape(target, output):
    """The checks of ``keras.ops.binary_crossentropy`` (TensorFlow backend), with its messages."""
    ts, os_ = tuple(target.shape), tuple(output.shape)
    if len(ts) != len(os_):
        raise ValueError(
            "Arguments `target` and `output` must have the same rank (ndim). Received: "
            f"target.shape={shape_text(ts)}, output.shape={shape_text(os_)}"
        )
    if any(a is not None and b is not None and a != b for a, b in zip(ts, os_)):
        raise ValueError(
            "Arguments `target` and `output` must have the same shape. Received: "
            f"target.shape={shape_text(ts)}, output.shape={shape_text(os_)}"
        )


def _refuse_integers(fn, y_pred, from_logits):
    """An integer y_pred fails in the sigmoid kernel (logits) or at the clip to 1 - 1e-7 (probabilities)."""
    if from_logits:
        refuse_integer_y_pred(fn, y_pred, kernel="Sigmoid")
    refuse_integer_y_pred(fn, y_pred, constant=1.0 - EPSILON)


def _elementwise_bce(xp, target, output, from_logits):
    """``keras.ops.binary_crossentropy`` on the TensorFlow backend."""
    _check_same_shape(target, output)
    if from_logits:
        return sigmoid.tf_logit_bce(xp, target, output)
    return sigmoid.clipped_probability_bce(xp, target, output, EPSILON)


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """``keras.losses.binary_crossentropy``: ``mean(-(y log p + (1 - y) log(1 - p)), axis)``.

    Probabilities are clipped to ``[1e-7, 1 - 1e-7]``; with ``from_logits=True``
    the loss is TensorFlow's stable ``max(x, 0) - x y + log1p(exp(-|x|))``.
    ``label_smoothing`` ``s`` squeezes the labels toward 0.5: ``y (1 - s) + s / 2``.
    The two arrays must have the same shape (``ValueError`` otherwise).
    """
    xp, y_true, y_pred = _convert(y_true, y_pred)
    _refuse_integers("binary_crossentropy", y_pred, from_logits)
    if label_smoothing:
        y_true = sigmoid.smooth_binary_labels(y_true, label_smoothing)
    return xp.mean(_elementwise_bce(xp, y_true, y_pred, from_logits), axis=axis)


def binary_focal_crossentropy(y_true, y_pred, apply_class_balancing=False, alpha=0.25, gamma=2.0,
                              from_logits=False, label_smoothing=0.0, axis=-1):
    """``keras.losses.binary_focal_crossentropy``: ``mean((1 - p_t)**gamma * bce, axis)``.

    ``p_t = y p + (1 - y)(1 - p)`` with the unclipped probability ``p``;
    ``bce`` is the clipped-probability binary cross-entropy, except with
    ``from_logits=True``: then ``p = sigmoid(x)`` and, on the TensorFlow
    backend, Keras' ``sigmoid`` leaves the logits on its output, so ``bce`` is
    the exact logit form (a logit of 30 costs 30, not the clipped 15.9).
    ``apply_class_balancing`` multiplies by ``alpha`` for positives and
    ``1 - alpha`` for negatives.

    Source: Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017.
    """
    xp, y_true, y_pred = _convert(y_true, y_pred)
    _refuse_integers("binary_focal_crossentropy", y_pred, from_logits)
    if label_smoothing:
        y_true = sigmoid.smooth_binary_labels(y_true, label_smoothing)
    bce = _elementwise_bce(xp, y_true, y_pred, from_logits)
    probs = xp.sigmoid(y_pred) if from_logits else y_pred
    focal = sigmoid.focal_factor(xp, probs, y_true, gamma) * bce
    if apply_class_balancing:
        focal = sigmoid.class_balance(y_true, alpha) * focal
    return xp.mean(focal, axis=axis)


# Keras resolves these names with keras.losses.get("bce"); they are not attributes of keras.losses.
bce = BCE = binary_crossentropy


class BinaryCrossentropy(LossFunctionWrapper):
    """``keras.losses.BinaryCrossentropy(from_logits=False, label_smoothing=0.0, axis=-1,
    reduction='sum_over_batch_size', name='binary_crossentropy', dtype=None)``."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="binary_crossentropy", dtype=None):
        super().__init__(binary_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


class BinaryFocalCrossentropy(LossFunctionWrapper):
    """``keras.losses.BinaryFocalCrossentropy(apply_class_balancing=False, alpha=0.25, gamma=2.0,
    from_logits=False, label_smoothing=0.0, axis=-1, reduction='sum_over_batch_size',
    name='binary_focal_crossentropy', dtype=None)``."""

    def __init__(self, apply_class_balancing=False, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0,
                 axis=-1, reduction="sum_over_batch_size", name="binary_focal_crossentropy", dtype=None):
        super().__init__(binary_focal_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         apply_class_balancing=apply_class_balancing, alpha=alpha, gamma=gamma,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.apply_class_balancing = apply_class_balancing
        self.alpha = alpha
        self.gamma = gamma
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
