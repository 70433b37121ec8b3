"""What each catalog row is timed against, on each framework.

The reference of a row on a backend is, in this order:

1. its original, where the original runs on that backend: a ``torch``/``torchvision``
   row on torch, a TF v1 or ``tf.nn`` row on TensorFlow, a ``keras.losses`` row on
   every backend (Keras bound to it by ``KERAS_BACKEND``);
2. else the fastest native expression of the same math in that framework, written
   down here per original (``NATIVE``): the framework's fused kernel where one
   computes it (``F.cross_entropy``, ``tf.nn.sparse_softmax_cross_entropy_with_logits``,
   optax's losses on JAX), else the plain expression in the framework's own functions.

A row whose original has no entry in ``NATIVE`` is timed against nothing on the
other backends, and its line says so. Each row is also timed against a Keras 3
loss of the same kind on the same backend (``KERAS``), where Keras has one.

The expressions are written for the first option set of the row (the one the
benchmark times), which for these originals is their defaults.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from types import SimpleNamespace

from ..catalog import _resolve
from ..testing import framework_of_path

IGNORE_INDEX = -100


def original_runs_on(entry, backend):
    """Whether the row's original itself can be timed on ``backend``."""
    if entry.original.startswith("keras."):
        return True  # Keras runs on every backend the worker binds it to
    return (entry.original_framework or framework_of_path(entry.original)) == backend


# -- the native functions of each framework ----------------------------------------------------


def ops(framework):
    """The framework's own functions under common names, and its fused loss kernels."""
    return _OPS[framework]()


def _numpy_ops():
    import numpy as np

    def log_softmax(x, axis):
        shifted = x - np.max(x, axis=axis, keepdims=True)
        return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))

    def take(lp, t, axis):
        return np.squeeze(np.take_along_axis(lp, np.expand_dims(t, axis), axis), axis)

    def sparse_ce(x, t, axis):
        return -take(log_softmax(x, axis), t, axis)

    def bce_logits(x, t):
        return np.maximum(x, 0) - x * t + np.log1p(np.exp(-np.abs(x)))

    return SimpleNamespace(
        mean=np.mean, sum=np.sum, abs=np.abs, square=np.square, exp=np.exp, log=np.log, log1p=np.log1p,
        maximum=np.maximum, minimum=np.minimum, where=np.where, sigmoid=lambda x: 1 / (1 + np.exp(-x)),
        log_sigmoid=lambda x: -np.logaddexp(0, -x), softplus=lambda x: np.logaddexp(0, x),
        xlogy=lambda a, b: np.where(a == 0, 0, a * np.log(np.where(a == 0, 1, b))),
        log_softmax=log_softmax, take=take, sparse_ce=sparse_ce,
        soft_ce=lambda x, t, axis: -np.sum(t * log_softmax(x, axis), axis=axis),
        bce_logits=bce_logits, huber=None, clamp_min=np.maximum, sqrt=np.sqrt, atan=np.arctan,
        arange=lambda n, like: np.arange(n, dtype=like.dtype),
        amin=lambda x, axis: np.min(x, axis=axis, keepdims=True), any=np.any,
        ctc=None, ctc_padded=None,  # NumPy has no CTC kernel
    )


