"""The conformance harness: hold a loss to its original on every backend.

For a catalog row (``multiloss.catalog.Entry``) and a backend, :func:`run`
performs these checks and returns one :class:`Finding` each:

- ``values``: every option set, float32 and float64 inputs; the result (a tuple of
  results flattened and joined, see ``joined``) is an array of the caller's framework,
  with the original's dtype and shape, equal to the original's result and to a float64
  NumPy run of multiloss.
- ``edges``: the kind's generic edge inputs (empty, NaN, inf, large) and the
  row's edge cases: the same values as the original, NaN for NaN, inf for inf.
- ``gradients``: torch autograd, ``tf.GradientTape``, ``jax.grad`` against the
  original's own gradient, at ordinary inputs and at the row's kinks.
- ``compiled``: ``jax.jit``, ``tf.function(jit_compile=True)``,
  ``torch.compile(fullgraph=True)`` give the eager values, with no graph break.
- ``errors``: each case that makes the original raise (or warn) makes
  multiloss raise (or warn) the same class on this backend.
- ``conventions``: the backend's calling conventions (``tf.Variable``,
  ``tf.function`` with an unknown batch size, ``tf.vectorized_map``; ``jax.jit``
  over closed-over arguments, ``jit(grad)``, ``vmap``, ``jacfwd``;
  ``torch.func.vmap``, ``torch.func.grad``, ``nn.Parameter``, non-contiguous
  views) give the original's eager value and gradient (see ``_conventions``).
- ``precisions``: float16 and bfloat16 inputs, and a float16 differentiated
  input beside float32 ones, give the original's dtype and value (within a few
  units of float16's or bfloat16's epsilon), or, mixed, its exception class;
  integer inputs (every float input as int64 or int32, int64 labels beside a
  float32 prediction, an int64 prediction beside float32 labels) give the
  original's promotion, cast and value, or its exception class.
- ``devices``: on a device other than the host's (torch ``meta``, a second JAX
  CPU device, TensorFlow's ``/CPU:1``) the result stays there, with no host read
  the row does not declare (see ``_devices``).

Tolerances (``TOLERANCES``) are chosen by the dtype of the result: float64
within 1e-12 relative, float32 within 1e-5 relative and 1e-6 absolute.

Users can hold their own losses to the same bar: write an ``Entry`` for
them and call ``run(entry, backend)``.
"""

from __future__ import annotations

import hashlib
import traceback
import warnings
import zlib
from dataclasses import dataclass

import numpy as np

from .._dispatch import namespace_of
from .._dtypes import dtype_name
from ..catalog import Arg, Entry, _resolve
from . import _devices, kinds
from ._conventions import CONVENTIONS, DRAWS, run_convention, run_mapped
from ._frameworks import (
    FRAMEWORKS,
    NoValues,
    compiled,
    device_missing,
    device_of,
    device_spec,
    framework_of_path,
    gradient,
    import_all,
    installed,
    is_native,
    to_native,
    to_numpy,
    x64,
)

CHECKS = ("values", "edges", "gradients", "compiled", "errors", "conventions", "precisions", "devices")
TOLERANCES = {"float64": {"rtol": 1e-12, "atol": 1e-12}, "float32": {"rtol": 1e-5, "atol": 1e-6}}
DTYPES = (np.float32, np.float64)

__all__ = ["CHECKS", "TOLERANCES", "FRAMEWORKS", "Finding", "run", "compare", "installed", "Entry"]


@dataclass
class Finding:
    """The outcome of one check of one row on one backend."""

    entry: str
    backend: str
    check: str
    status: str  # "PASS", "FAIL", "N/A" (does not apply), "NOT INSTALLED"
    deviation: float = 0.0  # largest deviation found, in units of the tolerance (<= 1 passes)
    detail: str = ""

    @property
    def ok(self):
        return self.status != "FAIL"


class Mismatch(AssertionError):
    pass


# -- comparing ----------------------------------------------------------------------------


