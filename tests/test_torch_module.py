"""multiloss.pytorch classes inside torch's own machinery, checked against torch.nn's classes.

Where the program has imported torch each class is a ``torch.nn.Module``: buffers
under torch's names, ``.to()``/``.double()``/``.half()``, ``state_dict``, submodule
registration, containers, hooks, ``train()``/``eval()``, repr, pickling. Without
torch the same class is a plain callable (checked in a process without torch).
"""

import copy
import inspect
import io
import os
import pickle
import subprocess
import sys
import textwrap

import numpy as np
import pytest

# torch.compile's triton, which torch._dynamo loads, crashes the process when it is loaded
# after TensorFlow (imported below); loaded first it is fine, for the tests that follow too.
pytest.importorskip("torch._dynamo")
torch = pytest.importorskip("torch")

import multiloss.pytorch as mp  # noqa: E402
from multiloss.pytorch._common import _Loss  # noqa: E402

CLASSES = [name for name in mp.__all__ if isinstance(getattr(mp, name), type) and issubclass(getattr(mp, name), _Loss)]


def _options(cls):
    """Array options for every one ``cls`` takes: three classes' weights (and sizes for a projection)."""
    parameters = inspect.signature(cls).parameters
    options = {"weight": torch.tensor([1.0, 2.0, 0.5]), "pos_weight": torch.tensor([3.0, 1.0, 2.0]),
               "in_features": 4, "num_classes": 3}
    return {name: value for name, value in options.items() if name in parameters}


def _pair(name, **options):
    return getattr(mp, name)(**options), getattr(torch.nn, name)(**options)


def _buffers(module):
    return [(key, value.dtype, value.device) for key, value in module.state_dict().items()]


@pytest.mark.parametrize("name", CLASSES)
def test_every_class_is_a_module_with_the_originals_buffers(name):
    ours, original = _pair(name, **_options(getattr(mp, name)))
    assert isinstance(ours, torch.nn.Module) and isinstance(ours, getattr(mp, name))
    assert type(ours).__name__ == name and repr(ours) == repr(original)
    assert [key for key, _ in ours.named_buffers()] == [key for key, _ in original.named_buffers()]
    assert _buffers(ours) == _buffers(original)
    for move in (lambda m: m.double(), lambda m: m.half(), lambda m: m.to(torch.bfloat16), lambda m: m.to("meta")):
        assert _buffers(move(ours)) == _buffers(move(original))


@pytest.mark.skipif(not torch.cuda.is_available(), reason="needs a CUDA device")
def test_cuda_moves_the_buffers_as_torch_does():
    ours, original = _pair("BCEWithLogitsLoss", **_options(mp.BCEWithLogitsLoss))
    assert _buffers(ours.cuda()) == _buffers(original.cuda())
    x = torch.randn(4, 3, device="cuda")
    torch.testing.assert_close(ours(x, torch.sigmoid(x)), original(x, torch.sigmoid(x)))
    assert _buffers(ours.cpu()) == _buffers(original.cpu())


@pytest.mark.parametrize("name", ["CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss"])
def test_state_dict_loads_both_ways_and_the_loaded_weights_count(name):
    cls = getattr(mp, name)
    ours, original = _pair(name, **_options(cls))
    loaded = {key: value * 2 for key, value in original.state_dict().items()}
    original.load_state_dict(loaded)
    ours.load_state_dict(loaded)
    assert ours.state_dict().keys() == original.state_dict().keys()
    fresh = getattr(torch.nn, name)(**_options(cls))
    fresh.load_state_dict(ours.state_dict())
    x = torch.randn(4, 3, dtype=torch.float64)
    if name == "BCELoss":
        x, target = torch.sigmoid(x), torch.rand(4, 3, dtype=torch.float64)
    elif name == "BCEWithLogitsLoss":
        target = torch.rand(4, 3, dtype=torch.float64)
    else:
        target = torch.tensor([0, 2, 1, 2])
    ours.double(), original.double(), fresh.double()
    torch.testing.assert_close(ours(x, target), original(x, target))
    torch.testing.assert_close(fresh(x, target), original(x, target))
    with pytest.raises(RuntimeError, match="Unexpected key"):
        mp.CrossEntropyLoss().load_state_dict({"weight": torch.ones(3)})


class _Model(torch.nn.Module):
    def __init__(self, loss):
        super().__init__()
        self.linear = torch.nn.Linear(2, 3)
        self.loss = loss

    def forward(self, x, target):
        return self.loss(self.linear(x), target)


def test_a_submodule_moves_with_its_model_and_appears_in_its_state_dict():
    weight = torch.tensor([1.0, 2.0, 0.5])
    ours, original = _Model(mp.CrossEntropyLoss(weight=weight)), _Model(torch.nn.CrossEntropyLoss(weight=weight))
    original.load_state_dict(ours.state_dict())
    assert list(ours.state_dict()) == list(original.state_dict()) == ["linear.weight", "linear.bias", "loss.weight"]
    assert [name for name, _ in ours.named_modules()] == ["", "linear", "loss"]
    ours.double(), original.double()
    assert ours.loss.weight.dtype == torch.float64  # was left float32 when the loss wasn't registered
    x, target = torch.randn(5, 2, dtype=torch.float64), torch.tensor([0, 1, 2, 2, 1])
    torch.testing.assert_close(ours(x, target), original(x, target))
    ours.eval()
    assert not ours.loss.training
    ours.train()
    assert ours.loss.training


