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

Under ``torch.compile`` a public loss called with plain tensors of constant shape
and constant options is one node of Dynamo's graph, as torch's own losses are
(:mod:`multiloss._fused`): Dynamo guards on its arguments as for the original, and
the function runs as plain Python on fake tensors while torch compiles, where
``torch.compiler.is_compiling()`` holds: the general path's traced branches,
with no cache. Where Dynamo traces this Python itself (a symbolic size or number,
a loss that takes a function, a loss class' frames), the rest of this paragraph
holds. The cache is bypassed: a lookup in a Python dict inside
a compiled region would make torch guard on the cache's entries (and recompile
whenever another signature fills one). Nor is ``decide`` traced: Dynamo guards on
every global a trace reads and every function it enters, which made a compiled
``mse_loss`` re-check 90 guards per call where torch's own function has 19
(``TORCH_LOGS=guards``). Instead :func:`_decided_for_trace`, marked
``assume_constant_result``, runs ``decide`` in plain Python while Dynamo traces
and hands back the plan as constants (which function, which options); the trace
then calls that function alone. A plan is a pure function of its signature and
options, and the compiled call already guards on both (the tensors' dtypes and
ranks, the options' values), so the constant adds no guard and loses none. A
number that Dynamo has made symbolic (a float option passed into the compiled
function and changed) is specialized first, as torch's own float options are.
What the trace still reads is guarded on every call: the interface function's
defaults and the few frames to the plan, so the path reads no builtin by name and
no helper default (each would be a guard more).

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
import threading

from . import backends
from ._dispatch import backend_of_types
from ._dtypes import float_name, has
from ._imports import when_imported

MAX_PLANS = 4096  # per interface module (its functions share one cache): then the least recent goes


def _compiling_while_torch_imports():
    # torch still importing (or never imported): look it up, never stored here (a trace would guard on it)
    compiler = getattr(sys.modules.get("torch"), "compiler", None)
    return compiler is not None and compiler.is_compiling()


_is_compiling = _compiling_while_torch_imports  # torch.compiler.is_compiling once torch is imported


def _keep_is_compiling(torch):
    # Not is_dynamo_compiling alone: a public loss may be one node of Dynamo's graph (see
    # multiloss._fused), whose Python then runs as plain Python on fake tensors while torch compiles
    # (Dynamo's example values, AOTAutograd's trace), where only is_compiling's flag is set.
    global _is_compiling
    compiler = torch.compiler
    if not hasattr(compiler, "_is_compiling_flag"):
        _is_compiling = compiler.is_compiling
        return
    dynamo_compiling = compiler.is_dynamo_compiling

    def is_compiling():
        # Dynamo folds is_dynamo_compiling() to True, with no guard (a read of the flag would be one,
        # and false at the next call); plain Python reads the flag that is_compiling() returns,
        # without its TorchScript test: 55 ns where is_compiling() takes 77, on every eager call.
        return dynamo_compiling() or compiler._is_compiling_flag

    _is_compiling = is_compiling


def _keep_trace_helpers(dynamo):
    # Once Dynamo is imported, before it traces anything: not at torch's import, where marking the
    # function through torch.compiler would import Dynamo (1 s) for every user of multiloss.
    global _guard_scalar
    from torch.fx.experimental.symbolic_shapes import guard_scalar

    _guard_scalar = guard_scalar  # Dynamo's own handler: a symbolic number becomes its value, guarded
    dynamo.assume_constant_result(_decided_for_trace)
    from . import _fused

    _fused.put_in_graph(dynamo)


def compiling():
    """True while torch.compile traces the call (the one compiler that traces this Python as bytecode)."""
    return _is_compiling()


class _ForTrace(threading.local):
    active = False  # True while _decided_for_trace runs decide for Dynamo, in this thread


_for_trace = _ForTrace()


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
        if _is_compiling():
            return self._traced(name, a, b, c, options)
        try:  # signature(a, b, c), inline: the common cases in the fewest steps
            if c is not None:
                sig = (type(a), a.dtype, a.ndim, type(b), b.dtype, b.ndim, type(c), c.dtype, c.ndim)
            elif b is not None:
                sig = (type(a), a.dtype, a.ndim, type(b), b.dtype, b.ndim, _NONE, None, None)
            else:
                sig = (type(a), a.dtype, a.ndim, _NONE, None, None, _NONE, None, None)
        except AttributeError:  # a Python value
            sig = signature(a, b, c)
        try:
            return self._cached(name, sig, *options)
        except TypeError:  # an unhashable option
            return None

    def _traced(self, name, a, b, c, options):
        """The plan under torch.compile: decided in plain Python (:func:`_decided_for_trace`), then
        only its kernel traced; ``decide`` itself is traced where an option is a tensor (which
        Dynamo can't pass as a constant). Each global this reads is a guard on every compiled call, the
        builtins a name reads included (``TORCH_LOGS=guards``)."""
        # The plain types are the types of literals: Dynamo folds ``type("")`` to a constant, where a
        # builtin's name (``str``) would be a global read, one more guard on every compiled call.
        for option in options:
            if type(option) not in (type(""), type(0), type(0.0), type(False), type(None)):  # noqa: UP003
                return self.decide(name, signature(a, b, c), *options)
        described = _decided_for_trace(self.decide, name, signature(a, b, c), *[
            _guard_scalar(o) if type(o) in (type(0), type(0.0)) else o for o in options])  # noqa: UP003
        if described is None:
            return None
        if described[0] == "":  # a plan that is not one function with constant options: kept whole
            return getattr(_KEPT, described[1])
        fn, same_shape, keywords = _KERNELS[described[0]], described[1], described[2]  # (not mutated: see _KERNELS)
        return _runner(lambda *arrays: fn(*arrays, **{key: value for key, value in keywords}), None, same_shape)

    def clear(self):
        self._cached.cache_clear()


# name -> a function a compiled plan may call: torch's own, filled once by the first compiled plan's
# decision, before any trace reads it (a dict changed during a trace that has read it would go stale).
_KERNELS = {}
_KERNEL_NAMES = {}  # function -> its name in _KERNELS


class _Kept:
    """The plans decided for a trace that are not one of _KERNELS (the general path's math and its
    reduction, say), one attribute each, never changed or removed once set: a compiled call guards
    on its own. Attributes, not a dict's entries: Dynamo reads a dict whole where a trace first
    meets it, and would miss the plan that a later call in the same trace adds."""


_KEPT = _Kept()
_KEPT_NAMES = {}  # (decide, name, signature, options) -> its attribute of _KEPT


def _decided_for_trace(decide, name, sig, *options):
    """``decide``'s plan as constants Dynamo can embed, run in plain Python while Dynamo traces (the
    function is marked ``assume_constant_result`` once Dynamo is imported): None for no plan, else
    ``(name of its function in _KERNELS, same_shape, options)``, or ``("", its attribute of _KEPT)`` for
    a plan that isn't."""
    _for_trace.active = True
    try:
        plan = decide(name, sig, *options)
    finally:
        _for_trace.active = False
    if plan is None:
        return None
    described = getattr(plan, "described", None)
    if described is not None:
        if not _KERNELS:
            _KERNELS.update(backends.load("torch").natives_by_name())
            _KERNEL_NAMES.update((fn, name) for name, fn in _KERNELS.items())
        fn, same_shape, keywords = described
        kernel_name = _KERNEL_NAMES.get(fn)
        if kernel_name is not None:
            return kernel_name, same_shape, keywords
    # Any other plan is kept whole and handed over by name: the trace then enters the plan's
    # kernels alone, not decide (whose every helper and global read would be a guard more).
    key = (decide, name, sig, options)
    kept = _KEPT_NAMES.get(key)
    if kept is None:
        kept = _KEPT_NAMES[key] = f"plan_{len(_KEPT_NAMES)}"
        setattr(_KEPT, kept, plan)
    return "", kept


def _guard_scalar_while_torch_imports(value):
    return value


_guard_scalar = _guard_scalar_while_torch_imports  # symbolic_shapes.guard_scalar once Dynamo is imported


def signature(a, b, c=None):
    """What a plan may depend on of up to three arrays: ``(type, dtype, rank)`` of each, flat
    (a Python value or ``None`` has its type and ``None``, ``None``). No size: a batch that
    changes from call to call keeps its plan."""
    if c is None:
        try:  # the common case, two arrays, in the fewest steps (type(None), not _NONE: see _traced)
            return type(a), a.dtype, a.ndim, type(b), b.dtype, b.ndim, type(None), None, None
        except AttributeError:
            pass
    return described(a) + described(b) + described(c)


def described(x):
    """One array's part of a :func:`signature`, ``(type, dtype, rank)`` (a fourth array's, passed as options)."""
    # has, not getattr with a default: a symbolic float under torch.compile can't be asked (a graph break)
    return (type(x), x.dtype, getattr(x, "ndim", None)) if has(x, "dtype") else (type(x), None, None)


_NONE = type(None)


def native(name, *types):
    """The framework's own function ``name`` (``torch.nn.functional.<name>``) when it serves
    arrays of these types exactly as the mirror does, else None (``None`` entries are absent
    optional arrays). Where it serves only some calls of the signature it comes as
    ``(function, declines)``: ``declines(*arrays)`` is true for a call it leaves to the general path."""
    if compiling() or _for_trace.active:  # (compiling first: a trace never reads the thread-local)
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


def math_backend(*types):
    """The backend on which the general path's math is a plan of its own when that math has no
    value check (the checks it skips are of the signature only): NumPy's, and torch's for plain
    tensors (whose general path runs the same eager ops; a subclass such as DTensor keeps it)."""
    xp = concrete_backend(*types)
    if xp is not None:
        return xp
    try:
        xp = backend_of_types(*types)
    except TypeError:
        return None
    plain = getattr(xp, "plain_types", None)
    return xp if plain is not None and all(cls in plain for cls in types) else None


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
    bind = getattr(fn, "bind", None)  # a native that binds its options itself (the torch backend's _Bound)
    if bind is not None:
        return _runner(bind(**options), declines, same_shape)
    run = _runner(functools.partial(fn, **options) if options else fn, declines, same_shape)  # options bound in C
    if declines is None and all(type(v) in (str, int, float, bool, _NONE) for v in options.values()):
        run.described = fn, same_shape, tuple(options.items())  # all that a compiled call needs of it
    return run


def _runner(call, declines, same_shape):
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
    planned = getattr(math, "planned", None)  # a reduced loss: its reduction decided here, once
    if planned is not None:
        return kernel(planned(xp, **options), same_shape)
    return kernel(functools.partial(math, xp), same_shape, **options)


when_imported("torch", _keep_is_compiling, ready=lambda torch: hasattr(torch, "compiler"))
when_imported("torch._dynamo", _keep_trace_helpers, ready=lambda dynamo: hasattr(dynamo, "assume_constant_result"))
