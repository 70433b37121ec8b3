"""What a source call computes, said once, independently of its framework, and the few
operations a translation writes out in the target's own ops.

A :class:`Spec` is a loss concept (``"mse"``, ``"softmax_ce"``, ...) with its options in one
vocabulary (``delta``, ``label_smoothing``, ``class_weight``, ``ignore_index``, ``from_logits``, ...),
the names of its arrays, and a :class:`Reduce`: how the source turns the concept's unreduced
loss into its value. A translation writes the unreduced loss with the target's loss function
and the reduction with the target's ops (:class:`Ops`), or uses the target's own reduction where
it is the same.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class NoTranslation(Exception):
    """The target cannot express the concept or one of its options: the message is the reason."""


@dataclass
class Reduce:
    """How a source reduces the concept's unreduced loss.

    ``vocab``: "torch" (``mode`` none | mean | sum | batchmean; ``weight`` multiplies each
    element), "keras" (the per-sample loss, then ``mode`` none | sum_over_batch_size | sum | mean |
    mean_with_sample_weight with ``weight`` the sample weight), "tfv1" (``mode`` one of
    tf.compat.v1.losses.Reduction's values, ``weight`` its ``weights``), "none" (no reduction:
    tf.nn ops, Keras functions).
    """

    vocab: str
    mode: str = "none"
    weight: object = None  # an array name, a number, or None

    @property
    def scalar(self):
        return self.mode != "none"


@dataclass
class Spec:
    concept: str
    names: dict  # role -> array name: "x" (prediction, logits, log-probabilities) and "y" (target)
    params: dict = field(default_factory=dict)
    reduce: Reduce = field(default_factory=lambda: Reduce("none"))
    # "elementwise": the unreduced loss has the prediction's shape; "sample": one value per sample
    # (a softmax cross-entropy); Keras means an elementwise loss over its last axis first.
    granularity: str = "elementwise"
    keras_per_sample: bool = False  # the source means over the last axis (Keras) before reducing
    notes: list = field(default_factory=list)

    @property
    def x(self):
        return self.names["x"]

    @property
    def y(self):
        return self.names["y"]


def _p(x):
    """``x`` in parentheses unless it is a name, an attribute or a call (safe before ``.method()``)."""
    import ast

    node = ast.parse(x, mode="eval").body
    return x if isinstance(node, (ast.Name, ast.Attribute, ast.Call, ast.Subscript)) else f"({x})"


class Ops:
    """Reductions and arithmetic written in one framework's ops, as code."""

    def mean(self, x): raise NotImplementedError
    def sum(self, x): raise NotImplementedError
    def mean_last(self, x): raise NotImplementedError
    def size(self, x): raise NotImplementedError
    def div_no_nan(self, a, b): raise NotImplementedError
    def count_nonzero_like(self, w, like): raise NotImplementedError
    def sum_like(self, w, like): raise NotImplementedError
    def flat(self, x): raise NotImplementedError

    def mul(self, a, b):
        return f"{a} * {b}"

    def div_by_count(self, a, n):
        """``a / n`` for an element count ``n``, 0 where ``n`` is 0 (divide-no-nan)."""
        return self.div_no_nan(a, n)

    def div(self, a, b):
        return f"({a}) / {b}"


class TorchOps(Ops):
    def mean(self, x): return f"{_p(x)}.mean()"
    def sum(self, x): return f"{_p(x)}.sum()"
    def mean_last(self, x): return f"{_p(x)}.mean(-1)"
    def size(self, x): return f"{_p(x)}.numel()"
    def flat(self, x): return f"{_p(x)}.reshape(-1)"

    def div_no_nan(self, a, b):
        return f"torch.where((_d := {b}) != 0, ({a}) / _d, 0.0)"

    def div_by_count(self, a, n):
        return f"({a}) / max({n}, 1)"  # a sum over nothing is 0, and so is the quotient

    def count_nonzero_like(self, w, like):
        return f"torch.count_nonzero(torch.broadcast_to(torch.as_tensor({w}), {like}.shape))"

    def sum_like(self, w, like):
        return f"torch.broadcast_to(torch.as_tensor({w}), {like}.shape).sum()"


class TFOps(Ops):
    def mul(self, a, b):
        # TF v1 losses are float32 whatever the inputs: the weight takes the loss' dtype
        return f"(_l := {a}) * tf.cast({b}, _l.dtype)"

    def mean(self, x): return f"tf.reduce_mean({x})"
    def sum(self, x): return f"tf.reduce_sum({x})"
    def mean_last(self, x): return f"tf.reduce_mean({x}, axis=-1)"
    def size(self, x): return f"tf.size({x})"
    def flat(self, x): return f"tf.reshape({x}, [-1])"

    def div_no_nan(self, a, b):
        return f"tf.math.divide_no_nan(_loss := {a}, tf.cast({b}, _loss.dtype))"

    def count_nonzero_like(self, w, like):
        return f"tf.math.count_nonzero(tf.broadcast_to({w}, tf.shape({like})))"

    def sum_like(self, w, like):
        return f"tf.reduce_sum(tf.broadcast_to(tf.cast({w}, {like}.dtype), tf.shape({like})))"


