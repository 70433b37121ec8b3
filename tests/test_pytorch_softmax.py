"""PyTorch's cross_entropy / nll_loss: what the catalog can't say.

- every error's class AND message equal PyTorch's, on every backend;
- the index range check is skipped under jit (and the result is then unspecified, not an error);
- a batch size known only at run time (``tf.function`` with a ``None`` dimension);
- JAX without x64 (int32 class indices, the only kind it can make);
- a value worked by hand.

Expected messages come from running torch in the test.
"""

import math

import numpy as np
import pytest

from multiloss import testing
from multiloss.pytorch import functional as ML
from multiloss.testing._frameworks import import_all, to_native, x64

torch = pytest.importorskip("torch")
F = torch.nn.functional
import_all()

BACKENDS = [b for b in testing.FRAMEWORKS if testing.installed(b)]
rng = np.random.default_rng(0)


def _logits(*shape):
    return rng.normal(size=shape).astype(np.float32)


def _idx(values, dtype=np.int64):
    return np.asarray(values, dtype=dtype)


X = _logits(5, 3)
X4 = _logits(2, 3, 4, 5)
P = np.full((5, 3), 1 / 3, np.float32)

# (name, function name, positional arrays, options)
ERROR_CASES = [
    ("out of range", "cross_entropy", (X, _idx([0, 1, 3, 0, 1])), {}),
    ("negative", "cross_entropy", (X, _idx([0, 1, -1, 0, 1])), {}),
    # (with reduction="none" PyTorch checks in parallel and may name any offending index)
    ("out of range, nll", "nll_loss", (X, _idx([0, 1, 7, 0, 3])), {"reduction": "sum"}),
    ("out of range, 4-D", "cross_entropy", (X4, np.full((2, 4, 5), 3, np.int64)), {}),
    ("float target", "cross_entropy", (X, np.zeros(5, np.float32)), {}),
    ("int32 target", "cross_entropy", (X, _idx([0, 1, 2, 0, 1], np.int32)), {}),
    ("int16 target", "nll_loss", (X, _idx([0, 1, 2, 0, 1], np.int16)), {}),
    ("bool target", "cross_entropy", (X, _idx([0, 1, 1, 0, 1], np.bool_)), {}),
    ("weight length", "cross_entropy", (X, _idx([0, 1, 2, 0, 1])), {"weight": np.ones(4, np.float32)}),
    ("weight (1, C)", "nll_loss", (X, _idx([0, 1, 2, 0, 1])), {"weight": np.ones((1, 3), np.float32)}),
    ("weight length, 4-D", "cross_entropy", (X4, np.zeros((2, 4, 5), np.int64)), {"weight": np.ones(4, np.float32)}),
    ("weight dtype", "cross_entropy", (X, _idx([0, 1, 2, 0, 1])), {"weight": np.ones(3, np.float64)}),
    ("batch sizes", "cross_entropy", (X, _idx([0, 1, 2])), {}),
    ("0-d target, 2-D input", "cross_entropy", (X, _idx(1)), {}),
    ("multi-target", "nll_loss", (X, np.zeros((5, 2), np.int64)), {}),
    ("4-D size mismatch", "cross_entropy", (X4, np.zeros((2, 4, 6), np.int64)), {}),
    ("3-D size mismatch", "cross_entropy", (_logits(2, 3, 4), np.zeros((2, 5), np.int64)), {}),
    ("5-D size mismatch", "nll_loss", (_logits(2, 3, 4, 2, 2), np.zeros((2, 4, 2, 3), np.int64)), {}),
    ("4-D target rank", "cross_entropy", (X4, np.zeros((2, 4), np.int64)), {}),
    ("4-D float target", "cross_entropy", (X4, np.zeros((2, 4, 5), np.float32)), {}),
    ("4-D uint8 target", "cross_entropy", (X4, np.zeros((2, 4, 5), np.uint8)), {}),
    ("label_smoothing 1.5", "cross_entropy", (X, _idx([0, 1, 2, 0, 1])), {"label_smoothing": 1.5}),
    ("label_smoothing 2", "cross_entropy", (X, _idx([0, 1, 2, 0, 1])), {"label_smoothing": 2}),
    ("label_smoothing 1.0001", "cross_entropy", (X, _idx([0, 1, 2, 0, 1])), {"label_smoothing": 1.0001}),
    ("label_smoothing big", "cross_entropy", (X, _idx([0, 1, 2, 0, 1])), {"label_smoothing": 123456789.0}),
    ("label_smoothing before batch check", "cross_entropy", (X, _idx([0, 1])), {"label_smoothing": 3.0}),
    ("label_smoothing, probabilities", "cross_entropy", (X, P), {"label_smoothing": 1.5}),
    ("ignore_index, probabilities", "cross_entropy", (X, P), {"ignore_index": 1}),
    ("integer probabilities", "cross_entropy", (X, np.ones((5, 3), np.int64)), {}),
    ("weight, probabilities", "cross_entropy", (X, P), {"weight": np.ones(4, np.float32)}),
    ("(C,) input, (2,) target", "cross_entropy", (_logits(3), _idx([0, 1])), {}),
    ("(C,) input, (1,) target, smoothed", "cross_entropy", (_logits(3), _idx([0])), {"label_smoothing": 0.1}),
    ("0-d input", "nll_loss", (np.ones((), np.float32), _idx(1)), {}),
    ("unknown reduction", "cross_entropy", (X, _idx([0, 1, 2, 0, 1])), {"reduction": "avg"}),
    ("reduction None", "nll_loss", (X, _idx([0, 1, 2, 0, 1])), {"reduction": None}),
    ("ignore_index float", "cross_entropy", (X, _idx([0, 1, 2, 0, 1])), {"ignore_index": 1.5}),
    ("ignore_index bool", "nll_loss", (X, _idx([0, 1, 2, 0, 1])), {"ignore_index": True}),
    ("label_smoothing str", "cross_entropy", (X, _idx([0, 1, 2, 0, 1])), {"label_smoothing": "a"}),
]


