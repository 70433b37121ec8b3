"""Catalog rows: divergences and likelihoods (KL, Poisson, Gaussian) in every interface."""

from . import KERAS_CLASS_CASES, KERAS_CLASS_OPTIONS, Arg, Case, Entry

# -- PyTorch -------------------------------------------------------------------------------

_KL_OPTIONS = (
    {},
    {"reduction": "batchmean"},
    {"reduction": "sum"},
    {"reduction": "none"},
    {"log_target": True, "reduction": "batchmean"},
    {"log_target": True, "reduction": "none"},
    {"size_average": False},
    {"reduce": False},
    {"reduce": False, "reduction": "batchmean"},
    {"reduction": "elementwise_mean"},
)
_KL_CASES = (
    Case("'mean' warns", {}, warns="UserWarning"),
    Case("legacy size_average=False", {"size_average": False}, warns="UserWarning"),
    Case("'elementwise_mean' warns", {"reduction": "elementwise_mean"}, warns="UserWarning"),
    Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
    Case("shapes that don't broadcast", {"reduction": "batchmean"}, edge="mismatched", raises="RuntimeError"),
    Case("log targets", {"log_target": True, "reduction": "batchmean"}, edge="log_targets", gradient=True),
    Case("log target -inf (NaN)", {"log_target": True, "reduction": "none"}, edge="log_target_neg_inf"),
    Case("negative target (NaN)", {"reduction": "none"}, edge="negative_target", gradient=True),
    Case("-inf log-probability", {"reduction": "none"}, edge="neg_inf_input", gradient=True),
    Case("target broadcast", {"reduction": "batchmean"}, edge="column_target", gradient=True),
    Case("0-d batchmean is the sum", {"reduction": "batchmean"}, edge="scalar", gradient=True),
    Case("batchmean over nothing", {"reduction": "batchmean"}, edge="empty"),
    Case("sum over nothing", {"reduction": "sum"}, edge="empty"),
)

_POISSON_OPTIONS = (
    {},
    {"reduction": "sum"},
    {"reduction": "none"},
    {"full": True},
    {"full": True, "reduction": "none"},
    {"log_input": False},
    {"log_input": False, "full": True, "reduction": "none"},
    {"log_input": False, "eps": 1e-3, "reduction": "sum"},
    {"size_average": False},
    {"reduce": False},
)
_POISSON_CASES = (
    Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
    Case("'elementwise_mean' is refused", {"reduction": "elementwise_mean"}, raises="ValueError"),
    Case("legacy reduce=False", {"reduce": False}, warns="UserWarning"),
    Case("shapes that don't broadcast", edge="mismatched", raises="RuntimeError"),
    Case("log-rates of either sign", {"full": True, "reduction": "none"}, edge="log_rates", gradient=True),
    Case("zero rate", {"log_input": False, "reduction": "none"}, edge="zero_rate", gradient=True),
    Case("zero rate, eps=0", {"log_input": False, "eps": 0.0, "reduction": "none"}, edge="zero_rate"),
    Case("negative target: Stirling masked", {"full": True, "reduction": "none"}, edge="negative_target"),
    Case("target broadcast", {"full": True}, edge="column_target", gradient=True),
    Case("sum over nothing", {"reduction": "sum"}, edge="empty"),
)

_GAUSSIAN_OPTIONS = (
    {"var": Arg("var")},
    {"var": Arg("var"), "reduction": "sum"},
    {"var": Arg("var"), "reduction": "none"},
    {"var": Arg("var"), "full": True},
    {"var": Arg("var"), "eps": 0.5, "reduction": "none"},
    {"var": Arg("var_row")},
    {"var": Arg("var_row"), "reduction": "none"},
    {"var": Arg("var_column"), "full": True, "reduction": "sum"},
    {"var": Arg("var_lead"), "reduction": "none"},
    {"var": 0.7},
    {"var": 0.7, "full": True, "reduction": "none"},
)
_GAUSSIAN_ERRORS = (
    Case("negative var", edge="negative_var", raises="ValueError"),
    Case("negative float var", edge="negative_float_var", raises="ValueError"),
    Case("int var", edge="int_var", raises="TypeError"),
    Case("var of the wrong size", edge="var_wrong_size", raises="ValueError"),
    Case("var differing in two axes", edge="var_two_mismatches", raises="ValueError"),
    Case("unknown reduction", {"reduction": "batchmean"}, raises="ValueError"),
    Case("negative var before the reduction", {"reduction": "batchmean"}, edge="negative_var", raises="ValueError"),
    Case("shapes that don't broadcast", edge="mismatched", raises="RuntimeError"),
)
_GAUSSIAN_VAR_SHAPES = (
    Case("var of shape input.shape[:-1]", {"reduction": "none"}, edge="var_row", gradient=True),
    Case("var of shape (N, 1)", {"reduction": "none"}, edge="var_column", gradient=True),
    Case("var of shape (1, D)", {"reduction": "sum"}, edge="var_lead", gradient=True),
    Case("var clamped at a large eps", {"eps": 0.5, "reduction": "none"}, gradient=True),
    Case("zero residual", edge="zero_residual", gradient=True),
    Case("target broadcast", {"reduction": "none"}, edge="column_target", gradient=True),
    Case("sum over nothing", {"reduction": "sum"}, edge="empty"),
)


def _torch(name, inputs, call, grad, options, cases, style="function", differences="", host_reads=""):
    prefix, original = ("functional.", "nn.functional.") if style == "function" else ("", "nn.")
    return Entry(
        path=f"multiloss.pytorch.{prefix}{name}",
        original=f"torch.{original}{name}",
        inputs=inputs,
        call=call,
        grad=grad,
        options=options,
        style=style,
        cases=cases,
        differences=differences,
        host_reads=host_reads,
    )


