"""Margin, ranking and embedding losses: hinges, soft margins, cosine and triplet losses.

Every function takes ``xp`` and returns the unreduced loss. A hinge
``max(z, 0)`` keeps the original's derivative at exactly ``z = 0``:
:func:`hinge_at_zero_stops` gives 0 there (PyTorch's ``clamp_min`` and TF's
``relu``; the backend's ``relu``), :func:`hinge_at_zero_passes` gives 1 (TF's
``maximum``, which Keras uses; a ``where``).
"""

import math

from .._reduction import divide_no_nan


def hinge_at_zero_stops(xp, z):
    """``max(z, 0)`` with derivative 0 at ``z = 0`` (PyTorch 2.14's ``clamp_min``, TF's ``relu``); NaN stays NaN."""
    return xp.relu(z)


def hinge_at_zero_passes(xp, z):
    """``max(z, 0)`` with derivative 1 at ``z = 0`` (``tf.maximum`` sends a tie to its first argument);
    NaN stays NaN."""
    return xp.relu_passing(z)


def minimum_split(xp, a, b):
    """``min(a, b)`` whose gradient at a tie goes half to each (``torch.minimum``, ``jnp.minimum``)."""
    return xp.even_minimum(a, b)


def max_split(xp, x, axis=-1):
    """``max(x, axis)`` whose gradient is shared equally by tied maxima (``tf.reduce_max``)."""
    return xp.split_max(x, axis)


# -- PyTorch ---------------------------------------------------------------------------------


def margin_ranking(xp, input1, input2, target, margin=0.0):
    """``max(0, -y (x1 - x2) + margin)``: ``x1`` should rank above ``x2`` where ``y = 1``.

    Source: ATen ``margin_ranking_loss``.
    """
    return hinge_at_zero_stops(xp, -target * (input1 - input2) + margin)


def hinge_embedding(xp, input, target, margin=1.0):
    """PyTorch's hinge embedding loss: ``x`` where ``y = 1``, ``max(0, margin - x)`` where ``y = -1``.

    Written as ATen writes it, ``where(y != 1, max(0, margin - x), 0) + where(y != -1, x, 0)``,
    so a label other than 1 and -1 gives ``x + max(0, margin - x)``, and ``x`` and
    ``y`` broadcast to their joint shape.

    Source: ATen ``hinge_embedding_loss``.
    """
    zeros = xp.zeros_like(input)
    return (xp.where(target != 1, hinge_at_zero_stops(xp, margin - input), zeros)
            + xp.where(target != -1, input, zeros))


def soft_margin(xp, input, target):
    """``log1p(exp(-y x))``, computed naively as PyTorch does.

    Not the stable softplus: ``exp`` overflows for ``-y x`` above about 88 in
    float32 (709 in float64), and the loss is then ``inf`` with a NaN gradient,
    exactly PyTorch's result.

    Source: ATen ``soft_margin_loss``.
    """
    return xp.log1p(xp.exp(-input * target))


def multilabel_soft_margin(xp, input, target, weight=None):
    """``-(y log sigmoid(x) + (1 - y) log sigmoid(-x)) w``, averaged over the last (class) axis.

    Source: ``torch.nn.functional.multilabel_soft_margin_loss``.
    """
    log_p, log_not_p = xp.log_sigmoid_pair(input)
    loss = -(target * log_p + (1 - target) * log_not_p)
    if weight is not None:
        loss = loss * weight
    return xp.sum(loss, axis=-1) / input.shape[-1]


def multi_margin(xp, input, target, p=1, margin=1.0, weight=None):
    """The multi-class hinge of Weston & Watkins (1999), PyTorch's ``multi_margin_loss``, per sample.

    ``sum_{i != y} w[y] max(0, margin - x[y] + x[i])**p / C`` for ``(N, C)`` scores and
    ``(N,)`` class indices in ``[0, C)``. The derivative at ``margin - x[y] + x[i] = 0``
    is 0 (the kernel's ``z > 0`` test).

    Source: ATen ``multi_margin_loss`` (CPU kernel).
    """
    classes = input.shape[-1]
    is_target = xp.arange(classes, dtype=target.dtype, device=xp.device(target)) == xp.expand_dims(target, axis=-1)
    others = xp.logical_not(is_target)
    # x[y] by a masked sum over the classes: no gather, and a NaN elsewhere in the row stays out
    picked = xp.sum(xp.where(is_target, input, xp.zeros_like(input)), axis=-1, keepdims=True)
    z = margin - picked + input
    keep = xp.logical_and(z > 0, others)
    h = z if p == 1 else z * z
    h = xp.where(keep, h, xp.zeros_like(h))
    loss = xp.sum(h, axis=-1)
    if weight is not None:
        loss = loss * xp.take(weight, target, axis=0)
    return loss / classes


