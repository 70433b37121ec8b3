"""A pytest plugin: multiloss' conformance checks for your own losses.

Write a loss once with ``namespace_of``, name a reference it must agree with
(a function of torch, TensorFlow, JAX or NumPy arrays), and let pytest generate
one test per check of :data:`multiloss.testing.CHECKS` and installed backend::

    # test_my_losses.py
    from multiloss.testing.plugin import conformance, loss_entry
    from mypackage import cube_error, cube_error_torch

    test_cube_error = conformance(loss_entry(
        cube_error, cube_error_torch, original_framework="torch",
        inputs="regression", call=("prediction", "target"), grad="prediction"))

``loss_entry`` builds a :class:`multiloss.testing.Entry` from the two
functions; an ``Entry`` written by hand (dotted paths, option sets, ``Case``s for
errors and edges) works as well. The arrays come from the input kinds in
``multiloss/testing/kinds/`` ("regression", "class_logits", ...).

The plugin is registered as the ``pytest11`` entry point ``multiloss``, so an
installed multiloss loads it; otherwise add ``-p multiloss.testing.plugin``.
It adds ``--multiloss-backend NAME`` (repeatable: run only those backends) and
prints, after the run, the table ``multiloss check`` prints: one line per loss,
one column per backend, PASS/FAIL and the largest deviation in units of the
tolerance (1 is the limit), then each failure.
"""

from __future__ import annotations

from dataclasses import replace

import pytest

_FINDINGS = pytest.StashKey[list]()
_PARAMS = ("multiloss_entry", "multiloss_backend", "multiloss_check")


def loss_entry(loss, reference, **fields):
    """An ``Entry`` for ``loss`` held to ``reference``: both module-level functions.

    ``fields`` are the other fields of :class:`multiloss.testing.Entry`: ``inputs``,
    ``call``, ``grad`` (required), ``options``, ``cases``, ``original_framework``
    (the reference's framework when its module doesn't say: "torch", ...).
    """
    from ..catalog import Entry

    return Entry(path=_path_of(loss), original=_path_of(reference), **fields)


def _path_of(fn):
    from ..catalog import _resolve

    path = f"{fn.__module__}.{fn.__qualname__}"
    try:
        found = _resolve(path)
    except (ImportError, AttributeError):
        found = None
    if found is not fn:
        raise ValueError(f"{fn!r} can't be imported back as {path!r}: define it at the top level of a module")
    return path


def conformance(*entries, backends=None, checks=None):
    """A test function, parametrized over each entry x backend x check.

    Assign it to a ``test_`` name in a test module. ``backends`` and ``checks``
    default to all of ``multiloss.testing.FRAMEWORKS`` and ``CHECKS``; a backend
    that is not installed is skipped, and a check that can't apply is not
    generated (NumPy has no autodiff or compiler; a row without error cases
    has no ``errors`` check).
    """
    from . import CHECKS, FRAMEWORKS

    params = [
        param
        for entry in entries
        for backend in backends or FRAMEWORKS
        for check in checks or CHECKS
        if (param := _param(entry, backend, check)) is not None
    ]

    @pytest.mark.parametrize(_PARAMS, params)
    def test_conformance(multiloss_entry, multiloss_backend, multiloss_check, request):
        _check(multiloss_entry, multiloss_backend, multiloss_check, request.config)

    return test_conformance


def _param(entry, backend, check):
    from ._frameworks import framework_of_path

    if backend == "numpy" and check in ("gradients", "compiled"):
        return None
    if check == "errors" and not any(c.raises or c.warns for c in entry.cases):
        return None
    marks = ()
    reference = entry.original_framework or framework_of_path(entry.original)
    if check == "gradients" and reference == "numpy":
        marks = pytest.mark.skip(reason=f"{entry.original} is NumPy code, with no gradient to compare: "
                                        "name a torch, TensorFlow or JAX reference (original_framework=...)")
    return pytest.param(entry, backend, check, marks=marks, id=f"{entry.name}-{backend}-{check}")


def _check(entry, backend, check, config):
    from . import installed, run

    if not installed(backend):
        pytest.skip(f"{backend} is not installed")
    (finding,) = run(entry, backend, checks=(check,))
    if _FINDINGS in config.stash:
        config.stash[_FINDINGS].append((entry, finding))
    if not finding.ok:
        pytest.fail(f"{entry.path} [{backend}] {check}: {finding.detail}", pytrace=False)


# -- hooks --------------------------------------------------------------------------------


def pytest_addoption(parser):
    parser.getgroup("multiloss").addoption(
        "--multiloss-backend", action="append", metavar="NAME",
        help="run multiloss conformance tests on this backend only (repeatable): numpy, torch, tensorflow, jax")


def pytest_configure(config):
    config.stash[_FINDINGS] = []


def pytest_collection_modifyitems(config, items):
    chosen = config.getoption("multiloss_backend")
    if not chosen:
        return
    keep, drop = [], []
    for item in items:
        backend = getattr(item, "callspec", None) and item.callspec.params.get("multiloss_backend")
        (drop if backend and backend not in chosen else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


def pytest_terminal_summary(terminalreporter, config):
    recorded = config.stash.get(_FINDINGS, [])
    if recorded:
        terminalreporter.section("multiloss conformance")
        labels = _labels([entry for entry, _ in recorded])
        for line in report([replace(f, entry=labels[id(entry)]) for entry, f in recorded]):
            terminalreporter.write_line(line)


def _labels(entries):
    """Each entry's name in the report (by id: entries hold dicts): its path, and what differs where one loss has several entries."""
    distinct = list({id(e): e for e in entries}.values())
    labels = {}
    for entry in distinct:
        twins = [e for e in distinct if e.path == entry.path]
        if len({e.original for e in twins}) > 1:
            labels[id(entry)] = f"{entry.path} [vs {entry.original}]"
        elif len(twins) > 1:
            labels[id(entry)] = f"{entry.path} [{entry.inputs}: {', '.join(entry.call)}]"
        else:
            labels[id(entry)] = entry.path
    return labels


def report(findings):
    """The lines of ``multiloss check``'s table for these findings: a loss per line, a backend per column."""
    backends = list(dict.fromkeys(f.backend for f in findings))
    losses = list(dict.fromkeys(f.entry for f in findings))
    width = max(len(loss) for loss in losses) + 2
    lines = [f"{'loss':<{width}}" + "".join(f"{b:<18}" for b in backends)]
    for loss in losses:
        cells = [_cell([f for f in findings if f.entry == loss and f.backend == b]) for b in backends]
        lines.append(f"{loss:<{width}}" + "".join(f"{c:<18}" for c in cells))
    lines += [f"FAIL {f.entry} [{f.backend}] {f.check}: {f.detail}" for f in findings if f.status == "FAIL"]
    return lines


def _cell(findings):
    if not findings:
        return "-"
    if any(f.status == "FAIL" for f in findings):
        return "FAIL"
    passed = [f.deviation for f in findings if f.status == "PASS"]
    return f"PASS {max(passed):.2g}" if passed else findings[0].status
