"""tf.distribute.MirroredStrategy over 2 logical CPUs: a custom loop (strategy.run and
strategy.reduce) and model.fit with a multiloss.keras class against the Keras class.

tf.distribute sums what the replicas compute, so each mirror must give, summed over the
replicas, the single-device value and gradients, and equal TensorFlow's or Keras' own loss
under the same strategy (Keras 3 divides a replica's mean by num_replicas_in_sync).
"""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import keras  # noqa: E402
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402
from _common import close, inputs  # noqa: E402

import multiloss.keras as mk  # noqa: E402
import multiloss.tf.losses as mtl  # noqa: E402
import multiloss.tf.nn as mtn  # noqa: E402
from multiloss.distributed import global_mean  # noqa: E402

REPLICAS = 2
DATA = inputs(batch=16, classes=8)
FEATURES = DATA["prediction"]  # (16, 16)
LABELS = DATA["labels"].astype(np.int64)
TARGET = DATA["target"][:, :8]

# name -> (multiloss, the original), as loss(labels, outputs); the class-index ones take LABELS
CLASS_INDEX = {
    "keras SparseCategoricalCrossentropy": (mk.SparseCategoricalCrossentropy(from_logits=True),
                                            keras.losses.SparseCategoricalCrossentropy(from_logits=True)),
    "keras CategoricalCrossentropy": (
        lambda y, o: mk.CategoricalCrossentropy(from_logits=True)(tf.one_hot(y, 8), o),
        lambda y, o: keras.losses.CategoricalCrossentropy(from_logits=True)(tf.one_hot(y, 8), o)),
    "tf.nn sparse_softmax_cross_entropy_with_logits + compute_average_loss": (
        lambda y, o: mtn.compute_average_loss(mtn.sparse_softmax_cross_entropy_with_logits(y, o)),
        lambda y, o: tf.nn.compute_average_loss(tf.nn.sparse_softmax_cross_entropy_with_logits(y, o))),
    "tf.losses sparse_softmax_cross_entropy": (
        mtl.sparse_softmax_cross_entropy, tf.compat.v1.losses.sparse_softmax_cross_entropy),
}
REGRESSION = {
    "keras MeanSquaredError": (mk.MeanSquaredError(), keras.losses.MeanSquaredError()),
    "keras Huber": (mk.Huber(), keras.losses.Huber()),
    "keras MeanSquaredError sum": (mk.MeanSquaredError(reduction="sum"),  # a sum is not scaled
                                   keras.losses.MeanSquaredError(reduction="sum")),
    "tf.losses mean_squared_error": (mtl.mean_squared_error, tf.compat.v1.losses.mean_squared_error),
    "scale_regularization_loss": (lambda y, o: mtn.scale_regularization_loss(tf.square(o)),
                                  lambda y, o: tf.nn.scale_regularization_loss(tf.square(o))),
}


# The losses whose sum over the replicas is the one-device loss; the others (TF v1's means,
# sums, the regularization term) add up per-replica values, as their originals do.
ONE_DEVICE = ("keras SparseCategoricalCrossentropy", "keras CategoricalCrossentropy",
              "tf.nn sparse_softmax_cross_entropy_with_logits + compute_average_loss",
              "keras MeanSquaredError", "keras Huber")


def split_devices():
    cpu = tf.config.list_physical_devices("CPU")[0]
    tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * REPLICAS)


def initial_kernel():
    return np.random.default_rng(1).normal(size=(16, 8)).astype(np.float32) * 0.3


def loss_and_grad(loss, kernel, features, target):
    with tf.GradientTape() as tape:
        value = loss(target, tf.matmul(features, kernel))
    return value, tape.gradient(value, kernel)


