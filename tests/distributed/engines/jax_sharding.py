"""JAX on 8 host devices: class-index and regression mirrors under jit over sharded arrays
(Auto and Explicit mesh axes; batch- and class-sharded logits) and inside shard_map.

Each loss must give the single-device value and gradients, and equal the engine's own loss
(optax); its compiled HLO must gather no logits: no all-gather or all-to-all at all, every
collective moves at most one value per row, and the Keras and TF mirrors move no more than
optax does.
"""

import os

os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=8"

import functools  # noqa: E402

import jax  # noqa: E402
import jax.numpy as jnp  # noqa: E402
import optax  # noqa: E402
from _common import close, collectives, inputs  # noqa: E402
from jax.sharding import AxisType, NamedSharding  # noqa: E402
from jax.sharding import PartitionSpec as P  # noqa: E402

import multiloss.keras as mk  # noqa: E402
import multiloss.pytorch.functional as mf  # noqa: E402
import multiloss.tf.losses as mtl  # noqa: E402
import multiloss.tf.nn as mtn  # noqa: E402
from multiloss.distributed import global_mean  # noqa: E402

DATA = inputs()
BATCH = DATA["logits"].shape[0]


def optax_mean(x, t):
    return optax.softmax_cross_entropy_with_integer_labels(x, t).mean()


# name -> (loss of (logits, labels, weight), the engine's own loss or None, moves no more than optax)
CLASS_INDEX = {
    "pytorch cross_entropy": (lambda x, t, w: mf.cross_entropy(x, t), optax_mean, False),
    "pytorch nll_loss": (lambda x, t, w: mf.nll_loss(jax.nn.log_softmax(x), t), optax_mean, False),
    "pytorch cross_entropy weighted, ignore_index, smoothing": (
        lambda x, t, w: mf.cross_entropy(x, jnp.where(jnp.arange(BATCH) % 7 == 0, -100, t), weight=w,
                                         label_smoothing=0.1), None, False),
    "keras sparse_categorical_crossentropy": (
        lambda x, t, w: mk.sparse_categorical_crossentropy(t, x, from_logits=True).mean(), optax_mean, True),
    "keras SparseCategoricalCrossentropy": (
        lambda x, t, w: mk.SparseCategoricalCrossentropy(from_logits=True)(t, x), optax_mean, True),
    "tf.nn sparse_softmax_cross_entropy_with_logits": (
        lambda x, t, w: mtn.sparse_softmax_cross_entropy_with_logits(t, x).mean(), optax_mean, True),
    "tf.losses sparse_softmax_cross_entropy": (
        lambda x, t, w: mtl.sparse_softmax_cross_entropy(t, x), optax_mean, True),
}

REGRESSION = {
    "pytorch mse_loss": lambda p, y: mf.mse_loss(p, y),
    "keras MeanSquaredError": lambda p, y: mk.MeanSquaredError()(y, p),
    "tf.losses mean_squared_error": lambda p, y: mtl.mean_squared_error(y, p),
}


def compiled(fn, *args):
    """The jitted value and gradient of ``fn`` at ``args``: ``(value, grad, HLO text)``."""
    executable = jax.jit(jax.value_and_grad(fn)).lower(*args).compile()
    return (*executable(*args), executable.as_text())


@functools.cache
def single_device(name):
    """The loss' value and gradient on one device (and the engine's own, if it has one)."""
    loss, own, _ = CLASS_INDEX[name]
    args = [jnp.asarray(DATA[k]) for k in ("logits", "labels", "weight")]
    ours = compiled(loss, *args)[:2]
    return ours, (compiled(own, *args[:2])[:2] if own is not None else None)


@functools.cache
def moved_by_optax(logits_spec):
    """What optax's loss moves with this layout, on an Auto mesh (with Explicit axes a
    gather from class-sharded logits does not compile)."""
    mesh = jax.make_mesh((2, 4), ("data", "model"), axis_types=(AxisType.Auto,) * 2)
    with jax.set_mesh(mesh):
        x = jax.device_put(DATA["logits"], NamedSharding(mesh, logits_spec))
        t = jax.device_put(DATA["labels"], NamedSharding(mesh, P("data")))
        return sum(sum(v) for v in collectives(compiled(optax_mean, x, t)[2]).values())


