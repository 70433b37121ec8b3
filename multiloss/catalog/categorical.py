"""Catalog rows: the categorical (softmax) losses of Keras 3 and TensorFlow."""

from . import KERAS_CLASS_CASES, KERAS_CLASS_OPTIONS, Arg, Case, Entry

# -- differences shared by several rows ------------------------------------------------------

_KERAS_LOGITS = (
    "Keras' TensorFlow backend reads the logits back from a tensor made by keras.activations.softmax "
    "(its _keras_logits attribute, or a Softmax op in graph mode) and then ignores from_logits=False; "
    "multiloss always computes from the values it is given, as Keras does on its other backends."
)
_TF_GRADIENT = (
    "from_logits uses TensorFlow's gradient, softmax - labels, which is the true gradient only when "
    "each label row sums to 1 (Keras on JAX/torch/NumPy differentiates the log-softmax exactly)."
)
_INVALID_ARGUMENT = (
    "Where TensorFlow raises tf.errors.InvalidArgumentError (a subclass of Exception only), multiloss "
    "raises multiloss.tf.errors.InvalidArgumentError, a ValueError of the same name, on every backend. "
    "The label range is checked in eager mode only; under jit an out-of-range label gives a NaN loss, "
    "as TF's XLA and GPU kernels do. On a device other than the host's (a GPU) it is not read either, "
    "as TF's GPU kernels check nothing: the loss is NaN there, or torch's device-side assert on torch tensors."
)
_SPARSE_TF = (
    "Keras on TensorFlow clips probabilities to [1e-7, 1 - 1e-7] before it normalises them (the other "
    "Keras backends normalise first); multiloss follows TensorFlow, so an all-zero row gives log(C). "
    "axis must be the last axis (ValueError), as on Keras' TF backend; with ignore_class and another "
    "axis multiloss raises that ValueError before Keras' mask broadcasting could fail."
)
_SMOOTHING_AXIS = (
    "Label smoothing divides by y_true.shape[-1] whatever the axis, as Keras 3.15.1 does "
    "(later Keras uses shape[axis])."
)

# -- option sets -------------------------------------------------------------------------

_TF_WEIGHTS = (
    {},
    {"weights": Arg("weight")},
    {"weights": 2.5},
    {"reduction": "none"},
    {"weights": Arg("weight"), "reduction": "weighted_sum"},
    {"weights": Arg("weight"), "reduction": "weighted_mean"},
    {"weights": Arg("weight"), "reduction": "weighted_sum_over_batch_size"},
    {"weights": Arg("weight"), "reduction": "none"},
)
_TF_CASES = (
    Case("unknown reduction", {"reduction": "mean"}, raises="ValueError"),
    Case("all-zero weights", {"weights": Arg("zero_weights")}),
    Case("all-zero weights, weighted_mean", {"weights": Arg("zero_weights"), "reduction": "weighted_mean"}),
)


def _logit_cases(options, dense=True):
    """Logits of both signs, huge (|x| up to ~1000) and -inf, with gradients where they are finite."""
    cases = (
        Case("logits of both signs", options, edge="signed_logits", gradient=True),
        Case("huge logits", options, edge="huge_signed_logits", gradient=True),
        Case("-inf logits", options, edge="neg_inf_logits"),
    )
    if dense:
        cases += (Case("label rows that don't sum to 1 (TF's gradient)", options, edge="unnormalised_labels",
                       gradient=True),)
    return cases


def _keras(name, inputs, options, cases=(), differences=_KERAS_LOGITS):
    call = ("target", "prediction") if inputs == "categorical_dense" else ("labels", "prediction")
    return Entry(path=f"multiloss.keras.{name}", original=f"keras.losses.{name}", inputs=inputs, call=call,
                 grad="prediction", options=tuple(options), cases=tuple(cases), differences=differences)


