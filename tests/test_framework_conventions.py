"""Engine conventions a catalog row can't express: gradients at the points where frameworks differ,
compiled calls with shapes and scalars that vary, and the dtype a Keras class is built with.

Every expected value comes from the original, run here on the same inputs.
"""

import numpy as np
import pytest

from multiloss.testing._frameworks import (
    gradient,
    installed,
    jax_compilations,
    to_native,
    to_numpy,
    x64,
)

BACKENDS = [b for b in ("torch", "tensorflow", "jax") if installed(b)]


def _grad(backend, fn, arrays, role):
    """d sum(fn(arrays)) / d arrays[role] on ``backend``, float64, as NumPy."""
    with x64(backend):
        native = {k: to_native(backend, v) for k, v in arrays.items()}
        out = to_numpy(fn(native))
        return gradient(backend, fn, native, role, np.ones(out.shape, out.dtype))


def _same(got, expected):
    """Equal where finite, with NaN and each infinity in the same places."""
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    np.testing.assert_array_equal(np.isposinf(got), np.isposinf(expected))
    np.testing.assert_array_equal(np.isneginf(got), np.isneginf(expected))
    finite = np.isfinite(expected)
    np.testing.assert_allclose(got[finite], expected[finite], rtol=1e-6, atol=1e-9)


# -- kl_div: the target's gradient at a zero entry ---------------------------------------------

_LOG_Q = np.array([[-1.0, -2.0, -np.inf, -0.5, -1.2, -0.7], [-0.1, -np.inf, -3.0, -1.0, -2.0, -0.4]])
_P = np.array([[0.0, 0.3, 0.0, 0.7, -0.0, -0.2], [0.5, 0.0, 0.0, 0.5, 0.0, 1.0]])
_LOG_P = np.array([[-np.inf, -1.0, -np.inf, 0.0, -2.0, -0.5], [-0.7, -np.inf, 0.0, -np.inf, -1.0, np.inf]])


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("log_target", [False, True])
@pytest.mark.parametrize("role", ["input", "target"])
@pytest.mark.parametrize("reduction", ["none", "batchmean"])
@pytest.mark.parametrize("style", ["function", "class"])
def test_kl_div_gradients_at_zero_targets_are_torchs(backend, log_target, role, reduction, style):
    import torch

    import multiloss.pytorch as mp

    arrays = {"input": _LOG_Q, "target": _LOG_P if log_target else _P}

    def call(module, functional):
        def fn(a):
            if style == "class":
                return module.KLDivLoss(reduction=reduction, log_target=log_target)(a["input"], a["target"])
            return functional.kl_div(a["input"], a["target"], reduction=reduction, log_target=log_target)
        return fn

    expected = _grad("torch", call(torch.nn, torch.nn.functional), arrays, role)
    got = _grad(backend, call(mp, mp.functional), arrays, role)
    _same(got, expected)


# -- nll_loss on a non-contiguous (N, C, d) input: torch's value and gradient -----------------

_LAYOUTS = {
    "transposed": lambda torch, g: torch.randn(4, 7, 5, generator=g, dtype=torch.float64).log_softmax(-1).transpose(1, 2),
    "strided": lambda torch, g: torch.randn(4, 5, 14, generator=g, dtype=torch.float64).log_softmax(1)[:, :, ::2],
}


@pytest.mark.parametrize("layout", sorted(_LAYOUTS))
@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize("style", ["function", "class"])
def test_nll_loss_on_a_non_contiguous_input_has_torchs_gradient(layout, reduction, style):
    import torch

    import multiloss.pytorch as mp

    g = torch.Generator().manual_seed(0)
    base = _LAYOUTS[layout](torch, g)
    target = torch.randint(0, 5, (4, 7), generator=g)
    target[0, 0] = -100  # an ignored place

    def run(module, functional):
        x = base.detach().requires_grad_()
        assert not x.is_contiguous()
        fn = module.NLLLoss(reduction=reduction) if style == "class" else (
            lambda a, b: functional.nll_loss(a, b, reduction=reduction))
        out = fn(x, target)
        out.sum().backward()
        return out.detach(), x.grad

    (got, got_grad), (expected, expected_grad) = run(mp, mp.functional), run(torch.nn, torch.nn.functional)
    torch.testing.assert_close(got, expected, rtol=0, atol=0)
    torch.testing.assert_close(got_grad, expected_grad, rtol=0, atol=0)


