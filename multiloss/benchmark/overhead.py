"""What a call that misses its target does, measured: the facts the page's reason is made of.

For each of multiloss' call and its reference's (zero-argument callables, warmed up):

- ``calls``: the function calls one call makes (``cProfile``: Python functions and the C
  functions they call by name), a count of the per-call work done in Python;
- on torch, eager: ``ops``, the top-level torch ops one call runs, and ``op_time``, the
  seconds those ops take (``torch.profiler``); the call's time minus ``op_time`` is the
  time it spends outside the framework's own kernels.
"""

from __future__ import annotations

import cProfile
import pstats

PROFILED_CALLS = 20  # calls averaged by the torch profiler


def python_calls(fn):
    """Function calls made by one call of ``fn``, counted by ``cProfile``."""
    fn()
    profiler = cProfile.Profile()
    profiler.enable()
    try:
        fn()
    finally:
        profiler.disable()
    return pstats.Stats(profiler).total_calls


def torch_ops(fn, calls=PROFILED_CALLS):
    """``(ops, seconds)`` per call of ``fn``: its top-level torch ops and their CPU time."""
    from torch.profiler import ProfilerActivity, profile

    fn()
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(calls):
            fn()
    top = [e for e in prof.events() if e.cpu_parent is None]
    return len(top) / calls, sum(e.cpu_time_total for e in top) * 1e-6 / calls


def profile(backend, mode, size, pair):
    """``{"calls": [ours, reference], "ops": [...], "op_time": [...]}`` of the two callables
    in ``pair`` (``multiloss``, ``reference``); ``ops`` and ``op_time`` on torch, eager only."""
    names = ("multiloss", "reference")
    out = {"calls": [python_calls(pair[n]) for n in names]}
    if backend == "torch" and mode == "eager":
        measured = [torch_ops(pair[n]) for n in names]
        out["ops"] = [m[0] for m in measured]
        out["op_time"] = [m[1] for m in measured]
    return out
