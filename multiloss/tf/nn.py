"""``tf.nn`` loss ops: the same names, keyword arguments and results, on every backend."""

from ._regression import l2_loss

__all__ = ["l2_loss"]
