"""Losses that none of the mirrored libraries has, with PyTorch's conventions.

Arguments are ``(input, target, ..., reduction='mean')`` and reductions are
PyTorch's: ``'none'``, ``'mean'`` over every element (NaN for an empty input)
and ``'sum'``.
"""

from __future__ import annotations

from ._checks import any_true, concrete
from ._dispatch import namespace_of
from ._dtypes import promote_floats
from ._reduction import reduce, torch_reduction
from .losses import sigmoid

__all__ = ["balanced_sigmoid_cross_entropy"]


def balanced_sigmoid_cross_entropy(input, target, beta=None, reduction="mean"):
    """Class-balanced sigmoid cross-entropy of HED, from logits.

    ``l = -beta y log sigmoid(x) - (1 - beta)(1 - y) log sigmoid(-x)``

    Edge maps are about 90% background, so the rare positives are weighted by
    ``beta = |Y-| / |Y|``, the fraction of negative targets, and the negatives
    by ``1 - beta``. By default ``beta`` is computed for each sample, as
    ``mean(1 - target)`` over every axis but the first (for a 1-D input each
    element is its own sample); it is a constant of the targets, not of the
    logits. A given ``beta`` (a number in [0, 1], or an array that broadcasts
    against ``input``) is used as is. Computed through log-sigmoid, so any
    finite logit gives a finite loss and gradient; an infinite logit gives NaN
    where its term is weighted by zero (``0 * inf``), as in
    ``torch.nn.functional.binary_cross_entropy_with_logits``.

    Args:
        input: logits, shape ``(N, ...)``.
        target: targets in [0, 1], the shape of ``input``.
        beta: the positive-class weight; ``None`` for the per-sample fraction of negatives.
        reduction: ``'none'`` | ``'mean'`` | ``'sum'``.

    Raises ``ValueError`` when the shapes differ or a numeric ``beta`` is
    outside [0, 1]; an array ``beta`` is checked in eager mode only.

    Source: S. Xie and Z. Tu, "Holistically-Nested Edge Detection", ICCV 2015, eq. (2).

    One positive among four (``beta = 3/4``), all logits 0: the positive costs
    ``3/4 log 2`` and the three negatives ``3 * 1/4 log 2``:

    >>> import numpy as np
    >>> loss = balanced_sigmoid_cross_entropy(np.zeros((1, 4)), np.array([[1.0, 0.0, 0.0, 0.0]]), reduction="sum")
    >>> round(float(loss), 4)  # 1.5 log 2
    1.0397
    """
    xp = namespace_of(input, target, beta)
    input, target, beta = promote_floats(xp, input, target, beta)
    reduction = torch_reduction(reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({_size(target)}) must be the same as input size ({_size(input)})")
    if beta is None:
        beta = sigmoid.negative_fraction(xp, target)
    elif isinstance(beta, int | float):
        if not 0 <= beta <= 1:
            raise ValueError(f"beta must be between 0 and 1, got {beta}")
    elif concrete(xp, beta) and any_true(xp, xp.logical_not(xp.logical_and(beta >= 0, beta <= 1))):
        raise ValueError("all elements of beta should be between 0 and 1")
    loss = sigmoid.balanced_sigmoid_cross_entropy(xp, input, target, beta)
    return reduce(xp, loss, reduction, empty="nan")


def _size(x):
    # Shapes read as PyTorch prints them, as in binary_cross_entropy_with_logits' message.
    return f"torch.Size([{', '.join(str(d) for d in x.shape)}])"
