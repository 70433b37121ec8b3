"""Dtype policies the interfaces share: PyTorch's float promotion, TensorFlow's one-dtype rule.

Frameworks disagree on arrays of two float dtypes in one call: PyTorch promotes
(float16 with float32 computes in float32), TensorFlow's kernels refuse, NumPy
and JAX promote by their own tables. An interface states its original's rule
through these helpers, so that the same call gives the same dtype, or the same
exception, on every backend.
"""

from __future__ import annotations

from ._imports import when_imported

# floating dtypes by width; float16 and bfloat16 promote to float32 together, as in PyTorch
_FLOAT_RANK = {"float16": 1, "bfloat16": 1, "float32": 2, "float64": 3}
# PyTorch's ScalarType names, which its dtype errors print
TORCH_SCALAR_NAMES = {
    "float16": "Half", "bfloat16": "BFloat16", "float32": "Float", "float64": "Double",
    "complex64": "ComplexFloat", "complex128": "ComplexDouble", "bool": "Bool",
    "int8": "Char", "int16": "Short", "int32": "Int", "int64": "Long",
    "uint8": "Byte", "uint16": "UInt16", "uint32": "UInt32", "uint64": "UInt64",
}
_INTEGER_NAMES = {"int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"}
_FLOATS_ALLOWED = "a floating dtype (float16, bfloat16, float32 or float64)"


def dtype_name(dtype):
    """``"float32"`` for NumPy, JAX, TensorFlow and Keras dtypes, and for ``torch.float32``."""
    try:
        name = _TORCH_NAMES.get(dtype)  # torch's dtypes, the hot path's: one lookup
    except TypeError:  # an unhashable dtype object
        name = None
    if name is not None:
        return name
    if type(dtype).__module__ == "numpy.dtypes":
        # Cached: NumPy builds a dtype's .name anew on every read, a few microseconds each.
        # (NumPy's only: dtypes of two libraries are never compared, and a tracer sees no cache.)
        name = _NUMPY_NAMES.get(dtype)
        if name is None:
            name = _NUMPY_NAMES[dtype] = dtype.name
        return name
    return str(getattr(dtype, "name", None) or dtype).removeprefix("torch.")


# torch's dtypes by name, filled once at torch's import and never after: torch.compile guards
# on the entries a traced call reads, and an entry added later would not invalidate them.
_TORCH_NAMES: dict = {}


def _name_torch_dtypes(torch):
    _TORCH_NAMES.update({d: str(d).removeprefix("torch.") for d in vars(torch).values()
                         if isinstance(d, torch.dtype)})


when_imported("torch", _name_torch_dtypes, ready=lambda torch: hasattr(torch, "dtype"))


def torch_scalar_name(dtype):
    """The name PyTorch's messages give a dtype of any framework: ``Float``, ``Long``, ..."""
    name = dtype_name(dtype)
    return TORCH_SCALAR_NAMES.get(name, name)


_NUMPY_NAMES: dict = {}


_PYTHON_NUMBERS = (bool, int, float, complex)


def has(x, attribute):
    """``hasattr(x, attribute)``, with a plain Python number (which has no ``shape`` or ``dtype``)
    told by its type first: ``torch.compile`` traces a float argument that changes between calls
    as a symbolic float, of which it can't ask ``hasattr`` (a graph break), but can ask the type."""
    return type(x) not in _PYTHON_NUMBERS and hasattr(x, attribute)


def float_name(dtype):
    """The name of a floating dtype (float16, bfloat16, float32, float64), else None."""
    name = dtype_name(dtype) if dtype is not None else None
    return name if name in _FLOAT_RANK else None


def _float_name(x):
    name = dtype_name(x.dtype) if has(x, "dtype") else None
    return name if name in _FLOAT_RANK else None


def promoted_float(*arrays):
    """The dtype name PyTorch computes arrays of these float dtypes in (None when none is float)."""
    names = {n for n in map(_float_name, arrays) if n is not None}
    if not names:
        return None
    widest = max(names, key=_FLOAT_RANK.get)
    return "float32" if len(names) > 1 and _FLOAT_RANK[widest] == 1 else widest


def is_integer(x):
    """True for an array of an integer dtype (bool is not one)."""
    return has(x, "dtype") and dtype_name(x.dtype) in _INTEGER_NAMES


def promote_floats(xp, *arrays, integers=False):
    """PyTorch's promotion: every float array cast to :func:`promoted_float` of them all;
    ``None`` and Python numbers pass unchanged, and so do integer arrays unless ``integers``.

    ``integers=True``: an integer array beside a float one takes the float dtype (torch's
    ``long - float`` is float); ``integers="float32"``: integer arrays with no float beside
    them become float32 too, PyTorch's default dtype, which the loss's Python float
    constants (a margin, an epsilon) give them in PyTorch."""
    if _one_float_dtype(arrays):
        return arrays
    target = promoted_float(*arrays)
    if integers and any(map(is_integer, arrays)):
        target = target or (integers if isinstance(integers, str) else None)
        if target is None:
            return arrays
        dtype = getattr(xp, target)
        return tuple(xp.astype(a, dtype) if is_integer(a) or _float_name(a) not in (None, target) else a
                     for a in arrays)
    if target is None or all(_float_name(a) in (None, target) for a in arrays):
        return arrays
    dtype = getattr(xp, target)
    return tuple(xp.astype(a, dtype) if _float_name(a) not in (None, target) else a for a in arrays)


