"""The ``devices`` check: every call gives its result on the input's device, with no host read.

A GPU is not needed to catch what would go wrong on one. Each backend has a
device other than the host's default one that behaves like an accelerator
for what matters here:

- torch: ``meta`` tensors, which have no data: an array made on the CPU next to
  them, or a value read in Python (``.item()``, ``bool``, ``tolist``: every one
  goes through ``aten._local_scalar_dense``), fails there as it would sync on a
  GPU. A ``TorchDispatchMode`` names the read and any tensor an op makes on
  another device. The check runs wherever the torch original runs on meta
  tensors (for a row whose original is not torch: wherever multiloss runs on
  plain CPU tensors).
- JAX: arrays committed to the second of two CPU devices
  (``XLA_FLAGS=--xla_force_host_platform_device_count=2``, set by :func:`prepare`
  before JAX starts); the result must be on that device. JAX's transfer guard
  does not fire on CPU devices (their memory is the host's), so reads are
  counted where every read goes: ``jax.Array._value``. An array made on the
  first device and moved over by JAX as it combines is not seen (only its cost
  on a GPU would show it). The first option set is called twice: op by op
  (``multiloss._fused.plain_calls``), then as multiloss' compiled call of the
  signature (``multiloss._fused``).
- TensorFlow: tensors on a second logical CPU device, ``/CPU:1`` (made by
  :func:`prepare` before TensorFlow starts), called inside ``tf.device`` as
  TensorFlow users pick a device; reads are counted where every read goes:
  ``EagerTensor._numpy``.

Only reads of arrays on the device under test count. A row whose original
must read a value to raise its error declares it in ``Entry.host_reads``; such
reads are allowed there. The value checks that only the host may do are the
rule in ``multiloss.backends``: on another device an eager value check does what
the original does there.
"""

from __future__ import annotations

import contextlib
import os
import sys

import numpy as np

from .._fused import plain_calls

_DEVICE_COUNT_FLAG = "--xla_force_host_platform_device_count"
TF_DEVICE = "/CPU:1"


class DeviceError(AssertionError):
    """A call read the device, or gave or made an array elsewhere."""


# -- set-up ---------------------------------------------------------------------------------


def prepare():
    """Give JAX two CPU devices and TensorFlow two logical CPUs, where neither has started yet.

    Both only add host devices: the first stays the default one, so nothing else changes.
    Call it before the first JAX computation and TensorFlow op (``import_all`` does).
    """
    if not _jax_started():
        flags = os.environ.get("XLA_FLAGS", "")
        if _DEVICE_COUNT_FLAG not in flags:
            os.environ["XLA_FLAGS"] = f"{flags} {_DEVICE_COUNT_FLAG}=2".strip()
    tf = sys.modules.get("tensorflow")
    if tf is not None:
        with contextlib.suppress(RuntimeError, ValueError, IndexError):  # already started: keep what it has
            cpu = tf.config.list_physical_devices("CPU")[0]
            if len(tf.config.get_logical_device_configuration(cpu) or ()) < 2:
                tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * 2)


def _jax_started():
    bridge = sys.modules.get("jax._src.xla_bridge")
    return bool(bridge is not None and getattr(bridge, "_backends", None))


def jax_device():
    """The second CPU device, or None where JAX started with one."""
    import jax

    devices = jax.devices("cpu")
    return devices[1] if len(devices) > 1 else None


def tf_device():
    """``/CPU:1``, or None where TensorFlow started with one CPU device."""
    import tensorflow as tf

    return TF_DEVICE if len(tf.config.list_logical_devices("CPU")) > 1 else None


# -- watching reads -------------------------------------------------------------------------


