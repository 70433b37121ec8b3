"""``torch.nn.functional`` losses: the same names, arguments, defaults, guards and errors, on every backend."""

from ._regression import huber_loss, l1_loss, mse_loss, smooth_l1_loss

__all__ = ["l1_loss", "mse_loss", "huber_loss", "smooth_l1_loss"]
