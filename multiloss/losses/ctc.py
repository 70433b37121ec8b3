"""Connectionist temporal classification: the log-space forward (alpha) recursion, once for every interface.

CTC scores a label sequence ``l`` of length ``L`` against ``T`` frames of class
log-probabilities by summing over every alignment: a path of one class per frame
that, once repeats are merged and blanks removed, reads ``l``. The forward
variables run over the extended sequence ``blank, l_1, blank, l_2, ..., l_L, blank``;
here, as in optax, its states are split in two: ``phi[s]``, the probability of
having emitted ``l_1..l_s`` and sitting on a blank (``phi[0]`` before any frame is
the start), and ``emit[s]``, that of sitting on ``l_{s+1}``. One frame moves

    emit[s] <- (phi[s] (+) emit[s-1] [unless l_s == l_{s+1}] (+) emit[s]) + log p_t(l_{s+1})
    phi[s]  <- (phi[s] (+) emit[s-1]) + log p_t(blank)

with ``(+)`` the log-space sum (``logaddexp``). A repeated label can't be reached
straight from its twin: a blank must separate them. After the last frame the
likelihood of ``l`` is ``phi[L] (+) emit[L-1]``.

The log of an unreachable state is not ``-inf`` but a finite ``floor`` added as a
penalty (optax's ``log_epsilon``; ``FLOOR`` for the exact loss): ``logaddexp`` of
two ``-inf`` has a NaN gradient in every framework, and a finite floor keeps each
step's gradient finite. An alignment that needs more frames than it has then ends
near the floor, which each interface reads as its original does (``inf`` in
PyTorch, TensorFlow's ``log(1e-307)`` penalty, optax's floor itself).

The loop over frames is the backend's ``scan``: ``lax.scan`` on JAX, a
``tf.while_loop`` on TensorFlow, a Python loop on NumPy and torch.

Source: A. Graves et al., "Connectionist Temporal Classification: Labelling
Unsegmented Sequence Data with Recurrent Neural Networks", ICML 2006, eqs. (5)-(8).
"""

from __future__ import annotations

# Far below any reachable log-likelihood (at least T * min log p), far above float32's
# -3.4e38 even after the few additions a step makes: unreachable, yet finite.
FLOOR = -1e30
# TensorFlow's log(0): log(1e-307) in float64, cast to float32 (ctc_ops.ctc_state_log_probs).
TF_LOG_ZERO = -706.8936


def label_log_probs(xp, log_probs, labels, blank):
    """``(log p_t(l_s), log p_t(blank))``: ``(T, N, S)`` and ``(T, N, 1)`` from ``(T, N, C)`` log-probabilities."""
    # The labels broadcast over frames by an addition to zeros of the frames' shape, which works
    # where the number of frames is known only at run time.
    frames = xp.astype(xp.zeros_like(log_probs[:, :, :1]), labels.dtype)
    emit = xp.take_along_axis(log_probs, frames + xp.expand_dims(labels, axis=0), axis=2)
    return emit, log_probs[:, :, blank:blank + 1]


