"""Softmax cross-entropy: the shared primitives of the categorical losses, and PyTorch's NLL terms.

Every function takes ``xp`` and returns the unreduced loss, with the class axis removed.
Class indices are gathered along the class axis (``take_along_axis``), never
compared with every class: one gather of ``N`` values, not a pass over all ``N * C``.
"""


def cross_entropy_with_log_probs(xp, log_probs, labels, axis=-1):
    """``-sum(labels * log_probs, axis)``: cross-entropy against a target distribution."""
    return -xp.sum(labels * log_probs, axis=axis)


def softmax_cross_entropy(xp, logits, labels, axis=-1):
    """``-sum(labels * log_softmax(logits), axis)``, stable for logits of any magnitude (log-sum-exp)."""
    return cross_entropy_with_log_probs(xp, xp.log_softmax(logits, axis), labels, axis)


def index_dtype(xp, indices):
    """The integer dtype to index with: int64, or int32 where the namespace indexes with int32
    (JAX without x64, where int64 arrays can't be made). Narrower integers are widened."""
    if indices.dtype == xp.int64:
        return xp.int64
    info = getattr(xp, "__array_namespace_info__", None)
    default = info().default_dtypes()["indexing"] if info is not None else xp.int64
    return default if default == xp.int32 else xp.int64


def pick(xp, values, indices, axis=-1):
    """``values`` at ``indices`` along ``axis`` (the axis is removed); ``indices`` has the other axes' shape.

    A ``take_along_axis`` along the class axis, as optax gathers: a sharding propagator
    splits it along the batch and the class axes alike (a flat index ``n * C + t`` into
    the whole array would make it gather every shard). Indices must lie in ``[0, C)``.
    The gathered axis, of size 1, is summed away rather than squeezed: a torch DTensor
    gathered along its sharded class axis is a partial result that DTensor completes
    (a masked sum over the shards) only while that axis is still there.
    """
    axis = axis % xp.ndim(values)
    dtype = index_dtype(xp, indices)
    indices = indices if indices.dtype == dtype else xp.astype(indices, dtype)
    picked = xp.take_along_axis(values, xp.expand_dims(indices, axis=axis), axis=axis)
    return xp.sum(picked, axis=axis)


def _reshape_shape(x):
    # A dimension known only at run time (TF's None) becomes -1, which reshape then infers.
    return tuple(-1 if d is None else d for d in x.shape)


def sparse_softmax_cross_entropy(xp, logits, indices, axis=-1):
    """``logsumexp(logits) - logits[index]``: cross-entropy against class indices."""
    return -pick(xp, xp.log_softmax(logits, axis), indices, axis)


# -- PyTorch's NLL terms -------------------------------------------------------------------
#
# torch.nn.functional.nll_loss / cross_entropy (source: aten/src/ATen/native/LossNLL.cpp):
# for a target t_i not equal to ignore_index, with class weights w (1 without),
#     nll_i    = -w[t_i] * log_probs[i, t_i]
#     smooth_i = -sum_c w_c * log_probs[i, c]          (the label-smoothing term)
#     loss_i   = (1 - s) * nll_i + s / C * smooth_i     (s = label_smoothing; Szegedy et al. 2016)
# and 0 where t_i is ignored; the mean divides by sum_i w[t_i] over the targets not ignored.


def mask_ignored(xp, indices, ignore_index):
    """``(safe, ignored)``: where ``indices == ignore_index``, ``safe`` holds class 0 instead,
    so that a gather never reads out of range (an ignored index may lie outside ``[0, C)``)."""
    ignored = indices == ignore_index
    return xp.where(ignored, xp.zeros_like(indices), indices), ignored


def target_weights(xp, indices, ignored, weight=None, dtype=None):
    """``weight[t]`` per target (1 without ``weight``), and 0 where the target is ignored.

    ``indices`` must lie in ``[0, C)`` everywhere, the ignored places included (see :func:`mask_ignored`).
    """
    if weight is None:
        return xp.astype(xp.logical_not(ignored), dtype)
    picked = xp.take(xp.reshape(weight, (-1,)), xp.reshape(indices, (-1,)), axis=0)
    picked = xp.reshape(picked, _reshape_shape(indices))
    return xp.where(ignored, xp.zeros_like(picked), picked)


def negative_log_likelihood(xp, log_probs, indices, ignore_index, axis=1):
    """``-log_probs[t]`` along the class axis, and 0 where the target is ``ignore_index``.

    The backend's ``nll``: PyTorch's own kernel on torch (which checks the range with no
    host read), a ``take_along_axis`` elsewhere. An index outside ``[0, C)`` that is not
    ignored raises IndexError in eager mode. The gradient at an ignored place is exactly
    0, even when the mean's divisor is 0 (all targets ignored).
    """
    return xp.nll(log_probs, indices, ignore_index, axis)


def class_weight_view(xp, weight, ndim, axis=1):
    """The class weights shaped to broadcast along ``axis`` of an ``ndim``-dimensional array."""
    if ndim <= 1:
        return xp.reshape(weight, (-1,))
    shape = [1] * ndim
    shape[axis] = -1
    return xp.reshape(weight, tuple(shape))


def uniform_cross_entropy(xp, log_probs, ignored, weight=None, axis=1):
    """``-sum_c w_c log_probs_c``: the label-smoothing term (C times the cross-entropy against
    the uniform distribution, class-weighted), and 0 where the target is ignored."""
    if weight is not None:
        log_probs = log_probs * class_weight_view(xp, weight, log_probs.ndim, axis)
    total = -xp.sum(log_probs, axis=axis)
    return xp.where(ignored, xp.zeros_like(total), total)


def smoothed_nll(xp, log_probs, indices, ignore_index, weight=None, label_smoothing=0.0, axis=1):
    """PyTorch's class-index cross-entropy on log-probabilities, per target, and the mean's divisor.

    Returns ``(loss, target_weight)``: ``loss_i = (1 - s) w[t_i] nll_i + s / C smooth_i``
    (the second term only when ``s > 0``) and ``target_weight_i = w[t_i]``, both 0 where
    ``t_i == ignore_index``. Any other index outside ``[0, C)`` raises IndexError in eager mode.
    """
    # The NLL first: its range check must run before anything else reads weight[t].
    loss = negative_log_likelihood(xp, log_probs, indices, ignore_index, axis)
    safe, ignored = mask_ignored(xp, indices, ignore_index)
    target_weight = target_weights(xp, safe, ignored, weight, log_probs.dtype)
    if weight is not None:
        # After the where, as in PyTorch: a zero class weight times an infinite NLL is nan there too.
        loss = loss * target_weight
    if label_smoothing > 0:
        classes = log_probs.shape[axis]
        smooth = uniform_cross_entropy(xp, log_probs, ignored, weight, axis)
        loss = (1 - label_smoothing) * loss + (label_smoothing / classes) * smooth
    return loss, target_weight


def soft_target_cross_entropy(xp, log_probs, probs, weight=None, label_smoothing=0.0, axis=1):
    """PyTorch's cross-entropy against class probabilities: ``-sum_c w_c p'_c log_probs_c``
    with ``p' = p (1 - s) + s / C`` (``s = label_smoothing``, applied when ``s > 0``).

    A plain product, as in PyTorch: a zero probability at a ``-inf`` log-probability is nan.
    """
    if label_smoothing > 0:
        probs = probs * (1 - label_smoothing) + label_smoothing / log_probs.shape[axis]
    if weight is not None:
        probs = probs * class_weight_view(xp, weight, log_probs.ndim, axis)
    return cross_entropy_with_log_probs(xp, log_probs, probs, axis)
