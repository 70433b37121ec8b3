"""Catalog rows: binary (sigmoid) cross-entropy in every interface, focal losses and HED's balanced loss.

Keras' functions and classes take probabilities or, with ``from_logits=True``,
logits; each of them has one row per input kind, under the same path.
"""

from . import KERAS_CLASS_CASES, KERAS_CLASS_OPTIONS, TF_V1_OPTIONS, Arg, Case, Entry

PROBS, LOGITS = "binary_probabilities", "binary_logits"

_CHECKED_EAGERLY = ("Values that only a concrete array reveals (probabilities or targets outside [0, 1], "
                    "NaN) are checked in eager mode on every backend and not under jax.jit, tf.function or "
                    "torch.compile, where a probability outside [0, 1] gives NaN and a target outside it is "
                    "used as it is, instead of an error. On a device other than the host's (a GPU) they are "
                    "not read: torch's kernel asserts on the device, as PyTorch's CUDA kernel does; JAX and "
                    "TensorFlow compute with the values as they are.")
_INFINITE = ("Infinite logits give what this original gives: NaN wherever a zero weight meets an infinite "
             "log term. The originals disagree here (torch, TensorFlow and optax each differ).")
_BCE_GRADIENT = (
    "The gradient with respect to the probabilities is PyTorch's (p - y) / max(p (1 - p), 1e-12) at every point, "
    "saturated ones included (written as a zero-valued term, since the array API has no custom gradients); "
    "second derivatives are therefore 0, where torch gives its double-backward formula. With respect to the "
    "targets it is max(log1p(-p), -100) - max(log p, -100), where torch leaves the logs unclamped (+-inf at "
    "p = 0 or 1). The weight is differentiable here; torch refuses a weight that requires grad."
)

# -- PyTorch -------------------------------------------------------------------------------

_TORCH_LEGACY = (
    Case("legacy size_average=False", {"size_average": False}, warns="UserWarning"),
    Case("legacy reduce=False", {"reduce": False}, warns="UserWarning"),
)
_BCE_CASES = (
    Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
    Case("target of another size", edge="mismatched_probabilities", raises="ValueError"),
    Case("weight that doesn't broadcast", {"weight": Arg("sample_weight")}, raises="RuntimeError"),
    Case("a number as weight", {"weight": 2.0}, raises="AttributeError"),
    Case("probability above 1", edge="above_one", raises="RuntimeError"),
    Case("probability below 0", edge="below_zero", raises="RuntimeError"),
    Case("NaN probability", edge="nan_prediction", raises="RuntimeError"),
    Case("target above 1", edge="target_above_one", raises="RuntimeError"),
    Case("NaN target", edge="nan_target", raises="RuntimeError"),
    Case("saturated probabilities, per element", {"reduction": "none"}, edge="saturated", gradient=True),
    Case("saturated probabilities, weighted mean", {"weight": Arg("weight")}, edge="saturated", gradient=True),
    Case("soft targets", {"reduction": "none"}, edge="soft_probabilities", gradient=True),
    Case("sum over nothing", {"reduction": "sum"}, edge="empty"),
)
_BCE_LOGITS_CASES = (
    Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
    Case("target of another size", edge="mismatched", raises="ValueError"),
    Case("weight that doesn't broadcast", {"weight": Arg("sample_weight")}, raises="RuntimeError"),
    Case("pos_weight that doesn't broadcast", {"pos_weight": Arg("sample_weight")}, raises="RuntimeError"),
    Case("a number as pos_weight", {"pos_weight": 2.0}, raises="TypeError"),
    Case("huge logits, per element", {"reduction": "none"}, edge="huge", gradient=True),
    Case("huge logits, pos_weight", {"pos_weight": Arg("pos_weight"), "reduction": "none"}, edge="huge",
         gradient=True),
    Case("infinite logits", {"reduction": "none"}, edge="infinite", gradient=True),
    Case("infinite logits, pos_weight", {"pos_weight": Arg("pos_weight"), "reduction": "none"}, edge="infinite",
         gradient=True),
    Case("zero logits", {"pos_weight": Arg("pos_weight"), "reduction": "none"}, edge="zero_logits", gradient=True),
    Case("soft targets", {"pos_weight": Arg("pos_weight")}, edge="soft", gradient=True),
    Case("sum over nothing", {"reduction": "sum"}, edge="empty"),
)