def forward(xp, log_probs, labels, frames, blank, floor=FLOOR, keep=False):
    """The forward recursion over the frames where ``frames`` is True.

    ``log_probs``: ``(T, N, C)`` normalized log-probabilities; ``labels``: ``(N, S)``
    class indices in ``[0, C)`` (past each sequence's length, anything in range);
    ``frames``: ``(T, N)`` bools, False on a frame that is skipped (padding: the
    states carry over it unchanged); ``floor``: the log of an unreachable state.

    Returns ``phi_last``, ``(N, S + 1)``: ``phi_last[n, s]`` is the log-likelihood of
    the first ``s`` labels of sequence ``n``. With ``keep``, also every frame's
    ``(phi, emit)``, ``(T, N, S + 1)`` and ``(T, N, S)``, as optax returns them (the
    last frame's ``phi`` is ``phi_last``).
    """
    emit_lp, blank_lp = label_log_probs(xp, log_probs, labels, blank)
    dtype = log_probs.dtype
    # repeat[n, s]: l_{s+1} == l_{s+2}. The skip from emit[s] to emit[s+1] is then penalized
    # by the floor, and the blank after emit[s] is the only way on (optax's arithmetic, so
    # that its floor-valued answers come out the same).
    same = labels[:, :-1] == labels[:, 1:]
    repeat = xp.astype(xp.concat([same, xp.zeros_like(labels[:, :1], dtype=xp.bool)], axis=1), dtype)
    skip_penalty, blank_penalty = floor * repeat, floor * (1 - repeat)
    emit = xp.zeros_like(emit_lp[0, ...]) + floor
    phi = xp.concat([xp.zeros_like(blank_lp[0, ...]), emit], axis=1)

    def step(carry, x):
        phi, emit = carry
        lp_emit, lp_blank, valid = x
        entry = xp.concat([phi[:, :1], xp.logaddexp(phi[:, 1:], emit + skip_penalty)], axis=1)
        new_emit = xp.logaddexp(entry[:, :-1] + lp_emit, emit + lp_emit)
        new_phi = entry + lp_blank
        new_phi = xp.concat([new_phi[:, :1], xp.logaddexp(new_phi[:, 1:], emit + lp_blank + blank_penalty)], axis=1)
        # where, not a blend: a skipped frame passes its states on exactly.
        return xp.where(valid, new_phi, phi), xp.where(valid, new_emit, emit)

    valid = xp.expand_dims(frames, axis=2)
    out = xp.scan(step, (phi, emit), (emit_lp, blank_lp, valid), keep=keep)
    (phi, emit), kept = out if keep else (out, None)
    phi_last = _close(xp, phi, emit)
    if not keep:
        return phi_last
    phis, emits = kept
    phis = xp.concat([phis[:-1, ...], xp.expand_dims(phi_last, axis=0)], axis=0)
    return phi_last, phis, emits


def _close(xp, phi, emit):
    # The last label may end the sequence itself: emit[s-1] joins phi[s].
    return xp.concat([phi[:, :1], xp.logaddexp(phi[:, 1:], emit)], axis=1)


def likelihood(xp, phi_last, lengths):
    """``phi_last[n, lengths[n]]``: the log-likelihood of each whole label sequence."""
    index = xp.expand_dims(lengths, axis=1)
    return xp.squeeze(xp.take_along_axis(phi_last, index, axis=1), axis=1)


def tf_likelihood(xp, phi_last, lengths):
    """TensorFlow's dense CTC likelihood: every end state counts, all but the sequence's own
    (``phi_last[n, lengths[n]]``) weighted by ``exp(TF_LOG_ZERO)``, so that an impossible
    alignment is about 707 (the best wrong end), not ``inf``."""
    states = xp.arange(phi_last.shape[1], dtype=lengths.dtype, device=xp.device(lengths))
    own = xp.expand_dims(states, axis=0) == xp.expand_dims(lengths, axis=1)
    penalty = xp.where(own, xp.zeros_like(phi_last), xp.zeros_like(phi_last) + TF_LOG_ZERO)
    return xp.logsumexp(phi_last + penalty, axis=1)


def frames_before(xp, lengths, like):
    """``(T, N)`` bools, ``t < lengths[n]``, for frames laid out as ``like``'s first two axes ``(T, N)``."""
    t = xp.astype(xp.zeros_like(like[:, :, 0]), lengths.dtype)
    t = xp.cumulative_sum(t + 1, axis=0) - 1
    return t < xp.expand_dims(lengths, axis=0)


def padded_from_concatenated(xp, targets, lengths):
    """``(N, S)`` padded labels from PyTorch's 1-D concatenation of ``N`` sequences (``S`` is the
    concatenation's length, known without reading a value; past each length the labels repeat
    the last in-range one)."""
    total = targets.shape[0]
    ends = xp.cumulative_sum(lengths, axis=0)
    starts = ends - lengths
    offsets = xp.arange(max(total, 1), dtype=lengths.dtype, device=xp.device(lengths))
    index = xp.expand_dims(starts, axis=1) + xp.expand_dims(offsets, axis=0)
    index = xp.clip(index, min=0, max=max(total - 1, 0))
    if total == 0:
        return xp.zeros_like(xp.astype(index, targets.dtype))[:, :0]
    return xp.reshape(xp.take(targets, xp.reshape(index, (-1,)), axis=0), (-1, total))


