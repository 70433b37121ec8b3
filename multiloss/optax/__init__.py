"""``optax.losses``: the same names, parameters and per-example results, on every backend."""

from .._fused import fuse_functions
from ._ctc import ctc_loss, ctc_loss_with_forward_probs

__all__ = ["ctc_loss", "ctc_loss_with_forward_probs"]

fuse_functions(globals(), __all__)
