"""Every loss runs on array-api-strict: the loss code uses only standard names plus the declared extensions.

array-api-strict implements the standard and nothing else, so a call to any
NumPy-only function or method fails here. The results must equal the NumPy run.
"""

import numpy as np
import pytest

from multiloss import catalog, testing
from multiloss.testing import kinds

strict = pytest.importorskip("array_api_strict")
strict.set_array_api_strict_flags(api_version="2023.12")


def _as_strict(arrays):
    return {k: strict.asarray(v) for k, v in arrays.items()}


@pytest.mark.parametrize("entry", catalog.ENTRIES, ids=lambda e: e.path.removeprefix("multiloss."))
def test_standard_names_only(entry):
    fn = entry.resolve()
    for options in entry.options:
        arrays = kinds.make(entry.inputs, np.random.default_rng(0), np.float64)
        expected = testing._run(entry, "numpy", fn, arrays, options)
        got = testing._quiet(testing._invoke, entry, fn, _as_strict(arrays), options)
        assert type(got).__module__.startswith("array_api_strict")
        testing.compare(np.asarray(got), expected, f"{entry.path} {options}", rtol=1e-12, atol=1e-12)
