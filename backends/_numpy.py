"""NumPy, through array-api-compat's namespace. No autodiff, so stop_gradient is the identity."""

import array_api_compat.numpy as namespace
import numpy as np

from ._base import Backend


class NumpyBackend(Backend):
    name = "numpy"

    # softplus and log_sigmoid stay generic: numpy.logaddexp is one pass, but a scalar loop
    # (no SIMD): 180 ms against 20 ms for the generic four passes on 1e6 float32 elements.

    # The compat wrappers of these check the device and normalise arguments, which costs
    # 10-20x the op on small arrays; floating inputs need no translation, so they go to
    # NumPy's ufunc reductions directly (same values, same dtype, same errors on empty max).
    def sum(self, x, axis=None, keepdims=False, dtype=None):
        if dtype is None and getattr(x, "dtype", None) is not None and x.dtype.kind == "f":
            return np.add.reduce(x, axis=axis, keepdims=keepdims)
        return namespace.sum(x, axis=axis, keepdims=keepdims, dtype=dtype)

    def max(self, x, axis=None, keepdims=False):
        return np.maximum.reduce(x, axis=axis, keepdims=keepdims)

    zeros_like = staticmethod(np.zeros_like)
    ones_like = staticmethod(np.ones_like)

    def clip(self, x, /, min=None, max=None):
        # np.clip directly: the compat wrapper costs ten times the op on small arrays.
        if min is None and max is None:
            return x
        out = np.clip(x, min, max)
        # NumPy widens a bfloat16 array clipped by Python floats to float32; the standard keeps x's dtype.
        return out.astype(x.dtype, copy=False) if x.dtype.name in _ML_FLOATS else out

    def matmul(self, x1, x2, /):
        out = np.matmul(x1, x2)
        # ml_dtypes' bfloat16 has no matmul loop: NumPy returns the float32 product; the standard keeps bfloat16.
        return out.astype(x1.dtype) if x1.dtype == x2.dtype and x1.dtype.name in _ML_FLOATS else out

    def squared_difference(self, x, y):
        # NumPy reuses the temporary of (x - y) for the square: one allocation.
        return (x - y) ** 2

    def size(self, x):
        return x.size

    # NumPy has no bfloat16; ml_dtypes' (the one JAX, TensorFlow and Keras hand to NumPy)
    # stands in. It is no np.floating subtype, so the dtype queries below know it by name.
    @property
    def bfloat16(self):
        import ml_dtypes

        return np.dtype(ml_dtypes.bfloat16)

    def isdtype(self, dtype, kind):
        if np.dtype(dtype).name in _ML_FLOATS:
            kinds = kind if isinstance(kind, tuple) else (kind,)
            return any(k in ("real floating", "numeric") or np.dtype(dtype) == k for k in kinds)
        return namespace.isdtype(dtype, kind)

    def finfo(self, dtype):
        if np.dtype(dtype).name in _ML_FLOATS:
            import ml_dtypes

            return ml_dtypes.finfo(dtype)
        return namespace.finfo(dtype)

    def take_along_axis(self, x, indices, axis=-1):
        # NumPy's own; the generic flat take is for 2023.12 namespaces.
        return np.take_along_axis(x, indices, axis=axis)


_ML_FLOATS = ("bfloat16",)


def backend():
    return NumpyBackend(namespace)
