"""Catalog rows: the regression family in every interface."""

from . import (
    KERAS_CLASS_CASES,
    KERAS_CLASS_OPTIONS,
    PER_EXAMPLE_LOSS,
    TF_V1_OPTIONS,
    Arg,
    Case,
    Entry,
)

# -- shared cases --------------------------------------------------------------------------

_TORCH_REDUCTIONS = ({}, {"reduction": "sum"}, {"reduction": "none"})
_TORCH_WEIGHTED = ({"weight": Arg("weight")}, {"weight": Arg("weight"), "reduction": "sum"},
                   {"weight": Arg("weight"), "reduction": "none"})
_TORCH_LEGACY_CASES = (
    Case("legacy size_average=False", {"size_average": False}, warns="UserWarning"),
    Case("legacy reduce=False", {"reduce": False}, warns="UserWarning"),
)
_TORCH_CASES = (
    Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
    Case("target broadcast", edge="column_target", warns="UserWarning"),
    Case("target broadcast values", edge="column_target"),
    Case("shapes that don't broadcast", edge="mismatched", raises="RuntimeError"),
    Case("zero residual", edge="zero_residual", gradient=True),
    Case("unit residual (Huber/SmoothL1 boundary)", edge="unit_residual", gradient=True),
    Case("sum over nothing", {"reduction": "sum"}, edge="empty"),
)
_TORCH_WEIGHT_CASES = (
    Case("weight of another size", {"weight": Arg("sample_weight")}, raises="ValueError"),
    Case("weighted, unknown reduction", {"weight": Arg("weight"), "reduction": "avg"}, raises="ValueError"),
)
_KERAS_CLASS_CASES = KERAS_CLASS_CASES + (
    Case("zero residual", edge="zero_residual", gradient=True),
    Case("unit residual", edge="unit_residual", gradient=True),
    Case("rank-1 sample weights on (N, 1) losses", edge="column_pair"),
)
_TF_CASES = (
    Case("unknown reduction", {"reduction": "mean"}, raises="ValueError"),
    Case("incompatible shapes", edge="mismatched", raises="ValueError"),
    Case("weights that don't broadcast", {"weights": Arg("sample_weight")}, raises="ValueError"),
    Case("all-zero weights", {"weights": Arg("zero_weight")}),
    Case("zero residual", edge="zero_residual", gradient=True),
    Case("unit residual", edge="unit_residual", gradient=True),
)


def _torch(name, options=(), cases=(), weighted=True, legacy=True):
    base = _TORCH_REDUCTIONS + (_TORCH_WEIGHTED if weighted else ()) + tuple(options)
    return Entry(
        path=f"multiloss.pytorch.functional.{name}",
        original=f"torch.nn.functional.{name}",
        inputs="regression",
        call=("prediction", "target"),
        grad="prediction",
        options=base,
        cases=_TORCH_CASES + (_TORCH_LEGACY_CASES if legacy else ())
        + (_TORCH_WEIGHT_CASES if weighted else ()) + tuple(cases),
    )


def _torch_class(name, options=(), cases=()):
    return Entry(
        path=f"multiloss.pytorch.{name}",
        original=f"torch.nn.{name}",
        inputs="regression",
        call=("prediction", "target"),
        grad="prediction",
        options=_TORCH_REDUCTIONS + tuple(options),
        style="class",
        cases=(Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
               Case("zero residual", edge="zero_residual", gradient=True),
               Case("unit residual", edge="unit_residual", gradient=True)) + tuple(cases),
    )


def _keras(name, options=({},), alias_of=None, cases=()):
    return Entry(
        path=f"multiloss.keras.{name}",
        original=f"keras.losses.{alias_of or name}",
        differences=(f"Keras 3 resolves '{name}' only through keras.losses.get('{name}'); "
                     "multiloss also exports it as a name.") if alias_of else "",
        inputs="regression",
        call=("target", "prediction"),
        grad="prediction",
        options=options,
        cases=(Case("zero residual", edge="zero_residual", gradient=True),
               Case("unit residual", edge="unit_residual", gradient=True)) + tuple(cases),
    )


def _keras_class(name, options=()):
    return Entry(
        path=f"multiloss.keras.{name}",
        original=f"keras.losses.{name}",
        inputs="regression",
        call=("target", "prediction"),
        grad="prediction",
        options=KERAS_CLASS_OPTIONS + tuple(options),
        style="class",
        call_keywords=("sample_weight",),
        cases=_KERAS_CLASS_CASES,
    )


