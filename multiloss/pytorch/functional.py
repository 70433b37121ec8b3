"""``torch.nn.functional`` losses: the same names, arguments, defaults, guards and errors, on every backend."""

from .._fused import fuse_functions
from ._ctc import ctc_loss
from ._divergence import gaussian_nll_loss, kl_div, poisson_nll_loss
from ._linear import linear_cross_entropy
from ._margin import (
    cosine_embedding_loss,
    hinge_embedding_loss,
    margin_ranking_loss,
    multi_margin_loss,
    multilabel_margin_loss,
    multilabel_soft_margin_loss,
    pairwise_distance,
    soft_margin_loss,
    triplet_margin_loss,
    triplet_margin_with_distance_loss,
)
from ._regression import huber_loss, l1_loss, mse_loss, smooth_l1_loss
from ._sigmoid import binary_cross_entropy, binary_cross_entropy_with_logits
from ._softmax import cross_entropy, nll_loss

__all__ = ["l1_loss", "mse_loss", "huber_loss", "smooth_l1_loss"]
__all__ += ["kl_div", "poisson_nll_loss", "gaussian_nll_loss"]
__all__ += ["cross_entropy", "nll_loss", "linear_cross_entropy"]
__all__ += ["binary_cross_entropy", "binary_cross_entropy_with_logits"]
__all__ += ["margin_ranking_loss", "hinge_embedding_loss", "soft_margin_loss", "multilabel_margin_loss",
            "multilabel_soft_margin_loss", "multi_margin_loss", "cosine_embedding_loss", "pairwise_distance",
            "triplet_margin_loss", "triplet_margin_with_distance_loss"]
__all__ += ["ctc_loss"]

fuse_functions(globals(), __all__)
