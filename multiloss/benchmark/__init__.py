"""``multiloss bench``: every catalog row timed against its reference, on every installed backend.

For each row and backend the benchmark times, interleaved in one process:

- multiloss: the row's callable, with its first option set (a class is built
  once, outside the timer, as a user builds it);
- the reference (``references``): the original where it runs on that backend,
  else the fastest native expression of the same math in that framework;
- Keras 3: the Keras loss of the same kind on the same backend (for a Keras row,
  that is the reference itself).

in two modes, eager and compiled (``jax.jit``, ``tf.function(jit_compile=True)``,
``torch.compile``; multiloss and the reference both compiled, Keras left eager
as users call it), at two sizes: small (the row's input kind with 32 samples)
and large (about 1e6 elements in the largest input). At the large size it also
measures peak memory where the framework reports it: ``tracemalloc`` for NumPy,
the profiler's allocation events for torch on CPU (the CUDA allocator's
statistics on a GPU), ``tf.config.experimental.get_memory_info`` where TF keeps
them (not on CPU), and the compiled program's ``memory_analysis`` under ``jax.jit``.

Keras binds its backend once per process, so each backend is measured in its own
subprocess with ``KERAS_BACKEND`` set to it; the subprocess streams one JSON
line per measurement, so a run cut short by its time limit keeps what it measured.
"""

from __future__ import annotations

import gc
import inspect
import itertools
import json
import os
import random
import subprocess
import sys
import threading
import time
import types

import numpy as np

from .. import catalog
from .._labels import label as _label

BACKENDS = ("numpy", "torch", "tensorflow", "jax")
MODES = ("eager", "compiled")
SIZES = ("small", "large")
SMALL_BATCH = 32
LARGE_ELEMENTS = 1_000_000
MARKER = "MULTILOSS-BENCH "
ROW_MARKER = "MULTILOSS-BENCH-ROW "  # a worker starts a row: a row that overruns is then known
ROW_TIMEOUT = 600  # seconds a row may take (seven large calls and their reference)

# (rounds, seconds per timed sample) per size. A small-array sample loops the call
# so that the timer's resolution and the loop are negligible; a large call is timed alone.
FULL = {"small": (15, 1e-3), "large": (7, 0.0)}
QUICK = {"small": (5, 5e-4), "large": (3, 0.0)}

# Targets: goals, never asserted (speed is machine- and load-dependent).
TARGETS = {("eager", "small"): 1.5, ("eager", "large"): 1.1, ("compiled", "small"): 1.05,
           ("compiled", "large"): 1.05}
KERAS_SPEEDUP = 5.0


# -- inputs ----------------------------------------------------------------------------------


