"""``torchvision.ops`` losses: the same names, arguments, defaults and errors, on every backend."""

from __future__ import annotations

from ._dispatch import namespace_of
from ._dtypes import promote_floats
from ._reduction import reduce
from .losses import sigmoid
from .pytorch._sigmoid import binary_cross_entropy_with_logits

__all__ = ["sigmoid_focal_loss"]


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction="none"):
    """``torchvision.ops.sigmoid_focal_loss``: RetinaNet's focal loss on logits.

    ``alpha_t (1 - p_t)**gamma * bce_with_logits(x, y)`` with ``p = sigmoid(x)``,
    ``p_t = p y + (1 - p)(1 - y)`` and ``alpha_t = alpha y + (1 - alpha)(1 - y)``;
    ``alpha = -1`` turns the class weight off (any other value outside [0, 1]
    raises ``ValueError``). ``reduction`` is ``'none'`` (the default), ``'mean'``
    (NaN for an empty input) or ``'sum'``; another value raises ``ValueError``
    after the loss is computed, as torchvision does.

    Source: Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017.
    """
    if not (0 <= alpha <= 1) and alpha != -1:
        raise ValueError(f"Invalid alpha value: {alpha}. alpha must be in the range [0,1] or -1 for ignore.")
    xp = namespace_of(inputs, targets)
    inputs, targets = promote_floats(xp, inputs, targets)
    probs = xp.sigmoid(inputs)
    ce_loss = binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    loss = ce_loss * sigmoid.focal_factor(xp, probs, targets, gamma)
    if alpha >= 0:
        loss = sigmoid.class_balance(targets, alpha) * loss
    if reduction not in ("none", "mean", "sum"):
        # The unbalanced quote is torchvision's.
        raise ValueError(
            f"Invalid Value for arg 'reduction': '{reduction} \n Supported reduction modes: 'none', 'mean', 'sum'"
        )
    return reduce(xp, loss, reduction, empty="nan")
