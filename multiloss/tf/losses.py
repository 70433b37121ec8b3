"""``tf.compat.v1.losses``: the same names, argument order (labels first), defaults, reductions and errors.

Every loss casts its inputs to float32, computes the elementwise loss and
reduces it with :func:`compute_weighted_loss` (default
``Reduction.SUM_BY_NONZERO_WEIGHTS``: the weighted sum over the number of
non-zero weights, 0 when there are none).
"""

from .._fused import fuse_functions
from .._reduction import Reduction
from ._common import compute_weighted_loss
from ._margin import cosine_distance, hinge_loss, mean_pairwise_squared_error
from ._regression import absolute_difference, huber_loss, mean_squared_error
from ._sigmoid import log_loss, sigmoid_cross_entropy
from ._softmax import softmax_cross_entropy, sparse_softmax_cross_entropy

__all__ = ["Reduction", "compute_weighted_loss", "absolute_difference", "mean_squared_error", "huber_loss"]
__all__ += ["softmax_cross_entropy", "sparse_softmax_cross_entropy"]
__all__ += ["sigmoid_cross_entropy", "log_loss"]
__all__ += ["hinge_loss", "cosine_distance", "mean_pairwise_squared_error"]

fuse_functions(globals(), __all__)
