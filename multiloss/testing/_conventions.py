"""Calling conventions: the ways a framework's users hand arrays to a loss.

Each convention of a backend computes the row's value (and, where it can, its
gradient) the way that framework's users do: ``tf.Variable`` inputs under a
tape, a ``tf.function`` with an input signature of unknown batch size,
``tf.vectorized_map``; ``jax.jit`` with the other arguments closed over,
``jit(grad)``, ``vmap``, ``jacfwd``; ``torch.func.vmap``, ``torch.func.grad``,
``nn.Parameter`` inputs, non-contiguous views. The result must be the
original's eager result on the same inputs.

Vectorizing maps (values, and per-sample gradients through ``vmap(grad)``) run over
a new leading axis of stacked inputs (every array of
the call stacked from three draws of the row's kind), and are compared with a
loop over the draws: that defines per-sample semantics for every row, whatever
its own batch axis means. Where a kind has no batch axis
(``Kind.batch_axis is None``), the ``tf.function`` signature keeps every
dimension known.

When multiloss fails under a convention where the original, run the same way,
fails too, multiloss does no worse and the convention passes with a note.
"""

from __future__ import annotations

import numpy as np

from ._frameworks import to_native, to_numpy, x64

DRAWS = 3

# backend -> its conventions, in the order they run
CONVENTIONS = {
    "numpy": ("views",),
    "torch": ("vmap", "func_grad", "parameter", "views"),
    "tensorflow": ("variables", "keras_variable", "signature", "vectorized_map"),
    "jax": ("closure_jit", "jit_grad", "vmap", "jacfwd"),
}


def _cotangent_sum(framework, out, cotangent):
    if framework == "torch":
        import torch

        return (out * torch.as_tensor(cotangent, dtype=out.dtype)).sum()
    if framework == "tensorflow":
        import tensorflow as tf

        return tf.reduce_sum(out * tf.constant(cotangent, dtype=out.dtype))
    import jax.numpy as jnp

    return jnp.sum(out * jnp.asarray(cotangent, dtype=out.dtype))


# -- TensorFlow -----------------------------------------------------------------------------


def _tf_variables(call, arrays, grad, cotangent, batch_axis):
    """Every array a ``tf.Variable`` (the differentiated one trainable), under a ``GradientTape``."""
    import tensorflow as tf

    native = {k: tf.Variable(v, trainable=(k == grad)) for k, v in arrays.items()}
    with tf.GradientTape() as tape:
        out = call(native)
        total = _cotangent_sum("tensorflow", out, cotangent)
    return out, tape.gradient(total, native[grad])


def _tf_keras_variable(call, arrays, grad, cotangent, batch_axis):
    """The differentiated array a ``keras.Variable``, the others plain tensors."""
    import keras
    import tensorflow as tf

    native = {k: tf.constant(v) for k, v in arrays.items()}
    native[grad] = keras.Variable(arrays[grad], dtype=arrays[grad].dtype.name)
    with tf.GradientTape() as tape:
        out = call(native)
        total = _cotangent_sum("tensorflow", out, cotangent)
    return out, tape.gradient(total, native[grad].value)


def _tf_signature(call, arrays, grad, cotangent, batch_axis):
    """A ``tf.function`` whose input signature leaves the batch size unknown; value and gradient."""
    import tensorflow as tf

    batch = arrays[grad].shape[0] if batch_axis is not None and arrays[grad].ndim else None

    def spec(v):
        shape = list(v.shape)
        if batch is not None and shape and shape[0] == batch:
            shape[0] = None
        return tf.TensorSpec(shape, tf.as_dtype(v.dtype))

    @tf.function(input_signature=[{k: spec(v) for k, v in arrays.items()}])
    def step(native):
        with tf.GradientTape() as tape:
            tape.watch(native[grad])
            out = call(native)
            total = _cotangent_sum("tensorflow", out, cotangent)
        return out, tape.gradient(total, native[grad])

    return step({k: tf.constant(v) for k, v in arrays.items()})


def _tf_vectorized_map(call, stacked, grad, cotangent):
    import tensorflow as tf

    return tf.vectorized_map(call, {k: tf.constant(v) for k, v in stacked.items()}), None


# -- JAX ------------------------------------------------------------------------------------
#
# Every JAX convention runs as one jitted program: inside it the loss sees the tracers it sees
# without jit (``vmap``'s and ``jacfwd``'s; multiloss reads no value under a trace), and one
# compilation replaces the one per operation that eager JAX pays (about 50 ms each on a CPU).


def _jax_split(arrays, grad):
    """(the differentiated array, the others) as JAX arrays."""
    native = {k: to_native("jax", v) for k, v in arrays.items()}
    return native.pop(grad), native


def _jax_closure_jit(call, arrays, grad, cotangent, batch_axis):
    """``jax.jit`` of the loss of the differentiated array, the others closed over as constants."""
    import jax

    g, others = _jax_split(arrays, grad)
    return jax.jit(lambda g: call({**others, grad: g}))(g), None


def _jax_jit_grad(call, arrays, grad, cotangent, batch_axis):
    import jax

    g, others = _jax_split(arrays, grad)
    scalar = jax.jit(jax.value_and_grad(lambda g: _cotangent_sum("jax", call({**others, grad: g}), cotangent)))
    return None, scalar(g)[1]


