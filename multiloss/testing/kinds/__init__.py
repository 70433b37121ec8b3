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


def edge(kind_name):
    def register(fn):
        KINDS[kind_name].edges[fn.__name__] = fn
        return fn

    return register


def make(kind_name, rng, dtype, edge_name=None):
    """The arrays of a kind, or of one of its edges, in ``dtype``."""
    entry = KINDS[kind_name]
    if edge_name is None:
        return entry.make(rng, dtype)
    return entry.edges[edge_name](rng, dtype)


def generic_edges(kind_name):
    return KINDS[kind_name].generic


# The families register their kinds on import.
from . import categorical, divergence, regression, sigmoid, softmax  # noqa: E402, F401
