"""multiloss.keras inside Keras' own machinery: compile, fit, evaluate, masks, save and load.

Each Keras backend runs in its own process (``KERAS_BACKEND`` is read once, at
Keras' import): the test spawns this file as a script, which checks a backend
against Keras' own losses on the same model and weights, and exits non-zero on a
mismatch. The in-process tests below use the backend the suite runs Keras on.
"""

import os
import subprocess
import sys
import tempfile

import numpy as np
import pytest

BACKENDS = ("tensorflow", "jax", "torch")
_BACKEND_MODULE = {"tensorflow": "tensorflow", "jax": "jax", "torch": "torch"}


# -- the script: one Keras backend ---------------------------------------------------------------


def _model(keras, vocabulary=None):
    """A small regression model; with ``vocabulary`` an ``Embedding(mask_zero=True)`` in
    front, so that its output carries a Keras mask."""
    if vocabulary:
        inputs = keras.Input((5,), dtype="int32")
        hidden = keras.layers.Embedding(vocabulary, 4, mask_zero=True)(inputs)
    else:
        inputs = keras.Input((3,))
        hidden = inputs
    outputs = keras.layers.Dense(2)(hidden)
    return keras.Model(inputs, outputs)


def _same_model(keras, model, loss):
    twin = keras.models.clone_model(model)
    twin.set_weights(model.get_weights())
    twin.compile(optimizer="sgd", loss=loss)
    return twin


def _check_fit_save_load(keras, mk, directory):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(16, 3)).astype("float32"), rng.normal(size=(16, 2)).astype("float32")
    cases = [
        (mk.MeanSquaredError(), keras.losses.MeanSquaredError()),
        (mk.Huber(delta=0.5), keras.losses.Huber(delta=0.5)),
        (mk.mean_absolute_error, keras.losses.mean_absolute_error),
        (mk.log_cosh, keras.losses.log_cosh),
    ]
    for ours, original in cases:
        if isinstance(ours, type(mk.MeanSquaredError())):
            assert isinstance(ours, keras.losses.Loss), type(ours).__mro__
        model = _model(keras)
        reference = _same_model(keras, model, original)
        model.compile(optimizer="sgd", loss=ours)
        history = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0).history["loss"]
        expected = reference.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0).history["loss"]
        np.testing.assert_allclose(history, expected, rtol=1e-5, err_msg=str(ours))
        path = os.path.join(directory, "model.keras")
        model.save(path)
        loaded = keras.models.load_model(path)  # no custom_objects
        if callable(ours) and not isinstance(ours, keras.losses.Loss):
            assert loaded.loss is ours, (loaded.loss, ours)
        else:
            assert type(loaded.loss) is type(ours) and loaded.loss.get_config() == ours.get_config()
        np.testing.assert_allclose(loaded.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0), rtol=1e-6)


def _check_mask(keras, mk):
    rng = np.random.default_rng(1)
    tokens = rng.integers(0, 4, size=(8, 5))
    tokens[:, -2:] = 0  # padding, masked out by the Embedding
    y = rng.normal(size=(8, 5, 2)).astype("float32")
    model = _model(keras, vocabulary=4)
    reference = _same_model(keras, model, keras.losses.MeanSquaredError())
    model.compile(optimizer="sgd", loss=mk.MeanSquaredError())
    unmasked = float(np.mean((model.predict(tokens, verbose=0) - y) ** 2))
    expected = reference.evaluate(tokens, y, verbose=0)
    assert abs(expected - unmasked) > 1e-3  # the mask matters here
    np.testing.assert_allclose(model.evaluate(tokens, y, verbose=0), expected, rtol=1e-5)


def main(backend):
    import multiloss.keras as mk  # before Keras here: registration then waits for Keras' import
    import keras

    assert keras.backend.backend() == backend
    with tempfile.TemporaryDirectory() as directory:
        _check_fit_save_load(keras, mk, directory)
    _check_mask(keras, mk)
    print("ok", backend)


# -- the tests ----------------------------------------------------------------------------------


@pytest.mark.parametrize("backend", BACKENDS)
def test_fit_evaluate_save_load_and_masks_on_each_backend(backend):
    pytest.importorskip("keras")
    pytest.importorskip(_BACKEND_MODULE[backend])
    env = {**os.environ, "KERAS_BACKEND": backend, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env["PYTHONPATH"] = os.pathsep.join([root, env.get("PYTHONPATH", "")])
    done = subprocess.run([sys.executable, __file__, backend], env=env, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    assert f"ok {backend}" in done.stdout


if __name__ == "__main__":
    main(sys.argv[1])
