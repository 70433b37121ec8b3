"""TensorFlow, mapped onto the array API standard by hand.

TensorFlow has no array API namespace, and ``tf.experimental.numpy`` would
need TF's global NumPy behaviour switched on, which changes every user's
tensors. So each standard name the losses use is mapped here, explicitly,
onto a plain ``tf`` op. Where TF differs from the standard, the comment says so.
"""

import functools
import math

import numpy as np
import tensorflow as tf

from ._base import Backend


def _like(value, other):
    # TF does not promote: a Python scalar must become a tensor of the other
    # operand's dtype before it meets it in a binary op.
    # Only a Python or NumPy number is converted: a tensor, a tf.Variable or a Keras
    # variable passes as it is (tf.constant of a variable would cut its gradient).
    if isinstance(value, int | float | np.number):
        if tf.executing_eagerly():
            return _constant(value, other.dtype, bool(np.signbit(value)))
        return tf.constant(value, dtype=other.dtype)
    return value


def _axes(axis):
    return list(axis) if isinstance(axis, tuple) else axis


# The public tf.* wrappers add dispatch and weak-tensor handling that costs two
# to four times the op on small tensors (65 us against 19 us for a sum of
# 32x10 here); the hot reductions and elementwise ops call tf.raw_ops instead:
# the same kernels, with the same gradients, in eager mode and in graphs.
def _raw_reduction(op):
    public = {"Sum": tf.reduce_sum, "Mean": tf.reduce_mean, "Max": tf.reduce_max, "Min": tf.reduce_min}[op]
    kernel = getattr(tf.raw_ops, op)

    def reduction(self, x, axis=None, keepdims=False):
        if not tf.executing_eagerly() or x.shape.rank is None:
            # In a graph XLA needs the axes as a compile-time constant: the public op makes one.
            return public(x, axis=_axes(axis), keepdims=keepdims)
        axes = tuple(range(x.shape.rank)) if axis is None else (axis,) if isinstance(axis, int) else tuple(axis)
        return kernel(input=x, axis=_axis_constant(axes), keep_dims=keepdims)

    return reduction


@functools.lru_cache(maxsize=64)
def _axis_constant(axes):
    # Converting a Python list to a tensor costs more than the reduction itself.
    return tf.constant(axes, dtype=tf.int32)


@functools.lru_cache(maxsize=64)
def _constant(value, dtype, negative=False):
    # An eager scalar made once: tf.constant per call costs as much as a small op. (Eager only:
    # in a graph a captured eager tensor would be an argument, not a constant XLA can fold.)
    # ``negative`` is part of the key only: -0.0 == 0.0 would share an entry without it.
    return tf.constant(value, dtype=dtype)


def _binary(raw, public, x1, x2):
    # The raw kernel for two tensors (the same gradient); the public op converts anything else.
    x1, x2 = _like(x1, x2), _like(x2, x1)
    if isinstance(x1, tf.Tensor) and isinstance(x2, tf.Tensor):
        return raw(x=x1, y=x2)
    return public(x1, x2)


def _raw_unary(op):
    kernel = getattr(tf.raw_ops, op)
    return staticmethod(lambda x: kernel(x=x))


# Slices of a chunked loss that a graph holds one copy of each (a Python loop); beyond, one loop body.
_UNROLLED_SLICES = 16


@tf.custom_gradient
def _xlogx(x):
    """``xlogy(x, x)``, one kernel for the generic form's eight, with PyTorch's derivative of it:
    ``log(x) + 1``, NaN at 0 (``x / x``), where ``tf.math.xlogy``'s own gives 0 there."""

    def gradient(upstream):
        return upstream * (tf.math.log(x) + x / x)

    return tf.math.xlogy(x, x), gradient