def tolerance_for(*dtypes, entry=None):
    """float32 tolerance if any of the dtypes is narrower than float64, or the row computes in float32."""
    names = {np.dtype(d).name for d in dtypes} | ({entry.precision} if entry and entry.precision else set())
    return TOLERANCES["float64"] if names <= {"float64", "int64", "int32", "bool"} else TOLERANCES["float32"]


def compare(actual, expected, what, rtol, atol):
    """Deviation of ``actual`` from ``expected`` in units of the tolerance; raises Mismatch above 1.

    NaN must meet NaN, and an infinity the same infinity. A side without values (a meta
    tensor: ``--device meta``) is held to the shape only.
    """
    a, e = np.asarray(actual, dtype=np.float64), np.asarray(expected, dtype=np.float64)
    if a.shape != e.shape:
        raise Mismatch(f"{what}: shape {a.shape}, expected {e.shape}")
    if isinstance(actual, NoValues) or isinstance(expected, NoValues):
        return 0.0
    if not np.array_equal(np.isnan(a), np.isnan(e)):
        raise Mismatch(f"{what}: NaN at different places: got {a}, expected {e}")
    finite = np.isfinite(e)
    if not np.array_equal(a[~finite & ~np.isnan(e)], e[~finite & ~np.isnan(e)]):
        raise Mismatch(f"{what}: infinities differ: got {a}, expected {e}")
    if not np.all(np.isfinite(a[finite])):
        raise Mismatch(f"{what}: got non-finite {a}, expected {e}")
    if not finite.any():
        return 0.0
    err = np.abs(a[finite] - e[finite]) / (atol + rtol * np.abs(e[finite]))
    deviation = float(err.max())
    if deviation > 1:
        i = int(err.argmax())
        raise Mismatch(
            f"{what}: {a[finite].flat[i]!r} vs expected {e[finite].flat[i]!r} "
            f"(rtol={rtol}, atol={atol}, {deviation:.3g}x the tolerance)"
        )
    return deviation


# -- calling ------------------------------------------------------------------------------


def _seed(entry):
    return zlib.crc32(entry.path.encode())


def _arrays(entry, dtype, edge=None):
    return kinds.make(entry.inputs, np.random.default_rng(_seed(entry)), dtype, edge)


def _bind(options, arrays):
    bound = {}
    for key, value in options.items():
        if isinstance(value, Arg):
            value = arrays[value.role] if value.attribute is None else getattr(arrays[value.role], value.attribute)
        bound[key] = value
    return bound


def _invoke(entry, fn, arrays, options):
    """Call a loss (multiloss's or the original) the way the row says, on native arrays."""
    fn, options = _built(entry, fn, arrays, options)
    return joined(fn(*[arrays[role] for role in entry.call], **options))


def joined(out):
    """A loss's result as one array: a tuple of results (the loss, then auxiliary arrays, as optax's
    CTC with its forward variables) flattened and concatenated in order, so that every check compares
    each element of each. Gradients are the loss's: the auxiliary arrays are joined under
    ``stop_gradient``, since their derivatives are no part of the loss' contract (CTC's forward
    variables sit near ``log_epsilon = -1e5``, where a derivative's float64 rounding, 1e-11, follows the
    order of operations)."""
    if not isinstance(out, (tuple, list)):
        return out
    xp = namespace_of(*out)
    return xp.concat([xp.reshape(x if i == 0 else xp.stop_gradient(x), (-1,)) for i, x in enumerate(out)])


def _built(entry, fn, arrays, options):
    """``(callable, call options)``: a class row's loss built (its state loaded), or the function."""
    options = _bind(options, arrays)
    if entry.style != "class":
        return fn, options
    at_call = {k: options.pop(k) for k in list(options) if k in entry.call_keywords}
    loss = fn(**options)
    _load_state(loss, entry.state, arrays)
    return loss, at_call


def _bare_dtype(x):
    return dtype_name(x.dtype).rpartition(".")[2]  # "float32" of every framework, array_api_strict's too