def check_class_index(mesh, logits_spec):
    x = jax.device_put(DATA["logits"], NamedSharding(mesh, logits_spec))
    t = jax.device_put(DATA["labels"], NamedSharding(mesh, P("data")))
    w = jax.device_put(DATA["weight"], NamedSharding(mesh, P()))
    budget = moved_by_optax(logits_spec)
    for name, (loss, _, lean_as_optax) in CLASS_INDEX.items():
        what = f"{name} {mesh.axis_types[0].name} {logits_spec}"
        value, grad, text = compiled(loss, x, t, w)
        (expected_value, expected_grad), engine = single_device(name)
        close(value, expected_value, f"{what}: value vs one device")
        close(grad, expected_grad, f"{what}: gradient vs one device")
        if engine is not None:
            close(value, engine[0], f"{what}: value vs optax")
            close(grad, engine[1], f"{what}: gradient vs optax")
        moved = collectives(text)
        assert not {"all-gather", "all-to-all"} & set(moved), f"{what}: gathers {moved}"
        assert max((max(v) for v in moved.values()), default=0) <= BATCH, f"{what}: moves {moved}"
        if lean_as_optax:
            total = sum(sum(v) for v in moved.values())
            assert total <= budget, f"{what}: moves {total} values, optax {budget}"


def check_regression(mesh):
    sharding = NamedSharding(mesh, P("data", "model"))
    p, y = (jax.device_put(DATA[k], sharding) for k in ("prediction", "target"))
    single = [jnp.asarray(DATA[k]) for k in ("prediction", "target")]
    own_value, own_grad, _ = compiled(lambda p, y: optax.squared_error(p, y).mean(), *single)
    for name, loss in REGRESSION.items():
        what = f"{name} {mesh.axis_types[0].name}"
        value, grad, text = compiled(loss, p, y)
        close(value, own_value, f"{what}: value vs optax")
        close(grad, own_grad, f"{what}: gradient vs optax")
        moved = collectives(text)
        assert "all-gather" not in moved, f"{what}: gathers {moved}"


def check_shard_map(mesh):
    """Per-device sums and counts, combined by global_mean over the data axis: the weighted
    mean of the whole batch, also when one device's targets are all ignored."""
    labels = DATA["labels"].copy()
    labels[: BATCH // 8] = -100  # the first device counts nothing
    x, t, w = jnp.asarray(DATA["logits"]), jnp.asarray(labels), jnp.asarray(DATA["weight"])

    @functools.partial(jax.shard_map, mesh=mesh, in_specs=(P("data"), P("data"), P()), out_specs=P())
    def sharded(x, t, w):
        local_sum = mf.cross_entropy(x, t, weight=w, reduction="sum")
        local_count = jnp.sum(jnp.where(t == -100, 0.0, w[jnp.clip(t, 0)]))
        return global_mean(local_sum, local_count, axis_name="data")

    value, grad = jax.jit(jax.value_and_grad(sharded))(x, t, w)
    expected_value, expected_grad, _ = compiled(lambda x, t, w: mf.cross_entropy(x, t, weight=w), x, t, w)
    close(value, expected_value, "shard_map global_mean: value")
    close(grad, expected_grad, "shard_map global_mean: gradient")
    nothing = jnp.full_like(t, -100)
    value, grad = jax.jit(jax.value_and_grad(sharded))(x, nothing, w)
    assert float(value) == 0.0 and bool(jnp.all(grad == 0)), "shard_map global_mean over nothing"


def main():
    assert jax.device_count() == 8
    for axis_type in (AxisType.Auto, AxisType.Explicit):
        mesh = jax.make_mesh((2, 4), ("data", "model"), axis_types=(axis_type, axis_type))
        with jax.set_mesh(mesh):
            for spec in (P("data", None), P("data", "model")):
                check_class_index(mesh, spec)
            check_regression(mesh)
    check_shard_map(jax.make_mesh((8,), ("data",), axis_types=(AxisType.Auto,)))
    print("ok")


if __name__ == "__main__":
    main()
