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


def _logits(dtype):
    """Rows of logits: a single peak, ties at the peak, a peak far ahead, tiny and huge values, -inf
    entries, and (taken by the generic form) NaN and +inf rows."""
    rows = np.random.default_rng(1).standard_normal((64, 7)) * 5
    rows[1] = 0.0  # every entry at the peak
    rows[2, :3] = rows[2].max() + 1  # three at the peak
    rows[3] = [30.0, -30.0, 0.0, 1e-30, -1e-30, 1e-45, 2.0]
    rows[4, 1:] = -np.inf
    return rows.astype(dtype)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("ties", [True, False])
def test_log_softmax_and_logsumexp_give_the_generic_values(dtype, ties):
    x = _logits(dtype) if ties else _logits(dtype)[5:]
    for axis in (1, 0, -1):
        _same_bits(numpy_backend.log_softmax(x, axis), Backend.log_softmax(numpy_backend, x, axis))
        _same_bits(numpy_backend.logsumexp(x, axis), Backend.logsumexp(numpy_backend, x, axis))
    special = x.copy()
    special[5, 2], special[6, 0] = np.nan, np.inf
    with np.errstate(invalid="ignore"):  # the generic form's inf - inf on the +inf row, which it then fills
        _same_bits(numpy_backend.log_softmax(special, 1), Backend.log_softmax(numpy_backend, special, 1))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("ties", [True, False])
@pytest.mark.parametrize("reduction", ["none", "sum", "mean"])
def test_the_cross_entropy_of_logits_is_the_generic_nll_of_log_softmax(dtype, ties, reduction):
    x = _logits(dtype) if ties else _logits(dtype)[5:]
    targets = np.random.default_rng(2).integers(0, 7, x.shape[0])
    targets[::5] = -100  # ignored
    got = numpy_backend.nll_loss(x, targets, None, -100, reduction, from_logits=True)
    expected = Backend.nll_loss(numpy_backend, Backend.log_softmax(numpy_backend, x, 1), targets, None, -100,
                                reduction)
    _same_bits(np.asarray(got), np.asarray(expected))
    # the class axis at 1 of a (N, C, d) input, and one unbatched row
    spatial = np.stack([x, x[::-1]], axis=-1)
    got = numpy_backend.nll_loss(spatial, np.stack([targets, targets[::-1]], axis=-1), None, -100, reduction,
                                 from_logits=True)
    expected = Backend.nll_loss(numpy_backend, Backend.log_softmax(numpy_backend, spatial, 1),
                                np.stack([targets, targets[::-1]], axis=-1), None, -100, reduction)
    _same_bits(np.asarray(got), np.asarray(expected))
    got = numpy_backend.nll_loss(x[7], np.asarray(3), None, -100, reduction, from_logits=True)
    expected = Backend.nll_loss(numpy_backend, Backend.log_softmax(numpy_backend, x[7], 0), np.asarray(3), None,
                                -100, reduction)
    _same_bits(np.asarray(got), np.asarray(expected))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_split_max_is_the_generic_max(dtype):
    # Ties of two (the generic sum of the tied entries over their count is exact there), infinities and
    # NaN; at three ties or more the generic rounds k * peak / k, where NumPy's is the max, and at tied
    # -0.0 the generic's sum over zeros gives +0.0 (equal values, the sign aside).
    x = _logits(dtype)[:, :6]
    x[5, :2], x[6, 2], x[7, :] = x[5].max() + 1, np.nan, -np.inf
    x[8, :2], x[9] = np.inf, [-0.0, -0.0, -1.0, -2.0, -3.0, -4.0]
    x = np.delete(x, [1, 2], axis=0)  # the rows of 6 and 3 ties
    for axis in (-1, 0):
        with np.errstate(invalid="ignore"):  # the generic's inf - inf and 0 / 0 where it gives NaN
            got, expected = numpy_backend.split_max(x, axis), Backend.split_max(numpy_backend, x, axis)
        assert got.dtype == expected.dtype and np.array_equal(got, expected, equal_nan=True)
    tied = np.full((2, 3), 0.1, dtype)
    assert (numpy_backend.split_max(tied, 1) == dtype(0.1)).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.bool_, np.int32])
@pytest.mark.parametrize("shape", [(6,), (3, 2), (), (0,)])
def test_one_hot_is_the_generic_one_hot(dtype, shape):
    indices = np.random.default_rng(3).integers(0, 4, shape)
    wild = np.array([-1, 4, 9, 0, 3, -7])[:indices.size].reshape(shape)  # outside [0, 4): a row of zeros
    for index in (indices, wild, indices.astype(np.uint8)):
        got, expected = numpy_backend.one_hot(index, 4, dtype), Backend.one_hot(numpy_backend, index, 4, dtype)
        assert got.dtype == expected.dtype and got.shape == expected.shape and np.array_equal(got, expected)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("p", [1, 2])
@pytest.mark.parametrize("weighted", [False, True])
def test_multi_margin_gives_the_generic_values(dtype, p, weighted):
    x = _logits(dtype)
    x[10, 3], x[11, :] = np.nan, -0.0  # NaN terms drop out (the z > 0 test); a row of zero terms
    x[12, 2], x[13, 4] = np.inf, -np.inf
    target = np.random.default_rng(4).integers(0, 7, x.shape[0])
    weight = np.linspace(0.5, 2.0, 7).astype(dtype) if weighted else None
    for margin in (1.0, 0.0):
        with np.errstate(invalid="ignore"):
            _same_bits(numpy_backend.multi_margin(x, target, p, margin, weight),
                       Backend.multi_margin(numpy_backend, x, target, p, margin, weight))
    with pytest.raises(RuntimeError, match="target out of range"):
        numpy_backend.multi_margin(x, np.where(target == 3, 7, target), p, 1.0, weight)
