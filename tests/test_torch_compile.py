"""``torch.compile(fullgraph=True)`` through the layers every row shares, and eager warnings unchanged.

The generated ``compiled`` check compiles every row's option sets; these tests pin the shared
paths it reaches only by chance: a class built inside the compiled function before its twin class
exists, the legacy ``size_average``/``reduce`` arguments (whose warning can't be traced), a float
argument that changes between calls (a symbolic float), ``dynamic=True``. Expected values come
from torch's own functions and classes.
"""

import warnings

import pytest

pytest.importorskip("torch._dynamo")  # before TensorFlow (see tests/conftest.py)
torch = pytest.importorskip("torch")

import multiloss.pytorch as mp  # noqa: E402
import multiloss.pytorch.functional as mf  # noqa: E402
import multiloss.tf as mtf  # noqa: E402
from multiloss import _framework_class  # noqa: E402

F = torch.nn.functional


def _compile(fn, dynamic=None):
    # aot_eager: AOTAutograd traces a loss that is one node of Dynamo's graph (the eager backend would
    # call it as eager Python at every call)
    torch._dynamo.reset()
    return torch.compile(fn, fullgraph=True, backend="aot_eager", dynamic=dynamic)


def _pair(shape=(4, 3)):
    g = torch.Generator().manual_seed(0)
    return torch.randn(shape, generator=g), torch.randn(shape, generator=g)


