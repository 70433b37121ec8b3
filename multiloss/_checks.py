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

from ._fused import deferred_flags


def concrete(xp, *arrays):
    """True when every array's values can be inspected now (eager mode), or will be
    inspected after the call (a fused call, :mod:`multiloss._fused`)."""
    if deferred_flags() is not None:
        return True
    return all(xp.is_concrete(a) for a in arrays if a is not None)


def any_true(xp, condition):
    """``bool(any(condition))`` (empty counts as False); False when the answer is not
    concrete (inside a trace), so that a check is skipped rather than failing there."""
    found = xp.any(condition)
    flags = deferred_flags()
    if flags is not None:  # a fused call returns the verdict, and runs eagerly again if it is set
        flags.append(found)
        return False
    return xp.is_concrete(found) and bool(found)
