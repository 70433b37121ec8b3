"""Box pairs: ``boxes1`` (predicted) and ``boxes2`` (ground truth), corners ``(x1, y1, x2, y2)``.

Roles: ``boxes1``, ``boxes2``. The ordinary pairs overlap in every way the
losses tell apart (partly, one inside the other, not at all); the edges are
the boxes where the formulas meet a zero or a tie: empty batches, boxes of
zero width or height, point boxes, identical boxes (every min and max a tie),
boxes that touch (an extent of exactly 0), inverted boxes, a single ``(4,)``
pair, integer and float16 boxes, and the shapes the losses refuse.
"""

import numpy as np

from . import edge, kind

BATCH = 6


def _boxes(corner, size):
    return np.concatenate([corner, corner + size], axis=-1)


@kind("boxes", generic=("empty", "nan", "identical", "zero_area", "point_boxes", "touching", "inverted", "integer"))
def boxes(rng, dtype, batch=BATCH):
    corner = rng.uniform(0.0, 5.0, size=(batch, 2))
    size = rng.uniform(1.0, 4.0, size=(batch, 2))
    corner2 = corner + rng.uniform(-1.5, 1.5, size=(batch, 2))
    size2 = size * rng.uniform(0.6, 1.5, size=(batch, 2))
    if batch > 3:
        corner2[2] += 10.0  # far apart: no overlap
        corner2[3], size2[3] = corner[3] - 0.5, size[3] + 1.0  # boxes2 holds boxes1
    return {"boxes1": _boxes(corner, size).astype(dtype), "boxes2": _boxes(corner2, size2).astype(dtype)}


@edge("boxes", "empty")
def boxes_empty(rng, dtype):
    return boxes(rng, dtype, batch=0)


@edge("boxes", "nan")
def boxes_nan(rng, dtype):
    arrays = boxes(rng, dtype)
    arrays["boxes1"][1, 2] = np.nan
    return arrays


@edge("boxes")
def identical(rng, dtype):
    """boxes2 equal to boxes1: every min and max of the losses is a tie."""
    arrays = boxes(rng, dtype)
    arrays["boxes2"] = arrays["boxes1"].copy()
    return arrays


@edge("boxes")
def zero_area(rng, dtype):
    """Boxes of zero width or zero height, in boxes1 and in boxes2 (CIoU: a NaN gradient at h = 0)."""
    arrays = boxes(rng, dtype)
    b1, b2 = arrays["boxes1"], arrays["boxes2"]
    b1[0, 2] = b1[0, 0]  # zero width
    b1[1, 3] = b1[1, 1]  # zero height
    b2[4, 2] = b2[4, 0]
    b2[5, 3] = b2[5, 1]
    return arrays


@edge("boxes")
def point_boxes(rng, dtype):
    """Point boxes: two at the same place (CIoU: NaN), one inside a box, two apart."""
    arrays = boxes(rng, dtype)
    b1, b2 = arrays["boxes1"], arrays["boxes2"]
    b1[0] = b2[0] = [2.0, 3.0, 2.0, 3.0]
    b1[1] = [2.0, 2.0, 2.0, 2.0]
    b2[1] = [1.0, 1.0, 4.0, 3.0]
    b1[2], b2[2] = [1.0, 1.0, 1.0, 1.0], [3.0, 2.0, 3.0, 2.0]
    return arrays


@edge("boxes")
def touching(rng, dtype):
    """Boxes that share an edge or a corner: an intersection extent of exactly 0."""
    arrays = boxes(rng, dtype)
    b1, b2 = arrays["boxes1"], arrays["boxes2"]
    b1[0], b2[0] = [0.0, 0.0, 2.0, 3.0], [2.0, 1.0, 5.0, 4.0]  # side by side
    b1[1], b2[1] = [1.0, 1.0, 3.0, 2.0], [0.0, 2.0, 4.0, 5.0]  # one above the other
    b1[2], b2[2] = [0.0, 0.0, 1.0, 1.0], [1.0, 1.0, 2.5, 3.0]  # corner to corner
    return arrays


@edge("boxes")
def inverted(rng, dtype):
    """Boxes with x2 < x1 or y2 < y1: not checked, the formulas give what they give."""
    arrays = boxes(rng, dtype)
    b1, b2 = arrays["boxes1"], arrays["boxes2"]
    b1[0] = b1[0][[2, 1, 0, 3]]
    b1[1] = b1[1][[0, 3, 2, 1]]
    b2[2] = b2[2][[2, 3, 0, 1]]
    b1[3], b2[3] = b1[3][[2, 3, 0, 1]], b2[3][[2, 3, 0, 1]]
    return arrays


@edge("boxes")
def integer(rng, dtype):
    """int64 boxes: upcast to float32, whatever dtype the rest of the run uses."""
    arrays = boxes(rng, np.float64)
    return {k: np.round(v * 3).astype(np.int64) for k, v in arrays.items()}


@edge("boxes")
def half(rng, dtype):
    """float16 boxes: upcast to float32."""
    return {k: v.astype(np.float16) for k, v in boxes(rng, np.float64).items()}


@edge("boxes")
def single(rng, dtype):
    """One pair of shape (4,): a 0-d loss."""
    return {k: v[0].copy() for k, v in boxes(rng, dtype).items()}


@edge("boxes")
def one_truth(rng, dtype):
    """boxes2 of shape (1, 4), broadcast against every box of boxes1."""
    arrays = boxes(rng, dtype)
    arrays["boxes2"] = arrays["boxes2"][:1].copy()
    return arrays


@edge("boxes")
def one_prediction(rng, dtype):
    """boxes1 of shape (1, 4) against (N, 4) boxes2 (torchvision refuses that way round)."""
    arrays = boxes(rng, dtype)
    arrays["boxes1"] = arrays["boxes1"][:1].copy()
    return arrays


@edge("boxes")
def large(rng, dtype):
    """Coordinates in the thousands: the losses are scale-invariant."""
    return {k: (v * 1e3).astype(dtype) for k, v in boxes(rng, np.float64).items()}


@edge("boxes", "mismatched")
def boxes_mismatched(rng, dtype):
    """Batches of 6 and 5: they don't broadcast."""
    arrays = boxes(rng, dtype)
    arrays["boxes2"] = arrays["boxes2"][:5].copy()
    return arrays


@edge("boxes")
def five_coordinates(rng, dtype):
    """A last axis of 5, not 4."""
    arrays = boxes(rng, dtype)
    arrays["boxes1"] = np.concatenate([arrays["boxes1"], arrays["boxes1"][:, :1]], axis=1)
    return arrays