def multilabel_margin(xp, input, target):
    """PyTorch's multi-label hinge, per sample: targets are read up to the first negative entry.

    ``sum_{j in targets} sum_{i not in targets} max(0, 1 - (x[y_j] - x[i])) / C``, for
    ``(N, C)`` scores and ``(N, C)`` class indices padded with -1. A target listed twice
    counts twice; the derivative at a zero margin is 0 (the kernel's ``z > 0`` test).
    The pairs are an ``(N, C, C)`` array: the loss itself costs ``C**2`` per sample, and
    ``x[y_j]`` is read through the same ``(N, C, C)`` comparison rather than a gather.

    Source: ATen ``multilabel_margin_loss`` (CPU kernel).
    """
    classes = input.shape[-1]
    position = xp.arange(classes, dtype=target.dtype, device=xp.device(target))
    # The targets before the first negative one; positions from it on are padding.
    first_negative = xp.min(xp.where(target < 0, position, xp.full_like(target, classes)), axis=-1, keepdims=True)
    listed = position < first_negative
    # one_hot[j, i]: the j-th target is class i
    one_hot = xp.expand_dims(target, axis=-1) == position
    # x[y_j] by a masked sum over the classes: no gather, and the padding reads nothing
    picked = xp.sum(xp.where(one_hot, xp.expand_dims(input, axis=-2), xp.zeros_like(one_hot, dtype=input.dtype)),
                    axis=-1)
    # is_target[i]: class i is one of the listed targets
    is_target = xp.any(xp.logical_and(one_hot, xp.expand_dims(listed, axis=-1)), axis=-2)
    # z[j, i] = 1 - x[y_j] + x[i], counted for listed j and i not a target
    z = 1 - xp.expand_dims(picked, axis=-1) + xp.expand_dims(input, axis=-2)
    keep = xp.logical_and(xp.expand_dims(listed, axis=-1), xp.expand_dims(xp.logical_not(is_target), axis=-2))
    keep = xp.logical_and(keep, z > 0)
    return xp.sum(xp.where(keep, z, xp.zeros_like(z)), axis=(-2, -1)) / classes


# Added to each squared norm; ATen declares it a float, so it is float32(1e-12) in every dtype.
TORCH_COSINE_EPS = 9.999999960041972e-13


def cosine_embedding(xp, input1, input2, target, margin=0.0, axis=-1):
    """PyTorch's cosine embedding loss: ``1 - cos`` where ``y = 1``, ``max(0, cos - margin)`` where
    ``y = -1``, 0 for any other label.

    ``cos = sum(x1 x2) / sqrt((sum(x1**2) + eps) (sum(x2**2) + eps))`` with ``eps`` the
    float32 value of 1e-12: it is added to the squared norms, so a zero vector gives ``cos = 0`` with a huge
    but finite gradient.

    Source: ATen ``cosine_embedding_loss``.
    """
    product = xp.sum(input1 * input2, axis=axis)
    norms = (xp.sum(input1 * input1, axis=axis) + TORCH_COSINE_EPS) * (xp.sum(input2 * input2, axis=axis)
                                                                        + TORCH_COSINE_EPS)
    cos = product / xp.sqrt(norms)
    zeros = xp.zeros_like(cos)
    positive = xp.where(target == 1, 1 - cos, zeros)
    negative = xp.where(target == -1, hinge_at_zero_stops(xp, cos - margin), zeros)
    return positive + negative


def p_norm(xp, x, p, axis=-1, keepdims=False):
    """``torch.norm(x, p, axis)``: ``(sum |x|**p)**(1/p)``; ``inf`` is the largest ``|x|``,
    0 counts the non-zero entries. At a zero vector the 2-norm's gradient is 0, as in torch
    (a double where keeps the square root's infinite slope out)."""
    if p == 2:
        squares = xp.sum(x * x, axis=axis, keepdims=keepdims)
        if not xp.differentiable:
            return xp.sqrt(squares)
        zero = squares == 0
        safe = xp.where(zero, xp.ones_like(squares), squares)
        return xp.where(zero, xp.zeros_like(squares), xp.sqrt(safe))
    size = xp.abs(x)
    if p == 1:
        return xp.sum(size, axis=axis, keepdims=keepdims)
    if p == math.inf:
        return max_split(xp, size, axis) if not keepdims else xp.expand_dims(max_split(xp, size, axis), axis=axis)
    if p == 0:
        return xp.sum(xp.astype(x != 0, x.dtype), axis=axis, keepdims=keepdims)
    return xp.sum(size ** p, axis=axis, keepdims=keepdims) ** (1.0 / p)