@pytest.mark.parametrize("legacy", [{"size_average": False}, {"reduce": False}, {"size_average": True, "reduce": True}])
def test_legacy_reduction_arguments_compile(legacy):
    x, y = _pair()
    ours = _compile(lambda a, b: (mf.mse_loss(a, b, **legacy), mp.L1Loss(**legacy)(a, b)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns; multiloss skips the warning while traced
        expected = (F.mse_loss(x, y, **legacy), torch.nn.L1Loss(**legacy)(x, y))
    for got, want in zip(ours(x, y), expected):
        torch.testing.assert_close(got, want)


def _warnings(call):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        call()
    return [(w.category, str(w.message)) for w in caught]


@pytest.mark.parametrize("name, options", [("mse_loss", {"size_average": False}), ("l1_loss", {"reduce": False}),
                                           ("mse_loss", {"reduction": "elementwise_mean"})])
def test_eager_warnings_unchanged(name, options):
    """Eager calls warn as torch does (the warnings are skipped only while torch.compile traces)."""
    x, y = torch.randn(4, 3), torch.randn(4, 1)  # the sizes differ: torch's size warning too
    assert _warnings(lambda: getattr(mf, name)(x, y, **options)) == _warnings(lambda: getattr(F, name)(x, y, **options))
    assert _warnings(lambda: mp.MSELoss(reduce=False)) == _warnings(lambda: torch.nn.MSELoss(reduce=False))


def test_size_mismatch_warning_compiles():
    x, y = torch.randn(4, 3), torch.randn(4, 1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        expected = F.mse_loss(x, y)
    torch.testing.assert_close(_compile(mf.mse_loss)(x, y), expected)


def test_class_first_built_inside_compiled_function():
    """The twin class (a torch.nn.Module) made while torch.compile traces: no lock to trace."""
    saved = _framework_class._twins.pop(mp.HuberLoss, None)
    try:
        x, y = _pair()
        got = _compile(lambda a, b: mp.HuberLoss(delta=0.5)(a, b))(x, y)
        torch.testing.assert_close(got, torch.nn.HuberLoss(delta=0.5)(x, y))
        assert isinstance(mp.HuberLoss(), torch.nn.Module)
    finally:
        if saved is not None:
            _framework_class._twins[mp.HuberLoss] = saved


@pytest.mark.parametrize("dynamic", [None, True])
def test_gaussian_nll_loss_with_a_changing_float_var(dynamic):
    """A float ``var`` that changes between calls becomes a symbolic float (at once with
    ``dynamic=True``, at the second value without): one recompilation at most, no graph break."""
    x, y = _pair()
    fn = _compile(lambda a, b, var: mf.gaussian_nll_loss(a, b, var, full=True), dynamic)
    counters = torch._dynamo.utils.counters
    counters.clear()
    for var in (0.5, 2.0, 3.0, 4.5):
        torch.testing.assert_close(fn(x, y, var), F.gaussian_nll_loss(x, y, torch.full_like(x, var), full=True))
    assert counters["stats"]["unique_graphs"] <= 2


def test_tf_losses_on_torch_with_dynamic_shapes():
    x, y = _pair((5, 3))
    fn = _compile(lambda a, b: (mtf.losses.mean_squared_error(a, b), mtf.losses.huber_loss(a, b, delta=0.5)),
                  dynamic=True)
    for rows in (5, 7):
        a, b = x[:1].repeat(rows, 1) + 0.1 * torch.arange(rows)[:, None], y[:1].repeat(rows, 1)
        mse, huber = fn(a, b)
        torch.testing.assert_close(mse, ((a - b) ** 2).mean())
        torch.testing.assert_close(huber, F.huber_loss(a, b, delta=0.5))


def test_plans_bypassed_while_traced():
    """Under torch.compile the per-call plan cache is neither read nor filled (a cache lookup would
    add guards on its entries); the call compiles with no break."""
    from multiloss.pytorch import _regression

    x, y = _pair()
    before = _regression._PLANS._cached.cache_info()
    got = _compile(lambda a, b: mf.mse_loss(a, b) + mf.huber_loss(a, b, delta=0.5))(x, y)
    torch.testing.assert_close(got, F.mse_loss(x, y) + F.huber_loss(x, y, delta=0.5))
    after = _regression._PLANS._cached.cache_info()
    assert (after.hits, after.misses) == (before.hits, before.misses)


def test_compute_average_loss_on_torch_with_dynamic_shapes():
    """The default global batch size is the (symbolic) batch: no array, no graph break."""
    fn = _compile(lambda a: mtf.nn.compute_average_loss(a), dynamic=True)
    for rows in (5, 7):
        losses = torch.rand(rows, generator=torch.Generator().manual_seed(rows))
        torch.testing.assert_close(fn(losses), losses.sum() / rows)


def _graphs_for(fn, calls):
    counters = torch._dynamo.utils.counters
    counters.clear()
    results = [fn(*args) for args in calls]
    return results, counters["stats"]["unique_graphs"]


@pytest.mark.parametrize("name, option, values, specialized", [
    ("smooth_l1_loss", "beta", (0.5, 0.7, 0.9), True),
    ("huber_loss", "delta", (0.5, 0.7, 0.9), True),
    ("cross_entropy", "label_smoothing", (0.1, 0.2, 0.3), True),
    ("multi_margin_loss", "margin", (0.5, 1.5, 2.5), False),
])
def test_a_changing_number_option_compiles(name, option, values, specialized):
    """A number option passed into the compiled function and changed becomes symbolic: the plan's
    decision specializes it, with no graph break under fullgraph. Where torch specializes it too
    (``specialized``: most float options, which reach an ATen float argument) the compiled calls
    recompile exactly as torch's; elsewhere (``multi_margin_loss``'s margin stays symbolic in
    torch) one graph per value, a difference the plan accepts for the guards it saves."""
    x, y = _pair((6, 4))
    target = torch.tensor([0, 1, 2, 3, 1, 0]) if name in ("cross_entropy", "multi_margin_loss") else y
    calls = [(x, target, value) for value in values]
    ours, our_graphs = _graphs_for(_compile(lambda a, b, v: getattr(mf, name)(a, b, **{option: v})), calls)
    theirs, their_graphs = _graphs_for(_compile(lambda a, b, v: getattr(F, name)(a, b, **{option: v})), calls)
    for got, want in zip(ours, theirs):
        torch.testing.assert_close(got, want)
    assert our_graphs == (their_graphs if specialized else len(values))


def test_compiling_another_loss_keeps_compiled_calls_valid():
    """A compiled call's plan comes as constants (which kernel, which options): compiling another
    loss, which registers another kernel, leaves the first compiled call's guards true."""
    x, y = _pair()
    target = torch.tensor([0, 1, 2, 0])
    first = _compile(lambda a, b: mf.mse_loss(a, b))
    torch.testing.assert_close(first(x, y), F.mse_loss(x, y))
    second = torch.compile(lambda a, t: mf.nll_loss(a, t, reduction="sum"), fullgraph=True, backend="eager")
    torch.testing.assert_close(second(x, target), F.nll_loss(x, target, reduction="sum"))
    counters = torch._dynamo.utils.counters
    counters.clear()
    torch.testing.assert_close(first(x, y), F.mse_loss(x, y))
    assert counters["stats"]["unique_graphs"] == 0  # no recompilation


_COMPILED_FIRST = """
import jax  # imported beside torch, as in a program that uses both: the fused wrapper's JAX path is live
import torch
import multiloss.keras as mk
import multiloss.pytorch as mp
torch._dynamo.config.error_on_recompile = True  # a second compilation of the same call raises
x, y = torch.randn(4, 3), torch.randn(4, 3)
mse = torch.compile(lambda a, b: mk.mean_squared_error(b, a), fullgraph=True, backend="eager")
parameter = torch.nn.Parameter(torch.randn(4, 3))
l1 = torch.compile(lambda a, b: mp.L1Loss()(a, b), fullgraph=True, backend="eager")  # built in the trace
keras_mse = mk.MeanSquaredError()
mse_object = torch.compile(lambda a, b: keras_mse(b, a), fullgraph=True, backend="eager")
for _ in range(3):
    assert torch.equal(mse(x, y), ((x - y) ** 2).mean(-1))
    assert torch.allclose(mse_object(x, y), ((x - y) ** 2).mean())
    assert torch.equal(l1(parameter, y), torch.nn.functional.l1_loss(parameter, y))
mp.MSELoss()  # another class' first instance, made after: the compiled calls stay valid
assert torch.equal(l1(parameter, y), torch.nn.functional.l1_loss(parameter, y))
print("compiled once")
"""


def test_a_loss_compiled_before_any_eager_call_compiles_once():
    # A fresh process, so that multiloss has met no tensor and built no loss yet: what it learns while a
    # trace runs (the tensor types' backend, a class' nn.Module twin) must not be a guard that the next
    # call fails, nor one that another class' first instance fails later. JAX imported too: the fused
    # wrapper's lookup of its first argument's type (a miss for a tensor or a loss object, filled inside
    # the trace) compiled every such call twice.
    import os
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", _COMPILED_FIRST], capture_output=True, text=True, timeout=300,
                          check=False, env={**os.environ, "TORCHDYNAMO_VERBOSE": "0"})
    assert done.returncode == 0 and done.stdout.strip() == "compiled once", done.stderr[-3000:]


def _guards(fn, *args):
    # The compiled call's guards, one line each as TORCH_LOGS=guards lists them; a private torch API,
    # the one way to read them from a test.
    from torch._dynamo.eval_frame import _debug_get_cache_entry_list

    from multiloss.benchmark.overhead import guard_lines

    _compile(fn)(*args)
    return guard_lines(_debug_get_cache_entry_list(fn.__code__)[0].guard_manager)


@pytest.mark.parametrize("name, target", [("mse_loss", "float"), ("l1_loss", "float"),
                                          ("cross_entropy", "index"), ("nll_loss", "index")])
def test_a_compiled_call_adds_few_guards_over_torch(name, target):
    """The guards torch.compile re-checks on every call: torch's function is one graph node (its
    tensors' guards and two more), and so is multiloss' (its twin marked allow_in_graph), reached
    through the fused wrapper's test that the arguments are constants: its frames and the tensors'
    types, 11 guards more than torch's (JAX imported, as here). Tracing the interface function
    instead guarded its defaults, the wrapper and the plan's frames: 30 more for ``mse_loss``, and
    a builtin read, a helper's default or a traced ``decide`` several more each."""
    x, y = _pair((6, 4))
    t = torch.tensor([0, 1, 2, 3, 1, 0]) if target == "index" else y
    mirror, original = getattr(mf, name), getattr(F, name)
    ours, theirs = _guards(lambda a, b: mirror(a, b), x, t), _guards(lambda a, b: original(a, b), x, t)
    assert len(ours) - len(theirs) <= 12, "\n".join(ours)
    assert not [line for line in ours if "__builtins_dict__" in line and "['type']" not in line]
