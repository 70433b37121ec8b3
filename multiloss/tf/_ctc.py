"""``tf.nn.ctc_loss`` with dense labels, on every backend."""

from __future__ import annotations

from .._dispatch import namespace_of
from ..losses import ctc
from ..losses.softmax import index_dtype
from ._softmax import as_tensor, dtype_name
from .errors import InvalidArgumentError

_HALF = ("float16", "bfloat16")


def ctc_loss(labels, logits, label_length, logit_length, logits_time_major=True, unique=None, blank_index=None,
             name=None):
    """``tf.nn.ctc_loss`` (TensorFlow 2's, dense labels): ``-log p(labels | softmax(logits))`` per sequence.

    ``labels``: ``(N, S)`` class indices padded past ``label_length``; ``logits``: ``(T, N, C)``,
    or ``(N, T, C)`` with ``logits_time_major=False``; ``logit_length``: the frames of each
    sequence (beyond ``T`` counts as ``T``). ``blank_index`` (default 0) may count from the end
    (-1 is ``C - 1``). An impossible alignment, a label length beyond the labels included, is
    not ``inf`` but about 707, as TensorFlow's dense kernel gives it (see
    ``multiloss.losses.ctc.tf_likelihood``). float16 and bfloat16 compute in float32 and are
    cast back; float64, which TensorFlow 2.21's kernel refuses, computes in float64.
    ``unique`` (a TPU speed-up) changes nothing here. Sparse labels are not taken.

    Source: A. Graves et al., ICML 2006 (see ``multiloss.losses.ctc``).
    """
    if hasattr(labels, "dense_shape"):
        raise TypeError("labels: multiloss.tf.nn.ctc_loss takes dense (N, S) labels padded past label_length; "
                        "got a SparseTensor")
    xp = namespace_of(labels, logits, label_length, logit_length)
    logits = xp.value(as_tensor(xp, logits))
    kind = dtype_name(logits.dtype)
    if not xp.isdtype(logits.dtype, "real floating"):
        raise InvalidArgumentError(f"Value for attr 'T' of {kind} is not in the list of allowed values: half, "
                                   "bfloat16, float, double")
    compute = xp.astype(logits, xp.float32) if kind in _HALF else logits
    if not logits_time_major:
        compute = xp.permute_dims(compute, (1, 0, 2))
    blank = 0 if blank_index is None else blank_index
    if blank < 0:
        blank += compute.shape[2]
    labels = xp.value(as_tensor(xp, labels, like=logits))
    labels = xp.astype(labels, index_dtype(xp, labels))
    label_length = xp.astype(as_tensor(xp, label_length, like=logits), labels.dtype)
    logit_length = xp.astype(as_tensor(xp, logit_length, like=logits), labels.dtype)
    loss = ctc.tf_ctc(xp, xp.log_softmax(compute, axis=2), labels, label_length, logit_length, blank)
    return xp.astype(loss, logits.dtype) if kind in _HALF else loss