# -- Keras cosine similarity: a zero vector's gradient -----------------------------------------

_ZERO_ROWS = {
    "y_true": np.array([[0.6, 0.8, 0.0], [0.0, 0.0, 0.0], [1.0, 2.0, 2.0], [0.0, 0.0, 0.0]], np.float32),
    "y_pred": np.array([[0.0, 0.0, 0.0], [0.3, 0.1, 0.2], [0.0, 0.0, 0.0], [0.0, 0.0, 0.0]], np.float32),
}


def _gradient32(backend, fn, arrays, role):
    native = {k: to_native(backend, v) for k, v in arrays.items()}
    out = to_numpy(fn(native))
    return gradient(backend, fn, native, role, np.ones(out.shape, out.dtype))


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("role", ["y_true", "y_pred"])
@pytest.mark.parametrize("style", ["function", "class"])
def test_keras_cosine_similarity_zero_vectors_have_keras_finite_gradient(backend, role, style):
    import keras

    import multiloss.keras as mk

    def call(module):
        if style == "class":
            return lambda a: module.CosineSimilarity()(a["y_true"], a["y_pred"])
        return lambda a: module.cosine_similarity(a["y_true"], a["y_pred"])

    expected = _gradient32("tensorflow", call(keras.losses), _ZERO_ROWS, role)
    assert np.isfinite(expected).all() and np.abs(expected).max() > 1e6  # the 1 / epsilon scale
    got = _gradient32(backend, call(mk), _ZERO_ROWS, role)
    np.testing.assert_allclose(got, expected, rtol=1e-5)


# -- Keras classes built with a 16-bit dtype ---------------------------------------------------


def _keras_class_rows():
    from multiloss.catalog import ENTRIES

    return [e for e in ENTRIES if e.path.startswith("multiloss.keras.") and e.style == "class"]


def _dtype_of(x):
    return str(x.dtype).removeprefix("torch.").removeprefix("<dtype: '").removesuffix("'>")


@pytest.mark.parametrize("dtype", ["bfloat16", "float16"])
@pytest.mark.parametrize("backend", BACKENDS)
def test_keras_classes_honour_a_16_bit_dtype(backend, dtype):
    from multiloss.testing import _arrays, _invoke, _native_arrays, _resolve

    wrong = []
    for entry in _keras_class_rows():
        options = {**entry.options[0], "dtype": dtype}
        arrays = _arrays(entry, np.float32)
        expected = _invoke(entry, _resolve(entry.original), _native_arrays("tensorflow", arrays), options)
        got = _invoke(entry, entry.resolve(), _native_arrays(backend, arrays), options)
        want, value = _dtype_of(expected), np.asarray(to_numpy(expected), np.float64)
        if _dtype_of(got) != want or not np.allclose(np.asarray(to_numpy(got), np.float64), value, rtol=2e-2):
            wrong.append(f"{entry.path}: {_dtype_of(got)} {to_numpy(got)}, Keras {want} {value}")
    assert not wrong, "\n".join(wrong)


# -- Keras circle on another device -------------------------------------------------------------


def _circle_rows():
    from multiloss.catalog import ENTRIES

    return [e for e in ENTRIES if e.path in ("multiloss.keras.circle", "multiloss.keras.Circle")]


@pytest.mark.skipif("torch" not in BACKENDS, reason="torch is not installed")
@pytest.mark.parametrize("entry", _circle_rows(), ids=lambda e: e.path)
def test_keras_circle_makes_its_arrays_on_the_inputs_device(entry):
    """torch's ``meta`` device fails as a GPU does where an array is made on the CPU; the values
    are the CPU ones, held to Keras' by the conformance suite."""

    from multiloss.testing import _arrays, _invoke

    for options in entry.options:
        arrays = _arrays(entry, np.float32)
        on_cpu = _invoke(entry, entry.resolve(), {k: to_native("torch", v) for k, v in arrays.items()}, options)
        meta = {k: to_native("torch", v).to("meta") for k, v in arrays.items()}
        meta[entry.grad].requires_grad_(True)
        out = _invoke(entry, entry.resolve(), meta, options)
        out.sum().backward()
        assert out.device.type == "meta" and meta[entry.grad].grad.device.type == "meta", options
        assert out.shape == on_cpu.shape and out.dtype == on_cpu.dtype, options


