"""What the ``multiloss.optax`` functions share: optax's argument checks, JAX's dtype promotion, ``where``.

optax checks dtypes and shapes with ``optax._src.utils`` (``check_subdtype``,
``check_shapes_equal``, ``check_rank``); the helpers here raise the same
exception classes, with messages that also name the argument.
"""

from __future__ import annotations

import operator

from .._dtypes import dtype_name as _framework_dtype_name
from .._dtypes import promote_floats

_FLOATS = {"float16", "bfloat16", "float32", "float64"}
_INTEGERS = {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"}


def dtype_name(dtype):
    """``float32``, ``int64``, ...: the dtype's name, for array-api-strict's dtypes too."""
    return _framework_dtype_name(dtype).rpartition(".")[2]


def check_floating(fn, **arrays):
    """optax's ``check_subdtype(x, jnp.floating)``: a TypeError for any other dtype."""
    for name, x in arrays.items():
        dtype = _dtype(x)
        if dtype not in _FLOATS:
            raise TypeError(f"{fn}: {name} must have a floating dtype (a subdtype of numpy.floating: "
                            f"float16, bfloat16, float32 or float64), got {dtype}")


def check_integer(fn, **arrays):
    """optax's ``check_subdtype(x, jnp.integer)``: a TypeError for any other dtype."""
    for name, x in arrays.items():
        dtype = _dtype(x)
        if dtype not in _INTEGERS:
            raise TypeError(f"{fn}: {name} must have an integer dtype (a subdtype of numpy.integer), got {dtype}")


def _dtype(x):
    if hasattr(x, "dtype"):
        return dtype_name(x.dtype)
    return {bool: "bool", int: "int32", float: "float32"}.get(type(x), type(x).__name__)


def check_shapes_equal(fn, a, b, names=("predictions", "targets")):
    """optax's ``check_shapes_equal``: a ValueError unless both shapes are equal."""
    a_shape, b_shape = tuple(getattr(a, "shape", ())), tuple(getattr(b, "shape", ()))
    if a_shape != b_shape:
        raise ValueError(f"{fn}: {names[0]} and {names[1]} must have equal shapes (Shape mismatch: got "
                         f"{a_shape} and {b_shape}.)")


def check_rank(fn, name, x, rank):
    """optax's ``check_rank``: a ValueError unless ``x`` has ``rank`` axes."""
    got = len(tuple(getattr(x, "shape", ())))
    if got != rank:
        raise ValueError(f"{fn}: {name} must have rank {rank} (Expected the input to have rank {rank}, "
                         f"got {got} instead)")


def promote(xp, *arrays):
    """JAX's promotion of the arrays of one call: the widest float dtype among them (float16 with
    bfloat16 gives float32), which integer arrays beside a float take too; ``None`` and Python
    numbers pass. (NumPy would make float64 of int64 and float32, and TensorFlow refuses.)"""
    return promote_floats(xp, *arrays, integers=True)


def as_array(xp, x, like):
    """A Python number or list as an array of ``like``'s namespace and device (``jnp.asarray``);
    arrays pass."""
    if hasattr(x, "shape") and hasattr(x, "dtype"):
        return x
    return xp.asarray(x, device=None if like is None else xp.device(like))


def canonical_axis(axis, ndim):
    """optax's ``canonicalize_axis``: ``axis`` in ``[0, ndim)``, or a ValueError."""
    axis = operator.index(axis)
    if 0 <= axis < ndim:
        return axis
    if -ndim <= axis < 0:
        return axis + ndim
    raise ValueError(f"axis {axis} is out of bounds for array of dimension {ndim}")


def check_axis(axis, ndim):
    """JAX's check of an ``axis`` argument (an int, a tuple of ints, or None): a ValueError for an
    axis out of range, whatever the backend would raise."""
    if axis is None:
        return
    for a in axis if isinstance(axis, tuple) else (axis,):
        canonical_axis(a, ndim)


def mask_like(xp, where, ndim, axis):
    """optax's alignment of a ``where`` of fewer axes than the logits: a new axis at ``axis``."""
    if where is not None and xp.ndim(where) != ndim:
        where = xp.expand_dims(where, axis=axis)
    return where


def jax_float(xp, *arrays, by_width=False):
    """The float dtype JAX gives a result it makes a float of integers (``(x + 1.0)**2 / 4``,
    ``one_hot``): its default float, float32, or float64 under ``jax_enable_x64``. multiloss takes
    float64 where a float64 array is among ``arrays`` or none is a float (integers alone: JAX keeps
    int64 only under x64, so that is optax's dtype for them), float32 otherwise.

    ``by_width``: JAX's own functions of an integer array (``exp``, ``softmax``) follow its width
    instead when no float is there: int32 gives float32 even under x64, int64 float64.
    """
    names = [dtype_name(a.dtype) for a in arrays if hasattr(a, "dtype")]
    floats = [n for n in names if n in _FLOATS]
    if floats:
        return xp.float64 if "float64" in floats else xp.float32
    if by_width:
        return xp.float64 if any(n in ("int64", "uint64") for n in names) else xp.float32
    return xp.float64


def as_floats(xp, *arrays):
    """:func:`promote`, and integers alone cast to :func:`jax_float`: where JAX's own functions
    (``softmax``, a division) make floats of them."""
    arrays = promote(xp, *arrays)
    if any(hasattr(a, "dtype") and dtype_name(a.dtype) in _FLOATS for a in arrays):
        return arrays
    dtype = jax_float(xp, *arrays, by_width=True)
    return tuple(xp.astype(a, dtype) if hasattr(a, "dtype") else a for a in arrays)
