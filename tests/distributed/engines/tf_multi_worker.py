"""tf.distribute.MultiWorkerMirroredStrategy with 2 workers on 127.0.0.1 (one CPU each): the
custom-loop checks of tf_mirrored.py, for a few mirrors, across processes."""

import json
import os
import socket
import subprocess
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
    workers = [subprocess.Popen([sys.executable, __file__, "--worker", str(i), ports],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
               for i in range(WORKERS)]
    outputs = []
    for process in workers:
        try:
            outputs.append(process.communicate(timeout=200)[0])
        except subprocess.TimeoutExpired:
            for p in workers:
                p.kill()
            raise
    for process, output in zip(workers, outputs):
        assert process.returncode == 0 and output.rstrip().endswith("ok"), output[-4000:]
    print("ok")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--worker":
        worker(int(sys.argv[2]), [int(p) for p in sys.argv[3].split(",")])
    else:
        main()
