"""The categorical family beyond the catalog: signatures, float32 rounding, label gradients,
the InvalidArgumentError stand-in, and behaviour under jit. Expected values come from the
real Keras / TensorFlow run in the test."""

import inspect
import warnings

import numpy as np
import pytest

from multiloss import testing
from multiloss.testing import _frameworks as fw

fw.import_all()  # torch before TensorFlow; Keras on TensorFlow
tf = pytest.importorskip("tensorflow")
keras = pytest.importorskip("keras")

import multiloss.keras as mk  # noqa: E402
import multiloss.tf.losses as ml  # noqa: E402
import multiloss.tf.nn as mn  # noqa: E402
from multiloss.tf.errors import InvalidArgumentError  # noqa: E402

BACKENDS = [b for b in fw.FRAMEWORKS if testing.installed(b)]
AUTODIFF = [b for b in BACKENDS if b != "numpy"]

_KERAS_NAMES = ("categorical_crossentropy", "sparse_categorical_crossentropy", "categorical_focal_crossentropy",
                "categorical_generalized_cross_entropy", "CategoricalCrossentropy", "SparseCategoricalCrossentropy",
                "CategoricalFocalCrossentropy", "CategoricalGeneralizedCrossEntropy")
_PAIRS = [(getattr(keras.losses, n), getattr(mk, n)) for n in _KERAS_NAMES] + [
    (tf.compat.v1.losses.softmax_cross_entropy, ml.softmax_cross_entropy),
    (tf.compat.v1.losses.sparse_softmax_cross_entropy, ml.sparse_softmax_cross_entropy),
    (tf.nn.softmax_cross_entropy_with_logits, mn.softmax_cross_entropy_with_logits),
    (tf.nn.sparse_softmax_cross_entropy_with_logits, mn.sparse_softmax_cross_entropy_with_logits),
]


def _np(x):
    return fw.to_numpy(x)


@pytest.mark.parametrize(("original", "ours"), _PAIRS, ids=lambda f: getattr(f, "__name__", ""))
def test_signature_is_the_originals(original, ours):
    """Names, positional order (SparseCategoricalCrossentropy: reduction before axis) and defaults."""
    assert inspect.signature(ours) == inspect.signature(original)


@pytest.mark.parametrize("backend", BACKENDS)
def test_upper_clip_rounds_in_float32(backend):
    """1 - 1e-7 is 0.99999988 in float32: a certain, correct prediction costs 1.19e-7, not 1e-7."""
    target = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
    pred = np.array([[1.0, 0.0], [0.0, 1.0]], np.float32)
    for dtype, by_hand in ((np.float32, -np.log(np.float64(np.float32(1 - 1e-7)))), (np.float64, -np.log1p(-1e-7))):
        expected = _np(keras.losses.categorical_crossentropy(target.astype(dtype), pred.astype(dtype)))
        np.testing.assert_allclose(expected, by_hand, rtol=1e-6)
        with fw.x64(backend):
            got = _np(mk.categorical_crossentropy(fw.to_native(backend, target.astype(dtype)),
                                                  fw.to_native(backend, pred.astype(dtype))))
        np.testing.assert_allclose(got, expected, rtol=1e-6, atol=0)


@pytest.mark.parametrize("backend", AUTODIFF)
def test_v2_gradient_flows_into_labels(backend):
    """tf.nn.softmax_cross_entropy_with_logits: d loss / d labels = -log_softmax(logits)."""
    rng = np.random.default_rng(0)
    arrays = {"labels": rng.uniform(size=(3, 4)), "logits": rng.normal(size=(3, 4)) * 3}
    cotangent = rng.uniform(0.5, 1.5, size=(3,))

    def run(framework, fn):
        with fw.x64(framework):
            native = {k: fw.to_native(framework, v) for k, v in arrays.items()}
            return fw.gradient(framework, lambda a: fn(a["labels"], a["logits"]), native, "labels", cotangent)

    expected = run("tensorflow", tf.nn.softmax_cross_entropy_with_logits)
    np.testing.assert_allclose(run(backend, mn.softmax_cross_entropy_with_logits), expected, rtol=1e-12)