def _torch_ops():
    import torch
    import torch.nn.functional as F

    def take(lp, t, axis):
        return torch.gather(lp, axis, t.unsqueeze(axis)).squeeze(axis)

    return SimpleNamespace(
        mean=torch.mean, sum=torch.sum, abs=torch.abs, square=torch.square, exp=torch.exp, log=torch.log,
        log1p=torch.log1p, maximum=torch.maximum, minimum=torch.minimum, where=torch.where,
        sigmoid=torch.sigmoid, log_sigmoid=F.logsigmoid, softplus=F.softplus, xlogy=torch.xlogy,
        log_softmax=lambda x, axis: torch.log_softmax(x, axis), take=take,
        # F.cross_entropy takes the class axis at 1 (0 unbatched), the only layouts the catalog has.
        sparse_ce=lambda x, t, axis: F.cross_entropy(x, t, reduction="none"),
        soft_ce=lambda x, t, axis: F.cross_entropy(x, t, reduction="none"),
        bce_logits=lambda x, t: F.binary_cross_entropy_with_logits(x, t, reduction="none"),
        huber=lambda p, t, delta: F.huber_loss(p, t, reduction="none", delta=delta),
        clamp_min=lambda x, low: torch.clamp(x, min=low), sqrt=torch.sqrt, atan=torch.atan,
        arange=lambda n, like: torch.arange(n, dtype=like.dtype, device=like.device),
        amin=lambda x, axis: torch.amin(x, dim=axis, keepdim=True), any=lambda x, axis: torch.any(x, dim=axis),
        ctc=_torch_ctc, ctc_padded=_padded_ctc(_torch_ctc, torch),
    )


def _tensorflow_ops():
    import tensorflow as tf

    def last(x, axis):
        axis = axis % len(x.shape)
        if axis == len(x.shape) - 1:
            return x
        perm = [i for i in range(len(x.shape)) if i != axis] + [axis]
        return tf.transpose(x, perm)

    def take(lp, t, axis):
        return tf.gather(last(lp, axis), t[..., None], batch_dims=len(t.shape))[..., 0]

    def sparse_ce(x, t, axis):
        return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=t, logits=last(x, axis))

    return SimpleNamespace(
        mean=tf.reduce_mean, sum=tf.reduce_sum, abs=tf.abs, square=tf.square, exp=tf.exp, log=tf.math.log,
        log1p=tf.math.log1p, maximum=tf.maximum, minimum=tf.minimum, where=tf.where, sigmoid=tf.sigmoid,
        log_sigmoid=tf.math.log_sigmoid, softplus=tf.nn.softplus, xlogy=tf.math.xlogy,
        log_softmax=lambda x, axis: tf.nn.log_softmax(x, axis=axis), take=take, sparse_ce=sparse_ce,
        soft_ce=lambda x, t, axis: tf.nn.softmax_cross_entropy_with_logits(labels=t, logits=x, axis=axis),
        bce_logits=lambda x, t: tf.nn.sigmoid_cross_entropy_with_logits(labels=t, logits=x), huber=None,
        clamp_min=tf.maximum, sqrt=tf.sqrt, atan=tf.atan, arange=lambda n, like: tf.range(n, dtype=like.dtype),
        amin=lambda x, axis: tf.reduce_min(x, axis=axis, keepdims=True), any=tf.reduce_any,
        ctc=_tf_ctc, ctc_padded=_padded_ctc(_tf_ctc, tf),
    )


def _jax_ops():
    import jax
    import jax.numpy as jnp
    import optax

    def take(lp, t, axis):
        return jnp.squeeze(jnp.take_along_axis(lp, jnp.expand_dims(t, axis), axis), axis)

    return SimpleNamespace(
        mean=jnp.mean, sum=jnp.sum, abs=jnp.abs, square=jnp.square, exp=jnp.exp, log=jnp.log, log1p=jnp.log1p,
        maximum=jnp.maximum, minimum=jnp.minimum, where=jnp.where, sigmoid=jax.nn.sigmoid,
        log_sigmoid=jax.nn.log_sigmoid, softplus=jax.nn.softplus, xlogy=jax.scipy.special.xlogy,
        log_softmax=lambda x, axis: jax.nn.log_softmax(x, axis=axis), take=take,
        sparse_ce=lambda x, t, axis: optax.softmax_cross_entropy_with_integer_labels(x, t, axis=axis),
        soft_ce=lambda x, t, axis: optax.softmax_cross_entropy(x, t, axis=axis),
        bce_logits=optax.sigmoid_binary_cross_entropy,
        huber=lambda p, t, delta: optax.huber_loss(p, t, delta=delta),
        clamp_min=jnp.maximum, sqrt=jnp.sqrt, atan=jnp.arctan, arange=lambda n, like: jnp.arange(n, dtype=like.dtype),
        amin=lambda x, axis: jnp.min(x, axis=axis, keepdims=True), any=jnp.any,
        ctc=_jax_ctc, ctc_padded=optax.ctc_loss,
    )


