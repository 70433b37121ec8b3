"""Catalog rows: the box losses of torchvision (GIoU, DIoU, CIoU) and UnitBox's IoU loss."""

from . import Case, Entry

BOXES = "boxes"

_CALL = dict(inputs=BOXES, call=("boxes1", "boxes2"), grad="boxes1")

# Where the formulas meet a zero or a tie; the gradients there are compared too.
_KINKS = (
    Case("identical boxes (every min and max a tie)", edge="identical", gradient=True),
    Case("zero width and zero height", edge="zero_area", gradient=True),
    Case("point boxes", edge="point_boxes", gradient=True),
    Case("touching boxes (an extent of exactly 0)", edge="touching", gradient=True),
    Case("inverted boxes", edge="inverted", gradient=True),
    Case("coordinates in the thousands", edge="large", gradient=True),
    Case("one (4,) pair", edge="single", gradient=True),
    Case("boxes2 of shape (1, 4)", {"reduction": "sum"}, edge="one_truth", gradient=True),
    Case("float16 boxes (computed in float32)", edge="half"),
    Case("mean over no boxes is 0", {"reduction": "mean"}, edge="empty"),
    Case("sum over no boxes", {"reduction": "sum"}, edge="empty"),
)

_TORCHVISION_CASES = _KINKS + (
    Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
    Case("a last axis of 5", edge="five_coordinates", raises="ValueError"),
    Case("batches that don't broadcast", edge="mismatched", raises="RuntimeError"),
    Case("boxes1 of shape (1, 4) against (N, 4)", edge="one_prediction", raises="IndexError"),
)
_TORCHVISION_OPTIONS = ({}, {"reduction": "mean"}, {"reduction": "sum"}, {"eps": 0.5}, {"eps": 0.0, "reduction": "mean"})
_TORCHVISION_DIFFERENCES = (
    "Integer and float16 boxes are computed in float32, as torchvision does. torchvision's own errors on bad "
    "shapes are reproduced by checks (the same classes: IndexError, ValueError, RuntimeError; the messages say "
    "what is wrong). max/min split the gradient evenly at a tie (identical boxes), as torch does, on every backend."
)


def _torchvision(name, differences=""):
    return Entry(
        path=f"multiloss.torchvision.{name}",
        original=f"torchvision.ops.{name}",
        options=_TORCHVISION_OPTIONS,
        cases=_TORCHVISION_CASES,
        differences=(differences + " " + _TORCHVISION_DIFFERENCES).strip(),
        **_CALL,
    )


ENTRIES = (
    _torchvision("generalized_box_iou_loss"),
    _torchvision("distance_box_iou_loss"),
    _torchvision(
        "complete_box_iou_loss",
        "As in torchvision, eps reaches only the aspect term's alpha (the DIoU part uses 1e-7), alpha is a "
        "constant for the gradient, a box1 of zero height gives a NaN gradient and two identical point boxes "
        "a NaN loss.",
    ),
    Entry(
        path="multiloss.iou_loss",
        original="multiloss.testing.references.iou_loss",
        options=({}, {"mode": "linear"}, {"mode": "square", "reduction": "sum"}, {"reduction": "mean"},
                 {"eps": 1e-3, "reduction": "none"}),
        cases=_KINKS + (
            Case("linear mode at the kinks", {"mode": "linear"}, edge="identical", gradient=True),
            Case("square mode, touching boxes", {"mode": "square"}, edge="touching", gradient=True),
            Case("boxes1 of shape (1, 4) against (N, 4)", edge="one_prediction", gradient=True),
            Case("unknown mode", {"mode": "exp"}, raises="ValueError"),
            Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
            Case("a last axis of 5", edge="five_coordinates", raises="ValueError"),
            Case("batches that don't broadcast", edge="mismatched", raises="ValueError"),
        ),
        differences="multiloss' own loss (Yu et al., UnitBox, ACM MM 2016); its original is an independent torch "
                    "transcription of the paper's formula with torchvision's box conventions. Boxes that miss "
                    "each other cost -log(eps) in log mode, with a zero gradient.",
        original_framework="torch",
        **_CALL,
    ),
)
