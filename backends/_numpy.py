"""NumPy, through array-api-compat's namespace. No autodiff, so stop_gradient is the identity."""

import array_api_compat.numpy as namespace
import numpy as np

from ._base import Backend


class NumpyBackend(Backend):
    name = "numpy"
    differentiable = False  # no autodiff: the terms that only shape a gradient are left out
    always_concrete = True  # no tracer, no device: the value checks read their verdict at once

    # softplus and log_sigmoid keep the generic formulas (numpy.logaddexp is one pass, but a scalar
    # loop, no SIMD: 180 ms against 20 ms for the generic passes on 1e6 float32 elements), op for
    # op, with the temporaries reused in place: the same values bit for bit.
    def _log1p_exp_neg_abs(self, x):
        tail = np.abs(x)
        np.negative(tail, out=tail)
        np.exp(tail, out=tail)
        return np.log1p(tail, out=tail)

    @staticmethod
    def _log_sigmoid_from(x, tail):
        # min(x, 0) - log1p(exp(-|x|)), the tail given: log_sigmoid and its pair share it.
        out = np.minimum(x, 0)
        out -= tail
        return out

    def log_sigmoid(self, x):
        if not _plain(x):
            return super().log_sigmoid(x)
        return self._log_sigmoid_from(x, self._log1p_exp_neg_abs(x))

    def log_sigmoid_pair(self, x):
        # One log1p(exp(-|x|)) for both (|-x| is |x|, bit for bit): two passes of exp and log1p fewer.
        if not _plain(x):
            return super().log_sigmoid_pair(x)
        tail = self._log1p_exp_neg_abs(x)
        return self._log_sigmoid_from(x, tail), self._log_sigmoid_from(np.negative(x), tail)

    def softplus(self, x):
        if not _plain(x):
            return super().softplus(x)
        out = np.maximum(x, 0)
        out += self._log1p_exp_neg_abs(x)
        return out

    def sigmoid(self, x):
        # The generic where(x >= 0, 1 / (1 + e), e / (1 + e)), e = exp(-|x|), bit for bit, with no
        # branch per element (a masked divide or a where over random signs is 10x these passes): the
        # numerator max(e, x >= 0) is 1 where x >= 0 (e <= 1 there) and e elsewhere (NaN stays).
        if not _plain(x):
            return super().sigmoid(x)
        e = np.abs(x)
        np.negative(e, out=e)
        np.exp(e, out=e)
        denominator = e + 1
        numerator = np.maximum(e, (x >= 0).astype(x.dtype), out=e)
        numerator /= denominator
        return numerator

    # The compat wrappers of these check the device and normalise arguments, which costs
    # 10-20x the op on small arrays; floating inputs need no translation, so they go to
    # NumPy's ufunc reductions directly (same values, same dtype, same errors on empty max).
    def sum(self, x, axis=None, keepdims=False, dtype=None):
        if dtype is None and getattr(x, "dtype", None) is not None and x.dtype.kind == "f":
            return np.add.reduce(x, axis=axis, keepdims=keepdims)
        return namespace.sum(x, axis=axis, keepdims=keepdims, dtype=dtype)

    def mean(self, x, axis=None, keepdims=False):
        # np.mean's own steps for float32 and float64 (a float sum in x's dtype, then one division
        # by the count), without its Python wrapper and the compat one around it. Other dtypes
        # (float16 sums in float32) and empty arrays (np.mean's warning) go to np.mean.
        if isinstance(x, np.ndarray) and x.dtype in _SUM_IN_OWN_DTYPE and x.size:
            total = np.add.reduce(x, axis=axis, keepdims=keepdims)
            return total / (x.size // (total.size if isinstance(total, np.ndarray) else 1))
        return namespace.mean(x, axis=axis, keepdims=keepdims)

    def any(self, x, axis=None, keepdims=False):
        # a boolean array's any is the logical_or reduction, without np.any's wrappers (2.5x the op)
        if isinstance(x, np.ndarray) and x.dtype == np.bool_:
            return np.logical_or.reduce(x, axis=axis, keepdims=keepdims)
        return namespace.any(x, axis=axis, keepdims=keepdims)

    def all(self, x, axis=None, keepdims=False):
        if isinstance(x, np.ndarray) and x.dtype == np.bool_:
            return np.logical_and.reduce(x, axis=axis, keepdims=keepdims)
        return namespace.all(x, axis=axis, keepdims=keepdims)

    def max(self, x, axis=None, keepdims=False):
        return np.maximum.reduce(x, axis=axis, keepdims=keepdims)

    def asarray(self, obj, /, *, dtype=None, device=None, copy=None):
        # For copy=None on the host the compat wrapper's call is np.array(obj, copy=None, dtype=dtype),
        # which is np.asarray's: its device check and copy mapping cost more than the call (a count
        # or a constant made into an array, 1.1 against 0.4 µs).
        if copy is None and (device is None or device == "cpu"):
            return np.asarray(obj, dtype=dtype)
        return namespace.asarray(obj, dtype=dtype, device=device, copy=copy)

    zeros_like = staticmethod(np.zeros_like)
    ones_like = staticmethod(np.ones_like)

    def clip(self, x, /, min=None, max=None):
        # np.clip is minimum(maximum(x, min), max), by its docs, and so are these two ufuncs (NaN
        # stays NaN), without the Python of np.clip (3 µs, against 1 µs per ufunc; the compat
        # wrapper costs ten times the op on small arrays).
        if min is None and max is None:
            return x
        out = x if min is None else np.maximum(x, min)
        if max is not None:
            out = np.minimum(out, max)
        # NumPy widens a bfloat16 array clipped by Python floats to float32; the standard keeps x's dtype.
        # (kind "V" first: reading a dtype's .name builds it anew, several µs; NumPy's own kinds are letters.)
        return out.astype(x.dtype, copy=False) if x.dtype.kind == "V" and x.dtype.name in _ML_FLOATS else out

    # No autodiff, so no tie's gradient to split: NumPy's maximum and minimum are the value in one
    # pass, against two compares and two wheres over new temporaries (the torchvision box losses,
    # 250000 boxes: 21 ms to 4 ms). NaN propagates; a tie gives one of the two, exactly (the generic
    # a / 2 + b / 2 may round a subnormal), and of 0.0 and -0.0 either (NumPy's loops differ by dtype).
    even_maximum = staticmethod(np.maximum)
    even_minimum = staticmethod(np.minimum)

    def one_hot(self, indices, num_classes, dtype):
        # Zeros (pages the allocator hands over zeroed) and a 1 written per index, where the generic
        # compares every index with every class and casts the (N, C) mask: 0.5 ms against 0.1 ms at
        # 1000 x 1000. An index outside [0, C) leaves its row zero, as the generic comparison does.
        if not (isinstance(indices, np.ndarray) and indices.dtype.kind in "iu"):
            return super().one_hot(indices, num_classes, dtype)
        out = np.zeros(indices.shape + (num_classes,), dtype)
        flat, index = out.reshape(-1, num_classes), indices.reshape(-1)
        rows = np.arange(index.size)
        if not _all_in_range(index, num_classes):
            kept = (index >= 0) & (index < num_classes)
            rows, index = rows[kept], index[kept]
        flat[rows, index] = 1
        return out

    def multi_margin(self, x, target, p, margin, weight):
        # The generic per-sample hinge, its values bit for bit, in 4 passes over (N, C) against 10:
        # x[y] gathered (the generic's masked sum over the row is it, exactly), y's own term zeroed
        # in place, and fmax(z, 0) for where(z > 0, z, 0) (NaN gives 0 in both; the one +0.0 at y
        # makes a row of -0.0 terms sum to +0.0, as the generic's zeros do).
        if not (_plain(x) and x.ndim == 2 and isinstance(target, np.ndarray) and target.dtype.kind in "iu"
                and target.shape == x.shape[:1]):
            return super().multi_margin(x, target, p, margin, weight)
        classes = x.shape[-1]
        if not _all_in_range(target, classes):
            self._check_range(target, 0, classes, "target out of range")  # the generic check raises
        rows = np.arange(target.size)
        z = (margin - x[rows, target])[:, None] + x  # (margin - x[y]) + x, in the generic order
        z[rows, target] = 0
        h = np.fmax(z, 0, out=z)
        if p != 1:
            h *= h
        loss = np.add.reduce(h, axis=-1)
        if weight is not None:
            loss = loss * weight[target]
        return loss / classes

    def split_max(self, x, axis):
        # The max itself, NaN where the slice has one (the generic sum over the tied entries divided
        # by their count is that max but for a last bit at three or more ties): 1 pass against 7.
        return np.maximum.reduce(x, axis=axis)

    def relu(self, x):
        # NumPy's maximum in one pass, against the generic where over new zeros (0.4 against 4 ms per
        # 1e6 float32 of random sign, which defeats the where's branches). NaN propagates; adding 0 in
        # place makes the -0.0 that its loop gives for -0.0 in some dtypes the generic +0.0.
        if not _plain(x):
            return super().relu(x)
        out = np.maximum(x, 0)
        out += 0
        return out

    def matmul(self, x1, x2, /):
        out = np.matmul(x1, x2)
        # ml_dtypes' bfloat16 has no matmul loop: NumPy returns the float32 product; the standard keeps bfloat16.
        return out.astype(x1.dtype) if x1.dtype == x2.dtype and x1.dtype.name in _ML_FLOATS else out

    def squared_difference(self, x, y):
        # NumPy reuses the temporary of (x - y) for the square: one allocation.
        return (x - y) ** 2

    # The generic log-sum-exp, with its rounding kept bit for bit (the strict namespace must agree
    # with NumPy), in fewer and cheaper passes: the peak's terms are zeroed in place rather than by
    # a where over new zeros, and the count at the peak is a count_nonzero of the mask rather than a
    # float sum of it (exact either way). Rows with an infinite peak take the generic form.
    def _shifted(self, x, axis):
        """``x - peak`` along ``axis`` (a new array), or None where the fast form can't serve."""
        if not _plain(x) or x.dtype not in (np.float32, np.float64) or x.size == 0:
            return None
        peak = np.maximum.reduce(x, axis=axis, keepdims=True)
        if not np.isfinite(peak).all():
            return None
        return peak, x - peak

    @staticmethod
    def _log_sum(shifted, axis, consume=False):
        """The generic ``log1p((count - 1) + rest)`` of ``x - peak``; ``consume`` takes its exp in place."""
        at_peak = shifted == 0  # x == peak, for a finite peak
        terms = np.exp(shifted, out=shifted if consume else None)
        np.copyto(terms, 0, where=at_peak)
        rest = np.add.reduce(terms, axis=axis, keepdims=True)
        if np.count_nonzero(at_peak) == rest.size:
            # One entry at the peak in every row: count - 1 is 0, and 0 + rest is rest. (A whole-array
            # count is one fast pass; a count per row is 3x the exp's sum.)
            return np.log1p(rest, out=rest)
        count = np.count_nonzero(at_peak, axis=axis, keepdims=True).astype(shifted.dtype)
        count -= 1
        count += rest
        return np.log1p(count, out=count)

    def logsumexp(self, x, axis, keepdims=False):
        fast = self._shifted(x, axis)
        if fast is None:
            return super().logsumexp(x, axis, keepdims)
        peak, shifted = fast
        out = peak + self._log_sum(shifted, axis, consume=True)
        return out if keepdims else np.squeeze(out, axis=axis)

    def log_softmax(self, x, axis):
        fast = self._shifted(x, axis)
        if fast is None:
            return super().log_softmax(x, axis)
        _, shifted = fast
        shifted -= self._log_sum(shifted, axis)  # (x - peak) - log_sum, in the generic form's order
        return shifted

    def huber(self, x, y, delta):
        # The generic m (|d| - m/2), m = min(|d|, delta), op for op (the same rounding), with
        # np.minimum for the compat clip and the temporaries reused.
        if not _plain(x, y) or x.dtype not in _SUM_IN_OWN_DTYPE:
            return super().huber(x, y, delta)
        abs_diff = np.subtract(x, y)
        np.abs(abs_diff, out=abs_diff)
        inner = np.minimum(abs_diff, delta)
        half = np.multiply(inner, 0.5)
        np.subtract(abs_diff, half, out=abs_diff)
        abs_diff *= inner
        return abs_diff

    # Whole losses in place: NumPy has no autodiff, so a buffer can be overwritten pass by pass;
    # each takes the fast path for plain floating arrays of one shape and dtype.
    def sparse_softmax_cross_entropy(self, logits, indices, check=None):
        if check is None or not _plain(logits):
            return super().sparse_softmax_cross_entropy(logits, indices, check)
        check(indices)  # every index is in [0, C) past it: no NaN fill needed
        shifted = logits - np.maximum.reduce(logits, axis=-1, keepdims=True)
        picked = np.take_along_axis(shifted, indices[..., None], axis=-1)[..., 0]
        np.exp(shifted, out=shifted)
        return np.log(np.add.reduce(shifted, axis=-1)) - picked

    def sparse_normalized_cross_entropy(self, weights, indices, check=None):
        if check is None or not _plain(weights):
            return super().sparse_normalized_cross_entropy(weights, indices, check)
        check(indices)  # every index is in [0, C) past it: no NaN fill needed
        picked = np.take_along_axis(weights, indices[..., None], axis=-1)[..., 0]
        return self._log_quotient(np.add.reduce(weights, axis=-1), picked)

    def nll(self, log_probs, indices, ignore_index, axis):
        if not _plain(log_probs) or not isinstance(indices, np.ndarray):
            return super().nll(log_probs, indices, ignore_index, axis)
        picked, ignored = self._picked(log_probs, indices, ignore_index, axis)
        return self._negated_kept(picked, ignored)

    def _picked(self, log_probs, indices, ignore_index, axis):
        """``(log_probs at each target, the ignored mask)``, a new array, past the targets' range check."""
        ignored = indices == ignore_index
        safe = np.where(ignored, 0, indices)
        classes = log_probs.shape[axis]
        if not _all_in_range(safe, classes):  # the generic check, for its error
            self._check_targets(safe, classes)
        # one fancy index where it can be: take_along_axis builds its index in Python
        if log_probs.ndim == 2 and axis == 1:
            return log_probs[np.arange(safe.shape[0]), safe], ignored
        if log_probs.ndim == 1 and safe.ndim == 0:
            return log_probs[safe.reshape(1)].reshape(()), ignored  # a 0-d array, as the generic gather gives
        return np.take_along_axis(log_probs, np.expand_dims(safe, axis), axis=axis).squeeze(axis), ignored

    @staticmethod
    def _negated_kept(picked, ignored):
        np.negative(picked, out=picked)
        np.copyto(picked, 0, where=ignored)
        return picked

    def _nll_of_logits(self, x, indices, ignore_index, axis):
        # The generic nll(log_softmax(x)) bit for bit, with log_softmax's last pass, (x - peak) - log_sum,
        # made on the picked entries only and its exp taken in place: one full-size pass fewer
        # and two new full-size arrays fewer (with the whole-array count: cross_entropy at 1000x1000, 1.7 to 1.3 ms).
        fast = self._shifted(x, axis)
        if fast is None:
            return self.nll(self.log_softmax(x, axis), indices, ignore_index, axis)
        _, shifted = fast
        picked, ignored = self._picked(shifted, indices, ignore_index, axis)
        picked -= np.squeeze(self._log_sum(shifted, axis, consume=True), axis=axis)
        return self._negated_kept(picked, ignored)

    def nll_loss(self, x, indices, weight, ignore_index, reduction, label_smoothing=0.0, from_logits=False):
        # With no weight and no smoothing, the mean's divisor is the count of targets not ignored
        # (the generic sum of ones, exact in float32 and float64): no per-target weights to build.
        if (weight is not None or label_smoothing > 0 or not _plain(x) or x.dtype not in _SUM_IN_OWN_DTYPE
                or not isinstance(indices, np.ndarray)):
            return super().nll_loss(x, indices, weight, ignore_index, reduction, label_smoothing, from_logits)
        axis = 0 if x.ndim == 1 else 1
        if from_logits:
            loss = self._nll_of_logits(x, indices, ignore_index, axis)
        else:
            loss = self.nll(x, indices, ignore_index, axis)
        if reduction == "none":
            return loss
        total = np.add.reduce(loss, axis=None)
        if reduction == "sum":
            return total
        kept = indices.size - np.count_nonzero(indices == ignore_index)
        return total / x.dtype.type(kept)

    def softmax_cross_entropy(self, logits, labels, axis):
        # The value only: the term that sets TF's gradient is 0 here.
        if not _plain(logits, labels):
            return super().softmax_cross_entropy(logits, labels, axis)
        shifted = logits - np.maximum.reduce(logits, axis=axis, keepdims=True)
        log_sum = np.log(np.add.reduce(np.exp(shifted), axis=axis, keepdims=True))
        shifted -= log_sum
        shifted *= labels
        return -np.add.reduce(shifted, axis=axis)

    def sigmoid_cross_entropy(self, labels, logits):
        if not _plain(logits, labels):
            return super().sigmoid_cross_entropy(labels, logits)
        # TF's order, (max(x, 0) - x y) + log1p(exp(-|x|)): for a confident logit the first
        # part is exactly 0 and the tail keeps its digits, which x - x y + tail would round away.
        # maximum(x, 0) is TF's where(x >= 0, x, 0) for every x but NaN, whose loss is NaN either way.
        out = np.maximum(logits, 0)
        out -= logits * labels
        tail = np.abs(logits)
        np.negative(tail, out=tail)
        np.exp(tail, out=tail)
        np.log1p(tail, out=tail)
        out += tail
        return out

    def _check_unit_interval(self, p, y):
        # Four reductions and no temporary decide that every value lies in [0, 1] (a NaN makes its
        # min or max NaN, which fails the test); only then does the generic search for the first
        # offender run, for the message. The generic verdict alone costs ten passes.
        if not (_inside_unit_interval(p) and _inside_unit_interval(y)):
            super()._check_unit_interval(p, y)

    def size(self, x):
        return x.size

    # NumPy has no bfloat16; ml_dtypes' (the one JAX, TensorFlow and Keras hand to NumPy)
    # stands in. It is no np.floating subtype, so the dtype queries below know it by name.
    @property
    def bfloat16(self):
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)

    def isdtype(self, dtype, kind):
        # Cached: the compat function and a dtype's .name (built anew per read) cost a few µs per
        # call, and the interfaces ask it several times per loss. Keys are NumPy dtypes and kinds.
        key = (dtype, kind)
        try:
            return _ISDTYPE[key]
        except (KeyError, TypeError):  # new, or unhashable
            pass
        if np.dtype(dtype).name in _ML_FLOATS:
            kinds = kind if isinstance(kind, tuple) else (kind,)
            answer = any(k in ("real floating", "numeric") or np.dtype(dtype) == k for k in kinds)
        else:
            answer = namespace.isdtype(dtype, kind)
        try:
            _ISDTYPE[key] = answer
        except TypeError:
            pass
        return answer

    def astype(self, x, dtype, /, *, copy=True, device=None):
        # ndarray.astype directly (the standard's copy rule is its own); the compat wrapper
        # checks the device first, several times the cost of a small cast.
        if device is None and isinstance(x, np.ndarray | np.generic):
            return x.astype(dtype, copy=copy)
        return namespace.astype(x, dtype, copy=copy, device=device)

    def finfo(self, dtype):
        # Cached, as isdtype: a dtype's .name and the compat wrapper cost 3-4 us a call, and the
        # guards ask it on every call (a clip's bounds, Keras' normalisation bound).
        try:
            return _FINFO[dtype]
        except (KeyError, TypeError):  # new, or unhashable
            pass
        if np.dtype(dtype).name in _ML_FLOATS:
            import ml_dtypes

            info = ml_dtypes.finfo(dtype)
        else:
            info = namespace.finfo(dtype)
        try:
            _FINFO[dtype] = info
        except TypeError:
            pass
        return info

    def take_along_axis(self, x, indices, axis=-1):
        # NumPy's own; the generic flat take is for 2023.12 namespaces.
        return np.take_along_axis(x, indices, axis=axis)


