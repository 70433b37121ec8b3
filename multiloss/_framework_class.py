"""Classes that join their framework's own class hierarchy once the caller's program uses it.

A ``multiloss.pytorch`` loss must be a ``torch.nn.Module`` and a ``multiloss.keras``
loss a ``keras.losses.Loss``, yet ``import multiloss`` imports no framework and the
same classes serve NumPy, TensorFlow and JAX arrays with the framework absent. So a
class is defined as plain Python, and constructing it while its framework is in
``sys.modules`` builds an instance of its *framework twin* instead: a subclass of
both the class and the framework's base, made once: an interface's classes as soon as
the interface and the framework are both imported, a later subclass at its first instance. The twin
keeps the class' name, module and docstring, ``isinstance`` against the class holds,
and a class defined before the framework was imported still gets its twin.
"""

from __future__ import annotations

import importlib
import sys
import threading

from ._imports import when_imported
from ._plan import compiling

_twins = {}  # plain class -> its twin; classes live as long as the program, so no weak refs
_lock = threading.RLock()  # reentrant: registering a twin may build others


class FrameworkClass:
    """Mixin: ``cls(...)`` gives an instance of ``cls``'s twin when ``cls._framework`` is loaded.

    A base class names its framework's top-level module in ``_framework`` and says how
    to find the framework's base (``_framework_base``), which of its own methods the
    framework's should replace in the twin (``_twin_namespace``) and what to do once a
    twin exists (``_twin_created``).
    """

    _framework = ""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls._framework and "_plain_class" not in vars(cls):  # a twin needs no twin
            _waiting.setdefault(cls._framework, []).append(cls)

    def __new__(cls, *args, **kwargs):
        return object.__new__(twin_of(cls))

    @classmethod
    def _framework_base(cls, framework):
        """The framework's base class, or None while the framework is still importing."""
        raise NotImplementedError

    @classmethod
    def _twin_namespace(cls, base):
        return {}

    @classmethod
    def _twin_created(cls, twin):
        pass

    def __reduce_ex__(self, protocol):
        # An instance unpickles as the kind it was pickled as: a twin as a twin (importing
        # its framework), a plain instance as a plain one whatever is imported by then.
        cls = type(self)
        if "_plain_class" in vars(cls):
            return _rebuild, (cls._plain_class, True), self.__getstate__()
        if any("_plain_class" in vars(c) for c in cls.__mro__):  # a hand-made subclass of a twin
            return object.__reduce_ex__(self, protocol)
        return _rebuild, (cls, False), self.__getstate__()


def twin_of(cls):
    """The class ``cls(...)`` instantiates: ``cls``'s twin once its framework is loaded, else ``cls``."""
    framework = sys.modules.get(cls._framework)
    base = framework and cls._framework_base(framework)
    if base is None or issubclass(cls, base):
        return cls
    twin = _twins.get(cls)
    if twin is None and compiling():
        # torch.compile can't trace a lock; its tracing holds a lock of its own, so no thread races here
        twin = _twins.setdefault(cls, _make_twin(cls, base))
    elif twin is None:
        with _lock:  # one twin per class, even when threads race to build the first instance
            twin = _twins.get(cls) or _twins.setdefault(cls, _make_twin(cls, base))
    return twin


# The twins of an interface's classes are made when the interface is imported and their framework is
# ready (then, or at the framework's import), not at a first instance: torch.compile tracing a class'
# first instance found no twin in _twins and guarded on that ("len(_twins) != 14"), so the call
# compiled again, and so did every compiled call that had built a class whenever another class' twin
# was made. (Not at the class statement: the class' module is not complete there.)
_waiting = {}  # framework -> the classes defined since, whose twins wait for make_twins_when_ready


def make_twins_when_ready(name):
    """The twins of the classes for framework ``name`` defined so far: now if the framework is
    imported, else at its import. An interface package calls it once its classes are all defined
    (only for its own framework: another interface's classes may be mid-definition)."""
    waiting = _waiting.get(name)
    if not waiting:
        return
    module = sys.modules.get(name)
    if module is not None and waiting[0]._framework_base(module) is not None:
        _make_waiting_twins(module)
    else:
        when_imported(name, _make_waiting_twins, ready=lambda module: waiting[0]._framework_base(module) is not None)


def _make_waiting_twins(framework):
    for cls in _waiting.pop(framework.__name__, ()):
        twin_of(cls)


def _make_twin(cls, base):
    namespace = {"__module__": cls.__module__, "__qualname__": cls.__qualname__, "__doc__": cls.__doc__,
                 "_plain_class": cls}
    namespace.update(cls._twin_namespace(base))
    twin = type(cls.__name__, (cls, base), namespace)
    cls._twin_created(twin)
    return twin


def prefer_base(cls, root, base, names):
    """The ``base`` methods of ``names`` that should replace ``root``'s in ``cls``'s twin:
    those ``cls`` inherits from ``root`` unchanged (a subclass' own override stays)."""
    return {name: getattr(base, name) for name in names if getattr(cls, name) is getattr(root, name)}


def _rebuild(cls, as_twin):
    """Unpickling: a blank instance of ``cls`` (of its twin when ``as_twin``) for the state to fill."""
    if as_twin:
        importlib.import_module(cls._framework)  # the twin needs its framework, as the pickle's arrays do
        return object.__new__(twin_of(cls))
    return object.__new__(cls)
