"""``torch.nn.functional.linear_cross_entropy``, ``torch.nn.LinearCrossEntropyLoss`` and
``torch.nn.LinearCrossEntropyOptions`` (PyTorch 2.13).

``options=None`` is PyTorch's reference path: ``linear``, then :func:`cross_entropy` (its checks,
smoothing, K-dimensional targets and reductions). Options ask for the chunked path, taken where
PyTorch takes it (reduction 'mean', 'sum' or 'none', no smoothing, int64 class indices, or
probabilities of the input's dtype with 'mean' or 'sum', a ``(C, in)`` projection); elsewhere
PyTorch's UserWarning says the options are ignored. The chunked path computes the same value
``batch_chunk_size`` rows at a time, so that one chunk's logits are held, forward and backward,
on every backend (the backend's ``linear_cross_entropy``: PyTorch's own chunked op on torch).
"""

from __future__ import annotations

import dataclasses
import math
import sys
from typing import NamedTuple

from .._checks import warn
from .._dispatch import namespace_of
from .._dtypes import dtype_name, torch_scalar_name
from ..losses import linear as linear_math
from ..losses import softmax
from ._common import _WeightedLoss
from ._softmax import cross_entropy

_ACC_POLICIES = ("auto", "accurate", "compact")
_ACC_DTYPES = ("float16", "bfloat16", "float32", "float64")
_HALF = ("float16", "bfloat16")


@dataclasses.dataclass(slots=True, frozen=True)
class LinearCrossEntropyOptions:
    """``torch.nn.LinearCrossEntropyOptions``: how the chunked path splits the batch.

    The fields, defaults and checks are PyTorch's. ``batch_chunk_size``: rows per chunk (None:
    one chunk, or what ``chunking_method`` gives). ``chunking_method``: ``"auto"`` (the
    ``"aspect_ratio"`` rule, capped so that a chunk's logits never outweigh the reference
    path's), ``"aspect_ratio"`` (``next_pow2(ceil(N / ceil(C / in)))`` rows, so that a chunk's
    ``(rows, C)`` logits weigh what the ``(N, in)`` features do), ``"aspect_ratio:k"`` (that over
    ``k``) or None. ``acc_policy`` and ``acc_dtype``: the dtype the logits are computed in
    (float32 for float16 and bfloat16 inputs under ``"auto"``, else the input's); ``acc_dtype``
    may be any framework's dtype. ``allow_retain_graph``: PyTorch's own op only (a second
    backward); the other backends always allow it.

    PyTorch's ``linear_cross_entropy`` accepts an instance too (it is turned into PyTorch's
    own options where PyTorch reads them), so one object serves both.
    """

    allow_retain_graph: bool = False
    batch_chunk_size: int | None = None
    chunking_method: str | None = "auto"
    acc_policy: str = "auto"
    acc_dtype: object = None

    def __post_init__(self):
        if self.acc_policy not in _ACC_POLICIES:
            raise ValueError(f"invalid acc_policy: {self.acc_policy!r}; expected one of "
                             f"{', '.join(map(repr, _ACC_POLICIES))}")
        if self.chunking_method is not None and self.chunking_method != "auto":
            name, sep, factor = self.chunking_method.partition(":")
            if not (name == "aspect_ratio" and (not sep or factor.isdigit() and int(factor) > 0)):
                raise ValueError(f"invalid chunking_method: {self.chunking_method!r}")
        if not (self.batch_chunk_size is None
                or type(self.batch_chunk_size) is int and self.batch_chunk_size > 0):
            raise ValueError(f"batch_chunk_size must be positive int or None, got {self.batch_chunk_size!r}")
        if self.acc_dtype is not None and _dtype_label(self.acc_dtype) not in _ACC_DTYPES:
            raise ValueError(_acc_dtype_message(self.acc_dtype))

    def _fused_key(self):
        return (self.allow_retain_graph, self.batch_chunk_size, self.chunking_method, self.acc_policy,
                None if self.acc_dtype is None else _dtype_label(self.acc_dtype))

    def _adjust(self, *args, **kwargs):
        # What PyTorch's linear_cross_entropy calls on its options: PyTorch's own, adjusted.
        return _torch_options(self)._adjust(*args, **kwargs)