def torch_ctc(xp, log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
    """PyTorch's per-sample CTC loss (``ctc_loss(..., reduction='none')``) with PyTorch's gradient.

    ``log_probs``: ``(T, N, C)``; ``targets``: ``(N, S)`` padded or 1-D concatenated;
    lengths ``(N,)``. An impossible alignment is ``inf`` (0 under ``zero_infinity``).

    PyTorch's backward returns ``exp(log_probs) - occupancy`` on each sample's frames,
    not the derivative ``-occupancy``: it is the logits' gradient once ``log_softmax``'s
    backward has run (that subtracts ``softmax * sum_c``, and ``sum_c`` of it is 0). The
    extra ``exp(log_probs)`` comes here from a term of value 0,
    ``sum exp(lp) (lp - stop_gradient(lp))``; an infinite loss has NaN gradients on its
    frames as in PyTorch (0 under ``zero_infinity``).
    """
    if xp.ndim(targets) == 1:
        targets = padded_from_concatenated(xp, targets, target_lengths)
    classes = log_probs.shape[2]
    labels = xp.clip(targets, min=0, max=classes - 1) if classes else targets
    frames = frames_before(xp, input_lengths, log_probs)
    log_likelihood = likelihood(xp, forward(xp, log_probs, labels, frames, blank), target_lengths)
    impossible = log_likelihood < FLOOR / 2
    inf = xp.zeros_like(log_likelihood) + (0.0 if zero_infinity else xp.inf)
    fixed = xp.stop_gradient(log_probs)
    # lp - stop_gradient(lp): 0, with the slope 1. A log-probability that is not finite is left
    # out of it: -inf - -inf is NaN (and -inf is p = 0, whose exp(lp) term is 0), and a NaN or
    # inf off the labels and the blank must not reach the loss (PyTorch never reads it).
    finite = xp.where(xp.isfinite(fixed), log_probs, xp.zeros_like(fixed))
    slope_one = finite - xp.stop_gradient(finite)
    own_frames = xp.astype(xp.expand_dims(frames, axis=2), log_probs.dtype)
    moved = own_frames * slope_one  # 0, with the slope 1 on each sample's own frames
    # exp(lp) past float's range (no log-probability is above 0) or NaN adds no slope: inf or NaN
    # times 0 is NaN
    weight = xp.exp(fixed)
    weight = xp.where(weight < xp.inf, weight, xp.zeros_like(weight))
    extra = xp.sum(weight * moved, axis=(0, 2))
    if zero_infinity:
        extra = xp.where(impossible, xp.zeros_like(extra), extra)
    else:
        # sqrt at 0 has an infinite slope, times the 0 slope of its argument: NaN, of value 0.
        # The double where keeps it off the other samples (sqrt(1) there, whose slope is finite).
        # A where, not a product, confines it to the sample's own frames (inf times 0 is NaN).
        nothing = xp.where(xp.expand_dims(frames, axis=2), slope_one * 0.0, xp.zeros_like(fixed))
        root = xp.where(impossible, xp.sum(nothing, axis=(0, 2)), xp.ones_like(extra))
        extra = extra + xp.where(impossible, xp.sqrt(root), xp.zeros_like(extra))
    return xp.where(impossible, inf, -log_likelihood) + extra


def tf_ctc(xp, log_probs, labels, label_lengths, frame_lengths, blank):
    """TensorFlow's dense ``ctc_loss`` per sequence (``tf.nn.ctc_loss``, and Keras' ``ctc`` on it):
    ``-log p(labels)`` over each sequence's first ``frame_lengths`` frames (None: every frame,
    and every label length in ``[0, S]``, as Keras counts them), read with :func:`tf_likelihood`,
    so that an impossible alignment (a label length beyond the labels included) is TensorFlow's
    finite ~707 rather than ``inf``.

    Where the framework has a CTC kernel of its own (torch's, on the host), the sequences it
    gives exactly come from it (:func:`_own_kernel`), and the recursion runs only if one is left.
    """
    classes = log_probs.shape[2]
    labels = xp.clip(labels, min=0, max=classes - 1) if classes else labels
    def recursion():
        if frame_lengths is None:
            frames = xp.zeros_like(log_probs[:, :, 0]) == 0
        else:
            frames = frames_before(xp, frame_lengths, log_probs)
        return -tf_likelihood(xp, forward(xp, log_probs, labels, frames, blank), label_lengths)

    own = _own_kernel(xp, log_probs, labels, label_lengths, blank, _TF_OWN_STATE_ONLY, frame_lengths)
    return _kernel_else(xp, own, recursion)


# Below this -log p, TensorFlow's sum over the end states is the sequence's own state's to the
# last bit: every other state adds at most exp(TF_LOG_ZERO) = 1e-307 to its p >= exp(-600), a
# part in 1e46 per state.
_TF_OWN_STATE_ONLY = 600.0
# A path through a state at optax's floor weighs at most exp(floor) against p = 1; at -log p below
# -floor - 800 that is exp(-800) of p, below float64's smallest part of it.
_FLOOR_REACH = 800.0


def optax_ctc(xp, log_probs, labels, label_lengths, frames, blank, floor, own_kernel=True):
    """optax's ``ctc_loss`` per sequence: ``-phi_last[n, label_lengths[n]]`` of the recursion with
    unreachable states at ``floor``, over the frames where ``frames`` (``(T, N)``) is True.

    Where the framework has a CTC kernel of its own (torch's, on the host), the sequences whose
    frames are a prefix and whose ``-log p`` is out of the floor's reach (under
    ``-floor - _FLOOR_REACH``) come from it (:func:`_own_kernel`); the recursion runs only if one
    is left. ``own_kernel=False``: the recursion only.
    """
    def recursion():
        return -likelihood(xp, forward(xp, log_probs, labels, frames, blank, floor=floor),
                           xp.clip(label_lengths, min=0, max=labels.shape[1]))

    own = None
    if own_kernel and type(floor) in (int, float) and -floor > 2 * _FLOOR_REACH:
        own = _own_kernel(xp, log_probs, labels, label_lengths, blank, -floor - _FLOOR_REACH, frames=frames)
    return _kernel_else(xp, own, recursion)


def _kernel_else(xp, own, recursion):
    """The kernel's loss (:func:`_own_kernel`'s ``own``) where it is exact, ``recursion()``'s elsewhere;
    the recursion runs only where the kernel is not exact everywhere (or there is none)."""
    if own is None:
        return recursion()
    loss, exact, all_exact = own
    return loss if all_exact else xp.where(exact, loss, recursion())


def _own_kernel(xp, log_probs, labels, label_lengths, blank, below, frame_lengths=None, frames=None):
    """``(loss, exact, all exact)`` from the framework's own CTC kernel (``xp.own_ctc``), or None
    where it has none for these arrays. The frames are each sequence's first ``frame_lengths``,
    those where ``frames`` (``(T, N)``) is True, or (neither given) all, with every label length
    known to be in ``[0, S]``. ``exact``: the sequences whose loss it is, a possible alignment
    with ``-log p`` in ``(0, below)``, a label length in ``[0, S]``, and no frame after a skipped
    one; the others, 0 from the kernel with no gradient, are the recursion's. ``all exact`` is
    read on the host, where the kernel runs."""
    if not xp.serves_own_ctc(log_probs, labels, blank):
        return None
    exact = None
    if frames is not None:
        frame_lengths = xp.astype(xp.sum(frames, axis=0), label_lengths.dtype)
        exact = xp.all(frames[:-1, ...] >= frames[1:, ...], axis=0)
    if frame_lengths is None:
        frame_lengths = xp.full_like(label_lengths, log_probs.shape[0])
    else:  # the kernel refuses lengths out of range: the nearest in range
        frame_lengths = xp.clip(frame_lengths, min=0, max=log_probs.shape[0])
        clipped = xp.clip(label_lengths, min=0, max=labels.shape[1])
        in_range = clipped == label_lengths
        exact, label_lengths = in_range if exact is None else exact & in_range, clipped
    loss = xp.own_ctc(log_probs, labels, frame_lengths, label_lengths, blank)
    if loss is None:
        return None
    possible = (loss > 0) & (loss < below)
    exact = possible if exact is None else possible & exact
    return loss, exact, bool(xp.all(exact))
