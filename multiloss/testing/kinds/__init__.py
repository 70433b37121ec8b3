"""Input kinds: how to make the arrays a loss takes, and its edge inputs.

A kind maps a NumPy random generator and a dtype to a dict of NumPy arrays,
one per *role* ("prediction", "target", "weight", ...). A catalog row names its
kind and the roles of its positional arguments. Each kind also has named edge
inputs; those listed as ``generic`` are checked on every row of the kind, and
a row's own cases may name the others.

Kinds are registered, one family per module, with :func:`kind` and :func:`edge`::

    @kind("regression", generic=("empty", "nan"))
    def regression(rng, dtype): ...

    @edge("regression")
    def empty(rng, dtype): ...
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass
class Kind:
    make: object
    generic: tuple[str, ...]
    edges: dict = field(default_factory=dict)
    # The axis of the arrays that counts samples (None: the kind has no batch axis); a
    # tf.function signature leaves its size unknown.
    batch_axis: int | None = 0
    # Generic edges that stress the numerics (a confident logit): there the float32 result must
    # be no further from the float64 truth than the original's own float32 result.
    stress: tuple[str, ...] = ()


KINDS: dict[str, Kind] = {}


def kind(name, generic=(), batch_axis=0, stress=()):
    def register(make):
        KINDS[name] = Kind(make, tuple(generic) + tuple(stress), batch_axis=batch_axis, stress=tuple(stress))
        return make

    return register


def edge(kind_name, name=None):
    """Register an edge of a kind, under the function's name or ``name``
    (two kinds of one module may each have an edge called "empty")."""

    def register(fn):
        KINDS[kind_name].edges[name or fn.__name__] = fn
        return fn

    return register


def empty_and_nan(kind_name, make, *nan_roles):
    """Register the two edges most kinds share: "empty" (a batch of 0) and
    "nan" (a NaN at [1, 2] of each of ``nan_roles``)."""

    def empty(rng, dtype):
        return make(rng, dtype, batch=0)

    def nan(rng, dtype):
        arrays = make(rng, dtype)
        for role in nan_roles:
            arrays[role][1, 2] = np.nan
        return arrays

    edge(kind_name, "empty")(empty)
    edge(kind_name, "nan")(nan)


def keras_weights(rng, dtype, batch):
    """The sample weights every Keras class row is tested with (``catalog.KERAS_CLASS_OPTIONS``):
    per sample, per sample as an (N, 1) column, and all zero."""
    return {
        "sample_weight": rng.uniform(0.5, 2.0, size=(batch,)).astype(dtype),
        "row_weight": rng.uniform(0.5, 2.0, size=(batch, 1)).astype(dtype),
        "zero_weight": np.zeros((batch, 1), dtype),
    }


def make(kind_name, rng, dtype, edge_name=None):
    """The arrays of a kind, or of one of its edges, in ``dtype``."""
    entry = KINDS[kind_name]
    if edge_name is None:
        return entry.make(rng, dtype)
    return entry.edges[edge_name](rng, dtype)


def generic_edges(kind_name):
    return KINDS[kind_name].generic


# One class ahead of the others by these margins: float32's log-sum-exp keeps 1e-5 (10),
# 1e-7 (16), 1e-13 (30) and a subnormal (100) of the loss only if it is written with care.
MARGINS = (10.0, 16.0, 30.0, 100.0)


def confident_logits(shape, leaders, dtype, axis=-1):
    """Zeros, with the class ``leaders[i]`` of row ``i`` ahead by ``MARGINS`` in turn (rows
    beyond the fourth lead by 10 and 16 again); ``leaders`` has the rows' shape."""
    logits = np.zeros(shape)
    moved = np.moveaxis(logits, axis, -1)
    rows = moved.reshape(-1, shape[axis])
    flat_leaders = np.asarray(leaders).reshape(-1)
    for i, leader in enumerate(flat_leaders):
        rows[i, int(leader) % shape[axis]] = MARGINS[i % len(MARGINS)]
    return np.moveaxis(rows.reshape(moved.shape), -1, axis).astype(dtype)


# The families register their kinds on import.
from . import (  # noqa: E402, F401
    box,
    categorical,
    divergence,
    linear,
    margin,
    optax,
    overlap,
    regression,
    sequence,
    sigmoid,
    softmax,
)
