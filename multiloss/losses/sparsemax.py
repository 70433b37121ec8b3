"""Sparsemax and Fenchel-Young losses: the simplex projection and the losses built on it.

Martins & Astudillo, "From Softmax to Sparsemax", ICML 2016; Blondel, Martins & Niculae,
"Learning with Fenchel-Young Losses", JMLR 2020.

The projection onto the simplex sorts each row (``O(C log C)``) and reads the threshold at
the support's size with a gather: no data-dependent shape, so it compiles under
``jax.jit``, ``tf.function`` and ``torch.compile``.
"""


def sparse_plus(xp, x):
    """``0`` for ``x <= -1``, ``x`` for ``x >= 1``, ``(x + 1)**2 / 4`` between: the smooth ReLU whose
    Fenchel conjugate gives the binary sparsemax loss (``jax.nn.sparse_plus``)."""
    middle = (x + 1.0) * (x + 1.0) / 4.0
    return xp.where(x <= -1.0, xp.zeros_like(middle), xp.where(x >= 1.0, x, middle))


def binary_sparsemax(xp, logits, labels):
    """``sparse_plus(-x)`` where the label is true, ``sparse_plus(x)`` where it is false: the
    sparsemax loss of one binary decision (optax's ``sparsemax_loss``)."""
    return sparse_plus(xp, xp.where(labels, -logits, logits))


def simplex_projection(xp, x, wide=None):
    """Euclidean projection of each row of ``x`` (last axis) onto the probability simplex:
    ``argmin_p |x - p|**2`` with ``p >= 0, sum(p) = 1`` (sparsemax), by sorting (Held et al. 1974;
    Duchi et al. 2008): with ``u`` the row sorted in decreasing order and ``c`` its running sum, the
    support is the ``k`` largest, ``k`` the number of ranks ``r`` with ``1 / r + u_r - c_r / r > 0``,
    and ``p = max(x - (c_k - 1) / k, 0)``. The conditions are optax's, written the same way so that
    the rounding at a boundary falls the same way. Autodiff through the sorted values gives the
    derivative ``diag(s) - s s^T / |s|`` on the support ``s``, optax's custom one.

    ``wide``: a wider float dtype for the last step, where optax's ``1 / k`` (a float32 in JAX)
    meets half-precision scores: the sort and sums stay in ``x``'s dtype, the result is ``wide``.
    """
    classes = x.shape[-1]
    u = xp.sort(x, axis=-1, descending=True)
    running = xp.cumulative_sum(u, axis=-1)
    ranks = xp.astype(xp.arange(1, classes + 1, device=xp.device(x)), x.dtype)
    size = xp.sum(xp.astype(1.0 / ranks + (u - running / ranks) > 0, x.dtype), axis=-1, keepdims=True)
    size = xp.where(size > 0, size, xp.ones_like(size))  # a NaN row keeps no rank: read the first, NaN anyway
    last = xp.astype(size - 1, xp.__array_namespace_info__().default_dtypes()["indexing"])
    total = xp.take_along_axis(running, last, axis=-1)
    offset = x - total / size
    if wide is not None and wide != x.dtype:
        offset, size = xp.astype(offset, wide), xp.astype(size, wide)
    return xp.relu(1.0 / size + offset)


def multiclass_sparsemax(xp, scores, one_hot, wide=None):
    """The sparsemax loss ``<p, s - s_y> + (1 - |p|**2) / 2`` over the last axis, ``p`` the
    sparsemax of the scores ``s`` and ``y`` the label (one-hot): optax's ``multiclass_sparsemax_loss``,
    with the support's terms only (``p = 0`` entries count 0 even at an infinite score). ``wide``:
    as for :func:`simplex_projection`; the score differences are taken in the scores' dtype."""
    proba = simplex_projection(xp, scores, wide)
    label_score = xp.sum(xp.where(one_hot, scores, xp.zeros_like(scores)), axis=-1, keepdims=True)
    shifted = xp.where(one_hot, xp.zeros_like(scores), scores - label_score)
    if shifted.dtype != proba.dtype:
        shifted = xp.astype(shifted, proba.dtype)
    kept = xp.where(proba != 0, shifted, xp.zeros_like(shifted))
    return xp.sum(proba * kept, axis=-1) + 0.5 * (1.0 - xp.sum(proba * proba, axis=-1))


def fenchel_young(xp, max_value, scores, targets):
    """The Fenchel-Young loss ``max_fun(s) - <y, s>`` over the last axis, from ``max_value = max_fun(s)``."""
    return max_value - xp.sum(targets * scores, axis=-1)
