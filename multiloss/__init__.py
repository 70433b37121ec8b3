"""multiloss: loss functions written once, run natively on NumPy, PyTorch, TensorFlow and JAX.

The interfaces mirror the originals, so that a port is a changed import::

    multiloss.pytorch.functional    torch.nn.functional
    multiloss.pytorch               torch.nn loss classes
    multiloss.keras                 keras.losses
    multiloss.tf.losses             tf.compat.v1.losses
    multiloss.tf.nn                 tf.nn loss ops
    multiloss.torchvision           torchvision.ops losses

``namespace_of`` is the dispatch every loss uses; it is public so that users can
write their own losses once.
"""

import os as _os

# In a source checkout backends/ sits beside this package instead of inside it
# (installs map it to multiloss.backends); let the checkout import it too.
_beside = _os.path.join(_os.path.dirname(_os.path.dirname(__file__)), "backends", "_base.py")
if not _os.path.isdir(_os.path.join(__path__[0], "backends")) and _os.path.exists(_beside):
    __path__.append(_os.path.dirname(_os.path.dirname(_beside)))

from ._dispatch import namespace_of  # noqa: E402
from ._fused import fuse_functions as _fuse_functions  # noqa: E402
from .native import balanced_sigmoid_cross_entropy, dice_loss, iou_loss  # noqa: E402

__version__ = "0.1.0"
__all__ = ["namespace_of", "balanced_sigmoid_cross_entropy", "iou_loss", "dice_loss"]

_fuse_functions(globals(), ["balanced_sigmoid_cross_entropy", "iou_loss", "dice_loss"])


def __getattr__(name):
    # multiloss.port, the porting tool (a package that is also called as a function), loads on
    # first use: it imports no framework either, but it is not needed to compute a loss.
    if name == "port":
        import importlib

        return importlib.import_module(".port", __name__)
    raise AttributeError(f"module 'multiloss' has no attribute {name!r}")
