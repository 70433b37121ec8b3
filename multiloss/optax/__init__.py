"""``optax.losses``: the same names, arguments and per-example values, on every backend.

optax reduces nothing: each function returns the loss per element or per example
(``ntxent``, the Dice losses and ``ranking_softmax_loss``'s default ``reduce_fn``
aside, as in optax). Arguments are in optax's order (predictions or logits first),
with its keyword-only arguments and defaults; ``axis`` and ``where`` work on
NumPy, PyTorch, TensorFlow and JAX arrays alike. Importing this module imports
no framework.
"""

from .._fused import fuse_functions as _fuse_functions
from ._classification import (
    convex_kl_divergence,
    generalized_kl_divergence,
    hinge_loss,
    kl_divergence,
    kl_divergence_with_log_targets,
    multiclass_hinge_loss,
    multiclass_perceptron_loss,
    perceptron_loss,
    poly_loss_cross_entropy,
    safe_softmax_cross_entropy,
    sigmoid_binary_cross_entropy,
    sigmoid_focal_loss,
    softmax_cross_entropy,
    softmax_cross_entropy_with_integer_labels,
)
from ._ctc import ctc_loss, ctc_loss_with_forward_probs
from ._fenchel_young import make_fenchel_young_loss, multiclass_sparsemax_loss, sparsemax_loss
from ._ranking import ranking_softmax_loss
from ._regression import (
    cosine_distance,
    cosine_similarity,
    huber_loss,
    l2_loss,
    log_cosh,
    squared_error,
)
from ._segmentation import binary_dice_loss, dice_loss, multiclass_generalized_dice_loss
from ._self_supervised import ntxent, triplet_margin_loss
from ._smoothing import smooth_labels

__all__ = ["l2_loss", "squared_error", "huber_loss", "log_cosh", "cosine_similarity", "cosine_distance"]
__all__ += ["sigmoid_binary_cross_entropy", "sigmoid_focal_loss", "hinge_loss", "perceptron_loss",
            "multiclass_hinge_loss", "multiclass_perceptron_loss"]
__all__ += ["softmax_cross_entropy", "softmax_cross_entropy_with_integer_labels", "safe_softmax_cross_entropy",
            "poly_loss_cross_entropy"]
__all__ += ["kl_divergence", "kl_divergence_with_log_targets", "convex_kl_divergence", "generalized_kl_divergence"]
__all__ += ["sparsemax_loss", "multiclass_sparsemax_loss", "make_fenchel_young_loss"]
__all__ += ["ranking_softmax_loss", "ntxent", "triplet_margin_loss"]
__all__ += ["dice_loss", "binary_dice_loss", "multiclass_generalized_dice_loss"]
__all__ += ["ctc_loss", "ctc_loss_with_forward_probs"]
__all__ += ["smooth_labels"]

# Eager JAX calls run as one compiled program (see multiloss._fused); make_fenchel_young_loss
# returns a function rather than a loss.
_fuse_functions(globals(), [n for n in __all__ if n != "make_fenchel_young_loss"])
