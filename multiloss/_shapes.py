"""Static shape arithmetic shared by the interfaces (no arrays, no framework)."""

from __future__ import annotations


def broadcast_shapes(a, b):
    """The broadcast of two shapes, or None if they don't broadcast.

    ``None`` entries (TF dimensions unknown until run time) broadcast with anything.
    """
    out = []
    for i in range(1, max(len(a), len(b)) + 1):
        da = a[-i] if i <= len(a) else 1
        db = b[-i] if i <= len(b) else 1
        if da == 1 or da is None and db != 1:
            out.append(db)
        elif db == 1 or db is None or da == db:
            out.append(da)
        else:
            return None
    return tuple(reversed(out))


def first_mismatch(a, b):
    """(dim of a, dim of b, index in the longer shape) of the first non-broadcastable pair."""
    n = max(len(a), len(b))
    for i in range(1, n + 1):
        da = a[-i] if i <= len(a) else 1
        db = b[-i] if i <= len(b) else 1
        if da != db and 1 not in (da, db) and None not in (da, db):
            return da, db, n - i
    return None


def numel(shape):
    """The element count of a shape, or None when a dimension is known only at run time."""
    total = 1
    for d in shape:
        if d is None:
            return None
        total *= d
    return total