def _keras_class(name, inputs, options, cases=(), differences=_KERAS_LOGITS):
    call = ("target", "prediction") if inputs == "categorical_dense" else ("labels", "prediction")
    return Entry(path=f"multiloss.keras.{name}", original=f"keras.losses.{name}", inputs=inputs, call=call,
                 grad="prediction", options=KERAS_CLASS_OPTIONS + tuple(options), style="class",
                 call_keywords=("sample_weight",), cases=KERAS_CLASS_CASES + tuple(cases),
                 differences=differences)


# -- Keras: dense labels ------------------------------------------------------------------

_CCE_CASES = _logit_cases({"from_logits": True}) + (
    Case("saturated probabilities", edge="saturated", gradient=True),
    Case("all-zero probability row (NaN, as Keras)", edge="zero_row"),
    Case("label_smoothing above 1 (not checked)", {"label_smoothing": 1.5}),
    Case("negative label_smoothing (not checked)", {"label_smoothing": -0.5}),
    Case("axis=1 on (N, C, T)", {"axis": 1}, edge="channels_first", gradient=True),
    Case("axis=1, logits, smoothing by the last axis' size",
         {"axis": 1, "from_logits": True, "label_smoothing": 0.2}, edge="channels_first", gradient=True),
    Case("one class", edge="single_class", warns="SyntaxWarning"),
    Case("mismatched batch sizes", edge="mismatched", raises="ValueError"),
    Case("boolean axis", {"axis": True}, raises="ValueError"),
)
_CCE_OPTIONS = (
    {},
    {"label_smoothing": 0.1},
    {"from_logits": True},
    {"from_logits": True, "label_smoothing": 0.2},
    {"axis": 0},
    {"axis": 0, "from_logits": True, "label_smoothing": 0.3},
)
_FOCAL_OPTIONS = (
    {},
    {"alpha": 0.5, "gamma": 0.0},
    {"gamma": 3.5},
    {"alpha": Arg("alpha")},
    {"from_logits": True},
    {"label_smoothing": 0.1},
    {"axis": 0},
    {"from_logits": True, "label_smoothing": 0.2, "axis": 0, "alpha": Arg("alpha")},
)
_FOCAL_CASES = (
    Case("logits of both signs", {"from_logits": True}, edge="signed_logits", gradient=True),
    Case("huge logits", {"from_logits": True}, edge="huge_signed_logits", gradient=True),
    Case("saturated probabilities", edge="saturated", gradient=True),
    Case("all-zero probability row (NaN, as Keras)", edge="zero_row"),
    Case("axis=1 on (N, C, T)", {"axis": 1}, edge="channels_first", gradient=True),
    Case("one class", edge="single_class", warns="SyntaxWarning"),
    Case("boolean axis", {"axis": True}, raises="ValueError"),
)

# -- Keras: class indices -----------------------------------------------------------------

_SCCE_OPTIONS = (
    {},
    {"from_logits": True},
    {"ignore_class": 2},
    {"ignore_class": 2, "from_logits": True},
)
_SCCE_CASES = _logit_cases({"from_logits": True}, dense=False) + (
    Case("saturated probabilities", edge="saturated", gradient=True),
    Case("all-zero probability row (log C: clipped before normalised)", edge="zero_row", gradient=True),
    Case("ignored entries", {"ignore_class": -1}, edge="ignored", gradient=True),
    Case("every entry ignored", {"ignore_class": -1}, edge="all_ignored"),
    Case("labels of shape (N, 1)", edge="column_labels", gradient=True),
    Case("(N, T) labels", edge="sequence", gradient=True),
    Case("(N, T) labels, ignored class", {"ignore_class": 2}, edge="sequence"),
    Case("label out of range", edge="out_of_range", raises="InvalidArgumentError"),
    Case("negative label", edge="negative_label", raises="InvalidArgumentError"),
    Case("mismatched batch sizes", edge="mismatched", raises="ValueError"),
    Case("axis other than the last", {"axis": 0}, raises="ValueError"),
)
_SCCE_DIFFERENCES = " ".join((_SPARSE_TF, _INVALID_ARGUMENT, _KERAS_LOGITS))