@pytest.mark.parametrize("backend", AUTODIFF)
def test_v1_labels_get_no_gradient(backend):
    rng = np.random.default_rng(1)
    labels, logits = np.eye(4)[[0, 2, 3]], rng.normal(size=(3, 4))
    with fw.x64(backend):
        native = {"labels": fw.to_native(backend, labels), "logits": fw.to_native(backend, logits)}
        fn = lambda a: ml.softmax_cross_entropy(a["labels"], a["logits"], label_smoothing=0.1)  # noqa: E731
        if backend == "torch":
            native["labels"].requires_grad_(True)
            native["logits"].requires_grad_(True)
            fn(native).backward()
            assert native["labels"].grad is None
        elif backend == "tensorflow":
            with tf.GradientTape() as tape:
                tape.watch(native["labels"])
                out = fn(native)
            assert tape.gradient(out, native["labels"]) is None
        else:
            np.testing.assert_array_equal(fw.gradient(backend, fn, native, "labels", np.float64(1.0)), 0)


def _tf_error(fn):
    with pytest.raises(tf.errors.InvalidArgumentError) as info:
        fn()
    return str(info.value)


@pytest.mark.parametrize("backend", BACKENDS)
def test_invalid_argument_error_reads_as_tensorflows(backend):
    assert issubclass(InvalidArgumentError, ValueError)
    assert InvalidArgumentError.__name__ == tf.errors.InvalidArgumentError.__name__
    logits = np.zeros((4, 3), np.float32)
    for labels in (np.array([0, 3, 1, -2]), np.array([0, 3, 1, 5]), np.array([0, 1, 2, 1], np.float32)):
        tf_message = _tf_error(lambda labels=labels: tf.nn.sparse_softmax_cross_entropy_with_logits(labels, logits))
        with pytest.raises(InvalidArgumentError) as info:
            mn.sparse_softmax_cross_entropy_with_logits(fw.to_native(backend, labels), fw.to_native(backend, logits))
        assert str(info.value) in tf_message


@pytest.mark.parametrize("backend", ["jax", "tensorflow", "torch"])
def test_range_unchecked_under_jit_gives_nan(backend):
    """Compiled, the label range can't be read: the bad row is NaN (TF's XLA kernel does the same)."""
    if backend not in BACKENDS:
        pytest.skip(f"{backend} is not installed")
    labels, logits = np.array([0, 3, 1]), np.random.default_rng(2).normal(size=(3, 3)).astype(np.float32)
    with fw.x64(backend):
        native = {"labels": fw.to_native(backend, labels), "logits": fw.to_native(backend, logits)}
        fn = fw.compiled(backend, lambda a: mn.sparse_softmax_cross_entropy_with_logits(a["labels"], a["logits"]))
        got = _np(fn(native))
    expected = _np(tf.function(tf.nn.sparse_softmax_cross_entropy_with_logits, jit_compile=True)(
        tf.constant(labels), tf.constant(logits)))
    np.testing.assert_array_equal(np.isnan(got), [False, True, False])
    np.testing.assert_allclose(got[[0, 2]], expected[[0, 2]], rtol=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
def test_half_precision_computes_in_float32(backend):
    rng = np.random.default_rng(3)
    labels, logits = np.eye(5)[[0, 4, 2]].astype(np.float16), (rng.normal(size=(3, 5)) * 4).astype(np.float16)
    expected = _np(tf.nn.softmax_cross_entropy_with_logits(labels, logits))
    got = mn.softmax_cross_entropy_with_logits(fw.to_native(backend, labels), fw.to_native(backend, logits))
    assert _np(got).dtype == np.float16
    # atol: the generic (NumPy) log_softmax, x - logsumexp(x), loses an ulp of the largest logit.
    np.testing.assert_allclose(_np(got), expected, rtol=1e-3, atol=1e-6)


def test_jax_float_labels_need_no_x64():
    """Keras classes turn labels into floats; taking them back to indices must not ask JAX for int64."""
    if "jax" not in BACKENDS:
        pytest.skip("jax is not installed")
    import jax
    import jax.numpy as jnp

    with jax.enable_x64(False), warnings.catch_warnings():
        warnings.simplefilter("error")
        loss = mk.SparseCategoricalCrossentropy(ignore_class=1)(jnp.asarray([0, 1, 2]), jnp.ones((3, 3)) / 3)
    np.testing.assert_allclose(float(loss), np.log(3.0), rtol=1e-6)