# -- Keras ---------------------------------------------------------------------------------

_KERAS_PROB_CASES = (
    Case("saturated probabilities", edge="saturated", gradient=True),
    Case("NaN probability", edge="nan_prediction"),
    Case("NaN target", edge="nan_target"),
    Case("probability above 1 (clipped)", edge="above_one", gradient=True),
    Case("probability below 0 (clipped)", edge="below_zero", gradient=True),
    Case("soft targets", edge="soft_probabilities", gradient=True),
    Case("negative label smoothing applies", {"label_smoothing": -0.5}, gradient=True),
    Case("(N, 1) inputs", edge="column_probabilities", gradient=True),
)
_KERAS_SHAPE_ERRORS = (
    Case("ranks differ", edge="rank_mismatch", raises="ValueError"),
    Case("shapes differ", edge="mismatched_probabilities", raises="ValueError"),
)
_KERAS_LOGIT_CASES = (
    Case("huge logits", edge="huge", gradient=True),
    Case("infinite logits", edge="infinite", gradient=True),
    Case("zero logits", edge="zero_logits", gradient=True),
    Case("soft targets", edge="soft", gradient=True),
    Case("shapes differ", edge="mismatched", raises="ValueError"),
)
_KERAS_CLASS_CASES = KERAS_CLASS_CASES + (
    Case("empty batch, sum", {"reduction": "sum"}, edge="empty"),
)
_KERAS_FOCAL_OPTIONS = (
    {},
    {"gamma": 0.0},
    {"gamma": 3.0, "label_smoothing": 0.2},
    {"apply_class_balancing": True},
    {"apply_class_balancing": True, "alpha": 0.6, "gamma": 1.5},
)
_KERAS_DIFFERENCES = (
    "The TensorFlow backend of Keras computes from the logits when a probability tensor carries them "
    "(the output of keras.activations.sigmoid, or a Sigmoid op in graph mode); multiloss takes probabilities "
    "as given. keras.ops.binary_crossentropy's shape check is reproduced, so (N,) targets beside (N, C) "
    "probabilities raise ValueError as in Keras."
)
_KERAS_FOCAL_DIFFERENCES = (
    "With from_logits=True, Keras on TensorFlow computes the cross-entropy term from the logits themselves, "
    "not from the clipped probabilities: keras.ops.sigmoid leaves the logits on its output and "
    "binary_crossentropy uses them. multiloss mirrors that (the reference is Keras on TensorFlow); Keras' "
    "JAX, torch and NumPy backends clip instead (the term saturates near 16 for |x| >= 16). " + _KERAS_DIFFERENCES
)
_ALIAS = "Keras 3.15.1 resolves this name only through keras.losses.get; it is not an attribute of keras.losses."


def _keras(name, inputs, options, cases, original=None, differences=_KERAS_DIFFERENCES, style="function"):
    classes = style == "class"
    return Entry(
        path=f"multiloss.keras.{name}",
        original=original or f"keras.losses.{name}",
        inputs=inputs,
        call=("target", "prediction" if inputs == PROBS else "logits"),
        grad="prediction" if inputs == PROBS else "logits",
        options=options,
        style=style,
        call_keywords=("sample_weight",) if classes else (),
        cases=cases + (_KERAS_CLASS_CASES if classes else ()),
        differences=differences,
    )


def _logit_options(options):
    return tuple({**o, "from_logits": True} for o in options)


# -- TF ------------------------------------------------------------------------------------

_TF_CASES = (
    Case("unknown reduction", {"reduction": "mean"}, raises="ValueError"),
    Case("weights that don't broadcast", {"weights": Arg("sample_weight")}, raises="ValueError"),
    Case("all-zero weights", {"weights": Arg("zero_weight")}),
    Case("empty batch, sum", {"reduction": "weighted_sum"}, edge="empty"),
)
_TF_DIFFERENCES = ("Losses are reduced in float32 and cast back, as TensorFlow does; TF's graph collections "
                   "(scope, loss_collection) are accepted and ignored.")
