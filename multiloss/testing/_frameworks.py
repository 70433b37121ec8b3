"""Per-framework plumbing for the harness: conversion, gradients, compilation.

Frameworks are imported only when asked for, torch and torchvision before
TensorFlow (the other order can crash some builds), and Keras always on the
TensorFlow backend, which is the reference for Keras semantics.
"""

from __future__ import annotations

import contextlib
import functools
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
    from ._devices import prepare

    prepare()  # a second host device for the devices check, before JAX starts
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
        prepare()  # and a second logical CPU, before TensorFlow starts


def share_jax_lowering_context():
    """One MLIR context for every JAX lowering of this process, for the processes that compile
    thousands of small programs (a ``multiloss check`` worker, the test suite).

    JAX makes a new context per program and loads its dialects into it (``make_ir_context``): a
    whole-catalog ``multiloss check --backend jax`` with warm caches took 216 s and 405 s of CPU,
    its workers peaking at 5.3 GB, and takes 92-107 s, 173-197 s and 2.7 GB with one context. The
    programs are the same (a context holds the dialects and uniqued types and attributes, not a
    program's meaning), and the process keeps what each one adds to the shared context. A JAX
    without that function is left as it is."""
    if not installed("jax"):
        return
    mlir = importlib.import_module("jax._src.interpreters.mlir")
    make = getattr(mlir, "make_ir_context", None)
    if make is not None and not hasattr(make, "cache_info"):
        mlir.make_ir_context = functools.cache(make)


# XLA's CPU code generation, cheap: LLVM's optimisation pipeline off, and the loop emitters instead
# of the MLIR fusion emitters. A check compiles thousands of programs of a few hundred elements each
# (one per eager JAX operation and shape, one per jit), so compiling is its cost, and the programs'
# speed is not: 360 small programs take 7-8 s to compile instead of 20-21 s. What XLA makes of a
# program (its HLO passes, its fusions and its math) is unchanged; only how the machine code for it
# is generated and optimised.
_QUICK_XLA_FLAGS = ("--xla_backend_optimization_level=0", "--xla_llvm_disable_expensive_passes=true",
                    "--xla_cpu_use_fusion_emitters=false")
# XLA ends the process on a flag it does not know, so the flags go only to the versions that know
# them (the jaxlib and TensorFlow releases they were measured with).
_QUICK_XLA_KNOWN = {"jax": ("jaxlib", (0, 10), (0, 10)), "tensorflow": ("tensorflow", (2, 21), (2, 21))}


def _release(distribution):
    """(major, minor) of an installed distribution, or None."""
    from importlib import metadata

    for name in (distribution, f"{distribution}-cpu"):
        with contextlib.suppress(metadata.PackageNotFoundError, ValueError):
            return tuple(int(part) for part in metadata.version(name).split(".")[:2])
    return None


def quick_xla_compilation():
    """Set :data:`_QUICK_XLA_FLAGS` for the XLA of this process (JAX's, TensorFlow's), before
    either starts, where every installed XLA knows them; the caller's own ``XLA_FLAGS`` come after
    and win. For the processes that compile thousands of small programs to compare values (a
    ``multiloss check`` worker)."""
    for framework, (distribution, low, high) in _QUICK_XLA_KNOWN.items():
        if installed(framework) and not low <= (_release(distribution) or ()) <= high:
            return
    flags = os.environ.get("XLA_FLAGS", "")
    if not all(flag in flags for flag in _QUICK_XLA_FLAGS):
        os.environ["XLA_FLAGS"] = " ".join([*_QUICK_XLA_FLAGS, flags]).strip()


@contextlib.contextmanager
def jax_compilations():
    """The XLA compilations JAX makes within, as a list that fills in (one entry each)."""
    import jax

    made = []

    def count(event, duration, **kw):
        if event.endswith("backend_compile_duration"):
            made.append(event)

    jax.monitoring.register_event_duration_secs_listener(count)
    try:
        yield made
    finally:
        jax.monitoring.unregister_event_duration_listener(count)


def framework_of_path(path):
    """The framework an original's arrays belong to, from its dotted path."""
    root = path.partition(".")[0]
    return {"torch": "torch", "torchvision": "torch", "tensorflow": "tensorflow", "keras": "tensorflow",
            "jax": "jax", "optax": "jax"}.get(root, "numpy")


# -- the device the harness runs on (``multiloss check --device``) ----------------------------

# In the environment, so that the worker processes of a parallel check inherit it.
DEVICE_VARIABLE = "MULTILOSS_CHECK_DEVICE"


def use_device(spec):
    """Run every array of the harness, the originals' and multiloss', on ``spec``: ``"cpu"``
    (the default), ``"cuda"``, ``"cuda:1"``, ``"gpu"`` (JAX's and TensorFlow's name), ``"meta"``
    (torch: no values, so only shapes, dtypes and what runs are compared), ``"cpu:1"`` (a second
    JAX or TensorFlow CPU device). A framework without that device runs an original on the host;
    its own rows are reported N/A."""
    if spec in (None, "", "cpu"):
        os.environ.pop(DEVICE_VARIABLE, None)
    else:
        os.environ[DEVICE_VARIABLE] = spec


def device_spec():
    return os.environ.get(DEVICE_VARIABLE) or "cpu"


def device_of(framework):
    """The framework's device for the chosen spec; None for its default (the host's);
    LookupError where it has no such device."""
    return _device(framework, device_spec())


