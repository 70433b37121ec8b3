"""Catalog rows: connectionist temporal classification (CTC) in every interface that has it."""

from . import KERAS_CLASS_CASES, KERAS_CLASS_OPTIONS, Case, Entry

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

_TF_CASES = _ALIGNMENTS + (
    Case("impossible alignments are about 707", edge="impossible"),
    Case("batch-major logits", {"logits_time_major": False}, edge="batch_major", gradient=True),
    Case("a logit length beyond the frames counts as all of them", edge="input_too_long"),
    Case("a label length beyond the labels is impossible", edge="target_too_long"),
)
_TF = ("TensorFlow 2.21's dense ctc_loss refuses float64 logits (InvalidArgumentError: a float32 constant meets "
       "them in a Mul); multiloss computes them in float64. The row's original is tf.nn.ctc_loss itself, handed "
       "float64 logits as float32 (multiloss.testing.references.tf_ctc_loss), so float64 is held to float32's "
       "tolerance. An impossible alignment is not inf: TensorFlow's kernel weighs every wrong end state by "
       "log(1e-307) ~ -706.9 and multiloss reads the recursion's end states the same way; its gradient there "
       "(TensorFlow's forward starts every state at that weight) is not tested. Sparse labels are not taken "
       "(TypeError). An empty batch: TensorFlow raises InvalidArgumentError (its TensorScatterAdd), multiloss "
       "returns the empty result. A -inf logit: TensorFlow gives NaN; multiloss's recursion, floored at a finite "
       "log-zero, gives a finite loss.")
_KERAS = ("Keras on TensorFlow: the label length is the count of nonzero labels, every sequence has all T "
          "frames, 0 is the blank, and the loss is computed in float32 (float64 cast down and back) over "
          "tf.nn.ctc_loss, which multiloss mirrors on every backend (an impossible alignment gives TensorFlow's "
          "~707, never inf). Keras' JAX and NumPy backends copy optax's recursion instead and may differ. An empty batch and a -inf "
          "logit: as multiloss.tf.nn.ctc_loss.")
_OPTAX = ("optax makes its initial states with jnp.ones, in JAX's default float dtype, so its loss is float64 "
          "whenever x64 is on, whatever the logits' dtype; multiloss gives float32, or float64 for float64 logits "
          "(what a program without x64 gets), on every backend. The row's original is optax.ctc_loss with its "
          "result cast so (multiloss.testing.references.optax_ctc_loss). The paddings are read as 0 (a frame or "
          "label that counts) or not, as optax documents them; optax blends the states with a non-binary padding. "
          "A -inf logit: optax gives NaN; multiloss's recursion, floored at a finite log-zero, a finite loss.")

_OPTAX_OPTIONS = ({}, {"blank_id": _BLANK_LAST}, {"log_epsilon": -1e4})
_OPTAX_CASES = _ALIGNMENTS + (
    # Its gradient is a difference of terms near -log_epsilon = 1e5, whose float64 rounding
    # (1e-11) depends on the order of operations: it is compared at the smaller floor below.
    Case("impossible alignments end at the log_epsilon floor", edge="impossible"),
    Case("impossible alignments, another floor", {"log_epsilon": -50.0}, edge="impossible", gradient=True),
)
_FORWARD_PROBS = (" The result is a tuple (loss, logalpha_blank, logalpha_nonblank), the forward variables in "
                  "the loss' dtype (optax_ctc_loss_with_forward_probs casts optax's likewise); the suite compares "
                  "the three by value, and the loss' gradient (multiloss.testing.joined).")

# What optax's two CTC rows share: the function and its variant that also returns the forward variables.
_OPTAX_ROW = dict(original_framework="jax", inputs=SEQUENCES, call=("logits", "logit_paddings", "targets", "label_paddings"),
                  grad="logits", options=_OPTAX_OPTIONS, cases=_OPTAX_CASES, original_defines_nonfinite=False)

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
    Entry(
        path="multiloss.tf.nn.ctc_loss",
        original="multiloss.testing.references.tf_ctc_loss",
        original_framework="tensorflow",
        inputs=SEQUENCES,
        call=("targets", "time_major_logits", "target_lengths", "input_lengths"),
        grad="time_major_logits",
        options=({}, {"blank_index": -1}, {"blank_index": _BLANK_LAST}),
        cases=_TF_CASES,
        differences=_TF,
        precision="float32",
        original_defines_empty=False,
        original_defines_nonfinite=False,
    ),
    Entry(
        path="multiloss.keras.ctc",
        original="keras.losses.ctc",
        inputs=SEQUENCES,
        call=("targets", "logits"),
        grad="logits",
        cases=_ALIGNMENTS,
        differences=_KERAS,
        precision="float32",
        original_defines_empty=False,
        original_defines_nonfinite=False,
    ),
    Entry(
        path="multiloss.keras.CTC",
        original="keras.losses.CTC",
        inputs=SEQUENCES,
        call=("targets", "logits"),
        grad="logits",
        options=KERAS_CLASS_OPTIONS,
        style="class",
        call_keywords=("sample_weight",),
        cases=KERAS_CLASS_CASES + _ALIGNMENTS,
        differences=_KERAS,
        precision="float32",
        original_defines_empty=False,
        original_defines_nonfinite=False,
    ),
    Entry(
        path="multiloss.optax.ctc_loss",
        original="multiloss.testing.references.optax_ctc_loss",
        differences=_OPTAX,
        **_OPTAX_ROW,
    ),
    Entry(
        path="multiloss.optax.ctc_loss_with_forward_probs",
        original="multiloss.testing.references.optax_ctc_loss_with_forward_probs",
        differences=_OPTAX + _FORWARD_PROBS,
        **_OPTAX_ROW,
    ),
)
