"""Margin, ranking and embedding losses: what the catalog can't say.

- the mean and sum of an empty batch in ``multi_margin_loss`` / ``multilabel_margin_loss``, which
  PyTorch leaves as uninitialised memory: NaN and 0 here, on every backend;
- a user ``distance_function`` is called with the caller's own arrays;
- small cases worked by hand (PyTorch's documented multilabel example, the TF v1 pairwise divisor);
- class-index targets of JAX's default int32 (x64 off) are accepted;
- the error messages equal the original's.

Expected values come from arithmetic in comments or from running the original in the test.
"""

import math

import numpy as np
import pytest

from multiloss import testing
from multiloss.testing._frameworks import import_all, to_native, to_numpy, x64

torch = pytest.importorskip("torch")
F = torch.nn.functional
import_all()

from multiloss import pytorch as mp  # noqa: E402
from multiloss.pytorch import functional as ML  # noqa: E402
from multiloss.tf import losses as mtl  # noqa: E402

BACKENDS = [b for b in testing.FRAMEWORKS if testing.installed(b)]


def _native(backend, *arrays):
    return [to_native(backend, np.asarray(a)) for a in arrays]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("loss", ["multi_margin", "multilabel_margin"])
def test_empty_batch_mean_is_nan_and_sum_is_zero(backend, loss):
    scores = np.zeros((0, 5), np.float32)
    target = np.zeros((0,) if loss == "multi_margin" else (0, 5), np.int64)
    fn = ML.multi_margin_loss if loss == "multi_margin" else ML.multilabel_margin_loss
    cls = mp.MultiMarginLoss if loss == "multi_margin" else mp.MultiLabelMarginLoss
    with x64(backend):
        args = _native(backend, scores, target)
        assert math.isnan(float(to_numpy(fn(*args))))
        assert float(to_numpy(fn(*args, reduction="sum"))) == 0.0
        assert math.isnan(float(to_numpy(cls()(*args))))
        assert to_numpy(fn(*args, reduction="none")).shape == (0,)


@pytest.mark.parametrize("backend", BACKENDS)
def test_multilabel_margin_documented_example(backend):
    # torch.nn.MultiLabelMarginLoss's docstring: targets 3 and 0 (1 is after the -1),
    # (1 - (0.8 - 0.2)) + (1 - (0.8 - 0.4)) + (1 - (0.1 - 0.2)) + (1 - (0.1 - 0.4)) over 4 classes = 0.85
    x, y = np.array([[0.1, 0.2, 0.4, 0.8]], np.float32), np.array([[3, 0, -1, 1]], np.int64)
    with x64(backend):
        got = to_numpy(ML.multilabel_margin_loss(*_native(backend, x, y)))
    np.testing.assert_allclose(got, 0.85, rtol=1e-6)


def test_class_indices_of_jax_default_int32():
    jnp = pytest.importorskip("jax.numpy")
    x = np.array([[0.1, 0.2, 0.4, 0.8]], np.float32)
    # without x64, JAX makes int32 indices: accepted as PyTorch accepts int64
    # multi-margin: target 3 (0.8); (1 - 0.7) + (1 - 0.6) + (1 - 0.4) over 4 classes = 0.325
    np.testing.assert_allclose(ML.multi_margin_loss(jnp.asarray(x), jnp.asarray([3])), 0.325, rtol=1e-6)
    np.testing.assert_allclose(ML.multilabel_margin_loss(jnp.asarray(x), jnp.asarray([[3, 0, -1, 1]])), 0.85,
                               rtol=1e-6)


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b != "numpy"])
def test_user_distance_function_gets_the_callers_arrays(backend):
    rng = np.random.default_rng(3)
    a, p, n = (rng.normal(size=(4, 3)) for _ in range(3))
    seen = []

    def chebyshev(x1, x2):
        seen.append(testing._frameworks.is_native(backend, x1) and testing._frameworks.is_native(backend, x2))
        return ML.pairwise_distance(x1, x2, p=math.inf, eps=0.0)

    with x64(backend):
        got = to_numpy(ML.triplet_margin_with_distance_loss(*_native(backend, a, p, n), distance_function=chebyshev,
                                                            swap=True, reduction="none"))
    assert seen == [True, True, True]
    # by hand: max |difference|, the swap's minimum, the hinge
    d_pos, d_neg, d_swap = (np.abs(u - v).max(axis=-1) for u, v in ((a, p), (a, n), (p, n)))
    np.testing.assert_allclose(got, np.maximum(1.0 + d_pos - np.minimum(d_neg, d_swap), 0.0), rtol=1e-12)