_ML_FLOATS = ("bfloat16",)
_ISDTYPE: dict = {}
_FINFO: dict = {}
_SUM_IN_OWN_DTYPE = (np.dtype(np.float32), np.dtype(np.float64))


def _all_in_range(indices, n):
    """Every index in ``[0, n)`` (none at all included): two reductions and no temporary, one verdict,
    where the generic range checks compare into two masks."""
    return not indices.size or (np.minimum.reduce(indices, axis=None) >= 0
                                and np.maximum.reduce(indices, axis=None) < n)


def _inside_unit_interval(a):
    """Every value of a non-empty floating array in [0, 1], by two reductions (a NaN fails both)."""
    return (isinstance(a, np.ndarray) and a.dtype.kind == "f" and a.size > 0
            and np.minimum.reduce(a, axis=None) >= 0 and np.maximum.reduce(a, axis=None) <= 1)


def _plain(first, *others):
    """NumPy floating arrays of one dtype and one shape, at least 1-D: the in-place fast paths."""
    # A loop, not all() over a generator: the generator's frame costs more than the tests (0.5 of
    # 0.6 us for two arrays); every fast path asks this on every call.
    if not (isinstance(first, np.ndarray) and first.dtype.kind == "f" and first.ndim):
        return False
    for other in others:
        if not (isinstance(other, np.ndarray) and other.dtype == first.dtype and other.shape == first.shape):
            return False
    return True


def backend():
    return NumpyBackend(namespace)
