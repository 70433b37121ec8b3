"""JAX over 2 processes on 127.0.0.1 (2 host devices each, gloo collectives): arrays that no
process holds whole. The class-index mirrors give the single-process values, and a label out
of range raises the same exception class in every process (InvalidArgumentError for the
Keras and TF mirrors, IndexError for the PyTorch ones), whichever process holds it."""

import os
import sys

PROCESSES = 2


def worker(process_id, port):
    os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=2"
    import jax

    jax.config.update("jax_cpu_collectives_implementation", "gloo")
    jax.distributed.initialize(f"127.0.0.1:{port}", num_processes=PROCESSES, process_id=process_id)
    import jax.numpy as jnp
    import numpy as np
    from _common import close, inputs
    from jax.sharding import NamedSharding
    from jax.sharding import PartitionSpec as P

    import multiloss.keras as mk
    import multiloss.pytorch.functional as mf
    import multiloss.tf.nn as mtn

    data = inputs(batch=8, classes=5)
    mesh = jax.make_mesh((2 * PROCESSES,), ("data",), axis_types=(jax.sharding.AxisType.Auto,))
    sharding = NamedSharding(mesh, P("data"))

    def global_array(full):
        local = np.split(full, PROCESSES)[process_id]
        return jax.make_array_from_process_local_data(sharding, local)

    x, t = global_array(data["logits"]), global_array(data["labels"])
    assert not t.is_fully_addressable
    losses = {
        "pytorch cross_entropy": lambda x, t: mf.cross_entropy(x, t),
        "keras sparse_categorical_crossentropy": lambda x, t: jnp.mean(
            mk.sparse_categorical_crossentropy(t, x, from_logits=True)),
        "tf.nn sparse_softmax_cross_entropy_with_logits": lambda x, t: jnp.mean(
            mtn.sparse_softmax_cross_entropy_with_logits(t, x)),
    }
    for name, loss in losses.items():
        expected = loss(jnp.asarray(data["logits"]), jnp.asarray(data["labels"]))  # this process alone
        close(loss(x, t), expected, f"{name}: eager, global arrays")
        close(jax.jit(loss)(x, t), expected, f"{name}: jit, global arrays")

    labels = data["labels"].copy()
    labels[-1] = 7  # held by the last process only
    bad = global_array(labels)
    raised = {
        "pytorch cross_entropy": "IndexError",
        "keras sparse_categorical_crossentropy": "InvalidArgumentError",
        "tf.nn sparse_softmax_cross_entropy_with_logits": "InvalidArgumentError",
    }
    for name, expected in raised.items():
        try:
            losses[name](x, bad)
        except Exception as error:  # noqa: BLE001 - the class is what is checked
            assert type(error).__name__ == expected, f"{name}: {type(error).__name__}: {error}"
        else:
            raise AssertionError(f"{name}: no error for a label out of range")
    print("ok")


def main():
    port = sys.argv[1]
    from _common import run_workers

    run_workers(__file__, PROCESSES, port, timeout=150)
    print("ok")


if __name__ == "__main__":
    if sys.argv[1] == "--worker":
        worker(int(sys.argv[2]), sys.argv[3])
    else:
        main()
