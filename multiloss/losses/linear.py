"""Linear cross-entropy: the projection to the classes and the softmax cross-entropy in one loss.

``loss_i = cross_entropy(input_i @ linear_weight.T + linear_bias, target_i)``, the loss of a
classifier head (PyTorch 2.13's ``torch.nn.functional.linear_cross_entropy``). Computed whole,
it holds the ``(N, C)`` logits, which for a language model's vocabulary (``C`` in the tens of
thousands) are far larger than the features; computed a chunk of rows at a time
(:func:`chunked_linear_cross_entropy`), it holds one chunk's, in the forward and the backward
pass alike (the backend's ``map_chunks`` recomputes a chunk's logits for its gradient).
"""

from __future__ import annotations

import functools

from . import softmax


def linear(xp, input, linear_weight, linear_bias=None):
    """``input @ linear_weight.T + linear_bias`` (``torch.nn.functional.linear``): ``(..., in)``
    features and a ``(C, in)`` weight give ``(..., C)`` logits."""
    if xp.ndim(input) == 1:  # one sample: a row of one (TensorFlow's matmul takes no vector)
        return linear(xp, xp.expand_dims(input, axis=0), linear_weight, linear_bias)[0, ...]
    return xp.linear(input, linear_weight, linear_bias)  # the backend's: torch's own F.linear there


def chunk_terms(xp, input, target, linear_weight, linear_bias, weight, *, ignore_index, probabilities,
                acc_dtype=None):
    """One chunk's ``(loss, target_weight)`` per row, both ``(rows,)``, computed in ``acc_dtype``.

    Class indices: PyTorch's NLL term ``-w[t] log_softmax(logits)[t]`` and ``w[t]`` (``w[t]`` is 0
    where ``t == ignore_index``, and multiplies the term there too). Probabilities: ``-sum_c w_c p_c
    log_softmax(logits)_c`` and 1 (the mean over probabilities divides by the rows).
    """
    if acc_dtype is not None and input.dtype != acc_dtype:
        input = xp.astype(input, acc_dtype)
        if probabilities:
            target = xp.astype(target, acc_dtype)
    log_probs = xp.log_softmax(linear(xp, input, linear_weight, linear_bias), 1)
    if probabilities:
        loss = softmax.soft_target_cross_entropy(xp, log_probs, target, weight, 0.0, axis=1)
        return loss, xp.ones_like(loss)
    # A chunk's indices were range-checked with the whole target, before the chunks.
    safe, ignored = softmax.mask_ignored(xp, target, ignore_index)
    target_weight = softmax.target_weights(xp, safe, ignored, weight, log_probs.dtype)
    # A product with the weight, 0 at an ignored row, as PyTorch's chunked op scales its rows: a NaN
    # feature there is NaN in the sum, and a mean over no target has a NaN gradient (0 * 1/0).
    return -softmax.pick(xp, log_probs, safe, axis=1) * target_weight, target_weight


def chunked_linear_cross_entropy(xp, input, linear_weight, target, linear_bias=None, weight=None, *,
                                 ignore_index=-100, probabilities=False, chunk_size, acc_dtype=None):
    """``(loss, target_weight)`` per row of :func:`chunk_terms`, ``chunk_size`` rows at a time.

    ``input``: ``(N, in)``; ``linear_weight``: ``(C, in)``; ``target``: ``(N,)`` class indices in
    ``[0, C)`` (or ``ignore_index``) or ``(N, C)`` probabilities. The projection, bias and class
    weights are cast to ``acc_dtype`` once; a chunk's features in its turn. Memory: one chunk's
    ``(chunk_size, C)`` logits and their gradient, whatever ``N``.
    """
    if acc_dtype is not None:
        linear_weight, linear_bias, weight = (a if a is None or a.dtype == acc_dtype else xp.astype(a, acc_dtype)
                                              for a in (linear_weight, linear_bias, weight))
    terms = functools.partial(_terms, xp, ignore_index, probabilities, acc_dtype)
    return xp.map_chunks(terms, (input, target), (linear_weight, linear_bias, weight), chunk_size)


def _terms(xp, ignore_index, probabilities, acc_dtype, input, target, linear_weight, linear_bias, weight):
    return chunk_terms(xp, input, target, linear_weight, linear_bias, weight, ignore_index=ignore_index,
                       probabilities=probabilities, acc_dtype=acc_dtype)
