"""Reference transcriptions, in torch, of the losses that only multiloss has.

Each function is written from its paper's formula, independently of
multiloss's own code, and is the catalog's original for that loss (or a
``fallback``, when an original's package can't be imported).
"""


def balanced_sigmoid_cross_entropy(input, target, beta=None, reduction="mean"):
    """HED's class-balanced sigmoid cross-entropy, in torch, from the paper.

    Xie & Tu, "Holistically-Nested Edge Detection", ICCV 2015, eq. (2):
    ``-beta sum_{Y+} log Pr(y=1|X) - (1 - beta) sum_{Y-} log Pr(y=0|X)`` with
    ``beta = |Y-| / |Y|`` per image, written elementwise for soft targets and
    reduced the PyTorch way.
    """
    import torch
    import torch.nn.functional as F

    if input.shape != target.shape:
        raise ValueError(f"Target size ({target.size()}) must be the same as input size ({input.size()})")
    if beta is None:
        per_sample = list(range(1, target.dim()))
        negatives = 1.0 - target
        beta = negatives.mean(dim=per_sample, keepdim=True) if per_sample else negatives
    elif not torch.is_tensor(beta) and not 0 <= beta <= 1:
        raise ValueError(f"beta must be between 0 and 1, got {beta}")
    log_pos = F.logsigmoid(input)  # log Pr(y = 1 | X)
    log_neg = F.logsigmoid(-input)  # log Pr(y = 0 | X)
    out = -(beta * target * log_pos) - (1 - beta) * (1 - target) * log_neg
    if reduction == "none":
        return out
    if reduction == "sum":
        return out.sum()
    if reduction == "mean":
        return out.mean()
    raise ValueError(f"{reduction} is not a valid value for reduction")


def iou_loss(boxes1, boxes2, reduction="none", eps=1e-7, mode="log"):
    """UnitBox's IoU loss, in torch, from the paper, with torchvision's box conventions.

    Yu et al., "UnitBox: An Advanced Object Detection Network", ACM MM 2016,
    Algorithm 1: ``X = (x_t + x_b)(x_l + x_r)`` and likewise for the truth,
    ``I = I_h I_w``, ``U = X + X~ - I``, loss ``-ln(I / U)``; here on corner
    boxes ``(x1, y1, x2, y2)``, an intersection counted only where both
    extents are positive, ``I / (U + eps)`` floored at ``eps`` in the log, and
    the linear and squared forms beside it.
    """
    import torch

    if mode not in ("log", "linear", "square"):
        raise ValueError(f"mode must be one of 'log', 'linear', 'square'; got {mode!r}")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"reduction must be one of 'none', 'mean', 'sum'; got {reduction!r}")
    if boxes1.dim() == 0 or boxes2.dim() == 0 or boxes1.shape[-1] != 4 or boxes2.shape[-1] != 4:
        raise ValueError(f"boxes must have 4 coordinates: got {tuple(boxes1.shape)} and {tuple(boxes2.shape)}")
    try:
        torch.broadcast_shapes(boxes1.shape[:-1], boxes2.shape[:-1])
    except RuntimeError as exc:
        raise ValueError(f"box shapes {tuple(boxes1.shape)} and {tuple(boxes2.shape)} don't broadcast") from exc
    floats = (torch.float32, torch.float64)
    boxes1 = boxes1 if boxes1.dtype in floats else boxes1.float()
    boxes2 = boxes2 if boxes2.dtype in floats else boxes2.float()
    left, top, right, bottom = boxes1.unbind(-1)
    left_t, top_t, right_t, bottom_t = boxes2.unbind(-1)
    area = (right - left) * (bottom - top)
    area_t = (right_t - left_t) * (bottom_t - top_t)
    width = torch.minimum(right, right_t) - torch.maximum(left, left_t)
    height = torch.minimum(bottom, bottom_t) - torch.maximum(top, top_t)
    positive = (width > 0) & (height > 0)
    intersection = torch.where(positive, width, 0.0) * torch.where(positive, height, 0.0)
    iou = intersection / (area + area_t - intersection + eps)
    if mode == "log":
        out = -torch.log(torch.clamp(iou, min=eps))
    elif mode == "linear":
        out = 1 - iou
    else:
        out = 1 - iou**2
    if reduction == "sum":
        return out.sum()
    if reduction == "mean":
        return out.mean() if out.numel() else out.sum() * 0.0
    return out


