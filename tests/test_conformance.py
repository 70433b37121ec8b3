"""The conformance suite, generated from the catalog: every row, every backend, every check.

Each test is one ``multiloss.testing.run`` check; see that module for what
each check compares. A backend that is not installed is skipped (the tox
environments install one framework at a time); a check that does not apply
(NumPy has no autodiff and no compiler) is not generated. The calling
conventions of a backend (``conventions``) and the half and mixed precisions
(``precisions``) are one test per row and backend each, so a new row is
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


# Keras computes the mean of integer inputs in floatx: an integer MSE or MAE is a float32 loss,
# on every backend (the precisions check covers floats; integers are checked here, where
# Keras' own integer arithmetic is the reference).
_KERAS_INTEGER_LOSSES = ("mean_squared_error", "mean_absolute_error")


@pytest.mark.parametrize("backend", testing.FRAMEWORKS)
@pytest.mark.parametrize("name", _KERAS_INTEGER_LOSSES)
def test_keras_integer_inputs_are_floatx(name, backend):
    if not testing.installed(backend) or not testing.installed("tensorflow"):
        pytest.skip("needs TensorFlow (for Keras) and the backend")
    import numpy as np

    from multiloss.testing import _run

    testing.import_all()
    entry = catalog.find(f"keras.{name}")[0]
    rng = np.random.default_rng(0)
    arrays = {"target": rng.integers(-3, 4, size=(4, 5)), "prediction": rng.integers(-3, 4, size=(4, 5))}
    expected = _run(entry, "tensorflow", catalog._resolve(entry.original), arrays, {})
    got = _run(entry, backend, entry.resolve(), arrays, {})
    assert got.dtype == expected.dtype == np.float32
    testing.compare(got, expected, name, **testing.TOLERANCES["float32"])
