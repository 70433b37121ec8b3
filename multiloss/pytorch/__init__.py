"""``torch.nn`` loss classes; ``multiloss.pytorch.functional`` holds the functions.

Where the program imports torch, each class is a ``torch.nn.Module`` with torch's
buffers (``weight``, ``pos_weight``); without torch it is a plain callable. Both
serve NumPy, PyTorch, TensorFlow and JAX arrays.
"""

from .._framework_class import make_twins_when_ready
from . import functional
from ._ctc import CTCLoss
from ._divergence import GaussianNLLLoss, KLDivLoss, PoissonNLLLoss
from ._linear import LinearCrossEntropyLoss, LinearCrossEntropyOptions
from ._margin import (
    CosineEmbeddingLoss,
    HingeEmbeddingLoss,
    MarginRankingLoss,
    MultiLabelMarginLoss,
    MultiLabelSoftMarginLoss,
    MultiMarginLoss,
    PairwiseDistance,
    SoftMarginLoss,
    TripletMarginLoss,
    TripletMarginWithDistanceLoss,
)
from ._regression import HuberLoss, L1Loss, MSELoss, SmoothL1Loss
from ._sigmoid import BCELoss, BCEWithLogitsLoss
from ._softmax import CrossEntropyLoss, NLLLoss

__all__ = ["functional", "L1Loss", "MSELoss", "HuberLoss", "SmoothL1Loss"]
__all__ += ["KLDivLoss", "PoissonNLLLoss", "GaussianNLLLoss"]
__all__ += ["CrossEntropyLoss", "NLLLoss", "LinearCrossEntropyLoss", "LinearCrossEntropyOptions"]
__all__ += ["BCELoss", "BCEWithLogitsLoss"]
__all__ += ["MarginRankingLoss", "HingeEmbeddingLoss", "SoftMarginLoss", "MultiLabelMarginLoss",
            "MultiLabelSoftMarginLoss", "MultiMarginLoss", "CosineEmbeddingLoss", "TripletMarginLoss",
            "PairwiseDistance",
            "TripletMarginWithDistanceLoss"]
__all__ += ["CTCLoss"]

make_twins_when_ready("torch")  # the classes' framework twins, before any trace meets a first instance
