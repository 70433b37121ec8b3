"""Softmax cross-entropy: the shared primitives of the categorical losses.

Every function takes ``xp`` and returns the unreduced loss, with the class axis removed.
"""


def cross_entropy_with_log_probs(xp, log_probs, labels, axis=-1):
    """``-sum(labels * log_probs, axis)``: cross-entropy against a target distribution."""
    return -xp.sum(labels * log_probs, axis=axis)


def softmax_cross_entropy(xp, logits, labels, axis=-1):
    """``-sum(labels * log_softmax(logits), axis)``, stable for logits of any magnitude (log-sum-exp)."""
    return cross_entropy_with_log_probs(xp, xp.log_softmax(logits, axis), labels, axis)


def pick(xp, values, indices, axis=-1):
    """``values`` at ``indices`` along ``axis`` (the axis is removed); ``indices`` has the other axes' shape."""
    picked = xp.take_along_axis(values, xp.expand_dims(indices, axis=axis), axis=axis)
    return xp.squeeze(picked, axis=axis)


def sparse_softmax_cross_entropy(xp, logits, indices, axis=-1):
    """``logsumexp(logits) - logits[index]``: cross-entropy against class indices."""
    return -pick(xp, xp.log_softmax(logits, axis), indices, axis)
