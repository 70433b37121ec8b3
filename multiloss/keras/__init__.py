"""``keras.losses``: the same functions, classes, aliases, defaults and reductions, on every backend.

Functions return the per-sample loss (Keras averages over the last axis);
classes reduce it with ``reduction`` and ``sample_weight``. Classes compute in
``keras.config.floatx()`` (float32) unless ``dtype`` says otherwise, as Keras does.
Where the program imports Keras, the classes are ``keras.losses.Loss`` instances and
every class and function is registered with Keras' saving, so ``load_model`` needs
no ``custom_objects``.
"""

from .._framework_class import make_twins_when_ready
from .._fused import fuse_functions
from . import _serialization
from ._categorical import (
    CategoricalCrossentropy,
    CategoricalFocalCrossentropy,
    CategoricalGeneralizedCrossEntropy,
    SparseCategoricalCrossentropy,
    categorical_crossentropy,
    categorical_focal_crossentropy,
    categorical_generalized_cross_entropy,
    sparse_categorical_crossentropy,
)
from ._common import Loss, LossFunctionWrapper
from ._common import floatx as _floatx
from ._ctc import CTC, ctc
from ._divergence import KLD, KLDivergence, Poisson, kl_divergence, kld, poisson
from ._margin import (
    CategoricalHinge,
    Circle,
    CosineSimilarity,
    Hinge,
    SquaredHinge,
    categorical_hinge,
    circle,
    cosine_similarity,
    hinge,
    squared_hinge,
)
from ._overlap import Dice, Tversky, dice, tversky
from ._regression import (
    MAE,
    MAPE,
    MSE,
    MSLE,
    Huber,
    LogCosh,
    MeanAbsoluteError,
    MeanAbsolutePercentageError,
    MeanSquaredError,
    MeanSquaredLogarithmicError,
    huber,
    log_cosh,
    mae,
    mape,
    mean_absolute_error,
    mean_absolute_percentage_error,
    mean_squared_error,
    mean_squared_logarithmic_error,
    mse,
    msle,
)
from ._serialization import deserialize, get, serialize
from ._sigmoid import (
    BCE,
    BinaryCrossentropy,
    BinaryFocalCrossentropy,
    bce,
    binary_crossentropy,
    binary_focal_crossentropy,
)

__all__ = [
    "Loss", "LossFunctionWrapper", "get", "serialize", "deserialize",
    "mean_squared_error", "mean_absolute_error", "mean_absolute_percentage_error",
    "mean_squared_logarithmic_error", "huber", "log_cosh", "mse", "mae", "mape", "msle",
    "MSE", "MAE", "MAPE", "MSLE",
    "MeanSquaredError", "MeanAbsoluteError", "MeanAbsolutePercentageError",
    "MeanSquaredLogarithmicError", "Huber", "LogCosh",
]
__all__ += ["kl_divergence", "poisson", "kld", "KLD", "KLDivergence", "Poisson"]
__all__ += ["categorical_crossentropy", "sparse_categorical_crossentropy", "categorical_focal_crossentropy",
            "categorical_generalized_cross_entropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
            "CategoricalFocalCrossentropy", "CategoricalGeneralizedCrossEntropy"]
__all__ += ["binary_crossentropy", "binary_focal_crossentropy", "bce", "BCE", "BinaryCrossentropy",
            "BinaryFocalCrossentropy"]
__all__ += ["dice", "tversky", "Dice", "Tversky"]
__all__ += ["ctc", "CTC"]
__all__ += ["hinge", "squared_hinge", "categorical_hinge", "cosine_similarity", "circle", "Hinge", "SquaredHinge",
            "CategoricalHinge", "CosineSimilarity", "Circle"]

# Before the registration with Keras' saving, which then registers the fused forms.
fuse_functions(globals(), [n for n in __all__ if n not in ("get", "serialize", "deserialize")], context=_floatx)

_serialization.register_when_keras_loads()

make_twins_when_ready("keras")  # the classes' framework twins, before any trace meets a first instance