# The frameworks' CTC kernels, ctc(log_probs (T, N, C), targets (N, S), input_lengths, target_lengths,
# per_length=False): the loss per sequence (divided by its target length, at least 1, with per_length).
def _torch_ctc(log_probs, targets, input_lengths, target_lengths, per_length=False):
    import torch
    import torch.nn.functional as F

    loss = F.ctc_loss(log_probs, targets, input_lengths, target_lengths, reduction="none")
    return loss / torch.clamp(target_lengths, min=1).to(loss.dtype) if per_length else loss


def _tf_ctc(log_probs, targets, input_lengths, target_lengths, per_length=False):
    import tensorflow as tf

    loss = tf.nn.ctc_loss(targets, log_probs, target_lengths, input_lengths)  # log_softmax is idempotent
    return loss / tf.cast(tf.maximum(target_lengths, 1), loss.dtype) if per_length else loss


def _jax_ctc(log_probs, targets, input_lengths, target_lengths, per_length=False):
    import jax.numpy as jnp
    import optax

    frames, labels = log_probs.shape[0], targets.shape[1]
    loss = optax.ctc_loss(jnp.transpose(log_probs, (1, 0, 2)), jnp.arange(frames) >= input_lengths[:, None],
                          targets, jnp.arange(labels) >= target_lengths[:, None])
    return loss / jnp.maximum(target_lengths, 1) if per_length else loss


def _padded_ctc(ctc, module):
    """optax's layout ((N, T, C) logits, 1.0 on padding) on another framework's CTC kernel."""
    def run(logits, logit_paddings, labels, label_paddings):
        sums = getattr(module, "reduce_sum", None) or module.sum
        input_lengths = logit_paddings.shape[1] - sums(logit_paddings, 1)
        target_lengths = label_paddings.shape[1] - sums(label_paddings, 1)
        log_probs = module.nn.functional.log_softmax(logits, -1) if module.__name__ == "torch" \
            else module.nn.log_softmax(logits, axis=-1)
        perm = (1, 0, 2)
        log_probs = log_probs.permute(perm) if module.__name__ == "torch" else module.transpose(log_probs, perm)
        as_int = (lambda x: x.long()) if module.__name__ == "torch" else (lambda x: module.cast(x, module.int64))
        return ctc(log_probs, labels, as_int(input_lengths), as_int(target_lengths))

    return run


_OPS = {"numpy": _numpy_ops, "torch": _torch_ops, "tensorflow": _tensorflow_ops, "jax": _jax_ops}


# -- the math of each original, in native functions --------------------------------------------


def _huber(n, p, t, delta=1.0):
    if n.huber is not None:
        return n.huber(p, t, delta)
    d = n.abs(p - t)
    q = n.minimum(d, delta)
    return 0.5 * q * q + delta * (d - q)


def _class_axis(x):
    return 1 if len(x.shape) > 1 else 0


def _sparse_mean(n, x, t, ignored, per_class=None):
    """Mean over the targets of ``per_class(x, t, axis)``; ``ignored``: skip IGNORE_INDEX targets."""
    axis = _class_axis(x)
    per_class = per_class or n.sparse_ce
    if not ignored:
        return n.mean(per_class(x, t, axis))
    keep = t != IGNORE_INDEX
    losses = per_class(x, n.where(keep, t, 0 * t), axis)
    zeros = 0 * losses
    return n.sum(n.where(keep, losses, zeros)) / n.sum(n.where(keep, zeros + 1, zeros))


def _nll(n, x, t, axis):
    return -n.take(x, t, axis)


def _cross_entropy(n, entry):
    ignored = "target_with_ignored" in entry.call
    if "probabilities" in entry.inputs:
        return lambda x, t: n.mean(n.soft_ce(x, t, _class_axis(x))) if len(x.shape) < 3 else \
            n.sum(n.soft_ce(x, t, 1)) / (x.shape[0] * _spatial(x))
    return lambda x, t: _sparse_mean(n, x, t, ignored)


