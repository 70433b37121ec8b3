"""What every Keras-style loss shares: input conversion, rank alignment, the Loss base classes."""

from __future__ import annotations

from .._dispatch import namespace_of
from .._reduction import keras_reduce, keras_reduction, squeeze_or_expand_to_same_rank
from ..distributed import scale_keras_loss

FLOATX = "float32"  # keras.config.floatx(): the default compute dtype of every Keras loss
EPSILON = 1e-7  # keras.config.epsilon()


def as_array(xp, x, dtype=None):
    """``keras.ops.convert_to_tensor``: arrays keep their dtype unless one is asked;
    Python values become ``floatx`` arrays."""
    if hasattr(x, "dtype") and hasattr(x, "shape"):
        return x if dtype is None else xp.astype(x, dtype, copy=False)
    return xp.asarray(x, dtype=dtype or getattr(xp, FLOATX))


def prepare(y_true, y_pred):
    """The prologue of every Keras loss function: ``y_true`` takes ``y_pred``'s dtype,
    then ranks are aligned through a trailing 1."""
    xp = namespace_of(y_true, y_pred)
    y_pred = as_array(xp, y_pred)
    y_true = as_array(xp, y_true, y_pred.dtype)
    y_true, y_pred = squeeze_or_expand_to_same_rank(xp, y_true, y_pred)
    return xp, y_true, y_pred


class Loss:
    """``keras.losses.Loss(name=None, reduction='sum_over_batch_size', dtype=None)``.

    ``__call__(y_true, y_pred, sample_weight=None)`` converts both inputs to
    ``dtype`` (float32 unless given: Keras computes in floatx even for float64
    inputs), computes ``call`` and reduces with Keras' rules.
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or type(self).__name__
        self.reduction = keras_reduction(reduction)
        self._dtype = dtype or FLOATX

    @property
    def dtype(self):
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        xp = namespace_of(y_true, y_pred, sample_weight)
        dtype = getattr(xp, self._dtype)
        y_true, y_pred = as_array(xp, y_true, dtype), as_array(xp, y_pred, dtype)
        values, mask = self._call_with_mask(y_true, y_pred)
        if sample_weight is not None:
            sample_weight = as_array(xp, sample_weight, dtype)
        return scale_keras_loss(xp, keras_reduce(xp, values, sample_weight, self.reduction, mask),
                                values, sample_weight, self.reduction)

    def _call_with_mask(self, y_true, y_pred):
        # A loss that masks entries out (SparseCategoricalCrossentropy's
        # ignore_class) returns the mask beside the values; Keras carries it
        # on the tensor, which not every framework allows.
        return self.call(y_true, y_pred), None

    def call(self, y_true, y_pred):
        raise NotImplementedError

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction, "dtype": self._dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"


class LossFunctionWrapper(Loss):
    """A Loss whose ``call`` is a loss function plus stored keyword arguments."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        xp = namespace_of(y_true, y_pred)
        y_true, y_pred = squeeze_or_expand_to_same_rank(xp, y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}

    @classmethod
    def from_config(cls, config):
        return cls(**config)
