"""The NumPy backend's fast forms (in place, branch-free, shared passes) give the generic formulas' values
bit for bit: the generic form in ``backends/_base.py`` is the contract every backend computes."""

import numpy as np
import pytest
from multiloss.backends import load
from multiloss.backends._base import Backend

numpy_backend = load("numpy")

_SPECIAL = [0.0, -0.0, 1e-30, -1e-30, 1e-45, -1e-45, 30.0, -30.0, 100.0, -100.0, np.inf, -np.inf, np.nan]


def _values(dtype):
    spread = np.random.default_rng(0).standard_normal(4000) * 20
    return np.concatenate([spread, _SPECIAL]).astype(dtype)


def _same_bits(got, expected):
    assert got.dtype == expected.dtype and got.shape == expected.shape
    # Equal bit patterns: signed zeros apart and every NaN alike (their payloads aside).
    same = (got.view(f"u{got.itemsize}") == expected.view(f"u{got.itemsize}")) | (np.isnan(got) & np.isnan(expected))
    assert same.all(), (got[~same][:5], expected[~same][:5])


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
@pytest.mark.parametrize("name", ["sigmoid", "log_sigmoid", "softplus", "relu"])
def test_one_array_forms_give_the_generic_values(name, dtype):
    x = _values(dtype)
    _same_bits(getattr(numpy_backend, name)(x), getattr(Backend, name)(numpy_backend, x))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_the_log_sigmoid_pair_is_the_two_log_sigmoids(dtype):
    x = _values(dtype)
    positive, negative = numpy_backend.log_sigmoid_pair(x)
    _same_bits(positive, Backend.log_sigmoid(numpy_backend, x))
    _same_bits(negative, Backend.log_sigmoid(numpy_backend, -x))


@pytest.mark.parametrize("value, dtype", [(32, np.float32), (2.5, None), (np.float32(2.5), None), (True, None),
                                          ([1, 2], np.int8), (np.arange(3), None), (np.arange(3), np.float64)])
def test_asarray_is_the_standard_asarray(value, dtype):
    import array_api_compat.numpy as standard

    got, expected = numpy_backend.asarray(value, dtype=dtype), standard.asarray(value, dtype=dtype)
    assert type(got) is type(expected) and got.dtype == expected.dtype and got.shape == expected.shape
    assert (got is value) == (expected is value) and np.array_equal(got, expected)
    with pytest.raises(ValueError, match="device"):
        numpy_backend.asarray(value, dtype=dtype, device="cuda")