def _spatial(x):
    size = 1
    for d in x.shape[2:]:
        size *= d
    return size


def _nll_loss(n, entry):
    ignored = "target_with_ignored" in entry.call
    return lambda x, t: _sparse_mean(n, x, t, ignored, lambda a, b, axis: _nll(n, a, b, axis))


def _bce(n, p, t):
    # torch clamps each log at -100 (so 0 * log 0 is 0, not NaN).
    return -(t * n.clamp_min(n.log(p), -100.0) + (1 - t) * n.clamp_min(n.log1p(-p), -100.0))


def _focal(n, x, t, alpha=0.25, gamma=2.0):
    p = n.sigmoid(x)
    p_t = p * t + (1 - p) * (1 - t)
    return (alpha * t + (1 - alpha) * (1 - t)) * (1 - p_t) ** gamma * n.bce_logits(x, t)


def _balanced(n, x, t):
    beta = n.mean(1 - t, axis=tuple(range(1, len(t.shape))), keepdims=True) if len(t.shape) > 1 else 1 - t
    return n.mean(-(beta * t * n.log_sigmoid(x)) - (1 - beta) * (1 - t) * n.log_sigmoid(-x))


def _weighted_ce(n, z, x, pos_weight):
    weight = 1 + (pos_weight - 1) * z
    return (1 - z) * x + weight * (n.log1p(n.exp(-n.abs(x))) + n.clamp_min(-x, 0.0))


def _log_loss(n, t, p, eps=1e-7):
    return n.mean(-t * n.log(p + eps) - (1 - t) * n.log(1 - p + eps))


def _hinge_embedding(n, x, y, margin=1.0):
    return n.where(y != 1, n.clamp_min(margin - x, 0.0), 0 * x) + n.where(y != -1, x, 0 * x)


def _multi_margin(n, x, t, margin=1.0):
    is_target = n.arange(x.shape[-1], t) == t[..., None]
    picked = n.sum(n.where(is_target, x, 0 * x), axis=-1)[..., None]
    z = n.where(is_target, 0 * x, n.clamp_min(margin - picked + x, 0.0))
    return n.sum(z, axis=-1) / x.shape[-1]


def _multilabel_margin(n, x, t):
    classes = x.shape[-1]
    position = n.arange(classes, t)
    listed = position < n.amin(n.where(t < 0, position + 0 * t, 0 * t + classes), -1)
    one_hot = t[..., None] == position
    picked = n.sum(n.where(one_hot, x[..., None, :], 0 * x[..., None, :]), axis=-1)
    is_target = n.any(one_hot & listed[..., None], -2)
    z = n.clamp_min(1 - picked[..., None] + x[..., None, :], 0.0)
    keep = listed[..., None] & ~is_target[..., None, :]
    return n.sum(n.where(keep, z, 0 * z), axis=(-2, -1)) / classes


def _cosine_embedding(n, x1, x2, y, margin=0.0, eps=9.999999960041972e-13):
    cos = n.sum(x1 * x2, axis=-1) / n.sqrt((n.sum(x1 * x1, axis=-1) + eps) * (n.sum(x2 * x2, axis=-1) + eps))
    return n.where(y == 1, 1 - cos, n.clamp_min(cos - margin, 0.0))


def _distance(n, a, b, eps=1e-6):
    d = a - b + eps
    return n.sqrt(n.sum(d * d, axis=-1))


def _triplet(n, a, p, q, margin=1.0):
    return n.clamp_min(_distance(n, a, p) - _distance(n, a, q) + margin, 0.0)


def _pairwise_squared(n, t, p):
    # TF v1 with its default scalar weight divides each sample's sums by the whole batch's count.
    d = p - t
    axes = tuple(range(1, len(d.shape)))
    count = 1
    for size in d.shape:
        count *= size
    total = n.sum(d, axis=axes)
    per_sample = 2 * n.sum(d * d, axis=axes) / (count - 1) - 2 * total * total / (count * (count - 1))
    return n.sum(per_sample)


