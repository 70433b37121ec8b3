"""global_mean and the Keras scaling in one process (one replica): the plain mean, and 0 with a
zero gradient over nothing. The engines themselves are checked by test_engines.py."""

import numpy as np
import pytest

from multiloss import namespace_of
from multiloss.distributed import global_mean, replicas_in_sync, scale_keras_loss


def test_numpy_mean_and_nothing():
    assert float(global_mean(np.float32(3.0), np.float32(4.0))) == 0.75
    assert float(global_mean(np.float32(0.0), 0)) == 0.0


def test_torch_gradient_over_nothing_is_zero():
    torch = pytest.importorskip("torch")
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    global_mean(x.sum(), torch.tensor(0.0)).backward()
    assert x.grad.tolist() == [0.0, 0.0]
    x.grad = None
    global_mean(x.sum(), 4).backward()
    assert x.grad.tolist() == [0.25, 0.25]


def test_jax_gradient_over_nothing_is_zero():
    jax = pytest.importorskip("jax")
    grad = jax.grad(lambda x: global_mean(x.sum(), 0.0))(jax.numpy.ones(3))
    assert np.asarray(grad).tolist() == [0.0, 0.0, 0.0]


def test_tensorflow_outside_a_strategy():
    pytest.importorskip("torch")  # torch before TensorFlow in one process
    tf = pytest.importorskip("tensorflow")
    x = tf.Variable([1.0, 3.0])
    with tf.GradientTape() as tape:
        value = global_mean(tf.reduce_sum(x), tf.constant(0.0))
    assert float(value) == 0.0 and tape.gradient(value, x).numpy().tolist() == [0.0, 0.0]
    assert float(global_mean(tf.reduce_sum(x), tf.constant(2.0))) == 2.0
    loss = tf.constant(2.0)
    xp = namespace_of(loss)
    assert replicas_in_sync(xp) == 1
    assert scale_keras_loss(xp, loss, tf.ones([3]), None, "sum_over_batch_size") is loss
