"""optax's ``smooth_labels`` (``optax/losses/_smoothing.py``)."""

from __future__ import annotations

from .._dispatch import namespace_of
from ..losses import categorical
from ._common import check_floating


def smooth_labels(labels, alpha, *, axis=-1, where=None):
    """``optax.losses.smooth_labels``: ``(1 - alpha) labels + alpha / C``, ``C`` the number of
    categories along ``axis`` (an int, a tuple, or None for all), or, with ``where``, the number of
    entries kept there. Szegedy et al., "Rethinking the Inception Architecture", 2016.

    ``labels`` must be floating (TypeError).
    """
    xp = namespace_of(labels, alpha, where)
    check_floating("smooth_labels", labels=labels)
    if where is None:
        shape = tuple(labels.shape)
        axes = range(len(shape)) if axis is None else (axis,) if isinstance(axis, int) else axis
        categories = 1
        for a in axes:
            categories *= shape[a]
    else:
        categories = xp.sum(xp.astype(where, labels.dtype), axis=axis, keepdims=True)
    return categorical.smooth_labels(xp, labels, alpha, categories)