def _load_state(loss, state, arrays):
    """Set a class' own arrays (``Entry.state``) from the row's."""
    import operator
    import sys

    torch = sys.modules.get("torch")
    for attribute, role in state:
        path, _, name = attribute.rpartition(".")
        owner = operator.attrgetter(path)(loss) if path else loss
        value = arrays[role]
        current = getattr(owner, name, None)
        if torch is not None and isinstance(current, torch.nn.Parameter) and current.shape == value.shape:
            with torch.no_grad():  # as load_state_dict does (no Parameter is made: torch.compile refuses that)
                current.copy_(value)
            continue
        if torch is not None and isinstance(owner, torch.nn.Module) and name in owner._parameters:
            value = torch.nn.Parameter(value, requires_grad=value.is_floating_point())
        elif current is not None and _bare_dtype(current) != _bare_dtype(value):  # into the class' dtype, as above
            xp = namespace_of(value)
            value = xp.astype(value, getattr(xp, _bare_dtype(current)))
        setattr(owner, name, value)


def _native_arrays(framework, arrays):
    return {k: to_native(framework, v) for k, v in arrays.items()}


def _original(entry):
    """The original callable and its framework, or (None, reason)."""
    framework = entry.original_framework or framework_of_path(entry.original)
    if not installed(framework):
        return None, f"{framework} not installed"
    try:
        return _resolve(entry.original), framework
    except (ImportError, AttributeError) as exc:
        if entry.fallback:
            return _resolve(entry.fallback), framework
        # Its framework is here, so a missing original is a catalog error, not a skip.
        raise Mismatch(f"cannot import the original {entry.original}: {exc}") from exc


def _quiet(fn, *args):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args)


def _x64(entry, framework, arrays):
    """x64 around a run: for a row whose original runs on JAX, as a JAX user would set it for
    these inputs (see ``x64``); for the others, on."""
    jax_original = (entry.original_framework or framework_of_path(entry.original)) == "jax"
    return x64(framework, arrays if jax_original else None)


def _run(entry, framework, fn, arrays, options):
    with _x64(entry, framework, arrays):
        return to_numpy(_quiet(_invoke, entry, fn, _native_arrays(framework, arrays), options))


def _run_native(entry, framework, fn, arrays, options):
    """The result as the framework returns it (for type checks), plus as NumPy."""
    with _x64(entry, framework, arrays):
        out = _quiet(_invoke, entry, fn, _native_arrays(framework, arrays), options)
        return out, to_numpy(out)


# -- the original's results, shared by a row's backends ------------------------------------------
#
# The original runs on its own framework whatever backend multiloss is checked on, so its result
# on given inputs is the same in every cell of a row: computed in the first, it is kept until
# another row is checked (a failure too: the same exception is raised again).

_shared_results = {"entry": None, "results": {}}


def _digest(arrays):
    """A key for a dict of NumPy arrays (and plain values): dtypes, shapes and contents."""
    parts = []
    for name, value in sorted(arrays.items()):
        if isinstance(value, np.ndarray):
            parts.append((name, value.dtype.str, value.shape, hashlib.blake2b(value.tobytes(), digest_size=16).digest()))
        else:
            parts.append((name, repr(value)))
    return tuple(parts)


def _shared(entry, key, compute):
    if _shared_results["entry"] is not entry:
        _shared_results.update(entry=entry, results={})
    results = _shared_results["results"]
    key = (device_spec(),) + key  # an original run on one device (--device) is not another's
    if key not in results:
        try:
            results[key] = (compute(), None)
        except Exception as exc:  # noqa: BLE001 - raised again in every cell that asks
            results[key] = (None, exc)
    value, error = results[key]
    if error is not None:
        raise error
    return value


def _run_original(entry, framework, fn, arrays, options):
    """:func:`_run` of the original, shared by the row's backends."""
    key = ("run", framework, id(fn), _digest(arrays), repr(options))
    return _shared(entry, key, lambda: _run(entry, framework, fn, arrays, options))


