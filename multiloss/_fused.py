"""One compiled call for a whole loss call on concrete JAX arrays.

Eager JAX runs each array operation as its own dispatch (about 10 µs each on
CPU), and a loss with its checks, dtype casts and reduction runs dozens of
them. So a public loss function, called with concrete (non-traced) JAX arrays,
runs under one cached ``jax.jit`` instead, keyed by the call's signature (its
array shapes, dtypes and weak types, and its other arguments' values): a
repeated signature costs one dispatch. The program is compiled at the first
call of a signature, since the eager ops compile too: each operation is its own
program for each new shape, and a loss's first eager call on new shapes costs
several times the whole loss's compilation (cross-entropy at 32x5 on a 2-core
CPU: 0.7 s against 0.11 s). One exception: arrays the function has already met
with other options (an option that changes from call to call, as an annealed
weight) run eagerly until their signature repeats, since their ops are compiled
already, and a program per value would not be.

Eager semantics are kept exactly:

- the value checks (:mod:`multiloss._checks`) are deferred while tracing: each
  returns its verdict from the compiled call, read with one host read (on another
  device only a verdict the original reads there too: the rule in ``multiloss.backends``);
  when one is set, the call is run again eagerly, which raises the exact error;
- a call whose trace fails (a shape, dtype or argument error, a value read in
  Python) or emits a warning stays eager for that signature, so that its
  errors and warnings come exactly as without this module;
- only arguments that are concrete single-device JAX arrays or plain immutable
  Python values (the latter become part of the signature) take this path;
  tracers (under ``jit``, ``grad``, ``vmap``), sharded arrays, other frameworks'
  arrays and any other object keep the plain call.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import threading
import warnings

from . import _plan
from ._imports import when_imported

_state = threading.local()  # .flags: the deferred checks' verdicts while tracing; .eager: in a plain call

_STATIC_TYPES = (type(None), bool, int, str)
_EAGER = object()  # a signature that stays on the plain call
_ONCE = object()  # a signature met once, whose arrays the function met before with other options
_MAX_SIGNATURES = 256  # per function: shapes that never repeat stop being remembered
_DYNAMIC, _STATIC, _NEITHER = 1, 2, 3
_jax = None  # jax once imported: one global read (one guard under torch.compile, where sys.modules.get is four)


def _keep_jax(jax):
    global _jax
    _jax = jax


when_imported("jax", _keep_jax)
# XLA's algebraic simplifier reassociates floats (log(1 - p + eps) becomes log((1 + eps) - p),
# which moves a saturated log loss by 1%), and excess precision skips the rounding of
# float16 intermediates: with both off the compiled call computes what the eager ops compute.
_AS_EAGER = {"xla_disable_hlo_passes": "algsimp", "xla_allow_excess_precision": False}
_kinds: dict[type, int] = {}  # argument type -> how it takes part in a fused call


def deferred_flags():
    """The list that collects the value checks' verdicts while a fused call traces, else None."""
    return getattr(_state, "flags", None)


def _kind(cls, jax):
    kind = _kinds.get(cls)
    if kind is None:
        if issubclass(cls, jax.Array):
            kind = _NEITHER if issubclass(cls, jax.core.Tracer) else _DYNAMIC
        elif cls in _STATIC_TYPES or cls is float or cls is tuple or hasattr(cls, "_fused_key"):
            kind = _STATIC
        else:
            kind = _NEITHER
        _kinds[cls] = kind
    return kind


def _static_key(value):
    # Typed, so that 1, 1.0 and True (equal as dict keys) compile apart; floats by
    # their bits, so that -0.0 and 0.0 differ and NaN equals NaN.
    cls = type(value)
    if cls is float:
        return (float, value.hex())
    if cls is tuple:
        return (tuple, tuple(_static_key(v) for v in value))
    if cls in _STATIC_TYPES:
        return (cls, value)
    if getattr(value, "_fused", False):  # one of the fused functions: fixed code, no state
        return (cls, id(value))
    if hasattr(cls, "_fused_key") and cls.__module__.startswith("multiloss."):
        return (cls, value._fused_key())
    raise TypeError  # another object, or a tuple holding one: the plain call


def settings_key(obj):
    """A loss object's settings (its attributes) as a signature; TypeError when one is not a plain value."""
    return tuple((name, _static_key(v) if type(v) is not dict else tuple(sorted(
        (k, _static_key(x)) for k, x in v.items()))) for name, v in sorted(vars(obj).items()))


def _signature(jax, args, kwargs):
    """(signature, positions of the arrays, the arrays), or None when the call can't be fused."""
    items = list(enumerate(args))
    if kwargs:
        items += sorted(kwargs.items())
    # The kinds first: a call with another framework's arrays leaves after dict lookups only.
    kinds = [_kind(type(value), jax) for _, value in items]
    if _NEITHER in kinds or _DYNAMIC not in kinds:
        return None
    key, where, arrays = [], [], []
    single = jax.sharding.SingleDeviceSharding
    for (name, value), kind in zip(items, kinds, strict=True):
        if kind is _DYNAMIC:
            if type(value.sharding) is not single:
                return None
            where.append(name)
            arrays.append(value)
            key.append((name, value.shape, value.dtype, value.weak_type))
        else:
            try:
                key.append((name, _static_key(value)))
            except TypeError:
                return None
    return tuple(key), tuple(where), arrays


