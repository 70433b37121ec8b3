"""``keras.losses.get``, ``serialize`` and ``deserialize``, and the registration with Keras' saving.

Every public class and function of ``multiloss.keras`` is registered under the
package ``"multiloss"`` (``"multiloss>MeanSquaredError"``) with
``keras.saving.register_keras_serializable``, so that ``keras.models.load_model``
rebuilds multiloss' losses with no ``custom_objects``. The registration happens when
both ``multiloss.keras`` and Keras are imported, in either order: at once if Keras is
there first, else from a hook that runs right after Keras' import ends.
"""

from __future__ import annotations

import sys
import threading

from .._framework_class import _twins
from .._imports import when_imported

PACKAGE = "multiloss"
_lock = threading.Lock()
_registered = False


def objects():
    """Keras' ``ALL_OBJECTS_DICT`` for multiloss: every public class and function, aliases included."""
    package = sys.modules[__package__]
    found = {name: getattr(package, name) for name in package.__all__}
    return {name: obj for name, obj in found.items() if callable(obj) and obj.__module__ != __name__}


def register():
    """Register every public class and function with Keras' saving (once; Keras must be imported)."""
    global _registered
    with _lock:
        if _registered:
            return
        saving = sys.modules["keras"].saving
        for obj in {id(obj): obj for obj in objects().values()}.values():
            saving.register_keras_serializable(package=PACKAGE)(obj)
            if obj in _twins:  # made while Keras was still importing
                register_twin(obj, _twins[obj])
        _registered = True


def register_twin(cls, twin):
    """A Keras twin serializes under its class' registered name, and loads as the twin."""
    saving = sys.modules["keras"].saving
    registered = saving.get_registered_name(cls)
    if registered != cls.__name__:  # registered, by multiloss or by the user
        package, _, name = registered.rpartition(">")
        saving.register_keras_serializable(package=package, name=name)(twin)


def _keras():
    try:
        import keras
    except ImportError as error:
        raise ImportError("multiloss.keras.serialize and deserialize need Keras 3 (pip install keras)") from error
    register()
    return keras


def serialize(loss):
    """``keras.losses.serialize``: the config dict of a Loss instance or a loss function."""
    return _keras().saving.serialize_keras_object(loss)


def deserialize(name, custom_objects=None):
    """``keras.losses.deserialize``: a Loss instance or loss function from its config,
    looking names up among multiloss' losses."""
    return _keras().saving.deserialize_keras_object(name, module_objects=objects(),
                                                    custom_objects=custom_objects)


def get(identifier):
    """``keras.losses.get``: a loss from a name (``"mse"``, ``"CategoricalCrossentropy"``),
    a config dict, a class (instantiated) or a callable (returned as is)."""
    if identifier is None:
        return None
    if isinstance(identifier, dict):
        obj = deserialize(identifier)
    elif isinstance(identifier, str):
        obj = objects().get(identifier)
    else:
        obj = identifier
    if callable(obj):
        return obj() if isinstance(obj, type) else obj
    raise ValueError(f"Could not interpret loss identifier: {identifier}")


# -- registration when Keras is imported -------------------------------------------------------


def register_when_keras_loads():
    """Register now if Keras is imported, else right after it is."""
    when_imported("keras", _register_after_import, ready=lambda keras: getattr(keras, "saving", None) is not None)


def _register_after_import(keras):
    register()