def _run_ours(entry, backend, fn, arrays, options, native=False):
    """:func:`_run` of multiloss (``native``: :func:`_run_native`), kept for the row's other checks:
    the compiled check's eager results are the values check's, and the float64 NumPy reference
    of the values check is one for the row's four backends."""
    key = ("ours", backend, id(fn), _digest(arrays), repr(options))
    if native:  # the framework's own result, for the type check, is not kept: the NumPy copy is
        out, got = _run_native(entry, backend, fn, arrays, options)
        _shared(entry, key, lambda: got)
        return out, got
    return _shared(entry, key, lambda: _run(entry, backend, fn, arrays, options))


def _grad_original(entry, framework, fn, arrays, options, cotangent):
    """:func:`_grad` of the original, shared by the row's backends."""
    key = ("grad", framework, id(fn), _digest({**arrays, "cotangent": cotangent}), repr(options))
    return _shared(entry, key, lambda: _grad(entry, framework, fn, arrays, options, cotangent))


# -- checks -------------------------------------------------------------------------------


def _check_values(entry, backend):
    ours = entry.resolve()
    original, orig_fw = _original(entry)
    worst = 0.0
    for dtype in DTYPES:
        arrays = _arrays(entry, dtype)
        reference_inputs = {k: v.astype(np.float64) if v.dtype == dtype else v for k, v in arrays.items()}
        for options in entry.options:
            what = f"{np.dtype(dtype).name} {options or 'defaults'}"
            native, got = _run_ours(entry, backend, ours, arrays, options, native=True)
            if not is_native(backend, native):
                raise Mismatch(f"{what}: returned {type(native).__name__}, not a {backend} array")
            reference = _run_ours(entry, "numpy", ours, reference_inputs, options)
            worst = max(worst, compare(got, reference, f"{what} vs float64 NumPy run",
                                       **tolerance_for(got.dtype, entry=entry)))
            if original is None:
                continue
            expected = _run_original(entry, orig_fw, original, arrays, options)
            if got.dtype != expected.dtype:
                raise Mismatch(f"{what}: dtype {got.dtype}, the original gives {expected.dtype}")
            worst = max(worst, compare(got, expected, f"{what} vs {entry.original}",
                                       **tolerance_for(got.dtype, expected.dtype, entry=entry)))
    return worst, "" if original is not None else orig_fw


def _edge_cases(entry):
    """(name, edge, options, gradient) for the kind's generic edges and the row's value cases."""
    first = entry.options[0]
    cases = [(edge, edge, first, False) for edge in kinds.generic_edges(entry.inputs)]
    for case in entry.cases:
        if case.raises is None and case.warns is None:
            cases.append((case.name, case.edge, {**first, **case.options}, case.gradient))
    return cases


def _check_edges(entry, backend):
    ours = entry.resolve()
    original, orig_fw = _original(entry)
    if original is None:
        return 0.0, orig_fw
    worst = 0.0
    stress = kinds.KINDS[entry.inputs].stress
    for name, edge, options, _ in _edge_cases(entry):
        for dtype in DTYPES:
            arrays = _arrays(entry, dtype, edge)
            got = _run(entry, backend, ours, arrays, options)
            expected = _run_original(entry, orig_fw, original, arrays, options)
            worst = max(worst, compare(got, expected, f"edge '{name}' {np.dtype(dtype).name}",
                                       **tolerance_for(got.dtype, expected.dtype, entry=entry)))
            if edge in stress and dtype == np.float32:
                worst = max(worst, _as_close_to_truth(entry, original, orig_fw, arrays, options, got, expected,
                                                      f"edge '{name}'"))
    return worst, ""


