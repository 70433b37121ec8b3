"""Overlap losses for segmentation: Dice and Tversky, on probabilities against targets.

Each function takes ``xp``, a prediction ``p`` (probabilities) and a target
``g`` of the same shape, and sums over ``axis`` (``None``: every axis, one
value for the whole batch; a tuple: those axes, one value per remaining
index). The two differ from the IoU family of ``box.py`` in measuring soft
overlaps: ``sum(p g)`` stands for the intersection.
"""


def _sum(xp, x, axis):
    # An empty tuple of axes means "no reduction" here; torch.sum reads dim=() as "every axis".
    return x if axis == () else xp.sum(x, axis=axis)


def dice(xp, prediction, target, axis=None, smooth=0.0, epsilon=0.0, squared=False):
    """Dice loss: ``1 - (2 sum(p g) + smooth) / (sum(p^k) + sum(g^k) + smooth + epsilon)``.

    ``k = 2`` when ``squared`` (V-Net's form), else 1. ``smooth`` (added above
    and below) keeps the loss of an empty prediction against an empty target
    at 0; ``epsilon`` (below only) is Keras' guard against 0 / 0, which makes
    that loss 1 instead.

    Source: F. Milletari et al., "V-Net: Fully Convolutional Neural Networks
    for Volumetric Medical Image Segmentation", 3DV 2016, eq. (1).
    """
    if squared:
        p_mass, g_mass = _sum(xp, prediction * prediction, axis), _sum(xp, target * target, axis)
    else:
        p_mass, g_mass = _sum(xp, prediction, axis), _sum(xp, target, axis)
    intersection = _sum(xp, prediction * target, axis)
    return 1 - (2.0 * intersection + smooth) / (p_mass + g_mass + smooth + epsilon)


def tversky(xp, prediction, target, alpha=0.5, beta=0.5, axis=None, epsilon=0.0):
    """Tversky loss: ``1 - TP / (TP + alpha FP + beta FN + epsilon)``.

    ``TP = sum(p g)``, ``FP = sum(p (1 - g))``, ``FN = sum((1 - p) g)``:
    ``alpha`` weighs false positives and ``beta`` false negatives; with both
    at 0.5 it is the Dice loss.

    Source: S. S. M. Salehi et al., "Tversky loss function for image
    segmentation using 3D fully convolutional deep networks", MLMI 2017, eq. (3).
    """
    true_positive = _sum(xp, prediction * target, axis)
    false_positive = _sum(xp, prediction * (1 - target), axis)
    false_negative = _sum(xp, (1 - prediction) * target, axis)
    return 1 - true_positive / (true_positive + alpha * false_positive + beta * false_negative + epsilon)


def smoothed_tversky(xp, prediction, target, alpha=0.5, beta=0.5, smooth=1.0, axis=None):
    """Tversky loss with Laplace smoothing, optax's form:
    ``1 - (I + smooth) / (I + alpha (sum(p) - I) + beta (sum(g) - I) + smooth)``, ``I = sum(p g)``;
    ``alpha = beta = 0.5`` is the smoothed Dice loss. The sums run over ``axis`` (``()``: none).

    Source: optax ``dice_loss``; Salehi et al., MLMI 2017 (Tversky); Milletari et al., 3DV 2016 (Dice).
    """
    intersection = _sum(xp, prediction * target, axis)
    prediction_mass = _sum(xp, prediction, axis)
    target_mass = _sum(xp, target, axis)
    denominator = (intersection + alpha * (prediction_mass - intersection)
                   + beta * (target_mass - intersection) + smooth)
    return 1.0 - (intersection + smooth) / denominator


def inverse_square_frequency_weights(xp, target):
    """Generalised Dice's class weights ``1 / (f_c**2 + 1e-7)``, ``f_c`` the target mass of each class
    (last axis) over the whole batch, scaled to sum to the number of classes (Sudre et al., 2017)."""
    frequencies = _sum(xp, target, tuple(range(xp.ndim(target) - 1)))
    weights = 1.0 / (frequencies * frequencies + 1e-7)
    return weights / xp.sum(weights) * weights.shape[0]
