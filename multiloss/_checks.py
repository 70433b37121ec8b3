"""Value checks that only a concrete array can answer (a class index out of range, a probability > 1).

They run in eager mode on every backend, JAX and TensorFlow included, which
would otherwise return garbage silently. Under ``jax.jit``, ``tf.function``,
``torch.compile`` and torch's functorch transforms the values are not known
yet, so the checks are skipped.

The decision is taken from what the check reads, not from one argument: a
concrete label closed over by a traced step (``jax.jit(lambda x: loss(x, labels))``)
is combined with traced values inside the trace, and a condition computed
there is itself traced. So :func:`any_true` reads a condition only when it is
concrete, and reports nothing (the check is skipped) when it is not.
"""

from __future__ import annotations

import warnings

from ._fused import deferred_flags, stacklevel
from ._plan import compiling


def concrete(xp, *arrays):
    """True when every array's values can be inspected now (eager mode), or will be
    inspected after the call (a fused call, :mod:`multiloss._fused`)."""
    if xp.always_concrete or deferred_flags() is not None:
        return True
    return all(xp.is_concrete(a) for a in arrays if a is not None)


def any_true(xp, condition, message="a value check failed", reads_device=False):
    """``bool(any(condition))`` (empty counts as False); False when the answer is not
    concrete (inside a trace), so that a check is skipped rather than failing there.

    On a device other than the host's, the verdict is not read (the rule in
    ``multiloss.backends``): torch asserts ``message`` on the device, as its kernels do,
    and the other frameworks check nothing there, as theirs. ``reads_device``: the
    original reads this verdict on every device to raise its error, so it is read there too.
    """
    if xp.always_concrete:  # NumPy: no trace, no device, no fused call (JAX's alone)
        return bool(xp.any(condition))
    found = xp.any(condition)
    flags = deferred_flags()
    if flags is not None:  # a fused call returns the verdict, and runs eagerly again if it is set
        flags.append((found, reads_device))
        return False
    if not xp.is_concrete(found):
        return False
    if not (reads_device or xp.on_host(found)):
        xp.device_assert(xp.logical_not(found), message)
        return False
    return bool(found)


def warn(message, category, level):
    """``warnings.warn(message, category)`` naming the frame ``level`` up, counted as ``stacklevel``
    counts from the function that calls this one (:func:`multiloss._fused.stacklevel`).

    Skipped while ``torch.compile`` traces the call: its tracer follows neither ``warnings.warn``
    nor the frame walk that names the caller, so a warning there would break the graph (and fail
    ``fullgraph=True``). Eager calls, and JAX and TensorFlow traces, warn as before.
    """
    if compiling():
        return
    warnings.warn(message, category, stacklevel=stacklevel(level + 1))
