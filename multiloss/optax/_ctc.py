"""``optax.losses.ctc_loss`` and ``ctc_loss_with_forward_probs``, on every backend."""

from __future__ import annotations

from .._dispatch import namespace_of
from ..losses import ctc
from ..losses.softmax import index_dtype


def _check(xp, logits, logit_paddings, labels, label_paddings):
    # optax's checks (chex's rank and shape assertions; its own batch-size ValueError).
    if xp.ndim(logits) != 3:
        raise AssertionError(f"logits: expected rank 3 (B, T, K), got shape {xp.shape(logits)}")
    if xp.ndim(labels) != 2:
        raise AssertionError(f"labels: expected rank 2 (B, N), got shape {xp.shape(labels)}")
    if xp.shape(labels) != xp.shape(label_paddings):
        raise AssertionError(f"label_paddings: expected the shape of labels {xp.shape(labels)}, "
                             f"got {xp.shape(label_paddings)}")
    if xp.shape(logits)[:2] != xp.shape(logit_paddings):
        raise AssertionError(f"logit_paddings: expected the shape of logits[..., 0] {xp.shape(logits)[:2]}, "
                             f"got {xp.shape(logit_paddings)}")
    batch, labels_batch = logits.shape[0], labels.shape[0]
    if batch is not None and labels_batch is not None and batch != labels_batch:
        raise ValueError(f"Expected `labels` to have batch size {batch}, got {labels_batch}.")


def _forward(logits, logit_paddings, labels, label_paddings, blank_id, log_epsilon, keep):
    xp = namespace_of(logits, logit_paddings, labels, label_paddings)
    logits, logit_paddings = xp.value(logits), xp.value(logit_paddings)
    labels, label_paddings = xp.value(labels), xp.value(label_paddings)
    _check(xp, logits, logit_paddings, labels, label_paddings)
    if not xp.isdtype(logits.dtype, "real floating"):
        logits = xp.astype(logits, xp.float32)
    # log_softmax in the logits' dtype, as optax takes it; the states in at least float32, as
    # optax's float32 (JAX's default) initial states make them.
    log_probs = xp.log_softmax(logits, axis=2)
    state = xp.float64 if logits.dtype == xp.float64 else xp.float32
    widened = log_probs.dtype != state
    log_probs = xp.permute_dims(xp.astype(log_probs, state), (1, 0, 2))
    labels = xp.astype(labels, index_dtype(xp, labels))
    # optax's label length: the labels less the padded ones, however they are placed.
    lengths = labels.shape[1] - xp.astype(xp.sum(xp.astype(label_paddings, state), axis=1), labels.dtype)
    frames = xp.permute_dims(logit_paddings, (1, 0)) == 0
    classes = log_probs.shape[2]
    safe = xp.clip(labels, min=0, max=classes - 1) if classes else labels
    if not keep:
        # A kernel's gradient is the logits' once log_softmax's backward runs in the same precision:
        # a half-precision log_softmax takes the recursion.
        return ctc.optax_ctc(xp, log_probs, safe, lengths, frames, blank_id, log_epsilon, own_kernel=not widened)
    phi_last, *forward_probs = ctc.forward(xp, log_probs, safe, frames, blank_id, floor=log_epsilon, keep=True)
    return (-ctc.likelihood(xp, phi_last, xp.clip(lengths, min=0, max=labels.shape[1])), *forward_probs)


def ctc_loss_with_forward_probs(logits, logit_paddings, labels, label_paddings, *, blank_id=0, log_epsilon=-1e5):
    """``optax.losses.ctc_loss_with_forward_probs``: the CTC loss per sequence and the forward variables.

    ``logits``: ``(B, T, K)``; ``logit_paddings``: ``(B, T)``, 1.0 on padded frames (skipped);
    ``labels``: ``(B, N)``; ``label_paddings``: ``(B, N)``, 1.0 on padded labels (right-padded:
    the label length is ``N`` less their count). ``log_epsilon`` stands for ``log(0)``: an
    unreachable state starts there and a blocked transition is penalized by it, so an
    impossible alignment gives a loss of the order of ``-log_epsilon``, not ``inf``.

    Returns ``(loss, logalpha_blank, logalpha_nonblank)``: ``(B,)``, ``(T, B, N + 1)`` and
    ``(T, B, N)``, the log forward probabilities of sitting on the blank before label ``n``
    and on label ``n`` after each frame (the last frame's blanks after the final closing step).
    The loss is in float32, or float64 for float64 logits (optax: JAX's default float dtype).

    Source: A. Graves et al., ICML 2006 (see ``multiloss.losses.ctc``).
    """
    return _forward(logits, logit_paddings, labels, label_paddings, blank_id, log_epsilon, keep=True)


def ctc_loss(logits, logit_paddings, labels, label_paddings, *, blank_id=0, log_epsilon=-1e5):
    """``optax.losses.ctc_loss``: the CTC loss per sequence, ``(B,)`` (see
    :func:`ctc_loss_with_forward_probs` for the arguments)."""
    return _forward(logits, logit_paddings, labels, label_paddings, blank_id, log_epsilon, keep=False)