_TF_NN_DIFFERENCES = (
    "labels and logits of different dtypes are promoted by NumPy, PyTorch and JAX, where TensorFlow raises "
    "InvalidArgumentError; likewise a pos_weight that doesn't broadcast raises each framework's own error "
    "(TensorFlow's InvalidArgumentError is not raised on the other backends)."
)
_TF_NN_CASES = (
    Case("shapes differ", edge="mismatched", raises="ValueError"),
    Case("huge logits", edge="huge", gradient=True),
    Case("infinite logits", edge="infinite", gradient=True),
    Case("zero logits", edge="zero_logits", gradient=True),
    Case("soft targets", edge="soft", gradient=True),
)

# -- torchvision and multiloss' own ----------------------------------------------------------

_FOCAL_CASES = (
    Case("alpha outside [0, 1]", {"alpha": 1.5}, raises="ValueError"),
    Case("negative alpha other than -1", {"alpha": -0.5}, raises="ValueError"),
    Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
    Case("target of another size", edge="mismatched", raises="ValueError"),
    Case("mean over nothing is NaN", {"reduction": "mean"}, edge="empty"),
    Case("huge logits", edge="huge", gradient=True),
    # p_t = 1 exactly: (1 - p_t)**0 must have gradient 0 there, not 0 * inf
    Case("gamma 0 at saturated probabilities", {"gamma": 0}, edge="huge", gradient=True),
    Case("infinite logits", edge="infinite", gradient=True),
    Case("zero logits", edge="zero_logits", gradient=True),
    Case("soft targets", {"alpha": -1}, edge="soft", gradient=True),
)
_HED_CASES = (
    Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
    Case("target of another size", edge="mismatched", raises="ValueError"),
    Case("beta outside [0, 1]", {"beta": 1.5}, raises="ValueError"),
    Case("(N, 1, H, W) edge maps", {"reduction": "none"}, edge="images", gradient=True),
    Case("(N, 1, H, W) edge maps, given beta", {"beta": Arg("beta")}, edge="images", gradient=True),
    Case("a sample without positives", {"reduction": "none"}, edge="all_negative", gradient=True),
    Case("huge logits", {"reduction": "none"}, edge="huge", gradient=True),
    Case("infinite logits", {"reduction": "none"}, edge="infinite"),
    Case("soft targets", edge="soft", gradient=True),
    Case("sum over nothing", {"reduction": "sum"}, edge="empty"),
)
_HED_DIFFERENCES = (
    "multiloss' own loss (Xie & Tu, HED, ICCV 2015); its original is an independent torch transcription of the "
    "paper's formula. A numeric beta outside [0, 1] raises ValueError; an array beta is checked in eager mode only, "
    "and on a device other than the host's (a GPU) with no read: torch asserts it on the device, JAX and "
    "TensorFlow leave it unchecked."
)


