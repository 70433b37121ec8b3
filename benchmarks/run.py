"""Overhead of multiloss against native losses and against Keras 3, per backend.

    python benchmarks/run.py [--quick] [--markdown]

For MSE, L1 and Huber at 32x10 and 1000x1000 (float32) it times, in one
process per backend, three things called on the same native arrays:

- multiloss: the interface that mirrors the backend's own API
  (``multiloss.pytorch.functional``, ``multiloss.tf.losses``) and ``multiloss.keras``;
- native: the framework's own loss (``torch.nn.functional``, ``tf.compat.v1.losses``)
  or, for NumPy and JAX, the plain expression;
- keras: ``keras.losses.MeanSquaredError()`` etc. on the same backend.

Keras fixes its backend per process (``KERAS_BACKEND``), so the parent starts
one worker subprocess per backend and collects its results as JSON.
Timings are interleaved (every round times each callable once, in a shuffled
order) so that drift in CPU frequency or load hits all of them alike; each
ratio is the median over rounds of the ratio within a round.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BACKENDS = ("torch", "tensorflow", "numpy", "jax")
LOSSES = ("mse", "l1", "huber")
SIZES = ((32, 10), (1000, 1000))
DELTA = 1.0
MARKER = "MULTILOSS-BENCH-RESULT "

# (rounds, seconds per timed sample) for small and large arrays. A sample of
# small arrays loops the call many times so that timer resolution and the loop
# itself are negligible; a large-array call is long enough to time alone.
FULL = {"small": (300, 2e-3), "large": (100, 0)}
QUICK = {"small": (25, 5e-4), "large": (5, 0)}

TARGETS = """\
Targets (goals, not assertions; a missed one is marked ✗):
- eager torch and TF: multiloss/native <= 1.5 at 32x10, <= 1.1 at 1000x1000
- NumPy: multiloss/native <= 1.1 at 1000x1000
- jax.jit: multiloss/native <= 1.05
- multiloss >= 5x faster than Keras 3 at 32x10"""


# -- timing --------------------------------------------------------------------------------


def time_interleaved(calls, rounds, sample_s):
    """Seconds per call of each ``name -> (fn, args)``, one sample per round, rounds aligned.

    Each callable gets its own inner loop count, sized so one sample lasts about
    ``sample_s``. The order is shuffled every round: a fixed or rotated order
    would always run a callable right after the same neighbour (e.g. after eager
    Keras has churned the caches and thread pools), a bias that medians keep.
    """
    loops = {}
    for name, (fn, args) in calls.items():
        for _ in range(3):  # warm-up: jit compilation, kernel caches, lazy imports
            fn(*args)
        start = time.perf_counter()
        fn(*args)
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
                fn, args = calls[name]
                n = loops[name]
                start = time.perf_counter()
                for _ in range(n):
                    fn(*args)
                samples[name].append((time.perf_counter() - start) / n)
    finally:
        gc.enable()
    return samples


def paired_ratio(samples, a, b):
    """Median over rounds of ``a / b`` within each round, or None if either is missing.

    Pairing within a round cancels load that changes between rounds (another
    process starting, frequency scaling), which a ratio of two medians would not.
    """
    if a not in samples or b not in samples:
        return None
    return statistics.median(x / y for x, y in zip(samples[a], samples[b]))


# -- per-backend setup (runs in the worker) ------------------------------------------------


def _setup(backend):
    """``(convert, native, interfaces, mode, order)`` for one backend.

    ``convert`` makes a native array from a NumPy one; ``native`` and each
    interface map a loss name to a callable; ``mode`` is "eager" or "jit";
    ``order`` says whether the native API takes labels first. The callables are
    the APIs themselves, not wrappers, so nothing extra sits inside the timer.
    """
    import numpy as np

    import multiloss.pytorch.functional as mf

    if backend == "torch":
        import torch
        import torch.nn.functional as F

        native = {"mse": F.mse_loss, "l1": F.l1_loss, "huber": F.huber_loss}
        ml = {"mse": mf.mse_loss, "l1": mf.l1_loss, "huber": mf.huber_loss}
        return torch.from_numpy, native, {"functional": ml}, "eager", None
    if backend == "tensorflow":
        import tensorflow as tf

        import multiloss.tf.losses as ml_tf

        v1 = tf.compat.v1.losses
        native = {"mse": v1.mean_squared_error, "l1": v1.absolute_difference, "huber": v1.huber_loss}
        ml = {"mse": ml_tf.mean_squared_error, "l1": ml_tf.absolute_difference, "huber": ml_tf.huber_loss}
        return tf.constant, native, {"tf.losses": ml}, "eager", "labels first"
    if backend == "numpy":
        # The plain expressions a NumPy user would write. Huber uses the
        # min() form, the same arithmetic as multiloss and tf.compat.v1, so the
        # ratio measures the abstraction rather than a different formula.
        def huber(p, t):
            d = np.abs(p - t)
            q = np.minimum(d, DELTA)
            return np.mean(0.5 * q * q + DELTA * (d - q))

        native = {"mse": lambda p, t: np.mean((p - t) ** 2), "l1": lambda p, t: np.mean(np.abs(p - t)), "huber": huber}
        ml = {"mse": mf.mse_loss, "l1": mf.l1_loss, "huber": mf.huber_loss}
        return np.asarray, native, {"functional": ml}, "eager", None
    if backend == "jax":
        import jax
        import jax.numpy as jnp

        def huber(p, t):
            d = jnp.abs(p - t)
            q = jnp.minimum(d, DELTA)
            return jnp.mean(0.5 * q * q + DELTA * (d - q))

        plain = {"mse": lambda p, t: jnp.mean((p - t) ** 2), "l1": lambda p, t: jnp.mean(jnp.abs(p - t)), "huber": huber}
        native = {k: jax.jit(f) for k, f in plain.items()}
        ml = {"mse": jax.jit(mf.mse_loss), "l1": jax.jit(mf.l1_loss), "huber": jax.jit(mf.huber_loss)}
        return jnp.asarray, native, {"functional": ml}, "jit", None
    raise ValueError(backend)


def worker(backend, quick, threads):
    """Measure one backend (Keras already bound to it by KERAS_BACKEND); print JSON."""
    _limit_threads(backend, threads)
    import keras
    import numpy as np

    import multiloss.keras as mk

    convert, native, interfaces, mode, order = _setup(backend)
    ml_keras = {"mse": mk.MeanSquaredError(), "l1": mk.MeanAbsoluteError(), "huber": mk.Huber(DELTA)}
    keras_losses = {"mse": keras.losses.MeanSquaredError(), "l1": keras.losses.MeanAbsoluteError(),
                    "huber": keras.losses.Huber(DELTA)}
    if mode == "jit":
        import jax

        # Keras losses are not jit-wrapped by default: Keras stays eager, as a user calls it.
        ml_keras = {k: jax.jit(f) for k, f in ml_keras.items()}
    interfaces["keras API"] = ml_keras

    block = _blocker(backend)
    settings = QUICK if quick else FULL
    rng = np.random.default_rng(0)
    rows, errors = [], []
    for shape in SIZES:
        rounds, sample_s = settings["small" if shape[0] * shape[1] < 10_000 else "large"]
        pred, target = (convert(rng.standard_normal(shape, dtype=np.float32)) for _ in range(2))
        for loss in LOSSES:
            # Argument order per API: torch (input, target); tf v1 (labels, predictions); keras (y_true, y_pred).
            native_args = (target, pred) if order == "labels first" else (pred, target)
            calls = {"native": (block(native[loss]), native_args),
                     "keras": (block(keras_losses[loss]), (target, pred))}
            for name, fns in interfaces.items():
                args = (target, pred) if name in ("keras API", "tf.losses") else (pred, target)
                calls[name] = (block(fns[loss]), args)
            calls, failed = _drop_failing(calls)
            errors += [f"{backend} {name} {loss}: {msg}" for name, msg in failed.items()
                       if f"{backend} {name} {loss}: {msg}" not in errors]
            samples = time_interleaved(calls, rounds, sample_s) if calls else {}
            native_time = statistics.median(samples["native"]) if "native" in samples else None
            for name in interfaces:
                rows.append({"backend": backend, "interface": name, "mode": mode, "loss": loss,
                             "size": f"{shape[0]}x{shape[1]}", "native_time": native_time,
                             "ratio": paired_ratio(samples, name, "native"),
                             "keras": paired_ratio(samples, "keras", "native"),
                             "speedup": paired_ratio(samples, "keras", name)})
    versions = {"keras": keras.__version__, backend: _version(backend)}
    print(MARKER + json.dumps({"rows": rows, "errors": errors, "versions": versions}), flush=True)


def _limit_threads(backend, threads):
    """Cap the frameworks' intra-op thread pools (the environment variables, set by the parent, cover the rest).

    With several threads per op, every op ends in a barrier; when another process
    holds a core, the barrier waits out a scheduler time slice (milliseconds), so
    the time counts ops rather than work and swings with the machine's load.
    """
    if not threads:
        return
    if backend == "torch":
        import torch

        torch.set_num_threads(threads)
    elif backend == "tensorflow":
        import tensorflow as tf

        tf.config.threading.set_intra_op_parallelism_threads(threads)
        tf.config.threading.set_inter_op_parallelism_threads(threads)


def _blocker(backend):
    """JAX dispatches asynchronously: wait for the result, or the timer sees only the dispatch."""
    if backend != "jax":
        return lambda fn: fn

    def block(fn):
        return lambda *args: fn(*args).block_until_ready()

    return block


def _drop_failing(calls):
    """Calls that run, and ``name -> error`` for those that raise (a broken backend shows in the table)."""
    ok, failed = {}, {}
    for name, (fn, args) in calls.items():
        try:
            fn(*args)
            ok[name] = (fn, args)
        except Exception as e:  # noqa: BLE001 - reported, not hidden
            failed[name] = f"{type(e).__name__}: {str(e).splitlines()[0][:160] if str(e) else ''}"
    return ok, failed


def _version(module):
    return getattr(sys.modules.get(module), "__version__", "?")


# -- parent: run the workers, build the table ----------------------------------------------


def run_worker(backend, quick, threads=1, system_malloc=False):
    env = dict(os.environ, KERAS_BACKEND=backend, TF_CPP_MIN_LOG_LEVEL="2",
               PYTHONPATH=os.pathsep.join(filter(None, [REPO, os.environ.get("PYTHONPATH")])))
    if threads:
        for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
            env[var] = str(threads)
        xla = f"--xla_cpu_multi_thread_eigen={'true' if threads > 1 else 'false'} intra_op_parallelism_threads={threads}"
        env["XLA_FLAGS"] = f"{env.get('XLA_FLAGS', '')} {xla}".strip()
    if not system_malloc:
        # glibc hands each freed multi-MB buffer back to the OS, so every 4 MB temporary
        # of a 1000x1000 call is page-faulted in afresh; on a VM that costs more than the
        # arithmetic and depends on allocator history, not on the code. Keeping freed
        # memory in the heap times the computation itself (same setting for every callable).
        for var in ("MALLOC_MMAP_THRESHOLD_", "MALLOC_TRIM_THRESHOLD_"):
            env.setdefault(var, str(1 << 30))
    cmd = [sys.executable, os.path.abspath(__file__), "--worker", backend, "--threads", str(threads)]
    cmd += ["--quick"] if quick else []
    # Run from outside the checkout so nothing but PYTHONPATH decides which multiloss is imported.
    proc = subprocess.run(cmd, env=env, cwd=os.path.dirname(REPO), capture_output=True, text=True)
    for line in reversed(proc.stdout.splitlines()):
        if line.startswith(MARKER):
            return json.loads(line[len(MARKER):])
    tail = "\n".join(proc.stderr.strip().splitlines()[-5:])
    return {"rows": [], "errors": [f"{backend} worker failed (exit {proc.returncode}):\n{tail}"], "versions": {}}


def _label(row):
    if row["mode"] == "jit":
        return f"jax.jit · {row['interface']} (keras eager)"
    return f"{row['backend']} · {row['interface']}"


def _targets(row):
    """``(column, bound, kind)`` goals that apply to this row; kind "max" or "min"."""
    small = row["size"] == "32x10"
    goals = []
    if row["backend"] in ("torch", "tensorflow"):
        goals.append(("ratio", 1.5 if small else 1.1, "max"))
    elif row["backend"] == "numpy" and not small:
        goals.append(("ratio", 1.1, "max"))
    elif row["backend"] == "jax":
        goals.append(("ratio", 1.05, "max"))
    if small:
        goals.append(("speedup", 5.0, "min"))
    return goals


def build_table(rows, markdown):
    header = ["backend · interface", "loss", "size", "multiloss/native", "keras/native",
              "multiloss speedup over keras", "native time"]
    lines, missed = [], []
    for row in rows:
        values = {k: row[k] for k in ("ratio", "keras", "speedup")}
        cells = {k: "error" if v is None else f"{v:.2f}" for k, v in values.items()}
        for column, bound, kind in _targets(row):
            v = values[column]
            if v is None or (v > bound if kind == "max" else v < bound):
                cells[column] += " ✗"
                what = "multiloss/native" if column == "ratio" else "speedup over keras"
                sign = "<=" if kind == "max" else ">="
                got = "error" if v is None else f"{v:.2f}"
                missed.append(f"{_label(row)} {row['loss']} {row['size']}: {what} {got}, target {sign} {bound}")
        lines.append([_label(row), row["loss"], row["size"], cells["ratio"], cells["keras"],
                      cells["speedup"], _fmt_time(row["native_time"])])
    if markdown:
        out = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        out += ["| " + " | ".join(line) + " |" for line in lines]
    else:
        widths = [max(len(r[i]) for r in [header] + lines) for i in range(len(header))]
        out = ["  ".join(c.ljust(w) for c, w in zip(r, widths)) for r in [header] + lines]
        out.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(out), missed


def _fmt_time(seconds):
    if not seconds:
        return "-"
    return f"{seconds * 1e6:.1f} µs" if seconds < 1e-3 else f"{seconds * 1e3:.2f} ms"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="few repeats: a smoke test, not a measurement")
    parser.add_argument("--markdown", action="store_true", help="print Markdown and write benchmarks/results.md")
    parser.add_argument("--threads", type=int, default=1,
                        help="intra-op threads per framework (default 1: stable under load; 0: framework default)")
    parser.add_argument("--system-malloc", action="store_true",
                        help="keep glibc's default of returning large freed buffers to the OS")
    parser.add_argument("--worker", choices=BACKENDS, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        return worker(args.worker, args.quick, args.threads)

    rows, errors, versions = [], [], {}
    for backend in BACKENDS:  # one at a time: parallel workers would compete for the cores
        print(f"measuring {backend} ...", file=sys.stderr, flush=True)
        result = run_worker(backend, args.quick, args.threads, args.system_malloc)
        rows += result["rows"]
        errors += [e for e in result["errors"] if e not in errors]  # one line per failing call
        versions.update(result["versions"])
    text = report(rows, errors, versions, args)
    print(text)
    if args.markdown:
        with open(os.path.join(REPO, "benchmarks", "results.md"), "w", encoding="utf-8") as f:
            f.write(text + "\n")


def report(rows, errors, versions, args):
    """The header (machine, settings, targets, how to read), the table, missed targets and errors."""
    table, missed = build_table(rows, args.markdown)
    settings = QUICK if args.quick else FULL
    about = (f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, "
             f"{os.cpu_count()} CPUs; " + ", ".join(f"{k} {v}" for k, v in sorted(versions.items())) +
             f"; median of {settings['small'][0]} rounds (32x10) / {settings['large'][0]} rounds (1000x1000); "
             + (f"{args.threads} intra-op thread(s); " if args.threads else "framework-default threads; ")
             + ("glibc malloc defaults" if args.system_malloc else "freed buffers kept in the heap (MALLOC_*_THRESHOLD_)")
             + (" [--quick: smoke test only]" if args.quick else ""))
    notes = (
        "Ratios are time / native time (lower is better); the speedup is keras time / multiloss time; "
        "each is the median over rounds of the ratio within a round. 'native time' is the native call's median.\n"
        "Interfaces: functional = multiloss.pytorch.functional, tf.losses = multiloss.tf.losses, "
        "keras API = multiloss.keras classes (Keras semantics: float32 cast, per-sample mean, then reduction).\n"
        "Native: torch.nn.functional, tf.compat.v1.losses, the plain NumPy expression, and jax.jit of "
        "the plain jnp expression. keras: keras.losses classes on the same backend (KERAS_BACKEND); "
        "on JAX they run eagerly (Keras does not jit a loss called by hand) while multiloss and native are jitted.")
    parts = ["# multiloss benchmark" if args.markdown else "multiloss benchmark", about, TARGETS, notes, table]
    if missed:
        parts.append("Missed targets:\n" + "\n".join(f"- {m}" for m in missed))
    if errors:
        parts.append("Errors:\n" + "\n".join(f"- {e}" for e in errors))
    return "\n\n".join(parts)


if __name__ == "__main__":
    sys.exit(main())