def _as_close_to_truth(entry, original, orig_fw, arrays, options, got, expected, what):
    """``got`` (float32) no further from the float64 truth than the original's float32 ``expected``,
    give or take four float32 ulps (and four float64 ulps of 1, the truth's own error where the
    loss is ``log(1 + tiny)``); the truth is the original run on the same inputs in float64."""
    truth = _run_original(entry, orig_fw, original, {k: v.astype(np.float64) if v.dtype == np.float32 else v
                                             for k, v in arrays.items()}, options)
    if truth.dtype != np.float64:  # the original computes in float32 whatever it gets: no truth to hold to
        return 0.0
    finite = np.isfinite(truth) & np.isfinite(np.asarray(got, np.float64))
    ours = np.abs(np.asarray(got, np.float64) - truth)[finite]
    theirs = np.abs(np.asarray(expected, np.float64) - truth)[finite]
    # The float64 truth is itself off by about its epsilon where the loss is log(1 + tiny).
    allowed = theirs + 4 * np.finfo(np.float32).eps * np.abs(truth[finite]) + 4 * np.finfo(np.float64).eps
    if not ours.size:
        return 0.0
    ratio = ours / allowed
    if ratio.max() > 1:
        i = int(ratio.argmax())
        raise Mismatch(f"{what}: float32 result off the float64 truth {truth[finite].flat[i]!r} by {ours[i]:.3g}, "
                       f"the original's by {theirs[i]:.3g}")
    return float(ratio.max())


def _grad(entry, framework, fn, arrays, options, cotangent):
    with _x64(entry, framework, arrays):
        native = _native_arrays(framework, arrays)
        return _quiet(gradient, framework, lambda a: _invoke(entry, fn, a, options), native, entry.grad, cotangent)


def _check_gradients(entry, backend):
    if backend == "numpy":
        return None, "NumPy has no autodiff"
    ours = entry.resolve()
    original, orig_fw = _original(entry)
    if original is None:
        return 0.0, orig_fw
    worst = 0.0
    runs = [("", None, options) for options in entry.options]
    runs += [(name, edge, options) for name, edge, options, grad in _edge_cases(entry) if grad]
    for name, edge, options in runs:
        arrays = _arrays(entry, np.float64, edge)
        expected_out = _run_original(entry, orig_fw, original, arrays, options)
        cotangent = np.random.default_rng(1).uniform(0.5, 1.5, size=expected_out.shape).astype(expected_out.dtype)
        expected = _grad_original(entry, orig_fw, original, arrays, options, cotangent)
        got = _grad(entry, backend, ours, arrays, options, cotangent)
        what = f"gradient {name or options or 'defaults'}"
        worst = max(worst, compare(got, expected, what, **tolerance_for(expected_out.dtype, entry=entry)))
    return worst, ""


def _check_compiled(entry, backend):
    """Every option set's loss compiled in one program (one trace and one compilation for the row,
    where each set on its own would pay a compiler's fixed cost); if that program fails, each set
    is compiled alone, so that the failure names its option set."""
    if backend == "numpy":
        return None, "NumPy has no compiler"
    ours = entry.resolve()
    options_sets = entry.options
    arrays = _arrays(entry, np.float32)
    eager = [_run_ours(entry, backend, ours, arrays, options) for options in options_sets]
    try:
        together = _compiled_run(entry, backend, ours, arrays, options_sets)
    except Exception:  # noqa: BLE001 - found and reported by the sets one at a time below
        together = None
    worst = 0.0
    for i, options in enumerate(options_sets):
        got = together[i] if together is not None else _compiled_run(entry, backend, ours, arrays, [options])[0]
        worst = max(worst, compare(got, eager[i], f"compiled {options or 'defaults'}", **TOLERANCES["float32"]))
    return worst, ""


def _compiled_run(entry, backend, fn, arrays, options_sets):
    """The row's loss under each of ``options_sets``, computed by one compiled program, as NumPy."""
    with _x64(entry, backend, arrays):
        native = _native_arrays(backend, arrays)
        if entry.state:  # a loss that owns arrays is built outside, as a module is, and its call compiled
            built = [_quiet(_built, entry, fn, native, options) for options in options_sets]
            program = compiled(backend, lambda a: [loss(*[a[r] for r in entry.call], **at_call)
                                                   for loss, at_call in built])
        else:
            program = compiled(backend, lambda a: [_invoke(entry, fn, a, options) for options in options_sets])
        return [to_numpy(out) for out in _quiet(program, native)]


