"""Dtype policies the interfaces share: PyTorch's float promotion, TensorFlow's one-dtype rule.

Frameworks disagree on arrays of two float dtypes in one call: PyTorch promotes
(float16 with float32 computes in float32), TensorFlow's kernels refuse, NumPy
and JAX promote by their own tables. An interface states its original's rule
through these helpers, so that the same call gives the same dtype, or the same
exception, on every backend.
"""

from __future__ import annotations

# floating dtypes by width; float16 and bfloat16 promote to float32 together, as in PyTorch
_FLOAT_RANK = {"float16": 1, "bfloat16": 1, "float32": 2, "float64": 3}
# PyTorch's ScalarType names, which its dtype errors print
TORCH_SCALAR_NAMES = {"float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double"}


def dtype_name(dtype):
    """``"float32"`` for NumPy, JAX, TensorFlow and Keras dtypes, and for ``torch.float32``."""
    if type(dtype).__module__ == "numpy.dtypes":
        # Cached: NumPy builds a dtype's .name anew on every read, a few microseconds each.
        # (NumPy's only: dtypes of two libraries are never compared, and a tracer sees no cache.)
        name = _NUMPY_NAMES.get(dtype)
        if name is None:
            name = _NUMPY_NAMES[dtype] = dtype.name
        return name
    return str(getattr(dtype, "name", None) or dtype).removeprefix("torch.")


_NUMPY_NAMES: dict = {}


def _float_name(x):
    name = dtype_name(x.dtype) if hasattr(x, "dtype") else None
    return name if name in _FLOAT_RANK else None


def promoted_float(*arrays):
    """The dtype name PyTorch computes arrays of these float dtypes in (None when none is float)."""
    names = {n for n in map(_float_name, arrays) if n is not None}
    if not names:
        return None
    widest = max(names, key=_FLOAT_RANK.get)
    return "float32" if len(names) > 1 and _FLOAT_RANK[widest] == 1 else widest


def promote_floats(xp, *arrays):
    """PyTorch's promotion: every float array cast to :func:`promoted_float` of them all;
    integer arrays, ``None`` and Python numbers pass unchanged."""
    target = promoted_float(*arrays)
    if target is None or all(_float_name(a) in (None, target) for a in arrays):
        return arrays
    dtype = getattr(xp, target)
    return tuple(xp.astype(a, dtype) if _float_name(a) not in (None, target) else a for a in arrays)


def rounded_to(value, array):
    """A Python float rounded to ``array``'s float dtype (unchanged for other arrays and numbers):
    the bound a clamp in that dtype really applies."""
    name = _float_name(array)
    if name is None:
        return value
    import numpy as np  # here, not at the top: importing multiloss imports no array library

    if name == "bfloat16":
        import ml_dtypes

        return float(ml_dtypes.bfloat16(value))
    return float(np.asarray(value, dtype=name))


def mixed_float_names(*arrays):
    """(first, other) float dtype names when the float arrays don't share one dtype, else None."""
    names = [n for n in map(_float_name, arrays) if n is not None]
    for other in names[1:]:
        if other != names[0]:
            return names[0], other
    return None


# TensorFlow's names of float dtypes in its kernels' messages
_TF_KERNEL_NAMES = {"float16": "half", "bfloat16": "bfloat16", "float32": "float", "float64": "double"}


def require_one_float_dtype(op, *arrays):
    """TensorFlow's rule for an op on float tensors: one dtype, or ``InvalidArgumentError``
    (multiloss' class of that name on other backends) with the kernel's message."""
    mixed = mixed_float_names(*arrays)
    if mixed:
        from .tf.errors import InvalidArgumentError

        expected, got = (_TF_KERNEL_NAMES[n] for n in mixed)
        raise InvalidArgumentError(
            f"cannot compute {op} as input #1(zero-based) was expected to be a {expected} tensor "
            f"but is a {got} tensor [Op:{op}]"
        )
