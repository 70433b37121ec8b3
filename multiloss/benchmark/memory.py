"""Peak memory of the chunked linear cross-entropy against its reference path.

``linear_cross_entropy`` with ``options`` computes the loss a chunk of rows at a time, so that
the ``(N, C)`` logits of a large vocabulary are never held whole; with ``options=None`` it
computes ``linear`` then ``cross_entropy``. This measures, at N=8192, in_features=512,
C=32768 (float32; the logits alone are 1 GiB), the peak memory of one value and gradient
(features and projection; NumPy: the value) on each backend, of either path.

How: each measurement runs in a fresh process. The inputs are made and the call is run once
on 256 rows (kernels loaded; under JAX the full-size program compiled), then the kernel's
resident-set high-water mark is reset (``/proc/self/clear_refs``, Linux) and the call runs
once at full size; the peak is the high-water mark (``VmHWM``) less the resident set before
the call: what the call itself made resident, whichever allocator the framework uses. glibc's
default thresholds are kept (the timing benchmark raises them, which would keep freed buffers
resident and hide a second allocation). Alongside, where the framework reports it: torch's
profiler allocation events (CPU) and the compiled program's ``memory_analysis`` (JAX).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

ROWS, IN_FEATURES, CLASSES = 8192, 512, 32768
WARM_ROWS = 256
PATH = "multiloss.pytorch.functional.linear_cross_entropy"
MARKER = "MULTILOSS-MEMORY "
PATHS = ("chunked", "reference")


def _resident():
    """(VmRSS, VmHWM) in bytes."""
    values = {}
    with open("/proc/self/status", encoding="ascii") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                values[key] = int(rest.split()[0]) * 1024
    return values["VmRSS"], values["VmHWM"]


def _reset_high_water():
    with open("/proc/self/clear_refs", "w", encoding="ascii") as f:
        f.write("5")


def _call(backend, path, rows):
    """A function of no arguments: one value and gradient of the loss at ``rows`` rows."""
    import numpy as np

    from ..pytorch import LinearCrossEntropyOptions
    from ..pytorch.functional import linear_cross_entropy

    rng = np.random.default_rng(0)
    x = rng.normal(size=(rows, IN_FEATURES)).astype(np.float32)
    w = (rng.normal(size=(CLASSES, IN_FEATURES)) / np.sqrt(IN_FEATURES)).astype(np.float32)
    t = rng.integers(0, CLASSES, size=(rows,))
    options = LinearCrossEntropyOptions() if path == "chunked" else None

    def loss(a, b, c):
        return linear_cross_entropy(a, b, c, options=options)

    if backend == "torch":
        import torch

        x, w, t = torch.from_numpy(x).requires_grad_(), torch.from_numpy(w).requires_grad_(), torch.from_numpy(t)

        def run():
            loss(x, w, t).backward()
            x.grad = w.grad = None

        return run, (x, w, t)
    if backend == "jax":
        import jax

        x, w, t = (jax.numpy.asarray(a) for a in (x, w, t))
        step = jax.jit(jax.value_and_grad(loss, argnums=(0, 1))).lower(x, w, t).compile()
        return (lambda: jax.block_until_ready(step(x, w, t))), (step,)
    if backend == "tensorflow":
        import tensorflow as tf

        x, w, t = tf.constant(x), tf.constant(w), tf.constant(t)

        def run():
            with tf.GradientTape() as tape:
                tape.watch([x, w])
                value = loss(x, w, t)
            return tape.gradient(value, [x, w])[1].numpy()

        return run, ()
    return (lambda: loss(x, w, t)), ()


def _extra(backend, run, handles):
    """The framework's own count, where it has one (bytes), and how it was taken."""
    if backend == "torch":
        from . import _torch_peak

        return _torch_peak(run, handles), "torch profiler allocation events"
    if backend == "jax":
        analysis = handles[0].memory_analysis()
        return analysis.temp_size_in_bytes + analysis.output_size_in_bytes, "XLA memory_analysis"
    return None, None


def worker(backend, path):
    """In a fresh process: measure one path on one backend and print one JSON line."""
    from .. import _quiet

    _quiet.frameworks(() if backend == "numpy" else (backend,))
    warm, _ = _call(backend, path, WARM_ROWS)
    warm()
    run, handles = _call(backend, path, ROWS)
    before, _ = _resident()
    _reset_high_water()
    import time

    started = time.perf_counter()
    run()
    seconds = time.perf_counter() - started
    peak = _resident()[1] - before
    extra, how = _extra(backend, run, handles)
    print(MARKER + json.dumps({"peak": peak, "seconds": seconds, "extra": extra, "extra_how": how}), flush=True)


def _measure(backend, path, timeout):
    from . import _environment

    env, repo = _environment(backend, 1)
    for var in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"):
        env.pop(var, None)
    code = f"from multiloss.benchmark import memory; memory.worker({backend!r}, {path!r})"
    try:
        out = subprocess.run([sys.executable, "-c", code], env=env, cwd=os.path.dirname(repo), capture_output=True,
                             text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"over {timeout:g} s"}
    for line in out.stdout.splitlines():
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER):])
    return {"error": (out.stderr.strip().splitlines() or ["no output"])[-1][:200]}


def _mb(n):
    return "-" if n is None else f"{n / 2**20:.1f} MB"


def measure_backend(backend, timeout=600):
    """``{"chunked": {...}, "reference": {...}}``: each path measured in its own fresh process."""
    return {path: _measure(backend, path, timeout) for path in PATHS}


def result_line(backend, measured):
    """The result line of ``multiloss bench`` (its table's memory column: chunked / reference) for one
    backend's ``measure_backend``."""
    chunked, reference = measured["chunked"], measured["reference"]
    notes = [f"peak {_mb(chunked.get('peak'))} chunked vs {_mb(reference.get('peak'))} options=None",
             f"one {what_is_run(backend)}; VmHWM less VmRSS before the call, in a fresh process; chunked is "
             "LinearCrossEntropyOptions()"]
    if chunked.get("extra") is not None and reference.get("extra") is not None:
        notes.append(f"{chunked['extra_how']}: {_mb(chunked['extra'])} / {_mb(reference['extra'])}")
    notes += [f"{p}: {m['error']}" for p, m in measured.items() if "error" in m]
    return {
        "loss": "pytorch.functional.linear_cross_entropy [chunked, peak memory]", "path": PATH,
        "backend": backend, "mode": "compiled" if backend == "jax" else "eager", "size": "memory",
        "shape": f"({ROWS}, {IN_FEATURES}) x ({CLASSES}, {IN_FEATURES})",
        "time": chunked.get("seconds"), "reference_time": reference.get("seconds"),
        "reference": "multiloss with options=None",
        "memory": {"multiloss": chunked.get("peak"), "reference": reference.get("peak"),
                   "input": CLASSES * IN_FEATURES * 4, "how": "VmHWM",
                   "extra": [chunked.get("extra"), reference.get("extra")], "extra_how": chunked.get("extra_how")},
        "notes": notes,
    }


def what_is_run(backend):
    """What one measured call computes on ``backend``."""
    return "value" if backend == "numpy" else "value and gradient"


def linear_cross_entropy(entries, backends, timeout=600):
    """Result lines for ``multiloss bench``, one per backend, when the benchmarked rows include
    ``linear_cross_entropy``; else none."""
    from ..testing import installed

    if not any(e.path == PATH for e in entries):
        return []
    return [result_line(b, measure_backend(b, timeout)) for b in backends if installed(b)]