ENTRIES = (
    Entry(
        path="multiloss.pytorch.functional.binary_cross_entropy",
        original="torch.nn.functional.binary_cross_entropy",
        inputs=PROBS,
        call=("prediction", "target"),
        grad="prediction",
        options=({}, {"reduction": "sum"}, {"reduction": "none"}, {"weight": Arg("weight")},
                 {"weight": Arg("class_weight"), "reduction": "none"}, {"weight": Arg("row_weight"), "reduction": "sum"},
                 {"size_average": False}, {"reduce": False}),
        cases=_BCE_CASES + _TORCH_LEGACY,
        differences=_CHECKED_EAGERLY + " " + _BCE_GRADIENT,
    ),
    Entry(
        path="multiloss.pytorch.functional.binary_cross_entropy_with_logits",
        original="torch.nn.functional.binary_cross_entropy_with_logits",
        inputs=LOGITS,
        call=("logits", "target"),
        grad="logits",
        options=({}, {"reduction": "sum"}, {"reduction": "none"}, {"weight": Arg("weight")},
                 {"weight": Arg("class_weight"), "reduction": "sum"}, {"pos_weight": Arg("pos_weight")},
                 {"pos_weight": Arg("pos_weight"), "weight": Arg("row_weight"), "reduction": "none"},
                 {"reduce": False}),
        cases=_BCE_LOGITS_CASES + _TORCH_LEGACY,
        differences=_INFINITE,
    ),
    Entry(
        path="multiloss.pytorch.BCELoss",
        original="torch.nn.BCELoss",
        inputs=PROBS,
        call=("prediction", "target"),
        grad="prediction",
        options=({}, {"reduction": "sum"}, {"reduction": "none"}, {"weight": Arg("class_weight")},
                 {"size_average": False}),
        style="class",
        cases=(Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
               Case("probability above 1", edge="above_one", raises="RuntimeError"),
               Case("legacy reduce=False", {"reduce": False}, warns="UserWarning"),
               Case("saturated probabilities", {"reduction": "none"}, edge="saturated", gradient=True)),
        differences=_CHECKED_EAGERLY + " " + _BCE_GRADIENT,
    ),
    Entry(
        path="multiloss.pytorch.BCEWithLogitsLoss",
        original="torch.nn.BCEWithLogitsLoss",
        inputs=LOGITS,
        call=("logits", "target"),
        grad="logits",
        options=({}, {"reduction": "sum"}, {"reduction": "none"}, {"weight": Arg("class_weight")},
                 {"pos_weight": Arg("pos_weight"), "reduction": "none"}, {"reduce": False, "pos_weight": Arg("pos_weight")}),
        style="class",
        cases=(Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
               Case("legacy size_average=False", {"size_average": False}, warns="UserWarning"),
               Case("huge logits", {"reduction": "none"}, edge="huge", gradient=True),
               Case("a number as pos_weight", {"pos_weight": 2.0}, raises="TypeError")),
        differences=_INFINITE,
    ),
    _keras("binary_crossentropy", PROBS, ({}, {"label_smoothing": 0.2}, {"axis": 0}),
           _KERAS_PROB_CASES + _KERAS_SHAPE_ERRORS),
    _keras("binary_crossentropy", LOGITS, _logit_options(({}, {"label_smoothing": 0.1}, {"axis": 0})),
           _KERAS_LOGIT_CASES),
    _keras("bce", PROBS, ({},), _KERAS_SHAPE_ERRORS, original="keras.losses.binary_crossentropy",
           differences=_ALIAS),
    _keras("BCE", PROBS, ({},), _KERAS_SHAPE_ERRORS, original="keras.losses.binary_crossentropy",
           differences=_ALIAS),
    _keras("binary_focal_crossentropy", PROBS, _KERAS_FOCAL_OPTIONS, _KERAS_PROB_CASES + _KERAS_SHAPE_ERRORS,
           differences=_KERAS_FOCAL_DIFFERENCES),
    _keras("binary_focal_crossentropy", LOGITS, _logit_options(_KERAS_FOCAL_OPTIONS), _KERAS_LOGIT_CASES,
           differences=_KERAS_FOCAL_DIFFERENCES),
    _keras("BinaryCrossentropy", PROBS, KERAS_CLASS_OPTIONS + ({"label_smoothing": 0.1},),
           _KERAS_PROB_CASES[:1] + _KERAS_SHAPE_ERRORS[:1], style="class"),
    _keras("BinaryCrossentropy", LOGITS, _logit_options(KERAS_CLASS_OPTIONS), _KERAS_LOGIT_CASES,
           style="class"),
    _keras("BinaryFocalCrossentropy", PROBS, KERAS_CLASS_OPTIONS + ({"apply_class_balancing": True},),
           _KERAS_PROB_CASES[:1], differences=_KERAS_FOCAL_DIFFERENCES, style="class"),
    _keras("BinaryFocalCrossentropy", LOGITS,
           _logit_options(KERAS_CLASS_OPTIONS + ({"apply_class_balancing": True, "gamma": 3.0},)),
           _KERAS_LOGIT_CASES, differences=_KERAS_FOCAL_DIFFERENCES, style="class"),
    Entry(
        path="multiloss.tf.losses.sigmoid_cross_entropy",
        original="tensorflow.compat.v1.losses.sigmoid_cross_entropy",
        inputs=LOGITS,
        call=("target", "logits"),
        grad="logits",
        options=TF_V1_OPTIONS + ({"label_smoothing": 0.2}, {"label_smoothing": 0.3, "reduction": "none"}),
        cases=_TF_CASES + (
            Case("incompatible shapes", edge="mismatched", raises="ValueError"),
            Case("negative label smoothing is ignored", {"label_smoothing": -0.5, "reduction": "none"}),
            Case("huge logits", {"reduction": "none"}, edge="huge", gradient=True),
            Case("infinite logits", {"reduction": "none"}, edge="infinite", gradient=True),
            Case("zero logits", {"reduction": "none"}, edge="zero_logits", gradient=True),
            Case("soft targets", edge="soft", gradient=True),
        ),
        differences=_TF_DIFFERENCES,
        precision="float32",
    ),
    Entry(
        path="multiloss.tf.losses.log_loss",
        original="tensorflow.compat.v1.losses.log_loss",
        inputs=PROBS,
        call=("target", "prediction"),
        grad="prediction",
        options=TF_V1_OPTIONS + ({"epsilon": 1e-3}, {"epsilon": 0.0, "reduction": "none"}),
        cases=_TF_CASES + (
            Case("incompatible shapes", edge="mismatched_probabilities", raises="ValueError"),
            Case("saturated probabilities", {"reduction": "none"}, edge="saturated", gradient=True),
            Case("probability above 1 (NaN)", {"reduction": "none"}, edge="above_one"),
            Case("NaN probability", {"reduction": "none"}, edge="nan_prediction"),
            Case("NaN target", {"reduction": "none"}, edge="nan_target"),
            Case("soft targets", edge="soft_probabilities", gradient=True),
        ),
        differences="Computed in float32 whatever the input dtype, as TensorFlow does. " + _TF_DIFFERENCES,
        precision="float32",
    ),
    Entry(
        path="multiloss.tf.nn.sigmoid_cross_entropy_with_logits",
        original="tensorflow.nn.sigmoid_cross_entropy_with_logits",
        inputs=LOGITS,
        call=("target", "logits"),
        grad="logits",
        cases=_TF_NN_CASES,
        differences=_TF_NN_DIFFERENCES,
    ),
    Entry(
        path="multiloss.tf.nn.weighted_cross_entropy_with_logits",
        original="tensorflow.nn.weighted_cross_entropy_with_logits",
        inputs=LOGITS,
        call=("target", "logits"),
        grad="logits",
        options=({"pos_weight": 2.0}, {"pos_weight": Arg("pos_weight")}, {"pos_weight": 0.5}),
        cases=_TF_NN_CASES,
        differences="The gradient at a logit of exactly 0 is TensorFlow's 1 - z (its abs and relu have "
                    "derivative 0 there), not the exact (1 + (q - 1) z) / 2 - q z. " + _TF_NN_DIFFERENCES,
    ),
    Entry(
        path="multiloss.torchvision.sigmoid_focal_loss",
        original="torchvision.ops.sigmoid_focal_loss",
        inputs=LOGITS,
        call=("logits", "target"),
        grad="logits",
        options=({}, {"reduction": "mean"}, {"reduction": "sum"}, {"alpha": -1}, {"alpha": 0.5, "gamma": 0},
                 {"alpha": 0.9, "gamma": 1.5, "reduction": "mean"}),
        cases=_FOCAL_CASES,
        differences=_INFINITE,
    ),
    Entry(
        path="multiloss.balanced_sigmoid_cross_entropy",
        original="multiloss.testing.references.balanced_sigmoid_cross_entropy",
        inputs=LOGITS,
        call=("logits", "target"),
        grad="logits",
        options=({}, {"reduction": "sum"}, {"reduction": "none"}, {"beta": 0.3},
                 {"beta": Arg("beta"), "reduction": "none"}),
        cases=_HED_CASES,
        differences=_HED_DIFFERENCES,
        original_framework="torch",
    ),
)