def _first_meeting(arrays_seen, key):
    """Whether a new signature's arrays (their names, shapes, dtypes, weak types) are new to the
    function; remembers them."""
    arrays = tuple(part for part in key if len(part) == 4)  # (name, shape, dtype, weak type); options are pairs
    if arrays in arrays_seen:
        return False
    arrays_seen.add(arrays)
    return True


def _compiled(jax, fn, args, kwargs, where):
    """``fn`` under ``jax.jit`` with its non-array arguments bound; returns (result, any check failed)."""
    # The template holds no array: the compiled call must not keep the first call's inputs alive.
    args = [None if isinstance(name, int) and name in where else a for name, a in enumerate(args)]
    kwargs = {k: None if k in where else v for k, v in kwargs.items()}

    def run(*arrays):
        call_args, call_kwargs = list(args), dict(kwargs)
        for name, array in zip(where, arrays, strict=True):
            if isinstance(name, int):
                call_args[name] = array
            else:
                call_kwargs[name] = array
        outer, _state.flags = deferred_flags(), []
        try:
            out = fn(*call_args, **call_kwargs)
            flags = _state.flags
        finally:
            _state.flags = outer
        return out, _verdict(jax, flags, False), _verdict(jax, flags, True)

    return jax.jit(run, compiler_options=_AS_EAGER)


def _verdict(jax, flags, read_everywhere):
    """Whether any check failed: all of them, or those the original reads on every device."""
    chosen = [found for found, reads_device in flags if reads_device or not read_everywhere]
    return jax.numpy.any(jax.numpy.stack([jax.numpy.any(f) for f in chosen])) if chosen else None


def _failed(failed, always):
    """Whether to run eagerly again to raise: a verdict is read on the host's devices only
    (the rule in ``multiloss.backends``), save one the original reads everywhere."""
    if failed is None:  # no check at all (``failed`` covers every check, ``always`` some of them)
        return False
    from .backends import load

    if load("jax").on_host(failed):
        return bool(failed)
    return always is not None and bool(always)


@contextlib.contextmanager
def plain_calls():
    """Within it, the public losses run op by op, as under a tracer: the eager path that a call
    whose trace fails or warns takes, for the checks that hold that path too."""
    outer, _state.eager = getattr(_state, "eager", False), True
    try:
        yield
    finally:
        _state.eager = outer


def _plain(fn, args, kwargs):
    # Losses calling other public losses: the inner calls stay plain inside a plain call.
    with plain_calls():
        return fn(*args, **kwargs)


def fused(fn, context=None):
    """``fn`` run as one compiled call when every array argument is a concrete JAX array.

    ``context()``, when given, returns the global settings ``fn`` reads (Keras' floatx):
    part of the signature, so that a changed setting compiles again.
    """
    seen: dict = {}  # signature -> _ONCE, its compiled call, or _EAGER
    arrays_seen: set = set()  # the signatures' array parts (shapes, dtypes) met so far

    in_graph = _in_graph_twin(fn)

    @functools.wraps(fn)
    def call(*args, **kwargs):
        jax = _jax
        # Under torch.compile, torch's tensors: the plan's own test decides, before any lookup in
        # _kinds (a type first met inside the trace, a loss class' say, is a miss that the trace
        # fills, and the guard that recorded it fails at the next call, which compiles again).
        if jax is None or _plan._is_compiling() or args and _kinds.get(type(args[0])) is _NEITHER:
            if in_graph is not None and _dynamo_tracing() and _constant_call(args, kwargs):
                return in_graph(*args, **kwargs)
            return fn(*args, **kwargs)  # (the last: another framework's array)
        if getattr(_state, "eager", False) or deferred_flags() is not None:
            return fn(*args, **kwargs)
        found = _signature(jax, args, kwargs)
        if found is None:
            return fn(*args, **kwargs)
        signature, where, arrays = found
        key = signature if context is None else (signature, context())
        compiled = seen.get(key)
        if compiled is None:
            if len(seen) >= _MAX_SIGNATURES:
                return _plain(fn, args, kwargs)
            compiled = _ONCE if _first_meeting(arrays_seen, signature) else None
            if compiled is None:  # these arrays with other options before: eager until it repeats
                seen[key] = _ONCE
                return _plain(fn, args, kwargs)
        if compiled is _EAGER:
            return _plain(fn, args, kwargs)
        if compiled is _ONCE:
            compiled = _compiled(jax, fn, args, kwargs, where)
            try:
                with warnings.catch_warnings(record=True) as caught:
                    warnings.simplefilter("always")
                    out, failed, always = compiled(*arrays)
            except Exception:
                caught = True
            if caught:
                seen[key] = _EAGER
                return _plain(fn, args, kwargs)
            seen[key] = compiled
        else:
            out, failed, always = compiled(*arrays)
        if _failed(failed, always):
            return _plain(fn, args, kwargs)  # raises the eager check's exact error
        return out

    call.__wrapped__ = fn
    call._fused = True
    return call