def _dtype_label(dtype):
    # A dtype of any framework, or a scalar type standing for one (numpy.float32, jax.numpy.float32),
    # by its bare name ("array_api_strict.float64" too).
    return (dtype.__name__ if isinstance(dtype, type) else dtype_name(dtype)).rpartition(".")[2]


def _acc_dtype_message(dtype):
    return (f"acc_dtype must be one of {{None, float16, bfloat16, float32, float64}}, got {dtype!r}. "
            "Pass acc_dtype=None to let the op pick automatically.")


def _torch_options(options):
    torch = sys.modules["torch"]
    acc_dtype = None if options.acc_dtype is None else getattr(torch, _dtype_label(options.acc_dtype))
    return torch.nn.LinearCrossEntropyOptions(
        allow_retain_graph=options.allow_retain_graph, batch_chunk_size=options.batch_chunk_size,
        chunking_method=options.chunking_method, acc_policy=options.acc_policy, acc_dtype=acc_dtype)


# -- the chunk plan -------------------------------------------------------------------------------


class Plan(NamedTuple):
    """Options made concrete for one call (what the backends' ``linear_cross_entropy`` reads)."""

    batch_chunk_size: int
    acc_policy: str
    acc_dtype: object  # a dtype of the call's namespace
    allow_retain_graph: bool


