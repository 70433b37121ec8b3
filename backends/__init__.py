"""The thin array abstraction: one adapter per framework.

Loss code sees an ``xp`` namespace that speaks the Python array API standard
(2023.12 names and semantics) plus the short list of extensions below, which
the standard lacks and the losses need. Each adapter is one file and is
imported only when an array of its framework is first seen, so importing
multiloss never imports a framework.

Extensions (one-line contracts; the generic versions in ``_base.py`` are
written in standard names only and are what the strict test runs):

- ``logsumexp(x, axis, keepdims=False)``: ``log(sum(exp(x), axis))``, stable for large and ``-inf`` entries,
  and accurate to the last bits when one entry dominates.
- ``log_softmax(x, axis)``: ``x - logsumexp(x, axis, keepdims=True)``, as accurate.
- ``softmax(x, axis)``: ``exp(log_softmax(x, axis))``.
- ``sigmoid(x)``: ``1 / (1 + exp(-x))`` without overflow.
- ``log_sigmoid(x)``: ``-log(1 + exp(-x))`` without overflow; finite gradient everywhere.
- ``softplus(x)``: ``log(1 + exp(x))`` without overflow.
- ``power(x, exponent)``: ``x ** exponent`` for a Python number; exponent 0 gives 1 with gradient 0, at x = 0 too.
- ``xlogx(x)``: ``x * log(x)``, 0 at ``x == 0``; derivative ``log(x) + 1``, NaN at ``x == 0`` (PyTorch's
  ``xlogy(x, x)``, whose ``y``-gradient ``x / y`` is ``0 / 0`` there). TensorFlow: ``tf.math.xlogy`` with
  that derivative as its gradient.
- ``even_maximum(a, b)``, ``even_minimum(a, b)``: elementwise max and min whose gradient is split
  evenly between ``a`` and ``b`` at a tie (torch's and JAX's rule; TensorFlow's gives it all to ``a``).
- ``split_max(x, axis)``: ``max(x, axis)`` (axis removed) whose gradient is shared equally by
  tied maxima (``tf.reduce_max``'s rule, ``torch.amax``'s); NaN where the slice has a NaN.
- ``relu(x)``: ``max(x, 0)`` with derivative 0 at ``x = 0`` (PyTorch's ``clamp_min``, TF's ``relu``); NaN stays NaN.
- ``relu_passing(x)``: ``max(x, 0)`` with derivative 1 at ``x = 0`` (``tf.maximum(x, 0)``); NaN stays NaN.
- ``one_hot(indices, num_classes, dtype)``: a new last axis of size ``num_classes``; an index outside
  ``[0, num_classes)``, a negative one too, is a row of zeros (``tf.one_hot``'s and ``jax.nn.one_hot``'s rule).
- ``take_along_axis(x, indices, axis)``: the 2024.12 standard function (indices in ``[0, n)``);
  a gather along one axis, which a sharding propagator can split, never a flat index.
- ``take_along_axis_wrapped(x, indices, axis)``: ``take_along_axis`` with JAX's indexing rules
  (``jnp.take_along_axis``): an index in ``[-n, 0)`` counts from the end, one outside ``[-n, n)``
  reads NaN (``x`` floating). JAX: its own function, whose checks are then not made twice.
- ``nll(log_probs, indices, ignore_index, axis)``: PyTorch's NLL term ``-log_probs[t]`` along
  ``axis`` (removed), 0 where ``t == ignore_index``; another index outside ``[0, C)`` raises
  ``IndexError("Target t is out of bounds.")`` in eager mode (torch: inside its own kernel).
- ``nll_loss(x, indices, weight, ignore_index, reduction, label_smoothing=0.0, from_logits=False)``:
  PyTorch's whole class-index loss (``torch.nn.functional.nll_loss``, or ``cross_entropy`` on
  ``log_softmax(x)`` when ``from_logits``) along axis 1 (0 for a 1-D ``x``), reduced by
  ``reduction`` ("none", "sum", or "mean" over the summed ``weight[t]`` of the targets not ignored);
  the range as ``nll`` checks it. torch: its own kernels.
- ``sparse_softmax_cross_entropy(logits, indices, check=None)``: TensorFlow's
  ``SparseSoftmaxCrossEntropyWithLogits`` over the last axis, ``logsumexp(logits) - logits[t]``, gradient
  ``softmax - one_hot(t)``; a row whose index is outside ``[0, C)`` is NaN (TF's XLA and GPU kernels).
  ``check(indices)``, where given, raises for such an index in eager mode; it is called before the
  kernel, or only once the kernel has refused the labels where the kernel checks them itself.
- ``sparse_normalized_cross_entropy(weights, indices, check=None)``: ``log(sum(w)) - log(w[t])`` over
  the last axis for positive weights, the cross-entropy of ``w / sum(w)`` against the class ``t``, which is
  ``sparse_softmax_cross_entropy(log(w), t)`` (Keras-on-TensorFlow's sparse crossentropy of clipped
  probabilities) with no transcendental per element; gradient ``1 / sum(w) - one_hot(t) / w[t]``.
  Out-of-range indices and ``check`` as for ``sparse_softmax_cross_entropy``. TensorFlow: the log, then
  its own kernel, which is the original's.
- ``ctc_loss(log_probs, targets, input_lengths, target_lengths, blank, zero_infinity)``: PyTorch's
  ``ctc_loss(..., reduction="none")`` per sample, with its gradient (``exp(log_probs) - occupancy``) for
  ``(T, N, C)`` log-probabilities and ``(N, S)`` padded or 1-D concatenated targets; an input length beyond ``T``, or a padded target length
  beyond ``S``, raises PyTorch's RuntimeError in eager mode. torch: its own kernel, which checks them.
- ``bounded_rsqrt(x, bound)``: ``minimum(1 / sqrt(x), bound)`` (Keras' L2 normalisation), with
  TensorFlow's derivative: where the bound is taken, none through the root (finite at ``x = 0``).
  TensorFlow: ``tf.minimum(tf.math.rsqrt(x), bound)`` itself.
- ``serves_own_ctc(log_probs, targets, blank)``, ``own_ctc(log_probs, targets, input_lengths, target_lengths,
  blank)``: whether the framework has a CTC kernel of its own for these arrays, with no wait for a
  device, and that kernel: ``-log p`` per sequence, 0 (gradient 0) where no alignment fits, the lengths
  in range; its gradient as ``ctc_loss``'s. torch: ``F.ctc_loss(..., zero_infinity=True)`` on the host,
  eager; the others: none (False, None).
- ``multi_margin(x, target, p, margin, weight)``: PyTorch's ``multi_margin_loss`` per sample, for
  ``(N, C)`` scores and ``(N,)`` indices; an index outside ``[0, C)`` raises
  ``RuntimeError("target out of range")`` in eager mode (torch: inside its own kernel).
- ``multilabel_margin(x, target)``: PyTorch's ``multilabel_margin_loss`` per sample, for ``(N, C)``
  scores and ``(N, C)`` indices padded with -1; an entry outside ``[-1, C)`` raises
  ``RuntimeError("argument #2 'target' is out of range")`` in eager mode (torch: in its kernel).
- ``pairwise_distance(x1, x2, p, eps, keepdim)``: PyTorch's ``pairwise_distance``,
  ``||x1 - x2 + eps||_p`` over the last axis of the broadcast (torch: its own function).
- ``linear(x, weight, bias)``: ``x @ weight.T + bias`` (``bias`` may be None) for ``(..., in)`` features and a
  ``(C, in)`` weight, as ``torch.nn.functional.linear`` (torch: that function, one fused call).
- ``map_chunks(fn, sliced, shared, size)``: ``fn(*slices, *shared)`` on consecutive slices of ``size``
  rows (axis 0) of each array of ``sliced`` (the last slice shorter), its tuple of outputs concatenated
  along axis 0; autodiff keeps no slice's intermediates (a slice's are recomputed in its backward), so
  one slice's are held at a time.
- ``linear_cross_entropy(input, linear_weight, target, linear_bias, weight, reduction, ignore_index, plan)``:
  PyTorch's chunked ``linear_cross_entropy`` of ``(N, in)`` features and a ``(C, in)`` projection against
  class indices (or ``(N, C)`` probabilities, ``ignore_index`` then unused), ``plan.batch_chunk_size`` rows
  of logits at a time in ``plan.acc_dtype``, reduced as ``nll_loss`` (probabilities: mean over N).
  torch: its own chunked op.
- ``softmax_cross_entropy(logits, labels, axis)``: TensorFlow's ``SoftmaxCrossEntropyWithLogits``,
  ``-sum(labels * log_softmax(logits), axis)`` with TF's gradients: ``softmax - labels`` for the
  logits (whatever each row of labels sums to) and ``-log_softmax(logits)`` for the labels.
- ``sigmoid_cross_entropy(labels, logits)``: TensorFlow's ``sigmoid_cross_entropy_with_logits``,
  ``max(x, 0) - x y + log1p(exp(-|x|))``, with its gradient at ``x = 0`` and its values at infinite logits.
- ``half_sum_of_squares(x)``: ``sum(x**2) / 2`` (TensorFlow's ``l2_loss``), in the dtype of ``x``.
- ``stop_gradient(x)``: ``x``, seen by autodiff as a constant.
- ``always_concrete``: True where every array's values can be read now, on the host (NumPy): the
  value checks then skip their tests for traces, devices and fused calls.
- ``differentiable``: False where no autodiff sees the arrays (NumPy): the math may then leave out a
  term that is exactly zero in value and is there for the gradient only (a where that guards a
  square root's slope, ``(p - stop_gradient(p)) * slope``).
- ``scan(step, carry, xs, keep=False)``: ``carry = step(carry, x)`` for each ``x`` along the leading
  axis of the arrays of the tuple ``xs``, differentiable and one program when compiled (``lax.scan``,
  ``tf.while_loop``, a Python loop); returns the last carry, and with ``keep`` also every carry stacked.
- ``squared_difference(x, y)``: ``(x - y)**2``, in one pass where the framework has a kernel for it.
- ``huber(x, y, delta)``: elementwise Huber of ``d = x - y``: ``0.5 d**2`` if ``|d| <= delta``, else
  ``delta (|d| - delta / 2)``; gradient ``clip(d, -delta, delta)``; one pass where the framework has a kernel.
- ``bce_with_logits(x, y, pos_weight=None)``: PyTorch's elementwise BCE on logits,
  ``(1 - y) x - (1 + (pos_weight - 1) y) log_sigmoid(x)``, with its values at infinite logits and its gradient.
- ``probability_bce(p, y)``: PyTorch's elementwise BCE on probabilities, each log clamped at -100,
  with its gradient ``(p - y) / max(p (1 - p), 1e-12)``; in eager mode an element of ``p`` or ``y``
  outside [0, 1] (or NaN) raises ``RuntimeError("all elements of input should be between 0 and 1")``
  (or ``target``), for the first in memory order (torch: inside its own kernel).
- ``sigmoid_cross_entropy(labels, logits)``: TensorFlow's ``sigmoid_cross_entropy_with_logits``,
  ``max(x, 0) - x y + log1p(exp(-|x|))``, with its gradient at ``x = 0`` and its values at infinite logits.
- ``value(x)``: ``x`` as an array of the framework; a variable (``tf.Variable``, a Keras variable) read as a tensor.
- ``ndim(x)``: number of axes, for every array of the framework (a ``tf.Variable`` has no ``.ndim``).
- ``size(x)``: number of elements; a Python int when the shape is static.
- ``shape(x)``: the shape as a tuple; ``None`` for dimensions unknown until run time.
- ``is_concrete(x)``: True when ``x`` holds values that can be inspected now
  (eager mode); False under ``jax.jit``/``vmap``/``grad``, ``tf.function``,
  ``torch.compile`` and torch's functorch transforms (``torch.func.vmap``, ``grad``).
- ``device(x)``: the device to make new arrays on beside ``x`` (``device=`` of ``arange``, ``zeros``,
  ``full``, ``asarray``), so that nothing is made on another device; ``None`` where the framework
  places them itself (TensorFlow: the ``tf.device`` scope; JAX: a tracer, a sharded or uncommitted array).
- ``on_host(x)``: True where reading ``x``'s values in Python costs no wait for a device (see below).
- ``device_assert(ok, message)``: on a device, fail asynchronously where ``ok`` is False, as torch's
  CUDA kernels do (``torch._assert_async``); nothing on the other frameworks, whose kernels check nothing there.
- ``name``: the framework's name.

Value checks on devices. An eager value check (a class index out of range, a
probability outside [0, 1], a negative variance) reads one verdict on the host.
Where the array is in host memory (``on_host``: NumPy, torch's ``cpu``, TensorFlow's
``CPU:0``, JAX's CPU devices), it does, and raises the original's error. On any
other device (a GPU, a TPU, torch's ``meta``; and, standing in for an accelerator
so that the ``devices`` check runs without one, a second TensorFlow logical CPU or a
JAX array committed to a CPU device other than the first) a read would wait for
the device, so the check does what the original does there: torch's kernels
assert on the device with no wait (``device_assert``, or the kernel itself where
multiloss calls it), and TensorFlow's and JAX's check nothing (TensorFlow's GPU
gather gives 0 or NaN for an index out of range). Where the original itself reads
the value in Python to raise (torch's ``gaussian_nll_loss`` tests ``any(var < 0)``),
multiloss reads it too, on every device, and the catalog row says so in ``host_reads``.

Two standard names carry a gradient rule that every adapter keeps, whatever its
framework's own op does: ``clip`` passes the whole gradient at a bound (as TF's
``clip_by_value``), and ``abs`` has derivative 0 at 0.
"""