def custom_loop(strategy, loss, target):
    """The loss and the kernel's gradient, each summed over the replicas by the strategy
    (the step runs twice: a second trace would be a retrace)."""
    with strategy.scope():
        kernel = tf.Variable(initial_kernel())
    dataset = tf.data.Dataset.from_tensor_slices((FEATURES, target)).batch(len(FEATURES))
    features, labels = next(iter(strategy.experimental_distribute_dataset(dataset)))

    @tf.function
    def step(features, labels):
        return strategy.run(lambda x, y: loss_and_grad(loss, kernel, x, y), args=(features, labels))

    value, grad = step(features, labels)
    step(features, labels)
    assert step.experimental_get_tracing_count() == 1, "the step was traced again"
    sum_ = tf.distribute.ReduceOp.SUM
    return strategy.reduce(sum_, value, axis=None), strategy.reduce(sum_, grad, axis=None)


def check_custom_loop(strategy, names=None):
    for name, (ours, own) in {**CLASS_INDEX, **REGRESSION}.items():
        if names is not None and name not in names:
            continue
        target = LABELS if name in CLASS_INDEX else TARGET
        value, grad = custom_loop(strategy, ours, target)
        own_value, own_grad = custom_loop(strategy, own, target)
        close(value, own_value, f"{name}: value vs the original under the strategy")
        close(grad, own_grad, f"{name}: gradient vs the original under the strategy")
        if name in ONE_DEVICE:
            one_value, one_grad = loss_and_grad(own, tf.Variable(initial_kernel()), FEATURES, target)
            close(value, one_value, f"{name}: value vs one device")
            close(grad, one_grad, f"{name}: gradient vs one device")


def check_global_mean(strategy):
    """Sample weights and a replica that counts nothing: global_mean's sum over replicas is the
    single-device weighted mean."""
    weights = np.ones(len(FEATURES), np.float32)
    weights[: len(FEATURES) // 2] = 0.0  # the first replica's half counts nothing
    weights[-3:] = 2.5

    def loss(target, output):
        y, w = target[:, 0], tf.cast(target[:, 1], tf.float32)
        per_example = mtn.sparse_softmax_cross_entropy_with_logits(tf.cast(y, tf.int64), output)
        return global_mean(tf.reduce_sum(per_example * w), tf.reduce_sum(w))

    target = np.stack([LABELS.astype(np.float32), weights], axis=1)
    value, grad = custom_loop(strategy, loss, target)

    def expected(target, output):
        per_example = tf.nn.sparse_softmax_cross_entropy_with_logits(LABELS, output)
        return tf.reduce_sum(per_example * weights) / weights.sum()

    one_value, one_grad = loss_and_grad(expected, tf.Variable(initial_kernel()), FEATURES, target)
    close(value, one_value, "global_mean: value vs one device")
    close(grad, one_grad, "global_mean: gradient vs one device")


def fitted_kernel(strategy, loss):
    with strategy.scope():
        model = keras.Sequential([keras.Input((16,)), keras.layers.Dense(8, use_bias=False)])
        model.layers[0].kernel.assign(initial_kernel())
        model.compile(optimizer=keras.optimizers.SGD(0.5), loss=loss)
    history = model.fit(FEATURES, LABELS, batch_size=8, epochs=2, shuffle=False, verbose=0)
    return model.layers[0].kernel.numpy(), history.history["loss"]


def check_fit(strategy):
    ours, own = CLASS_INDEX["keras SparseCategoricalCrossentropy"]
    kernel, losses = fitted_kernel(strategy, ours)
    own_kernel, own_losses = fitted_kernel(strategy, own)
    close(losses, own_losses, "model.fit: the loss Keras reports")
    close(kernel, own_kernel, "model.fit: the trained kernel")
    one_kernel, _ = fitted_kernel(tf.distribute.get_strategy(), own)
    close(kernel, one_kernel, "model.fit: the trained kernel vs one device")


def main():
    split_devices()
    strategy = tf.distribute.MirroredStrategy([f"/cpu:{i}" for i in range(REPLICAS)])
    assert strategy.num_replicas_in_sync == REPLICAS
    check_custom_loop(strategy)
    check_global_mean(strategy)
    check_fit(strategy)
    print("ok")


if __name__ == "__main__":
    main()
