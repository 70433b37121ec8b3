"""optax's regression losses (``optax/losses/_regression.py``): elementwise, nothing reduced."""

from __future__ import annotations

from .._dispatch import namespace_of
from ..losses import margin, regression
from ._common import as_array, check_axis, check_floating, check_shapes_equal, promote


def _errors(xp, predictions, targets):
    """``predictions - targets`` (``predictions`` without targets), in JAX's promoted dtype."""
    if targets is None:
        return predictions
    predictions, targets = promote(xp, predictions, as_array(xp, targets, predictions))
    return predictions - targets


def squared_error(predictions, targets=None):
    """``optax.losses.squared_error``: ``(predictions - targets)**2`` elementwise.

    ``targets`` must have the shape of ``predictions`` (optax checks it: ValueError, though its
    docstring says "broadcastable"); without it, zeros. ``predictions`` must be floating (TypeError).

    >>> import numpy as np
    >>> squared_error(np.array([1.0, 3.0]), np.array([0.0, 1.0])).tolist()
    [1.0, 4.0]
    """
    xp = namespace_of(predictions, targets)
    check_floating("squared_error", predictions=predictions)
    if targets is not None:
        check_shapes_equal("squared_error", predictions, targets)
        predictions, targets = promote(xp, predictions, targets)
        return regression.squared_error(xp, predictions, targets)
    return predictions * predictions


def l2_loss(predictions, targets=None):
    """``optax.losses.l2_loss``: ``0.5 (predictions - targets)**2`` elementwise (Bishop's 1/2).

    The same checks as :func:`squared_error`.
    """
    xp = namespace_of(predictions, targets)
    return 0.5 * squared_error(as_array(xp, predictions, None), targets)


def huber_loss(predictions, targets=None, *, delta=1.0):
    """``optax.losses.huber_loss``: ``0.5 e**2`` for ``|e| <= delta``, ``delta (|e| - delta / 2)`` above,
    ``e = predictions - targets`` (Huber 1964). Shapes broadcast; ``predictions`` must be floating.

    Its gradient is ``clip(e, -delta, delta)``: gradient descent on it clips an ``l2_loss``'s gradient.
    """
    xp = namespace_of(predictions, targets, delta)
    check_floating("huber_loss", predictions=predictions)
    errors = _errors(xp, predictions, targets)
    if isinstance(delta, int | float):
        return regression.huber(xp, errors, xp.zeros_like(errors), delta)
    # an array delta: optax's formula, a tie at |e| = delta splitting the gradient as jnp.minimum does
    abs_errors = xp.abs(errors)
    quadratic = xp.even_minimum(abs_errors, xp.astype(xp.broadcast_to(delta, abs_errors.shape), abs_errors.dtype))
    return 0.5 * quadratic * quadratic + delta * (abs_errors - quadratic)


def log_cosh(predictions, targets=None):
    """``optax.losses.log_cosh``: ``log(cosh(predictions - targets))``, about ``e**2 / 2`` near 0 and
    ``|e| - log 2`` far from it, without overflow (Chen et al., 2019). Shapes broadcast."""
    xp = namespace_of(predictions, targets)
    check_floating("log_cosh", predictions=predictions)
    errors = _errors(xp, predictions, targets)
    return regression.log_cosh_logaddexp(xp, errors)


def cosine_similarity(predictions, targets, *, epsilon=0.0, axis=-1, where=None):
    """``optax.losses.cosine_similarity``: ``<p / |p|, t / |t|>`` along ``axis`` (an int, a tuple, or
    None for all), over the entries where ``where`` holds.

    ``epsilon`` clips each *squared* norm from below (the norm from ``sqrt(epsilon)``), so a zero
    vector is NaN at the default ``epsilon = 0``, as in optax. Both inputs must be floating.
    """
    xp = namespace_of(predictions, targets, where)
    check_floating("cosine_similarity", predictions=predictions, targets=targets)
    check_axis(axis, xp.ndim(predictions))
    predictions, targets = promote(xp, predictions, targets)
    return margin.masked_cosine_similarity(xp, predictions, targets, epsilon, axis, where)


def cosine_distance(predictions, targets, *, epsilon=0.0, axis=-1, where=None):
    """``optax.losses.cosine_distance``: ``1 - cosine_similarity(...)``, with the same arguments."""
    check_floating("cosine_distance", predictions=predictions, targets=targets)
    return 1.0 - cosine_similarity(predictions, targets, epsilon=epsilon, axis=axis, where=where)
