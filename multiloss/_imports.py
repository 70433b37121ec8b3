"""Run code once a framework has been imported, now or later, without importing it."""

from __future__ import annotations

import sys


class _AfterImport:
    """A ``sys.meta_path`` finder that finds nothing itself: it wraps the loader of one
    module so that ``callback(module)`` runs once that module has executed, then leaves
    ``sys.meta_path``."""

    def __init__(self, name, callback):
        self.name, self.callback = name, callback
        self._finding = False

    def find_spec(self, fullname, path=None, target=None):
        if fullname != self.name or self._finding:
            return None
        self._finding = True
        try:
            import importlib.util  # here, not at import: it would add ~20 ms to `import multiloss`

            spec = importlib.util.find_spec(fullname)  # the finders after this one
        finally:
            self._finding = False
        if spec is None or spec.loader is None or not hasattr(spec.loader, "exec_module"):
            return spec
        execute = spec.loader.exec_module

        def exec_module(module):
            execute(module)
            if self in sys.meta_path:
                sys.meta_path.remove(self)
            self.callback(module)

        spec.loader.exec_module = exec_module
        return spec


def when_imported(name, callback, ready=lambda module: True):
    """``callback(module)`` now if the module ``name`` is imported (and ``ready``), else right
    after its import. A module still importing (``ready`` False) gets the callback when it ends."""
    module = sys.modules.get(name)
    if module is not None and ready(module):
        callback(module)
    elif not any(isinstance(f, _AfterImport) and f.name == name and f.callback is callback
                 for f in sys.meta_path):
        sys.meta_path.insert(0, _AfterImport(name, callback))
