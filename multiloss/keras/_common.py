"""What every Keras-style loss shares: input conversion, rank alignment, the Loss base classes."""

from __future__ import annotations

import re
import sys

from .._dispatch import namespace_of
from .._dtypes import dtype_name, has, is_integer
from .._framework_class import FrameworkClass
from .._fused import fused, settings_key
from .._reduction import keras_reduce, keras_reduction, squeeze_or_expand_to_same_rank
from ..distributed import scale_keras_loss

FLOATX = "float32"  # keras.config.floatx() unless Keras is loaded and says otherwise
EPSILON = 1e-7  # keras.config.epsilon()


def floatx():
    """``keras.config.floatx()`` when the program uses Keras, else Keras' default."""
    keras = sys.modules.get("keras")
    config = getattr(keras, "config", None)
    return config.floatx() if config is not None else FLOATX


def compute_dtype(dtype):
    """The dtype a Loss computes in, and the name its config stores.

    As Keras' ``dtype_policies.get``: a name (``"float64"``, ``"mixed_float16"``), a
    ``keras.DTypePolicy`` (its ``compute_dtype``), or None for ``floatx()``.
    """
    dtype = dtype or floatx()
    policies = getattr(sys.modules.get("keras"), "dtype_policies", None)
    if policies is not None:  # Keras' own resolution, with its errors
        policy = policies.get(dtype)
        return policy.compute_dtype, policy.name
    if isinstance(dtype, str):
        return (dtype[len("mixed_"):] if dtype.startswith("mixed_") else dtype), dtype
    if hasattr(dtype, "compute_dtype"):
        return dtype.compute_dtype, dtype.name
    raise ValueError(f"Cannot interpret `dtype` argument. Expected a string or a DTypePolicy. Received: {dtype!r}")


