"""tf.distribute.MultiWorkerMirroredStrategy with 2 workers on 127.0.0.1 (one CPU each): the
custom-loop checks of tf_mirrored.py, for a few mirrors, across processes."""

import json
import os
import socket
import sys

WORKERS = 2


def worker(index, ports):
    os.environ["TF_CONFIG"] = json.dumps({
        "cluster": {"worker": [f"127.0.0.1:{p}" for p in ports]},
        "task": {"type": "worker", "index": index},
    })
    import tensorflow as tf
    import tf_mirrored

    strategy = tf.distribute.MultiWorkerMirroredStrategy()
    assert strategy.num_replicas_in_sync == WORKERS
    # A few mirrors (each is traced per worker): Keras' scaling, TF's average, a regression.
    tf_mirrored.check_custom_loop(strategy, names=(
        "keras SparseCategoricalCrossentropy",
        "tf.nn sparse_softmax_cross_entropy_with_logits + compute_average_loss",
        "keras MeanSquaredError"))
    tf_mirrored.check_global_mean(strategy)
    print("ok")


def _free_ports(count):
    sockets = [socket.socket() for _ in range(count)]
    for s in sockets:
        s.bind(("127.0.0.1", 0))
    ports = [s.getsockname()[1] for s in sockets]
    for s in sockets:
        s.close()
    return ports


def main():
    ports = ",".join(map(str, _free_ports(WORKERS)))
    from _common import run_workers

    run_workers(__file__, WORKERS, ports, timeout=200)
    print("ok")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(int(sys.argv[2]), [int(p) for p in sys.argv[3].split(",")])
    else:
        main()
