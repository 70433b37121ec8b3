"""Regression losses: elementwise functions of a prediction and a target.

Each takes the namespace ``xp`` and returns the unreduced, elementwise loss.
"""


def absolute_error(xp, prediction, target):
    """``|p - t|``. The gradient at a zero residual is 0 (``sign(0)``) on every backend."""
    return xp.abs(prediction - target)


def squared_error(xp, prediction, target):
    """``(p - t)**2``."""
    return xp.squared_difference(prediction, target)


def huber(xp, prediction, target, delta=1.0):
    """Huber (1964): ``0.5 d**2`` for ``|d| <= delta``, else ``delta (|d| - delta / 2)``, ``d = p - t``.

    The backends compute it (``xp.huber``) as ``m (|d| - m / 2)`` with
    ``m = min(|d|, delta)``, or with the framework's fused kernel where it has
    one; the gradient is ``clip(d, -delta, delta)`` on both sides of the
    boundary and at it.
    """
    return xp.huber(prediction, target, delta)


def truncated_huber(xp, prediction, target, delta):
    """Huber computed in an integer dtype, as Keras' function does on integer inputs: its ``0.5``
    and ``delta`` are cast to that dtype, so ``0.5`` truncates to 0 and the loss is 0 for
    ``|d| <= int(delta)``, ``int(delta) |d|`` above.

    Source: ``keras.losses.huber`` (Keras 3), its constants through ``convert_to_tensor``.
    """
    delta = int(delta)
    abs_error = xp.abs(prediction - target)
    return xp.where(abs_error <= delta, xp.zeros_like(abs_error), delta * abs_error)


def smooth_l1(xp, prediction, target, beta=1.0):
    """Smooth L1 (Girshick, Fast R-CNN 2015): Huber divided by ``beta``, and plain L1 at ``beta = 0``.

    ``0.5 d**2 / beta`` for ``|d| < beta``, else ``|d| - beta / 2``.
    """
    if beta == 0:
        return absolute_error(xp, prediction, target)
    loss = huber(xp, prediction, target, beta)
    # beta = 1 (the default) is Huber itself: no division pass.
    return loss if beta == 1 else loss / beta


LOG2 = 0.6931471805599453


def log_cosh(xp, prediction, target, log2=LOG2):
    """``log(cosh(d))`` as ``d + softplus(-2 d) - log 2``, which never overflows (Keras' form).

    ``log2`` is a parameter because Keras uses log 2 rounded to float32 even in float64.
    """
    diff = prediction - target
    return diff + xp.softplus(-2.0 * diff) - log2


def log_cosh_logaddexp(xp, errors, log2=LOG2):
    """``log(cosh(e))`` as ``logaddexp(e, -e) - log 2`` (optax's form): an infinite residual gives
    ``inf``, where :func:`log_cosh`'s ``e + softplus(-2 e)`` is ``-inf + inf = NaN``."""
    return xp.logaddexp(errors, -errors) - log2


def absolute_relative_error(xp, prediction, target, epsilon=1e-7):
    """``|(t - p) / max(|t|, epsilon)|`` (Keras' guard against a zero target); times 100 it is a
    percentage, a scaling Keras applies after its mean (one multiply per row, not per element)."""
    scale = xp.clip(xp.abs(target), min=epsilon)
    return xp.abs((target - prediction) / scale)


def squared_log_error(xp, prediction, target, epsilon=1e-7):
    """``(log(max(p, eps) + 1) - log(max(t, eps) + 1))**2`` (Keras' guard against negatives)."""
    diff = xp.log(xp.clip(prediction, min=epsilon) + 1.0) - xp.log(xp.clip(target, min=epsilon) + 1.0)
    return diff * diff


def half_sum_of_squares(xp, x):
    """``sum(x**2) / 2``, TensorFlow's ``l2_loss``."""
    return xp.half_sum_of_squares(x)
