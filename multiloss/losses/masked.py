"""Reductions and softmaxes restricted to a mask: the ``where`` argument of optax's losses.

``where`` is a boolean array broadcast against the values; an entry where it is
False takes no part in the sum or the normalisation (``jnp.sum(x, where=...)``,
``jax.nn.log_softmax(x, where=...)``). Each masked entry is replaced by a
neutral value with a ``where`` (a select, never a product), so that an
infinite or NaN value there reaches neither the result nor the gradient.
"""

import math


def masked_sum(xp, x, axis=-1, where=None, keepdims=False):
    """``sum(x, axis)`` over the entries where ``where`` holds (all of them without ``where``)."""
    if where is not None:
        x = xp.where(where, x, xp.zeros_like(x))
    return xp.sum(x, axis=axis, keepdims=keepdims)


def masked_logits(xp, logits, where):
    """``logits`` with the masked entries at ``-inf``: out of every softmax and log-sum-exp."""
    if where is None:
        return logits
    return xp.where(where, logits, xp.full_like(logits, -math.inf))


def log_softmax(xp, logits, axis=-1, where=None):
    """``jax.nn.log_softmax(logits, axis, where)``: normalised over the unmasked entries, ``-inf``
    at the masked ones (a row with none unmasked is ``-inf`` throughout)."""
    if where is None:
        return xp.log_softmax(logits, axis)
    out = xp.log_softmax(masked_logits(xp, logits, where), axis)
    return xp.where(where, out, xp.full_like(out, -math.inf))


def softmax(xp, logits, axis=-1, where=None):
    """``jax.nn.softmax(logits, axis, where)``: 0 at the masked entries, NaN over a row with a NaN."""
    if where is None:
        return xp.nan_spreading_softmax(logits, axis)
    out = xp.nan_spreading_softmax(masked_logits(xp, logits, where), axis)
    return xp.where(where, out, xp.zeros_like(out))


def logsumexp(xp, logits, axis=-1, where=None):
    """``log(sum(exp(logits), axis))`` over the unmasked entries (``-inf`` where there are none)."""
    return xp.logsumexp(masked_logits(xp, logits, where), axis)
