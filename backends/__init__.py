"""The thin array abstraction: one adapter per framework.

Loss code sees an ``xp`` namespace that speaks the Python array API standard
(2023.12 names and semantics) plus the short list of extensions below, which
the standard lacks and the losses need. Each adapter is one file and is
imported only when an array of its framework is first seen, so importing
multiloss never imports a framework.

Extensions (one-line contracts; the generic versions in ``_base.py`` are
written in standard names only and are what the strict test runs):

- ``logsumexp(x, axis, keepdims=False)``: ``log(sum(exp(x), axis))``, stable for large and ``-inf`` entries.
- ``log_softmax(x, axis)``: ``x - logsumexp(x, axis, keepdims=True)``.
- ``softmax(x, axis)``: ``exp(log_softmax(x, axis))``.
- ``sigmoid(x)``: ``1 / (1 + exp(-x))`` without overflow.
- ``log_sigmoid(x)``: ``-log(1 + exp(-x))`` without overflow; finite gradient everywhere.
- ``softplus(x)``: ``log(1 + exp(x))`` without overflow.
- ``xlogy(x, y)``: ``x * log(y)``, and 0 where ``x == 0`` (even for ``y == 0``).
- ``one_hot(indices, num_classes, dtype)``: a new last axis of size ``num_classes``.
- ``stop_gradient(x)``: ``x``, seen by autodiff as a constant.
- ``squared_difference(x, y)``: ``(x - y)**2``, in one pass where the framework has a kernel for it.
- ``huber(x, y, delta)``: elementwise Huber of ``d = x - y``: ``0.5 d**2`` if ``|d| <= delta``, else
  ``delta (|d| - delta / 2)``; gradient ``clip(d, -delta, delta)``; one pass where the framework has a kernel.
- ``bce_with_logits(x, y, pos_weight=None)``: PyTorch's elementwise BCE on logits,
  ``(1 - y) x - (1 + (pos_weight - 1) y) log_sigmoid(x)``, with its values at infinite logits and its gradient.
- ``size(x)``: number of elements; a Python int when the shape is static.
- ``shape(x)``: the shape as a tuple; ``None`` for dimensions unknown until run time.
- ``is_concrete(x)``: True when ``x`` holds values that can be inspected now
  (eager mode); False under ``jax.jit``, ``tf.function`` and ``torch.compile``.
- ``name``: the framework's name.
"""

from __future__ import annotations

import importlib

EXTENSIONS = (
    "logsumexp",
    "log_softmax",
    "softmax",
    "sigmoid",
    "log_sigmoid",
    "softplus",
    "xlogy",
    "one_hot",
    "stop_gradient",
    "squared_difference",
    "huber",
    "bce_with_logits",
    "size",
    "shape",
    "is_concrete",
)

# framework name -> module of its adapter (relative to this package)
ADAPTERS = {
    "numpy": "._numpy",
    "torch": "._torch",
    "tensorflow": "._tensorflow",
    "jax": "._jax",
    "array_api_strict": "._strict",
}

_loaded: dict = {}


def load(framework: str):
    """The backend object for ``framework`` (one of ``ADAPTERS``), created once."""
    backend = _loaded.get(framework)
    if backend is None:
        module = importlib.import_module(ADAPTERS[framework], __name__)
        # setdefault keeps the first object if two threads race here.
        backend = _loaded.setdefault(framework, module.backend())
    return backend