from __future__ import annotations

import importlib

EXTENSIONS = (
    "logsumexp",
    "log_softmax",
    "softmax",
    "sigmoid",
    "log_sigmoid",
    "softplus",
    "power",
    "xlogx",
    "even_maximum",
    "even_minimum",
    "split_max",
    "relu",
    "relu_passing",
    "one_hot",
    "take_along_axis",
    "take_along_axis_wrapped",
    "nll",
    "nll_loss",
    "sparse_softmax_cross_entropy",
    "sparse_normalized_cross_entropy",
    "ctc_loss",
    "bounded_rsqrt",
    "serves_own_ctc",
    "own_ctc",
    "multi_margin",
    "multilabel_margin",
    "pairwise_distance",
    "linear",
    "map_chunks",
    "linear_cross_entropy",
    "softmax_cross_entropy",
    "sigmoid_cross_entropy",
    "half_sum_of_squares",
    "stop_gradient",
    "differentiable",
    "always_concrete",
    "scan",
    "squared_difference",
    "huber",
    "bce_with_logits",
    "probability_bce",
    "sigmoid_cross_entropy",
    "value",
    "ndim",
    "size",
    "shape",
    "is_concrete",
    "device",
    "on_host",
    "device_assert",
)

# framework name -> module of its adapter (relative to this package)
ADAPTERS = {
    "numpy": "._numpy",
    "torch": "._torch",
    "tensorflow": "._tensorflow",
    "jax": "._jax",
    "array_api_strict": "._strict",
}

_loaded: dict = {}


def load(framework: str):
    """The backend object for ``framework`` (one of ``ADAPTERS``), created once."""
    backend = _loaded.get(framework)
    if backend is None:
        module = importlib.import_module(ADAPTERS[framework], __name__)
        # setdefault keeps the first object if two threads race here.
        backend = _loaded.setdefault(framework, module.backend())
    return backend