def _aspect_ratio_rows(method, rows, in_features, classes):
    """``next_pow2(ceil(N / ceil(C / in)))`` rows, over the method's factor, at most ``N``."""
    factor = int(method.partition(":")[2] or 1)
    target = -(-rows // -(-classes // in_features))
    return min((1 << (target - 1).bit_length()) // factor, rows)


def _on_cpu(x):
    device = getattr(x, "device", None)
    kind = getattr(device, "type", None) or getattr(device, "platform", None) or device
    return kind is None or "cpu" in str(kind).lower()


def _plan(xp, options, input, rows, in_features, classes, probabilities):
    """The options made concrete for this call, as PyTorch's ``_adjust`` makes them: the rows
    per chunk, the accumulation policy and dtype (an ``xp`` dtype)."""
    name = _dtype_label(input.dtype)
    if name not in _ACC_DTYPES:  # PyTorch's check of the accumulation dtype it would pick
        raise ValueError(_acc_dtype_message(f"torch.{name}"))
    policy, method = options.acc_policy, options.chunking_method
    auto = method == "auto"
    if auto and options.batch_chunk_size is not None:
        method = None  # an explicit size wins over the automatic rule
    if policy == "auto":
        policy = "accurate" if _on_cpu(input) and name in _HALF else "compact"
    if method == "auto":
        method = "aspect_ratio"
    size = rows if options.batch_chunk_size is None else min(options.batch_chunk_size, rows)
    if method is not None:
        size = _aspect_ratio_rows(method, rows, in_features, classes)
        if auto and policy == "compact":
            # A chunk no heavier than the reference path's logits (PyTorch's cap).
            cap = rows // 2 if probabilities else rows * classes // (4 * in_features)
            size = max(1, min(size, 1 << (cap.bit_length() - 1) if cap >= 1 else 1))
        if options.batch_chunk_size is not None and options.batch_chunk_size != size:
            raise ValueError(f"batch_chunk_size (={options.batch_chunk_size}) and chunking_method ('{method}') "
                             f"give different chunk sizes ({options.batch_chunk_size} vs {size}); pass only one.")
    if options.acc_dtype is not None:
        acc = _dtype_label(options.acc_dtype)
    else:
        acc = "float32" if name in _HALF and options.acc_policy == "auto" else name
    if acc != name and not (name in _HALF and acc == "float32"):
        raise RuntimeError(f"linear_cross_entropy supports float32 acc_dtype with float16/bfloat16 inputs, "
                           f"but got {acc} acc_dtype and {name} inputs.")
    return Plan(max(1, size), policy, getattr(xp, acc), options.allow_retain_graph)


# -- the function ---------------------------------------------------------------------------------


def _check_shapes(input_shape, weight_shape, bias_shape):
    """PyTorch's checks of the shapes, in its order (RuntimeError)."""
    if not 1 <= len(input_shape) <= 2:
        raise RuntimeError(f"expected input with dimensionality 1 or 2, got {len(input_shape)}")
    if len(weight_shape) < 2:
        raise RuntimeError(f"expected linear_weight with dimensionality at least 2, got {len(weight_shape)}")
    if input_shape[-1] != weight_shape[-1]:
        raise RuntimeError("expected equal input and linear_weight last dimensions (in_features), "
                           f"got {input_shape[-1]} and {weight_shape[-1]}, respectively")
    if bias_shape is not None and bias_shape != weight_shape[:-1]:
        raise RuntimeError(f"expected linear_bias shape {weight_shape[:-1]}, got {bias_shape}")
    if len(weight_shape) > 2 and len(input_shape) == 1:
        raise RuntimeError(f"K-dimensional loss defined by linear_weight shape {weight_shape} requires batched "
                           f"input, (N, {input_shape[-1]}), got unbatched input with shape {input_shape}")


def _check_dtypes(input, linear_weight, linear_bias):
    """``linear``'s rule: the features, the projection and the bias share one dtype (RuntimeError)."""
    for other in (linear_weight, linear_bias):
        if other is not None and other.dtype != input.dtype:
            raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                               f"{_c10_name(input.dtype)} != {_c10_name(other.dtype)}")


def _c10_name(dtype):
    return {"Float": "float", "Double": "double", "Long": "long int", "Int": "int",
            "Half": "c10::Half", "BFloat16": "c10::BFloat16"}.get(torch_scalar_name(dtype), str(dtype))


def _wants_gradient(x):
    # A torch tensor that autograd follows (PyTorch's chunked op has no gradient for it).
    torch = sys.modules.get("torch")
    return bool(getattr(x, "requires_grad", False)) and torch is not None and torch.is_grad_enabled()


def _chunkable(xp, input, target, reduction, label_smoothing, out_features, probabilities):
    """PyTorch's condition for the chunked path."""
    if out_features or label_smoothing != 0.0:
        return False
    if probabilities:
        return (reduction in ("mean", "sum") and target.dtype == input.dtype and not _wants_gradient(target))
    return reduction in ("mean", "sum", "none") and target.dtype == softmax.index_dtype(xp, target) \
        and xp.isdtype(target.dtype, "signed integer")


def linear_cross_entropy(input, linear_weight, target, *, linear_bias=None, weight=None, reduction="mean",
                         ignore_index=None, label_smoothing=0.0, options=None):
    """``torch.nn.functional.linear_cross_entropy``: ``cross_entropy(input @ linear_weight.T + linear_bias, target)``.

    ``input``: ``(in,)`` or ``(N, in)`` features; ``linear_weight``: ``(C, in)`` or, for a
    K-dimensional loss, ``(C, d1, ..., dK, in)`` (batched input only); ``linear_bias``: its shape
    without the last axis; ``target``: class indices (``()``, ``(N,)`` or ``(N, d1, ..., dK)``) or
    probabilities of the logits' shape. ``ignore_index=None`` means -100 for class indices and
    must stay None for probabilities. The rest is :func:`cross_entropy`'s. ``options``
    (:class:`LinearCrossEntropyOptions`, or PyTorch's own) computes it a chunk of rows at a time
    where PyTorch does, and warns where PyTorch ignores them.
    """
    xp = namespace_of(input, linear_weight, target, linear_bias, weight)
    input, linear_weight = xp.value(input), xp.value(linear_weight)
    linear_bias = None if linear_bias is None else xp.value(linear_bias)
    weight_shape = xp.shape(linear_weight)
    _check_shapes(xp.shape(input), weight_shape, None if linear_bias is None else xp.shape(linear_bias))
    classes, out_features = weight_shape[0], weight_shape[1:-1]
    logits_shape = (*xp.shape(input)[:-1], classes, *out_features)
    probabilities = xp.shape(target) == logits_shape
    if probabilities and ignore_index is not None:
        raise RuntimeError("ignore_index cannot be specified when target contains probabilities")
    index = -100 if ignore_index is None else ignore_index
    if options is not None:
        if _chunkable(xp, input, target, reduction, label_smoothing, out_features, probabilities):
            return _chunked(xp, input, linear_weight, target, linear_bias, weight, reduction, index, options,
                            probabilities)
        warn(
            "linear_cross_entropy: ``options`` ignored; chunked path needs reduction in {'mean','sum','none'}, "
            "label_smoothing == 0, target.dtype == int64 (or a probability target with reduction in "
            "{'mean','sum'}, dtype matching input, and requires_grad == False), out_features == (). Got "
            f"reduction={reduction!r}, label_smoothing={label_smoothing}, target.dtype={dtype_name(target.dtype)}, "
            f"out_features={tuple(out_features)}.", UserWarning, 2)
    _check_dtypes(input, linear_weight, linear_bias)
    if out_features:  # the K positions as C * d1 * ... * dK classes of one projection
        flat = math.prod(out_features) * classes
        linear_weight = xp.reshape(linear_weight, (flat, weight_shape[-1]))
        linear_bias = None if linear_bias is None else xp.reshape(linear_bias, (flat,))
    logits = linear_math.linear(xp, input, linear_weight, linear_bias)
    if out_features:  # (a batch size known only at run time, TensorFlow's None, is inferred)
        logits = xp.reshape(logits, tuple(-1 if d is None else d for d in logits_shape))
    return cross_entropy(logits, target, weight=weight, reduction=reduction, ignore_index=index,
                         label_smoothing=label_smoothing)


def _chunked(xp, input, linear_weight, target, linear_bias, weight, reduction, ignore_index, options,
             probabilities):
    unbatched = xp.ndim(input) == 1
    if unbatched:  # one sample as a batch of one, as PyTorch's chunked path takes it
        input, target = xp.expand_dims(input, axis=0), xp.expand_dims(target, axis=0)
    rows, in_features = xp.shape(input)
    plan = _plan(xp, options, input, rows if rows is not None else 1, in_features, linear_weight.shape[0],
                 probabilities)
    if _dtype_label(plan.acc_dtype) == _dtype_label(input.dtype):  # an upcast to float32 takes any float dtypes
        _check_dtypes(input, linear_weight, linear_bias)
    result = xp.linear_cross_entropy(input, linear_weight, target, linear_bias, weight, reduction,
                                     None if probabilities else ignore_index, plan)
    return result[0] if unbatched and reduction == "none" else result


# -- the class ------------------------------------------------------------------------------------


class Linear:
    """The projection a :class:`LinearCrossEntropyLoss` owns off torch: ``weight`` ``(out, in)`` and
    ``bias`` ``(out,)`` (or None), arrays of one framework, drawn as ``torch.nn.Linear`` draws them
    (uniform in ``+-1/sqrt(in)``) from NumPy's global random state; assign them to replace them."""

    def __init__(self, in_features, out_features, bias=True, device=None, dtype=None):
        import numpy as np  # only when a projection is made off torch

        if dtype is not None and _dtype_label(dtype) not in _ACC_DTYPES:  # what torch's Linear raises
            raise RuntimeError("Only Tensors of floating point and complex dtype can require gradients")
        self.in_features, self.out_features = in_features, out_features
        bound = 1 / math.sqrt(in_features) if in_features > 0 else 0.0
        make = _array_maker(dtype, device)
        self.weight = make(np.random.uniform(-bound, bound, size=(out_features, in_features)))
        self.bias = make(np.random.uniform(-bound, bound, size=(out_features,))) if bias else None

    def __repr__(self):
        return f"Linear(in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None})"


def _framework_of_dtype(dtype):
    module = dtype.__module__ if isinstance(dtype, type) else type(dtype).__module__
    return module.partition(".")[0]


def _array_maker(dtype, device):
    """A function from a float64 NumPy array to an array of ``dtype``'s framework (NumPy's
    float32 when ``dtype`` is None) on ``device``."""
    framework = "numpy" if dtype is None else _framework_of_dtype(dtype)
    name = "float32" if dtype is None else _dtype_label(dtype)
    if framework in ("jax", "jaxlib"):
        import jax

        return lambda a: jax.device_put(a.astype(name), device)
    if framework == "tensorflow":
        import tensorflow as tf

        def variable(a):
            with tf.device(device or ""):
                if not tf.executing_eagerly():  # inside tf.function, which makes variables only once
                    return tf.constant(a.astype(name))
                return tf.Variable(a.astype(name))

        return variable
    return lambda a: a.astype(name)


def _torch_projection(dtype, device):
    """Whether the projection is PyTorch's ``nn.Linear``: a torch dtype or device was given, or
    neither was and the loss is a torch Module (torch is imported)."""
    torch = sys.modules.get("torch")
    if torch is None:
        return False
    if dtype is not None:
        return isinstance(dtype, torch.dtype)
    if device is not None:
        return isinstance(device, torch.device | str)
    return True


class LinearCrossEntropyLoss(_WeightedLoss):
    """``torch.nn.LinearCrossEntropyLoss(in_features, num_classes, *, out_features=(), bias=False,
    device=None, dtype=None, reduction='mean', weight=None, ignore_index=None, label_smoothing=0.0,
    options=None)``: :func:`linear_cross_entropy` with a projection of its own, ``self.linear``.

    Where torch is imported (the loss is then a ``torch.nn.Module``) and ``dtype`` is None or a
    torch dtype, ``self.linear`` is a ``torch.nn.Linear`` made as PyTorch's loss makes it (the same
    draws under ``torch.manual_seed``; ``parameters()``, ``state_dict``, ``.to()``). With a NumPy,
    JAX or TensorFlow ``dtype``, or without torch, it is a :class:`Linear` holding arrays of that
    framework (NumPy float32 by default; TensorFlow: ``tf.Variable``s), drawn likewise from
    NumPy's random state; assign ``loss.linear.weight`` to set it. Its storage is flat,
    ``(C * d1 * ... * dK, in)``, as PyTorch's.
    """

    def __init__(self, in_features, num_classes, *, out_features=(), bias=False, device=None, dtype=None,
                 reduction="mean", weight=None, ignore_index=None, label_smoothing=0.0, options=None):
        if weight is not None and tuple(weight.shape) != (num_classes,):
            raise RuntimeError(f"expected weight shape to be {(num_classes,)}, got {tuple(weight.shape)}")
        if label_smoothing < 0 or label_smoothing > 1.0:
            raise RuntimeError(f"expected label_smoothing to be in range [0, 1], got {label_smoothing}")
        super().__init__(weight, None, None, reduction)
        self.num_classes = num_classes
        self.out_features = out_features
        self.ignore_index = ignore_index
        self.label_smoothing = label_smoothing
        outputs = math.prod(out_features, start=num_classes)
        if _torch_projection(dtype, device):
            self.linear = sys.modules["torch"].nn.Linear(in_features, outputs, bias=bias, device=device, dtype=dtype)
        else:
            self.linear = Linear(in_features, outputs, bias=bias, device=device, dtype=dtype)
        self.options = options

    def forward(self, input, target):
        linear_weight = self.linear.weight
        xp = namespace_of(linear_weight)
        linear_weight = xp.reshape(xp.value(linear_weight), (self.num_classes, *self.out_features,
                                                             self.linear.in_features))
        bias = self.linear.bias
        if bias is not None:
            bias = xp.reshape(xp.value(bias), (self.num_classes, *self.out_features))
        return linear_cross_entropy(input, linear_weight, target, linear_bias=bias, weight=self.weight,
                                    reduction=self.reduction, ignore_index=self.ignore_index,
                                    label_smoothing=self.label_smoothing, options=self.options)

    def extra_repr(self):
        return (f"in_features={self.linear.in_features}, num_classes={self.num_classes}, "
                f"out_features={self.out_features}, bias={self.linear.bias is not None}, "
                f"reduction={self.reduction}, ignore_index={self.ignore_index}, "
                f"label_smoothing={self.label_smoothing}, options={self.options}")


FUNCTIONS = ["linear_cross_entropy"]
CLASSES = ["LinearCrossEntropyLoss", "LinearCrossEntropyOptions"]