class KerasOps(Ops):
    def mean(self, x): return f"keras.ops.mean({x})"
    def sum(self, x): return f"keras.ops.sum({x})"
    def mean_last(self, x): return f"keras.ops.mean({x}, axis=-1)"
    def size(self, x): return f"keras.ops.size({x})"
    def flat(self, x): return f"keras.ops.reshape({x}, (-1,))"

    def div_no_nan(self, a, b):
        return f"keras.ops.divide_no_nan(_loss := {a}, keras.ops.cast({b}, _loss.dtype))"

    def count_nonzero_like(self, w, like):
        return f"keras.ops.count_nonzero(keras.ops.broadcast_to({w}, keras.ops.shape({like})))"

    def sum_like(self, w, like):
        return f"keras.ops.sum(keras.ops.broadcast_to({w}, keras.ops.shape({like})))"


class JaxOps(Ops):
    def mean(self, x): return f"jnp.mean({x})"
    def sum(self, x): return f"jnp.sum({x})"
    def mean_last(self, x): return f"jnp.mean({x}, axis=-1)"
    def size(self, x): return f"jnp.size({x})"
    def flat(self, x): return f"jnp.ravel({x})"

    def div_no_nan(self, a, b):
        return f"jnp.where((_d := {b}) != 0, ({a}) / jnp.where(_d != 0, _d, 1), 0.0)"

    def div_by_count(self, a, n):
        return f"({a}) / max({n}, 1)"  # a sum over nothing is 0, and so is the quotient

    def count_nonzero_like(self, w, like):
        return f"jnp.count_nonzero(jnp.broadcast_to({w}, jnp.shape({like})))"

    def sum_like(self, w, like):
        return f"jnp.sum(jnp.broadcast_to({w}, jnp.shape({like})))"


OPS = {"torch": TorchOps(), "tensorflow": TFOps(), "keras": KerasOps(), "jax": JaxOps()}


def reduce_written(loss, spec, ops, like):
    """The source's reduction of ``loss`` (the concept's unreduced loss in the target, with the
    prediction's shape for an elementwise concept), written in ``ops``. ``like``: an array of the
    unreduced loss' shape (the prediction's name) for sizes and broadcasting."""
    r = spec.reduce
    if spec.keras_per_sample:
        loss = ops.mean_last(loss)
    w = r.weight
    if r.vocab == "none":
        return loss
    if r.vocab == "torch":
        weighted = ops.mul(loss, w) if w is not None else loss
        if r.mode == "none":
            return weighted
        if r.mode == "sum":
            return ops.sum(weighted)
        if r.mode == "mean" and w is not None and spec.params.get("weighted_mean") == "by weights":
            return ops.div(ops.sum(weighted), ops.sum(w))  # torch's weighted mse_loss / l1_loss
        if r.mode == "mean":
            return ops.mean(weighted)
        if r.mode == "batchmean":
            return ops.div(ops.sum(weighted), f"{like}.shape[0]")
    if r.vocab == "keras":
        if w is not None:
            loss = ops.mul(loss, _keras_weight(w, ops, spec))
        if r.mode == "none":
            return loss
        total = ops.sum(loss)
        if r.mode == "sum":
            return total
        if r.mode == "mean_with_sample_weight" and w is not None:
            return ops.div_no_nan(total, ops.sum(_keras_weight(w, ops, spec)))
        return ops.div_by_count(total, ops.size(loss))
    if r.vocab == "tfv1":
        weight = 1.0 if w is None else w
        weighted = ops.mul(loss, weight) if w is not None else loss
        if r.mode == "none":
            return weighted
        total = ops.sum(weighted)
        if r.mode == "weighted_sum":
            return total
        if r.mode == "weighted_mean":
            return ops.div_no_nan(total, ops.sum_like(weight, like))
        if r.mode == "weighted_sum_over_batch_size":
            return ops.div_by_count(total, ops.size(like))
        return ops.div_no_nan(total, ops.count_nonzero_like(weight, like))
    raise NoTranslation(f"the reduction {r.vocab} {r.mode} is not written out")


def _keras_weight(w, ops, spec):
    """Keras aligns a sample weight with the per-sample loss: an (N, 1) weight beside (N,)
    losses loses its last axis."""
    return ops.flat(w)
