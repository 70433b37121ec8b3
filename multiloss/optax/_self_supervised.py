"""optax's self-supervised losses (``optax/losses/_self_supervised.py``): NT-Xent and the triplet margin loss."""

from __future__ import annotations

from .._dispatch import namespace_of
from ..losses import contrastive
from ..losses import margin as margins  # the name margin is an argument here
from ._common import check_floating, promote


def ntxent(embeddings, labels, temperature=0.07):
    """``optax.losses.ntxent``: the normalised temperature-scaled cross-entropy of SimCLR, one scalar
    for the batch: the mean over the pairs of distinct rows with equal labels of
    ``-log(exp(c_ij / T) / (exp(c_ij / T) + sum_k exp(c_ik / T)))``, ``k`` over the rows of another
    label, ``c`` the cosine similarity (squared norms clipped at the dtype's epsilon).
    Chen et al., ICML 2020.

    ``embeddings`` ``(N, D)`` must be floating (TypeError); ``labels`` ``(N,)`` must have ``N`` rows
    (ValueError). With no positive pair the loss is NaN (0 / 0), as in optax.
    """
    xp = namespace_of(embeddings, labels)
    check_floating("ntxent", embeddings=embeddings)
    if labels.shape[0] != embeddings.shape[0]:
        raise ValueError("Labels and embeddings must have the same leading dimension, found "
                         f"{labels.shape[0]} for labels and {embeddings.shape[0]} for embeddings.")
    similarities = contrastive.cosine_matrix(xp, embeddings, float(xp.finfo(embeddings.dtype).eps)) / temperature
    same = xp.expand_dims(labels, axis=1) == xp.expand_dims(labels, axis=0)
    # xp.size: a tensor where the batch is known only at run time (tf.function), which arange takes
    rows = xp.arange(xp.size(labels), dtype=xp.int32, device=xp.device(labels))
    diagonal = xp.expand_dims(rows, axis=1) == xp.expand_dims(rows, axis=0)
    matches = xp.logical_and(same, xp.logical_not(diagonal))
    return contrastive.ntxent(xp, similarities, matches, xp.logical_not(same))


def triplet_margin_loss(anchors, positives, negatives, axis=-1, norm_degree=2, margin=1.0, eps=1e-6):
    """``optax.losses.triplet_margin_loss``: ``max(d(a, p) - d(a, n) + margin, 0)`` with
    ``d(x, y) = (sum((x - y)**norm_degree, axis) + eps)**(1 / norm_degree)``.

    optax puts ``eps`` inside the root and takes no absolute value: an odd ``norm_degree`` sums
    signed differences (PyTorch's ``triplet_margin_loss`` uses ``||x - y + eps||_p``). All three
    inputs must be floating. Schroff et al., FaceNet, CVPR 2015.
    """
    xp = namespace_of(anchors, positives, negatives)
    check_floating("triplet_margin_loss", anchors=anchors, positives=positives, negatives=negatives)
    anchors, positives, negatives = promote(xp, anchors, positives, negatives)
    positive = margins.root_distance(xp, anchors, positives, norm_degree, eps, axis)
    negative = margins.root_distance(xp, anchors, negatives, norm_degree, eps, axis)
    return margins.optax_triplet(xp, positive, negative, margin)
