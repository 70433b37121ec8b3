"""Dispatch: the backend comes from the arrays' types, per call, for every framework and tracer."""

import subprocess
import sys
import textwrap
import threading

import numpy as np
import pytest

from multiloss import namespace_of
from multiloss.pytorch.functional import mse_loss


def test_numpy_lists_and_scalars_get_numpy():
    assert namespace_of(np.ones(3)).name == "numpy"
    assert namespace_of([1.0, 2.0], 3.0).name == "numpy"
    assert namespace_of().name == "numpy"
    assert namespace_of(np.float32(1.0)).name == "numpy"


def test_scalars_pass_through_beside_an_array():
    torch = pytest.importorskip("torch")
    assert namespace_of(2.0, torch.ones(2), None, 3).name == "torch"


def test_two_frameworks_raise_type_error_naming_both():
    torch = pytest.importorskip("torch")
    with pytest.raises(TypeError, match=r"numpy\.ndarray.*torch\.Tensor"):
        namespace_of(np.ones(2), torch.ones(2))


def test_unknown_type_raises_type_error_naming_it():
    class Thing:
        pass

    with pytest.raises(TypeError, match="Thing"):
        namespace_of(Thing())


def test_torch_tensor_in_torch_tensor_out_with_autograd():
    torch = pytest.importorskip("torch")
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    out = mse_loss(x, torch.tensor([0.0, 0.0]))
    assert isinstance(out, torch.Tensor)
    out.backward()
    # d/dx mean(x^2) = x (2 / n) with n = 2
    assert torch.allclose(x.grad, torch.tensor([1.0, 2.0]))


def test_torch_compile_fullgraph():
    torch = pytest.importorskip("torch")
    torch._dynamo.reset()
    compiled = torch.compile(lambda a, b: mse_loss(a, b), fullgraph=True, backend="eager")
    assert float(compiled(torch.ones(3), torch.zeros(3))) == 1.0


def test_jax_tracers_under_jit_grad_vmap():
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    seen = []

    def spy(a, b):
        seen.append(namespace_of(a, b).name)
        return mse_loss(a, b)

    x, y = jnp.array([1.0, 3.0]), jnp.zeros(2)
    assert float(jax.jit(spy)(x, y)) == 5.0
    assert np.allclose(jax.grad(spy)(x, y), [1.0, 3.0])
    assert np.allclose(jax.vmap(spy)(x[:, None], y[:, None]), [1.0, 9.0])
    assert seen == ["jax"] * len(seen) and len(seen) >= 3


def test_tensorflow_function_and_variable():
    tf = pytest.importorskip("tensorflow")
    v = tf.Variable([1.0, 3.0])
    assert namespace_of(v).name == "tensorflow"
    seen = []

    @tf.function
    def f(a, b):
        seen.append(namespace_of(a, b).name)
        return mse_loss(a, b)

    assert float(f(v, tf.zeros(2))) == 5.0
    assert seen == ["tensorflow"]
    with tf.GradientTape() as tape:
        loss = mse_loss(v, tf.zeros(2))
    assert np.allclose(tape.gradient(loss, v).numpy(), [1.0, 3.0])


def test_dispatch_is_safe_from_many_threads():
    torch = pytest.importorskip("torch")
    from multiloss import _dispatch

    class Fresh(np.ndarray):  # a type the cache has not seen
        pass

    arrays = [np.ones(2).view(Fresh), torch.ones(2), np.ones(2)]
    results, errors = [], []

    def work(i):
        try:
            results.append(namespace_of(arrays[i % 3]).name)
        except Exception as exc:  # pragma: no cover - the assertion below reports it
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(48)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(set(results)) == ["numpy", "torch"]
    assert _dispatch._cache[Fresh].name == "numpy"


def test_import_imports_no_framework():
    code = textwrap.dedent("""
        import sys
        import multiloss, multiloss.pytorch, multiloss.keras, multiloss.tf, multiloss.optax, multiloss.catalog
        print(sorted(m for m in ("torch", "tensorflow", "jax", "keras") if m in sys.modules))
    """)
    # (the import's time is measured by benchmarks/, never asserted in a test)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_import_beside_torch_leaves_torch_compile_unimported():
    """With torch imported, multiloss imports nothing of torch.compile's (Dynamo: about 1 s): its
    compiled-call helpers are set up when Dynamo itself is imported, and then serve the trace."""
    pytest.importorskip("torch")
    code = textwrap.dedent("""
        import sys
        import torch
        import multiloss, multiloss.pytorch.functional as mf
        print("torch._dynamo" in sys.modules)
        compiled = torch.compile(lambda a, b: mf.mse_loss(a, b), backend="eager", fullgraph=True)
        x, y = torch.ones(3), torch.zeros(3)
        print(float(compiled(x, y)), getattr(multiloss._plan._decided_for_trace, "_dynamo_marked_constant", False))
    """)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["False", "1.0", "True"]
