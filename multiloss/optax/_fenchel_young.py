"""optax's sparsemax losses and ``make_fenchel_young_loss`` (``optax/losses/_classification.py``,
``_fenchel_young.py``)."""

from __future__ import annotations

import sys

from .._dispatch import namespace_of
from ..losses import sparsemax
from ._common import as_array, dtype_name, jax_float, promote


def sparsemax_loss(logits, labels):
    """``optax.losses.sparsemax_loss``: the binary sparsemax loss ``sparse_plus(-x)`` where the label
    is true (nonzero), ``sparse_plus(x)`` where it is false, elementwise. Martins & Astudillo, ICML 2016.
    """
    xp = namespace_of(logits, labels)
    logits = as_array(xp, logits, None)
    labels = as_array(xp, labels, logits)
    if dtype_name(logits.dtype) not in ("float16", "bfloat16", "float32", "float64"):
        logits = xp.astype(logits, jax_float(xp, logits, labels))  # (x + 1)**2 / 4 is a float
    labels = labels if dtype_name(labels.dtype) == "bool" else labels != 0
    return sparsemax.binary_sparsemax(xp, logits, labels)


def multiclass_sparsemax_loss(scores, labels):
    """``optax.losses.multiclass_sparsemax_loss``: ``<p, s - s_y> + (1 - |p|**2) / 2`` per row of the
    ``(N, C)`` scores, ``p`` their sparsemax and ``y`` the integer label. Martins & Astudillo, ICML 2016.

    Labels are in ``[0, C)``; a negative one counts from the end. Half-precision scores give a
    float32 loss, as in optax.
    """
    xp = namespace_of(scores, labels)
    scores = as_array(xp, scores, None)
    labels = as_array(xp, labels, scores)
    wide = None
    if dtype_name(scores.dtype) in ("float16", "bfloat16"):
        wide = xp.float32  # optax's projection adds 1 / k in JAX's default float: the loss is float32
    elif dtype_name(scores.dtype) not in ("float32", "float64"):
        scores = xp.astype(scores, jax_float(xp, scores, labels))
    classes = scores.shape[-1]
    labels = xp.where(labels < 0, labels + classes, labels)
    one_hot = xp.astype(xp.one_hot(labels, classes, xp.float32), xp.bool)
    return sparsemax.multiclass_sparsemax(xp, scores, one_hot, wide)


def _float_scores(xp, scores, targets):
    """Integer scores as the float dtype JAX computes them in beside ``targets``: the targets' float
    dtype, or for integer targets too, float32 for int32 scores and float64 for int64 (JAX under
    ``jax_enable_x64``, where ``logsumexp`` of int64 is float64). Floats pass unchanged."""
    name = dtype_name(scores.dtype)
    if name in ("float16", "bfloat16", "float32", "float64"):
        return scores
    target = dtype_name(getattr(targets, "dtype", "float32"))
    if target in ("float16", "bfloat16", "float32", "float64"):
        return xp.astype(scores, getattr(xp, target))
    return xp.astype(scores, xp.float64 if name == "int64" else xp.float32)


def make_fenchel_young_loss(max_fun):
    """``optax.losses.make_fenchel_young_loss``: the loss ``max_fun(scores) - <targets, scores>`` over
    the last axis, ``fenchel_young_loss(scores, targets, *args, **kwargs)``, with ``*args`` and
    ``**kwargs`` passed to ``max_fun`` (Blondel, Martins & Niculae, JMLR 2020).

    ``max_fun`` is the user's regularised max (``logsumexp`` gives the cross-entropy). What it must be:

    - **JAX arrays**: as in optax, a JAX-traceable function of one score vector, ``(n,) -> ()``;
      it is mapped over the leading axes with ``jnp.vectorize``, and the loss is differentiated
      by JAX's autodiff through it (``jax.grad``).
    - **NumPy, PyTorch and TensorFlow arrays**: a function written with the caller's framework,
      or once for all with multiloss's namespace (``xp = multiloss.namespace_of(scores)``), that
      reduces the *last* axis of the whole ``(..., n)`` array to ``(...)`` (``xp.logsumexp(scores,
      axis=-1)``): it is called once, with no per-vector map, and differentiated by the framework's
      own autodiff. A function that returns another shape (one written for a single vector, such as
      ``jnp.max(scores)``) raises ValueError; multiloss cannot trace a JAX function on other arrays.

    Integer scores are made floats before ``max_fun`` sees them, in the dtype JAX gives them beside
    the targets.
    """

    def fenchel_young_loss(scores, targets, *args, **kwargs):
        xp = namespace_of(scores, targets)
        scores = _float_scores(xp, scores, targets)
        if xp.name == "jax":
            jnp = sys.modules["jax.numpy"]
            max_value = jnp.vectorize(max_fun, signature="(n)->()")(scores, *args, **kwargs)
        else:
            max_value = max_fun(scores, *args, **kwargs)
            expected = tuple(scores.shape[:-1])
            if tuple(getattr(max_value, "shape", ())) != expected:
                raise ValueError(
                    f"make_fenchel_young_loss: max_fun returned shape {tuple(getattr(max_value, 'shape', ()))} "
                    f"for scores of shape {tuple(scores.shape)}; on {xp.name} arrays it is called once on the "
                    f"whole array and must reduce the last axis, giving shape {expected} "
                    "(e.g. xp.logsumexp(scores, axis=-1) with xp = multiloss.namespace_of(scores))")
        max_value, scores, targets = promote(xp, max_value, scores, targets)
        return sparsemax.fenchel_young(xp, max_value, scores, targets)

    return fenchel_young_loss