def _jax_jacfwd(call, arrays, grad, cotangent, batch_axis):
    """Forward mode: the Jacobian, contracted with the cotangent, is the gradient."""
    import jax
    import jax.numpy as jnp

    g, others = _jax_split(arrays, grad)

    @jax.jit
    def contracted(g, others):
        jacobian = jax.jacfwd(lambda g: call({**others, grad: g}))(g)
        cot = jnp.asarray(cotangent, dtype=jacobian.dtype)
        return jnp.tensordot(cot, jacobian, axes=cot.ndim)

    return None, contracted(g, others)


def _jax_vmap(call, stacked, grad, cotangent):
    """Per-sample values and per-sample gradients (``vmap(grad)``)."""
    import jax

    g, others = _jax_split(stacked, grad)

    def per_sample(g, others):
        return _cotangent_sum("jax", call({**others, grad: g}), cotangent)

    @jax.jit
    def mapped(g, others):
        return jax.vmap(call)({**others, grad: g}), jax.vmap(jax.grad(per_sample))(g, others)

    return mapped(g, others)


# -- PyTorch --------------------------------------------------------------------------------


def _torch_func_grad(call, arrays, grad, cotangent, batch_axis):
    import torch

    others = {k: to_native("torch", v) for k, v in arrays.items() if k != grad}
    fn = torch.func.grad_and_value(lambda g: _cotangent_sum("torch", call({**others, grad: g}), cotangent))
    gradient, _ = fn(to_native("torch", arrays[grad]))
    return None, gradient


def _torch_parameter(call, arrays, grad, cotangent, batch_axis):
    """The differentiated array an ``nn.Parameter``."""
    import torch

    native = {k: to_native("torch", v) for k, v in arrays.items()}
    native[grad] = torch.nn.Parameter(native[grad])
    out = call(native)
    _cotangent_sum("torch", out, cotangent).backward()
    return out, native[grad].grad


def _strided(framework, value, requires_grad=False):
    """The same values as a non-contiguous view (every other element of a buffer twice as long);
    returns (view, base): a gradient lands on the base."""
    if not isinstance(value, np.ndarray) or value.ndim == 0:
        return to_native(framework, value), None
    if framework == "numpy":
        return np.stack([value, value], axis=-1)[..., 0], None

    base = to_native("torch", np.stack([value, value], axis=-1))
    if requires_grad:
        base.requires_grad_(True)
    return base[..., 0], base


def _views(framework):
    def run(call, arrays, grad, cotangent, batch_axis):
        pairs = {k: _strided(framework, v, k == grad and framework == "torch") for k, v in arrays.items()}
        out = call({k: view for k, (view, _) in pairs.items()})
        if framework == "numpy":
            return out, None
        _cotangent_sum("torch", out, cotangent).backward()
        return out, pairs[grad][1].grad[..., 0]

    return run


def _torch_vmap(call, stacked, grad, cotangent):
    """Per-sample values and per-sample gradients (``vmap(grad)``)."""
    import torch

    native = {k: to_native("torch", v) for k, v in stacked.items()}
    rest = {k: v for k, v in native.items() if k != grad}

    def per_sample(g, others):
        return _cotangent_sum("torch", call({**others, grad: g}), cotangent)

    return torch.func.vmap(call)(native), torch.func.vmap(torch.func.grad(per_sample))(native[grad], rest)


# name -> (kind, runner): "single" runners take one draw; "mapped" runners the stacked draws
RUNNERS = {
    "views": ("single", None),
    "variables": ("single", _tf_variables),
    "keras_variable": ("single", _tf_keras_variable),
    "signature": ("single", _tf_signature),
    "vectorized_map": ("mapped", _tf_vectorized_map),
    "closure_jit": ("single", _jax_closure_jit),
    "jit_grad": ("single", _jax_jit_grad),
    "jacfwd": ("single", _jax_jacfwd),
    "func_grad": ("single", _torch_func_grad),
    "parameter": ("single", _torch_parameter),
}
_MAPS = {"tensorflow": _tf_vectorized_map, "jax": _jax_vmap, "torch": _torch_vmap}


def runner(backend, name):
    """(kind, callable) of one convention of one backend."""
    if name == "views":
        return "single", _views(backend)
    if name == "vmap":
        return "mapped", _MAPS[backend]
    return RUNNERS[name]


def run_convention(backend, name, call, arrays, grad, cotangent, batch_axis):
    """``(value, gradient)`` as NumPy (either may be None) under one convention."""
    kind, fn = runner(backend, name)
    with x64(backend):
        value, gradient = fn(call, arrays, grad, cotangent, batch_axis)
        return (None if value is None else to_numpy(value)), (None if gradient is None else to_numpy(gradient))


def run_mapped(backend, name, call, stacked, grad, cotangent):
    """``(values, gradients)`` as NumPy, per draw along the leading axis (gradients may be None)."""
    _, fn = runner(backend, name)
    with x64(backend):
        values, gradients = fn(call, stacked, grad, cotangent)
        return to_numpy(values), (None if gradients is None else to_numpy(gradients))