def _corners(b):
    return b[..., 0], b[..., 1], b[..., 2], b[..., 3]


def _box_terms(n, b1, b2, eps=1e-7):
    """IoU, the enclosing box's width and height, the squared centre distance (torchvision's forms)."""
    x1, y1, x2, y2 = _corners(b1)
    u1, v1, u2, v2 = _corners(b2)
    w = n.minimum(x2, u2) - n.maximum(x1, u1)
    h = n.minimum(y2, v2) - n.maximum(y1, v1)
    overlap = (w > 0) & (h > 0)
    inter = n.where(overlap, w, 0 * w) * n.where(overlap, h, 0 * h)
    union = (x2 - x1) * (y2 - y1) + (u2 - u1) * (v2 - v1) - inter
    enclosing_w = n.maximum(x2, u2) - n.minimum(x1, u1)
    enclosing_h = n.maximum(y2, v2) - n.minimum(y1, v1)
    centre = ((x1 + x2) / 2 - (u1 + u2) / 2) ** 2 + ((y1 + y2) / 2 - (v1 + v2) / 2) ** 2
    return inter, union, enclosing_w, enclosing_h, centre


def _giou(n, b1, b2, eps=1e-7):
    inter, union, w, h, _ = _box_terms(n, b1, b2)
    area = w * h
    return 1 - inter / (union + eps) + (area - union) / (area + eps)


def _diou_parts(n, b1, b2, eps=1e-7):
    inter, union, w, h, centre = _box_terms(n, b1, b2)
    iou = inter / (union + eps)
    return 1 - iou + centre / (w * w + h * h + eps), iou


def _ciou(n, b1, b2, eps=1e-7):
    diou, iou = _diou_parts(n, b1, b2, eps)
    x1, y1, x2, y2 = _corners(b1)
    u1, v1, u2, v2 = _corners(b2)
    v = (4 / 3.141592653589793**2) * (n.atan((u2 - u1) / (v2 - v1)) - n.atan((x2 - x1) / (y2 - y1))) ** 2
    return diou + v / (1 - iou + v + eps) * v


def _unitbox(n, b1, b2, eps=1e-7):
    inter, union, _, _, _ = _box_terms(n, b1, b2)
    return -n.log(n.clamp_min(inter / (union + eps), eps))


def _dice(n, x, t, smooth=1.0):
    axes = tuple(range(1, len(x.shape)))
    return n.mean(1 - (2 * n.sum(x * t, axis=axes) + smooth) / (n.sum(x, axis=axes) + n.sum(t, axis=axes) + smooth))


def _mean(f):
    return lambda n, entry: lambda *a, **kw: n.mean(f(n, *a, **kw))


def _plain(f):
    return lambda n, entry: lambda *a, **kw: f(n, *a, **kw)


_TORCH = "torch.nn.functional."
_TF_V1 = "tensorflow.compat.v1.losses."
_MSE = _mean(lambda n, p, t: n.square(p - t))
_MAE = _mean(lambda n, p, t: n.abs(p - t))
_HUBER = _mean(_huber)