def auto_name(class_name):
    """Keras' default loss name: the class name in snake case, numbered by Keras when it is loaded."""
    naming = sys.modules.get("keras.src.utils.naming")
    if naming is not None:
        return naming.auto_name(class_name)
    name = re.sub(r"\W+", "", class_name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def keras_mask(x):
    """The Keras mask an array carries (``Embedding(mask_zero=True)``, ``Masking``), or None.

    Keras keeps it as the ``_keras_mask`` attribute, or, for arrays that take no
    attributes (JAX), in a table of its own that only Keras can read.
    """
    backend = sys.modules.get("keras.src.backend")
    get = getattr(backend, "get_keras_mask", None)
    return get(x) if get is not None else getattr(x, "_keras_mask", None)


def as_array(xp, x, dtype=None):
    """``keras.ops.convert_to_tensor``: arrays keep their dtype unless one is asked;
    Python values become ``floatx`` arrays."""
    if has(x, "dtype") and has(x, "shape"):
        return x if dtype is None else xp.astype(x, dtype, copy=False)
    return xp.asarray(x, dtype=dtype or getattr(xp, floatx()))


def prepare(y_true, y_pred, integers="floatx"):
    """The prologue of every Keras loss function: ``y_true`` takes ``y_pred``'s dtype,
    then ranks are aligned through a trailing 1.

    An integer ``y_pred`` becomes floatx (``integers="floatx"``: Keras' ops meet it with a
    Python float, or take its mean, in floatx) or stays as it is (``"keep"``: the function
    computes in the integer dtype, constants truncated to it)."""
    xp = namespace_of(y_true, y_pred)
    y_pred = as_array(xp, y_pred)
    y_true = as_array(xp, y_true, y_pred.dtype)  # float labels truncate to an integer y_pred's dtype
    if integers == "floatx" and not xp.isdtype(y_pred.dtype, "real floating"):
        y_true, y_pred = integers_as_floatx(xp, y_true), integers_as_floatx(xp, y_pred)
    y_true, y_pred = squeeze_or_expand_to_same_rank(xp, y_true, y_pred)
    return xp, y_true, y_pred


def integers_as_floatx(xp, x):
    """An integer or boolean array as floatx: Keras' ops promote one beside a Python float (and
    take its mean) in floatx."""
    return x if xp.isdtype(x.dtype, "real floating") else xp.astype(x, getattr(xp, FLOATX))


def refuse_integer_y_pred(fn, y_pred, *, constant=None, mixed_with=None, kernel=None):
    """Keras' loss *functions* compute in ``y_pred``'s own dtype (its classes cast to floatx
    first). On Keras' TensorFlow backend, the reference, an integer ``y_pred`` fails at the
    function's first float step, which the caller names: a float ``constant`` (TypeError: TF
    makes no integer tensor of a float), a product with a float tensor of dtype ``mixed_with``,
    or a float-only ``kernel`` (InvalidArgumentError)."""
    if not is_integer(y_pred):
        return
    got = dtype_name(y_pred.dtype)
    advice = (f"keras.losses.{fn} computes in y_pred's dtype, {got}; pass a floating y_pred, or use "
              "the loss class, which casts to floatx")
    if constant is not None:
        raise TypeError(f"Cannot convert {constant!r} to EagerTensor of dtype {got} ({advice})")
    from ..tf.errors import InvalidArgumentError

    if mixed_with is not None:
        raise InvalidArgumentError(f"cannot compute Mul as input #1(zero-based) was expected to be a {got} "
                                   f"tensor but is a {mixed_with} tensor ({advice})")
    raise InvalidArgumentError(f"Value for attr 'T' of {got} is not in the list of allowed values: half, "
                               f"bfloat16, float, double (op {kernel}; {advice})")


def _both_masks(xp, in_mask, out_mask):
    """Keras' ``in_mask & out_mask``, either of which may be None."""
    if in_mask is not None and namespace_of(in_mask) is not xp:
        in_mask = xp.asarray(in_mask)  # Keras takes a NumPy mask on any backend
    if in_mask is None or out_mask is None:
        return out_mask if in_mask is None else in_mask
    return xp.logical_and(xp.astype(in_mask, xp.bool), xp.astype(out_mask, xp.bool))


class Loss(FrameworkClass):
    """``keras.losses.Loss(name=None, reduction='sum_over_batch_size', dtype=None)``.

    ``__call__(y_true, y_pred, sample_weight=None)`` converts both inputs to
    ``dtype`` (``floatx()``, float32, unless given: Keras computes in floatx even for
    float64 inputs), computes ``call``, applies the Keras mask ``y_pred`` carries and
    reduces with Keras' rules. Where the caller's program has imported Keras, an
    instance is a ``keras.losses.Loss`` (see ``multiloss._framework_class``), so
    ``compile``, ``fit``, saving and loading take it as one of their own.
    """

    _framework = "keras"

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or auto_name(type(self).__name__)
        self.reduction = keras_reduction(reduction)
        self._dtype, self._dtype_name = compute_dtype(dtype)

    @property
    def dtype(self):
        return self._dtype

    def __call__(self, y_true, y_pred, sample_weight=None):
        return _loss_call(self, y_true, y_pred, sample_weight)

    def _fused_key(self):
        # What a call reads of the loss, for one compiled call per signature (multiloss._fused).
        return settings_key(self)

    def _call_with_mask(self, y_true, y_pred):
        # A loss that masks entries out (SparseCategoricalCrossentropy's
        # ignore_class) returns the mask beside the values; Keras carries it
        # on the tensor, which not every framework allows.
        values = self.call(y_true, y_pred)
        return values, keras_mask(values)

    def call(self, y_true, y_pred):
        raise NotImplementedError

    def get_config(self):
        # Keras 3.15.1 leaves dtype out; kept so that a reloaded loss computes as the saved one.
        return {"name": self.name, "reduction": self.reduction, "dtype": self._dtype_name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"

    @classmethod
    def _framework_base(cls, keras):
        return getattr(getattr(keras, "losses", None), "Loss", None)

    @classmethod
    def _twin_created(cls, twin):
        from ._serialization import register_twin

        register_twin(cls, twin)


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
        config = {**super().get_config(), **self._fn_kwargs}
        if type(self).__init__ is LossFunctionWrapper.__init__:
            config["fn"] = self.fn  # a class that fixes its function (all public ones) leaves it out
        return config

    @classmethod
    def from_config(cls, config):
        if not callable(config.get("fn", len)):
            from ._serialization import deserialize

            config = {**config, "fn": deserialize(config["fn"])}
        return cls(**config)


@fused
def _loss_call(loss, y_true, y_pred, sample_weight):
    in_mask = keras_mask(y_pred)  # read before conversion, which may drop it
    xp = namespace_of(y_true, y_pred, sample_weight)
    dtype = getattr(xp, loss._dtype)
    y_true, y_pred = as_array(xp, y_true, dtype), as_array(xp, y_pred, dtype)
    values, out_mask = loss._call_with_mask(y_true, y_pred)
    values = as_array(xp, values, dtype)  # Keras reduces in the loss' dtype, whatever call computed in
    mask = _both_masks(xp, in_mask, out_mask)
    if sample_weight is not None:
        sample_weight = as_array(xp, sample_weight, dtype)
    # Keras' Loss.__call__ reduces here (reduce_weighted_values), then scales for tf.distribute.
    return scale_keras_loss(xp, keras_reduce(xp, values, sample_weight, loss.reduction, mask),
                            values, sample_weight, loss.reduction)
