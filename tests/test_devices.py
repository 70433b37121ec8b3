"""Devices: the ``devices`` check can fail, value checks on a device follow the rule in
``multiloss.backends``, and ``multiloss check --device`` places every array there.

The generated ``devices`` check of every row is in ``test_conformance.py``; here it is held to
losses written to fail it. The devices themselves come from ``multiloss.testing._devices.prepare``
(run by ``import_all`` in conftest): a second JAX CPU device and TensorFlow's ``/CPU:1``.
"""

import os

import jax
import numpy as np
import pytest
import tensorflow as tf
import torch

import multiloss
import multiloss.keras as mk
import multiloss.pytorch.functional as mf
from multiloss import namespace_of, testing
from multiloss.testing import _frameworks
from multiloss.testing._frameworks import to_native, to_numpy, use_device


def reads_the_host(prediction, target):
    """A squared error that reads a verdict in Python: on a GPU it would wait for the device."""
    xp = namespace_of(prediction, target)
    diff = prediction - target
    if bool(xp.any(diff > 100)):
        diff = diff * 0.5
    return xp.mean(diff * diff)


def makes_on_the_host(prediction, target):
    """A weighted squared error whose weights are made on the default device (no ``device=``)."""
    xp = namespace_of(prediction, target)
    steps = xp.arange(prediction.shape[-1], dtype=prediction.dtype)
    return xp.mean((prediction - target) ** 2 * steps)


def stays(prediction, target):
    xp = namespace_of(prediction, target)
    steps = xp.arange(prediction.shape[-1], dtype=prediction.dtype, device=xp.device(prediction))
    return xp.mean((prediction - target) ** 2 * steps)


def _entry(name, **fields):
    return testing.Entry(path=f"{__name__}.{name}", original="torch.nn.functional.mse_loss", inputs="regression",
                         call=("prediction", "target"), grad="prediction", **fields)


def _devices_check(entry, backend):
    (finding,) = testing.run(entry, backend, checks=("devices",))
    return finding


def test_two_devices_in_the_test_process():
    assert len(jax.devices("cpu")) >= 2
    assert len(tf.config.list_logical_devices("CPU")) >= 2


@pytest.mark.parametrize("backend", ["torch", "jax", "tensorflow"])
def test_a_host_read_fails_the_check(backend):
    finding = _devices_check(_entry("reads_the_host"), backend)
    assert finding.status == "FAIL"
    assert "host read" in finding.detail, finding.detail


@pytest.mark.parametrize("backend", ["jax", "tensorflow"])
def test_a_declared_read_passes(backend):
    finding = _devices_check(_entry("reads_the_host", host_reads="the test reads it"), backend)
    assert finding.status == "PASS", finding.detail


def test_an_array_made_on_the_host_fails_on_torch():
    finding = _devices_check(_entry("makes_on_the_host"), "torch")
    assert finding.status == "FAIL" and "device" in finding.detail, finding.detail


@pytest.mark.parametrize("backend", ["torch", "jax", "tensorflow"])
def test_arrays_made_on_the_inputs_device_pass(backend):
    finding = _devices_check(_entry("stays"), backend)
    assert finding.status == "PASS", finding.detail


# -- value checks on a device: the rule in multiloss.backends --------------------------------


def _second_jax(x):
    return jax.device_put(x, jax.devices("cpu")[1])


def _logits_and_bad_labels():
    return np.zeros((3, 4), np.float32), np.array([0, 1, 7])


def test_class_index_check_reads_on_the_host_only():
    x, t = _logits_and_bad_labels()
    with pytest.raises(IndexError):
        mf.cross_entropy(jax.numpy.asarray(x), jax.numpy.asarray(t))
    # On another device JAX checks nothing, as on a GPU: no read, a result on that device.
    out = mf.cross_entropy(_second_jax(x), _second_jax(t))
    assert out.devices() == {jax.devices("cpu")[1]}
    with tf.device("/CPU:1"):
        x1, t1 = tf.identity(x), tf.identity(t)
    assert not multiloss.backends.load("tensorflow").on_host(x1)
    with pytest.raises(IndexError):  # TensorFlow's CPU kernel refuses the index: then the error path reads
        mf.cross_entropy(x1, t1)
    with pytest.raises(IndexError):
        mf.cross_entropy(tf.constant(x), tf.constant(t))