# original -> (n, entry) -> callable taking the row's positional arrays and its first options.
NATIVE = {
    _TORCH + "l1_loss": _MAE, "torch.nn.L1Loss": _MAE,
    _TORCH + "mse_loss": _MSE, "torch.nn.MSELoss": _MSE,
    _TORCH + "huber_loss": _HUBER, "torch.nn.HuberLoss": _HUBER,
    _TORCH + "smooth_l1_loss": _HUBER, "torch.nn.SmoothL1Loss": _HUBER,  # beta 1: Huber with delta 1
    _TORCH + "cross_entropy": _cross_entropy, "torch.nn.CrossEntropyLoss": _cross_entropy,
    _TORCH + "nll_loss": _nll_loss, "torch.nn.NLLLoss": _nll_loss,
    _TORCH + "binary_cross_entropy": _mean(_bce), "torch.nn.BCELoss": _mean(_bce),
    _TORCH + "binary_cross_entropy_with_logits": _mean(lambda n, x, t: n.bce_logits(x, t)),
    "torch.nn.BCEWithLogitsLoss": _mean(lambda n, x, t: n.bce_logits(x, t)),
    # 'mean' over elements of target * (log target - input), 0 where target is 0.
    _TORCH + "kl_div": _mean(lambda n, x, t: n.xlogy(t, t) - t * x),
    "torch.nn.KLDivLoss": _mean(lambda n, x, t: n.xlogy(t, t) - t * x),
    _TORCH + "poisson_nll_loss": _mean(lambda n, x, t: n.exp(x) - t * x),
    "torch.nn.PoissonNLLLoss": _mean(lambda n, x, t: n.exp(x) - t * x),
    _TORCH + "gaussian_nll_loss": _mean(
        lambda n, x, t, var: 0.5 * (n.log(n.clamp_min(var, 1e-6)) + n.square(x - t) / n.clamp_min(var, 1e-6))),
    "torch.nn.GaussianNLLLoss": _mean(
        lambda n, x, t, var: 0.5 * (n.log(n.clamp_min(var, 1e-6)) + n.square(x - t) / n.clamp_min(var, 1e-6))),
    "torchvision.ops.sigmoid_focal_loss": _plain(_focal),  # reduction 'none' by default
    "multiloss.testing.references.balanced_sigmoid_cross_entropy": _plain(_balanced),
    _TF_V1 + "absolute_difference": _mean(lambda n, t, p: n.abs(p - t)),
    _TF_V1 + "mean_squared_error": _mean(lambda n, t, p: n.square(p - t)),
    _TF_V1 + "huber_loss": _mean(lambda n, t, p: _huber(n, p, t)),
    _TF_V1 + "compute_weighted_loss": _plain(lambda n, losses: n.mean(losses)),
    "tensorflow.nn.l2_loss": _plain(lambda n, x: n.sum(n.square(x)) / 2),
    _TF_V1 + "softmax_cross_entropy": _plain(lambda n, t, x: n.mean(n.soft_ce(x, t, -1))),
    _TF_V1 + "sparse_softmax_cross_entropy": _plain(lambda n, t, x: n.mean(n.sparse_ce(x, t, -1))),
    "tensorflow.nn.softmax_cross_entropy_with_logits": _plain(lambda n, t, x: n.soft_ce(x, t, -1)),
    "tensorflow.nn.sparse_softmax_cross_entropy_with_logits": _plain(lambda n, t, x: n.sparse_ce(x, t, -1)),
    _TF_V1 + "sigmoid_cross_entropy": _mean(lambda n, t, x: n.bce_logits(x, t)),
    _TF_V1 + "log_loss": _plain(_log_loss),
    "tensorflow.nn.sigmoid_cross_entropy_with_logits": _plain(lambda n, t, x: n.bce_logits(x, t)),
    "tensorflow.nn.weighted_cross_entropy_with_logits": _plain(_weighted_ce),
    "tensorflow.nn.log_poisson_loss": _plain(lambda n, t, c: n.exp(c) - t * c),
    "tensorflow.nn.compute_average_loss": _plain(lambda n, x: n.sum(x) / x.shape[0]),
    "tensorflow.nn.scale_regularization_loss": _plain(lambda n, x: n.sum(x)),
    _TF_V1 + "hinge_loss": _mean(lambda n, t, x: n.clamp_min(1 - (2 * t - 1) * x, 0.0)),
    # unit-normalised inputs; the losses keep the axis, and the mean runs over the samples
    _TF_V1 + "cosine_distance": _plain(lambda n, t, p, axis: n.mean(1 - n.sum(p * t, axis=axis))),
    _TF_V1 + "mean_pairwise_squared_error": _plain(_pairwise_squared),
    _TORCH + "margin_ranking_loss": _mean(lambda n, x1, x2, y: n.clamp_min(-y * (x1 - x2), 0.0)),
    _TORCH + "hinge_embedding_loss": _mean(_hinge_embedding),
    _TORCH + "soft_margin_loss": _mean(lambda n, x, y: n.softplus(-y * x)),
    # the mean over classes, then over samples: the mean over every element
    _TORCH + "multilabel_soft_margin_loss": _mean(lambda n, x, y: n.bce_logits(x, y)),
    _TORCH + "multi_margin_loss": _mean(_multi_margin),
    _TORCH + "multilabel_margin_loss": _mean(_multilabel_margin),
    _TORCH + "cosine_embedding_loss": _mean(_cosine_embedding),
    _TORCH + "pairwise_distance": _plain(_distance), "torch.nn.PairwiseDistance": _plain(_distance),
    _TORCH + "triplet_margin_loss": _mean(_triplet),
    _TORCH + "triplet_margin_with_distance_loss": _mean(_triplet),  # the default distance: pairwise_distance
    "torch.nn.TripletMarginWithDistanceLoss": _mean(_triplet),
    # torchvision's box losses and UnitBox reduce nothing by default
    "torchvision.ops.generalized_box_iou_loss": _plain(_giou),
    "torchvision.ops.distance_box_iou_loss": _plain(lambda n, b1, b2: _diou_parts(n, b1, b2)[0]),
    "torchvision.ops.complete_box_iou_loss": _plain(_ciou),
    "multiloss.testing.references.iou_loss": _plain(_unitbox),
    "multiloss.testing.references.dice_loss": _plain(_dice),
}
# CTC: the framework's own kernel (torch's, tf.nn.ctc_loss, optax's), in the row's layout.
_TORCH_CTC = _mean(lambda n, lp, t, il, tl, **options: n.ctc(lp, t, il, tl, per_length=True))
NATIVE.update({
    _TORCH + "ctc_loss": _TORCH_CTC, "torch.nn.CTCLoss": _TORCH_CTC,
    "multiloss.testing.references.tf_ctc_loss": _plain(
        lambda n, t, x, tl, il, **options: n.ctc(n.log_softmax(x, -1), t, il, tl)),
    "multiloss.testing.references.optax_ctc_loss": _plain(lambda n, *arrays, **options: n.ctc_padded(*arrays)),
})
# The torch classes compute what their functions do.
NATIVE.update({f"torch.nn.{cls}": NATIVE[_TORCH + fn] for cls, fn in (
    ("MarginRankingLoss", "margin_ranking_loss"), ("HingeEmbeddingLoss", "hinge_embedding_loss"),
    ("SoftMarginLoss", "soft_margin_loss"), ("MultiLabelSoftMarginLoss", "multilabel_soft_margin_loss"),
    ("MultiMarginLoss", "multi_margin_loss"), ("MultiLabelMarginLoss", "multilabel_margin_loss"),
    ("CosineEmbeddingLoss", "cosine_embedding_loss"), ("TripletMarginLoss", "triplet_margin_loss"))})


