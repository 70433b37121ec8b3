"""Catalog rows: overlap losses for segmentation, Keras' Dice and Tversky and V-Net's Dice loss."""

from . import KERAS_CLASS_CASES, KERAS_CLASS_OPTIONS, Arg, Case, Entry

MASKS = "masks"

_PER_SAMPLE = (1, 2, 3)
_KINKS = (
    Case("soft targets", edge="soft_masks", gradient=True),
    Case("saturated probabilities", edge="saturated", gradient=True),
    Case("a blank sample", edge="blank", gradient=True),
)
_KERAS_CASES = _KINKS + (
    Case("a blank sample, per sample", {"axis": _PER_SAMPLE}, edge="blank", gradient=True),
    Case("(N, H, W, 1) targets broadcast", edge="mismatched", gradient=True),
)
_KERAS_CLASS_CASES = KERAS_CLASS_CASES + (
    Case("empty batch, sum", {"reduction": "sum"}, edge="empty"),
    Case("empty batch, per sample", {"axis": _PER_SAMPLE}, edge="empty"),
)
_SCALAR = ("With axis=None the loss is one scalar for the batch: no reduction applies, and a sample_weight "
           "multiplies it (the result is the loss times the mean, or for 'sum' the sum, of the weights), as in "
           "Keras.")
_TVERSKY = ("Keras 3.15.1 weighs the false negatives sum(y (1 - p)) by alpha and the false positives "
            "sum((1 - y) p) by beta, the paper's coefficients swapped (its docstring says alpha weighs the "
            "false positives); multiloss mirrors the installed Keras.")


def _keras(name, options, differences="", style="function"):
    classes = style == "class"
    return Entry(
        path=f"multiloss.keras.{name}",
        original=f"keras.losses.{name}",
        inputs=MASKS,
        call=("target", "prediction"),
        grad="prediction",
        options=options,
        style=style,
        call_keywords=("sample_weight",) if classes else (),
        cases=_KERAS_CASES + (_KERAS_CLASS_CASES if classes else ()),
        differences=" ".join(filter(None, (differences, _SCALAR if classes else ""))),
    )


_TVERSKY_OPTIONS = ({}, {"alpha": 0.7, "beta": 0.3}, {"alpha": 0.2, "beta": 0.9, "axis": _PER_SAMPLE})

ENTRIES = (
    _keras("dice", ({}, {"axis": _PER_SAMPLE}, {"axis": -1}, {"axis": [1, 2]})),
    _keras("tversky", _TVERSKY_OPTIONS + ({"axis": -1},), _TVERSKY),
    _keras("Dice", KERAS_CLASS_OPTIONS + (
        {"axis": _PER_SAMPLE}, {"axis": _PER_SAMPLE, "sample_weight": Arg("sample_weight")},
        {"axis": _PER_SAMPLE, "sample_weight": Arg("row_weight"), "reduction": "mean_with_sample_weight"},
    ), style="class"),
    _keras("Tversky", KERAS_CLASS_OPTIONS + tuple({**o, "reduction": "sum"} for o in _TVERSKY_OPTIONS[1:]),
           _TVERSKY, style="class"),
    Entry(
        path="multiloss.dice_loss",
        original="multiloss.testing.references.dice_loss",
        inputs=MASKS,
        call=("prediction", "target"),
        grad="prediction",
        options=({}, {"reduction": "none"}, {"reduction": "sum"}, {"squared": True},
                 {"smooth": 0.0, "reduction": "none"}, {"smooth": 1e-5, "squared": True, "reduction": "none"}),
        cases=_KINKS + (
            Case("a blank sample, squared", {"squared": True, "reduction": "none"}, edge="blank", gradient=True),
            Case("a blank sample without smoothing is NaN", {"smooth": 0.0, "reduction": "none"}, edge="blank"),
            Case("(N,) inputs: each element a sample", {"reduction": "none"}, edge="flat", gradient=True),
            Case("sum over an empty batch", {"reduction": "sum"}, edge="empty"),
            Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
            Case("target of another shape", edge="mismatched", raises="ValueError"),
        ),
        differences="multiloss' own loss (Milletari et al., V-Net, 3DV 2016); its original is an independent torch "
                    "transcription of the paper's formula, with smoothing, reduced the PyTorch way.",
        original_framework="torch",
    ),
)
