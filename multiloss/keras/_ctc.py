"""``keras.losses.ctc`` and ``keras.losses.CTC``, on every backend, as Keras computes them on TensorFlow."""

from __future__ import annotations

from .._dispatch import namespace_of
from ..losses import ctc as ctc_math
from ..losses.softmax import index_dtype
from ._common import LossFunctionWrapper, as_array

_MASK_INDEX = 0  # Keras' blank, and the padding of y_true


def ctc(y_true, y_pred):
    """``keras.losses.ctc``: the CTC loss per sequence, Keras' conventions over TensorFlow's kernel.

    ``y_true``: ``(N, S)`` integer labels; 0 is the blank and the padding, and the label length
    is the count of nonzero entries (the first that many labels are read). ``y_pred``: ``(N, T, C)``
    logits, every sequence ``T`` frames long. Computed in float32 (float64 is cast down and the
    loss back, as Keras does around ``tf.nn.ctc_loss``); the result is float64 for float64
    ``y_pred``, else float32. An impossible alignment gives TensorFlow's ~707, not ``inf``.

    Source: A. Graves et al., ICML 2006 (see ``multiloss.losses.ctc``).
    """
    xp = namespace_of(y_true, y_pred)
    y_true, y_pred = as_array(xp, y_true), as_array(xp, y_pred)
    if xp.ndim(y_true) != 2:
        raise ValueError("Targets `y_true` are expected to be a tensor of shape `(batch_size, max_length)` in "
                         f"integer format. Received: y_true.shape={xp.shape(y_true)}")
    if xp.ndim(y_pred) != 3:
        raise ValueError("Logits `y_pred` are expected to be a tensor of shape `(batch_size, max_length, "
                         f"num_classes)`. Received: y_pred.shape={xp.shape(y_pred)}")
    result = xp.float64 if y_pred.dtype == xp.float64 else xp.float32
    labels = xp.astype(y_true, xp.int32)  # Keras' cast: float labels truncate toward zero
    labels = xp.astype(labels, index_dtype(xp, labels))
    label_length = xp.sum(xp.astype(labels != _MASK_INDEX, labels.dtype), axis=-1)
    log_probs = xp.log_softmax(xp.permute_dims(xp.astype(y_pred, xp.float32), (1, 0, 2)), axis=2)
    loss = ctc_math.tf_ctc(xp, log_probs, labels, label_length, None, _MASK_INDEX)  # every frame
    return xp.astype(loss, result)


class CTC(LossFunctionWrapper):
    """``keras.losses.CTC(reduction='sum_over_batch_size', name='ctc', dtype=None)``."""

    def __init__(self, reduction="sum_over_batch_size", name="ctc", dtype=None):
        super().__init__(ctc, reduction=reduction, name=name, dtype=dtype)
