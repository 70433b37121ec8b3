"""Label sequences against frames of class scores: the inputs of CTC, in every original's layout.

``T`` frames, a batch of ``N`` sequences, ``C`` classes (0 and ``C - 1`` are never
labels, so either serves as the blank), at most ``S`` labels per sequence. Roles:

- ``log_probs``: ``(T, N, C)`` log-probabilities (PyTorch's layout);
  ``logits``: ``(N, T, C)`` raw scores (Keras', optax's, TensorFlow's batch-major);
  ``time_major_logits``: the same scores as ``(T, N, C)``;
- ``targets``: ``(N, S)`` int64 labels, 0 past each sequence's length (Keras' padding);
- ``input_lengths``, ``target_lengths``: ``(N,)`` int64;
- ``logit_paddings``, ``label_paddings``: ``(N, T)`` and ``(N, S)`` floats, 1.0 on padding (optax);
- ``sample_weight``, ``row_weight``, ``zero_weight``: Keras' sample weights.

Draws repeat a label now and then (a repeat needs a blank between its twins) and
leave each sequence enough frames. The edges bring the hard cases: repeats only,
empty targets, frames just enough, and impossible alignments (fewer frames than
the labels and their separating blanks need).
"""

import numpy as np

from . import edge, keras_weights, kind

FRAMES, BATCH, CLASSES, LABELS = 12, 4, 6, 5


def _sequences(rng, batch, lengths):
    """Labels in ``[1, C - 2]``, each repeating the one before with probability 1/3."""
    labels = np.zeros((batch, LABELS), np.int64)
    for n, length in enumerate(lengths):
        for s in range(length):
            repeat = s > 0 and rng.uniform() < 1 / 3
            labels[n, s] = labels[n, s - 1] if repeat else rng.integers(1, CLASSES - 1)
    return labels


def build(rng, dtype, labels, target_lengths, input_lengths):
    """Every role from the labels ``(N, S)`` and the two lengths."""
    batch = len(target_lengths)
    target_lengths = np.asarray(target_lengths, np.int64)
    input_lengths = np.asarray(input_lengths, np.int64)
    logits = rng.normal(scale=1.5, size=(FRAMES, batch, CLASSES))
    shifted = logits - logits.max(axis=-1, keepdims=True)
    log_probs = shifted - np.log(np.exp(shifted).sum(axis=-1, keepdims=True))
    labels = np.where(np.arange(LABELS) < target_lengths[:, None], labels, 0).astype(np.int64)
    return {
        "log_probs": log_probs.astype(dtype),
        "logits": np.ascontiguousarray(logits.transpose(1, 0, 2)).astype(dtype),
        "time_major_logits": logits.astype(dtype),
        "targets": labels,
        "input_lengths": input_lengths,
        "target_lengths": target_lengths,
        "logit_paddings": (np.arange(FRAMES) >= input_lengths[:, None]).astype(dtype),
        "label_paddings": (np.arange(LABELS) >= target_lengths[:, None]).astype(dtype),
        **keras_weights(rng, dtype, batch),
    }


@kind("sequences", batch_axis=0)
def sequences(rng, dtype, batch=BATCH):
    target_lengths = rng.integers(1, LABELS + 1, size=batch)
    input_lengths = rng.integers(FRAMES - 3, FRAMES + 1, size=batch)
    if batch:  # the longest target, and all the frames, at least once
        target_lengths[0], input_lengths[-1] = LABELS, FRAMES
    return build(rng, dtype, _sequences(rng, batch, target_lengths), target_lengths, input_lengths)


@edge("sequences")
def repeats(rng, dtype):
    """Every label repeated (2 2 2 2 2: four separating blanks), in every sequence."""
    labels = np.array([[2] * LABELS, [3] * LABELS, [1, 1, 2, 2, 3], [4, 4, 4, 1, 0]])
    return build(rng, dtype, labels, [5, 5, 5, 4], [FRAMES, 11, FRAMES, 10])


@edge("sequences")
def tight(rng, dtype):
    """Frames just enough: the labels plus one blank between each pair of twins."""
    labels = np.array([[2, 2, 2, 2, 2], [1, 2, 3, 4, 1], [3, 3, 1, 0, 0], [1, 1, 0, 0, 0]])
    return build(rng, dtype, labels, [5, 5, 3, 2], [9, 5, 4, 3])


@edge("sequences")
def empty_targets(rng, dtype):
    """Sequences with no label at all (only blanks align), beside ordinary ones."""
    labels = np.array([[0] * LABELS, [1, 2, 3, 0, 0], [0] * LABELS, [4, 4, 0, 0, 0]])
    return build(rng, dtype, labels, [0, 3, 0, 2], [FRAMES, 10, 9, FRAMES])


@edge("sequences")
def impossible(rng, dtype):
    """Alignments that can't exist: 5 labels in 3 frames, and twins without a frame for their blank."""
    labels = np.array([[1, 2, 3, 4, 1], [2, 2, 2, 0, 0], [1, 2, 3, 0, 0], [3, 3, 0, 0, 0]])
    return build(rng, dtype, labels, [5, 3, 3, 2], [3, 4, FRAMES, 2])


@edge("sequences")
def full_frames(rng, dtype):
    """Every sequence uses all the frames (Keras' convention: it has no input lengths)."""
    arrays = sequences(rng, dtype)
    return build(rng, dtype, arrays["targets"], arrays["target_lengths"], [FRAMES] * BATCH)


@edge("sequences")
def concatenated(rng, dtype):
    """PyTorch's 1-D targets: the sequences concatenated, without padding."""
    arrays = sequences(rng, dtype)
    lengths = arrays["target_lengths"]
    arrays["targets"] = np.concatenate([row[:length] for row, length in zip(arrays["targets"], lengths)])
    return arrays


@edge("sequences")
def tuple_lengths(rng, dtype):
    """The lengths as Python tuples, as PyTorch accepts them."""
    arrays = sequences(rng, dtype)
    arrays["input_lengths"] = tuple(int(v) for v in arrays["input_lengths"])
    arrays["target_lengths"] = tuple(int(v) for v in arrays["target_lengths"])
    return arrays


@edge("sequences")
def empty(rng, dtype):
    """A batch of no sequences."""
    return sequences(rng, dtype, batch=0)


@edge("sequences")
def input_too_long(rng, dtype):
    """An input length beyond the frames there are."""
    arrays = sequences(rng, dtype)
    arrays["input_lengths"][1] = FRAMES + 2
    return arrays


@edge("sequences")
def target_too_long(rng, dtype):
    """A target length beyond the padded targets' width."""
    arrays = sequences(rng, dtype)
    arrays["target_lengths"][1] = LABELS + 1
    return arrays


@edge("sequences")
def batch_major(rng, dtype):
    """TensorFlow's batch-major layout in the time-major role: ``(N, T, C)`` logits."""
    arrays = sequences(rng, dtype)
    arrays["time_major_logits"] = arrays["logits"]
    return arrays