def arrays_for(entry, size, dtype=np.float32):
    """The row's input arrays (NumPy) at ``size``: 32 samples, or about 1e6 elements."""
    from ..testing import kinds

    make = kinds.KINDS[entry.inputs].make
    params = inspect.signature(make).parameters
    rng = np.random.default_rng(0)
    if size == "small":
        return make(rng, dtype, **({"batch": SMALL_BATCH} if "batch" in params else {}))
    width = next((p for p in ("classes", "features") if p in params), None)
    if "batch" not in params:  # unbatched: one sample of 1e6 classes
        return make(rng, dtype, **({width: LARGE_ELEMENTS} if width else {}))
    options = {width: 1000} if width else {}
    # what one more sample adds to the largest array (a fixed reference set, circle's, doesn't grow)
    one, two = make(rng, dtype, batch=1, **options), make(rng, dtype, batch=2, **options)
    per_sample = max(two[k].size - one[k].size for k in one) or max(a.size for a in one.values())
    return make(rng, dtype, batch=max(1, LARGE_ELEMENTS // per_sample), **options)


def shape_of(arrays, entry):
    """The shape of the row's largest positional input."""
    largest = max((arrays[r] for r in entry.call), key=lambda a: getattr(a, "size", 0))
    return "x".join(map(str, largest.shape)) or "scalar"


# -- timing ----------------------------------------------------------------------------------


def time_interleaved(calls, rounds, sample_s):
    """Seconds per call of each ``name -> fn`` (no arguments), one sample per round, rounds aligned.

    Each callable gets its own inner loop count, sized so one sample lasts about
    ``sample_s``. The order is shuffled every round: a fixed order would always
    run a callable right after the same neighbour (e.g. after eager Keras has
    churned the caches), a bias that medians keep.
    """
    loops = {}
    for name, fn in calls.items():
        for _ in range(2):  # warm-up: compilation, kernel caches, lazy imports
            fn()
        start = time.perf_counter()
        fn()
        loops[name] = max(1, int(sample_s / max(time.perf_counter() - start, 1e-7)))
    samples = {name: [] for name in calls}
    names = list(calls)
    shuffle = random.Random(0).shuffle
    gc.collect()
    gc.disable()  # as timeit does: a collection would land on whichever call is running
    try:
        for _ in range(rounds):
            shuffle(names)
            for name in names:
                fn, n = calls[name], loops[name]
                start = time.perf_counter()
                for _ in range(n):
                    fn()
                samples[name].append((time.perf_counter() - start) / n)
    finally:
        gc.enable()
    return samples


def best(samples, name):
    return min(samples[name]) if name in samples else None


def ratio(samples, a, b):
    """``a``'s best round over ``b``'s, or None if either is missing.

    On a shared machine other processes take the cores in bursts; a round hit by
    one is slower, never faster, so the best round of each is the least disturbed
    measure of its cost (the reason ``timeit`` reports the minimum), and the rounds
    being interleaved gives each callable the same chances of a quiet one.
    """
    if a not in samples or b not in samples:
        return None
    return min(samples[a]) / min(samples[b])


def spread(samples, a, b):
    """``[min, median, max]`` of the per-round ratios ``a / b`` (the rounds are aligned), or None.

    A ratio whose rounds agree is a property of the code; one whose rounds scatter is the load."""
    if a not in samples or b not in samples:
        return None
    ratios = sorted(x / y for x, y in zip(samples[a], samples[b]))
    return [ratios[0], ratios[len(ratios) // 2], ratios[-1]]


# -- one backend (runs in the worker) ----------------------------------------------------------


class Unavailable(Exception):
    """A callable that can't be built here (no reference written down, no Keras counterpart)."""


def _bind(entry, fn, arrays, roles=None, options=None):
    """``fn`` called as the row calls it, on native arrays: a zero-argument callable.

    A class is instantiated here, once, outside the timer.
    """
    from ..testing import _bind as bind_options

    options = bind_options(entry.options[0] if options is None else options, arrays)
    args = [arrays[r] for r in (roles or entry.call)]
    if entry.style == "class" and options is not None:
        at_call = {k: options.pop(k) for k in list(options) if k in entry.call_keywords}
        fn = fn(**options)
        options = at_call
    return lambda *a: fn(*(a or args), **options), args


def _ours(entry, arrays):
    return _bind(entry, entry.resolve(), arrays)


def _reference(entry, backend, arrays):
    """``(callable, args, description)`` of the row's reference on ``backend``."""
    from . import references

    if references.original_runs_on(entry, backend):
        fn, args = _bind(entry, references.resolve_original(entry), arrays)
        return fn, args, entry.original
    native = references.native_reference(entry, backend)
    if native is None:
        raise Unavailable(f"no native {backend} expression of {entry.original} is written down yet")
    options = {k: v for k, v in _bind_plain(entry, arrays).items()}
    args = [arrays[r] for r in entry.call]
    return (lambda *a: native(*(a or args), **options)), args, f"native {backend} ({entry.original})"


def _bind_plain(entry, arrays):
    from ..testing import _bind as bind_options

    return bind_options(entry.options[0], arrays)


def _keras(entry, arrays):
    from . import references

    if entry.original.startswith("keras."):
        return None  # the reference is Keras
    found = references.keras_counterpart(entry)
    if found is None:
        raise Unavailable("Keras has no loss of this kind")
    loss, roles = found
    args = [arrays[r] for r in roles]
    return lambda: loss(*args)


def _blocking(backend, fn):
    """JAX dispatches asynchronously: wait for the result, or the timer sees only the dispatch."""
    if backend != "jax":
        return fn

    def run(*a):
        out = fn(*a)
        if hasattr(out, "block_until_ready"):
            out.block_until_ready()
        return out

    return run


def compile_fn(backend, fn):
    """``fn(*arrays)`` compiled the framework's way (default compilers, as users compile)."""
    if backend == "jax":
        import jax

        return jax.jit(fn)
    if backend == "tensorflow":
        import tensorflow as tf

        return tf.function(fn, jit_compile=True)
    if backend == "torch":
        import torch

        return torch.compile(_with_own_code(fn))
    raise ValueError(f"{backend} has no compiler")


def _compiled_code(compiled):
    # the code object whose compiled entries torch.compile keeps: the function it wraps
    inner = getattr(compiled, "_torchdynamo_orig_callable", None) or getattr(compiled, "__wrapped__", None)
    return getattr(inner, "__code__", None)


def _with_own_code(fn):
    """``fn`` with a code object of its own, under a name of its own. torch.compile keeps its
    compiled entries on the code object: every callable a benchmark compiles from one line of
    source shares them, and past 8 entries (``recompile_limit``) a new one is not compiled at all,
    its calls checking the 8 entries' guards and then running eagerly (past a worker's first rows,
    before this). And it remembers the shapes a function met by its file, line and name: a
    second size would compile with dynamic shapes, where each size is timed as compiled for it."""
    name = f"compiled_{next(_COMPILED)}"
    code = fn.__code__.replace(co_name=name, co_qualname=name)
    own = types.FunctionType(code, fn.__globals__, name, fn.__defaults__, fn.__closure__)
    own.__kwdefaults__ = fn.__kwdefaults__
    return own


_COMPILED = itertools.count()


def _to_native(backend, arrays):
    from ..testing import to_native

    return {k: to_native(backend, v) for k, v in arrays.items()}


def _error(exc):
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0][:200] if text else ''}"


def measure(entry, backend, size, mode, quick):
    """One result dict: times, ratios, memory and notes of one row, backend, size and mode."""
    arrays = arrays_for(entry, size)
    native = _to_native(backend, arrays)
    result = {"loss": _label(entry, catalog.ENTRIES), "path": entry.path, "interface": entry.interface,
              "original": entry.original, "backend": backend, "mode": mode, "size": size,
              "shape": shape_of(arrays, entry), "notes": []}
    calls = {}
    try:
        ours, args = _ours(entry, native)
        calls["multiloss"] = (ours, args)
    except Exception as exc:  # noqa: BLE001 - reported in the table
        result["notes"].append(f"multiloss: {_error(exc)}")
    try:
        ref, ref_args, result["reference"] = _reference(entry, backend, native)
        calls["reference"] = (ref, ref_args)
    except Unavailable as exc:
        result["reference"] = None
        result["notes"].append(str(exc))
    except Exception as exc:  # noqa: BLE001
        result["reference"] = None
        result["notes"].append(f"reference: {_error(exc)}")
    if mode == "eager":
        try:
            keras_call = _keras(entry, native)
            if keras_call is not None:
                calls["keras"] = (keras_call, [])
        except Unavailable as exc:
            result["keras_note"] = str(exc)
        except Exception as exc:  # noqa: BLE001
            result["keras_note"] = f"Keras: {_error(exc)}"
    timed, frames = {}, {}
    for name, (fn, fn_args) in calls.items():
        try:
            if mode == "compiled" and name != "keras":
                compiled = compile_fn(backend, lambda *a, fn=fn: fn(*a))
                call = _blocking(backend, lambda compiled=compiled, fn_args=fn_args: compiled(*fn_args))
                if backend == "torch":  # what its guards check, for a miss's profile
                    frames[name] = (_compiled_code(compiled), {"a": tuple(fn_args), "fn": fn})
            else:
                call = _blocking(backend, lambda fn=fn: fn())
            call()
            timed[name] = call
        except Exception as exc:  # noqa: BLE001 - a broken call shows in the table
            result["notes"].append(f"{name}: {_error(exc)}")
    rounds, sample_s = (QUICK if quick else FULL)[size]
    samples = time_interleaved(timed, rounds, sample_s) if timed else {}
    _record(result, samples)
    keras = "reference" if entry.original.startswith("keras.") else "keras"
    result["keras_speedup"] = ratio(samples, keras, "multiloss")
    if _misses_keras(result) and "multiloss" in timed:
        # as a time miss: measured again, the two alone, then profiled (Keras 3 as the reference)
        against_keras = {"multiloss": timed["multiloss"], "reference": timed[keras]}
        again = time_interleaved(against_keras, REMEASURE * rounds, sample_s)
        result["first_keras_speedup"] = result["keras_speedup"]
        result["keras_speedup"] = ratio(again, "reference", "multiloss")
        result["keras_spread"] = spread(again, "reference", "multiloss")
        result["keras_times"] = [best(again, "multiloss"), best(again, "reference")]
        if _misses_keras(result):
            from .overhead import profile

            result["keras_profile"] = profile(backend, mode, size, against_keras)
    pair = {k: timed[k] for k in ("multiloss", "reference") if k in timed}
    if _misses_time(result) and len(pair) == 2:
        # A miss is measured again, multiloss and its reference alone (no Keras between them),
        # interleaved, over twice the rounds: what still misses is not one burst of load.
        result["first_ratio"] = result["ratio"]
        _record(result, time_interleaved(pair, REMEASURE * rounds, sample_s))
        if _misses_time(result):
            from .overhead import profile

            result["profile"] = profile(backend, mode, size, pair, frames)
    if size == "large":
        result["memory"] = _memory(backend, mode, calls, arrays)
    return result


REMEASURE = 2  # a miss is re-measured over this many times the rounds


def _record(result, samples):
    result["time"], result["reference_time"] = best(samples, "multiloss"), best(samples, "reference")
    result["ratio"] = ratio(samples, "multiloss", "reference")
    result["spread"] = spread(samples, "multiloss", "reference")
    if result["time"] is not None and result["reference_time"] is not None \
            and not (result.get("reference") or "").startswith("keras."):
        # the time a call spends beyond the native call: multiloss' own per-call work
        result["overhead"] = result["time"] - result["reference_time"]


def _misses_keras(result):
    speedup = result.get("keras_speedup")
    return result["mode"] == "eager" and result["size"] == "small" and speedup is not None \
        and speedup < KERAS_SPEEDUP


def _misses_time(result):
    bound = TARGETS.get((result["mode"], result["size"]))
    return result.get("ratio") is not None and bound is not None and result["ratio"] > bound


# -- memory ------------------------------------------------------------------------------------


def _memory(backend, mode, calls, arrays):
    """``{"multiloss": bytes, "reference": bytes, "input": bytes, "how": ...}`` where measurable."""
    how = _PEAK.get((backend, mode))
    out = {"input": max(a.nbytes for a in arrays.values() if hasattr(a, "nbytes")), "how": None}
    if how is None:
        return out
    out["how"] = how[0]
    for name in ("multiloss", "reference"):
        if name in calls:
            try:
                out[name] = how[1](*calls[name])
            except Exception as exc:  # noqa: BLE001
                out[name] = None
                out[f"{name}_error"] = _error(exc)
    return out


def _numpy_peak(fn, args):
    import tracemalloc

    fn()
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        fn()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()


def _torch_peak(fn, args):
    """Peak bytes allocated during one call, from the profiler's allocation events (CPU)."""
    import torch
    from torch._C._profiler import _EventType
    from torch.profiler import ProfilerActivity, profile

    if any(getattr(a, "is_cuda", False) for a in args):
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
        base = torch.cuda.memory_allocated()
        fn()
        torch.cuda.synchronize()
        return torch.cuda.max_memory_allocated() - base
    fn()
    with profile(activities=[ProfilerActivity.CPU], profile_memory=True) as prof:
        fn()
    allocations, stack = [], list(prof.profiler.kineto_results.experimental_event_tree())
    while stack:
        node = stack.pop()
        stack.extend(node.children)
        if node.tag == _EventType.Allocation:
            allocations.append((node.start_time_ns, node.extra_fields.alloc_size))
    current = peak = 0
    for _, size in sorted(allocations):
        current += size
        peak = max(peak, current)
    return peak


def _jax_peak(fn, args):
    """Temporary plus output bytes of the compiled program (its inputs are not counted)."""
    import jax

    analysis = jax.jit(lambda *a: fn(*a)).lower(*args).compile().memory_analysis()
    return analysis.temp_size_in_bytes + analysis.output_size_in_bytes


_PEAK = {("numpy", "eager"): ("tracemalloc", _numpy_peak), ("torch", "eager"): ("torch profiler", _torch_peak),
         ("jax", "compiled"): ("XLA memory_analysis", _jax_peak)}


# -- the worker and the parent ------------------------------------------------------------------


def _limit_threads(backend, threads):
    """One intra-op thread by default: with a pool, every op ends in a barrier that waits out a
    scheduler time slice whenever another process holds a core, so times count ops, not work."""
    if not threads:
        return
    if backend == "torch":
        import torch

        torch.set_num_threads(threads)
    elif backend == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)


def worker(backend, paths, sizes, modes, quick, threads):
    """Measure the rows named by ``paths`` (catalog indices) on one backend; print JSON lines."""
    from .. import _quiet

    _quiet.frameworks(() if backend == "numpy" else (backend,))
    _limit_threads(backend, threads)
    with _quiet.silenced_fd2():
        import keras  # noqa: F401 - bound to this backend by KERAS_BACKEND

    for index in paths:
        entry = catalog.ENTRIES[index]
        print(f"{ROW_MARKER}{index}", flush=True)
        for mode in modes:
            if mode == "compiled" and backend == "numpy":
                continue
            for size in sizes:
                try:
                    result = measure(entry, backend, size, mode, quick)
                except Exception as exc:  # noqa: BLE001 - one broken row must not stop the table
                    result = {"loss": entry.path, "path": entry.path, "backend": backend, "mode": mode,
                              "size": size, "notes": [f"benchmark: {_error(exc)}"]}
                result["index"] = index
                print(MARKER + json.dumps(result), flush=True)


def _environment(backend, threads):
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, KERAS_BACKEND=backend,
               PYTHONPATH=os.pathsep.join(filter(None, [repo, os.environ.get("PYTHONPATH")])))
    if threads:
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
            env[var] = str(threads)
        # XLA's one CPU threading flag (a bare "name=value" token would end XLA's flag parsing).
        xla = f"--xla_cpu_multi_thread_eigen={'true' if threads > 1 else 'false'}"
        env["XLA_FLAGS"] = f"{env.get('XLA_FLAGS', '')} {xla}".strip()
    # glibc hands each freed multi-MB buffer back to the OS, so every large temporary is
    # page-faulted in afresh, which on a VM costs more than the arithmetic and depends on
    # allocator history; keeping freed memory in the heap times the computation itself.
    for var in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"):
        env.setdefault(var, str(1 << 30))
    return env, repo