def _check_errors(entry, backend):
    ours = entry.resolve()
    original, orig_fw = _original(entry)
    checked = [c for c in entry.cases if c.raises or c.warns]
    if not checked:
        return None, "no error cases"
    for case in checked:
        options = {**entry.options[0], **case.options}
        arrays = _arrays(entry, np.float32, case.edge)
        if case.raises:
            raised_on_device = False
            if original is not None:
                raised = _expect_raise(entry, orig_fw, original, arrays, options, case, exact=False)
                raised_on_device = raised and device_missing(orig_fw) == "" and device_of(orig_fw) is not None
            _expect_raise(entry, backend, ours, arrays, options, case, exact=True, required=raised_on_device)
        else:
            if original is not None:
                _expect_warning(entry, orig_fw, original, arrays, options, case)
            _expect_warning(entry, backend, ours, arrays, options, case)
    return 0.0, ""


def _expect_raise(entry, framework, fn, arrays, options, case, exact, required=False):
    """Whether ``fn`` raised ``case.raises`` (its class, or a subclass for the original). On the host
    it must; on another device (``--device``) only where ``required``: a value check there is the
    device's own (the rule in multiloss.backends), an error the original raised there is not."""
    who = "the original" if not exact else "multiloss"
    try:
        _run(entry, framework, fn, arrays, options)
    except Exception as exc:  # noqa: BLE001 - the class is what is checked
        name = type(exc).__name__
        mro = [c.__name__ for c in type(exc).__mro__]
        if (exact and name != case.raises) or (not exact and case.raises not in mro):
            raise Mismatch(f"'{case.name}': {who} raised {name}: {exc}; expected {case.raises}") from exc
        return True
    if device_missing("numpy") and not required:  # another device than the host's (--device)
        return False
    raise Mismatch(f"'{case.name}': {who} raised nothing on {framework}; expected {case.raises}")


def _expect_warning(entry, framework, fn, arrays, options, case):
    with warnings.catch_warnings(record=True) as caught, _x64(entry, framework, arrays):
        warnings.simplefilter("always")
        _invoke(entry, fn, _native_arrays(framework, arrays), options)
    if not any(type(w.message).__name__ == case.warns or case.warns in [c.__name__ for c in type(w.message).__mro__]
               for w in caught):
        raise Mismatch(f"'{case.name}': no {case.warns} on {framework} (got {[str(w.message) for w in caught]})")


def _call_roles(entry, options):
    """The roles of the arrays a call with ``options`` passes: positional ones and ``Arg`` options."""
    return set(entry.call) | {v.role for v in options.values() if isinstance(v, Arg)} | {r for _, r in entry.state}


def _draws(entry, dtype, roles):
    """DRAWS independent draws of the row's kind, stacked along a new leading axis."""
    draws = [kinds.make(entry.inputs, np.random.default_rng(_seed(entry) + i), dtype) for i in range(DRAWS)]
    return {k: np.stack([d[k] for d in draws]) for k in roles}


