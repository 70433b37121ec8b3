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
(``functools.lru_cache``: a hit is one C-level lookup), so the steady-state
call is one lookup and the kernels (``mse_loss`` on torch: 20 Python-level
calls per call where torch's own function makes 13, counted by cProfile). The signature holds no size that the
decision does not need, so a batch size that changes from call to call (a last
short batch, variable lengths) hits the same plan; a plan re-checks the cheap
per-call facts it relies on (two shapes equal) and hands anything else to the
general path by returning ``None``. A kernel that raises does the same, so the
general path raises the exact error (a class index out of range, a
probability outside [0, 1]): value checks stay per call.

Under ``torch.compile`` the cache is bypassed: a lookup in a Python dict inside
a compiled region would make torch guard on the cache's entries (and recompile
whenever another signature fills one), so the trace runs ``decide`` itself,
whose constants are all it guards on (``mse_loss``: 84 guards, most of them the identity
of module globals the trace reads, where torch's own function has 19; ``TORCH_LOGS=guards``).

Where the framework's own function is the original (the PyTorch interface on
torch), the plan is that function; the backend declines the calls it can't
serve exactly (:meth:`TorchBackend.native_function`: torch.func's wrappers where
a kernel has no batching rule, an empty margin batch). On NumPy the plan is the
general path's math and reduction (:func:`math_kernel`: one function that the
general path calls too, after its checks), with only the value checks left (an
index range, a probability in [0, 1]) and, NumPy having no autodiff, none of
the terms that only shape a gradient (``xp.differentiable``).
"""

from __future__ import annotations

import functools
import sys

from . import backends
from ._dispatch import backend_of_types
from ._dtypes import float_name, has
from ._imports import when_imported

MAX_PLANS = 4096  # per interface module (its functions share one cache): then the least recent goes


def _compiling_while_torch_imports():
    # torch still importing (or never imported): look it up, never stored here (a trace would guard on it)
    compiler = getattr(sys.modules.get("torch"), "compiler", None)
    return compiler is not None and compiler.is_dynamo_compiling()


_is_compiling = _compiling_while_torch_imports  # torch.compiler.is_dynamo_compiling once torch is imported


def _keep_is_compiling(torch):
    # is_dynamo_compiling, not is_compiling: the same answer wherever this code runs (Dynamo is
    # the tracer that runs Python), for half the cost of is_compiling's TorchScript test.
    global _is_compiling
    _is_compiling = torch.compiler.is_dynamo_compiling


when_imported("torch", _keep_is_compiling, ready=lambda torch: hasattr(torch, "compiler"))


def compiling():
    """True while torch.compile traces the call (the one compiler that traces this Python as bytecode)."""
    return _is_compiling()


class Plans:
    """The plans of one interface function: ``plans(name, a, b, c, *options)`` is
    ``decide(name, signature(a, b, c), *options)``, cached.

    The signature's items are hashable plain values (types, dtypes, ranks, option
    values); they are cached by type too (``1``, ``1.0`` and ``True`` apart). An
    unhashable option (a list where a string belongs) gets no plan: the general
    path decides, and raises where it must.
    """

    def __init__(self, decide, maxsize=MAX_PLANS):
        self.decide = decide
        self._cached = functools.lru_cache(maxsize, typed=True)(decide)

    def __call__(self, name, a, b, c, *options):
        """The plan of function ``name`` for arrays ``a``, ``b`` and ``c`` (None where absent) and
        ``options``: on the steady-state call, this one frame and a C-level lookup."""
        if _is_compiling():  # (a symbolic float has no attributes Dynamo can test: signature's getattr)
            return self.decide(name, signature(a, b, c), *options)
        try:  # signature(a, b, c), inline: the common case in the fewest steps
            if c is None:
                sig = (type(a), a.dtype, a.ndim, type(b), b.dtype, b.ndim, _NONE, None, None)
            else:
                sig = (type(a), a.dtype, a.ndim, type(b), b.dtype, b.ndim, type(c), c.dtype, c.ndim)
        except AttributeError:  # a Python value
            sig = signature(a, b, c)
        try:
            return self._cached(name, sig, *options)
        except TypeError:  # an unhashable option
            return None

    def clear(self):
        self._cached.cache_clear()


def signature(a, b, c=None):
    """What a plan may depend on of up to three arrays: ``(type, dtype, rank)`` of each, flat
    (a Python value or ``None`` has its type and ``None``, ``None``). No size: a batch that
    changes from call to call keeps its plan."""
    if c is None:
        try:  # the common case, two arrays, in the fewest steps
            return type(a), a.dtype, a.ndim, type(b), b.dtype, b.ndim, _NONE, None, None
        except AttributeError:
            pass
    return _described(a) + _described(b) + _described(c)


def _described(x):
    # has, not getattr with a default: a symbolic float under torch.compile can't be asked (a graph break)
    return (type(x), x.dtype, getattr(x, "ndim", None)) if has(x, "dtype") else (type(x), None, None)


_NONE = type(None)


def native(name, *types):
    """The framework's own function ``name`` (``torch.nn.functional.<name>``) when it serves
    arrays of these types exactly as the mirror does, else None (``None`` entries are absent
    optional arrays). Where it serves only some calls of the signature it comes as
    ``(function, declines)``: ``declines(*arrays)`` is true for a call it leaves to the general path."""
    if compiling():
        # only torch traces this code; the torch backend refuses any other type itself
        # (dispatch's table of types would add a guard per entry to the compiled call)
        return backends.load("torch").native_function(name, types, True)
    try:
        xp = backend_of_types(*types)
    except TypeError:  # two frameworks, or an unknown type: the general path raises
        return None
    find = getattr(xp, "native_function", None)
    return None if find is None else find(name, types)


def concrete_backend(*types):
    """The backend of these types when its arrays are always concrete (NumPy): there the
    general path's math, with its decisions taken once, is a plan of its own; else None."""
    try:
        xp = backend_of_types(*types)
    except TypeError:
        return None
    return xp if xp.name == "numpy" else None


