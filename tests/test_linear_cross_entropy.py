"""Linear cross-entropy: what its catalog rows can't say.

The rows compare values and gradients with PyTorch's on every backend; here: the chunk sizes
PyTorch's options resolve to, the options objects' interchange, that the chunked path keeps no
whole ``(N, C)`` logits for the backward, and where ``LinearCrossEntropyLoss`` keeps its
projection.
"""

import numpy as np
import pytest

from multiloss.pytorch import LinearCrossEntropyLoss, LinearCrossEntropyOptions, _linear
from multiloss.pytorch._linear import Linear
from multiloss.pytorch.functional import linear_cross_entropy

torch = pytest.importorskip("torch")


@pytest.mark.parametrize("fields", [{}, {"batch_chunk_size": 3}, {"chunking_method": "aspect_ratio:4"},
                                    {"chunking_method": None}, {"acc_policy": "accurate"},
                                    {"chunking_method": "aspect_ratio", "batch_chunk_size": 64}])
@pytest.mark.parametrize(("rows", "in_features", "classes"), [(8192, 512, 32768), (100, 7, 5), (33, 3, 1000),
                                                              (1, 4, 5), (0, 4, 5)])
@pytest.mark.parametrize("dtype", ["float32", "float16"])
def test_plan_is_pytorchs(fields, rows, in_features, classes, dtype):
    """The rows per chunk and the accumulation policy and dtype are what PyTorch's ``_adjust`` gives."""
    theirs = mine = None
    try:
        theirs = torch.nn.LinearCrossEntropyOptions(**fields)._adjust(
            rows, in_features, classes, getattr(torch, dtype), torch.device("cpu"), False)
    except ValueError as exc:
        theirs = type(exc)
    features = np.zeros((max(rows, 1), in_features), dtype)
    xp = _linear.namespace_of(features)
    try:
        mine = _linear._plan(xp, LinearCrossEntropyOptions(**fields), features, rows, in_features, classes, False)
    except ValueError as exc:
        mine = type(exc)
    if theirs is ValueError:
        assert mine is ValueError
        return
    assert (mine.batch_chunk_size, mine.acc_policy, np.dtype(mine.acc_dtype).name) == (
        theirs.batch_chunk_size, theirs.acc_policy, str(theirs.acc_dtype).removeprefix("torch."))


@pytest.mark.parametrize("fields", [{"acc_policy": "fast"}, {"chunking_method": "rows"},
                                    {"chunking_method": "aspect_ratio:0"}, {"batch_chunk_size": 0},
                                    {"batch_chunk_size": 2.0}, {"acc_dtype": "int64"}])
def test_invalid_options_raise_as_pytorchs(fields):
    with pytest.raises(ValueError):
        torch.nn.LinearCrossEntropyOptions(**{**fields, "acc_dtype": torch.int64} if "acc_dtype" in fields
                                           else fields)
    with pytest.raises(ValueError, match=next(iter(fields))):
        LinearCrossEntropyOptions(**fields)


def _inputs(rows=9, in_features=4, classes=6, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.normal(size=(rows, in_features)), rng.normal(size=(classes, in_features)),
            rng.integers(0, classes, size=rows))


def test_options_interchange():
    """PyTorch's function takes multiloss's options, and multiloss takes PyTorch's (on NumPy too)."""
    x, w, t = _inputs()
    tx, tw, tt = map(torch.from_numpy, (x, w, t))
    reference = torch.nn.functional.linear_cross_entropy(tx, tw, tt).item()
    ours_in_torch = torch.nn.functional.linear_cross_entropy(tx, tw, tt,
                                                             options=LinearCrossEntropyOptions(batch_chunk_size=2))
    theirs_in_numpy = linear_cross_entropy(x, w, t, options=torch.nn.LinearCrossEntropyOptions(batch_chunk_size=2))
    assert ours_in_torch.item() == pytest.approx(reference, rel=1e-12)
    assert float(theirs_in_numpy) == pytest.approx(reference, rel=1e-12)


def test_chunked_backward_keeps_one_chunk():
    """Where torch's own op can't serve (a class weight that wants a gradient), the generic chunked
    path saves for the backward no tensor larger than one chunk's logits or the projection."""
    rows, in_features, classes, chunk = 64, 8, 1000, 8
    x, w, t = (torch.from_numpy(a) for a in _inputs(rows, in_features, classes))
    x.requires_grad_()
    weight = torch.ones(classes, dtype=x.dtype, requires_grad=True)
    largest = []

    def pack(tensor):
        largest.append(tensor.numel())
        return tensor

    options = LinearCrossEntropyOptions(batch_chunk_size=chunk)
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        loss = linear_cross_entropy(x, w, t, weight=weight, options=options)
    loss.backward()
    assert max(largest) <= max(chunk * classes, classes * in_features)
    expected_x = x.detach().clone().requires_grad_()
    torch.nn.functional.cross_entropy(expected_x @ w.T, t, weight=weight.detach()).backward()
    torch.testing.assert_close(x.grad, expected_x.grad, rtol=1e-12, atol=1e-12)
    # and whole, without options, the (N, C) logits are saved: the bound above is not vacuous
    largest.clear()
    with torch.autograd.graph.saved_tensors_hooks(pack, lambda tensor: tensor):
        linear_cross_entropy(x, w, t, weight=weight)
    assert max(largest) >= rows * classes


