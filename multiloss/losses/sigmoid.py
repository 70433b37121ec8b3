"""Sigmoid (binary) cross-entropy: one independent two-class decision per element.

Every function takes ``xp`` and returns the unreduced, elementwise loss. The
prediction is a probability ``p`` or a logit ``x`` (``p = sigmoid(x)``); the
target ``y`` is in [0, 1] (hard 0/1 labels or soft ones). The originals guard
the logarithm in three different ways, and each guard is reproduced exactly:

==========================  =========================================  ==============================
function                    guard                                      original
==========================  =========================================  ==============================
``torch_probability_bce``   each log clamped at -100                   torch ``binary_cross_entropy``
``clipped_probability_bce`` ``p`` clipped to ``[eps, 1 - eps]``        Keras ``binary_crossentropy``
``log_loss``                ``eps`` added inside both logs             TF v1 ``log_loss``
``torch_logit_bce``         log-sigmoid                                torch ``..._with_logits``
``tf_logit_bce``            ``max(x, 0) - x y + log1p(exp(-|x|))``     TF ``sigmoid_cross_entropy_...``
``tf_weighted_logit_bce``   ``relu(-x) + log1p(exp(-|x|))``            TF ``weighted_cross_entropy_...``
==========================  =========================================  ==============================

The logit forms agree in value for every finite logit; they differ in what an
infinite logit gives (NaN or inf, see each docstring) and, for TF's weighted
form, in the gradient at exactly ``x = 0``, so each interface uses its own.
"""

TORCH_LOG_FLOOR = -100.0  # torch clamps log(p) and log(1 - p) at -100
# torch's backward divides by max(p (1 - p), 1e-12), its 1e-12 a float32 constant in every dtype.
TORCH_GRAD_EPS = 9.999999960041972e-13  # float32(1e-12)


def torch_probability_bce(xp, probs, target):
    """PyTorch's BCE on probabilities: ``-(y max(log p, -100) + (1 - y) max(log1p(-p), -100))``.

    The gradient with respect to ``p`` is torch's own backward formula,
    ``(p - y) / max(p (1 - p), 1e-12)``, which stays finite (about ``+-1e12``)
    at ``p`` = 0 and 1, where the clamped logs alone would give 0. It is put in
    with a term whose value is exactly zero, ``(p - stop_gradient(p)) * slope``,
    because the array API has no custom gradients. The gradient with respect to
    ``y`` is ``max(log1p(-p), -100) - max(log p, -100)``: torch's, except that
    torch leaves these logs unclamped there (``+-inf`` at p = 0 or 1).

    Source: ATen ``binary_cross_entropy`` kernels (forward and backward).
    """
    fixed = xp.stop_gradient(probs)
    log_p = xp.clip(xp.log(fixed), min=TORCH_LOG_FLOOR)
    log_q = xp.clip(xp.log1p(-fixed), min=TORCH_LOG_FLOOR)
    value = -(target * log_p + (1 - target) * log_q)
    if not xp.differentiable:
        return value
    slope = xp.stop_gradient((fixed - target) / xp.clip((1 - fixed) * fixed, min=TORCH_GRAD_EPS))
    return value + (probs - fixed) * slope


def clipped_probability_bce(xp, target, probs, epsilon):
    """Keras' BCE on probabilities: ``p`` clipped to ``[eps, 1 - eps]``, then ``-(y log p + (1 - y) log(1 - p))``.

    The upper bound is ``1 - eps`` rounded to the array's dtype: 0.99999988 in
    float32, so ``p = 1, y = 0`` gives 15.942 while ``p = 0, y = 1`` gives 16.118.
    The gradient is 0 where the clip is active, as in Keras.

    Source: ``keras.src.backend.tensorflow.nn.binary_crossentropy``.
    """
    probs = xp.clip(probs, min=epsilon, max=1.0 - epsilon)
    return -(target * xp.log(probs) + (1 - target) * xp.log(1 - probs))


def log_loss(xp, target, probs, epsilon=1e-7):
    """TF v1 log loss: ``-y log(p + eps) - (1 - y) log(1 - p + eps)``.

    ``eps`` is added, not clipped, so a perfect prediction gives a slightly
    negative loss (``log(1 + eps)``), and ``p`` outside [0, 1] gives NaN.

    Source: ``tf.compat.v1.losses.log_loss``.
    """
    return -(target * xp.log(probs + epsilon)) - (1 - target) * xp.log(1 - probs + epsilon)


def torch_logit_bce(xp, logits, target, pos_weight=None):
    """PyTorch's BCE with logits: ``(1 - y) x - (1 + (q - 1) y) log_sigmoid(x)``, ``q`` = ``pos_weight``.

    This is ``-(q y log sigmoid(x) + (1 - y) log sigmoid(-x))``; log-sigmoid
    never overflows, so ``|x|`` of 1e4 gives the exact ``|x|`` (or 0), with
    the gradient ``(1 + (q - 1) y) sigmoid(x) - q y``. Infinite logits give
    what torch gives: ``(+inf, y=0)`` is inf, and ``(+inf, 1)``, ``(-inf, 0)``,
    ``(-inf, 1)`` are NaN (``0 * inf``).

    Source: ATen ``binary_cross_entropy_with_logits``.
    """
    # The backend extension: PyTorch's own kernel on torch, this formula elsewhere.
    return xp.bce_with_logits(logits, target, pos_weight)


