"""Catalog rows: connectionist temporal classification (CTC) in every interface that has it."""

from . import Case, Entry

SEQUENCES = "sequences"
_BLANK_LAST = 5  # the kind's C - 1, never a label

# The hard alignments every row is held to (the kind's edges), with gradients where the
# original's is defined.
_ALIGNMENTS = (
    Case("repeated labels, each pair separated by a blank", edge="repeats", gradient=True),
    Case("frames just enough for the labels and their blanks", edge="tight", gradient=True),
    Case("empty targets", edge="empty_targets", gradient=True),
)

_TORCH_GRADIENT = (
    "The gradient with respect to log_probs is PyTorch's own, exp(log_probs) - occupancy on each sample's frames "
    "(0 past its input length): not the derivative of the loss (-occupancy), but what becomes the logits' "
    "gradient once log_softmax's backward has run, so log_softmax -> ctc_loss differentiates as in PyTorch on "
    "every backend. An impossible alignment's loss is inf with NaN gradients on its frames (0 and 0 under "
    "zero_infinity). On torch the call goes to PyTorch's own kernel (the generic recursion under torch.func's "
    "transforms); float16, bfloat16 and integer log_probs raise NotImplementedError on every backend, as "
    "PyTorch's CPU kernel does.")

_TORCH_CASES = _ALIGNMENTS + (
    Case("impossible alignments are inf", {"reduction": "none"}, edge="impossible"),
    Case("impossible alignments, zero_infinity", {"reduction": "none", "zero_infinity": True}, edge="impossible",
         gradient=True),
    Case("impossible alignments, zero_infinity, mean", {"zero_infinity": True}, edge="impossible", gradient=True),
    Case("concatenated 1-D targets", {"reduction": "none"}, edge="concatenated", gradient=True),
    Case("concatenated 1-D targets, mean", edge="concatenated"),
    Case("lengths as tuples", edge="tuple_lengths"),
    Case("empty targets, mean (divided by 1)", edge="empty_targets"),
    Case("an empty batch", edge="empty", raises="RuntimeError"),
    Case("an input length beyond the frames", edge="input_too_long", raises="RuntimeError"),
    Case("a target length beyond the targets", edge="target_too_long", raises="RuntimeError"),
    Case("blank outside the classes", {"blank": 6}, raises="RuntimeError"),
    Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
)

_TORCH_OPTIONS = ({}, {"reduction": "none"}, {"reduction": "sum"}, {"blank": _BLANK_LAST, "reduction": "none"},
                  {"zero_infinity": True})

ENTRIES = (
    Entry(
        path="multiloss.pytorch.functional.ctc_loss",
        original="torch.nn.functional.ctc_loss",
        inputs=SEQUENCES,
        call=("log_probs", "targets", "input_lengths", "target_lengths"),
        grad="log_probs",
        options=_TORCH_OPTIONS,
        cases=_TORCH_CASES,
        differences=_TORCH_GRADIENT,
    ),
    Entry(
        path="multiloss.pytorch.CTCLoss",
        original="torch.nn.CTCLoss",
        inputs=SEQUENCES,
        call=("log_probs", "targets", "input_lengths", "target_lengths"),
        grad="log_probs",
        options=_TORCH_OPTIONS,
        style="class",
        cases=_TORCH_CASES,
        differences=_TORCH_GRADIENT,
    ),
)