def test_containers_take_the_classes():
    sequential = torch.nn.Sequential(torch.nn.Sigmoid(), mp.L1Loss(reduction="none"))
    assert isinstance(sequential[1], mp.L1Loss)
    listed = torch.nn.ModuleList([mp.MSELoss(), mp.CrossEntropyLoss(weight=torch.ones(3))])
    assert len(list(listed.buffers())) == 1
    keyed = torch.nn.ModuleDict({"mse": mp.MSELoss()})
    assert repr(keyed) == repr(torch.nn.ModuleDict({"mse": torch.nn.MSELoss()}))


def test_forward_hooks_see_the_call():
    seen = []
    loss = mp.MSELoss()
    handle = loss.register_forward_hook(lambda module, args, output: seen.append((module, len(args), output)))
    pre = loss.register_forward_pre_hook(lambda module, args: (args[0] * 2, args[1]))
    x, y = torch.tensor([1.0, 2.0]), torch.tensor([0.0, 0.0])
    out = loss(x, y)
    torch.testing.assert_close(out, torch.nn.functional.mse_loss(x * 2, y))
    assert seen == [(loss, 2, out)]
    handle.remove(), pre.remove()
    loss(x, y)
    assert len(seen) == 1


def test_pickle_deepcopy_and_torch_save_keep_a_module():
    loss = mp.BCEWithLogitsLoss(pos_weight=torch.tensor([2.0, 1.0]))
    buffer = io.BytesIO()
    torch.save(loss, buffer)
    buffer.seek(0)
    for copied in (pickle.loads(pickle.dumps(loss)), copy.deepcopy(loss), torch.load(buffer, weights_only=False)):
        assert isinstance(copied, mp.BCEWithLogitsLoss) and isinstance(copied, torch.nn.Module)
        assert copied.state_dict().keys() == {"pos_weight"}
        torch.testing.assert_close(copied.pos_weight, loss.pos_weight)
        assert copied.pos_weight is not loss.pos_weight


def test_a_subclass_keeps_its_own_methods():
    class Doubled(mp.MSELoss):
        def forward(self, input, target):
            return 2 * super().forward(input, target)

        def __repr__(self):
            return "Doubled!"

    loss = Doubled()
    assert isinstance(loss, torch.nn.Module) and repr(loss) == "Doubled!"
    torch.testing.assert_close(loss(torch.ones(2), torch.zeros(2)), torch.tensor(2.0))


def test_numpy_tensorflow_and_jax_arrays_still_work_in_a_torch_program():
    weight = np.array([1.0, 2.0, 0.5])
    x, target = np.random.default_rng(0).normal(size=(4, 3)), np.array([0, 2, 1, 2])
    expected = torch.nn.CrossEntropyLoss(weight=torch.tensor(weight))(torch.tensor(x), torch.tensor(target))
    loss = mp.CrossEntropyLoss(weight=weight)  # not a tensor: kept as a plain attribute
    assert isinstance(loss, torch.nn.Module) and loss.weight is weight and not loss.state_dict()
    np.testing.assert_allclose(loss(x, target), expected.numpy(), rtol=1e-12)
    tf = pytest.importorskip("tensorflow")
    loss.weight = tf.constant(weight)
    np.testing.assert_allclose(loss(tf.constant(x), tf.constant(target)).numpy(), expected.numpy(), rtol=1e-12)
    jnp = pytest.importorskip("jax.numpy")
    loss.weight = jnp.asarray(weight, dtype=jnp.float32)
    got = loss(jnp.asarray(x, dtype=jnp.float32), jnp.asarray(target))
    np.testing.assert_allclose(np.asarray(got), expected.numpy(), rtol=1e-5)
    loss.weight = torch.tensor(weight)  # a tensor again: a buffer, as torch's would be
    assert list(loss.state_dict()) == ["weight"]


def test_without_torch_a_plain_class_and_a_class_made_before_torch_still_becomes_a_module():
    code = textwrap.dedent("""
        import sys
        import numpy as np
        import multiloss.pytorch as mp

        class Halved(mp.MSELoss):  # defined before torch is imported
            def forward(self, input, target):
                return super().forward(input, target) / 2

        early = mp.CrossEntropyLoss()
        assert "torch" not in sys.modules, "constructing a loss imported torch"
        assert type(early).__mro__[-2:] == (mp._common.FrameworkClass, object), type(early).__mro__
        assert repr(early) == "CrossEntropyLoss()"
        assert np.isclose(early(np.zeros((2, 3)), np.array([0, 1])), np.log(3))
        import pickle
        assert type(pickle.loads(pickle.dumps(early))) is mp.CrossEntropyLoss

        import torch
        late = Halved()
        assert isinstance(late, torch.nn.Module) and isinstance(late, Halved)
        assert float(late(torch.ones(2), torch.zeros(2))) == 0.5
        assert not isinstance(early, torch.nn.Module)  # built before torch: stays plain
        assert float(early(torch.zeros(2, 3), torch.tensor([0, 1]))) == float(np.log(np.float32(3)))
        assert type(pickle.loads(pickle.dumps(early))) is mp.CrossEntropyLoss
        print("ok")
    """)
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([root, os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr[-3000:]


def test_threads_racing_to_build_the_first_instance_share_one_class():
    from concurrent.futures import ThreadPoolExecutor

    class Fresh(mp.L1Loss):
        pass

    with ThreadPoolExecutor(8) as pool:
        losses = list(pool.map(lambda _: Fresh(), range(32)))
    assert len({type(loss) for loss in losses}) == 1 and isinstance(losses[0], torch.nn.Module)