def _check_conventions(entry, backend):
    ours = entry.resolve()
    original, orig_fw = _original(entry)
    if original is None:
        return 0.0, orig_fw
    options = entry.options[0]
    roles = _call_roles(entry, options)
    arrays = {k: v for k, v in _arrays(entry, np.float64).items() if k in roles}
    expected = _run_original(entry, orig_fw, original, arrays, options)
    cotangent = np.random.default_rng(1).uniform(0.5, 1.5, size=expected.shape).astype(expected.dtype)
    expected_grad = _grad_original(entry, orig_fw, original, arrays, options, cotangent)
    stacked = _draws(entry, np.float64, roles)
    batch_axis = kinds.KINDS[entry.inputs].batch_axis
    tolerance = tolerance_for(expected.dtype, entry=entry)
    worst, notes = 0.0, []
    for name in CONVENTIONS[backend]:
        def call(a, fn=ours):
            return _invoke(entry, fn, a, options)

        try:
            if name in ("vmap", "vectorized_map"):
                got, got_grads = _quiet(run_mapped, backend, name, call, stacked, entry.grad, cotangent)
                draws = [{k: v[i, ...] for k, v in stacked.items()} for i in range(DRAWS)]
                loop = np.stack([_run_original(entry, orig_fw, original, d, options) for d in draws])
                worst = max(worst, compare(got, loop, f"{name} vs a loop over the original", **tolerance))
                if got_grads is not None:
                    grads = np.stack([_grad_original(entry, orig_fw, original, d, options, cotangent) for d in draws])
                    worst = max(worst, compare(got_grads, grads, f"{name} of grad vs a loop", **tolerance))
                continue
            value, grad = _quiet(run_convention, backend, name, call, arrays, entry.grad, cotangent, batch_axis)
        except Mismatch:
            raise
        except Exception as exc:  # noqa: BLE001 - no worse than the original
            if orig_fw == backend and _fails_too(entry, backend, name, original, options, arrays, stacked,
                                                 cotangent, batch_axis):
                notes.append(f"{name}: the original fails too")
                continue
            raise Mismatch(f"{name}: {type(exc).__name__}: {exc}") from exc
        if value is not None:
            worst = max(worst, compare(value, expected, f"{name} value", **tolerance))
        if grad is not None and backend != "numpy":
            worst = max(worst, compare(grad, expected_grad, f"{name} gradient", **tolerance))
    return worst, "; ".join(notes)


def _fails_too(entry, backend, name, original, options, arrays, stacked, cotangent, batch_axis):
    def call(a):
        return _invoke(entry, original, a, options)

    try:
        if name in ("vmap", "vectorized_map"):
            _quiet(run_mapped, backend, name, call, stacked, entry.grad, cotangent)
        else:
            _quiet(run_convention, backend, name, call, arrays, entry.grad, cotangent, batch_axis)
    except Exception:  # noqa: BLE001
        return True
    return False


# float16 and bfloat16 results: a few units of the format's epsilon
HALF_TOLERANCES = {"float16": {"rtol": 4e-3, "atol": 4e-3}, "bfloat16": {"rtol": 3e-2, "atol": 3e-2}}


def _precision_inputs(entry, roles):
    """(name, arrays) of the dtype variants: every float array in float16, in bfloat16; the
    differentiated one in float16 beside float32 others."""
    import ml_dtypes

    base = {k: v for k, v in _arrays(entry, np.float32).items() if k in roles}
    floats = [k for k, v in base.items() if v.dtype.kind == "f"]

    def cast(names, dtype):
        return {k: (v.astype(dtype) if k in names else v) for k, v in base.items()}

    variants = [("float16", cast(floats, np.float16)), ("bfloat16", cast(floats, ml_dtypes.bfloat16))]
    if len(floats) > 1 and entry.grad in floats:
        variants.append(("mixed", cast([entry.grad], np.float16)))
    return variants + _integer_inputs(base, floats, entry.grad)


def _integer_inputs(base, floats, differentiated):
    """(name, arrays) of the integer variants: every float array rounded to int64; and, where the
    row has float inputs beside the differentiated one, those (targets, labels) rounded to int64
    beside a float32 differentiated input, as integer labels are commonly handed over, and the
    differentiated one rounded to int64 beside float32 labels. Every float array as int32 too:
    the integers JAX makes without x64, and the other frameworks' ``int``.

    Rounding keeps the draws meaningful: regression values and logits become small integers,
    probabilities and binary targets 0 and 1, boxes integer corners."""

    def rounded(names, dtype=np.int64):
        return {k: (np.rint(v).astype(dtype) if k in names else v) for k, v in base.items()}

    variants = [("integers", rounded(floats)), ("int32", rounded(floats, np.int32))]
    labels = [k for k in floats if k != differentiated]
    if labels and differentiated in floats:
        variants += [("integer labels", rounded(labels)), ("integer prediction", rounded([differentiated]))]
    return variants


