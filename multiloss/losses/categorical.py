"""Categorical (softmax) losses: cross-entropy from logits or probabilities, focal and generalized CE.

Every function takes ``xp`` and returns the unreduced loss with the class axis
removed. The interfaces check class indices in eager mode; under jit the
math must still never read out of bounds, so it gathers at a clipped index
and then replaces what an out-of-range index read.
"""

from .softmax import cross_entropy_with_log_probs, index_dtype


def smooth_labels(xp, labels, smoothing, num_classes):
    """Label smoothing toward the uniform distribution: ``y (1 - s) + s / C``."""
    return labels * (1.0 - smoothing) + smoothing / num_classes


def softmax_cross_entropy_unit_mass(xp, logits, labels, axis=-1):
    """TensorFlow's ``SoftmaxCrossEntropyWithLogits``: ``-sum(labels * log_softmax(logits), axis)``.

    The value is the cross-entropy; the gradient is TensorFlow's:
    ``softmax(logits) - labels`` with respect to the logits, which is the true
    gradient only when each row of ``labels`` sums to 1 (TF assumes it), and
    ``-log_softmax(logits)`` with respect to the labels. The true gradient
    with respect to the logits is ``m softmax - labels`` with ``m = sum(labels)``;
    the added term ``(1 - m) (lse - stop_gradient(lse))`` is 0 in value and
    contributes ``(1 - m) softmax`` to it, and nothing to the labels' gradient.
    With no classes the loss is the empty sum, 0 (TensorFlow's; the log-sum-exp would be -inf).
    """
    if xp.shape(logits)[axis] == 0:
        return xp.sum(labels * logits, axis=axis)
    return xp.softmax_cross_entropy(logits, labels, axis)


def sparse_softmax_cross_entropy(xp, logits, indices, check=None):
    """``logsumexp(logits) - logits[index]`` over the last axis (TF's ``SparseSoftmaxCrossEntropyWithLogits``).

    The gradient is ``softmax(logits) - one_hot(index)``. An index outside
    ``[0, C)`` gives NaN, as TF's compiled (XLA) and GPU kernels do; the
    interfaces pass ``check``, which raises for it in eager mode, as TF's CPU
    kernel does. The backend hands the whole loss to the framework's kernel
    where it has one (``xp.sparse_softmax_cross_entropy``).
    """
    return xp.sparse_softmax_cross_entropy(logits, _kernel_indices(xp, indices), check)


def _kernel_indices(xp, indices):
    """Class indices in a dtype the sparse kernels take (int32 or int64; narrower ones widened)."""
    if indices.dtype not in (xp.int32, xp.int64):
        return xp.astype(indices, index_dtype(xp, indices))
    return indices


def probability_cross_entropy(xp, probs, labels, axis=-1, epsilon=1e-7):
    """Keras' categorical crossentropy from probabilities:
    ``-sum(labels * log(clip(p / sum(p), eps, 1 - eps)), axis)``.

    Each row is renormalised first, then clipped, so saturated probabilities
    (exact 0 or 1) give a finite loss. ``1 - eps`` is rounded to the array's
    dtype (0.99999988 in float32). A row that sums to 0 gives NaN, as in Keras.
    """
    probs = probs / xp.sum(probs, axis=axis, keepdims=True)
    probs = xp.clip(probs, min=epsilon, max=1.0 - epsilon)
    return cross_entropy_with_log_probs(xp, xp.log(probs), labels, axis)


def sparse_probability_cross_entropy(xp, probs, indices, epsilon=1e-7, check=None):
    """Keras-on-TensorFlow sparse crossentropy from probabilities, over the last axis:
    ``log(sum(q)) - log(q[index])`` with ``q = clip(p, eps, 1 - eps)``.

    The probabilities are clipped *before* they are normalised (TF takes the
    log of the clipped values as logits), so an all-zero row gives ``log(C)``.
    TF's log-softmax of ``log(q)`` is this quotient's log, which needs no log
    or exp per element, only a sum and a gather (TensorFlow runs its own ops).
    """
    weights = xp.clip(probs, min=epsilon, max=1.0 - epsilon)
    return xp.sparse_normalized_cross_entropy(weights, _kernel_indices(xp, indices), check)