# -- the harness's own cost on JAX ---------------------------------------------------------------


def test_jax_conventions_compile_one_program_each():
    """Eager JAX compiles a program per operation and shape (about 50 ms each on a CPU): the
    harness hands arrays to JAX with no compilation and runs each JAX convention as one jitted
    program, so a row's four conventions compile at most four (``vmap`` and ``jacfwd`` run eagerly
    compiled about forty for this row)."""
    pytest.importorskip("jax")
    from multiloss import catalog, testing

    with jax_compilations() as compiles:
        to_native("jax", np.zeros((3, 7, 11), np.float32))  # a shape no other test makes
        assert compiles == []
        entry = next(e for e in catalog.ENTRIES if e.path == "multiloss.pytorch.functional.smooth_l1_loss")
        findings = testing.run(entry, "jax", checks=("conventions",))
    assert [f.status for f in findings] == ["PASS"], findings
    assert 1 <= len(compiles) <= 4, len(compiles)


def test_the_shared_lowering_context_lowers_the_same_program(monkeypatch):
    """The harness's processes lower every JAX program in one MLIR context (conftest.py, the check's
    workers): the program's text is the one a fresh context gives."""
    jax = pytest.importorskip("jax")
    from jax._src.interpreters import mlir

    import multiloss.pytorch.functional as mf

    assert mlir.make_ir_context() is mlir.make_ir_context()

    def lowered():
        x = jax.numpy.zeros((4, 3), jax.numpy.float32)
        return jax.jit(lambda a, b: mf.huber_loss(a, b, delta=0.5)).lower(x, x + 1).as_text()

    shared = lowered()
    monkeypatch.setattr(mlir, "make_ir_context", mlir.make_ir_context.__wrapped__)
    assert mlir.make_ir_context() is not mlir.make_ir_context()
    assert lowered() == shared


# -- tf.function traces multiloss as plain Python, as it traces TensorFlow's and Keras' losses ---


@pytest.mark.parametrize("order", ["multiloss first", "tensorflow first"])
def test_tf_function_traces_multiloss_without_autograph(order, tmp_path):
    """AutoGraph leaves the libraries its rules name (TensorFlow, Keras: the originals) as they are
    and rewrites the source of any other function a ``tf.function`` reaches; multiloss is named
    too, whichever of the two is imported first, so a trace runs its own code (no frame of an
    AutoGraph-generated file between the user's function and the loss's math: before the rule a
    first trace rewrote the whole call path, seconds for one loss) and the value is TF's."""
    pytest.importorskip("tensorflow")
    import subprocess
    import sys

    imports = ["import multiloss.tf.nn", "import tensorflow as tf"]
    script = "\n".join([*(imports if order == "multiloss first" else imports[::-1]), """
import inspect
import numpy as np
from multiloss.losses import regression

frames = []
def half_sum_of_squares(xp, x, _original=regression.half_sum_of_squares):
    frames.extend((f.filename, f.function) for f in inspect.stack())
    return _original(xp, x)
regression.half_sum_of_squares = half_sum_of_squares

x = tf.constant(np.arange(6, dtype=np.float32).reshape(2, 3))
out = tf.function(lambda t: multiloss.tf.nn.l2_loss(t))(x)
assert frames, "the loss's math was not reached"
# the user's lambda is rewritten (its frame is in a generated file); the functions it calls are not
rewritten = [name for file, name in frames if "__autograph_generated" in file and name != "<lambda>"]
assert not rewritten, rewritten
np.testing.assert_allclose(out.numpy(), tf.nn.l2_loss(x).numpy())
print("ok")
"""])
    path = tmp_path / "trace.py"  # a file: AutoGraph converts only functions whose source it can read
    path.write_text(script)
    done = subprocess.run([sys.executable, str(path)], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip().endswith("ok"), done.stderr[-2000:]