def _outcome(entry, framework, fn, arrays, options, shared=False):
    try:
        run = _run_original if shared else _run
        return run(entry, framework, fn, arrays, options), None
    except Exception as exc:  # noqa: BLE001 - the class is what is compared
        return None, exc


def _check_precisions(entry, backend):
    ours = entry.resolve()
    original, orig_fw = _original(entry)
    if original is None:
        return 0.0, orig_fw
    options = entry.options[0]
    worst, notes = 0.0, []
    for name, arrays in _precision_inputs(entry, _call_roles(entry, options)):
        expected, error = _outcome(entry, orig_fw, original, arrays, options, shared=True)
        got, our_error = _outcome(entry, backend, ours, arrays, options)
        if error is not None:
            if name in HALF_TOLERANCES:  # the original has no such kernel: anything is no worse
                notes.append(f"{name}: the original raises {type(error).__name__}")
                continue
            if our_error is None or type(error).__name__ not in [c.__name__ for c in type(our_error).__mro__]:
                raise Mismatch(f"{name}: the original raises {type(error).__name__} ({error}); multiloss "
                               f"{'returns ' + repr(got) if our_error is None else 'raises ' + repr(our_error)}")
            continue
        if our_error is not None:
            raise Mismatch(f"{name}: multiloss raises {type(our_error).__name__}: {our_error}") from our_error
        if got.dtype != expected.dtype:
            raise Mismatch(f"{name}: dtype {got.dtype}, the original gives {expected.dtype}")
        # a float16 input rounds the computation wherever the frameworks cast it: float16's tolerance;
        # so does a half-precision input whose loss a JAX original computes in that precision and
        # returns wider (optax: a float16 log_softmax, a float32 loss). Others cast first: the result's own.
        widened = name in HALF_TOLERANCES and orig_fw == "jax"
        narrowest = "float16" if name == "mixed" else name if widened else got.dtype.name
        tolerance = HALF_TOLERANCES.get(narrowest) or tolerance_for(got.dtype, entry=entry)
        worst = max(worst, compare(got, expected, f"{name} vs {entry.original}", **tolerance))
    return worst, "; ".join(notes)


_CHECKERS = {
    "values": _check_values,
    "edges": _check_edges,
    "gradients": _check_gradients,
    "compiled": _check_compiled,
    "errors": _check_errors,
    "conventions": _check_conventions,
    "precisions": _check_precisions,
    "devices": _devices.check,
}


def run(entry: Entry, backend: str, checks=CHECKS):
    """Run ``checks`` for one catalog row on one backend; one Finding per check."""
    if not installed(backend):
        return [Finding(entry.path, backend, check, "NOT INSTALLED") for check in checks]
    import_all()
    if device_missing(backend):  # the chosen device (``multiloss check --device``) is not this framework's
        return [Finding(entry.path, backend, check, "N/A", detail=device_missing(backend)) for check in checks]
    findings = []
    for check in checks:
        try:
            deviation, note = _CHECKERS[check](entry, backend)
        except Mismatch as exc:
            findings.append(Finding(entry.path, backend, check, "FAIL", float("inf"), str(exc)))
            continue
        except Exception as exc:  # noqa: BLE001 - report, don't crash the matrix
            detail = "".join(traceback.format_exception_only(type(exc), exc)).strip()
            tb = traceback.extract_tb(exc.__traceback__)[-1]
            findings.append(Finding(entry.path, backend, check, "FAIL", float("inf"),
                                    f"{detail} (at {tb.filename}:{tb.lineno})"))
            continue
        status = "N/A" if deviation is None else "PASS"
        findings.append(Finding(entry.path, backend, check, status, deviation or 0.0, note))
    return findings