class TensorflowBackend(Backend):
    name = "tensorflow"

    float16, bfloat16, float32, float64 = tf.float16, tf.bfloat16, tf.float32, tf.float64
    int8, int16, int32, int64, uint8 = tf.int8, tf.int16, tf.int32, tf.int64, tf.uint8
    bool = tf.bool
    e, pi, inf, nan = math.e, math.pi, math.inf, math.nan

    def __init__(self):
        super().__init__(tf.math)

    # -- elementwise: the same names in tf.math, listed so the mapping is explicit
    abs = _raw_unary("Abs")
    exp = _raw_unary("Exp")
    log = _raw_unary("Log")
    log1p = _raw_unary("Log1p")
    expm1 = staticmethod(tf.math.expm1)
    sqrt = _raw_unary("Sqrt")
    square = _raw_unary("Square")
    sign = staticmethod(tf.sign)
    cos = staticmethod(tf.cos)
    cosh = staticmethod(tf.cosh)
    tanh = staticmethod(tf.tanh)
    atan = staticmethod(tf.atan)
    floor = staticmethod(tf.floor)
    ceil = staticmethod(tf.math.ceil)
    isnan = staticmethod(tf.math.is_nan)
    isinf = staticmethod(tf.math.is_inf)
    isfinite = staticmethod(tf.math.is_finite)
    logical_and = staticmethod(lambda x1, x2: tf.raw_ops.LogicalAnd(x=x1, y=x2))
    logical_or = staticmethod(lambda x1, x2: tf.raw_ops.LogicalOr(x=x1, y=x2))
    logical_not = _raw_unary("LogicalNot")
    sigmoid = staticmethod(tf.sigmoid)
    log_sigmoid = staticmethod(tf.math.log_sigmoid)
    softplus = staticmethod(tf.math.softplus)
    stop_gradient = staticmethod(tf.stop_gradient)
    squared_difference = staticmethod(tf.math.squared_difference)

    def maximum(self, x1, x2):
        return _binary(tf.raw_ops.Maximum, tf.maximum, x1, x2)

    def xlogx(self, x):
        return _xlogx(x)

    def bounded_rsqrt(self, x, bound):
        # TensorFlow's own ops, as Keras writes its normalisation: the derivative the generic form
        # reproduces on the other frameworks, in 2 ops instead of 8.
        return tf.minimum(tf.math.rsqrt(x), tf.constant(bound, x.dtype))

    def split_max(self, x, axis):
        # tf.reduce_max shares the gradient equally among tied maxima itself (the extension's rule
        # is its own), and a NaN propagates: one op for the generic form's nine.
        return tf.reduce_max(x, axis=axis)

    def minimum(self, x1, x2):
        return _binary(tf.raw_ops.Minimum, tf.minimum, x1, x2)

    def pow(self, x1, x2):
        return tf.pow(_like(x1, x2), _like(x2, x1))

    def huber(self, x, y, delta):
        # The generic m (|d| - m/2), m = min(|d|, delta), in raw ops: the
        # operators' Python layer costs more than these kernels on small
        # tensors. In a graph (tf.function) the generic form is just as fast.
        if not tf.executing_eagerly():
            # |d| m - m**2 / 2 in a graph: XLA's CPU backend reduces a fusion that ends in a
            # multiply through a tree of reduce-windows, one that ends in a subtract through its
            # YNNPACK reduction (a Huber mean at 1e6: 1.94 ms against 0.71 ms). Below delta it is
            # the same 0.5 d**2 bit for bit (|d|**2 - |d|**2 / 2 is exact), above it within an ulp;
            # the gradient is the same clip(d, -delta, delta).
            abs_diff = tf.abs(x - y)
            inner = self.clip(abs_diff, max=delta)
            return abs_diff * inner - 0.5 * (inner * inner)
        abs_diff = tf.raw_ops.Abs(x=tf.raw_ops.Sub(x=x, y=y))
        inner = tf.raw_ops.Minimum(x=abs_diff, y=_constant(float(delta), abs_diff.dtype))
        half = tf.raw_ops.Mul(x=inner, y=_constant(0.5, abs_diff.dtype))
        return tf.raw_ops.Mul(x=inner, y=tf.raw_ops.Sub(x=abs_diff, y=half))

    # -- whole losses handed to TF's own kernels (eager: the raw op, without the public
    # wrapper's Python layer; in a graph the public op, which XLA compiles the same way)
    def sparse_softmax_cross_entropy(self, logits, indices, check=None):
        if not tf.executing_eagerly():
            return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=indices, logits=logits)
        logits = self.value(logits)
        if check is not None and ":CPU:" not in logits.device:
            check(indices)  # only the CPU kernel checks the labels; GPU rows would be NaN
        try:
            if logits.shape.rank == 2:
                return tf.raw_ops.SparseSoftmaxCrossEntropyWithLogits(features=logits, labels=indices)[0]
            return tf.nn.sparse_softmax_cross_entropy_with_logits(labels=indices, logits=logits)
        except tf.errors.InvalidArgumentError:
            # The kernel refused a label: the check raises the same message, in the caller's class.
            if check is not None:
                check(indices)
            raise

    def sparse_normalized_cross_entropy(self, weights, indices, check=None):
        # The original's own ops (Keras on TensorFlow): the log of every weight, then the kernel.
        return self.sparse_softmax_cross_entropy(tf.math.log(weights), indices, check)

    def nll(self, log_probs, indices, ignore_index, axis):
        log_probs = self.value(log_probs)
        rank = log_probs.shape.rank
        # (N, C) only: one gather with the batch axis as its batch dimension, in raw ops. (A
        # gather of a 1-D array has no batch dimension; its gradient would be IndexedSlices.)
        if not tf.executing_eagerly() or rank != 2 or axis % rank != 1:
            return Backend.nll(self, log_probs, indices, ignore_index, axis)
        ignored = tf.raw_ops.Equal(x=indices, y=_constant(ignore_index, indices.dtype))
        safe = tf.raw_ops.SelectV2(condition=ignored, t=_constant(0, indices.dtype), e=indices)
        classes = log_probs.shape[-1]
        if ":CPU:" not in log_probs.device:
            self._check_targets(safe, classes)  # only the CPU kernel checks its indices
        try:
            picked = tf.raw_ops.GatherV2(params=log_probs, indices=safe, axis=_constant(1, tf.int32),
                                         batch_dims=1)
        except tf.errors.InvalidArgumentError:
            self._check_targets(safe, classes, reads_device=True)  # the kernel refused an index: PyTorch's message
            raise
        # where, not a product: the gradient at an ignored place is exactly 0.
        return tf.raw_ops.SelectV2(condition=ignored, t=_constant(0, log_probs.dtype), e=tf.raw_ops.Neg(x=picked))

    def softmax_cross_entropy(self, logits, labels, axis):
        logits, labels = self.value(logits), self.value(labels)
        if tf.executing_eagerly() and logits.shape.rank == 2 and labels.shape.rank == 2 and axis in (-1, 1):
            return tf.raw_ops.SoftmaxCrossEntropyWithLogits(features=logits, labels=labels)[0]
        return tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits, axis=axis)

    def sigmoid_cross_entropy(self, labels, logits):
        if not tf.executing_eagerly():
            return tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits)
        # The public op's expression, op for op, in raw ops (its Python layer costs more than
        # these kernels on small tensors).
        positive = tf.raw_ops.GreaterEqual(x=logits, y=_constant(0, logits.dtype))
        zeros = tf.raw_ops.ZerosLike(x=logits)
        relu = tf.raw_ops.SelectV2(condition=positive, t=logits, e=zeros)
        neg_abs = tf.raw_ops.SelectV2(condition=positive, t=tf.raw_ops.Neg(x=logits), e=logits)
        linear = tf.raw_ops.Sub(x=relu, y=tf.raw_ops.Mul(x=logits, y=labels))
        return tf.raw_ops.AddV2(x=linear, y=tf.raw_ops.Log1p(x=tf.raw_ops.Exp(x=neg_abs)))

    def half_sum_of_squares(self, x):
        x = self.value(x)
        if not x.dtype.is_floating:
            return Backend.half_sum_of_squares(self, x)
        return tf.raw_ops.L2Loss(t=x)

    def logaddexp(self, x1, x2):
        x1, x2 = _like(x1, x2), _like(x2, x1)
        big = tf.maximum(x1, x2)
        # inf - inf is nan; where both are the same infinity the answer is that infinity.
        safe = tf.where(tf.math.is_inf(big), tf.zeros_like(big), big)
        return safe + tf.math.log(tf.exp(x1 - safe) + tf.exp(x2 - safe))

    def clip(self, x, min=None, max=None):
        # tf.clip_by_value needs both bounds and the tensor's dtype.
        if min is not None:
            x = _binary(tf.raw_ops.Maximum, tf.maximum, x, min)
        if max is not None:
            x = _binary(tf.raw_ops.Minimum, tf.minimum, x, max)
        return x

    def where(self, condition, x1, x2):
        x1, x2 = _like(x1, x2), _like(x2, x1)
        if isinstance(x1, tf.Tensor) and isinstance(x2, tf.Tensor):
            return tf.raw_ops.SelectV2(condition=condition, t=x1, e=x2)
        return tf.where(condition, x1, x2)

    # -- reductions: tf.reduce_* with keepdims, axis=None for all
    _sum = _raw_reduction("Sum")
    mean = _raw_reduction("Mean")
    max = _raw_reduction("Max")
    min = _raw_reduction("Min")

    def sum(self, x, axis=None, keepdims=False, dtype=None):
        if dtype is not None:
            x = tf.cast(x, dtype)
        return self._sum(x, axis=axis, keepdims=keepdims)

    def prod(self, x, axis=None, keepdims=False):
        return tf.reduce_prod(x, axis=_axes(axis), keepdims=keepdims)

    def any(self, x, axis=None, keepdims=False):
        return tf.reduce_any(tf.cast(x, tf.bool), axis=_axes(axis), keepdims=keepdims)

    def all(self, x, axis=None, keepdims=False):
        return tf.reduce_all(tf.cast(x, tf.bool), axis=_axes(axis), keepdims=keepdims)

    def count_nonzero(self, x, axis=None, keepdims=False):
        # The standard returns the default integer dtype; tf returns int64, as does numpy on Linux.
        return tf.math.count_nonzero(x, axis=_axes(axis), keepdims=keepdims)

    def logsumexp(self, x, axis, keepdims=False):
        return tf.reduce_logsumexp(x, axis=_axes(axis), keepdims=keepdims)

    def log_softmax(self, x, axis):
        return tf.nn.log_softmax(x, axis=axis)

    def softmax(self, x, axis):
        return tf.nn.softmax(x, axis=axis)

    def nan_spreading_softmax(self, x, axis):
        # tf.nn.softmax leaves 0 beside a NaN or +inf ([nan, 1, 2] gives [nan, 0, 0]); the other
        # frameworks shift by the row's maximum, and a row whose maximum is not finite is NaN.
        # (exp(log_softmax) would spread it too, at twice softmax's error near p = 1.)
        out = tf.nn.softmax(x, axis=axis)
        finite = tf.math.is_finite(tf.reduce_max(x, axis=axis, keepdims=True))
        return tf.where(finite, out, tf.constant(float("nan"), out.dtype))

    # -- creation, dtype and shape
    def asarray(self, obj, dtype=None, device=None, copy=None):
        return tf.convert_to_tensor(obj, dtype=dtype)

    def astype(self, x, dtype, copy=True):
        if isinstance(x, tf.Tensor):
            # tf.cast returns x itself when it has the dtype already (tensors are immutable).
            return x if x.dtype == dtype else tf.raw_ops.Cast(x=x, DstT=dtype)
        return tf.cast(x, dtype)

    def isdtype(self, dtype, kind):
        if isinstance(kind, tuple):
            return any(self.isdtype(dtype, k) for k in kind)
        dtype = tf.as_dtype(dtype)
        if kind == "bool":
            return dtype == tf.bool
        if kind == "real floating":
            return dtype.is_floating
        if kind == "integral":
            return dtype.is_integer
        if kind == "signed integer":
            return dtype.is_integer and not dtype.is_unsigned
        if kind == "unsigned integer":
            return dtype.is_integer and dtype.is_unsigned
        if kind == "complex floating":
            return dtype.is_complex
        if kind == "numeric":
            return dtype.is_integer or dtype.is_floating or dtype.is_complex
        return dtype == tf.as_dtype(kind)

    def finfo(self, dtype):
        # as_numpy_dtype of bfloat16 is ml_dtypes' type, which np.finfo does not know.
        dtype = tf.as_dtype(dtype)
        if dtype == tf.bfloat16:
            import ml_dtypes

            return ml_dtypes.finfo(ml_dtypes.bfloat16)
        return np.finfo(dtype.as_numpy_dtype)

    def zeros_like(self, x, dtype=None):
        if dtype is None and isinstance(x, tf.Tensor):
            return tf.raw_ops.ZerosLike(x=x)
        return tf.zeros_like(x, dtype=dtype)

    def ones_like(self, x, dtype=None):
        if dtype is None and isinstance(x, tf.Tensor):
            return tf.raw_ops.OnesLike(x=x)
        return tf.ones_like(x, dtype=dtype)

    def full_like(self, x, fill_value, dtype=None):
        return tf.fill(tf.shape(x), tf.constant(fill_value, dtype=dtype or x.dtype))

    def zeros(self, shape, dtype=None, device=None):
        return tf.zeros(shape, dtype=dtype or tf.float32)

    def ones(self, shape, dtype=None, device=None):
        return tf.ones(shape, dtype=dtype or tf.float32)

    def arange(self, start, stop=None, step=1, dtype=None, device=None):
        return tf.range(start, stop, step, dtype=dtype or tf.int64)

    def reshape(self, x, shape, copy=None):
        return tf.reshape(x, shape)

    def expand_dims(self, x, axis=0):
        return tf.expand_dims(x, axis)

    def squeeze(self, x, axis):
        return tf.squeeze(x, axis=axis)

    def matmul(self, x1, x2, /):
        # Matrices and stacks of matrices; unlike the standard, tf.linalg.matmul takes no 1-D operand.
        return tf.linalg.matmul(x1, x2)

    def permute_dims(self, x, axes):
        return tf.transpose(x, perm=list(axes))

    matrix_transpose = staticmethod(tf.linalg.matrix_transpose)

    def map_chunks(self, fn, sliced, shared, size):
        # tf.recompute_grad per slice: its backward runs the slice again under a tape. It
        # differentiates its float arguments only (it warns for others): the rest is closed over.
        # A batch size unknown until run time (tf.function) is one slice.
        rows = sliced[0].shape[0]
        if rows is None or rows <= size:
            return fn(*sliced, *shared)
        if not tf.executing_eagerly() and rows // size > _UNROLLED_SLICES:
            return self._looped_chunks(fn, sliced, shared, size, rows)
        outputs = [self._recomputed(fn, [a[start:start + size] for a in sliced] + list(shared))
                   for start in range(0, rows, size)]
        return tuple(tf.concat(list(parts), axis=0) for parts in zip(*outputs))

    def _looped_chunks(self, fn, sliced, shared, size, rows):
        # In a graph, a Python loop would copy the slice's ops once per slice (8192 rows in slices
        # of 2: 4096 copies, which grew a tf.function's memory past 13 GB): one tf.map_fn body
        # instead, over the whole slices after the first (whose outputs give the body's dtypes),
        # then the rest.
        whole = rows // size * size
        first = self._recomputed(fn, [a[:size] for a in sliced] + list(shared))
        stacked = tuple(tf.reshape(a[size:whole], (whole // size - 1, size, *a.shape[1:])) for a in sliced)

        @tf.autograph.experimental.do_not_convert  # plain tensor code: nothing for autograph to convert
        def body(chunk):
            return tuple(self._recomputed(fn, list(chunk) + list(shared)))

        middle = tf.map_fn(body, stacked, fn_output_signature=tuple(tf.TensorSpec(o.shape, o.dtype) for o in first))
        parts = [first, [tf.reshape(o, (whole - size, *o.shape[2:])) for o in middle]]
        if whole < rows:
            parts.append(self._recomputed(fn, [a[whole:] for a in sliced] + list(shared)))
        return tuple(tf.concat(list(pieces), axis=0) for pieces in zip(*parts))

    @staticmethod
    def _recomputed(fn, arrays):
        floats = [i for i, a in enumerate(arrays) if a is not None and a.dtype.is_floating]

        def call(*values):
            full = list(arrays)
            for i, value in zip(floats, values):
                full[i] = value
            return fn(*full)

        return tf.recompute_grad(call)(*(arrays[i] for i in floats))

    def moveaxis(self, x, source, destination):
        # A transpose by a permutation known in Python: tf.experimental.numpy.moveaxis computes the
        # rank as a tensor and reads it back, which waits for the device.
        rank = x.shape.rank
        if rank is None or not isinstance(source, int) or not isinstance(destination, int):
            return tf.experimental.numpy.moveaxis(x, source, destination)
        order = [i for i in range(rank) if i != source % rank]
        order.insert(destination % rank, source % rank)
        return tf.transpose(x, order)

    def concat(self, arrays, axis=0):
        return tf.concat(list(arrays), axis=axis)

    def stack(self, arrays, axis=0):
        return tf.stack(list(arrays), axis=axis)

    def cumulative_sum(self, x, /, *, axis=None, dtype=None, include_initial=False):
        # tf.math.cumsum; the standard's axis=None is allowed for a 1-D x only.
        out = tf.math.cumsum(x if dtype is None else tf.cast(x, dtype), axis=0 if axis is None else axis)
        if include_initial:
            out = tf.concat([tf.zeros_like(tf.gather(out, [0], axis=axis or 0)), out], axis=axis or 0)
        return out

    def broadcast_to(self, x, shape):
        return tf.broadcast_to(x, shape)

    def broadcast_arrays(self, *arrays):
        shape = tf.shape(arrays[0])
        for a in arrays[1:]:
            shape = tf.broadcast_dynamic_shape(shape, tf.shape(a))
        return [tf.broadcast_to(a, shape) for a in arrays]

    def take_along_axis(self, x, indices, axis=-1):
        # tf.gather with batch_dims over every axis but the gathered one.
        rank = len(x.shape)
        axis = axis % rank
        if axis != rank - 1:
            x, indices = self.moveaxis(x, axis, -1), self.moveaxis(indices, axis, -1)
        out = tf.gather(x, indices, axis=-1, batch_dims=rank - 1)
        return out if axis == rank - 1 else self.moveaxis(out, -1, axis)

    def one_hot(self, indices, num_classes, dtype):
        return tf.one_hot(indices, num_classes, dtype=dtype)

    # -- sorting and scans: the standard's names, which tf.math lacks
    def sort(self, x, axis=-1, descending=False, stable=True):
        # tf.sort makes its axis a tensor and reads it back (a host read where the inputs live on
        # another device). Over the last axis of floats it is top_k of x (or of -x, negated back),
        # which is what tf.sort computes there; that form reads nothing.
        if tf.as_dtype(x.dtype).is_floating and axis in (-1, len(x.shape) - 1) and x.shape[-1] is not None:
            top = tf.math.top_k(x if descending else -x, k=x.shape[-1], sorted=True).values
            return top if descending else -top
        return tf.sort(x, axis=axis, direction="DESCENDING" if descending else "ASCENDING")

    def value(self, x):
        # A variable (tf.Variable, keras.Variable) lacks array metadata such as .ndim; its value
        # is a tensor, and reading it under a GradientTape keeps the gradient to the variable.
        return x if isinstance(x, tf.Tensor) else tf.convert_to_tensor(x)

    def size(self, x):
        static = x.shape.num_elements()
        return static if static is not None else tf.size(x)

    def shape(self, x):
        return tuple(x.shape.as_list()) if x.shape.rank is not None else None

    def device(self, x):
        return None  # TensorFlow places a new tensor by the tf.device scope, as its users pick a device

    def on_host(self, x):
        # Host memory: the first CPU device. Another logical CPU stands in for an accelerator
        # (the devices check runs there without a GPU).
        device = getattr(x, "device", "") or ""
        return not device or device.endswith("CPU:0")

    def scan(self, step, carry, xs, keep=False):
        # tf.while_loop over the leading axis (its length may be known only at run time): one
        # loop in the graph, which XLA compiles and GradientTape differentiates. The steps read
        # their slices from TensorArrays, the graph's way of indexing inside a loop.
        steps = xs[0].shape[0]
        if tf.executing_eagerly() and steps:
            # Eagerly, tf.while_loop is a Python loop that reads its condition (and a TensorArray
            # its size) on the host: a plain loop over the static length reads nothing.
            carry, kept = tuple(carry), []
            for t in range(steps):
                carry = tuple(step(carry, tuple(x[t] for x in xs)))
                if keep:
                    kept.append(carry)
            return (carry, tuple(tf.stack(list(parts)) for parts in zip(*kept))) if keep else carry
        length = tf.shape(xs[0])[0]
        inputs = tuple(tf.TensorArray(x.dtype, size=length).unstack(x) for x in xs)
        carry = tuple(carry)
        kept = tuple(tf.TensorArray(c.dtype, size=length) for c in carry) if keep else ()

        def body(t, carry, kept):
            carry = tuple(step(carry, tuple(x.read(t) for x in inputs)))
            return t + 1, carry, tuple(k.write(t, c) for k, c in zip(kept, carry))

        _, carry, kept = tf.while_loop(lambda t, *_: t < length, body, (tf.constant(0), carry, kept))
        return (carry, tuple(k.stack() for k in kept)) if keep else carry

    def is_concrete(self, x):
        # Inside tf.function tensors are symbolic: they have no .numpy().
        return tf.executing_eagerly() and hasattr(x, "numpy")

    def __array_namespace_info__(self):
        # The standard's inspection API; TF has none. Indices default to int64,
        # the dtype TF's own index ops (argmax, where) produce.
        return _Info()

    def take(self, x, indices, axis=None):
        # tf.gather; the standard's axis=None (allowed for a 1-D x) is axis 0.
        return tf.gather(x, indices, axis=0 if axis is None else axis)

    def argmax(self, x, axis=None, keepdims=False):
        # tf.math.argmax reads axis=None as axis 0; the standard searches the flattened array.
        if axis is None:
            flat = tf.math.argmax(tf.reshape(x, [-1]), axis=0)
            return tf.reshape(flat, [1] * len(x.shape)) if keepdims else flat
        out = tf.math.argmax(x, axis=axis)
        return tf.expand_dims(out, axis) if keepdims else out


class _Info:
    """``__array_namespace_info__()`` for TensorFlow: the default dtypes only."""

    def default_dtypes(self, *, device=None):
        return {"real floating": tf.float32, "complex floating": tf.complex64,
                "integral": tf.int32, "indexing": tf.int64}


def backend():
    return TensorflowBackend()