def test_module_under_torch_draws_as_pytorchs():
    """Where torch is imported the loss owns an nn.Linear made as PyTorch's: the same parameters
    under one seed, the same state_dict, and the same value."""
    torch.manual_seed(5)
    theirs = torch.nn.LinearCrossEntropyLoss(4, 6, bias=True)
    torch.manual_seed(5)
    ours = LinearCrossEntropyLoss(4, 6, bias=True)
    assert isinstance(ours, torch.nn.Module)
    assert list(ours.state_dict()) == list(theirs.state_dict()) == ["linear.weight", "linear.bias"]
    for name, value in theirs.state_dict().items():
        torch.testing.assert_close(ours.state_dict()[name], value, rtol=0, atol=0)
    x, _, t = _inputs()
    x, t = torch.from_numpy(x).float(), torch.from_numpy(t)
    torch.testing.assert_close(ours(x, t), theirs(x, t))
    assert [n for n, _ in ours.named_parameters()] == ["linear.weight", "linear.bias"]


def test_module_off_torch_holds_arrays_of_its_dtype():
    """Given another framework's dtype, the projection is that framework's arrays, of PyTorch's
    shape (flat for K dimensions) and drawn within PyTorch's bound ``1/sqrt(in_features)``."""
    jnp = pytest.importorskip("jax.numpy")
    tf = pytest.importorskip("tensorflow")
    np.random.seed(0)
    loss = LinearCrossEntropyLoss(16, 5, out_features=(3,), bias=True, dtype=np.float64)
    assert isinstance(loss.linear, Linear)
    assert type(loss.linear.weight) is np.ndarray and loss.linear.weight.shape == (15, 16)
    assert loss.linear.bias.dtype == np.float64 and loss.linear.bias.shape == (15,)
    assert np.abs(loss.linear.weight).max() <= 0.25
    assert "jax" in type(LinearCrossEntropyLoss(4, 5, dtype=jnp.float32).linear.weight).__module__
    assert isinstance(LinearCrossEntropyLoss(4, 5, dtype=tf.float32).linear.weight, tf.Variable)
    with pytest.raises(RuntimeError):  # as torch.nn.Linear refuses an integer dtype
        LinearCrossEntropyLoss(4, 5, dtype=np.int64)
    # its value is the function's on its own arrays
    x, _, t = _inputs(in_features=16, classes=5)
    t = np.stack([t] * 3, axis=1) % 5
    expected = linear_cross_entropy(x, loss.linear.weight.reshape(5, 3, 16), t,
                                    linear_bias=loss.linear.bias.reshape(5, 3))
    assert float(loss(x, t)) == float(expected)


def test_many_slices_in_a_tf_function_are_one_loop_body():
    """Inside ``tf.function`` a batch of many slices (here 67 slices of 3 rows, the last short) is one
    ``tf.map_fn`` body, not a copy of the slice's ops per slice; values and gradients are PyTorch's."""
    tf = pytest.importorskip("tensorflow")
    rng = np.random.default_rng(0)
    features, projection = rng.standard_normal((200, 6)).astype("float32"), rng.standard_normal((9, 6)).astype("float32")
    target = rng.integers(0, 9, 200)
    options = LinearCrossEntropyOptions(batch_chunk_size=3)
    weight = tf.Variable(projection)

    @tf.function
    def loss_and_gradient(x, t):
        with tf.GradientTape() as tape:
            loss = linear_cross_entropy(x, weight, t, options=options, reduction="sum")
        return loss, tape.gradient(loss, weight)

    graph = loss_and_gradient.get_concrete_function(tf.constant(features), tf.constant(target)).graph
    assert sum(op.type == "MatMul" for op in graph.get_operations()) < 20  # not one per slice (67)
    loss, gradient = loss_and_gradient(tf.constant(features), tf.constant(target))
    w = torch.tensor(projection, requires_grad=True)
    expected = torch.nn.functional.cross_entropy(torch.tensor(features) @ w.T, torch.tensor(target), reduction="sum")
    expected.backward()
    np.testing.assert_allclose(loss.numpy(), expected.detach().numpy(), rtol=1e-5)
    np.testing.assert_allclose(gradient.numpy(), w.grad.numpy(), rtol=1e-4, atol=1e-5)