def plain_number(value):
    """Whether an option is a Python ``int`` or ``float`` (not a bool, an array or a string): the
    options a native function takes as the mirror does."""
    return type(value) in (float, int)


def one_float_dtype(sig, count):
    """Whether the first ``count`` arrays of a :func:`signature` share one floating dtype."""
    return all(same_float_dtype(sig[1], sig[3 * i + 1]) for i in range(1, count))


def same_float_dtype(a, b):
    """Whether two dtypes of a :func:`signature` are one floating dtype (None, a Python value's,
    is none: NumPy's float64 dtype compares equal to None, ``np.dtype(None)`` being float64)."""
    return a is not None and b is not None and a == b and float_name(a) is not None


def native_kernel(name, sig, same_shape=False, **options):
    """:func:`kernel` of the framework's own function ``name`` (:func:`native`) for the arrays of
    :func:`signature` ``sig``, or None where it has none."""
    fn = native(name, *sig[0::3])
    return None if fn is None else kernel(fn, same_shape, **options)


def kernel_for(name, sig, math, same_shape=False, **options):
    """The plan of a plain signature ``sig``: :func:`native_kernel` where the framework has its own
    function ``name``, :func:`math_kernel` of ``math`` on a concrete backend, else None."""
    plan = native_kernel(name, sig, same_shape, **options)
    if plan is None:
        xp = concrete_backend(*sig[0::3])
        plan = None if xp is None else math_kernel(xp, math, same_shape, **options)
    return plan


def kernel(fn, same_shape=False, **options):
    """The plan that calls ``fn(*arrays, **options)``; ``fn`` may be :func:`native`'s
    ``(function, declines)``.

    ``same_shape``: the first two arrays and the last must have one shape (the mirror warns or
    broadcasts otherwise), checked per call. It returns None, for the general path,
    when they differ, when ``declines(*arrays)`` or when ``fn`` raises (the general path raises
    the exact error).
    """
    fn, declines = fn if type(fn) is tuple else (fn, None)
    call = functools.partial(fn, **options) if options else fn  # the options bound once, in C

    def run(*arrays):
        if same_shape and (arrays[0].shape != arrays[1].shape or arrays[0].shape != arrays[-1].shape):
            return None
        if declines is not None and declines(*arrays):
            return None
        try:
            return call(*arrays)
        except Exception:
            return None

    return run


def math_kernel(xp, math, same_shape=False, **options):
    """The plan on a backend whose arrays are always concrete (:func:`concrete_backend`, NumPy):
    ``math(xp, *arrays, **options)``, the general path's own computation after its checks (one
    function that both call), with every decision of the signature taken; as :func:`kernel`,
    None where the shapes differ or ``math`` raises (a value check: the general path raises it)."""
    return kernel(functools.partial(math, xp), same_shape, **options)
