"""The catalog: one declarative row per public loss.

The conformance suite (``multiloss.testing``), the README's table and the
``multiloss check``/``multiloss list`` commands are all generated from these
rows. A new loss is its math, its interface and one row here; the suite then
tests it on every backend against its original with no more test code.

A row says where the loss lives, which original it mirrors, what inputs it
takes (an input *kind* from ``multiloss.testing.inputs``), in which positional
order, which argument is differentiated, which option sets to test, extra
cases (errors, warnings, edge values), and the known deliberate differences.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Arg:
    """An option whose value is one of the generated arrays (e.g. a weight), named by its role,
    or that array's ``attribute`` (``"dtype"``: a class that makes arrays makes the backend's)."""

    role: str
    attribute: str | None = None


@dataclass(frozen=True)
class Case:
    """An extra check for one row: inputs or options changed, and what the original does then.

    ``raises``: the exception class name the original raises and multiloss must
    raise on every backend. ``warns``: likewise for a warning class. Neither:
    the values are compared with the original's (an edge case). ``edge`` names
    an edge input of the row's kind (see ``multiloss.testing.inputs``);
    ``options`` are merged over the row's first option set.
    """

    name: str
    options: dict = field(default_factory=dict)
    edge: str | None = None
    raises: str | None = None
    warns: str | None = None
    gradient: bool = False  # also compare gradients here (kinks)


@dataclass(frozen=True)
class Entry:
    """One public loss.

    ``call``: the roles of the positional arguments, in the interface's order.
    ``style``: "function" is ``loss(*arrays, **options)``; "class" is
    ``Loss(**options)(*arrays, **call_options)`` where ``call_options`` are the
    options named in ``call_keywords`` (Keras' ``sample_weight``).
    """

    path: str
    original: str
    inputs: str
    call: tuple[str, ...]
    grad: str
    options: tuple[dict, ...] = ({},)
    style: str = "function"
    call_keywords: tuple[str, ...] = ()
    cases: tuple[Case, ...] = ()
    differences: str = ""
    fallback: str | None = None  # a reference implementation used when the original can't be imported
    original_framework: str | None = None  # the original's framework, where its path doesn't say it
    precision: str | None = None  # "float32" where the original computes in float32 whatever the dtype
    # False where the original gives no defined result for an empty batch (uninitialised
    # memory, or an error where multiloss returns the empty result): ``differences`` says
    # what multiloss gives, and the property tests only require that it gives it quietly.
    original_defines_empty: bool = True
    # False where the original's result at an infinite or NaN input is its kernel's accident
    # (TensorFlow's CTC gives NaN for a -inf logit): ``differences`` says what multiloss gives,
    # and the property tests only require that multiloss gives it quietly.
    original_defines_nonfinite: bool = True
    # Where the original itself reads a value on the host to raise its error (so that on a GPU
    # it waits for the device): which value and why. The devices check allows those reads; a
    # row without it must give its result on any device with no host read.
    host_reads: str = ""
    # A class' own arrays, set from roles once it is built, as a user loads a state:
    # (attribute path, role) pairs (a torch Module's parameter takes the array's values).
    state: tuple[tuple[str, str], ...] = ()

    @property
    def name(self):
        return self.path.rpartition(".")[2]

    @property
    def interface(self):
        return self.path.rpartition(".")[0]

    def resolve(self):
        """The multiloss callable."""
        return _resolve(self.path)


# The roles of a row whose one input is a loss already computed (a per-example loss, a
# regularization term): the "regression" kind's prediction, differentiated.
PER_EXAMPLE_LOSS = {"inputs": "regression", "call": ("prediction",), "grad": "prediction"}


# What every Keras loss class is tested with: each reduction, sample weights of
# the shapes Keras aligns, all-zero weights (0, not NaN), and float64 compute.
# The input kinds of Keras rows provide the roles sample_weight (N,),
# row_weight (N, 1) and zero_weight.
KERAS_CLASS_OPTIONS = (
    {},
    {"reduction": "sum"},
    {"reduction": "none"},
    {"reduction": None},
    {"reduction": "mean"},
    {"sample_weight": Arg("sample_weight")},
    {"sample_weight": Arg("row_weight"), "reduction": "sum"},
    {"sample_weight": Arg("sample_weight"), "reduction": "mean_with_sample_weight"},
    {"dtype": "float64"},
)
KERAS_CLASS_CASES = (
    Case("unknown reduction", {"reduction": "weighted_mean"}, raises="ValueError"),
    Case("all-zero sample weights", {"sample_weight": Arg("zero_weight")}),
    Case("all-zero sample weights, mean_with_sample_weight",
         {"sample_weight": Arg("zero_weight"), "reduction": "mean_with_sample_weight"}),
)


# What every tf.compat.v1.losses row is tested with: weights of each accepted
# shape (per element, (N, 1), a Python number) and each Reduction. The input
# kinds of those rows provide the roles weight and row_weight.
TF_V1_OPTIONS = (
    {},
    {"weights": Arg("weight")},
    {"weights": Arg("row_weight")},
    {"weights": 2.5},
    {"reduction": "none"},
    {"weights": Arg("weight"), "reduction": "weighted_sum"},
    {"weights": Arg("weight"), "reduction": "weighted_mean"},
    {"weights": Arg("weight"), "reduction": "weighted_sum_over_batch_size"},
    {"weights": Arg("weight"), "reduction": "none"},
)


def _resolve(path):
    module, _, attr = path.rpartition(".")
    return getattr(importlib.import_module(module), attr)


def _load_entries():
    from . import (
        box,
        categorical,
        ctc,
        distribute,
        divergence,
        linear,
        margin,
        optax,
        overlap,
        regression,
        sigmoid,
        softmax,
    )

    families = (regression, softmax, linear, categorical, sigmoid, divergence, distribute, margin, box, overlap, optax, ctc)
    return tuple(entry for family in families for entry in family.ENTRIES)


ENTRIES = _load_entries()


def find(path_or_name):
    """The entries whose path is, or ends with, the given string."""
    return [e for e in ENTRIES if e.path == path_or_name or e.path.endswith("." + path_or_name)]