def run(entries, backends, sizes=SIZES, modes=MODES, quick=False, threads=1, timeout=None, progress=None,
        row_timeout=ROW_TIMEOUT):
    """Measure ``entries`` on ``backends``, one subprocess per backend, one at a time
    (in parallel they would compete for the cores). Returns the list of result dicts.

    ``timeout`` bounds each backend; ``row_timeout`` each row: a row that overruns it is reported
    as not measured, and a new worker measures the rows after it."""
    from ..testing import installed

    indices = [catalog.ENTRIES.index(e) for e in entries]
    results = []
    for backend in backends:
        if installed(backend):
            results += _run_backend(backend, indices, sizes, modes, quick, threads, timeout, row_timeout, progress)
    if quick:  # the peak-memory runs hold 1 GiB of logits each: not part of a quick look
        return results
    from . import (
        memory,  # the chunked linear cross-entropy's peak memory, where that row is measured
    )

    return results + memory.linear_cross_entropy(entries, backends, timeout=timeout or 600)


def _run_backend(backend, indices, sizes, modes, quick, threads, timeout, row_timeout, progress):
    """The results of one backend's workers: a first one for every row, another after a row
    that overran ``row_timeout``, until the rows are done or ``timeout`` has passed."""
    env, repo = _environment(backend, threads)
    results, pending = [], list(indices)
    ends = time.monotonic() + timeout if timeout else None
    while pending and (ends is None or time.monotonic() < ends):
        cmd = [sys.executable, "-m", "multiloss.benchmark", backend, ",".join(map(str, pending)),
               ",".join(sizes), ",".join(modes), "1" if quick else "0", str(threads)]
        overran = _run_worker(cmd, env, os.path.dirname(repo), ends, row_timeout, results, progress)
        if overran is None:
            break
        entry = catalog.ENTRIES[overran]
        results.append({"loss": _label(entry, catalog.ENTRIES), "path": entry.path, "backend": backend,
                        "index": overran, "notes": [f"not measured: the row ran over {row_timeout:g} s"]})
        pending = pending[pending.index(overran) + 1:]
    if not results:
        results.append({"loss": "*", "backend": backend, "notes": [f"{backend} worker produced nothing"]})
    return results