def test_mean_pairwise_squared_error_divides_by_the_batch_count():
    tf = pytest.importorskip("tensorflow")
    labels = np.zeros((2, 3), np.float32)
    predictions = np.array([[1.0, 2.0, 3.0], [0.0, 0.0, 6.0]], np.float32)
    # default weight: n = 6 elements in the whole batch; per sample 2 sum(d**2)/(n-1) - 2 (sum d)**2/(n(n-1)):
    # row 0: 2*14/5 - 2*36/30 = 3.2; row 1: 2*36/5 - 2*36/30 = 12.0; sum 15.2
    got = mtl.mean_pairwise_squared_error(tf.constant(labels), tf.constant(predictions))
    assert got.dtype == tf.float32
    np.testing.assert_allclose(got.numpy(), 15.2, rtol=1e-6)
    original = tf.compat.v1.losses.mean_pairwise_squared_error(tf.constant(labels), tf.constant(predictions))
    np.testing.assert_allclose(got.numpy(), original.numpy(), rtol=1e-6)


_ERRORS = [
    ("margin_ranking_loss", (np.zeros(3), np.zeros((3, 1)), np.ones(3)), {}),
    ("triplet_margin_loss", (np.zeros((3, 4)), np.zeros(4), np.zeros((3, 4))), {}),
    ("triplet_margin_loss", (np.zeros((3, 4)),) * 3, {"margin": 0.0}),
    ("multi_margin_loss", (np.zeros((2, 4)), np.array([1, 4])), {}),
    ("multi_margin_loss", (np.zeros((2, 4)), np.array([1, 2])), {"p": 3}),
    ("multi_margin_loss", (np.zeros((2, 4)), np.array([1.0, 2.0])), {}),
    ("multi_margin_loss", (np.zeros((2, 4)), np.array([1, 2, 0])), {}),
    ("multilabel_margin_loss", (np.zeros((1, 4)), np.array([[0, -1, 9, 0]])), {}),
    ("multilabel_margin_loss", (np.zeros((1, 4)), np.array([[0, -1, 0]])), {}),
    ("cosine_embedding_loss", (np.zeros((3, 4)), np.zeros((3, 4)), np.ones((3, 1))), {}),
    ("cosine_embedding_loss", (np.zeros(4), np.zeros(4), np.ones(1)), {}),
    ("soft_margin_loss", (np.zeros((3, 1)), np.ones(3)), {}),
    ("multilabel_soft_margin_loss", (np.zeros((3, 4)), np.ones((3, 4))), {"reduction": "x"}),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("name", "arrays", "options"), _ERRORS, ids=[f"{e[0]}-{i}" for i, e in enumerate(_ERRORS)])
def test_errors_have_the_originals_class_and_message(backend, name, arrays, options):
    arrays = [a.astype(np.float32) if a.dtype.kind == "f" else a for a in arrays]
    with pytest.raises(Exception) as original:
        getattr(F, name)(*(torch.from_numpy(a) for a in arrays), **options)
    with x64(backend), pytest.raises(type(original.value)) as ours:
        getattr(ML, name)(*_native(backend, *arrays), **options)
    assert str(ours.value) == str(original.value)
