"""Dispatch: find the backend of a call from the types of its arrays.

A dict maps ``type(x)`` to its backend. On a miss the type's top-level module
names the framework, and only frameworks already imported by the caller are
considered, so this module never imports one. JAX tracers, TF symbolic tensors
and variables, and torch's fake tensors under ``torch.compile`` all live in
their framework's modules, so they are found the same way.
"""

from __future__ import annotations

import sys

from . import backends
from ._imports import when_imported

# top-level module of an array type -> framework
_FRAMEWORK_OF_MODULE = {
    "numpy": "numpy",
    "torch": "torch",
    "tensorflow": "tensorflow",
    "keras": "tensorflow",  # keras' TF-backed variables and tensors
    "jax": "jax",
    "jaxlib": "jax",
    "array_api_strict": "array_api_strict",
}

# Python values that carry no framework: they adapt to the arrays beside them.
_NEUTRAL = (bool, int, float, complex, type(None), list, tuple, str)

# type -> backend, or None for neutral types. Reads are lock-free; a miss
# computes the same value in every thread, so a racing write is harmless.
_cache: dict[type, object] = {t: None for t in _NEUTRAL}


def _load_torch_adapter(torch):
    # torch.compile's tracer can't follow an import: a first call of a loss inside
    # torch.compile(fullgraph=True) would break the graph while loading the adapter.
    # So the adapter loads with torch itself (a torch program pays for it once), and its
    # tensor types are known before any trace: a miss found while tracing fills the cache there,
    # and the guard that recorded the miss fails on the next call (a loss compiled before any
    # eager call was compiled twice).
    backend = backends.load("torch")
    for cls in (torch.Tensor, torch.nn.Parameter):
        _cache[cls] = backend


when_imported("torch", _load_torch_adapter, ready=lambda torch: hasattr(torch, "Tensor"))


def _trace_as_plain_python_in_autograph(tf):
    # tf.function's AutoGraph rewrites the source of every function it reaches (ifs on tensors into
    # tf.cond, loops into tf.while_loop), except in the libraries its rules name: TensorFlow's and
    # Keras' code, the originals, is traced as plain Python. multiloss branches on dtypes, ranks and
    # options, never on a tensor's value (that would fail in a graph without AutoGraph too), so the
    # same rule serves it. Without it a first trace rewrote multiloss' whole call path (1.5-2.4 s
    # against the original's 30 ms for a Huber loss) and then ran it through AutoGraph's wrappers.
    # The rules are not public API: where a TensorFlow moves them, the trace is only slower.
    config = sys.modules.get("tensorflow.python.autograph.core.config")
    rules = getattr(config, "CONVERSION_RULES", None)
    if rules is None or any(getattr(rule, "_prefix", None) == __package__ for rule in rules):
        return
    config.CONVERSION_RULES = (config.DoNotConvert(__package__), *rules)


when_imported("tensorflow", _trace_as_plain_python_in_autograph, ready=lambda tf: hasattr(tf, "function"))


def _framework_of(cls):
    # The type's own module first, then its bases': a user's subclass of
    # np.ndarray or torch.Tensor belongs to that framework.
    for klass in cls.__mro__:
        root = klass.__module__.partition(".")[0]
        framework = _FRAMEWORK_OF_MODULE.get(root)
        if framework is not None and root in sys.modules:
            return framework
    return None


def _backend_of_type(cls):
    backend = _cache.get(cls, False)
    if backend is not False:
        return backend
    framework = _framework_of(cls)
    if framework is None:
        raise TypeError(
            f"multiloss: cannot find a backend for an argument of type {_type_name(cls)}; "
            "expected a NumPy, PyTorch, TensorFlow or JAX array, or a Python scalar"
        )
    backend = backends.load(framework)
    _cache[cls] = backend
    return backend


def namespace_of(*arrays):
    """The array namespace (``xp``) that serves these arrays.

    Python scalars, ``None``, lists and tuples are neutral; when nothing else is
    given, NumPy serves. Arrays of two frameworks in one call raise ``TypeError``.

    >>> import numpy as np
    >>> xp = namespace_of(np.ones(3), 2.0)
    >>> xp.name
    'numpy'

    This is how a user writes a loss once::

        def my_loss(pred, target):
            xp = namespace_of(pred, target)
            return xp.mean(xp.abs(pred - target) ** 3)
    """
    return backend_of_types(*map(type, arrays))


def backend_of_types(*types):
    """The backend that serves arrays of these types (:func:`namespace_of` on the types alone)."""
    found = None
    found_type = None
    for cls in types:
        backend = _backend_of_type(cls)
        if backend is None or backend is found:
            continue
        if found is not None:
            raise TypeError(
                "multiloss: arrays of two frameworks in one call: "
                f"{_type_name(found_type)} and {_type_name(cls)}; convert them to one framework first"
            )
        found, found_type = backend, cls
    return found if found is not None else backends.load("numpy")


def _type_name(cls):
    return f"{cls.__module__}.{cls.__qualname__}"
