"""multiloss.optax beside optax.losses: what the catalog rows can't express.

The rows (multiloss/catalog/optax.py) compare values, gradients, compiled calls, calling
conventions and dtypes with optax on every backend; here: that every public callable of
optax.losses exists with optax's parameters, and make_fenchel_young_loss's contract off JAX.
"""

import inspect

import numpy as np
import pytest

import multiloss
import multiloss.optax as mo

optax_losses = pytest.importorskip("optax.losses")

# optax's deprecated aliases outside optax.losses' __all__ are not mirrored.
_PUBLIC = sorted(n for n in getattr(optax_losses, "__all__", dir(optax_losses))
                 if not n.startswith("_") and callable(getattr(optax_losses, n)))


def test_every_public_callable_is_mirrored():
    missing = [n for n in _PUBLIC if not hasattr(mo, n)]
    assert not missing, f"multiloss.optax lacks {missing}"


@pytest.mark.parametrize("name", _PUBLIC)
def test_parameters_match_optax(name):
    """Names, kinds and plain defaults; a default that is a JAX function (reduce_fn=jnp.mean)
    is a callable doing the same on the caller's backend."""
    theirs = inspect.signature(getattr(optax_losses, name)).parameters
    ours = inspect.signature(getattr(mo, name)).parameters
    assert list(ours) == list(theirs)
    for key, parameter in theirs.items():
        mine = ours[key]
        assert mine.kind == parameter.kind, key
        if callable(parameter.default):
            assert callable(mine.default), key
        else:
            assert mine.default == parameter.default or (mine.default is parameter.default), key


def test_default_reduce_fn_is_a_mean_on_the_callers_backend():
    torch = pytest.importorskip("torch")
    logits = torch.tensor([[1.0, 2.0, 0.5], [0.0, -1.0, 3.0]])
    labels = torch.tensor([[0.0, 1.0, 2.0], [1.0, 0.0, 0.0]])
    per_list = mo.ranking_softmax_loss(logits, labels, reduce_fn=None)
    # by hand: -sum(y log_softmax(s)) per list
    expected = -(labels * torch.log_softmax(logits, dim=-1)).sum(dim=-1)
    torch.testing.assert_close(per_list, expected)
    torch.testing.assert_close(mo.ranking_softmax_loss(logits, labels), expected.mean())


def test_fenchel_young_with_multiloss_namespace_off_jax():
    def max_fun(scores):
        return multiloss.namespace_of(scores).logsumexp(scores, axis=-1)

    scores = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]])
    targets = np.array([[0.0, 0.0, 1.0], [0.5, 0.5, 0.0]])
    loss = mo.make_fenchel_young_loss(max_fun)(scores, targets)
    # logsumexp gives the softmax cross-entropy (targets sum to 1), worked by hand
    lse = np.log(np.exp(scores).sum(axis=-1))
    np.testing.assert_allclose(loss, lse - (targets * scores).sum(axis=-1))


def test_fenchel_young_rejects_a_per_vector_max_off_jax():
    loss = mo.make_fenchel_young_loss(lambda scores: np.max(scores))  # reduces everything, not the last axis
    with pytest.raises(ValueError, match="must reduce the last axis"):
        loss(np.ones((2, 3)), np.ones((2, 3)) / 3)
