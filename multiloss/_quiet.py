"""Quiet framework start-up: the log lines TensorFlow, absl and XLA print on import.

They go to the process's file descriptor 2 from C++ (so ``sys.stderr`` can't
catch them) before any Python logger is configured; a report that mixes them
into its table is unreadable. The environment variables must be set before
the framework is imported; the C++ lines that ignore them are swallowed by
pointing fd 2 at /dev/null while the import runs.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
import os
import sys

_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "3",  # TensorFlow's C++ INFO/WARNING/ERROR lines
    "TF_ENABLE_ONEDNN_OPTS": "0",  # the "oneDNN custom operations are on" notice (numerics unaffected)
    "GRPC_VERBOSITY": "ERROR",
    "GLOG_minloglevel": "2",
    "ABSL_MIN_LOG_LEVEL": "3",
}


@contextlib.contextmanager
def silenced_fd2():
    """Send what C++ writes to fd 2 to /dev/null for the duration (Python's stderr included)."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no real fd 2 (an embedded interpreter, a captured stream)
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def frameworks(names=("torch", "triton", "tensorflow", "jax")):
    """Set the quiet environment, then import the installed ``names`` (torch before TensorFlow)
    with fd 2 silenced, and turn the Python-side loggers down to errors.

    triton (which ``torch.compile`` imports lazily) comes before TensorFlow too: imported
    after it, it crashes the process with a segmentation fault in this build.
    """
    for key, value in _ENV.items():
        os.environ.setdefault(key, value)
    with silenced_fd2():
        for name in names:
            with contextlib.suppress(ImportError):
                importlib.import_module(name)
        with contextlib.suppress(ImportError):
            import absl.logging

            absl.logging.set_verbosity(absl.logging.ERROR)
    for logger in ("tensorflow", "absl", "jax._src.xla_bridge", "h5py"):
        logging.getLogger(logger).setLevel(logging.ERROR)
