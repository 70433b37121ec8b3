"""Listwise ranking losses: one loss per list of scored items with graded relevance labels.

Cao et al., "Learning to Rank: From Pairwise Approach to Listwise Approach" (ListNet), ICML 2007;
Bruch et al., "An Analysis of the Softmax Cross Entropy Loss for Learning-to-Rank", SIGIR 2019.
"""

from . import masked


def softmax_ranking(xp, logits, labels, where=None, weights=None):
    """``-sum(y log_softmax(s))`` over each list (last axis), the labels ``y`` unnormalised
    relevance (times ``weights``), the items where ``where`` is False out of the softmax and the
    sum (optax's ``ranking_softmax_loss`` before its reduction)."""
    if where is not None:
        labels = xp.where(where, labels, xp.zeros_like(labels))
    if weights is not None:
        labels = labels * weights
    return -masked.masked_sum(xp, labels * masked.log_softmax(xp, logits, -1, where), -1, where)


def masked_mean(xp, values, where=None):
    """``mean(values)`` over the entries where ``where`` holds (``jnp.mean(values, where=where)``):
    NaN when there are none."""
    if where is None:
        return xp.mean(values)
    count = xp.sum(xp.astype(where, values.dtype))
    return masked.masked_sum(xp, values, None, where) / count