@contextlib.contextmanager
def _torch_watch(reads, elsewhere):
    """Record host reads (and fail them: a meta tensor has no value) and tensors made off meta."""
    import torch
    from torch.utils._python_dispatch import TorchDispatchMode
    from torch.utils._pytree import tree_leaves

    read_ops = {"_local_scalar_dense", "item", "is_nonzero", "equal"}

    class Watch(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            name = func.overloadpacket.__name__
            if name in read_ops:
                reads.append(f"aten.{name}")
                raise DeviceError(f"host read: aten.{name}")
            out = func(*args, **(kwargs or {}))
            for leaf in tree_leaves(out):
                if isinstance(leaf, torch.Tensor) and leaf.device.type != "meta":
                    elsewhere.append(f"aten.{name} made a {tuple(leaf.shape)} tensor on {leaf.device}")
            return out

    with Watch():
        yield


@contextlib.contextmanager
def _patched_read(cls, attribute, on_device, reads, what):
    """Wrap ``cls.attribute`` (a method or property through which every read goes) to record
    the reads of arrays on the device under test."""
    original = cls.__dict__[attribute]
    getter = original.fget if isinstance(original, property) else original

    def counted(self, *args, **kwargs):
        if on_device(self):
            reads.append(f"{what} of a {tuple(self.shape)} array")
        return getter(self, *args, **kwargs)

    setattr(cls, attribute, property(counted) if isinstance(original, property) else counted)
    try:
        yield
    finally:
        setattr(cls, attribute, original)


# -- the check ------------------------------------------------------------------------------


def check(entry, backend):
    """The devices check of ``entry`` on ``backend``: (deviation, note), or (None, why) where it
    does not apply; a call that reads the device or leaves it raises ``Mismatch``."""
    from . import Mismatch, _arrays, _invoke, _quiet

    if backend == "numpy":
        return None, "NumPy arrays live on the host"

    def call(fn, arrays, options):
        return _quiet(_invoke, entry, fn, arrays, options)

    run = {"torch": _check_torch, "jax": _check_jax, "tensorflow": _check_tensorflow}[backend]
    try:
        return run(entry, call, lambda options: _arrays(entry, np.float32))
    except DeviceError as exc:
        raise Mismatch(str(exc)) from exc


def _describe(options):
    return repr(options) if options else "defaults"


def _allowed(entry, reads):
    """Raise where reads happened that the row does not declare."""
    if reads and not entry.host_reads:
        raise DeviceError(f"host read: {', '.join(sorted(set(reads)))}")


def _check_torch(entry, call, arrays_for):
    import torch

    from . import _original
    from ._frameworks import to_native

    original, orig_fw = _original(entry)
    ours = entry.resolve()
    ran, skipped = 0, []
    for options in entry.options:
        arrays = arrays_for(options)
        cpu = {k: to_native("torch", v) for k, v in arrays.items()}
        meta = {k: v.to("meta") if isinstance(v, torch.Tensor) else v for k, v in cpu.items()}
        try:  # the gate: where the original (or multiloss on the CPU) runs, meta must work
            if orig_fw == "torch":
                call(original, dict(meta), options)
            else:
                call(ours, dict(cpu), options)
            gate = None
        except Exception as exc:  # noqa: BLE001 - the original can't: multiloss need not either
            gate = f"{_describe(options)} ({type(exc).__name__})"
        reads, elsewhere = [], []
        try:
            with _torch_watch(reads, elsewhere):
                out = call(ours, dict(meta), options)
        except Exception as exc:  # noqa: BLE001
            if gate is not None or (reads and entry.host_reads):
                skipped.append(gate or f"{_describe(options)} (reads the host, as declared)")
                continue
            raise DeviceError(f"{_describe(options)}: {type(exc).__name__}: {exc}") from exc
        _allowed(entry, reads)
        if elsewhere:
            raise DeviceError(f"{_describe(options)}: {elsewhere[0]}")
        if not isinstance(out, torch.Tensor) or out.device.type != "meta":
            raise DeviceError(f"{_describe(options)}: result on {getattr(out, 'device', type(out).__name__)}")
        ran += 1
    if not ran:
        return None, f"neither the original nor multiloss runs on meta tensors: {'; '.join(skipped)}"
    return 0.0, (f"not on meta (the original can't): {'; '.join(skipped)}" if skipped else "")


def _check_jax(entry, call, arrays_for):
    import jax
    from jax._src import array as jax_array

    device = jax_device()
    if device is None:
        return None, f"JAX has one CPU device: set XLA_FLAGS={_DEVICE_COUNT_FLAG}=2 before it starts"
    for index, options in enumerate(entry.options):
        arrays = {k: jax.device_put(v, device) if isinstance(v, np.ndarray) else v
                  for k, v in arrays_for(options).items()}
        reads = []

        def on_device(x):
            return device in x.devices()

        # The first option set twice: op by op, then as the compiled call of its signature.
        for plain in ((True, False) if index == 0 else (False,)):
            with (_patched_read(jax_array.ArrayImpl, "_value", on_device, reads, "jax.Array._value"),
                  plain_calls() if plain else contextlib.nullcontext()):
                try:
                    out = call(entry.resolve(), dict(arrays), options)
                except Exception as exc:  # noqa: BLE001
                    raise DeviceError(f"{_describe(options)}: {type(exc).__name__}: {exc}") from exc
            _allowed(entry, reads)
            if not isinstance(out, jax.Array) or out.devices() != {device}:
                raise DeviceError(f"{_describe(options)}: result on "
                                  f"{out.devices() if isinstance(out, jax.Array) else type(out).__name__}, not {device}")
    return 0.0, ""


def _check_tensorflow(entry, call, arrays_for):
    import tensorflow as tf
    from tensorflow.python.framework import ops

    device = tf_device()
    if device is None:
        return None, "TensorFlow has one CPU device: multiloss.testing._devices.prepare() must run before it starts"
    suffix = "device:CPU:1"
    for options in entry.options:
        with tf.device(device):
            arrays = {k: tf.identity(v) if isinstance(v, np.ndarray) else v for k, v in arrays_for(options).items()}
        reads = []

        def on_device(x):
            return x.device.endswith(suffix)

        with tf.device(device), _patched_read(ops._EagerTensorBase, "_numpy", on_device, reads, "EagerTensor._numpy"):
            try:
                out = call(entry.resolve(), dict(arrays), options)
            except Exception as exc:  # noqa: BLE001
                raise DeviceError(f"{_describe(options)}: {type(exc).__name__}: {exc}") from exc
        _allowed(entry, reads)
        if not isinstance(out, tf.Tensor) or not out.device.endswith(suffix):
            raise DeviceError(f"{_describe(options)}: result on {getattr(out, 'device', type(out).__name__)}")
    return 0.0, ""