_GCE_CASES = (
    Case("label out of range (1/q, no error)", edge="out_of_range"),
    Case("negative label (1/q, no error)", edge="negative_label"),
    Case("float labels are truncated", edge="float_labels", gradient=True),
    Case("saturated probabilities", edge="saturated"),
)

ENTRIES = (
    _keras("categorical_crossentropy", "categorical_dense", _CCE_OPTIONS, _CCE_CASES,
           " ".join((_KERAS_LOGITS, _TF_GRADIENT, _SMOOTHING_AXIS))),
    _keras("sparse_categorical_crossentropy", "categorical_sparse", _SCCE_OPTIONS,
           _SCCE_CASES + (Case("float labels are truncated", edge="float_labels", gradient=True),),
           _SCCE_DIFFERENCES),
    _keras("categorical_focal_crossentropy", "categorical_dense", _FOCAL_OPTIONS, _FOCAL_CASES,
           _SMOOTHING_AXIS + " A per-class alpha array is cast to y_pred's dtype (Keras promotes instead)."),
    _keras("categorical_generalized_cross_entropy", "categorical_sparse", ({"q": 0.5}, {"q": 0.1}, {"q": 0.9}),
           _GCE_CASES + (Case("labels of shape (N, 1) broadcast to (N, N), as in Keras", edge="column_labels"),),
           differences=""),
    _keras_class("CategoricalCrossentropy", "categorical_dense",
                 ({"from_logits": True, "label_smoothing": 0.1}, {"axis": 0, "from_logits": True},
                  {"from_logits": True, "sample_weight": Arg("row_weight"), "reduction": "mean"}),
                 _logit_cases({"from_logits": True}) + (
                     Case("saturated probabilities", edge="saturated", gradient=True),
                     Case("axis=1 on (N, C, T)", {"axis": 1}, edge="channels_first", gradient=True),
                     Case("mismatched batch sizes", edge="mismatched", raises="ValueError")),
                 " ".join((_KERAS_LOGITS, _TF_GRADIENT))),
    _keras_class("SparseCategoricalCrossentropy", "categorical_sparse",
                 ({"from_logits": True},
                  {"ignore_class": 2},
                  {"ignore_class": 2, "reduction": "sum"},
                  {"ignore_class": 2, "reduction": None},
                  {"ignore_class": 2, "sample_weight": Arg("row_weight")},
                  {"ignore_class": 2, "sample_weight": Arg("sample_weight"), "reduction": "mean_with_sample_weight"},
                  {"ignore_class": 2, "from_logits": True, "dtype": "float64"}),
                 _SCCE_CASES + (
                     Case("every entry ignored, sum", {"ignore_class": -1, "reduction": "sum"}, edge="all_ignored"),
                     Case("every entry ignored, weighted",
                          {"ignore_class": -1, "sample_weight": Arg("sample_weight"),
                           "reduction": "mean_with_sample_weight"}, edge="all_ignored"),
                     Case("float labels are truncated", edge="float_labels")),
                 _SCCE_DIFFERENCES),
    _keras_class("CategoricalFocalCrossentropy", "categorical_dense",
                 ({"alpha": Arg("alpha"), "gamma": 1.5}, {"from_logits": True, "label_smoothing": 0.1},
                  {"axis": 0, "from_logits": True}),
                 (Case("logits of both signs", {"from_logits": True}, edge="signed_logits", gradient=True),
                  Case("saturated probabilities", edge="saturated", gradient=True)),
                 _SMOOTHING_AXIS),
    _keras_class("CategoricalGeneralizedCrossEntropy", "categorical_sparse", ({"q": 0.2}, {"q": 0.8, "reduction": "sum"}),
                 (Case("q = 1", {"q": 1.0}, raises="ValueError"),
                  Case("q = 0", {"q": 0.0}, raises="ValueError"),
                  Case("labels of shape (N, 1) broadcast to (N, N), as in Keras", edge="column_labels"),
                  Case("label out of range (1/q, no error)", edge="out_of_range")),
                 differences=""),
    # -- tf.compat.v1.losses ----------------------------------------------------------------
    Entry(
        path="multiloss.tf.losses.softmax_cross_entropy",
        original="tensorflow.compat.v1.losses.softmax_cross_entropy",
        inputs="categorical_dense",
        call=("target", "prediction"),
        grad="prediction",
        options=_TF_WEIGHTS + ({"label_smoothing": 0.1}, {"label_smoothing": 0.3, "weights": Arg("weight")}),
        cases=_TF_CASES + _logit_cases({}) + (
            Case("label_smoothing above 1 (not checked)", {"label_smoothing": 1.5}),
            Case("negative label_smoothing (ignored)", {"label_smoothing": -0.5}),
            Case("mismatched batch sizes", edge="mismatched", raises="ValueError"),
            Case("weights of shape (N, 1) on (N,) losses", {"weights": Arg("row_weight")}, raises="ValueError"),
        ),
        differences=" ".join((_TF_GRADIENT, "TF's graph collections are not kept.")),
        precision="float32",
    ),
    Entry(
        path="multiloss.tf.losses.sparse_softmax_cross_entropy",
        original="tensorflow.compat.v1.losses.sparse_softmax_cross_entropy",
        inputs="categorical_sparse",
        call=("labels", "prediction"),
        grad="prediction",
        options=_TF_WEIGHTS + ({"weights": Arg("row_weight"), "reduction": "none"},),
        cases=_TF_CASES + _logit_cases({}, dense=False) + (
            Case("labels of shape (N, 1)", edge="column_labels", gradient=True),
            Case("labels and weights of shape (N, 1)", {"weights": Arg("row_weight")}, edge="column_labels"),
            Case("(N, T) labels", edge="sequence", gradient=True),
            Case("weights of shape (N, C)", {"weights": Arg("matrix_weight")}, raises="InvalidArgumentError"),
            Case("label out of range", edge="out_of_range", raises="InvalidArgumentError"),
            Case("float labels", edge="float_labels", raises="InvalidArgumentError"),
            Case("mismatched batch sizes", edge="mismatched", raises="ValueError"),
        ),
        differences=" ".join((_INVALID_ARGUMENT, "TF's graph collections are not kept.")),
        precision="float32",
    ),
    # -- tf.nn --------------------------------------------------------------------------------
    Entry(
        path="multiloss.tf.nn.softmax_cross_entropy_with_logits",
        original="tensorflow.nn.softmax_cross_entropy_with_logits",
        inputs="categorical_dense",
        call=("target", "prediction"),
        grad="prediction",
        options=({}, {"axis": 0}),
        cases=_logit_cases({}) + (
            Case("axis=1 on (N, C, T)", {"axis": 1}, edge="channels_first", gradient=True),
            Case("mismatched batch sizes", edge="mismatched", raises="InvalidArgumentError"),
        ),
        differences=" ".join((
            "Gradients flow into the labels too (v2), as TensorFlow's: -log_softmax(logits).",
            "Labels larger than the logits raise InvalidArgumentError at once (TF fails in a reshape).",
            _INVALID_ARGUMENT.split(" The label range")[0],
        )),
    ),
    Entry(
        path="multiloss.tf.nn.sparse_softmax_cross_entropy_with_logits",
        original="tensorflow.nn.sparse_softmax_cross_entropy_with_logits",
        inputs="categorical_sparse",
        call=("labels", "prediction"),
        grad="prediction",
        cases=_logit_cases({}, dense=False) + (
            Case("(N, T) labels", edge="sequence", gradient=True),
            Case("label out of range", edge="out_of_range", raises="InvalidArgumentError"),
            Case("negative label", edge="negative_label", raises="InvalidArgumentError"),
            Case("float labels", edge="float_labels", raises="InvalidArgumentError"),
            Case("labels of shape (N, 1): rank mismatch", edge="column_labels", raises="ValueError"),
            Case("mismatched batch sizes", edge="mismatched", raises="ValueError"),
        ),
        differences=" ".join((
            _INVALID_ARGUMENT,
            "A label dtype other than int32/int64 raises InvalidArgumentError in every mode "
            "(TF raises TypeError while tracing a tf.function).",
        )),
    ),
)