# A public loss that torch.compile traces with static shapes and constant options is one node of its
# graph, as torch's own losses are (torch.nn.functional's are in its graph whole): Dynamo then guards
# on the call's arguments and these few lines, as for the original, not on every frame and global of
# multiloss' Python that a trace reads (a compiled mse_loss: 46 guards where torch's own has 20, about
# 15 ns each, its whole 1.10x at 32x5). The node's function is a twin of the loss marked
# ``allow_in_graph``; it runs as plain Python on fake tensors while torch compiles (where
# torch.compiler.is_compiling() is true: the traced path), and AOTAutograd traces its ops. A call
# with a symbolic size or number (dynamic shapes, a number option that changes between calls), which
# plain Python would take for neither an int nor a float, or with an argument that is neither a tensor
# nor a constant (a function, a list: a node's arguments are tensors and constants) is traced by
# Dynamo as before.
_waiting_twins: list = []  # twins not yet marked (Dynamo not yet imported)


def _twin_of(fn):
    @functools.wraps(fn)
    def twin(*args, **kwargs):
        return fn(*args, **kwargs)

    return twin


def _in_graph_twin(fn):
    if not hasattr(fn, "__code__"):  # (the builtin of _WRAPPER_CODES)
        return None
    twin = _twin_of(fn)
    _waiting_twins.append(twin)
    put_in_graph(sys.modules.get("torch._dynamo"))
    return twin


def put_in_graph(dynamo):
    """Mark the twins made so far with ``dynamo.allow_in_graph``, once ``torch._dynamo`` is imported."""
    global _dynamo_tracing, _Tensor, _known
    if dynamo is None or not hasattr(dynamo, "allow_in_graph"):
        return
    if _known is None:
        import torch
        from torch.fx.experimental.symbolic_shapes import statically_known_true

        _dynamo_tracing, _Tensor, _known = torch.compiler.is_dynamo_compiling, torch.Tensor, statically_known_true
    while _waiting_twins:
        dynamo.allow_in_graph(_waiting_twins.pop())


def _constant_call(args, kwargs):
    """While Dynamo traces: whether every argument can stand as it is as an argument of a graph node:
    a tensor (no subclass) of constant shape, or a constant (None, a bool, a str, a number), none of
    them one of torch.compile's symbols (a dynamic size, a number that changed between calls). Dynamo
    shows a symbol to the traced code as an int or a float: only a symbol is neither known equal nor
    known unequal to a probe. (Class tests by ``__class__`` and module constants: each builtin's name
    read here would be one more guard on every compiled call.)"""
    for value in (*args, *kwargs.values()):
        cls = value.__class__
        if cls is _Tensor:
            for size in value.shape:
                if not (_known(size == 1_000_003) or _known(size != 1_000_003)):
                    return False
        elif cls is _INT or cls is _FLOAT:
            if not (_known(value == 1_000_003) or _known(value != 1_000_003)):
                return False
        elif not (value is None or cls is _BOOL or cls is _STR):
            return False
    return True


def _not_tracing():
    return False


_dynamo_tracing = _not_tracing  # torch.compiler.is_dynamo_compiling once torch is imported
_Tensor = _known = None  # torch.Tensor and symbolic_shapes.statically_known_true once Dynamo is imported
_INT, _FLOAT, _BOOL, _STR = int, float, bool, str


def stacklevel(level):
    """``warnings.warn``'s ``stacklevel`` that names the frame ``level`` would name without the
    fused wrappers (``level`` counted from the function that warns): their frames are skipped."""
    frame, steps, counted = sys._getframe(1), 1, 1
    while counted < level and frame.f_back is not None:
        frame, steps = frame.f_back, steps + 1
        if frame.f_code not in _WRAPPER_CODES:
            counted += 1
    return steps


def fuse_functions(namespace, names, context=None):
    """Replace each public function in ``names`` of ``namespace`` (a module's globals) by its
    :func:`fused` form, there and in the module that defines it (whose classes call it);
    aliases of one function share one fused form."""
    done = {}
    for name in names:
        fn = namespace.get(name)
        if not callable(fn) or isinstance(fn, type) or not hasattr(fn, "__code__"):
            continue
        wrapped = done.get(fn)
        if wrapped is None:
            wrapped = done[fn] = fused(fn, context)
        namespace[name] = wrapped
        home = vars(sys.modules[fn.__module__])
        if home.get(fn.__name__) is fn:
            home[fn.__name__] = wrapped


# The frames a fused function adds between its caller and the function itself.
_WRAPPER_CODES = frozenset({fused(len).__code__, _plain.__code__, _twin_of(len).__code__})