@functools.cache
def _device(framework, spec):
    if spec == "cpu":
        return None
    kind, _, index = spec.partition(":")
    index = int(index or 0)
    if framework == "numpy":
        raise LookupError("NumPy arrays live on the host")
    if framework == "torch":
        import torch

        kind = {"gpu": "cuda"}.get(kind, kind)
        if kind == "cpu":
            return None  # torch has one CPU device
        if kind == "cuda" and index >= torch.cuda.device_count():
            raise LookupError(f"torch sees {torch.cuda.device_count()} CUDA device(s), not {spec}")
        return torch.device(kind) if kind == "meta" else torch.device(kind, index)
    if framework == "jax":
        import jax

        try:
            devices = jax.devices({"cuda": "gpu", "rocm": "gpu"}.get(kind, kind))
        except RuntimeError as exc:
            raise LookupError(f"JAX has no {kind} device") from exc
        if index >= len(devices):
            raise LookupError(f"JAX has {len(devices)} {kind} device(s), not {spec}")
        return devices[index]
    import tensorflow as tf

    name = {"cuda": "GPU", "gpu": "GPU", "cpu": "CPU"}.get(kind)
    if name is None or index >= len(tf.config.list_logical_devices(name)):
        raise LookupError(f"TensorFlow has no {spec} device")
    return f"/{name}:{index}"


def device_missing(framework):
    """Why ``framework``'s rows can't run on the chosen device, or "" where they can."""
    try:
        device_of(framework)
    except LookupError as exc:
        return str(exc)
    return ""


def _placed(framework):
    """The framework's own way to make new arrays on the chosen device (the host where it has none)."""
    try:
        device = device_of(framework)
    except LookupError:
        device = None
    if device is None:
        return contextlib.nullcontext()
    if framework == "torch":
        return device  # a torch.device is a context manager: factory functions make their tensors there
    if framework == "tensorflow":
        import tensorflow as tf

        return tf.device(device)
    import jax

    return jax.default_device(device)


def x64(framework, arrays=None):
    """JAX computes in float32 unless x64 is on: the harness turns it on around its own runs only.
    Every run goes through here, so it also places the run on the chosen device (``use_device``).

    With ``arrays`` (the NumPy inputs of a run), it is on only where a JAX user would need it:
    for float64 inputs, or integer inputs with no float beside them (which keep int64). A
    float32 run is then JAX's default one, where the dtypes a JAX function makes itself
    (``one_hot``, ``eye``: JAX's default float) are float32, as its users see them.
    """
    stack = contextlib.ExitStack()
    if framework == "jax":
        import jax

        on = True
        if arrays is not None:
            floats = [v.dtype for v in arrays.values()
                      if isinstance(v, np.ndarray) and (v.dtype.kind == "f" or v.dtype.name == "bfloat16")]
            on = not floats or np.dtype(np.float64) in floats
        stack.enter_context(jax.enable_x64(on))
    stack.enter_context(_placed(framework))
    return stack


def to_native(framework, value):
    """A NumPy array as an array of ``framework``, on the chosen device; anything else unchanged."""
    if not isinstance(value, np.ndarray):
        return value
    if framework == "numpy":
        return value.copy()
    try:
        device = device_of(framework)
    except LookupError:
        device = None
    if framework == "torch":
        import torch

        if value.dtype.name == "bfloat16":  # torch reads no ml_dtypes array: convert through float32
            return torch.from_numpy(value.astype(np.float32)).to(device=device, dtype=torch.bfloat16)
        return torch.from_numpy(value.copy()).to(device)
    if framework == "tensorflow":
        import tensorflow as tf

        if device is None:
            return tf.constant(value)
        with tf.device(device):
            return tf.identity(tf.constant(value))
    import jax

    # device_put, not jnp.asarray: that compiles a program per shape and dtype to copy the values
    return jax.device_put(value, device)


class NoValues(np.ndarray):
    """What a meta tensor holds: its shape and dtype, no values (NaN). ``compare`` checks the shape only."""


def _no_values(x):
    import ml_dtypes

    name = str(x.dtype).removeprefix("torch.")
    dtype = np.dtype(ml_dtypes.bfloat16 if name == "bfloat16" else name)
    fill = np.nan if dtype.kind == "f" or name == "bfloat16" else 0
    return np.full(tuple(x.shape), fill, dtype=dtype).view(NoValues)


def to_numpy(x):
    if hasattr(x, "detach"):
        x = x.detach()
        if x.device.type == "meta":
            return _no_values(x)
        x = x.cpu()
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

        # Eager, not under jit: an eager grad lets a function read its input's value in Python
        # (optax's dice_loss validates its inputs so), which jit(grad) refuses.
        def scalar(value):
            out = fn({**arrays, role: value})
            return jnp.sum(out * jnp.asarray(cotangent, dtype=out.dtype))

        return to_numpy(jax.grad(scalar)(arrays[role]))
    raise ValueError(f"{framework} has no autodiff")


def compiled(framework, fn):
    """``fn(arrays)`` compiled the framework's way: jax.jit, tf.function(jit_compile=True),
    torch.compile(fullgraph=True) with the aot_eager backend: tracing is what is tested, and a public
    loss is one node of Dynamo's graph, which the eager backend would call as eager Python;
    AOTAutograd traces the node's ops (multiloss' traced path) and runs what it traced."""
    if framework == "jax":
        import jax

        return jax.jit(fn)
    if framework == "tensorflow":
        import tensorflow as tf

        return tf.function(fn, jit_compile=True)
    if framework == "torch":
        import torch

        torch._dynamo.reset()
        return torch.compile(fn, fullgraph=True, backend="aot_eager")
    raise ValueError(f"{framework} has no compiler")
