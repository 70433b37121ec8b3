"""Test setup: every installed framework imported once, in a safe order, with Keras on TensorFlow.

Importing TensorFlow before torch, torch.compile's dynamo (triton, in CUDA builds) or torchvision
crashes the process; a test that imports TensorFlow itself (the README's examples) must find them
already loaded.

``import_all`` also gives JAX a second CPU device and TensorFlow a second logical CPU before either
starts (``multiloss.testing._devices.prepare``), for the ``devices`` check; the first stays the default,
so nothing else sees a difference. ``tests/distributed`` scripts set their own device counts.
"""

import os

os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

from multiloss.testing._frameworks import import_all, share_jax_lowering_context  # noqa: E402

import_all()
share_jax_lowering_context()  # thousands of small JAX programs: one MLIR context for their lowering