def dice_loss(input, target, smooth=1.0, squared=False, reduction="mean"):
    """V-Net's Dice loss per sample, in torch, from the paper.

    Milletari et al., "V-Net", 3DV 2016, eq. (1):
    ``D = 2 sum_i p_i g_i / (sum_i p_i^2 + sum_i g_i^2)``, the loss ``1 - D``,
    with ``smooth`` added above and below (Laplace smoothing) and the squares
    optional; the sums run over every axis but the first; reduced the
    PyTorch way.
    """
    if input.shape != target.shape:
        raise ValueError(f"input {tuple(input.shape)} and target {tuple(target.shape)} differ in shape")
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    dims = list(range(1, input.dim()))
    power = 2 if squared else 1

    def total(x):
        return x.sum(dim=dims) if dims else x

    numerator = 2 * total(input * target) + smooth
    denominator = total(input**power) + total(target**power) + smooth
    out = 1 - numerator / denominator
    if reduction == "sum":
        return out.sum()
    if reduction == "mean":
        return out.mean()
    return out


def tf_ctc_loss(labels, logits, label_length, logit_length, logits_time_major=True, blank_index=None):
    """``tf.nn.ctc_loss`` itself, with float64 logits handed over as float32 and the loss cast back.

    TensorFlow 2.21's dense CTC refuses float64 logits (a float32 constant meets them in a
    ``Mul``: InvalidArgumentError), as Keras notes and works around the same way; every other
    input goes to it unchanged, so the values are TensorFlow's own, to float32's precision.
    """
    import tensorflow as tf

    wide = logits.dtype == tf.float64
    loss = tf.nn.ctc_loss(labels, tf.cast(logits, tf.float32) if wide else logits, label_length, logit_length,
                          logits_time_major=logits_time_major, blank_index=blank_index)
    return tf.cast(loss, tf.float64) if wide else loss


def optax_ctc_loss(logits, logit_paddings, labels, label_paddings, *, blank_id=0, log_epsilon=-1e5):
    """``optax.ctc_loss`` itself, its result in float32, or float64 for float64 logits.

    optax makes its initial states with ``jnp.ones``, in JAX's default float dtype: float64
    whenever x64 is on (as around the conformance runs), whatever the logits' dtype. The
    result is cast to the dtype a program without x64 gets (float32; float64 logits need x64).
    """
    import optax

    loss = optax.ctc_loss(logits, logit_paddings, labels, label_paddings, blank_id=blank_id,
                          log_epsilon=log_epsilon)
    return _optax_ctc_dtype(loss, logits)


def optax_ctc_loss_with_forward_probs(logits, logit_paddings, labels, label_paddings, *, blank_id=0,
                                      log_epsilon=-1e5):
    """``optax.ctc_loss_with_forward_probs`` itself, each of its three results in the dtype
    :func:`optax_ctc_loss` gives (its forward variables start from the same ``jnp.ones``)."""
    import optax

    out = optax.ctc_loss_with_forward_probs(logits, logit_paddings, labels, label_paddings, blank_id=blank_id,
                                            log_epsilon=log_epsilon)
    return tuple(_optax_ctc_dtype(x, logits) for x in out)


def _optax_ctc_dtype(x, logits):
    import jax.numpy as jnp

    return x.astype(jnp.float64 if logits.dtype == jnp.float64 else jnp.float32)
