"""Measuring a translation: the source original and the target call run side by side on the
catalog's inputs for the row's kind, ordinary and edge (empty batch, NaN, saturated
probabilities, ignored classes, ...), in float32 and float64, held to the suite's tolerances.

A translation is exact when every input gives the same shape and, within the tolerance of the
results' dtypes (``multiloss.testing.TOLERANCES``), the same values, NaN for NaN and the same
infinities. Otherwise :func:`measure` says the largest absolute difference and the input that
shows it.
"""

from __future__ import annotations

import contextlib
import sys
import warnings
from dataclasses import dataclass

import numpy as np

from .. import testing
from ..catalog import Arg
from ..testing import _frameworks as fw
from ._targets import FRAMEWORK

DTYPES = (np.float32, np.float64)
MODULES = {"torch": "torch", "tf": "tensorflow", "keras": "keras", "jax": "jax", "jnp": "jax.numpy",
           "optax": "optax", "torchvision": "torchvision", "np": "numpy", "multiloss": "multiloss"}


@dataclass
class Measure:
    exact: bool
    max_abs_diff: float | None = None
    where: str | None = None


def inputs(entry):
    """(label, edge, dtype) of every input the row's kind and cases offer."""
    edges = list(testing.kinds.generic_edges(entry.inputs))
    for case in entry.cases:
        if case.raises is None and case.warns is None and case.edge and case.edge not in edges:
            edges.append(case.edge)
    if not entry.original_defines_empty:  # its empty batch is uninitialised memory: nothing to hold to
        edges = [e for e in edges if e != "empty"]
    return [(edge or "ordinary inputs", edge, dtype) for edge in [None, *edges] for dtype in DTYPES]


_MODULE_CACHE = {}


def namespace():
    """The names a call may use: the frameworks' modules (imported once, torch before TensorFlow)."""
    if not _MODULE_CACHE:
        import importlib

        fw.import_all()
        for name, module in MODULES.items():
            try:
                _MODULE_CACHE[name] = importlib.import_module(module)
            except ImportError:
                pass
    return _MODULE_CACHE


@contextlib.contextmanager
def _one_thread():
    """Tiny arrays: one intra-op torch thread is fastest, and steady on a loaded machine; the
    caller's thread count comes back afterwards."""
    torch = sys.modules.get("torch")
    if torch is None:
        yield
        return
    before = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


def _quiet(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn()


def evaluate(call, framework, arrays, extra=None):
    """``call`` evaluated with ``arrays`` as ``framework``'s arrays (and the names in ``extra``), as NumPy."""
    with fw.x64(framework):
        env = {**(extra or {}), **{k: fw.to_native(framework, v) for k, v in arrays.items()}}
        out = _quiet(lambda: eval(call, dict(namespace()), env))  # noqa: S307 - our own generated code
        return fw.to_numpy(out)


def expected(entry, options, arrays):
    """The source original's result, or the exception it raises."""
    original, framework = testing._original(entry)
    if original is None:
        raise RuntimeError(f"the original {entry.original} is not installed ({framework})")
    return testing._run(entry, framework, original, arrays, options)


def _difference(got, want, tolerance):
    """None when equal within the tolerance, else (max |got - want| or None, what differs)."""
    a, e = np.asarray(got, np.float64), np.asarray(want, np.float64)
    if a.shape != e.shape:
        return None, f"shape {a.shape} where the source gives {e.shape}"
    if not np.array_equal(np.isnan(a), np.isnan(e)):
        return None, "NaN where the source has a number" if np.isnan(a).sum() > np.isnan(e).sum() else \
            "a number where the source gives NaN"
    both = np.isfinite(a) & np.isfinite(e)
    if not np.array_equal(np.isfinite(a), np.isfinite(e)) or not np.array_equal(a[~both & ~np.isnan(a)],
                                                                                  e[~both & ~np.isnan(e)]):
        return None, "an infinity where the source differs"
    if not both.any():
        return None
    diff = np.abs(a[both] - e[both])
    if (diff <= tolerance["atol"] + tolerance["rtol"] * np.abs(e[both])).all():
        return None
    return float(diff.max()), ""


def measure(entry, options, calls, targets_framework=None):
    """{target: Measure} for each target's call against the source row called with ``options``
    (Arg values name the kind's arrays by role)."""
    with _one_thread():
        return _measure(entry, options, calls, targets_framework)


def _measure(entry, options, calls, targets_framework):
    namespace()  # every framework first, in the safe order, before any one of them is imported on its own
    worst = {t: Measure(True) for t in calls}
    compared = 0
    # an option that is a function (a distance function) is named in the call by its name
    extra = {v.__name__: v for v in options.values() if callable(v) and not isinstance(v, Arg)}
    for label, edge, dtype in inputs(entry):
        arrays = testing._arrays(entry, dtype, edge)
        try:
            want = expected(entry, options, arrays)
        except Exception:  # noqa: BLE001 - an input the source refuses says nothing of a translation
            continue
        compared += 1
        for target, call in calls.items():
            framework = (targets_framework or {}).get(target) or FRAMEWORK[target]
            where = f"{label}, {np.dtype(dtype).name}"
            try:
                got = evaluate(call, framework, arrays, extra)
            except Exception as exc:  # noqa: BLE001
                _worse(worst, target, None, f"{where}: the target raises {type(exc).__name__}")
                continue
            tolerance = testing.tolerance_for(got.dtype, want.dtype, entry=entry)
            found = _difference(got, want, tolerance)
            if found is not None:
                diff, what = found
                _worse(worst, target, diff, f"{where}: {what}" if what else where)
    if not compared:  # nothing was compared: no claim of exactness
        return {t: Measure(False, None, "not measured: the source refuses every input") for t in calls}
    return worst


def _worse(worst, target, diff, where):
    """Keep the largest numeric difference; a difference of kind (shape, NaN, an error) only
    where no input differs by a number."""
    current = worst[target]
    if current.exact or (diff is not None and (current.max_abs_diff is None or diff > current.max_abs_diff)):
        worst[target] = Measure(False, diff, where)


def role_options(entry, options):
    """A source's options with its array names as the kind's roles (Arg), for the harness."""
    return {k: (Arg(v.text) if hasattr(v, "text") else v) for k, v in options.items()}
