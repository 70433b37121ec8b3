"""``tf.nn`` loss ops: the same names, keyword arguments and results, on every backend."""

from .._fused import fuse_functions
from ._ctc import ctc_loss
from ._distribute import compute_average_loss, scale_regularization_loss
from ._divergence import log_poisson_loss
from ._regression import l2_loss
from ._sigmoid import sigmoid_cross_entropy_with_logits, weighted_cross_entropy_with_logits
from ._softmax import softmax_cross_entropy_with_logits, sparse_softmax_cross_entropy_with_logits

__all__ = ["l2_loss"]
__all__ += ["log_poisson_loss"]
__all__ += ["softmax_cross_entropy_with_logits", "sparse_softmax_cross_entropy_with_logits"]
__all__ += ["sigmoid_cross_entropy_with_logits", "weighted_cross_entropy_with_logits"]
__all__ += ["compute_average_loss", "scale_regularization_loss"]
__all__ += ["ctc_loss"]

# The distribution helpers too: the replica context they read is TensorFlow's, and only calls
# on JAX arrays are fused.
fuse_functions(globals(), __all__)
