"""Property tests, generated from the catalog: every row against its original on random inputs.

For each row, hypothesis draws the sizes of the row's input kind (a batch of 0
included, and every other size its kind takes), a seed for the values, float32
or float64, one of the row's option sets, a backend, and a few poisoned entries
(NaN, +-inf, 1e30) in the differentiated input. multiloss must then give what
the original gives: the same values (within ``multiloss.testing.TOLERANCES``,
NaN for NaN and inf for inf), or an exception of the original's class.

The examples are few and fixed (``derandomize``), so the suite stays fast and
repeatable; ``MULTILOSS_PROPERTY_EXAMPLES`` raises the count for a deeper run.
"""

import inspect
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from multiloss import catalog, testing
from multiloss.testing import _original, _run, compare, kinds, tolerance_for

EXAMPLES = int(os.environ.get("MULTILOSS_PROPERTY_EXAMPLES", "6"))

# the size parameters the kinds' makers take, and the values drawn for each
_SIZES = {
    "batch": st.integers(0, 5),
    "classes": st.integers(3, 6),
    "features": st.integers(2, 5),
    "spatial": st.tuples(st.integers(1, 3), st.integers(1, 3)),
}
_POISON = st.sampled_from([np.nan, np.inf, -np.inf, 1e30])


def _sizes(kind_name):
    parameters = inspect.signature(kinds.KINDS[kind_name].make).parameters
    return st.fixed_dictionaries({name: _SIZES[name] for name in parameters if name in _SIZES})


def _installed():
    return [b for b in testing.FRAMEWORKS if testing.installed(b)]


def _outcome(entry, framework, fn, arrays, options):
    try:
        return _run(entry, framework, fn, arrays, options), None
    except Exception as exc:  # noqa: BLE001 - the class is what is compared
        return None, exc


def _poisoned(arrays, role, poisons):
    values = arrays[role]
    if values.dtype.kind != "f" or values.size == 0:
        return arrays
    values = values.copy()
    for fraction, value in poisons:
        values.flat[int(fraction * values.size)] = value
    return {**arrays, role: values}


def _params():
    for entry in catalog.ENTRIES:
        yield pytest.param(entry, id=f"{entry.path.removeprefix('multiloss.')}-{entry.inputs}")


@pytest.mark.parametrize("entry", list(_params()))
def test_same_as_the_original(entry):
    original, orig_fw = _original(entry)
    if original is None:
        pytest.skip(f"the original's framework is not installed ({orig_fw})")
    testing.import_all()
    ours = entry.resolve()

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    @given(sizes=_sizes(entry.inputs), seed=st.integers(0, 2**16), dtype=st.sampled_from([np.float32, np.float64]),
           options=st.sampled_from(entry.options), backend=st.sampled_from(_installed()),
           poisons=st.lists(st.tuples(st.floats(0, 0.999), _POISON), max_size=2))
    def check(sizes, seed, dtype, options, backend, poisons):
        arrays = kinds.KINDS[entry.inputs].make(np.random.default_rng(seed), dtype, **sizes)
        arrays = _poisoned(arrays, entry.grad, poisons)
        expected, error = _outcome(entry, orig_fw, original, arrays, options)
        got, our_error = _outcome(entry, backend, ours, arrays, options)
        what = f"{backend}, {np.dtype(dtype).name}, sizes {sizes}, options {options}, poisons {poisons}"
        undefined = (sizes.get("batch") == 0 and not entry.original_defines_empty
                     or poisons and not entry.original_defines_nonfinite)
        if undefined:  # the original gives no defined answer: multiloss gives its own, quietly
            assert our_error is None, f"{what}: multiloss raises {type(our_error).__name__}: {our_error}"
            return
        if error is not None:
            names = [c.__name__ for c in type(our_error).__mro__] if our_error is not None else []
            assert type(error).__name__ in names, (
                f"{what}: the original raises {type(error).__name__}: {error}; multiloss "
                + (f"raises {type(our_error).__name__}: {our_error}" if our_error else f"returns {got!r}"))
            return
        assert our_error is None, f"{what}: multiloss raises {type(our_error).__name__}: {our_error}"
        assert got.dtype == expected.dtype, f"{what}: dtype {got.dtype}, the original gives {expected.dtype}"
        compare(got, expected, what, **tolerance_for(got.dtype, expected.dtype, entry=entry))

    check()