def pairwise_distance(xp, x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """``|| x1 - x2 + eps ||_p`` over the last axis: ``eps`` is added to the difference, so
    identical vectors are ``eps D**(1/p)`` apart.

    Source: ATen ``pairwise_distance``.
    """
    # The backend's extension: PyTorch's own function on torch, p_norm of the difference elsewhere.
    return xp.pairwise_distance(x1, x2, p, eps, keepdim)


def triplet_margin(xp, positive_distance, negative_distance, margin=1.0, swap_distance=None):
    """``max(margin + d(a, p) - d(a, n), 0)``; with the swap (Balntas et al., BMVC 2016),
    ``d(a, n)`` is replaced by ``min(d(a, n), d(p, n))``.

    Source: ATen ``triplet_margin_loss``; ``torch.nn.functional.triplet_margin_with_distance_loss``.
    """
    if swap_distance is not None:
        negative_distance = minimum_split(xp, negative_distance, swap_distance)
    return hinge_at_zero_stops(xp, margin + positive_distance - negative_distance)


# -- Keras -----------------------------------------------------------------------------------


def binary_to_signed_labels(xp, y):
    """Keras' label conversion: ``2 y - 1`` when *every* label is 0 or 1, else ``y`` unchanged."""
    binary = xp.all(xp.logical_or(y == 0, y == 1))
    if xp.is_concrete(binary) and xp.on_host(binary):
        # On the host Keras' cond reads the verdict too; a where would be a full pass (4 ms per
        # 1e6 on torch's CPU). On a device a read would wait for it: the where computes the same.
        return 2.0 * y - 1.0 if bool(binary) else y
    return xp.where(binary, 2.0 * y - 1.0, y)


def hinge(xp, y_true, y_pred):
    """``max(1 - y p, 0)``, with Keras' derivative at the kink (it passes)."""
    return hinge_at_zero_passes(xp, 1.0 - y_true * y_pred)


def categorical_hinge(xp, y_true, y_pred):
    """Crammer & Singer's hinge, Keras' form: ``max(max((1 - y) p) - sum(y p) + 1, 0)`` over the last axis.

    Tied maxima share the gradient equally, as ``tf.reduce_max`` does.
    """
    positive = xp.sum(y_true * y_pred, axis=-1)
    negative = max_split(xp, (1.0 - y_true) * y_pred, axis=-1)
    return hinge_at_zero_passes(xp, negative - positive + 1.0)


def keras_l2_normalize(xp, x, axis=-1, epsilon=1e-7):
    """Keras' ``normalize``: ``x * min(1 / sqrt(sum(x**2)), 1 / epsilon)``.

    A vector whose norm is below ``epsilon`` is scaled by ``1 / epsilon`` only, so it
    is not brought to unit length (a zero vector stays zero), and its gradient is
    ``1 / epsilon`` times the other side: the bound is a constant, and TensorFlow's
    ``minimum`` sends nothing into the ``rsqrt`` it did not take (whose derivative at a
    zero vector is infinite): ``xp.bounded_rsqrt``, TensorFlow's own ops there and a
    double where on the other frameworks. Keras converts the bound to ``x``'s
    dtype: in float16, 1e7 is ``inf`` and there is no bound (a zero vector is NaN).
    """
    squares = xp.sum(x * x, axis=axis, keepdims=True)
    bound = 1.0 / epsilon
    if bound > xp.finfo(x.dtype).max:  # it overflows x's dtype: inf, which torch's full_like refuses
        return x * (1.0 / xp.sqrt(squares))
    return x * xp.bounded_rsqrt(squares, bound)


def negative_cosine_similarity(xp, y_true, y_pred, axis=-1, epsilon=1e-7):
    """Keras' cosine similarity loss, ``-sum(normalize(y_true) normalize(y_pred), axis)``: -1 is best."""
    return -xp.sum(keras_l2_normalize(xp, y_true, axis, epsilon) * keras_l2_normalize(xp, y_pred, axis, epsilon),
                   axis=axis)


def circle(xp, labels, embeddings, ref_labels, ref_embeddings, remove_diagonal=True, gamma=80.0, margin=0.4):
    """Circle loss (Sun et al., CVPR 2020), Keras' form, per query row.

    With cosine distances ``d = max(1 - e r^T, 0)`` to the reference set,
    ``softplus(logsumexp_pos(-gamma a_p (m - d)) + logsumexp_neg(gamma a_n (1 - m - d)))``
    with ``a_p = max(m + d, 0)`` and ``a_n = max(1 + m - d, 0)``. Positives share the
    row's label; ``remove_diagonal`` drops the pairs ``(i, i)`` from them, even when the
    references are not the queries. A row without positives (or negatives) has a
    logsumexp of ``-inf`` and a loss of 0 with a zero gradient, in forward mode too.

    Source: ``keras.losses.circle``.
    """
    distances = hinge_at_zero_passes(xp, 1 - xp.matmul(embeddings, xp.moveaxis(ref_embeddings, 0, 1)))
    positive = xp.expand_dims(labels, axis=1) == xp.expand_dims(ref_labels, axis=0)
    negative = xp.logical_not(positive)
    if remove_diagonal:
        rows, columns = _positions(xp, labels), _positions(xp, ref_labels)
        positive = xp.logical_and(positive, xp.expand_dims(rows, axis=1) != xp.expand_dims(columns, axis=0))
    positive_weights = hinge_at_zero_passes(xp, (margin + distances) * xp.astype(positive, distances.dtype))
    negative_weights = hinge_at_zero_passes(xp, (1 + margin - distances) * xp.astype(negative, distances.dtype))
    positive_logits = -1 * gamma * positive_weights * (margin - distances)
    negative_logits = gamma * negative_weights * ((1 - margin) - distances)
    positive_term = _masked_logsumexp(xp, positive_logits, positive)
    negative_term = _masked_logsumexp(xp, negative_logits, negative)
    return xp.softplus(positive_term + negative_term)


def _masked_logsumexp(xp, logits, mask):
    """``logsumexp`` along axis 1 of the ``logits`` where ``mask`` holds; ``-inf`` for a row with none.

    Written as TensorFlow's ``reduce_logsumexp``, ``log(sum(exp(x - m))) + m`` with ``m`` the
    row's (constant) max, so that float32 gradients round as Keras' do, on every backend.
    Masked entries are ``-inf`` before the ``exp``, never after: an ``exp`` that overflows
    there would put ``0 * inf`` into the gradient. A row with nothing kept sums 1 instead
    and is then replaced (a double where): the log of an empty sum has the tangent
    ``0 / 0``, NaN in forward mode (``jax.jacfwd``).
    """
    if logits.shape[1] == 0:  # no references: NumPy's and torch's max refuse an empty axis
        return xp.full_like(xp.sum(logits, axis=1), -math.inf)
    any_kept = xp.any(mask, axis=1)
    minus_inf = xp.full_like(logits, -math.inf)
    peak = xp.stop_gradient(xp.max(xp.where(mask, logits, minus_inf), axis=1, keepdims=True))
    peak = xp.where(xp.isfinite(peak), peak, xp.zeros_like(peak))
    total = xp.sum(xp.exp(xp.where(mask, logits - peak, minus_inf)), axis=1)
    total = xp.where(any_kept, total, xp.ones_like(total))
    return xp.where(any_kept, xp.log(total) + xp.squeeze(peak, axis=1), xp.full_like(total, -math.inf))


def _positions(xp, vector):
    """``0, 1, ..., n - 1`` for a vector of length n, made from the vector itself, so on its device
    (``arange`` makes its array on the default device) and with a length known only at run time."""
    return xp.cumulative_sum(xp.ones_like(vector)) - 1


# -- TF v1 -----------------------------------------------------------------------------------


def tf_hinge(xp, labels, logits):
    """TF v1's hinge: ``relu(1 - (2 y - 1) x)``. Every label is mapped by ``2 y - 1``
    (-1 becomes -3); the derivative at the kink is 0 (``relu``)."""
    return hinge_at_zero_stops(xp, 1 - (2 * labels - 1) * logits)


def cosine_distance(xp, labels, predictions, axis):
    """``1 - sum(p y, axis)``, keeping the axis: TF v1's cosine distance, for unit-normalised inputs."""
    return 1 - xp.sum(predictions * labels, axis=axis, keepdims=True)


def pairwise_squared_error_terms(xp, diffs, present, guarded=True):
    """TF v1's per-sample mean pairwise squared error, ``(N, 1, ..., 1)``, for ``n`` present elements:
    ``2 sum(d**2) / (n - 1) - 2 (sum d)**2 / (n (n - 1))``, each quotient 0 where its divisor is 0.

    ``present`` broadcasts to ``(N, 1, ..., 1)``: the whole batch's count, or each sample's.
    ``guarded=False`` is for a count known to be above 1: no divisor is 0, and none is guarded.
    It is the mean over pairs ``(i, j)`` of ``((p_i - p_j) - (l_i - l_j))**2``.
    """
    axes = tuple(range(1, xp.ndim(diffs)))
    squares = xp.sum(diffs * diffs, axis=axes, keepdims=True)
    total = xp.sum(diffs, axis=axes, keepdims=True)
    if not guarded:
        return 2.0 * (squares / (present - 1)) - 2.0 * (total * total / (present * (present - 1)))
    zeros = xp.zeros_like(present)
    term1 = 2.0 * divide_no_nan(xp, squares, xp.maximum(present - 1, zeros))
    term2 = 2.0 * divide_no_nan(xp, total * total, xp.maximum(present * (present - 1), zeros))
    return term1 - term2


# -- optax -----------------------------------------------------------------------------------


def _relu_split(xp, z):
    """``max(0, z)`` with JAX's derivative at ``z = 0`` (``jnp.maximum`` splits a tie: 1/2);
    integers keep their dtype (no gradient to split)."""
    if not xp.isdtype(z.dtype, "real floating"):
        return xp.maximum(z, xp.zeros_like(z))
    return xp.even_maximum(xp.zeros_like(z), z)


def signed_hinge(xp, scores, targets):
    """``max(0, 1 - s t)`` for targets in {-1, 1} (optax's ``hinge_loss``)."""
    return _relu_split(xp, 1 - scores * targets)


def perceptron(xp, scores, targets):
    """``max(0, -s t)`` for targets in {-1, 1} (optax's ``perceptron_loss``; Rosenblatt 1958)."""
    return _relu_split(xp, -(scores * targets))


def multiclass_hinge(xp, shifted, scores, one_hot):
    """Crammer & Singer's multiclass hinge, optax's form: ``max(s + 1 - y) - <s, y>`` over the last
    axis, with ``y`` the one-hot label and ``shifted = s + 1`` (JMLR 2001). Tied maxima share the
    gradient, as in JAX."""
    return xp.split_max(shifted - one_hot, axis=-1) - xp.sum(scores * one_hot, axis=-1)


def multiclass_perceptron(xp, scores, one_hot):
    """``max(s) - <s, y>`` over the last axis (the multiclass perceptron; optax's form)."""
    return xp.split_max(scores, axis=-1) - xp.sum(scores * one_hot, axis=-1)


def masked_cosine_similarity(xp, a, b, epsilon=0.0, axis=-1, where=None):
    """optax's cosine similarity ``<a / |a|, b / |b|>`` along ``axis``, over the entries where
    ``where`` holds, each squared norm clipped below at ``epsilon`` (so the norm at ``sqrt(epsilon)``):
    a zero vector is NaN at ``epsilon = 0``."""
    from .masked import masked_sum

    a_norm = xp.sqrt(xp.clip(masked_sum(xp, a * a, axis, where, keepdims=True), min=epsilon))
    b_norm = xp.sqrt(xp.clip(masked_sum(xp, b * b, axis, where, keepdims=True), min=epsilon))
    return masked_sum(xp, (a / a_norm) * (b / b_norm), axis, where)


def root_distance(xp, x, y, degree=2, eps=1e-6, axis=-1):
    """optax's triplet distance ``(sum((x - y)**degree) + eps)**(1 / degree)``: ``eps`` inside the
    root, and no absolute value (an odd degree sums signed differences; PyTorch's ``||x - y + eps||_p``
    differs there)."""
    return xp.power(xp.sum(xp.power(x - y, degree), axis=axis) + eps, 1 / degree)


def optax_triplet(xp, positive_distance, negative_distance, margin=1.0):
    """``max(d(a, p) - d(a, n) + margin, 0)``, a tie splitting the gradient as ``jnp.maximum`` does
    (Schroff et al., FaceNet, CVPR 2015)."""
    return _relu_split(xp, positive_distance - negative_distance + margin)
