"""TensorFlow's loss interfaces: ``multiloss.tf.losses`` (``tf.compat.v1.losses``) and ``multiloss.tf.nn``."""

from . import errors, losses, nn

__all__ = ["errors", "losses", "nn"]