def _tf(name, options=(), cases=()):
    return Entry(
        path=f"multiloss.tf.losses.{name}",
        original=f"tensorflow.compat.v1.losses.{name}",
        inputs="regression",
        call=("target", "prediction"),
        grad="prediction",
        options=TF_V1_OPTIONS + tuple(options),
        cases=_TF_CASES + tuple(cases),
        differences="Under jit the float32 cast is the same; TF's graph collections are not kept.",
    )


ENTRIES = (
    # integers reach L1's sum and 'none' as integers (the precisions check sees the mean refuse them)
    _torch("l1_loss", cases=(Case("integer inputs, summed", {"reduction": "sum"}, edge="integers"),)),
    _torch("mse_loss"),
    _torch("huber_loss", legacy=False, options=({"delta": 0.5}, {"delta": 2.0, "reduction": "sum"}),
           cases=(Case("non-positive delta", {"delta": 0.0}, raises="RuntimeError"),
                  Case("weighted mean divides by the count", {"weight": Arg("weight")}))),
    _torch("smooth_l1_loss", weighted=False,
           options=({"beta": 0.5}, {"beta": 0.0}, {"beta": 2.0, "reduction": "none"},
                    {"size_average": False}, {"reduce": False}),
           cases=(Case("negative beta", {"beta": -1.0}, raises="RuntimeError"),
                  Case("beta=0 at a zero residual", {"beta": 0.0}, edge="zero_residual", gradient=True))),
    _torch_class("L1Loss", options=({"size_average": False}, {"reduce": False})),
    _torch_class("MSELoss", options=({"size_average": False, "reduction": "none"},)),
    _torch_class("HuberLoss", options=({"delta": 0.5},),
                 cases=(Case("delta of the wrong type", {"delta": "1"}, raises="TypeError"),)),
    _torch_class("SmoothL1Loss", options=({"beta": 0.5}, {"beta": 0.0})),
    _keras("mean_squared_error"),
    _keras("mean_absolute_error"),
    _keras("mean_absolute_percentage_error"),
    _keras("mean_squared_logarithmic_error"),
    # on integers Keras computes in their dtype: 0.5 and delta truncate (delta=1 in the precisions check)
    _keras("huber", options=({}, {"delta": 0.5}, {"delta": 2.0}),
           cases=(Case("integer inputs truncate delta", {"delta": 1.5}, edge="integers"),)),
    _keras("log_cosh"),
    _keras("mse", alias_of="mean_squared_error"),
    _keras("mae", alias_of="mean_absolute_error"),
    _keras("mape", alias_of="mean_absolute_percentage_error"),
    _keras("msle", alias_of="mean_squared_logarithmic_error"),
    _keras("MSE", alias_of="mean_squared_error"),
    _keras("MAE", alias_of="mean_absolute_error"),
    _keras("MAPE", alias_of="mean_absolute_percentage_error"),
    _keras("MSLE", alias_of="mean_squared_logarithmic_error"),
    _keras_class("MeanSquaredError"),
    _keras_class("MeanAbsoluteError"),
    _keras_class("MeanAbsolutePercentageError"),
    _keras_class("MeanSquaredLogarithmicError"),
    _keras_class("Huber", options=({"delta": 0.5}, {"delta": 2.0, "reduction": "sum"})),
    _keras_class("LogCosh"),
    _tf("absolute_difference"),
    _tf("mean_squared_error"),
    _tf("huber_loss", options=({"delta": 0.5}, {"delta": 2.0, "weights": Arg("weight")})),
    Entry(
        path="multiloss.tf.losses.compute_weighted_loss",
        original="tensorflow.compat.v1.losses.compute_weighted_loss",
        **PER_EXAMPLE_LOSS,
        options=TF_V1_OPTIONS,
        cases=(Case("unknown reduction", {"reduction": "mean"}, raises="ValueError"),
               Case("weights that don't broadcast", {"weights": Arg("sample_weight")}, raises="ValueError"),
               Case("all-zero weights", {"weights": Arg("zero_weight")})),
        differences="float64 losses are reduced in float32 and cast back, as TensorFlow does.",
        precision="float32",
    ),
    Entry(
        path="multiloss.tf.nn.l2_loss",
        original="tensorflow.nn.l2_loss",
        **PER_EXAMPLE_LOSS,
    ),
)