# The originals whose native expression is a framework's own CTC kernel (NumPy has none).
_CTC = frozenset((_TORCH + "ctc_loss", "torch.nn.CTCLoss", "multiloss.testing.references.tf_ctc_loss",
                  "multiloss.testing.references.optax_ctc_loss"))


def native_reference(entry, backend):
    """The native expression of the row's math on ``backend``, or None where none is written down
    (or where it needs a kernel the framework lacks: CTC on NumPy)."""
    build = NATIVE.get(entry.original)
    if build is None:
        return None
    native = ops(backend)
    if entry.original in _CTC and native.ctc is None:
        return None
    return build(native, entry)


# -- Keras 3 counterparts ------------------------------------------------------------------------


@dataclass(frozen=True)
class KerasLoss:
    """A ``keras.losses`` class, its options, and the roles of its (y_true, y_pred) arrays."""

    name: str
    options: tuple = ()
    roles: tuple | None = None  # None: the row's own roles, target first

    def build(self, entry):
        import keras

        roles = self.roles or _target_first(entry)
        return getattr(keras.losses, self.name)(**dict(self.options)), roles


def _target_first(entry):
    """The row's roles in Keras' order: a torch-order row (prediction, target) reversed."""
    torch_order = entry.original.startswith(("torch", "multiloss.testing"))
    return tuple(reversed(entry.call)) if torch_order else entry.call


