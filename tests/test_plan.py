"""A call's plan (multiloss._plan): decided once per signature, exact on every call.

Expected values and errors come from torch.nn.functional itself, run in the test.
"""

import warnings

import numpy as np
import pytest
from multiloss.backends import load

from multiloss._plan import Plans
from multiloss.pytorch import _regression
from multiloss.pytorch import functional as M

torch = pytest.importorskip("torch")
F = torch.nn.functional


def test_a_signature_is_decided_once_and_the_cache_is_bounded():
    calls = []
    plans = Plans(lambda *key: calls.append(key) or len(calls), maxsize=2)
    x = np.zeros((2, 3), np.float32)
    assert plans("a", x, x, None, 1) == plans("a", x, x, None, 1) == 1
    assert calls[0][1] == (np.ndarray, x.dtype, 2, np.ndarray, x.dtype, 2, type(None), None, None)
    assert plans("a", x, x, None, True) == 2  # cached by type: 1 and True apart
    plans("b", x, x, None, 1), plans("c", x, 1.5, None, 1)
    assert calls[-1][1][3:6] == (float, None, None)  # a Python value: its type
    assert plans._cached.cache_info().currsize == 2
    assert plans("a", x, x, None, ["unhashable"]) is None and len(calls) == 4


def test_a_batch_size_that_changes_keeps_its_plan():
    _regression._PLANS.clear()
    for n in (32, 7, 1, 32):
        x, y = torch.randn(n, 3), torch.randn(n, 3)
        torch.testing.assert_close(M.mse_loss(x, y), F.mse_loss(x, y), rtol=0, atol=0)
    info = _regression._PLANS._cached.cache_info()
    assert info.misses == 1 and info.hits == 3


@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16])
def test_plain_torch_calls_equal_the_original_bit_for_bit(dtype):
    x, y = torch.randn(5, 4, dtype=dtype), torch.randn(5, 4, dtype=dtype)
    t = torch.randint(0, 4, (5,))
    for name, args, kw in [("mse_loss", (x, y), {}), ("huber_loss", (x, y), {"delta": 0.5}),
                           ("smooth_l1_loss", (x, y), {"beta": 0.0}), ("cross_entropy", (x, t), {}),
                           ("cross_entropy", (x, torch.softmax(y, 1)), {"label_smoothing": 0.1}),
                           ("binary_cross_entropy_with_logits", (x, torch.sigmoid(y)), {"reduction": "sum"})]:
        assert torch.equal(getattr(M, name)(*args, **kw), getattr(F, name)(*args, **kw)), name


def test_the_planned_rows_equal_the_original_bit_for_bit():
    # the plans beyond the first ones: unbatched class scores, Gaussian NLL, distances, KL's 'mean'
    x, y, v = torch.randn(6, 4), torch.randn(6, 4), torch.rand(6, 4) + 0.1
    t = torch.randint(0, 4, (6,))
    for name, args, kw in [("nll_loss", (x[0].log_softmax(0), t[0]), {}), ("cross_entropy", (x[0], t[0]), {}),
                           ("gaussian_nll_loss", (x, y, v), {"full": True}), ("pairwise_distance", (x, y), {"p": 1.5}),
                           ("triplet_margin_with_distance_loss", (x, y, v), {"swap": True}),
                           ("kl_div", (x.log_softmax(1), y.softmax(1)), {"reduction": "batchmean"})]:
        for _ in range(2):  # the call that decides, and the planned one
            assert torch.equal(getattr(M, name)(*args, **kw), getattr(F, name)(*args, **kw)), name


