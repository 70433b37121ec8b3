"""``torchvision.ops`` losses: the same names, arguments, defaults and errors, on every backend."""

from __future__ import annotations

from ._dispatch import namespace_of
from ._dtypes import promote_floats, torch_float_kernel
from ._fused import fuse_functions
from ._plan import Plans, math_backend, math_kernel, plain_number, same_float_dtype
from ._reduction import reduce
from ._shapes import broadcast_shapes, first_mismatch
from .losses import box, sigmoid
from .pytorch._sigmoid import binary_cross_entropy_with_logits

__all__ = ["sigmoid_focal_loss", "generalized_box_iou_loss", "distance_box_iou_loss", "complete_box_iou_loss"]

REDUCTIONS = ("none", "mean", "sum")


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction="none"):
    """``torchvision.ops.sigmoid_focal_loss``: RetinaNet's focal loss on logits.

    ``alpha_t (1 - p_t)**gamma * bce_with_logits(x, y)`` with ``p = sigmoid(x)``,
    ``p_t = p y + (1 - p)(1 - y)`` and ``alpha_t = alpha y + (1 - alpha)(1 - y)``;
    ``alpha = -1`` turns the class weight off (any other value outside [0, 1]
    raises ``ValueError``). ``reduction`` is ``'none'`` (the default), ``'mean'``
    (NaN for an empty input) or ``'sum'``; another value raises ``ValueError``
    after the loss is computed, as torchvision does.

    Source: Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017.
    """
    plan = _FOCAL_PLANS("sigmoid_focal_loss", inputs, targets, None, alpha, gamma, reduction)
    out = None if plan is None else plan(inputs, targets)
    if out is not None:
        return out
    if not (0 <= alpha <= 1) and alpha != -1:
        raise ValueError(f"Invalid alpha value: {alpha}. alpha must be in the range [0,1] or -1 for ignore.")
    xp = namespace_of(inputs, targets)
    inputs, targets = promote_floats(xp, inputs, targets)
    torch_float_kernel("log_sigmoid", inputs=inputs)  # the BCE below refuses what sigmoid takes
    ce_loss = binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    return _focal(xp, inputs, targets, ce_loss, alpha, gamma, reduction)


def _focal(xp, inputs, targets, ce_loss, alpha, gamma, reduction):
    loss = ce_loss * sigmoid.focal_factor(xp, xp.sigmoid(inputs), targets, gamma)
    if alpha >= 0:
        loss = sigmoid.class_balance(targets, alpha) * loss
    return _reduce(xp, loss, reduction, empty="nan")


def _planned_focal(xp, inputs, targets, alpha, gamma, reduction):
    # binary_cross_entropy_with_logits of one float dtype and one shape, reduction 'none', is its math alone
    return _focal(xp, inputs, targets, sigmoid.torch_logit_bce(xp, inputs, targets), alpha, gamma, reduction)


def _decide_focal(name, sig, alpha, gamma, reduction):
    """For arrays of one float dtype and one shape (checked per call), a valid ``alpha`` and ``reduction``
    and a number ``gamma``: the math, where it may serve (:func:`multiloss._plan.math_backend`)."""
    xp = math_backend(*sig[0::3])
    if (xp is None or not same_float_dtype(sig[1], sig[4]) or sig[6] is not type(None) or reduction not in REDUCTIONS
            or not (plain_number(alpha) and (0 <= alpha <= 1 or alpha == -1)) or not plain_number(gamma)):
        return None
    return math_kernel(xp, _planned_focal, same_shape=True, alpha=alpha, gamma=gamma, reduction=reduction)


_FOCAL_PLANS = Plans(_decide_focal)


def generalized_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """``torchvision.ops.generalized_box_iou_loss``: ``1 - iou + (area_c - union) / (area_c + eps)``.

    Boxes are ``(x1, y1, x2, y2)``, shape ``(N, 4)`` or ``(4,)``; ``area_c`` is
    the area of the smallest box enclosing both. ``reduction`` is ``'none'``
    (the default), ``'mean'`` (0 for an empty input) or ``'sum'``.

    Source: Rezatofighi et al., "Generalized Intersection over Union", CVPR 2019.

    >>> import numpy as np
    >>> float(generalized_box_iou_loss(np.array([0.0, 0, 2, 2]), np.array([2.0, 0, 4, 2])))  # touching: iou 0, no gap
    1.0
    """
    xp, boxes1, boxes2 = _boxes(boxes1, boxes2)
    return _reduce(xp, box.generalized_iou(xp, boxes1, boxes2, eps), reduction)


