"""The one reduction helper, in each vocabulary, against values worked by hand and the originals' own tables."""

import warnings

import numpy as np
import pytest

from multiloss import namespace_of
from multiloss._reduction import (
    Reduction,
    divide_no_nan,
    keras_reduce,
    keras_reduction,
    reduce,
    reducer,
    torch_reduction,
)
from multiloss.tf.losses import compute_weighted_loss

XP = namespace_of(np.ones(1))
LOSSES = np.array([[1.0, 2.0], [3.0, 4.0]])
WEIGHTS = np.array([[0.0, 1.0], [0.5, 0.0]])


@pytest.mark.parametrize(
    ("operation", "expected"),
    [
        ("sum", 10.0),
        ("mean", 2.5),
        ("batchmean", 5.0),  # 10 / 2 rows
    ],
)
def test_unweighted_operations(operation, expected):
    assert reduce(XP, LOSSES, operation) == expected


@pytest.mark.parametrize(
    ("operation", "expected"),
    [
        ("none", [[0.0, 2.0], [1.5, 0.0]]),
        ("sum", 3.5),
        ("mean", 3.5 / 4),
        ("weighted_mean", 3.5 / 1.5),
        ("nonzero_mean", 3.5 / 2),
    ],
)
def test_weighted_operations(operation, expected):
    assert np.allclose(reduce(XP, LOSSES, operation, WEIGHTS), expected)


def test_mean_over_nothing_is_nan_for_pytorch_and_zero_for_keras_and_tf():
    empty = np.zeros((0, 3))
    assert np.isnan(reduce(XP, empty, "mean", empty="nan"))
    assert reduce(XP, empty, "mean", empty="zero") == 0
    assert reduce(XP, LOSSES, "weighted_mean", np.zeros((2, 2)), empty="zero") == 0
    assert divide_no_nan(XP, np.array(1.0), np.array(0.0)) == 0


@pytest.mark.parametrize(
    ("size_average", "reduce_", "expected"),
    [(None, None, "mean"), (True, None, "mean"), (False, None, "sum"), (None, True, "mean"),
     (False, True, "sum"), (True, False, "none"), (False, False, "none"), (None, False, "none")],
)
def test_torch_legacy_arguments_override_reduction_with_a_warning(size_average, reduce_, expected):
    if size_average is None and reduce_ is None:
        assert torch_reduction("mean", size_average, reduce_) == expected
        return
    with pytest.warns(UserWarning, match=f"please use reduction='{expected}' instead"):
        assert torch_reduction("none" if expected != "none" else "sum", size_average, reduce_) == expected


def test_torch_legacy_table_matches_torch():
    torch = pytest.importorskip("torch")
    from torch.nn import _reduction

    for size_average in (None, True, False):
        for reduce_ in (None, True, False):
            if size_average is None and reduce_ is None:
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                assert torch_reduction("mean", size_average, reduce_) == _reduction.legacy_get_string(size_average, reduce_)
    assert torch is not None


def test_unknown_reductions_raise_value_error_in_each_vocabulary():
    with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
        torch_reduction("avg")
    with pytest.raises(ValueError, match="Invalid value for argument `reduction`"):
        keras_reduction("weighted_mean")
    with pytest.raises(ValueError, match="Invalid Reduction Key mean"):
        Reduction.validate("mean")


def test_tf_reduction_members_have_tensorflows_strings():
    tf = pytest.importorskip("tensorflow")
    original = tf.compat.v1.losses.Reduction
    for member in ("NONE", "SUM", "MEAN", "SUM_OVER_BATCH_SIZE", "SUM_BY_NONZERO_WEIGHTS", "SUM_OVER_NONZERO_WEIGHTS"):
        assert getattr(Reduction, member) == getattr(original, member)
    assert Reduction.all() == original.all()


def test_compute_weighted_loss_worked_example():
    # squared errors [0, 1, 4] with weights [0, 1, 0.25]: weighted [0, 1, 1], sum 2,
    # sum of weights 1.25, two non-zero weights, three elements
    losses, weights = np.array([0.0, 1.0, 4.0]), np.array([0.0, 1.0, 0.25])
    expected = {Reduction.NONE: [0, 1, 1], Reduction.SUM: 2.0, Reduction.MEAN: 1.6,
                Reduction.SUM_OVER_BATCH_SIZE: 2 / 3, Reduction.SUM_BY_NONZERO_WEIGHTS: 1.0}
    for reduction, value in expected.items():
        assert np.allclose(compute_weighted_loss(losses, weights, reduction=reduction), value)


def test_keras_reduce_sample_weight_alignment_and_divisors():
    values = np.array([1.0, 2.0, 3.0])
    weights = np.array([[1.0], [0.0], [2.0]])  # (N, 1) beside (N,): aligned by rank, as Keras does
    # sum_over_batch_size divides by the element count, not by the weights
    assert np.isclose(keras_reduce(XP, values, weights, "sum_over_batch_size"), 7.0 / 3)
    assert np.isclose(keras_reduce(XP, values, weights, "mean_with_sample_weight"), 7.0 / 3)
    assert np.isclose(keras_reduce(XP, values, np.array([1.0, 0.0, 1.0]), "mean_with_sample_weight"), 2.0)
    assert keras_reduce(XP, values, None, "sum") == 6.0
    # an empty batch comes back unreduced, as in Keras
    assert keras_reduce(XP, np.zeros((0,)), None, "sum_over_batch_size").shape == (0,)
    # all masked: 0, not NaN
    assert keras_reduce(XP, values, None, "sum_over_batch_size", mask=np.zeros(3, bool)) == 0
    assert np.isclose(keras_reduce(XP, values, None, "sum_over_batch_size", mask=np.array([True, False, True])), 2.0)


@pytest.mark.parametrize("operation", ["none", "sum", "mean", "weighted_mean", "nonzero_mean", "batchmean"])
@pytest.mark.parametrize("weights", [None, 1, 1.0, 0.0, 2.5])
@pytest.mark.parametrize("empty", ["nan", "zero"])
@pytest.mark.parametrize("values", [LOSSES.astype(np.float32), np.zeros((0, 2), np.float32)], ids=["2x2", "0x2"])
def test_a_plans_reducer_is_reduce(operation, weights, empty, values):
    # The reduction a plan decides once gives reduce's value, dtype and shape: the weights 1 and 1.0
    # take its shortcuts (TF's non-zero mean as the mean), the others reduce itself.
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = np.asarray(reduce(XP, values, operation, weights, empty=empty))
        got = np.asarray(reducer(operation, weights, empty)(XP, values))
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_array_equal(got, expected)