def test_kl_div_mean_by_its_plan_warns_as_torch_does():
    p, q = torch.randn(3, 4).log_softmax(1), torch.randn(3, 4).softmax(1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = F.kl_div(p, q)
    for fn in (F.kl_div, M.kl_div, M.kl_div):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            out = fn(p, q)
        assert torch.equal(out, expected)
        assert [(str(w.message), w.filename) for w in caught] == [(str(caught[0].message), __file__)], fn


def test_a_negative_variance_raises_through_the_plan():
    x = torch.randn(3, 2)
    M.gaussian_nll_loss(x, x, torch.ones(3, 2))
    for fn in (F.gaussian_nll_loss, M.gaussian_nll_loss):
        with pytest.raises(ValueError, match="negative"):
            fn(x, x, -torch.ones(3, 2))


def test_value_checks_stay_per_call():
    x = torch.randn(4, 3)
    good, bad = torch.tensor([0, 1, 2, 0]), torch.tensor([0, 1, 3, 0])
    M.cross_entropy(x, good)  # the signature's plan is made here
    for _ in range(2):
        with pytest.raises(IndexError):
            F.cross_entropy(x, bad)
        with pytest.raises(IndexError):
            M.cross_entropy(x, bad)
    p = torch.rand(4, 3)
    M.binary_cross_entropy(p, p)
    with pytest.raises(RuntimeError):
        F.binary_cross_entropy(p + 1, p)
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        M.binary_cross_entropy(p + 1, p)


def test_the_broadcast_warning_fires_on_every_call_as_in_torch():
    x, y = torch.randn(4, 3), torch.randn(4, 1)
    for fn in (F.mse_loss, M.mse_loss):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for _ in range(3):
                fn(x, y)
        assert len([w for w in caught if "target size" in str(w.message)]) == 3, fn


def test_an_unhashable_option_takes_the_general_path():
    x = torch.randn(3)
    with pytest.raises(ValueError):
        F.mse_loss(x, x, reduction=["mean"])
    with pytest.raises(ValueError):
        M.mse_loss(x, x, reduction=["mean"])


@pytest.mark.parametrize("name", ["kl_div", "soft_margin_loss", "binary_cross_entropy"])
def test_torch_func_wrappers_take_the_general_path_without_warnings(name):
    x = torch.rand(3, 4, 5) * 0.8 + 0.1
    y = torch.rand(3, 4, 5) * 0.8 + 0.1 if name != "soft_margin_loss" else torch.sign(torch.randn(3, 4, 5))
    kw = {"reduction": "sum"}
    expected = torch.stack([getattr(F, name)(a, b, **kw) for a, b in zip(x, y)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # torch's "no batching rule" warning would be one
        got = torch.func.vmap(lambda a, b: getattr(M, name)(a, b, **kw))(x, y)
    torch.testing.assert_close(got, expected)


def test_numpy_plans_give_the_general_paths_values():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((6, 4)), rng.standard_normal((6, 4))
    t = rng.integers(0, 4, 6)
    for name, a, b, kw in [("mse_loss", x, y, {}), ("l1_loss", x, y, {"reduction": "sum"}),
                           ("huber_loss", x, y, {"delta": 0.3}), ("cross_entropy", x, t, {"label_smoothing": 0.2}),
                           ("nll_loss", x, t, {"ignore_index": 1})]:
        for _ in range(2):  # the second call runs the plan
            np.testing.assert_allclose(getattr(M, name)(a, b, **kw),
                                       getattr(F, name)(torch.from_numpy(a), torch.from_numpy(b), **kw).numpy(),
                                       rtol=1e-12)


def test_numpy_plans_keep_the_value_checks_and_leave_python_values_to_the_general_path():
    rng = np.random.default_rng(1)
    x, v = rng.standard_normal((5, 3)), rng.uniform(0.5, 1.0, (5, 3))  # float64, whose dtype equals None
    M.gaussian_nll_loss(x, x, v)  # the signature's plan is made here
    with pytest.raises(ValueError, match="negative"):
        M.gaussian_nll_loss(x, x, -v)
    for _ in range(2):  # a float var: no plan, torch's value
        np.testing.assert_allclose(M.gaussian_nll_loss(x, x, 0.5),
                                   F.gaussian_nll_loss(torch.from_numpy(x), torch.from_numpy(x), 0.5).numpy(),
                                   rtol=1e-12)
    p = rng.uniform(0.1, 0.9, (5, 3))
    M.binary_cross_entropy(p, p)
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        M.binary_cross_entropy(p + 1, p)
    t = rng.integers(0, 3, 5)
    M.multi_margin_loss(x, t)
    with pytest.raises(RuntimeError):
        M.multi_margin_loss(x, t + 3)


def test_a_compiled_call_does_not_recompile_when_eager_calls_add_plans():
    counters = torch._dynamo.utils.counters
    torch._dynamo.reset()
    counters.clear()
    compiled = torch.compile(lambda a, b: M.mse_loss(a, b), backend="eager", fullgraph=True)
    x, y = torch.randn(4, 3), torch.randn(4, 3)
    compiled(x, y)
    frames = counters["stats"]["unique_graphs"]
    for dtype in (torch.float64, torch.float16):  # new signatures, new plans, in eager mode
        M.mse_loss(x.to(dtype), y.to(dtype))
    torch.testing.assert_close(compiled(x, y), F.mse_loss(x, y))
    assert counters["stats"]["unique_graphs"] == frames


def _tf_v1_calls(xp_array, rng):
    """(function, args, kwargs) of the TF v1 interface whose plans run on NumPy and torch."""
    from multiloss.tf import losses, nn

    x, y = xp_array(rng.standard_normal((6, 5)).astype(np.float32)), xp_array(rng.standard_normal((6, 5)).astype(np.float32))
    cube = xp_array(rng.standard_normal((3, 4, 2)).astype(np.float32))
    labels32 = xp_array(rng.integers(0, 5, 6).astype(np.int32))
    labels64 = xp_array(rng.integers(0, 5, 6))
    calls = [(nn.sparse_softmax_cross_entropy_with_logits, (labels32, x), {}),
             (nn.sparse_softmax_cross_entropy_with_logits, (labels64, xp_array(rng.standard_normal((6, 5)))), {}),
             (nn.compute_average_loss, (x,), {}), (nn.compute_average_loss, (x,), {"global_batch_size": 9}),
             (nn.scale_regularization_loss, (x,), {}),
             (losses.mean_pairwise_squared_error, (x, y), {"weights": 0.5}),
             (losses.mean_pairwise_squared_error, (cube, cube * 0.5), {})]
    calls += [(losses.sparse_softmax_cross_entropy, (labels64, x), {"weights": 2.0, "reduction": r})
              for r in losses.Reduction.all()]
    return calls


def _general_path(monkeypatch):
    monkeypatch.setattr(Plans, "__call__", lambda *args: None)


@pytest.mark.parametrize("framework", ["numpy", "torch"])
def test_tf_v1_plans_give_the_general_paths_values_bit_for_bit(framework, monkeypatch):
    xp_array = np.asarray if framework == "numpy" else torch.from_numpy
    calls = _tf_v1_calls(xp_array, np.random.default_rng(3))
    planned = [[fn(*args, **kwargs) for _ in range(2)][1] for fn, args, kwargs in calls]  # the second: the plan's
    _general_path(monkeypatch)
    for (fn, _, _), got, expected in zip(calls, planned, [fn(*args, **kwargs) for fn, args, kwargs in calls]):
        assert type(got) is type(expected) and got.dtype == expected.dtype and got.shape == expected.shape, fn
        np.testing.assert_array_equal(np.asarray(got), np.asarray(expected), err_msg=fn.__name__)


@pytest.mark.parametrize("framework", ["numpy", "torch"])
def test_tf_v1_plans_leave_bad_values_and_sizes_to_the_general_path(framework):
    from multiloss.tf import losses, nn
    from multiloss.tf.errors import InvalidArgumentError

    xp_array = np.asarray if framework == "numpy" else torch.from_numpy
    logits, labels = xp_array(np.zeros((4, 3), np.float32)), xp_array(np.array([0, 1, 2, 1]))
    for fn in (nn.sparse_softmax_cross_entropy_with_logits, losses.sparse_softmax_cross_entropy):
        fn(labels, logits), fn(labels, logits)  # the signature's plan is made
        with pytest.raises(InvalidArgumentError, match=r"label value of 3 which is outside the valid range of \[0, 3\)"):
            fn(labels + 1, logits)
        with pytest.raises(ValueError, match="must equal `logits.shape` except for the last dimension"):
            fn(labels[:3], logits)
    # div_no_nan's guard: an empty batch averages to 0, not NaN (by hand: 0 / 0 guarded)
    assert float(nn.compute_average_loss(logits[:0, 0])) == 0.0
    # one element: TF's guarded divisors (n - 1 = 0) make the pairwise error 0
    assert float(losses.mean_pairwise_squared_error(logits[:1, :1], logits[:1, :1] + 1)) == 0.0
    with pytest.raises(InvalidArgumentError, match="must be non-negative"):
        nn.compute_average_loss(logits[:, 0], global_batch_size=-1)


_BOUND_CALLS = [  # (name, arrays maker, options): each torch.nn.functional loss whose plan binds its kernel
    ("mse_loss", lambda: (torch.randn(6, 4), torch.randn(6, 4)), {}),
    ("l1_loss", lambda: (torch.randn(6, 4), torch.randn(6, 4)), {}),
    ("huber_loss", lambda: (torch.randn(6, 4) * 3, torch.randn(6, 4)), {"delta": 0.5}),
    ("smooth_l1_loss", lambda: (torch.randn(6, 4) * 3, torch.randn(6, 4)), {"beta": 0.5}),
    ("smooth_l1_loss", lambda: (torch.randn(6, 4) * 3, torch.randn(6, 4)), {"beta": 0.0}),
    ("nll_loss", lambda: (torch.randn(6, 4).log_softmax(1), torch.tensor([0, 3, -100, 1, 2, 3])), {}),
    ("cross_entropy", lambda: (torch.randn(6, 4, 2), torch.tensor([[0, 3], [1, -100], [2, 2], [3, 0], [1, 1], [0, 0]])),
     {"label_smoothing": 0.2}),
    ("cross_entropy", lambda: (torch.randn(6, 4), torch.randn(6, 4).softmax(1)), {}),
    ("multi_margin_loss", lambda: (torch.randn(6, 4), torch.tensor([0, 3, 2, 1, 2, 3])), {"p": 2, "margin": 0.5}),
    ("multilabel_margin_loss", lambda: (torch.randn(6, 4), torch.tensor([[3, 0, -1, 1]] * 6)), {}),
    ("binary_cross_entropy", lambda: (torch.rand(6, 4), torch.rand(6, 4)), {}),
    ("binary_cross_entropy_with_logits", lambda: (torch.randn(6, 4) * 3, torch.rand(6, 4)), {}),
    ("soft_margin_loss", lambda: (torch.randn(6, 4), torch.randn(6, 4).sign()), {}),
    ("hinge_embedding_loss", lambda: (torch.randn(6, 4), torch.randn(6, 4).sign()), {"margin": 0.5}),
    ("margin_ranking_loss", lambda: (torch.randn(6), torch.randn(6), torch.randn(6).sign()), {"margin": 0.2}),
    ("cosine_embedding_loss", lambda: (torch.randn(6, 4), torch.randn(6, 4), torch.randn(6).sign()), {"margin": 0.1}),
    ("triplet_margin_loss", lambda: (torch.randn(6, 4), torch.randn(6, 4), torch.randn(6, 4)),
     {"margin": 0.5, "p": 1, "swap": True}),
    ("poisson_nll_loss", lambda: (torch.randn(6, 4), torch.rand(6, 4) * 3), {"log_input": True, "full": True}),
    ("kl_div", lambda: (torch.randn(6, 4).log_softmax(1), torch.randn(6, 4).log_softmax(1)), {"log_target": True}),
]


@pytest.mark.parametrize("reduction", ["none", "mean", "sum"])
@pytest.mark.parametrize(("name", "arrays", "options"), _BOUND_CALLS)
def test_a_plan_that_calls_the_kernel_under_torch_gives_the_functions_values_and_gradients(name, arrays, options,
                                                                                             reduction):
    # The eager plan calls the ATen function under torch.nn.functional's, its arguments bound once.
    torch.manual_seed(0)
    x, *rest = arrays()
    ours_x, theirs_x = x.clone().requires_grad_(), x.clone().requires_grad_()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # kl_div's 'mean', in both
        ours = getattr(M, name)(ours_x, *rest, reduction=reduction, **options)
        theirs = getattr(F, name)(theirs_x, *rest, reduction=reduction, **options)
    torch.testing.assert_close(ours, theirs, rtol=0, atol=0)
    ours.sum().backward(), theirs.sum().backward()
    torch.testing.assert_close(ours_x.grad, theirs_x.grad, rtol=0, atol=0)
    # the bound kernel itself (a plan whose call raised would leave the value to the general path)
    kernel = "kl_div_unwarned" if name == "kl_div" else name
    bound = load("torch").native_function(kernel, (torch.Tensor,) * (1 + len(rest)))
    bound = bound[0] if type(bound) is tuple else bound
    torch.testing.assert_close(bound.bind(reduction=reduction, **options)(x, *rest), theirs.detach(), rtol=0, atol=0)
