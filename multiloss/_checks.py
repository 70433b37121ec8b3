"""Value checks that only a concrete array can answer (a class index out of range, a probability > 1).

They run in eager mode on every backend, JAX and TensorFlow included, which
would otherwise return garbage silently. Under ``jax.jit``, ``tf.function``
and ``torch.compile`` the values are not known yet, so the checks are skipped.
"""

from __future__ import annotations


def concrete(xp, *arrays):
    """True when every array's values can be inspected now (eager mode)."""
    return all(xp.is_concrete(a) for a in arrays if a is not None)


def any_true(xp, condition):
    """``bool(any(condition))`` for a concrete array (empty counts as False)."""
    return bool(xp.any(condition))
