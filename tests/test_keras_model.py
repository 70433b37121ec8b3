"""multiloss.keras inside Keras' own machinery: compile, fit, evaluate, masks, save and load.

Each Keras backend runs in its own process (``KERAS_BACKEND`` is read once, at
Keras' import): the test spawns this file as a script, which checks a backend
against Keras' own losses on the same model and weights, and exits non-zero on a
mismatch. The in-process tests below use the backend the suite runs Keras on.
"""

import importlib
import os
import subprocess
import sys
import tempfile
import textwrap

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
    # multiloss.keras before Keras here: its registration then waits for Keras' import
    mk = importlib.import_module("multiloss.keras")
    import keras

    assert keras.backend.backend() == backend
    with tempfile.TemporaryDirectory() as directory:
        _check_fit_save_load(keras, mk, directory)
    _check_mask(keras, mk)
    print("ok", backend)


# -- the tests ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def keras():
    try:  # torch.compile's triton crashes the process when loaded after TensorFlow: load it first
        import torch._dynamo  # noqa: F401
    except ImportError:
        pass
    return pytest.importorskip("keras")


@pytest.fixture(scope="module")
def mk(keras):
    import multiloss.keras

    return multiloss.keras


def _public_classes(mk):
    return [getattr(mk, name) for name in mk.__all__ if isinstance(getattr(mk, name), type)]


def test_every_class_is_a_keras_loss_that_serializes_as_multiloss(keras, mk):
    for cls in _public_classes(mk):
        if cls in (mk.Loss, mk.LossFunctionWrapper):
            continue
        loss = cls()
        assert isinstance(loss, keras.losses.Loss) and isinstance(loss, cls), cls
        config = mk.serialize(loss)
        assert config["registered_name"] == f"multiloss>{cls.__name__}"
        assert keras.saving.serialize_keras_object(loss) == config
        again = mk.deserialize(config)
        assert type(again) is type(loss) and again.get_config() == loss.get_config()
        assert type(keras.saving.deserialize_keras_object(config)) is type(loss)


def test_a_function_and_a_wrapper_serialize_as_multiloss(keras, mk):
    assert mk.deserialize(mk.serialize(mk.huber)) is mk.huber
    assert keras.saving.deserialize_keras_object(keras.saving.serialize_keras_object(mk.mse)) is mk.mse
    wrapper = mk.LossFunctionWrapper(mk.huber, delta=2.0, reduction="sum")
    again = mk.deserialize(mk.serialize(wrapper))
    assert again.fn is mk.huber and again.get_config() == wrapper.get_config()
    y_true, y_pred = np.array([[0.0, 1.0]]), np.array([[3.0, 1.5]])
    expected = keras.losses.Huber(delta=2.0, reduction="sum")(y_true, y_pred)
    np.testing.assert_allclose(again(y_true, y_pred), expected, rtol=1e-6)


def test_a_users_registered_subclass_round_trips(keras, mk):
    @keras.saving.register_keras_serializable(package="tests")
    class Doubled(mk.MeanSquaredError):
        def call(self, y_true, y_pred):
            return 2 * super().call(y_true, y_pred)

    loss = Doubled(reduction="sum")
    config = keras.saving.serialize_keras_object(loss)
    assert config["registered_name"] == "tests>Doubled"
    again = keras.saving.deserialize_keras_object(config)
    assert type(again) is type(loss) and isinstance(again, Doubled) and again.reduction == "sum"
    np.testing.assert_allclose(again(np.array([[1.0, 0.0]]), np.array([[0.0, 0.0]])), 1.0)


def test_get_mirrors_keras_losses_get(keras, mk):
    identifiers = ["mse", "MSE", "bce", "kld", "mean_absolute_error", "Huber", "CategoricalCrossentropy",
                   {"class_name": "CategoricalCrossentropy", "config": {"from_logits": True}}]
    for identifier in identifiers:
        ours, original = mk.get(identifier), keras.losses.get(identifier)
        assert type(ours).__name__ == type(original).__name__ and ours.__module__.startswith("multiloss")
        if isinstance(original, keras.losses.Loss):
            assert isinstance(ours, keras.losses.Loss)
            # Keras 3.15.1's Huber config drops delta (a reloaded Huber has delta 1); multiloss keeps it
            assert ours.get_config().items() >= {**original.get_config(), "dtype": ours.dtype}.items()
        else:
            assert ours.__name__ == original.__name__
    assert mk.get(None) is None and mk.get(mk.mse) is mk.mse
    assert type(mk.get(mk.Poisson)) is type(mk.Poisson())
    for bad in ("no_such_loss", 3):
        with pytest.raises(ValueError, match="Could not interpret loss identifier"):
            keras.losses.get(bad)
        with pytest.raises(ValueError, match="Could not interpret loss identifier"):
            mk.get(bad)


def test_pickle_keeps_a_keras_loss(keras, mk):
    import pickle

    loss = mk.Huber(delta=2.0, reduction="sum")
    again = pickle.loads(pickle.dumps(loss))
    assert type(again) is type(loss) and again.get_config() == loss.get_config()


class _Squares:
    """Keras' ``loss_test.ExampleLoss``: the squared error, unreduced, for each framework's Loss."""

    def call(self, y_true, y_pred):
        return (y_true - y_pred) ** 2