def _run_worker(cmd, env, cwd, ends, row_timeout, results, progress):
    """Run one worker, adding its results; returns the row that overran ``row_timeout``, or None.
    Timers, not checks between lines: a worker stuck in one measurement prints nothing."""
    state = {"row": None, "overran": False}

    def overrun():
        state["overran"] = True
        proc.kill()

    with subprocess.Popen(cmd, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          text=True) as proc:
        deadline = threading.Timer(max(0.0, ends - time.monotonic()), proc.kill) if ends is not None else None
        row_timer = None
        if deadline:
            deadline.start()
        try:
            for line in proc.stdout:
                if line.startswith(ROW_MARKER):
                    state["row"] = int(line[len(ROW_MARKER):])
                    if row_timer:
                        row_timer.cancel()
                    row_timer = threading.Timer(row_timeout, overrun) if row_timeout else None
                    if row_timer:
                        row_timer.start()
                elif line.startswith(MARKER):
                    results.append(json.loads(line[len(MARKER):]))
                    if progress:
                        progress(results[-1])
        finally:
            for timer in (deadline, row_timer):
                if timer:
                    timer.cancel()
            proc.kill()
    return state["row"] if state["overran"] else None


def main(argv):
    backend, paths, sizes, modes, quick, threads = argv
    worker(backend, [int(i) for i in paths.split(",") if i], sizes.split(","), modes.split(","),
           quick == "1", int(threads))