_LOGITS = (("from_logits", True),)
_SPARSE = KerasLoss("SparseCategoricalCrossentropy", _LOGITS)
_CE_KERAS = {
    "mse_loss": KerasLoss("MeanSquaredError"), "MSELoss": KerasLoss("MeanSquaredError"),
    "mean_squared_error": KerasLoss("MeanSquaredError"),
    "l1_loss": KerasLoss("MeanAbsoluteError"), "L1Loss": KerasLoss("MeanAbsoluteError"),
    "absolute_difference": KerasLoss("MeanAbsoluteError"),
    "huber_loss": KerasLoss("Huber"), "HuberLoss": KerasLoss("Huber"),
    "smooth_l1_loss": KerasLoss("Huber"), "SmoothL1Loss": KerasLoss("Huber"),
    "binary_cross_entropy": KerasLoss("BinaryCrossentropy"), "BCELoss": KerasLoss("BinaryCrossentropy"),
    "log_loss": KerasLoss("BinaryCrossentropy"),
    "binary_cross_entropy_with_logits": KerasLoss("BinaryCrossentropy", _LOGITS),
    "BCEWithLogitsLoss": KerasLoss("BinaryCrossentropy", _LOGITS),
    "sigmoid_cross_entropy": KerasLoss("BinaryCrossentropy", _LOGITS),
    "sigmoid_cross_entropy_with_logits": KerasLoss("BinaryCrossentropy", _LOGITS + (("reduction", None),)),
    "sigmoid_focal_loss": KerasLoss("BinaryFocalCrossentropy", _LOGITS + (
        ("apply_class_balancing", True), ("alpha", 0.25), ("gamma", 2.0), ("reduction", None))),
    "kl_div": KerasLoss("KLDivergence", roles=("target", "prediction")),
    "KLDivLoss": KerasLoss("KLDivergence", roles=("target", "prediction")),
    "poisson_nll_loss": KerasLoss("Poisson", roles=("target", "input")),
    "PoissonNLLLoss": KerasLoss("Poisson", roles=("target", "input")),
    "softmax_cross_entropy": KerasLoss("CategoricalCrossentropy", _LOGITS),
    "softmax_cross_entropy_with_logits": KerasLoss("CategoricalCrossentropy", _LOGITS + (("reduction", None),)),
    "sparse_softmax_cross_entropy": _SPARSE,
    "sparse_softmax_cross_entropy_with_logits": KerasLoss(
        "SparseCategoricalCrossentropy", _LOGITS + (("reduction", None),)),
}


def keras_counterpart(entry):
    """``(keras loss, roles)`` of the same kind as the row, or None where Keras has none."""
    if entry.original.startswith("keras."):
        return None  # the reference already is Keras
    name = entry.original.rpartition(".")[2]
    if name in ("cross_entropy", "CrossEntropyLoss"):
        if entry.inputs == "class_logits":
            options = _LOGITS + ((("ignore_class", IGNORE_INDEX),) if "target_with_ignored" in entry.call else ())
            return KerasLoss("SparseCategoricalCrossentropy", options).build(entry)
        if entry.inputs == "class_probabilities":
            return KerasLoss("CategoricalCrossentropy", _LOGITS).build(entry)
        return None  # Keras takes the class axis last only
    loss = _CE_KERAS.get(name)
    return None if loss is None else loss.build(entry)


def resolve_original(entry):
    """The original callable (its fallback transcription where it can't be imported)."""
    try:
        return _resolve(entry.original)
    except (ImportError, AttributeError):
        if entry.fallback:
            return _resolve(entry.fallback)
        raise


def has_module(name):
    try:
        importlib.import_module(name)
    except ImportError:
        return False
    return True
