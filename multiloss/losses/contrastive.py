"""Contrastive losses on a batch of embeddings: every pair is scored, same-label pairs are positives.

Chen et al., "A Simple Framework for Contrastive Learning of Visual Representations" (SimCLR,
NT-Xent), ICML 2020.
"""

import math


def cosine_matrix(xp, embeddings, epsilon):
    """``cos(e_i, e_j)`` for every pair of rows, each squared norm clipped below at ``epsilon``."""
    norms = xp.sqrt(xp.clip(xp.sum(embeddings * embeddings, axis=-1, keepdims=True), min=epsilon))
    unit = embeddings / norms
    # a matrix product: N**2 values, where optax's broadcast product holds N**2 D of them
    return xp.matmul(unit, xp.moveaxis(unit, 0, 1))


def ntxent(xp, similarities, matches, others):
    """NT-Xent over a similarity matrix already divided by the temperature: for each positive pair
    ``(i, j)`` (``matches``, the diagonal excluded), ``-log(exp(s_ij) / (exp(s_ij) + sum_k exp(s_ik)))``
    with ``k`` over the pairs of other labels (``others``); the mean over the positive pairs.

    Each row is shifted by its largest score (held constant for autodiff) before the exponentials.
    """
    minus_inf = xp.full_like(similarities, -math.inf)
    positive = xp.where(matches, similarities, minus_inf)
    negative = xp.where(others, similarities, minus_inf)
    peak = xp.stop_gradient(xp.max(xp.concat([negative, positive], axis=-1), axis=-1, keepdims=True))
    positive, negative = positive - peak, negative - peak
    denominator = xp.sum(xp.exp(negative), axis=-1, keepdims=True) + xp.exp(positive)
    # off the positive pairs the denominator may underflow to 0: a 1 there keeps log's 0/0 out of
    # the gradient (the double where), and the value is dropped below anyway
    denominator = xp.where(matches, denominator, xp.ones_like(denominator))
    log_ratio = positive - xp.log(denominator)
    picked = xp.where(matches, log_ratio, xp.zeros_like(log_ratio))
    return -xp.sum(picked) / xp.sum(xp.astype(matches, similarities.dtype))
