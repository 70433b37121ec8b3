"""optax's ranking loss (``optax/losses/_ranking.py``)."""

from __future__ import annotations

import sys

from .._dispatch import namespace_of
from ..losses import ranking
from ._common import check_floating


def mean(a, where=None):
    """``jnp.mean(a, where=where)`` on the caller's backend: the mean over the entries kept by
    ``where`` (NaN over none). The default ``reduce_fn`` of :func:`ranking_softmax_loss`."""
    return ranking.masked_mean(namespace_of(a, where), a, where)


def _is_mean(reduce_fn):
    # optax treats jnp.mean specially (a mean over no list is 0); the same for multiloss' mean.
    jnp = sys.modules.get("jax.numpy")
    return reduce_fn is mean or (jnp is not None and reduce_fn is jnp.mean)


def ranking_softmax_loss(logits, labels, *, where=None, weights=None, reduce_fn=mean):
    """``optax.losses.ranking_softmax_loss``: the listwise softmax cross-entropy
    ``-sum(y log_softmax(s))`` of each list (last axis), reduced by ``reduce_fn``.

    ``labels`` are relevance grades (cast to the logits' dtype), times ``weights`` if given;
    ``where`` leaves items out, and a list with none left out of the reduction. ``reduce_fn``
    is called as ``reduce_fn(loss, where=list_mask)``; the default, :func:`mean` (optax's
    ``jnp.mean``, on the caller's backend), gives 0 rather than NaN when no list is left (unless a
    loss is NaN), as optax does; ``None`` returns the loss per list, 0 for a list left out.
    Cao et al., ICML 2007; Bruch et al., SIGIR 2019.
    """
    xp = namespace_of(logits, labels, where, weights)
    check_floating("ranking_softmax_loss", logits=logits)
    labels = labels if labels.dtype == logits.dtype else xp.astype(labels, logits.dtype)
    loss = ranking.softmax_ranking(xp, logits, labels, where, weights)
    lists = None if where is None else xp.any(where, axis=-1)
    if reduce_fn is None:
        return loss if lists is None else xp.where(lists, loss, xp.zeros_like(loss))
    output = reduce_fn(loss, where=lists)
    if _is_mean(reduce_fn):
        valid = xp.logical_not(xp.any(xp.isnan(loss)))
        output = xp.where(xp.logical_and(xp.isnan(output), valid), xp.zeros_like(output), output)
    return output
