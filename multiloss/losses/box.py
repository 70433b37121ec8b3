"""Bounding-box regression losses: the IoU family, on boxes ``(x1, y1, x2, y2)``.

Every function takes ``xp`` and two arrays of boxes whose last axis holds the
four corners (``(N, 4)`` or ``(4,)``), and returns the unreduced loss, one per
box pair. The pieces are computed as torchvision's box losses compute them:

====================  ===========================================================  ======================
function              loss                                                         source
====================  ===========================================================  ======================
``iou_loss``          ``-log(max(iou, eps))``, ``1 - iou`` or ``1 - iou**2``       Yu et al., UnitBox
``generalized_iou``   ``1 - iou + (area_c - union) / (area_c + eps)``              Rezatofighi et al.
``distance_iou``      ``1 - iou + rho**2 / (c**2 + eps)``                          Zheng et al., DIoU
``complete_iou``      ``distance_iou + alpha v``                                   Zheng et al., CIoU
====================  ===========================================================  ======================

``area_c`` is the area of the smallest box enclosing both, ``c`` its diagonal
and ``rho`` the distance between the two centres. No validity check: inverted
boxes (``x2 < x1``) give whatever the formulas give, as in torchvision.
"""

import math

IOU_MODES = ("log", "linear", "square")


def as_float(xp, boxes):
    """torchvision's dtype rule for boxes: float32 and float64 stay, anything else becomes float32."""
    return boxes if boxes.dtype in (xp.float32, xp.float64) else xp.astype(boxes, xp.float32)


def _larger(xp, a, b):
    """``max(a, b)`` that splits the gradient evenly where ``a == b``.

    torch and JAX send half the gradient to each side of a tie, TensorFlow all
    of it to the first; identical boxes tie in every corner, so the rule is
    the backend's extension, which keeps it on every backend. NaN propagates.
    """
    return xp.even_maximum(a, b)


def _smaller(xp, a, b):
    """``min(a, b)``, splitting the gradient at a tie like :func:`_larger`."""
    return xp.even_minimum(a, b)


def _corners(boxes):
    return boxes[..., 0], boxes[..., 1], boxes[..., 2], boxes[..., 3]


def intersection_union(xp, boxes1, boxes2):
    """Intersection and union areas of paired boxes (torchvision's ``_loss_inter_union``).

    The intersection counts only where both of its extents are strictly
    positive: boxes that touch, or miss each other, intersect in 0, whatever
    the sign of the product of their extents. Those extents are zeroed before
    they are multiplied, so that no gradient flows through them (torchvision
    writes the product into the masked entries only).
    """
    x1, y1, x2, y2 = _corners(boxes1)
    x1g, y1g, x2g, y2g = _corners(boxes2)
    width = _smaller(xp, x2, x2g) - _larger(xp, x1, x1g)
    height = _smaller(xp, y2, y2g) - _larger(xp, y1, y1g)
    overlap = xp.logical_and(height > 0, width > 0)
    zero = xp.zeros_like(width)
    intersection = xp.where(overlap, width, zero) * xp.where(overlap, height, zero)
    union = (x2 - x1) * (y2 - y1) + (x2g - x1g) * (y2g - y1g) - intersection
    return intersection, union


def iou(xp, boxes1, boxes2, eps=1e-7):
    """``intersection / (union + eps)``."""
    intersection, union = intersection_union(xp, boxes1, boxes2)
    return intersection / (union + eps)


def _enclosing(xp, boxes1, boxes2):
    """Width and height of the smallest box that encloses both."""
    x1, y1, x2, y2 = _corners(boxes1)
    x1g, y1g, x2g, y2g = _corners(boxes2)
    return _larger(xp, x2, x2g) - _smaller(xp, x1, x1g), _larger(xp, y2, y2g) - _smaller(xp, y1, y1g)