def test_torch_asserts_on_the_device():
    # torch._assert_async: on a GPU the kernel's device-side assert; on meta nothing to see, and no read.
    x, y = torch.zeros(2, 3, device="meta"), torch.zeros(2, 3, device="meta")
    beta = torch.full((2, 3), 2.0, device="meta")
    assert multiloss.balanced_sigmoid_cross_entropy(x, y, beta=beta).device.type == "meta"
    with pytest.raises(ValueError, match="beta"):  # on the host the verdict is read
        multiloss.balanced_sigmoid_cross_entropy(torch.zeros(2, 3), torch.zeros(2, 3), beta=torch.full((2, 3), 2.0))


def test_a_read_the_original_makes_is_made_on_every_device():
    x = np.zeros((3, 2), np.float32)
    var = -np.ones((3, 2), np.float32)
    for wrap in (jax.numpy.asarray, _second_jax):
        with pytest.raises(ValueError, match="negative"):
            mf.gaussian_nll_loss(wrap(x), wrap(x), wrap(var))
    for _ in range(2):  # the compiled call of the signature: its verdict is read on every call
        with pytest.raises(ValueError, match="negative"):
            mf.gaussian_nll_loss(_second_jax(x), _second_jax(x), _second_jax(var))


@pytest.mark.parametrize("labels", [[[0.0, 1.0, 1.0]], [[-1.0, 1.0, 0.5]]])
def test_hinge_on_a_device_gives_the_host_value(labels):
    # On the host the {0, 1} test is read (as Keras' cond does); on a device a where computes the same.
    y, p = np.array(labels, np.float32), np.array([[0.3, -0.2, 2.0]], np.float32)
    host = np.asarray(mk.hinge(jax.numpy.asarray(y), jax.numpy.asarray(p)))
    for _ in range(2):
        device = mk.hinge(_second_jax(y), _second_jax(p))
        assert device.devices() == {jax.devices("cpu")[1]}
        np.testing.assert_allclose(np.asarray(device), host, rtol=1e-6)
    torch_host = mk.squared_hinge(torch.tensor(y), torch.tensor(p))
    assert mk.squared_hinge(torch.tensor(y, device="meta"), torch.tensor(p, device="meta")).device.type == "meta"
    with tf.device("/CPU:1"):
        tf_device = mk.squared_hinge(tf.identity(y), tf.identity(p))
    np.testing.assert_allclose(tf_device.numpy(), torch_host.numpy(), rtol=1e-6)


# -- multiloss check --device -----------------------------------------------------------------


@pytest.fixture
def on_device(monkeypatch):
    monkeypatch.delenv(_frameworks.DEVICE_VARIABLE, raising=False)

    def use(spec):
        use_device(spec)

    yield use
    use_device("cpu")


def test_use_device_places_every_framework(on_device):
    value = np.ones((2, 3), np.float32)
    on_device("cpu:1")
    assert to_native("jax", value).devices() == {jax.devices("cpu")[1]}
    assert to_native("tensorflow", value).device.endswith("CPU:1")
    assert to_native("torch", value).device.type == "cpu"  # torch has one CPU device
    on_device("meta")
    meta = to_native("torch", value)
    assert meta.device.type == "meta"
    got = to_numpy(meta * 2)
    assert isinstance(got, _frameworks.NoValues) and got.shape == (2, 3) and got.dtype == np.float32
    assert _frameworks.device_missing("jax") and _frameworks.device_missing("numpy")


def test_check_on_a_device(on_device):
    entry = multiloss.catalog.find("pytorch.functional.mse_loss")[0]
    on_device("cpu:1")
    findings = testing.run(entry, "jax", checks=("values", "errors"))
    assert [f.status for f in findings] == ["PASS", "PASS"], [f.detail for f in findings]
    assert {f.status for f in testing.run(entry, "numpy", checks=("values",))} == {"N/A"}
    on_device("meta")
    (values,) = testing.run(entry, "torch", checks=("values",))
    assert values.status == "PASS", values.detail


def test_cli_device_option(capsys, on_device):
    from multiloss import cli

    code = cli.main(["check", "--loss", "pytorch.functional.mse_loss", "--backend", "jax", "--backend", "numpy",
                     "--device", "cpu:1", "--jobs", "1", "--format", "json"])
    out = capsys.readouterr().out
    import json

    report = json.loads(out)
    cells = report["results"][0]["backends"]
    assert code == 0 and cells["jax"]["status"] == "PASS" and cells["numpy"]["status"] == "N/A", cells
    # The worker processes of a parallel check (--jobs) inherit the device through the environment.
    assert os.environ[_frameworks.DEVICE_VARIABLE] == "cpu:1"