@pytest.mark.parametrize("framework", ["tensorflow", "torch", "jax"])
def test_keras_masks_as_keras_applies_them(keras, mk, framework):
    """Keras' own ``test_mask`` and ``test_mask_and_sample_weight`` inputs, on arrays of each
    framework, set as Keras sets them (an attribute, or Keras' table for JAX arrays)."""
    module = pytest.importorskip(framework if framework != "jax" else "jax.numpy")
    convert = {"tensorflow": lambda x: module.constant(x), "torch": lambda x: module.tensor(x),
               "jax": lambda x: module.asarray(x)}[framework]
    y_true, y_pred = convert(np.array([1.0, 0.0, 1.0, 0.0])), convert(np.array([0.1, 0.2, 0.3, 0.4]))
    weights = np.array([0.4, 0.3, 0.2, 0.1])
    keras.src.backend.set_keras_mask(y_pred, convert(np.array([True, False, True, True])))
    ours = type("Squares", (_Squares, mk.Loss), {})()
    masked = np.sum((np.array([1.0, 1.0, 0.0]) - [0.1, 0.3, 0.4]) ** 2) / 3  # 0.4867; unmasked 0.375
    np.testing.assert_allclose(np.asarray(ours(y_true, y_pred)), masked, rtol=1e-6)
    weighted = np.sum(np.array([0.4, 0.2, 0.1]) * (np.array([1.0, 1.0, 0.0]) - [0.1, 0.3, 0.4]) ** 2) / 3
    np.testing.assert_allclose(np.asarray(ours(y_true, y_pred, convert(weights))), weighted, rtol=1e-6)
    # and as Keras' own Loss gives on the same (TensorFlow) tensors
    tf = pytest.importorskip("tensorflow")
    original = type("Squares", (_Squares, keras.losses.Loss), {})()
    t_true, t_pred = tf.constant([1.0, 0.0, 1.0, 0.0]), tf.constant([0.1, 0.2, 0.3, 0.4])
    keras.src.backend.set_keras_mask(t_pred, tf.constant([True, False, True, True]))
    np.testing.assert_allclose(np.asarray(ours(y_true, y_pred)), original(t_true, t_pred).numpy(), rtol=1e-6)
    keras.src.backend.set_keras_mask(y_pred, convert(np.zeros(4, dtype=bool)))
    assert float(np.asarray(ours(y_true, y_pred))) == 0.0  # all masked: divide_no_nan


def test_a_keras_mask_meets_ignore_class(keras, mk):
    tf = pytest.importorskip("tensorflow")
    y_true = tf.constant([[0, 2, 1], [1, 0, 2]])
    y_pred = tf.constant(np.random.default_rng(0).normal(size=(2, 3, 3)), dtype=tf.float32)
    keras.src.backend.set_keras_mask(y_pred, tf.constant([[True, True, False], [True, False, True]]))
    options = {"from_logits": True, "ignore_class": 0}
    for reduction in ("sum_over_batch_size", "sum", None):
        expected = keras.losses.SparseCategoricalCrossentropy(**options, reduction=reduction)(y_true, y_pred)
        got = mk.SparseCategoricalCrossentropy(**options, reduction=reduction)(y_true, y_pred)
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-6)


def test_dtype_takes_names_policies_and_floatx(keras, mk):
    policies = ["float64", "mixed_float16", keras.DTypePolicy("float64"), keras.DTypePolicy("mixed_float16"), None]
    y_true, y_pred = np.array([[1.0, 0.0]]), np.array([[0.25, 0.5]])
    for dtype in policies:
        ours, original = mk.MeanSquaredError(dtype=dtype), keras.losses.MeanSquaredError(dtype=dtype)
        assert ours.dtype == original.dtype
        assert str(ours(y_true, y_pred).dtype) == keras.backend.standardize_dtype(original(y_true, y_pred).dtype)
    previous = keras.config.floatx()
    keras.config.set_floatx("float64")
    try:
        assert mk.Huber().dtype == keras.losses.Huber().dtype == "float64"
        assert mk.Huber()(y_true, y_pred).dtype == np.float64
    finally:
        keras.config.set_floatx(previous)
    assert mk.Huber().dtype == "float32"
    with pytest.raises(ValueError):
        mk.Huber(dtype=3)


def test_without_keras_the_classes_are_plain_and_work_on_numpy():
    code = textwrap.dedent("""
        import pickle, sys
        import numpy as np
        import multiloss.keras as mk

        loss = mk.Huber(delta=0.5)
        assert "keras" not in sys.modules and type(loss) is mk.Huber
        assert loss.dtype == "float32" and mk.LossFunctionWrapper(mk.mse).name == "loss_function_wrapper"
        got = loss(np.array([[0.0, 1.0]]), np.array([[2.0, 1.25]]))
        assert got.dtype == np.float32 and np.isclose(got, (0.5 * 1.75 + 0.5 * 0.25 ** 2) / 2)
        assert mk.MeanSquaredError(dtype="mixed_float16").dtype == "float16"
        assert mk.get("mse") is mk.mean_squared_error and type(mk.get("Huber")) is mk.Huber
        assert type(pickle.loads(pickle.dumps(loss))) is mk.Huber
        assert "keras" not in sys.modules
        print("ok")
    """)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]


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
