"""A call's plan: what an interface decides from the call's signature alone, decided once.

An interface function checks its arguments, promotes dtypes, applies its
original's integer rule, checks that shapes broadcast, picks a reduction and a
kernel. Every one of those decisions follows from the call's *signature*: the
array types and dtypes, their ranks and the option values (the sizes only
where a decision needs them). So each interface function is written in two
parts:

- ``decide(*signature)``: returns the call's *plan*, a function of the arrays that
  runs only the kernels (``torch.nn.functional.mse_loss`` itself for a plain
  float pair on torch), or ``None`` when the signature needs the general path
  (an error to raise, a warning to emit, a promotion, a backend with no such
  kernel). It never raises and never warns: errors and warnings belong to the
  general path, which emits them on every call, exactly as before.
- the general path: the whole interface, as the original's semantics ask.

:class:`Plans` caches ``decide`` per signature in a bounded LRU
(``functools.lru_cache``, C code: a hit costs about 0.1 µs), so the steady-state
call is one lookup and the kernels. The signature holds no size that the
decision does not need, so a batch size that changes from call to call (a last
short batch, variable lengths) hits the same plan; a plan re-checks the cheap
per-call facts it relies on (two shapes equal) and hands anything else to the
general path by returning ``None``. A kernel that raises does the same, so the
general path raises the exact error (a class index out of range, a
probability outside [0, 1]): value checks stay per call.

Under ``torch.compile`` the cache is bypassed: a lookup in a Python dict inside
a compiled region would make torch guard on the cache's entries (and recompile
whenever another signature fills one), so the trace runs ``decide`` itself,
whose few constants are all it guards on.
"""

from __future__ import annotations

import functools
import sys

from ._dispatch import backend_of_types

MAX_PLANS = 4096  # per interface function: a few thousand signatures, then the least recent goes


def compiling():
    """True while torch.compile traces the call (the one compiler that traces this Python as bytecode)."""
    torch = sys.modules.get("torch")
    return torch is not None and torch.compiler.is_compiling()


class Plans:
    """The plans of one interface function: ``plans(*signature)`` is ``decide(*signature)``, cached.

    The signature's items are hashable plain values (types, dtypes, ranks, option
    values); they are cached by type too (``1``, ``1.0`` and ``True`` apart). An
    unhashable option (a list where a string belongs) gets no plan: the general
    path decides, and raises where it must.
    """

    def __init__(self, decide, maxsize=MAX_PLANS):
        self.decide = decide
        self._cached = functools.lru_cache(maxsize, typed=True)(decide)

    def __call__(self, *signature):
        if compiling():
            return self.decide(*signature)
        try:
            return self._cached(*signature)
        except TypeError:  # an unhashable option
            return None

    def clear(self):
        self._cached.cache_clear()


def native(name, *types):
    """The framework's own function ``name`` (``torch.nn.functional.<name>``) when it serves
    arrays of these types exactly as the mirror does, else None (``None`` entries are absent
    optional arrays)."""
    try:
        xp = backend_of_types(*types)
    except TypeError:  # two frameworks, or an unknown type: the general path raises
        return None
    find = getattr(xp, "native_function", None)
    return None if find is None else find(name, types)


def kernel(fn, same_shape=False, **options):
    """The plan that calls ``fn(*arrays, **options)``.

    ``same_shape``: the first two arrays must have one shape (the mirror warns or
    broadcasts otherwise), checked per call. It returns None, for the general path,
    when they differ or when ``fn`` raises (the general path raises the exact error).
    """

    def run(*arrays):
        if same_shape and arrays[0].shape != arrays[1].shape:
            return None
        try:
            return fn(*arrays, **options)
        except Exception:
            return None

    return run