def iou_loss(xp, boxes1, boxes2, eps=1e-7, mode="log"):
    """UnitBox's IoU loss: ``-log(max(iou, eps))`` (``mode='log'``), ``1 - iou`` or ``1 - iou**2``.

    ``iou = intersection / (union + eps)``. The log is floored at ``log(eps)``
    so that boxes that miss each other cost ``-log(eps)`` (16.1 for 1e-7), not
    inf; there the gradient is 0, as it is for any box pair without overlap.

    Source: J. Yu et al., "UnitBox: An Advanced Object Detection Network",
    ACM MM 2016, eq. (1) (``-ln(IoU)``); the linear and squared forms are the
    common variants.
    """
    overlap = iou(xp, boxes1, boxes2, eps)
    if mode == "log":
        return -xp.log(xp.clip(overlap, min=eps))
    if mode == "linear":
        return 1 - overlap
    return 1 - overlap * overlap


def generalized_iou(xp, boxes1, boxes2, eps=1e-7):
    """GIoU loss: ``1 - iou + (area_c - union) / (area_c + eps)``, ``area_c`` the enclosing box's area.

    Source: H. Rezatofighi et al., "Generalized Intersection over Union",
    CVPR 2019; the form of ``torchvision.ops.generalized_box_iou_loss``.
    """
    intersection, union = intersection_union(xp, boxes1, boxes2)
    overlap = intersection / (union + eps)
    width, height = _enclosing(xp, boxes1, boxes2)
    area_c = width * height
    return 1 - (overlap - (area_c - union) / (area_c + eps))


def distance_iou(xp, boxes1, boxes2, eps=1e-7):
    """DIoU loss and the IoU: ``(1 - iou + rho**2 / (c**2 + eps), iou)``.

    ``rho`` is the distance between the boxes' centres and ``c`` the diagonal
    of the enclosing box.

    Source: Z. Zheng et al., "Distance-IoU Loss", AAAI 2020, eq. (6); the form
    of ``torchvision.ops.distance_box_iou_loss``.
    """
    intersection, union = intersection_union(xp, boxes1, boxes2)
    overlap = intersection / (union + eps)
    width, height = _enclosing(xp, boxes1, boxes2)
    diagonal_squared = width * width + height * height + eps
    x1, y1, x2, y2 = _corners(boxes1)
    x1g, y1g, x2g, y2g = _corners(boxes2)
    dx = (x2 + x1) / 2 - (x1g + x2g) / 2
    dy = (y2 + y1) / 2 - (y1g + y2g) / 2
    return 1 - overlap + (dx * dx + dy * dy) / diagonal_squared, overlap


def complete_iou(xp, boxes1, boxes2, eps=1e-7, diou_eps=1e-7):
    """CIoU loss: ``diou + alpha v``, ``v = 4 / pi**2 (atan(w2 / h2) - atan(w1 / h1))**2``.

    ``alpha = v / (1 - iou + v + eps)`` is a constant for the gradient, as in
    the paper. torchvision computes the DIoU part with its default eps
    whatever ``eps`` is given, so ``eps`` reaches ``alpha`` only
    (``diou_eps`` is that default). A box of zero height has ``atan(w / 0) =
    pi / 2`` and a finite loss, but a NaN gradient (``0 * inf``); two
    identical point boxes give NaN (``atan(0 / 0)``).

    Source: Z. Zheng et al., "Distance-IoU Loss", AAAI 2020, eqs. (9)-(11);
    the form of ``torchvision.ops.complete_box_iou_loss``.
    """
    diou, overlap = distance_iou(xp, boxes1, boxes2, diou_eps)
    x1, y1, x2, y2 = _corners(boxes1)
    x1g, y1g, x2g, y2g = _corners(boxes2)
    shape = xp.atan((x2g - x1g) / (y2g - y1g)) - xp.atan((x2 - x1) / (y2 - y1))
    v = (4 / math.pi**2) * (shape * shape)
    alpha = xp.stop_gradient(v / (1 - overlap + v + eps))
    return diou + alpha * v
