"""What a call that misses its target does, measured: the facts the page's reason is made of.

For each of multiloss' call and its reference's (zero-argument callables, warmed up):

- ``calls``: the function calls one call makes (``cProfile``: Python functions and the C
  functions they call by name), a count of the per-call work done in Python;
- on torch, eager: ``ops``, the top-level torch ops one call runs, and ``op_time``, the
  seconds those ops take (``torch.profiler``); the call's time minus ``op_time`` is the
  time it spends outside the framework's own kernels;
- on torch, compiled: ``guards``, the guards ``torch.compile`` checks before each call runs
  its compiled code (``TORCH_LOGS=guards`` lists them), and ``guard_time``, the seconds that
  check takes: both sides run one compiled graph, so their guards are most of what differs.
"""

from __future__ import annotations

import cProfile
import pstats
import timeit

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


def guard_lines(manager):
    """The guards of a compiled entry's guard manager, one line each, as ``TORCH_LOGS=guards`` lists them."""
    return [line for line in str(manager).splitlines() if "+- " in line and "GuardManager" not in line]


def torch_guards(code, frame_locals):
    """``(guards, seconds)``: the guards of the compiled entry of ``code`` that a frame with these
    locals takes, and the seconds their check takes; None where torch offers no such entry (the
    cache is read through a private torch API)."""
    try:
        from torch._dynamo.eval_frame import _debug_get_cache_entry_list
    except ImportError:
        return None
    for entry in _debug_get_cache_entry_list(code):
        manager = entry.guard_manager
        if manager.check(frame_locals):
            guards = len(guard_lines(manager))
            seconds = min(timeit.repeat(lambda manager=manager: manager.check(frame_locals), number=1000, repeat=5))
            return guards, seconds / 1000
    return None


def profile(backend, mode, size, pair, frames=None):
    """``{"calls": [ours, reference], "ops": [...], "op_time": [...]}`` of the two callables
    in ``pair`` (``multiloss``, ``reference``); ``ops`` and ``op_time`` on torch, eager only;
    ``guards`` and ``guard_time`` on torch, compiled, where ``frames`` gives each compiled
    function's code and locals."""
    names = ("multiloss", "reference")
    out = {"calls": [python_calls(pair[n]) for n in names]}
    if backend == "torch" and mode == "eager":
        measured = [torch_ops(pair[n]) for n in names]
        out["ops"] = [m[0] for m in measured]
        out["op_time"] = [m[1] for m in measured]
    if backend == "torch" and mode == "compiled" and frames and all(n in frames for n in names):
        measured = [torch_guards(*frames[n]) for n in names]
        if all(measured):
            out["guards"] = [m[0] for m in measured]
            out["guard_time"] = [m[1] for m in measured]
    return out