def _call(framework, fn, arrays, options):
    with x64(framework):
        native = [to_native(framework, a) for a in arrays]
        options = {k: to_native(framework, v) for k, v in options.items()}
        return fn(*native, **options)


def _outcome(call):
    try:
        call()
    except Exception as exc:  # noqa: BLE001 - the class and message are what is compared
        return type(exc).__name__, str(exc)
    return None


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("name", "function", "arrays", "options"), ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_error_class_and_message(backend, name, function, arrays, options):
    expected = _outcome(lambda: _call("torch", getattr(F, function), arrays, options))
    assert expected is not None, f"torch raised nothing for {name}"
    got = _outcome(lambda: _call(backend, getattr(ML, function), arrays, options))
    assert got == expected


def test_legacy_arguments_warn_like_torch():
    x, t = torch.from_numpy(X), torch.tensor([0, 1, 2, 0, 1])
    for options in ({"size_average": False}, {"reduce": False}, {"reduction": "elementwise_mean"}):
        with pytest.warns(UserWarning) as ours:
            got = ML.cross_entropy(x, t, **options)
        with pytest.warns(UserWarning) as theirs:
            expected = F.cross_entropy(x, t, **options)
        assert [str(w.message) for w in ours] == [str(w.message) for w in theirs]
        torch.testing.assert_close(got, expected)


def test_hand_worked_value():
    """Two classes, logits (0, log 3): p = (1/4, 3/4). Target 1, weight (2, 1), smoothing 0.5:
    (1 - s) * w1 * -log(3/4) + s / C * (w0 * -log(1/4) + w1 * -log(3/4)), over w1 = 1."""
    x = np.array([[0.0, math.log(3.0)]])
    nll, smooth = -math.log(0.75), 2 * -math.log(0.25) + -math.log(0.75)
    expected = 0.5 * nll + 0.25 * smooth
    got = ML.cross_entropy(x, np.array([1]), weight=np.array([2.0, 1.0]), label_smoothing=0.5)
    assert abs(float(got) - expected) < 1e-12


def test_huge_logits_are_finite_with_finite_gradients():
    x = torch.tensor([[1000.0, -1000.0, 0.0], [-500.0, 300.0, 200.0]], dtype=torch.float64, requires_grad=True)
    t = torch.tensor([1, 0])
    ours = ML.cross_entropy(x, t, label_smoothing=0.1)
    (grad,) = torch.autograd.grad(ours, x)
    assert torch.isfinite(ours) and torch.isfinite(grad).all()
    torch.testing.assert_close(ours, F.cross_entropy(x, t, label_smoothing=0.1))


def test_range_check_is_skipped_under_jit():
    jax = pytest.importorskip("jax")
    x, t = jax.numpy.asarray(X), jax.numpy.asarray(_idx([0, 1, 3, 0, 1]))
    with pytest.raises(IndexError):
        ML.cross_entropy(x, t)
    out = jax.jit(ML.cross_entropy)(x, t)  # no value is known: no error, an unspecified value
    assert out.shape == ()


def test_jax_without_x64_takes_int32_indices():
    jax = pytest.importorskip("jax")
    if jax.config.jax_enable_x64:
        pytest.skip("x64 is on")
    t = _idx([0, 1, 2, -100, 1])
    got = ML.cross_entropy(jax.numpy.asarray(X), jax.numpy.asarray(t), weight=jax.numpy.ones(3) * 2,
                           label_smoothing=0.2)
    expected = F.cross_entropy(torch.from_numpy(X), torch.from_numpy(t), weight=torch.ones(3) * 2,
                               label_smoothing=0.2)
    np.testing.assert_allclose(np.asarray(got), expected.numpy(), rtol=1e-5)


def test_tf_function_with_a_batch_size_known_at_run_time():
    tf = pytest.importorskip("tensorflow")
    spec = (tf.TensorSpec([None, 3], tf.float32), tf.TensorSpec([None], tf.int64))
    k_spec = (tf.TensorSpec([None, 3, 4, 5], tf.float32), tf.TensorSpec([None, 4, 5], tf.int64))
    t = _idx([0, 1, 2, -100, 1])
    t4 = rng.integers(0, 3, size=(2, 4, 5))
    # One named function per case: autograph converts a function by its source, and two lambdas
    # made from one line in a loop can be mistaken for each other once the first is collected.
    def smoothed(a, b):
        return ML.cross_entropy(a, b, label_smoothing=0.1)

    def unreduced(a, b):
        return ML.cross_entropy(a, b, reduction="none")

    for sig, x, target, options, loss in ((spec, X, t, {"label_smoothing": 0.1}, smoothed),
                                          (k_spec, X4, t4, {"reduction": "none"}, unreduced)):
        got = tf.function(loss, input_signature=sig)(tf.constant(x), tf.constant(target))
        expected = F.cross_entropy(torch.from_numpy(x), torch.from_numpy(np.asarray(target)), **options)
        np.testing.assert_allclose(got.numpy(), expected.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("backend", BACKENDS)
def test_integer_index_arrays_convert(backend):
    """int64 (and uint8) indices straight from NumPy work on every backend, in the harness' x64 mode."""
    for dtype in (np.int64, np.uint8):
        t = _idx([0, 1, 2, 0, 1], dtype)
        got = np.asarray(testing.to_numpy(_call(backend, ML.nll_loss, (X, t), {"reduction": "none"})))
        np.testing.assert_allclose(got, -X[np.arange(5), t.astype(np.int64)], rtol=1e-6)
