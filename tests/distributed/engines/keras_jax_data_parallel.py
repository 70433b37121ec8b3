"""Keras 3 on JAX with keras.distribution.DataParallel over 8 host devices: model.fit with a
multiloss.keras class trains exactly as with the Keras class, and as on one device."""

import os

os.environ["KERAS_BACKEND"] = "jax"
os.environ["XLA_FLAGS"] = "--xla_force_host_platform_device_count=8"

import jax  # noqa: E402
import keras  # noqa: E402
import numpy as np  # noqa: E402
from _common import close, inputs  # noqa: E402

import multiloss.keras as mk  # noqa: E402

DATA = inputs(batch=32, classes=8)
FEATURES = DATA["prediction"]  # (32, 16)
LABELS = DATA["labels"]
TARGET = DATA["target"][:, :8]

PAIRS = {
    "SparseCategoricalCrossentropy": (mk.SparseCategoricalCrossentropy(from_logits=True),
                                      keras.losses.SparseCategoricalCrossentropy(from_logits=True), LABELS),
    "MeanSquaredError": (mk.MeanSquaredError(), keras.losses.MeanSquaredError(), TARGET),
}


def fitted(loss, target):
    model = keras.Sequential([keras.Input((16,)), keras.layers.Dense(8, use_bias=False)])
    model.layers[0].kernel.assign(np.random.default_rng(1).normal(size=(16, 8)).astype(np.float32) * 0.3)
    model.compile(optimizer=keras.optimizers.SGD(0.5), loss=loss)
    history = model.fit(FEATURES, target, batch_size=16, epochs=2, shuffle=False, verbose=0)
    return np.asarray(model.layers[0].kernel.value), history.history["loss"]


def main():
    assert jax.device_count() == 8
    single = {name: fitted(own, target) for name, (_, own, target) in PAIRS.items()}
    keras.distribution.set_distribution(keras.distribution.DataParallel(devices=jax.devices()))
    for name, (ours, own, target) in PAIRS.items():
        kernel, losses = fitted(ours, target)
        own_kernel, own_losses = fitted(own, target)
        close(losses, own_losses, f"{name}: the loss Keras reports")
        close(kernel, own_kernel, f"{name}: the trained kernel vs Keras' class")
        close(kernel, single[name][0], f"{name}: the trained kernel vs one device")
    print("ok")


if __name__ == "__main__":
    main()
