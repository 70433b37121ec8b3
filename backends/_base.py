"""The backend object and the generic extensions, written in standard names only."""

from __future__ import annotations

import math


class Backend:
    """An array API namespace plus the extensions declared in ``backends/__init__.py``.

    Standard names fall through to the wrapped namespace (and are then cached on
    the instance, so the second lookup is a plain attribute read). Subclasses
    replace a generic extension with the framework's native one where it exists.
    """

    name = "generic"
    differentiable = True  # the generic code keeps every gradient term (the strict test runs them all)
    always_concrete = False  # True where no array is ever traced or on a device (NumPy)

    def __init__(self, namespace):
        self._namespace = namespace

    def __getattr__(self, attr):
        value = getattr(self._namespace, attr)
        setattr(self, attr, value)
        return value

    def __repr__(self):
        return f"<multiloss backend {self.name!r}>"

    # -- extensions -------------------------------------------------------------

    def _shifted_log_sum(self, x, axis):
        """``(peak, log(sum(exp(x - peak))))``, both with ``axis`` kept.

        Shifting by the max keeps exp from overflowing; a row whose max is +-inf
        is shifted by 0 instead, so the result is that inf rather than inf - inf = nan.
        The max's own term is exactly 1, so the sum is ``count + rest`` with
        ``count`` the entries at the max: its log is taken as ``log1p(count - 1 + rest)``,
        which keeps ``rest`` (1e-5 when one logit leads by 10) to float32's last bit;
        ``log`` of the rounded ``1 + rest`` would keep three digits of it.
        """
        peak = self.max(x, axis=axis, keepdims=True)
        peak = self.where(self.isfinite(peak), peak, self.zeros_like(peak))
        at_peak = x == peak
        terms = self.exp(x - peak)
        rest = self.sum(self.where(at_peak, self.zeros_like(terms), terms), axis=axis, keepdims=True)
        count = self.sum(self.astype(at_peak, x.dtype), axis=axis, keepdims=True)
        return peak, self.log1p((count - 1) + rest)

    def logsumexp(self, x, axis, keepdims=False):
        peak, log_sum = self._shifted_log_sum(x, axis)
        out = peak + log_sum
        return out if keepdims else self.squeeze(out, axis=axis)

    def log_softmax(self, x, axis):
        # (x - peak) first: it is exact for the leading entry, whose log-probability
        # is then -log_sum, with no rounding of peak + log_sum in between.
        peak, log_sum = self._shifted_log_sum(x, axis)
        out = (x - peak) - log_sum
        # A +inf logit makes its whole row NaN in torch, TensorFlow and JAX (their shift
        # by the max is inf - inf there); the shift by 0 above would give inf and -inf.
        unbounded = self.max(x, axis=axis, keepdims=True) == self.inf
        return self.where(unbounded, self.full_like(out, self.nan), out)

    def softmax(self, x, axis):
        return self.exp(self.log_softmax(x, axis))

    def nan_spreading_softmax(self, x, axis):
        """``softmax``, NaN over every row that holds a NaN (JAX's, NumPy's and torch's softmax)."""
        return self.softmax(x, axis)

    def sigmoid(self, x):
        # exp of a non-positive number only: no overflow for either sign.
        e = self.exp(-self.abs(x))
        return self.where(x >= 0, 1 / (1 + e), e / (1 + e))

    def log_sigmoid(self, x):
        # log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)).
        return self.minimum(x, self.zeros_like(x)) - self.log1p(self.exp(-self.abs(x)))

    def softplus(self, x):
        return self.maximum(x, self.zeros_like(x)) + self.log1p(self.exp(-self.abs(x)))

    def log_sigmoid_pair(self, x):
        """``(log_sigmoid(x), log_sigmoid(-x))``: a backend may share their ``log1p(exp(-|x|))``."""
        return self.log_sigmoid(x), self.log_sigmoid(-x)

    def power(self, x, exponent):
        # d/dx x**0 is 0 * x**-1: NaN at x = 0 under TF's and JAX's autodiff; PyTorch gives 0.
        # The constant 1 has that value and that gradient everywhere.
        if exponent == 0:
            return self.ones_like(x)
        return x**exponent

    def xlogx(self, x):
        # Double where: the log is taken of 1 where x == 0, so the value there is 0, not
        # 0 * -inf. The branch taken at 0 is sqrt(x) - sqrt(x): value 0, derivative
        # inf - inf = NaN, PyTorch's (xlogy's y-gradient x / y). A product such as
        # 0 * sqrt(x) would not do: TensorFlow's gradient kernels give 0 for a zero upstream.
        zero = x == 0
        safe = self.where(zero, self.ones_like(x), x)
        return self.where(zero, self.sqrt(x) - self.sqrt(x), x * self.log(safe))

    def even_maximum(self, a, b):
        # The tie written out: a / 2 + b / 2 is exactly a there (infinities included; a
        # subnormal may lose its last bit), and NaN propagates.
        return self.where(a > b, a, self.where(b > a, b, a * 0.5 + b * 0.5))

    def even_minimum(self, a, b):
        return self.where(a < b, a, self.where(b < a, b, a * 0.5 + b * 0.5))

    def split_max(self, x, axis):
        peak = self.stop_gradient(self.max(x, axis=axis, keepdims=True))
        at_peak = x == peak
        count = self.sum(self.astype(at_peak, x.dtype), axis=axis)
        return self.sum(self.where(at_peak, x, self.zeros_like(x)), axis=axis) / count

    def relu(self, x):
        # A where on x <= 0: NaN fails the test and stays; the derivative at 0 is 0.
        return self.where(x <= 0, self.zeros_like(x), x)

    def relu_passing(self, x):
        # A where on x < 0: NaN fails the test and stays; at 0 the gradient takes x's branch.
        return self.where(x < 0, self.zeros_like(x), x)

    def one_hot(self, indices, num_classes, dtype):
        # A comparison with every class: an index outside [0, C) matches none. (torch: F.one_hot
        # refuses such an index, and reads the indices' range on the host to do so.)
        classes = self.arange(num_classes, dtype=indices.dtype, device=self.device(indices))
        return self.astype(self.expand_dims(indices, axis=-1) == classes, dtype)

    def take_along_axis(self, x, indices, axis=-1):
        # 2023.12 has no take_along_axis: one take from the flattened x at the flat
        # position (outer * n + index) * inner + inner_pos of each index.
        axis = axis % x.ndim
        inner = math.prod(x.shape[axis + 1:])
        per_outer = indices.shape[axis] * inner
        position = self.arange(math.prod(indices.shape), dtype=indices.dtype, device=self.device(indices))
        flat = self.reshape(indices, (-1,))
        flat = ((position // per_outer) * x.shape[axis] + flat) * inner + position % inner
        return self.reshape(self.take(self.reshape(x, (-1,)), flat, axis=0), indices.shape)

    def take_along_axis_wrapped(self, x, indices, axis=-1):
        # The loss helpers, imported here, after the package.
        from ..losses.softmax import index_dtype

        n = x.shape[axis]
        indices = self.where(indices < 0, indices + n, indices)
        valid = self.logical_and(indices >= 0, indices < n)
        # Gathered at 0 where out of range (never read out of bounds), then replaced by NaN.
        safe = self.where(valid, indices, self.zeros_like(indices))
        dtype = index_dtype(self, safe)
        picked = self.take_along_axis(x, safe if safe.dtype == dtype else self.astype(safe, dtype), axis=axis)
        return self.where(valid, picked, self.full_like(picked, float("nan")))

    def nll(self, log_probs, indices, ignore_index, axis):
        from ..losses import softmax  # the loss math; imported here, after the package

        ignored = indices == ignore_index
        safe = self.where(ignored, self.zeros_like(indices), indices)
        self._check_targets(safe, log_probs.shape[axis])
        picked = softmax.pick(self, log_probs, safe, axis)
        # where, not a product: the gradient at an ignored place is exactly 0.
        return self.where(ignored, self.zeros_like(picked), -picked)

    def nll_loss(self, x, indices, weight, ignore_index, reduction, label_smoothing=0.0, from_logits=False):
        loss, target_weight = self._nll_terms(x, indices, weight, ignore_index, label_smoothing, from_logits)
        return self._reduce_nll(loss, target_weight, reduction)

    def _reduce_nll(self, loss, target_weight, reduction):
        if reduction == "none":
            return loss
        if reduction == "sum":
            return self.sum(loss)
        # The weighted mean: over the summed weights of the targets not ignored (NaN for none).
        return self.sum(loss) / self.sum(target_weight)

    def map_chunks(self, fn, sliced, shared, size):
        rows = sliced[0].shape[0]
        if rows is None or rows <= size:
            return fn(*sliced, *shared)
        # The last stop within the rows: the standard leaves a stop beyond the axis unspecified.
        outputs = [fn(*(a[start:min(start + size, rows), ...] for a in sliced), *shared)
                   for start in range(0, rows, size)]
        return tuple(self.concat(list(parts), axis=0) for parts in zip(*outputs))

    def linear_cross_entropy(self, input, linear_weight, target, linear_bias, weight, reduction, ignore_index,
                             plan):
        from ..losses import linear  # the loss math; imported here, after the package

        probabilities = self.isdtype(target.dtype, "real floating")
        if not probabilities:
            # The range of the whole target at once: one host read, not one per chunk.
            ignored = target == ignore_index
            self._check_targets(self.where(ignored, self.zeros_like(target), target), linear_weight.shape[0])
        loss, target_weight = linear.chunked_linear_cross_entropy(
            self, input, linear_weight, target, linear_bias, weight, ignore_index=ignore_index,
            probabilities=probabilities, chunk_size=plan.batch_chunk_size, acc_dtype=plan.acc_dtype)
        if probabilities and reduction == "mean":
            from .._reduction import reduce

            result = reduce(self, loss, "mean", empty="nan")  # over the rows, whatever the weights
        else:
            result = self._reduce_nll(loss, target_weight, reduction)
        # Reduced in the accumulation dtype, then given the input's, as PyTorch's chunked op does.
        return result if result.dtype == input.dtype else self.astype(result, input.dtype)

    def _nll_terms(self, x, indices, weight, ignore_index, label_smoothing, from_logits):
        """``nll_loss``'s per-target losses and the weights of its mean (see ``smoothed_nll``)."""
        from ..losses import softmax  # the loss math; imported here, after the package

        axis = 0 if self.ndim(x) == 1 else 1
        log_probs = self.log_softmax(x, axis) if from_logits else x
        return softmax.smoothed_nll(self, log_probs, indices, ignore_index, weight, label_smoothing, axis)

    def sparse_softmax_cross_entropy(self, logits, indices, check=None):
        if check is not None:
            check(indices)
        # Shifted by the row's max first, as TF's kernel and optax are: the target's logit and
        # the normalizer are then both small, so a confident row keeps its float32 accuracy
        # (lse - x[t] of two large numbers would not). An infinite max is not guarded: its
        # row is NaN, as in TF's kernel (inf - inf).
        shifted = logits - self.stop_gradient(self.max(logits, axis=-1, keepdims=True))
        normalizer = self.log(self.sum(self.exp(shifted), axis=-1))
        return normalizer - self._picked_or_nan(shifted, indices)

    def sparse_normalized_cross_entropy(self, weights, indices, check=None):
        if check is not None:
            check(indices)
        return self._log_quotient(self.sum(weights, axis=-1), self._picked_or_nan(weights, indices))

    def _log_quotient(self, total, picked):
        """``log(total / picked)``: one rounding, where two logs' difference has two (a confident
        row's loss, near 0, from two logs near 0). A float16 quotient overflows past 65504 (a sum
        near C over a weight down to 1e-7): there, the two logs."""
        if total.dtype == getattr(self, "float16", None):  # (array_api_strict has none)
            return self.log(total) - self.log(picked)
        return self.log(total / picked)

    def _picked_or_nan(self, values, indices):
        """``values[..., t]``, NaN where ``t`` is outside ``[0, C)``."""
        from ..losses import softmax  # the loss math; imported here, after the package

        # The gather reads a clipped index, so it never goes out of bounds (under jit nothing
        # has checked the range), and where puts NaN in place of what it read.
        classes = values.shape[-1]
        in_range = self.logical_and(indices >= 0, indices < classes)
        picked = softmax.pick(self, values, self.clip(indices, min=0, max=classes - 1), axis=-1)
        return self.where(in_range, picked, self.full_like(picked, self.nan))

    def ctc_loss(self, log_probs, targets, input_lengths, target_lengths, blank, zero_infinity):
        from ..losses import ctc

        self._check_ctc_lengths(log_probs, targets, input_lengths, target_lengths)
        return ctc.torch_ctc(self, log_probs, targets, input_lengths, target_lengths, blank, zero_infinity)

    def bounded_rsqrt(self, x, bound):
        # The root is taken of 1 where the bound holds: its derivative at 0 is infinite, and
        # TensorFlow's minimum sends nothing into the side it did not take.
        bounded = 1.0 / self.sqrt(x) > bound  # the bound only where it is below
        safe = self.where(bounded, self.ones_like(x), x)
        return self.where(bounded, self.full_like(x, bound), 1.0 / self.sqrt(safe))

    def serves_own_ctc(self, log_probs, targets, blank):
        """Whether :meth:`own_ctc` serves these arrays."""
        return False

    def own_ctc(self, log_probs, targets, input_lengths, target_lengths, blank):
        """The framework's own CTC kernel, ``-log p`` per sequence (0 where no alignment fits; the
        lengths in range), for arrays it serves (:meth:`serves_own_ctc`) with no wait for a
        device; None where it has none (here: everywhere)."""
        return None

    def _check_ctc_lengths(self, log_probs, targets, input_lengths, target_lengths):
        # PyTorch's kernel checks, with its messages, one host read each (eager only).
        from .._checks import any_true, concrete  # the checks' one home (and their deferral)

        if not concrete(self, input_lengths, target_lengths):
            return
        frames = log_probs.shape[0]
        if frames is not None and any_true(self, input_lengths > frames, "ctc_loss: input_lengths > frames"):
            raise RuntimeError(f"Expected input_lengths to have value at most {frames}, but got value "
                               f"{int(self.max(input_lengths))} (while checking arguments for "
                               "ctc_loss_allocate_outputs)")
        width = targets.shape[1] if self.ndim(targets) == 2 else None
        if width is not None and any_true(self, target_lengths > width, "ctc_loss: target_lengths > targets' width"):
            raise RuntimeError(f"Expected tensor to have size at least {int(self.max(target_lengths))} at "
                               f"dimension 1, but got size {width} for argument #2 'targets' (while checking "
                               "arguments for ctc_loss_allocate_outputs)")

    def multi_margin(self, x, target, p, margin, weight):
        from ..losses import margin as margin_math

        self._check_range(target, 0, x.shape[-1], "target out of range")
        return margin_math.multi_margin(self, x, target, p, margin, weight)

    def multilabel_margin(self, x, target):
        from ..losses import margin as margin_math

        self._check_range(target, -1, x.shape[-1], "argument #2 'target' is out of range")
        return margin_math.multilabel_margin(self, x, target)

    def linear(self, x, weight, bias=None):
        logits = self.matmul(x, self.matrix_transpose(weight))
        return logits if bias is None else logits + bias

    def pairwise_distance(self, x1, x2, p, eps, keepdim):
        from ..losses import margin as margin_math

        axis = max(self.ndim(x1), self.ndim(x2)) - 1
        return margin_math.p_norm(self, x1 - x2 + eps, p, axis=axis, keepdims=keepdim)

    def _check_range(self, indices, low, high, message):
        # PyTorch's kernel check, with one host read in eager mode; skipped when tracing.
        from .._checks import any_true, concrete  # the checks' one home (and their deferral)

        if concrete(self, indices) and any_true(self, self.logical_or(indices < low, indices >= high), message):
            raise RuntimeError(message)

    def _check_targets(self, indices, classes, reads_device=False):
        # PyTorch's kernel check, done here with one host read (bool of a reduction,
        # which is a replicated scalar even for an array sharded over processes).
        # ``reads_device``: a kernel has refused an index already, so the read waits for nothing.
        from .._checks import any_true, concrete  # the checks' one home (and their deferral)

        if not concrete(self, indices):
            return
        bad = self.logical_or(indices < 0, indices >= classes)
        if any_true(self, bad, "Target is out of bounds.", reads_device=reads_device):
            # The first offending index in memory order, as PyTorch's loop meets it.
            flat, bad = self.reshape(indices, (-1,)), self.reshape(bad, (-1,))
            position = self.arange(self.size(flat), dtype=flat.dtype, device=self.device(flat))
            first = self.min(self.where(bad, position, self.full_like(position, self.size(flat))))
            value = self.sum(self.where(position == first, flat, self.zeros_like(flat)))
            raise IndexError(f"Target {int(value)} is out of bounds.")

    def softmax_cross_entropy(self, logits, labels, axis):
        # The true gradient with respect to the logits is m softmax - labels, m = sum(labels);
        # the added term (1 - m) (lse - stop_gradient(lse)) is 0 in value and adds (1 - m) softmax
        # to it, which makes TF's softmax - labels, and nothing to the labels' gradient.
        value = -self.sum(labels * self.log_softmax(logits, axis), axis=axis)
        lse = self.logsumexp(logits, axis=axis)
        mass = self.stop_gradient(self.sum(labels, axis=axis))
        return value + (1.0 - mass) * (lse - self.stop_gradient(lse))

    def sigmoid_cross_entropy(self, labels, logits):
        # max(x, 0) and -|x| from one where on x >= 0, as TF writes them: the gradient at
        # x = 0 is then the exact sigmoid(0) - y.
        positive = logits >= 0
        relu = self.where(positive, logits, self.zeros_like(logits))
        neg_abs = self.where(positive, -logits, logits)
        return relu - logits * labels + self.log1p(self.exp(neg_abs))

    def half_sum_of_squares(self, x):
        return self.sum(x * x) / 2

    def stop_gradient(self, x):
        return x

    def scan(self, step, carry, xs, keep=False):
        # A Python loop: NumPy has nothing better, and torch's autograd records it as it runs.
        kept = []
        for t in range(xs[0].shape[0]):
            carry = step(carry, tuple(x[t, ...] for x in xs))
            if keep:
                kept.append(carry)
        if not keep:
            return carry
        return carry, tuple(self.stack(parts, axis=0) for parts in zip(*kept))

    def squared_difference(self, x, y):
        # square, not diff * diff: the same values, and JAX differentiates it as 2 diff, which
        # XLA folds with a following constant (optax's l2_loss, 0.5 (x - y)**2, has the
        # gradient x - y in one pass; diff * diff's two product terms cost one pass more)
        return self.square(x - y)

    def huber(self, x, y, delta):
        # m (|d| - m/2) with m = min(|d|, delta): no branch, so value and gradient
        # are exact at the boundary; below delta it rounds exactly as 0.5 d**2
        # (|d| - |d|/2 is exact).
        abs_diff = self.abs(x - y)
        inner = self.clip(abs_diff, max=delta)
        return inner * (abs_diff - 0.5 * inner)

    def bce_with_logits(self, x, y, pos_weight=None):
        # -(q y log sigmoid(x) + (1 - y) log sigmoid(-x)), using log sigmoid(-x) = log sigmoid(x) - x:
        # log-sigmoid never overflows, and an infinite logit gives PyTorch's inf or NaN (0 * inf).
        log_weight = 1 if pos_weight is None else 1 + (pos_weight - 1) * y
        return (1 - y) * x - log_weight * self.log_sigmoid(x)

    def probability_bce(self, p, y):
        from ..losses import sigmoid

        self._check_unit_interval(p, y)
        return sigmoid.torch_probability_bce(self, p, y)

    def _check_unit_interval(self, p, y):
        # PyTorch's kernel checks element by element, the input before the target, so the
        # first offending element (in memory order) names which of the two fails. NaN fails.
        from .._checks import any_true, concrete  # the checks' one home (and their deferral)

        if not concrete(self, p, y):
            return
        bad_input, bad_target = self._outside_unit_interval(p), self._outside_unit_interval(y)
        either = self.logical_or(bad_input, bad_target)
        if not any_true(self, either, "all elements of input and target should be between 0 and 1"):
            return
        first = int(self.argmax(self.astype(either, self.int8)))
        name = "input" if bool(bad_input[first]) else "target"
        raise RuntimeError(f"all elements of {name} should be between 0 and 1")

    def _outside_unit_interval(self, x):
        return self.reshape(self.logical_not(self.logical_and(x >= 0, x <= 1)), (-1,))

    def value(self, x):
        return x

    def ndim(self, x):
        return len(x.shape)

    def size(self, x):
        return math.prod(x.shape)

    def shape(self, x):
        return tuple(x.shape)

    def is_concrete(self, x):
        return True

    def device(self, x):
        return getattr(x, "device", None)

    def on_host(self, x):
        return True

    def device_assert(self, ok, message):
        pass  # the frameworks but torch check nothing on an accelerator