def tf_logit_bce(xp, target, logits):
    """TensorFlow's sigmoid cross-entropy: ``max(x, 0) - x y + log1p(exp(-|x|))``.

    The gradient at ``x = 0`` is the exact ``sigmoid(0) - y``, as in TensorFlow
    (which writes ``max(x, 0)`` and ``-|x|`` with one ``where`` on ``x >= 0``).
    Infinite logits give what TensorFlow gives: ``(-inf, y=1)`` is inf, the other
    three signs/labels are NaN.

    Source: ``tf.nn.sigmoid_cross_entropy_with_logits``.
    """
    return xp.sigmoid_cross_entropy(target, logits)


def tf_weighted_logit_bce(xp, target, logits, pos_weight):
    """TensorFlow's weighted sigmoid cross-entropy: ``(1 - y) x + l (log1p(exp(-|x|)) + relu(-x))``.

    ``l = 1 + (q - 1) y`` with ``q`` = ``pos_weight``. TensorFlow's ``abs``
    and ``relu`` both have derivative 0 at 0, so its gradient at exactly
    ``x = 0`` is ``1 - y`` (not ``l / 2 - q y``); the backend's ``relu``
    (derivative 0 at 0) keeps that on every backend.

    Source: ``tf.nn.weighted_cross_entropy_with_logits``.
    """
    log_weight = 1 + (pos_weight - 1) * target
    relu_neg = xp.relu(-logits)
    return (1 - target) * logits + log_weight * (xp.log1p(xp.exp(-xp.abs(logits))) + relu_neg)


def smooth_binary_labels(target, label_smoothing):
    """Label smoothing toward 0.5: ``y (1 - s) + s / 2`` (Keras and TF v1 binary losses)."""
    return target * (1.0 - label_smoothing) + 0.5 * label_smoothing


def focal_factor(xp, probs, target, gamma):
    """The focal modulation ``(1 - p_t)**gamma``, ``p_t = y p + (1 - y)(1 - p)``.

    ``xp.power``: at a saturated ``p_t = 1`` and ``gamma = 0`` the gradient is 0, not NaN.

    Source: Lin et al., "Focal Loss for Dense Object Detection", ICCV 2017.
    """
    p_t = target * probs + (1 - target) * (1 - probs)
    return xp.power(1 - p_t, gamma)


def class_balance(target, alpha):
    """The focal loss' class weight: ``alpha`` for positives, ``1 - alpha`` for negatives."""
    return target * alpha + (1 - target) * (1 - alpha)


def negative_fraction(xp, target):
    """``mean(1 - y)`` over every axis but the first, kept for broadcasting: HED's ``beta`` per sample.

    For binary targets it is ``|Y-| / |Y|``, the fraction of negatives.
    """
    axes = tuple(range(1, xp.ndim(target)))
    if not axes:
        return 1 - target
    return xp.mean(1 - target, axis=axes, keepdims=True)


def balanced_sigmoid_cross_entropy(xp, logits, target, beta):
    """HED's class-balanced sigmoid cross-entropy.

    ``-beta y log sigmoid(x) - (1 - beta)(1 - y) log sigmoid(-x)``, from
    logits through log-sigmoid, so any finite logit gives a finite loss and
    gradient.

    Source: Xie & Tu, "Holistically-Nested Edge Detection", ICCV 2015, eq. (2).
    """
    return -beta * target * xp.log_sigmoid(logits) - (1 - beta) * (1 - target) * xp.log_sigmoid(-logits)


def log_sigmoid_bce(xp, logits, labels):
    """``-y log_sigmoid(x) - (1 - y) log_sigmoid(-x)`` (optax's ``sigmoid_binary_cross_entropy``).

    The log-sigmoid form: an infinite logit gives ``0 * -inf = NaN`` in the term its
    label zeroes (optax's values there), where PyTorch's and TensorFlow's forms differ.
    """
    return -labels * xp.log_sigmoid(logits) - (1.0 - labels) * xp.log_sigmoid(-logits)


def log_focal_factor(xp, logits, labels, gamma):
    """The focal modulation ``(1 - p_t)**gamma`` as ``exp(gamma log(1 - p_t))``, with
    ``log(1 - p_t) = log((1 - y) sigmoid(x) + y sigmoid(-x))`` a log-sum-exp of the two
    log-sigmoids (stable for large logits), as optax computes it."""
    log_p, log_q = xp.log_sigmoid(logits), xp.log_sigmoid(-logits)
    peak = xp.maximum(log_p, log_q)  # <= 0 and finite for a finite logit
    log_one_minus_p_t = peak + xp.log((1.0 - labels) * xp.exp(log_p - peak) + labels * xp.exp(log_q - peak))
    return xp.exp(gamma * log_one_minus_p_t)
