"""CTC beyond what a catalog row can say: the gradient through log_softmax, optax's forward
variables, and one compiled loop under jax.jit and tf.function.

Expected values come from the originals run here (torch's ctc_loss, optax's).
"""

import numpy as np
import pytest

import multiloss.optax
import multiloss.pytorch.functional as MF
from multiloss.testing import kinds
from multiloss.testing._frameworks import gradient, to_native, to_numpy, x64

BACKENDS = ("torch", "tensorflow", "jax")


def _draw(edge=None):
    return kinds.make("sequences", np.random.default_rng(7), np.float64, edge)


def _log_softmax(framework, x):
    if framework == "torch":
        import torch

        return torch.log_softmax(x, dim=-1)
    if framework == "tensorflow":
        import tensorflow as tf

        return tf.nn.log_softmax(x, axis=-1)
    import jax

    return jax.nn.log_softmax(x, axis=-1)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("edge", [None, "repeats", "empty_targets", "impossible"])
@pytest.mark.parametrize("reduction", ["mean", "none"])
def test_gradient_through_log_softmax_is_torchs(backend, edge, reduction):
    """logits -> log_softmax -> ctc_loss: the logits' gradient equals torch's on every backend
    (torch's ctc backward is right only after log_softmax's backward; multiloss returns the same)."""
    import torch.nn.functional as F

    arrays = _draw(edge)
    zero_infinity = edge == "impossible"
    roles = ("targets", "input_lengths", "target_lengths")

    def loss(functions, framework):
        def call(a):
            log_probs = _log_softmax(framework, a["time_major_logits"])
            return functions(log_probs, *(a[r] for r in roles), reduction=reduction, zero_infinity=zero_infinity)

        return call

    cotangent = np.random.default_rng(1).uniform(0.5, 1.5, size=(4,) if reduction == "none" else ())
    with x64("torch"):
        native = {k: to_native("torch", v) for k, v in arrays.items()}
        expected = gradient("torch", loss(F.ctc_loss, "torch"), native, "time_major_logits", cotangent)
    with x64(backend):
        native = {k: to_native(backend, v) for k, v in arrays.items()}
        got = gradient(backend, loss(MF.ctc_loss, backend), native, "time_major_logits", cotangent)
    assert np.isfinite(expected).all()
    np.testing.assert_allclose(got, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("backend", ("numpy",) + BACKENDS)
@pytest.mark.parametrize("edge", [None, "repeats", "impossible"])
def test_optax_forward_probs(backend, edge):
    """ctc_loss_with_forward_probs: the loss and both forward variables are optax's."""
    import jax.numpy as jnp
    import optax

    arrays = _draw(edge)
    roles = ("logits", "logit_paddings", "targets", "label_paddings")
    with x64("jax"):
        expected = optax.ctc_loss_with_forward_probs(*(jnp.asarray(arrays[r]) for r in roles))
        expected = [to_numpy(e) for e in expected]
    with x64(backend):
        got = multiloss.optax.ctc_loss_with_forward_probs(*(to_native(backend, arrays[r]) for r in roles))
        got = [to_numpy(g) for g in got]
    for name, g, e in zip(("loss", "logalpha_blank", "logalpha_nonblank"), got, expected):
        assert g.shape == e.shape, name
        np.testing.assert_allclose(g, e, rtol=1e-10, atol=1e-9, err_msg=name)


def _jit_equations(frames):
    import jax
    import jax.numpy as jnp

    arrays = _draw()
    roles = ("logits", "logit_paddings", "targets", "label_paddings")
    arrays["logits"] = np.repeat(arrays["logits"], frames // arrays["logits"].shape[1], axis=1)
    arrays["logit_paddings"] = np.zeros(arrays["logits"].shape[:2])
    jaxpr = jax.make_jaxpr(multiloss.optax.ctc_loss)(*(jnp.asarray(arrays[r]) for r in roles))
    return str(jaxpr), len(jaxpr.jaxpr.eqns)


def test_jax_jit_is_one_loop():
    """Under jax.jit the frames are one lax.scan: the program doesn't grow with the frames."""
    text, short = _jit_equations(12)
    _, long = _jit_equations(120)
    assert "scan" in text
    assert short == long


def test_tf_function_is_one_loop():
    """Under tf.function the frames are one while loop: the graph doesn't grow with the frames."""
    import tensorflow as tf

    import multiloss.tf.nn

    def ops(frames):
        arrays = _draw()
        logits = np.repeat(arrays["time_major_logits"], frames // 12, axis=0).astype(np.float32)
        labels, label_length, logit_length = (tf.constant(arrays[r]) for r in
                                              ("targets", "target_lengths", "input_lengths"))
        fn = tf.function(lambda x: multiloss.tf.nn.ctc_loss(labels, x, label_length, logit_length))
        graph = fn.get_concrete_function(tf.TensorSpec(logits.shape, tf.float32)).graph
        return [op.type for op in graph.get_operations()]

    short, long = ops(12), ops(120)
    assert "While" in short or "StatelessWhile" in short
    assert len(short) == len(long)


def _mixed_batch():
    """Five sequences of 12 frames, 6 classes, labels 4 wide: two ordinary ones (0 and 4), a label
    length beyond the labels (1), 3 labels in 2 frames (2), and one whose -log p is above
    TensorFlow's 707 (3: its second label at -710 in every frame), where TensorFlow's sum counts
    the other end states."""
    rng = np.random.default_rng(3)
    logits = rng.normal(size=(12, 5, 6)).astype(np.float32)
    logits[:, 3, 2] = -710.0
    labels = np.array([[1, 2, 3, 1], [2, 3, 4, 1], [1, 2, 3, 0], [1, 2, 0, 0], [4, 4, 2, 0]], dtype=np.int64)
    return logits, labels, np.array([4, 5, 3, 2, 3]), np.array([12, 12, 2, 12, 10])


def test_tf_ctc_on_torch_takes_torchs_kernel_only_where_it_is_tensorflows():
    """On torch, TensorFlow's CTC comes from torch's own kernel for the sequences it gives exactly
    and from the recursion for the others: the values are tf.nn.ctc_loss's for all five, the
    gradient of the ordinary ones too, and torch's kernel runs (its recursion alone is many ops)."""
    import tensorflow as tf
    import torch

    import multiloss.tf.nn

    logits, labels, label_length, logit_length = _mixed_batch()
    with tf.GradientTape() as tape:
        x = tf.constant(logits)
        tape.watch(x)
        expected = tf.nn.ctc_loss(labels, x, label_length, logit_length)
        weighted = tf.reduce_sum(expected * tf.constant([1.0, 0, 0, 0, 1.0]))
    expected_grad = tape.gradient(weighted, x).numpy()
    assert 700 < expected.numpy()[3] < 730  # beyond the floor
    x = torch.tensor(logits, requires_grad=True)
    with torch.profiler.profile() as prof:
        got = multiloss.tf.nn.ctc_loss(torch.tensor(labels), x, torch.tensor(label_length), torch.tensor(logit_length))
    assert "aten::_ctc_loss" in {event.name for event in prof.events()}
    np.testing.assert_allclose(got.detach().numpy(), expected.numpy(), rtol=1e-5)
    (got * torch.tensor([1.0, 0, 0, 0, 1.0])).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), expected_grad, rtol=1e-4, atol=1e-6)


def test_optax_ctc_on_torch_takes_torchs_kernel_only_where_it_is_optaxs():
    """On torch, optax's CTC comes from torch's own kernel for the sequences it gives exactly and
    from the recursion for the others (a skipped frame before a kept one, 3 labels in 2 frames, a
    floor within reach): the values are optax.ctc_loss's, the gradient of the ordinary ones too,
    and torch's kernel runs."""
    import jax
    import jax.numpy as jnp
    import optax
    import torch

    logits, labels, _, frame_counts = _mixed_batch()
    logits = np.transpose(logits, (1, 0, 2))
    paddings = (np.arange(12)[None, :] >= frame_counts[:, None]).astype(np.float32)
    paddings[1, 3] = 1.0  # a skipped frame before kept ones
    label_paddings = np.zeros(labels.shape, np.float32)
    label_paddings[[0, 2, 3, 4], [3, 3, 2, 3]] = 1.0
    label_paddings[3, 3] = 1.0
    weights = np.array([1.0, 0, 0, 0, 1.0], np.float32)
    for floor, kernel_runs in ((-1e5, True), (-50.0, False)):  # -50: every path within the floor's reach
        def total(x, floor=floor):
            loss = optax.ctc_loss(x, jnp.asarray(paddings), jnp.asarray(labels), jnp.asarray(label_paddings),
                                  log_epsilon=floor)
            return jnp.sum(loss * weights), loss

        (_, expected), expected_grad = jax.value_and_grad(total, has_aux=True)(jnp.asarray(logits))
        x = torch.tensor(logits, requires_grad=True)
        with torch.profiler.profile() as prof:
            got = multiloss.optax.ctc_loss(x, torch.tensor(paddings), torch.tensor(labels),
                                           torch.tensor(label_paddings), log_epsilon=floor)
        assert ("aten::_ctc_loss" in {event.name for event in prof.events()}) == kernel_runs
        np.testing.assert_allclose(got.detach().numpy(), np.asarray(expected), rtol=1e-5)
        (got * torch.tensor(weights)).sum().backward()
        np.testing.assert_allclose(x.grad.numpy(), np.asarray(expected_grad), rtol=1e-4, atol=1e-6)