def torch_float_kernel(op, **arrays):
    """PyTorch's float-only kernels (``mse_loss``, ``log_softmax``, ``binary_cross_entropy``, ...)
    given an integer tensor: ``NotImplementedError``, torch's class (a ``RuntimeError``)."""
    for name, array in arrays.items():
        if is_integer(array):
            dtype = dtype_name(array.dtype)
            raise NotImplementedError(
                f"{op}: argument '{name}' has dtype {dtype} ({torch_scalar_name(dtype)}); "
                f"\"{op}\" is not implemented for integer dtypes, it takes {_FLOATS_ALLOWED}")


def torch_integer_mean(loss):
    """PyTorch's ``mean()`` of an integer loss: a RuntimeError (its sum stays an integer)."""
    if is_integer(loss):
        dtype = dtype_name(loss.dtype)
        raise RuntimeError(
            "mean(): could not infer output dtype. Input dtype must be either a floating point or complex "
            f"dtype. Got: {torch_scalar_name(dtype)} (the loss of integer inputs is an integer; "
            f"pass inputs of {_FLOATS_ALLOWED}, or reduction='sum' or 'none')")


def torch_float_result(name, array, result_dtype):
    """PyTorch writing a float result into an integer argument's dtype (an in-place clamp, an
    output of the target's dtype): the RuntimeError "result type Float can't be cast..."."""
    if is_integer(array):
        got = dtype_name(array.dtype)
        raise RuntimeError(
            f"result type {torch_scalar_name(result_dtype)} can't be cast to the desired "
            f"output type {torch_scalar_name(got)}: argument '{name}' has dtype {got}; "
            f"it must have {_FLOATS_ALLOWED}")


def rounded_to(value, array):
    """A Python float rounded to ``array``'s float dtype (unchanged for other arrays and numbers):
    the bound a clamp in that dtype really applies."""
    return rounded_to_dtype(value, array.dtype if has(array, "dtype") else None)


def rounded_to_dtype(value, dtype):
    """:func:`rounded_to` an array of ``dtype`` (None: unchanged)."""
    name = float_name(dtype)
    if name is None:
        return value
    import numpy as np  # here, not at the top: importing multiloss imports no array library

    if name == "bfloat16":
        import ml_dtypes

        return float(ml_dtypes.bfloat16(value))
    return float(np.asarray(value, dtype=name))


def _one_float_dtype(arrays):
    """Whether the arrays among ``arrays`` (not None or Python numbers) share one floating dtype:
    the common case, told by comparing dtypes (no name looked up beyond the first)."""
    dtype = None
    for a in arrays:
        if has(a, "dtype"):
            if dtype is None:
                dtype = a.dtype
            elif a.dtype != dtype:
                return False
    return dtype is not None and float_name(dtype) is not None


def mixed_float_names(*arrays, integers=False):
    """(first, other) float dtype names when the float arrays don't share one dtype, else None;
    ``integers``: integer arrays count too."""
    if _one_float_dtype(arrays):
        return None
    names = [_float_name(a) or dtype_name(a.dtype) for a in arrays
             if _float_name(a) is not None or (integers and is_integer(a))]
    for other in names[1:]:
        if other != names[0]:
            return names[0], other
    return None


# TensorFlow's names of float dtypes in its kernels' messages
_TF_KERNEL_NAMES = {"float16": "half", "bfloat16": "bfloat16", "float32": "float", "float64": "double"}


def require_one_float_dtype(op, *arrays):
    """TensorFlow's rule for an op on float tensors: one dtype, integer tensors included (no
    promotion), or ``InvalidArgumentError`` (multiloss' class of that name on other backends)
    with the kernel's message."""
    mixed = mixed_float_names(*arrays, integers=True)
    if mixed:
        from .tf.errors import InvalidArgumentError

        expected, got = (_TF_KERNEL_NAMES.get(n, n) for n in mixed)
        raise InvalidArgumentError(
            f"cannot compute {op} as input #1(zero-based) was expected to be a {expected} tensor "
            f"but is a {got} tensor [Op:{op}]"
        )


def require_tf_float(op, **arrays):
    """TensorFlow's float-only kernels (softmax, sigmoid, exp, l2_loss, ...) given an integer
    tensor: ``InvalidArgumentError``, the op's type attribute refusing the dtype."""
    for name, array in arrays.items():
        if is_integer(array):
            from .tf.errors import InvalidArgumentError

            raise InvalidArgumentError(
                f"Value for attr 'T' of {dtype_name(array.dtype)} is not in the list of allowed values: "
                f"half, bfloat16, float, double (argument `{name}` of {op}; pass a floating tensor)")


def require_tf_float_operand(value, name, array):
    """TensorFlow converting a Python float operand to an integer tensor's dtype: ``TypeError``
    (it converts no float to an integer tensor, not even 1.0)."""
    if is_integer(array) and isinstance(value, float):
        raise TypeError(f"Cannot convert {value!r} to EagerTensor of dtype {dtype_name(array.dtype)} "
                        f"(argument `{name}` is an integer tensor; pass a floating one)")
