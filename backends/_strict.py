"""array-api-strict: the standard and nothing else.

Used by the test suite to prove that the loss code calls only standard names
plus the declared extensions, which here are all the generic ones.
"""

import array_api_strict as namespace

from ._base import Backend


class StrictBackend(Backend):
    name = "array_api_strict"


def backend():
    return StrictBackend(namespace)
