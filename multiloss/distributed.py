"""Losses under distributed engines: the replica count, Keras 3's scaling, and a global weighted mean.

Each engine combines what its replicas compute by its own rule:

- JAX (``jit`` over sharded arrays): there is one global array; a mean is already global.
  Inside ``shard_map`` each device sees its shard, and ``psum`` over a named axis combines.
- ``torch.distributed`` (DDP, FSDP): each rank computes on its part of the batch and the
  gradients are *averaged* over the ranks.
- ``tf.distribute``: each replica computes on its part and the gradients (and
  ``strategy.reduce(SUM, ...)``) are *summed*; that is why Keras 3 divides a replica's mean
  by ``num_replicas_in_sync`` and ``tf.nn.compute_average_loss`` divides by the global batch.

A per-replica mean is the global mean only when every replica divides by the same
number. Class weights, ``ignore_index``, sample weights and an uneven last batch break
that; :func:`global_mean` divides by the count summed over the replicas instead.
See ``docs/distributed.md``.
"""

from __future__ import annotations

import sys

from ._dispatch import namespace_of

# Keras' reductions that end in a division, after which Keras 3 scales for the replicas.
_KERAS_MEANS = ("sum_over_batch_size", "mean", "mean_with_sample_weight")


def replicas_in_sync(xp):
    """``tf.distribute.get_strategy().num_replicas_in_sync`` for TensorFlow arrays (1 outside a
    strategy); 1 for the other frameworks, whose engines don't sum per-replica losses."""
    if xp.name != "tensorflow":
        return 1
    return sys.modules["tensorflow"].distribute.get_strategy().num_replicas_in_sync


def in_cross_replica_context(xp):
    """True inside a ``tf.distribute`` strategy's scope but outside ``strategy.run``
    (TensorFlow arrays only), where a per-replica loss can't be computed."""
    if xp.name != "tensorflow":
        return False
    distribute = sys.modules["tensorflow"].distribute
    return distribute.has_strategy() and distribute.in_cross_replica_context()


def scale_keras_loss(xp, loss, values, sample_weight, reduction):
    """Keras 3's ``scale_loss_for_distribution``, where ``reduce_values`` applies it.

    After a reduction that divides (``sum_over_batch_size``, ``mean``,
    ``mean_with_sample_weight``), a TensorFlow loss is multiplied by
    ``1 / num_replicas_in_sync`` inside a ``tf.distribute`` strategy, so that the
    strategy's sum over replicas is the mean (source: ``keras/src/losses/loss.py``).
    A scalar loss (``values`` and ``sample_weight`` of rank 0) is returned unreduced
    by Keras and so unscaled. Outside a strategy, and on the other frameworks, ``loss``
    is returned as it is.
    """
    if reduction not in _KERAS_MEANS:
        return loss
    if xp.ndim(values) == 0 and (sample_weight is None or xp.ndim(sample_weight) == 0):
        return loss
    replicas = replicas_in_sync(xp)
    if replicas == 1:
        return loss
    return loss * xp.asarray(1.0 / replicas, dtype=loss.dtype)


def global_mean(local_sum, local_count, *, axis_name=None, group=None):
    """The mean over every replica's examples: ``sum(local_sum) / sum(local_count)``, 0 when
    no replica counts anything, in the form the caller's engine combines.

    ``local_sum``: this replica's summed (weighted) loss; ``local_count``: what it divides by
    (its number of examples, its summed sample or class weights, its targets not ignored).
    The count is summed with the caller's engine; the sum is left to the engine's own rule,
    so the gradient is that of the global mean:

    - JAX with ``axis_name`` (inside ``shard_map`` or ``pmap``): both are ``psum``-ed; the
      global mean, the same on every device. Without ``axis_name`` (``jit`` over sharded
      global arrays) the arrays are already global: ``local_sum / local_count``.
    - ``torch.distributed``, when initialised: ``local_sum * world_size / global_count``;
      DDP and FSDP average gradients over the ranks, which makes it the global mean's
      (and ``all_reduce(AVG)`` of the values is the global mean). ``group``: the process
      group (default: the world).
    - ``tf.distribute`` in a replica context: ``local_sum / global_count``; the strategy
      sums the replicas' gradients (and ``strategy.reduce(SUM, ...)`` their values).
    - Anything else (one process): ``local_sum / local_count``.

    A replica that counts nothing contributes 0; when the global count is 0 the result
    is 0 with a zero gradient, never NaN.

    >>> import numpy as np
    >>> float(global_mean(np.float32(3.0), 2))
    1.5
    """
    xp = namespace_of(local_sum, local_count)
    if not hasattr(local_sum, "dtype"):
        local_sum = xp.asarray(local_sum)
    count = local_count if hasattr(local_count, "dtype") else xp.asarray(local_count)
    count = xp.astype(count, local_sum.dtype)
    total, scale = _sum_over_replicas(xp, count, axis_name, group)
    if axis_name is not None:
        local_sum = _psum(local_sum, axis_name)
    # Double where: the division never sees 0, so neither value nor gradient is NaN.
    empty = total == 0
    safe = xp.where(empty, xp.ones_like(total), total)
    return xp.where(empty, xp.zeros_like(local_sum), local_sum * scale / safe)


def _sum_over_replicas(xp, count, axis_name, group):
    """``(global count, scale)``: the count summed by the engine, and the factor that makes the
    engine's rule for combining gradients (mean or sum) give the global mean's."""
    if xp.name == "jax":
        return (count if axis_name is None else _psum(count, axis_name)), 1
    if xp.name == "torch":
        dist = sys.modules["torch"].distributed
        if dist.is_available() and dist.is_initialized():
            total = count.detach().clone()
            dist.all_reduce(total, op=dist.ReduceOp.SUM, group=group)
            return total, dist.get_world_size(group)
        return count, 1
    if xp.name == "tensorflow":
        tf = sys.modules["tensorflow"]
        context = tf.distribute.get_replica_context()
        if context is not None:  # None in a cross-replica context: nothing to combine there
            return context.all_reduce(tf.distribute.ReduceOp.SUM, tf.stop_gradient(count)), 1
    return count, 1


def _psum(x, axis_name):
    return sys.modules["jax"].lax.psum(x, axis_name)


__all__ = ["global_mean", "replicas_in_sync", "scale_keras_loss"]
