"""A loss called again and again on concrete JAX arrays (one compiled call per signature) gives
what the plain eager call gives: values, errors, warnings. Expected values come from PyTorch run
in the test, or from formulas worked by hand."""

import warnings

import numpy as np
import pytest

from multiloss.testing import _frameworks as fw

fw.import_all()  # torch before TensorFlow
jax = pytest.importorskip("jax")
torch = pytest.importorskip("torch")
jnp = jax.numpy

import multiloss.keras as mk  # noqa: E402
import multiloss.pytorch.functional as mf  # noqa: E402
from multiloss import _fused  # noqa: E402

RNG = np.random.default_rng(0)
LOGITS = RNG.standard_normal((8, 5)).astype(np.float32)
TARGET = RNG.integers(0, 5, 8)
CALLS = 4  # the first call compiles, the others reuse it


def test_values_match_torch_on_every_call():
    expected = torch.nn.functional.cross_entropy(torch.tensor(LOGITS), torch.tensor(TARGET)).item()
    for _ in range(CALLS):
        got = mf.cross_entropy(jnp.asarray(LOGITS), jnp.asarray(TARGET))
        assert float(got) == pytest.approx(expected, rel=1e-6)


def test_bad_target_raises_torch_error_after_compiling():
    for _ in range(CALLS):
        mf.cross_entropy(jnp.asarray(LOGITS), jnp.asarray(TARGET))
    bad = TARGET.copy()
    bad[3] = 7
    with pytest.raises(IndexError) as theirs:
        torch.nn.functional.cross_entropy(torch.tensor(LOGITS), torch.tensor(bad))
    for _ in range(CALLS):
        with pytest.raises(IndexError) as ours:
            mf.cross_entropy(jnp.asarray(LOGITS), jnp.asarray(bad))
        assert str(ours.value) == str(theirs.value)


# torch's messages: a probability outside [0, 1] in BCE, a class index outside [0, C) in multi_margin_loss
RANGE_ERRORS = [
    (mf.binary_cross_entropy, (jnp.full((6,), 0.5), jnp.zeros(6)), (jnp.full((6,), 0.5).at[2].set(1.5), jnp.zeros(6)),
     "all elements of input should be between 0 and 1"),
    (mf.multi_margin_loss, (jnp.zeros((3, 4)), jnp.asarray([0, 1, 2])), (jnp.zeros((3, 4)), jnp.asarray([0, 1, 4])),
     "target out of range"),
]


@pytest.mark.parametrize(("loss", "good", "bad", "message"), RANGE_ERRORS, ids=["bce", "multi_margin"])
def test_value_check_error_after_compiling(loss, good, bad, message):
    for _ in range(CALLS):
        loss(*good)
    for _ in range(CALLS):
        with pytest.raises(RuntimeError, match=message):
            loss(*bad)


def test_traced_callers_keep_the_traced_path():
    logits, target = jnp.asarray(LOGITS), jnp.asarray(TARGET)
    for _ in range(CALLS):
        mf.cross_entropy(logits, target)
    # d mean CE / d logits = (softmax - one_hot) / N, worked by hand.
    by_hand = (jax.nn.softmax(logits) - jax.nn.one_hot(target, 5)) / len(TARGET)
    grad = jax.grad(lambda x: mf.cross_entropy(x, target))(logits)
    np.testing.assert_allclose(np.asarray(grad), np.asarray(by_hand), atol=1e-7)
    per_row = jax.vmap(lambda x, t: mf.cross_entropy(x[None], t[None]))(logits, target)
    np.testing.assert_allclose(np.asarray(per_row), np.asarray(mf.cross_entropy(logits, target, reduction="none")),
                               rtol=1e-6)


def test_changed_loss_object_compiles_again():
    a, b = jnp.asarray(LOGITS), jnp.zeros_like(jnp.asarray(LOGITS))
    loss = mk.MeanSquaredError()
    for _ in range(CALLS):
        mean = float(loss(a, b))
    assert mean == pytest.approx(float(np.mean(LOGITS**2)), rel=1e-6)
    loss.reduction = "sum"  # Keras sums the per-sample means
    for _ in range(CALLS):
        assert float(loss(a, b)) == pytest.approx(float(np.sum(np.mean(LOGITS**2, axis=-1))), rel=1e-6)


def test_signature_tells_python_values_apart():
    keys = {_fused._static_key(v) for v in (1, 1.0, True, 0.0, -0.0)}
    assert len(keys) == 5
    assert _fused._static_key(float("nan")) == _fused._static_key(float("nan"))
    with pytest.raises(TypeError):
        _fused._static_key([1])


def test_warnings_come_on_every_call_from_the_callers_line():
    log_probs = jax.nn.log_softmax(jnp.asarray(LOGITS))
    for _ in range(CALLS):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            mf.kl_div(log_probs, jnp.exp(log_probs), reduction="mean")
            mf.mse_loss(log_probs, log_probs, size_average=True)
        # the line of this file that called the loss, as without the compiled path
        assert [w.category for w in caught] == [UserWarning] * 2
        assert [w.filename for w in caught] == [__file__] * 2



def test_first_call_of_a_signature_compiles_one_program():
    """Eager ops compile a program each for a shape they have not met (cross-entropy: about twenty);
    the compiled call is one program, made on the first call. (A wrapper of its own: the suite's
    other tests fill the public function's signatures, 256 at most.)"""
    cross_entropy = _fused.fused(mf.cross_entropy.__wrapped__)
    logits = jnp.asarray(RNG.standard_normal((5, 17)).astype(np.float32))  # shapes no other test makes
    target = jnp.asarray(RNG.integers(0, 17, 5))
    with fw.jax_compilations() as made:
        got = cross_entropy(logits, target, label_smoothing=0.25)
    assert len(made) == 1
    expected = torch.nn.functional.cross_entropy(torch.tensor(np.asarray(logits)),
                                                 torch.tensor(np.asarray(target), dtype=torch.int64),
                                                 label_smoothing=0.25)
    assert float(got) == pytest.approx(expected.item(), rel=1e-6)


def test_an_option_that_changes_every_call_compiles_no_program_per_value():
    """Arrays met before with another option run eagerly, their ops compiled once, so a schedule (a
    new label smoothing each step) does not compile a program per value; torch gives the values."""
    cross_entropy = _fused.fused(mf.cross_entropy.__wrapped__)  # as above: signatures of its own
    logits = RNG.standard_normal((3, 19)).astype(np.float32)  # shapes no other test makes
    target = RNG.integers(0, 19, 3)
    x, t = jnp.asarray(logits), jnp.asarray(target)
    with fw.jax_compilations() as made:
        cross_entropy(x, t, label_smoothing=0.05)
    assert len(made) == 1  # the compiled call
    cross_entropy(x, t, label_smoothing=0.1)  # another option: eagerly, compiling the ops once
    with fw.jax_compilations() as made:
        for smoothing in (0.15, 0.2, 0.25, 0.3):
            got = cross_entropy(x, t, label_smoothing=smoothing)
            expected = torch.nn.functional.cross_entropy(torch.tensor(logits), torch.tensor(target),
                                                         label_smoothing=smoothing)
            assert float(got) == pytest.approx(expected.item(), rel=1e-6)
    assert made == []
