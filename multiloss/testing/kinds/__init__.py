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


KINDS: dict[str, Kind] = {}


def kind(name, generic=()):
    def register(make):
        KINDS[name] = Kind(make, tuple(generic))
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


# The families register their kinds on import.
from . import box, categorical, divergence, margin, overlap, regression, sigmoid, softmax  # noqa: E402, F401
