"""The conformance suite, generated from the catalog: every row, every backend, every check.

Each test is one ``multiloss.testing.run`` check; see that module for what
each check compares. A backend that is not installed is skipped (the tox
environments install one framework at a time); a check that does not apply
(NumPy has no autodiff and no compiler) is not generated. The calling
conventions of a backend (``conventions``) and the half, mixed and integer
inputs (``precisions``) are one test per row and backend each, so a new row is
checked in every way its framework's users call it with no new test code.
"""

import pytest

from multiloss import catalog, testing

_NOT_FOR_NUMPY = {"gradients", "compiled"}


def _params():
    for entry in catalog.ENTRIES:
        for backend in testing.FRAMEWORKS:
            for check in testing.CHECKS:
                if backend == "numpy" and check in _NOT_FOR_NUMPY:
                    continue
                if check == "errors" and not any(c.raises or c.warns for c in entry.cases):
                    continue
                yield pytest.param(entry, backend, check, id=f"{entry.path.removeprefix('multiloss.')}-{backend}-{check}")


@pytest.mark.parametrize(("entry", "backend", "check"), list(_params()))
def test_conformance(entry, backend, check):
    if not testing.installed(backend):
        pytest.skip(f"{backend} is not installed")
    (finding,) = testing.run(entry, backend, checks=(check,))
    assert finding.status in ("PASS", "N/A"), finding.detail

