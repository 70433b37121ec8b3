"""Per-framework plumbing for the harness: conversion, gradients, compilation.

Frameworks are imported only when asked for, torch and torchvision before
TensorFlow (the other order can crash some builds), and Keras always on the
TensorFlow backend, which is the reference for Keras semantics.
"""

from __future__ import annotations

import contextlib
import importlib
import importlib.util
import os

import numpy as np

FRAMEWORKS = ("numpy", "torch", "tensorflow", "jax")
_MODULE = {"numpy": "numpy", "torch": "torch", "tensorflow": "tensorflow", "jax": "jax"}


def installed(framework):
    return importlib.util.find_spec(_MODULE[framework]) is not None


def import_all():
    """Import every installed framework in a safe order; Keras on TensorFlow."""
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
    # torch.compile's dynamo loads triton (in CUDA builds of torch), and torchvision, which holds the
    # originals of the torchvision rows, loads dynamo: imported after TensorFlow, triton crashes the process.
    for module in ("torch", "torch._dynamo", "torchvision", "tensorflow", "jax"):
        if importlib.util.find_spec(module.partition(".")[0]) is not None:
            importlib.import_module(module)
    if installed("tensorflow"):
        import tensorflow as tf

        # The compiled check makes a new tf.function per option set on purpose;
        # TF's retracing warning about that would drown the report.
        tf.get_logger().setLevel("ERROR")


def framework_of_path(path):
    """The framework an original's arrays belong to, from its dotted path."""
    root = path.partition(".")[0]
    return {"torch": "torch", "torchvision": "torch", "tensorflow": "tensorflow", "keras": "tensorflow",
            "jax": "jax", "optax": "jax"}.get(root, "numpy")


def x64(framework, arrays=None):
    """JAX computes in float32 unless x64 is on: the harness turns it on around its own runs only.

    With ``arrays`` (the NumPy inputs of a run), it is on only where a JAX user would need it:
    for float64 inputs, or integer inputs with no float beside them (which keep int64). A
    float32 run is then JAX's default one, where the dtypes a JAX function makes itself
    (``one_hot``, ``eye``: JAX's default float) are float32, as its users see them.
    """
    if framework == "jax":
        import jax

        if arrays is not None:
            floats = [v.dtype for v in arrays.values()
                      if isinstance(v, np.ndarray) and (v.dtype.kind == "f" or v.dtype.name == "bfloat16")]
            return jax.enable_x64(not floats or np.dtype(np.float64) in floats)
        return jax.enable_x64(True)
    return contextlib.nullcontext()


def to_native(framework, value):
    """A NumPy array as an array of ``framework``; anything else unchanged."""
    if not isinstance(value, np.ndarray):
        return value
    if framework == "numpy":
        return value.copy()
    if framework == "torch":
        import torch

        if value.dtype.name == "bfloat16":  # torch reads no ml_dtypes array: convert through float32
            return torch.from_numpy(value.astype(np.float32)).to(torch.bfloat16)
        return torch.from_numpy(value.copy())
    if framework == "tensorflow":
        import tensorflow as tf

        return tf.constant(value)
    import jax.numpy as jnp

    return jnp.asarray(value)


def to_numpy(x):
    if hasattr(x, "detach"):
        x = x.detach()
        if str(x.dtype) == "torch.bfloat16":  # torch has no NumPy bfloat16: go through float32
            import ml_dtypes

            return x.float().numpy().astype(ml_dtypes.bfloat16)
    if hasattr(x, "numpy") and not isinstance(x, np.ndarray):
        return np.asarray(x.numpy())
    return np.asarray(x)


def is_native(framework, x):
    """Whether ``x`` is an array of ``framework`` (NumPy: an ndarray or a NumPy scalar)."""
    root = type(x).__module__.partition(".")[0]
    return {"numpy": ("numpy",), "torch": ("torch",), "tensorflow": ("tensorflow",),
            "jax": ("jax", "jaxlib")}[framework].__contains__(root)


def gradient(framework, fn, arrays, role, cotangent):
    """d sum(fn(arrays) * cotangent) / d arrays[role], as a NumPy array."""
    if framework == "torch":
        import torch

        arrays = dict(arrays)
        arrays[role] = arrays[role].clone().requires_grad_(True)
        out = fn(arrays)
        (out * torch.as_tensor(cotangent, dtype=out.dtype)).sum().backward()
        return to_numpy(arrays[role].grad)
    if framework == "tensorflow":
        import tensorflow as tf

        with tf.GradientTape() as tape:
            tape.watch(arrays[role])
            out = fn(arrays)
            total = tf.reduce_sum(out * tf.constant(cotangent, dtype=out.dtype))
        return to_numpy(tape.gradient(total, arrays[role]))
    if framework == "jax":
        import jax
        import jax.numpy as jnp

        def scalar(value):
            out = fn({**arrays, role: value})
            return jnp.sum(out * jnp.asarray(cotangent, dtype=out.dtype))

        return to_numpy(jax.grad(scalar)(arrays[role]))
    raise ValueError(f"{framework} has no autodiff")


def compiled(framework, fn):
    """``fn(arrays)`` compiled the framework's way: jax.jit, tf.function(jit_compile=True),
    torch.compile(fullgraph=True) with the eager backend (tracing is what is tested)."""
    if framework == "jax":
        import jax

        return jax.jit(fn)
    if framework == "tensorflow":
        import tensorflow as tf

        return tf.function(fn, jit_compile=True)
    if framework == "torch":
        import torch

        torch._dynamo.reset()
        return torch.compile(fn, fullgraph=True, backend="eager")
    raise ValueError(f"{framework} has no compiler")
