"""Losses that none of the mirrored libraries has, with PyTorch's conventions.

Arguments are ``(input, target, ..., reduction='mean')`` and reductions are
PyTorch's: ``'none'``, ``'mean'`` over every element (NaN for an empty input)
and ``'sum'``. The box loss follows ``torchvision.ops``' box losses instead:
``(boxes1, boxes2, reduction='none', eps=1e-7)``, the mean of nothing being 0.
"""

from __future__ import annotations

from ._checks import any_true, concrete
from ._dispatch import namespace_of
from ._dtypes import promote_floats, torch_float_kernel
from ._reduction import TORCH_REDUCTIONS, reduce, torch_reduction
from ._shapes import broadcast_shapes
from .losses import box, overlap, sigmoid

__all__ = ["balanced_sigmoid_cross_entropy", "iou_loss", "dice_loss"]


_BETA_RANGE = "all elements of beta should be between 0 and 1"


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
    torch_float_kernel("log_sigmoid", input=input)
    input, target, beta = promote_floats(xp, input, target, beta, integers=True)
    reduction = torch_reduction(reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"Target size ({_size(target)}) must be the same as input size ({_size(input)})")
    if beta is None:
        beta = sigmoid.negative_fraction(xp, target)
    elif isinstance(beta, int | float):
        if not 0 <= beta <= 1:
            raise ValueError(f"beta must be between 0 and 1, got {beta}")
    elif concrete(xp, beta) and any_true(xp, xp.logical_not(xp.logical_and(beta >= 0, beta <= 1)), _BETA_RANGE):
        raise ValueError(_BETA_RANGE)
    loss = sigmoid.balanced_sigmoid_cross_entropy(xp, input, target, beta)
    return reduce(xp, loss, reduction, empty="nan")


def iou_loss(boxes1, boxes2, reduction="none", eps=1e-7, mode="log"):
    """UnitBox's IoU loss of paired boxes ``(x1, y1, x2, y2)``.

    ``iou = intersection / (union + eps)``, the areas computed as
    torchvision's box losses compute them (an intersection counts only where
    both of its extents are positive), then

    - ``mode='log'``: ``-log(max(iou, eps))``, the paper's ``-ln(IoU)``;
    - ``mode='linear'``: ``1 - iou``;
    - ``mode='square'``: ``1 - iou**2``.

    Boxes that miss each other cost ``-log(eps)`` (16.1) in log mode, with a
    zero gradient. Boxes are not checked for validity (``x1 <= x2``); integer
    and half-precision boxes are computed in float32, as in torchvision.

    Args:
        boxes1, boxes2: boxes of shape ``(N, 4)`` or ``(4,)``; their batch shapes broadcast.
        reduction: ``'none'`` | ``'mean'`` (0 for no boxes) | ``'sum'``.
        eps: added to the union, and the floor of the IoU inside the log.
        mode: ``'log'`` | ``'linear'`` | ``'square'``.

    Raises ``ValueError`` for an unknown mode or reduction, a last axis other
    than 4, or batch shapes that don't broadcast.

    Source: J. Yu, Y. Jiang, Z. Wang, Z. Cao and T. Huang, "UnitBox: An Advanced
    Object Detection Network", ACM MM 2016, eq. (1).

    Two 2 x 2 boxes shifted by one along x overlap in 2 and unite in 6:

    >>> import numpy as np
    >>> a, b = np.array([0.0, 0.0, 2.0, 2.0]), np.array([1.0, 0.0, 3.0, 2.0])
    >>> round(float(iou_loss(a, b)), 4)  # -log(2 / 6) = log 3
    1.0986
    >>> round(float(iou_loss(a, b, mode="linear")), 4), round(float(iou_loss(a, b, mode="square")), 4)
    (0.6667, 0.8889)
    """
    if mode not in box.IOU_MODES:
        raise ValueError(f"mode must be one of {', '.join(map(repr, box.IOU_MODES))}; got {mode!r}")
    if reduction not in TORCH_REDUCTIONS:
        raise ValueError(f"reduction must be one of {', '.join(map(repr, TORCH_REDUCTIONS))}; got {reduction!r}")
    xp = namespace_of(boxes1, boxes2)
    for name, boxes in (("boxes1", boxes1), ("boxes2", boxes2)):
        if len(boxes.shape) == 0 or boxes.shape[-1] not in (4, None):  # None: known only at run time
            raise ValueError(f"{name} must hold boxes (x1, y1, x2, y2) along its last axis, of size 4; "
                             f"got shape {tuple(boxes.shape)}")
    if broadcast_shapes(tuple(boxes1.shape[:-1]), tuple(boxes2.shape[:-1])) is None:
        raise ValueError(f"boxes1 of shape {tuple(boxes1.shape)} and boxes2 of shape {tuple(boxes2.shape)} "
                         "don't broadcast")
    boxes1, boxes2 = box.as_float(xp, boxes1), box.as_float(xp, boxes2)
    return reduce(xp, box.iou_loss(xp, boxes1, boxes2, eps, mode), reduction, empty="zero")


def dice_loss(input, target, smooth=1.0, squared=False, reduction="mean"):
    """V-Net's Dice loss of predicted probabilities against targets, per sample.

    For each sample (summing over every axis but the first)

    ``l = 1 - (2 sum(p g) + smooth) / (sum(p^k) + sum(g^k) + smooth)``

    with ``k = 2`` when ``squared`` (V-Net's form), else ``k = 1``. ``smooth``
    keeps an empty prediction of an empty mask at loss 0 and every gradient
    finite. For a 1-D input each element is its own sample.

    Args:
        input: probabilities, shape ``(N, ...)``.
        target: targets in [0, 1], the shape of ``input``.
        smooth: added to the numerator and the denominator.
        squared: square the terms of the denominator (V-Net) instead of summing them as they are.
        reduction: ``'none'`` (shape ``(N,)``) | ``'mean'`` (NaN for an empty batch) | ``'sum'``.

    Raises ``ValueError`` when the shapes differ or the reduction is unknown.

    Source: F. Milletari, N. Navab and S.-A. Ahmadi, "V-Net: Fully Convolutional
    Neural Networks for Volumetric Medical Image Segmentation", 3DV 2016, eq. (1).

    One sample, prediction ``[1, 0.5]`` against target ``[1, 0]``:
    ``1 - (2 * 1 + 1) / (1.5 + 1 + 1) = 1/7``:

    >>> import numpy as np
    >>> round(float(dice_loss(np.array([[1.0, 0.5]]), np.array([[1.0, 0.0]]))), 4)
    0.1429
    """
    xp = namespace_of(input, target)
    input, target = promote_floats(xp, input, target, integers="float32")  # smooth is a Python float
    reduction = torch_reduction(reduction)
    if tuple(target.shape) != tuple(input.shape):
        raise ValueError(f"target of shape {tuple(target.shape)} must have the shape of input, "
                         f"{tuple(input.shape)}")
    per_sample = tuple(range(1, len(input.shape)))
    loss = overlap.dice(xp, input, target, axis=per_sample, smooth=smooth, squared=squared)
    return reduce(xp, loss, reduction, empty="nan")


def _size(x):
    # Shapes read as PyTorch prints them, as in binary_cross_entropy_with_logits' message.
    return f"torch.Size([{', '.join(str(d) for d in x.shape)}])"
