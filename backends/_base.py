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

    def __init__(self, namespace):
        self._namespace = namespace

    def __getattr__(self, attr):
        value = getattr(self._namespace, attr)
        setattr(self, attr, value)
        return value

    def __repr__(self):
        return f"<multiloss backend {self.name!r}>"

    # -- extensions -------------------------------------------------------------

    def logsumexp(self, x, axis, keepdims=False):
        # Shift by the max so exp never overflows; a row whose max is +-inf is
        # shifted by 0 instead, so the result is that inf rather than inf - inf = nan.
        peak = self.max(x, axis=axis, keepdims=True)
        peak = self.stop_gradient(self.where(self.isfinite(peak), peak, self.zeros_like(peak)))
        out = self.log(self.sum(self.exp(x - peak), axis=axis, keepdims=True)) + peak
        return out if keepdims else self.squeeze(out, axis=axis)

    def log_softmax(self, x, axis):
        return x - self.logsumexp(x, axis, keepdims=True)

    def softmax(self, x, axis):
        return self.exp(self.log_softmax(x, axis))

    def sigmoid(self, x):
        # exp of a non-positive number only: no overflow for either sign.
        e = self.exp(-self.abs(x))
        return self.where(x >= 0, 1 / (1 + e), e / (1 + e))

    def log_sigmoid(self, x):
        # log(sigmoid(x)) = min(x, 0) - log1p(exp(-|x|)).
        return self.minimum(x, self.zeros_like(x)) - self.log1p(self.exp(-self.abs(x)))

    def softplus(self, x):
        return self.maximum(x, self.zeros_like(x)) + self.log1p(self.exp(-self.abs(x)))

    def xlogy(self, x, y):
        # Double where: the log is taken of 1 where x == 0, so that neither the
        # value nor the gradient of the discarded branch can be nan.
        zero = x == 0
        safe_y = self.where(zero, self.ones_like(y), y)
        return self.where(zero, self.zeros_like(x * safe_y), x * self.log(safe_y))

    def one_hot(self, indices, num_classes, dtype):
        classes = self.arange(num_classes, dtype=indices.dtype)
        return self.astype(self.expand_dims(indices, axis=-1) == classes, dtype)

    def stop_gradient(self, x):
        return x

    def squared_difference(self, x, y):
        diff = x - y
        return diff * diff

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

    def size(self, x):
        return math.prod(x.shape)

    def shape(self, x):
        return tuple(x.shape)

    def is_concrete(self, x):
        return True