_CHECKED_EAGERLY = ("The negative-var check runs in eager mode only; under jit/tf.function/torch.compile and "
                    "torch.func's transforms it is skipped. PyTorch's own gaussian_nll_loss fails under "
                    "torch.func.vmap (its check reads a value); multiloss' works there. PyTorch reads the check "
                    "on every device (a GPU waits for it), and so does multiloss.")

# torch.nn.functional.gaussian_nll_loss raises its ValueError from Python on any device.
_VAR_READ = ("torch.any(var < 0), read in Python to raise ValueError('var has negative entry/entries'): "
             "on a GPU PyTorch waits for the device there, and so does multiloss on every backend.")

# -- Keras ---------------------------------------------------------------------------------



def _keras(name, inputs, prediction, cases=(), original=None, differences=""):
    return Entry(
        path=f"multiloss.keras.{name}",
        original=original or f"keras.losses.{name}",
        inputs=inputs,
        call=("target", prediction),
        grad=prediction,
        cases=cases,
        differences=differences,
    )


def _keras_class(name, inputs, prediction, cases=()):
    return Entry(
        path=f"multiloss.keras.{name}",
        original=f"keras.losses.{name}",
        inputs=inputs,
        call=("target", prediction),
        grad=prediction,
        options=KERAS_CLASS_OPTIONS,
        style="class",
        call_keywords=("sample_weight",),
        cases=KERAS_CLASS_CASES + tuple(cases),
    )


_KL_KERAS_CASES = (
    Case("saturated probabilities", edge="saturated", gradient=True),
    Case("negative target (clipped)", edge="negative_target", gradient=True),
    Case("target broadcast", edge="column_target"),
)
_POISSON_KERAS_CASES = (
    Case("zero rate", edge="zero_rate", gradient=True),
    Case("target broadcast", edge="column_target"),
)
_ALIAS = "Keras 3.15.1 resolves this name only through keras.losses.get; it is not an attribute of keras.losses."

ENTRIES = (
    _torch("kl_div", "distributions", ("input", "target"), "input", _KL_OPTIONS, _KL_CASES),
    _torch("poisson_nll_loss", "counts", ("input", "target"), "input", _POISSON_OPTIONS, _POISSON_CASES),
    _torch("gaussian_nll_loss", "gaussian", ("input", "target"), "input", _GAUSSIAN_OPTIONS,
           _GAUSSIAN_ERRORS + _GAUSSIAN_VAR_SHAPES + (
               Case("float var", edge="float_var"),
               Case("float var, full", {"full": True, "reduction": "none"}, edge="float_var"),
           ), differences=_CHECKED_EAGERLY, host_reads=_VAR_READ),
    _torch("KLDivLoss", "distributions", ("input", "target"), "input",
           ({}, {"reduction": "batchmean"}, {"reduction": "none", "log_target": True}, {"reduce": False},
            {"size_average": False, "reduction": "batchmean"}),
           (Case("'mean' warns", {}, warns="UserWarning"),
            Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
            Case("log targets", {"log_target": True, "reduction": "sum"}, edge="log_targets", gradient=True)),
           style="class"),
    _torch("PoissonNLLLoss", "counts", ("input", "target"), "input",
           ({}, {"reduction": "none", "full": True}, {"log_input": False, "eps": 1e-4, "reduction": "sum"},
            {"reduce": False}),
           (Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
            Case("legacy size_average=False", {"size_average": False}, warns="UserWarning"),
            Case("log-rates of either sign", {"full": True, "reduction": "none"}, edge="log_rates", gradient=True)),
           style="class"),
    # The class row differentiates var: the clamp at eps must be invisible to autodiff, as in PyTorch.
    _torch("GaussianNLLLoss", "gaussian", ("input", "target", "var"), "var",
           ({}, {"reduction": "sum"}, {"reduction": "none"}, {"full": True}, {"eps": 0.5, "reduction": "none"}),
           _GAUSSIAN_ERRORS + _GAUSSIAN_VAR_SHAPES, style="class", differences=_CHECKED_EAGERLY,
           host_reads=_VAR_READ),
    _keras("kl_divergence", "distributions", "prediction", _KL_KERAS_CASES),
    _keras("kld", "distributions", "prediction", _KL_KERAS_CASES, original="keras.losses.kl_divergence",
           differences=_ALIAS),
    _keras("KLD", "distributions", "prediction", _KL_KERAS_CASES, original="keras.losses.kl_divergence",
           differences=_ALIAS),
    _keras("poisson", "counts", "input", _POISSON_KERAS_CASES),
    _keras_class("KLDivergence", "distributions", "prediction", _KL_KERAS_CASES),
    _keras_class("Poisson", "counts", "input", _POISSON_KERAS_CASES),
    Entry(
        path="multiloss.tf.nn.log_poisson_loss",
        original="tensorflow.nn.log_poisson_loss",
        inputs="counts",
        call=("target", "log_input"),
        grad="log_input",
        options=({}, {"compute_full_loss": True}),
        cases=(
            Case("shapes must be equal", edge="column_target", raises="ValueError"),
            Case("shapes that don't match", edge="mismatched", raises="ValueError"),
            Case("negative target: Stirling NaN", {"compute_full_loss": True}, edge="negative_target"),
        ),
        differences="The Stirling term is zeroed only where 0 <= targets <= 1, as in TensorFlow "
                    "(PyTorch's poisson_nll_loss zeroes every target <= 1).",
    ),
)