def focal_cross_entropy(xp, probs, labels, alpha=0.25, gamma=2.0, axis=-1, epsilon=1e-7):
    """Categorical focal loss (Lin et al., 2017, arXiv:1708.02002), as Keras computes it:
    ``sum(alpha (1 - p)**gamma * -labels log p, axis)`` with ``p = clip(p / sum(p), eps, 1 - eps)``.

    ``alpha`` is a scalar or an array broadcast against the last axis.
    """
    probs = probs / xp.sum(probs, axis=axis, keepdims=True)
    probs = xp.clip(probs, min=epsilon, max=1.0 - epsilon)
    cross_entropy = -labels * xp.log(probs)
    # (1 - p) >= eps > 0 after the clip, so the power and its gradient are finite for any gamma.
    modulating = xp.power(1.0 - probs, gamma)
    return xp.sum(modulating * alpha * cross_entropy, axis=axis)


def generalized_cross_entropy(xp, probs, indices, q):
    """Generalized cross-entropy (Zhang & Sabuncu, 2018, arXiv:1805.07836): ``(1 - p_y**q) / q``.

    ``p_y = sum(probs * one_hot(index), -1)``, with no clipping and no
    normalisation (Keras). The one-hot is taken on a new last axis, so indices
    of shape (N, 1) broadcast against (N, C) probabilities to an (N, N) result,
    as in Keras; an index outside ``[0, C)`` gives ``p_y = 0`` and a loss of ``1/q``.
    """
    # A product with the one-hot, not a gather, as in Keras: a NaN anywhere in the row gives NaN,
    # and an index out of range (a row of zeros) gives 0, or NaN where the row holds a NaN or an inf.
    picked = xp.sum(probs * xp.one_hot(indices, probs.shape[-1], dtype=probs.dtype), axis=-1)
    return (1.0 - picked**q) / q


# -- optax: softmax cross-entropy over the unmasked classes --------------------------------------


def masked_softmax_cross_entropy(xp, logits, labels, axis=-1, where=None):
    """``-sum(labels * log_softmax(logits), axis)`` over the entries where ``where`` holds (the
    softmax normalised over them too), optax's ``softmax_cross_entropy``; without ``where``
    it is :func:`~multiloss.losses.softmax.cross_entropy_with_log_probs` of the log-softmax.
    A ``-inf`` logit with a zero label is ``0 * -inf = NaN``, as in optax."""
    from . import masked

    if where is None:
        return cross_entropy_with_log_probs(xp, xp.log_softmax(logits, axis), labels, axis)
    return -masked.masked_sum(xp, labels * masked.log_softmax(xp, logits, axis, where), axis, where)


def wrapped_index_cross_entropy(xp, logits, labels, axis=-1, where=None):
    """``logsumexp(logits) - logits[label]`` along ``axis``, with JAX's indexing rules (optax's
    ``softmax_cross_entropy_with_integer_labels``): a label in ``[-C, 0)`` counts from the end,
    one outside ``[-C, C)`` reads NaN; the log-sum-exp runs over the unmasked entries, and a row
    with none is 0."""
    from . import masked

    picked = xp.squeeze(xp.take_along_axis_wrapped(logits, xp.expand_dims(labels, axis=axis), axis=axis), axis=axis)
    out = masked.logsumexp(xp, logits, axis, where) - picked
    if where is not None:
        out = xp.where(xp.any(where, axis=axis), out, xp.zeros_like(out))
    return out


def safe_softmax_cross_entropy(xp, logits, labels, axis=-1):
    """``-sum(labels * log_softmax(logits))`` with each zero label's term 0 even at a ``-inf``
    logit (optax's ``safe_softmax_cross_entropy``): a double where, so the masked ``0 * -inf``
    reaches neither the value nor the gradient."""
    terms = labels * xp.log_softmax(logits, axis)
    return -xp.sum(xp.where(labels != 0, terms, xp.zeros_like(terms)), axis=axis)


def poly_one_minus_pt(xp, logits, labels, axis=-1, where=None):
    """PolyLoss' first term ``sum(labels * (1 - softmax(logits)), axis)`` (Leng et al., ICLR 2022),
    over the unmasked entries."""
    from . import masked

    return masked.masked_sum(xp, labels * (1 - masked.softmax(xp, logits, axis, where)), axis, where)