def distance_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """``torchvision.ops.distance_box_iou_loss``: ``1 - iou + rho**2 / (c**2 + eps)``.

    ``rho`` is the distance between the centres, ``c`` the diagonal of the
    enclosing box; boxes and reductions as in :func:`generalized_box_iou_loss`.

    Source: Zheng et al., "Distance-IoU Loss", AAAI 2020.

    >>> import numpy as np
    >>> round(float(distance_box_iou_loss(np.array([0.0, 0, 2, 2]), np.array([2.0, 0, 4, 2]))), 4)  # 1 + 2**2 / (4**2 + 2**2)
    1.2
    """
    xp, boxes1, boxes2 = _boxes(boxes1, boxes2)
    loss, _ = box.distance_iou(xp, boxes1, boxes2, eps)
    return _reduce(xp, loss, reduction)


def complete_box_iou_loss(boxes1, boxes2, reduction="none", eps=1e-7):
    """``torchvision.ops.complete_box_iou_loss``: the DIoU loss plus ``alpha v``, an aspect-ratio term.

    ``v = 4 / pi**2 (atan(w2 / h2) - atan(w1 / h1))**2`` and
    ``alpha = v / (1 - iou + v + eps)``, a constant for the gradient. As in
    torchvision, the DIoU part uses eps = 1e-7 whatever ``eps`` is; a box of
    zero height gives a NaN gradient, and two identical point boxes a NaN loss.

    Source: Zheng et al., "Distance-IoU Loss", AAAI 2020.
    """
    xp, boxes1, boxes2 = _boxes(boxes1, boxes2)
    return _reduce(xp, box.complete_iou(xp, boxes1, boxes2, eps), reduction)


def _boxes(boxes1, boxes2):
    """The namespace and both box arrays, upcast to float32 unless float32 or float64 (torchvision's rule).

    torchvision does not check its boxes; the checks here raise the errors its
    code runs into, with messages that say what is wrong: ``IndexError`` for a
    0-d array, ``ValueError`` for a last axis other than 4 (four corners are
    unpacked from it), ``RuntimeError`` (torch's broadcasting error) for batch
    shapes that don't broadcast, and ``IndexError`` where ``boxes1`` has fewer
    boxes than the broadcast (its intersections are written into an array of
    ``boxes1``'s shape).
    """
    xp = namespace_of(boxes1, boxes2)
    for name, boxes in (("boxes1", boxes1), ("boxes2", boxes2)):
        if len(boxes.shape) == 0:
            raise IndexError(f"{name} is 0-d; boxes are (x1, y1, x2, y2) along the last axis")
        if boxes.shape[-1] not in (4, None):  # None: known only at run time
            raise ValueError(f"{name} must hold boxes (x1, y1, x2, y2) along its last axis, of size 4; "
                             f"got shape {tuple(boxes.shape)}")
    a, b = tuple(boxes1.shape[:-1]), tuple(boxes2.shape[:-1])
    both = broadcast_shapes(a, b)
    if both is None:
        da, db, dim = first_mismatch(a, b)
        raise RuntimeError(
            f"The size of tensor a ({da}) must match the size of tensor b ({db}) at non-singleton dimension {dim}"
        )
    if len(both) != len(a) or any(x is not None and y is not None and x != y for x, y in zip(a, both)):
        raise IndexError(f"boxes1 of shape {tuple(boxes1.shape)} has fewer boxes than boxes2 of shape "
                         f"{tuple(boxes2.shape)}; torchvision broadcasts boxes2 against boxes1, not the reverse")
    return xp, box.as_float(xp, boxes1), box.as_float(xp, boxes2)


def _reduce(xp, loss, reduction, empty="zero"):
    """torchvision's reductions: checked after the loss is computed, with its message.

    The box losses take the mean of nothing as 0, the focal loss as NaN.
    """
    if reduction not in REDUCTIONS:
        # The unbalanced quote is torchvision's.
        raise ValueError(
            f"Invalid Value for arg 'reduction': '{reduction} \n Supported reduction modes: 'none', 'mean', 'sum'"
        )
    return reduce(xp, loss, reduction, empty=empty)

fuse_functions(globals(), __all__)
