"""Catalog rows: PyTorch's softmax losses, ``cross_entropy`` and ``nll_loss``, as functions and classes.

A loss has several rows, one per input kind: (N, C) logits with class indices,
the same with some targets at the default ``ignore_index`` (-100), K-dimensional
(N, C, d1, d2), unbatched (C,), and class probabilities.
"""

from . import Arg, Case, Entry

W = Arg("weight")

_REDUCTIONS = ({}, {"reduction": "sum"}, {"reduction": "none"})
_WEIGHTED = ({"weight": W}, {"weight": W, "reduction": "sum"}, {"weight": W, "reduction": "none"})
_IGNORE = ({"ignore_index": 2}, {"ignore_index": 2, "weight": W}, {"ignore_index": 2, "weight": W, "reduction": "none"})
_SMOOTHING = (
    {"label_smoothing": 0.1},
    {"label_smoothing": 0.2, "weight": W},
    {"label_smoothing": 0.3, "ignore_index": 2},
    {"label_smoothing": 0.25, "weight": W, "ignore_index": 2, "reduction": "sum"},
    {"label_smoothing": 0.15, "weight": W, "reduction": "none"},
)
_LEGACY = ({"size_average": False}, {"reduce": False}, {"size_average": True, "reduce": True})

_ERRORS = (
    Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
    Case("legacy size_average", {"size_average": False}, warns="UserWarning"),
    Case("legacy reduce", {"reduce": False}, warns="UserWarning"),
    Case("reduction='elementwise_mean'", {"reduction": "elementwise_mean"}, warns="UserWarning"),
    Case("weight of another length", {"weight": Arg("wrong_weight")}, raises="RuntimeError"),
    Case("weight of another dtype", {"weight": Arg("double_weight")}, raises="RuntimeError"),
    Case("ignore_index not an int", {"ignore_index": 1.5}, raises="TypeError"),
)
_INDEX_ERRORS = _ERRORS + (
    Case("class index out of range", edge="out_of_range", raises="IndexError"),
    Case("negative class index", edge="negative_target", raises="IndexError"),
    Case("float class indices", edge="float_target", raises="RuntimeError"),
    Case("int32 class indices", edge="int32_target", raises="RuntimeError"),
    Case("batch sizes differ", edge="batch_mismatch", raises="ValueError"),
    Case("(N, 2) indices", edge="multi_target", raises="RuntimeError"),
)
_INDEX_EDGES = (
    Case("uint8 class indices", edge="uint8_target"),
    Case("huge logits", edge="huge", gradient=True),
    Case("huge logits, weighted", {"weight": W}, edge="huge", gradient=True),
    Case("-inf logit at another class", edge="neg_inf", gradient=True),
    Case("one class", edge="single_class", gradient=True),
    Case("all ignored, mean", edge="all_ignored", gradient=True),
    Case("all ignored, sum", {"reduction": "sum"}, edge="all_ignored", gradient=True),
    Case("all ignored, weighted", {"weight": W}, edge="all_ignored", gradient=True),
    Case("all ignored, none", {"reduction": "none"}, edge="all_ignored"),
    Case("zero class weights", {"weight": Arg("zero_weight")}, gradient=True),
    Case("zero class weights, sum", {"weight": Arg("zero_weight"), "reduction": "sum"}, gradient=True),
    Case("empty batch, sum", {"reduction": "sum"}, edge="empty"),
    Case("empty batch, none", {"reduction": "none"}, edge="empty"),
    Case("empty batch, weighted", {"weight": W}, edge="empty"),
)
_SMOOTHING_CASES = (
    Case("label_smoothing above 1", {"label_smoothing": 1.5}, raises="RuntimeError"),
    Case("label_smoothing not a number", {"label_smoothing": "0.1"}, raises="TypeError"),
    Case("negative label_smoothing is no smoothing", {"label_smoothing": -0.5}, gradient=True),
    Case("label_smoothing = 1", {"label_smoothing": 1.0}, gradient=True),
    Case("huge logits, smoothed and weighted", {"label_smoothing": 0.2, "weight": W}, edge="huge", gradient=True),
    Case("all ignored, smoothed", {"label_smoothing": 0.2}, edge="all_ignored", gradient=True),
    Case("all ignored, smoothed and weighted", {"label_smoothing": 0.2, "weight": W}, edge="all_ignored",
         gradient=True),
    Case("all ignored, smoothed, sum", {"label_smoothing": 0.2, "reduction": "sum"}, edge="all_ignored"),
    Case("empty batch, smoothed", {"label_smoothing": 0.2}, edge="empty"),
    Case("empty batch, smoothed and weighted, sum", {"label_smoothing": 0.2, "weight": W, "reduction": "sum"},
         edge="empty"),
)
_KDIM_CASES = (
    Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
    Case("spatial sizes differ (4-D)", edge="spatial_mismatch", raises="RuntimeError"),
    Case("spatial sizes differ (3-D)", edge="spatial_mismatch_3d", raises="RuntimeError"),
    Case("target of the wrong rank", edge="target_rank", raises="RuntimeError"),
    Case("class index out of range", edge="out_of_range", raises="IndexError"),
    Case("float class indices", edge="float_target", raises="RuntimeError"),
    Case("uint8 class indices (rejected for K-dim)", edge="uint8_target", raises="RuntimeError"),
    Case("weight of another length", {"weight": Arg("wrong_weight")}, raises="RuntimeError"),
    Case("(N, C, d1)", edge="one_spatial_dim", gradient=True),
    Case("(N, C, d1), weighted, none", {"weight": W, "reduction": "none"}, edge="one_spatial_dim", gradient=True),
    Case("(N, C, d1, d2, d3)", edge="three_spatial_dims", gradient=True),
    Case("(N, C, d1, d2, d3), weighted, none", {"weight": W, "reduction": "none"}, edge="three_spatial_dims",
         gradient=True),
    Case("some ignored", edge="some_ignored", gradient=True),
    Case("some ignored, weighted", {"weight": W}, edge="some_ignored", gradient=True),
    Case("some ignored, weighted, none", {"weight": W, "reduction": "none"}, edge="some_ignored", gradient=True),
    Case("huge logits", edge="huge", gradient=True),
    Case("empty batch, none", {"reduction": "none"}, edge="empty"),
    Case("all ignored, sum", {"reduction": "sum"}, edge="all_ignored"),
)
_KDIM_SMOOTHING_CASES = (
    Case("some ignored, smoothed and weighted", {"weight": W, "label_smoothing": 0.2}, edge="some_ignored",
         gradient=True),
    Case("(N, C, d1), smoothed, none", {"label_smoothing": 0.3, "reduction": "none"}, edge="one_spatial_dim",
         gradient=True),
    Case("(N, C, d1, d2, d3), smoothed and weighted", {"weight": W, "label_smoothing": 0.3},
         edge="three_spatial_dims", gradient=True),
)
_UNBATCHED_CASES = (
    Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
    Case("class index out of range", edge="out_of_range", raises="IndexError"),
    Case("(2,) target", edge="long_vector_target", raises="ValueError"),
    Case("weight of another length", {"weight": Arg("wrong_weight")}, raises="RuntimeError"),
    Case("ignored target, mean", edge="ignored", gradient=True),
    Case("ignored target, sum", {"reduction": "sum"}, edge="ignored"),
    Case("ignored target, none", {"reduction": "none"}, edge="ignored"),
    # PyTorch's backward fails for a (1,) target (a size mismatch): values only.
    Case("(1,) target", edge="vector_target"),
    Case("(1,) target, weighted, none", {"weight": W, "reduction": "none"}, edge="vector_target"),
    Case("huge logits", edge="huge", gradient=True),
)
_UNBATCHED_SMOOTHING_CASES = (
    Case("(1,) target, smoothed", {"label_smoothing": 0.1}, edge="vector_target", raises="RuntimeError"),
    Case("ignored target, smoothed and weighted", {"label_smoothing": 0.2, "weight": W}, edge="ignored"),
    Case("huge logits, smoothed", {"label_smoothing": 0.2}, edge="huge", gradient=True),
)
_PROBABILITY_CASES = (
    Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
    Case("legacy reduce", {"reduce": False}, warns="UserWarning"),
    Case("ignore_index with probabilities", {"ignore_index": 1}, raises="RuntimeError"),
    Case("ignore_index 0 with probabilities", {"ignore_index": 0}, raises="RuntimeError"),
    Case("integer probabilities", edge="integer_target", raises="RuntimeError"),
    Case("weight of another length", {"weight": Arg("wrong_weight")}, raises="RuntimeError"),
    Case("label_smoothing above 1", {"label_smoothing": 1.5}, raises="RuntimeError"),
    Case("negative label_smoothing is no smoothing", {"label_smoothing": -0.5}, gradient=True),
    Case("negative ignore_index is allowed", {"ignore_index": -1}),
    Case("one-hot probabilities", edge="saturated", gradient=True),
    Case("one-hot probabilities, smoothed", {"label_smoothing": 0.3}, edge="saturated", gradient=True),
    Case("huge logits", edge="huge", gradient=True),
    Case("huge logits, smoothed and weighted", {"label_smoothing": 0.2, "weight": W}, edge="huge", gradient=True),
    Case("(C,) logits", edge="unbatched", gradient=True),
    Case("(C,) logits, weighted, none", {"weight": W, "reduction": "none"}, edge="unbatched", gradient=True),
    Case("(C,) logits, smoothed, sum", {"label_smoothing": 0.2, "reduction": "sum"}, edge="unbatched",
         gradient=True),
    Case("empty batch, sum", {"reduction": "sum"}, edge="empty"),
    Case("empty batch, weighted", {"weight": W}, edge="empty"),
)

_INDEX_DIFFERENCES = (
    "Class indices must be int64 or uint8 (uint8 only for (C,) and (N, C) inputs), as in PyTorch; "
    "int32 is accepted only where the namespace indexes with int32 (JAX without x64, which can't make "
    "int64). The range of the indices is checked in eager mode only: under jax.jit, tf.function and "
    "torch.compile an index outside [0, C) gives an unspecified value, not IndexError. With "
    "reduction='none' PyTorch checks the range in parallel and may name any offending index; "
    "multiloss names the first. On a device other than the host's (a GPU) the range is not read: on torch "
    "the kernels assert on the device as PyTorch's CUDA kernels do; on JAX and TensorFlow an index out of "
    "range gives an unspecified value, as their own GPU kernels do."
)
_UNBATCHED_DIFFERENCES = _INDEX_DIFFERENCES + (
    " A (1,) target for (C,) logits: PyTorch's forward reads it as one sample but its backward fails "
    "(a size mismatch); multiloss differentiates it."
)
_PROBABILITY_DIFFERENCES = (
    "A probability target of another float dtype than the input is promoted by NumPy, PyTorch and JAX, "
    "as by PyTorch; TensorFlow does not promote and raises its own error."
)
_DIFFERENCES = {
    "class_logits": _INDEX_DIFFERENCES,
    "class_logits_kdim": _INDEX_DIFFERENCES,
    "class_logits_unbatched": _UNBATCHED_DIFFERENCES,
    "class_probabilities": _PROBABILITY_DIFFERENCES,
    "class_probabilities_kdim": _PROBABILITY_DIFFERENCES,
}


def _row(path, original, inputs, call, options, cases, style="function"):
    return Entry(path=path, original=original, inputs=inputs, call=call, grad="input", options=options,
                 style=style, cases=cases, differences=_DIFFERENCES[inputs])


def _function(name, inputs, options, cases, call=("input", "target")):
    return _row(f"multiloss.pytorch.functional.{name}", f"torch.nn.functional.{name}", inputs, call,
                options, cases)


def _class(name, inputs, options, cases, call=("input", "target")):
    return _row(f"multiloss.pytorch.{name}", f"torch.nn.{name}", inputs, call, options, cases, style="class")


_IGNORED_CALL = ("input", "target_with_ignored")
_CE_OPTIONS = _REDUCTIONS + _WEIGHTED + _IGNORE + _SMOOTHING + _LEGACY
_NLL_OPTIONS = _REDUCTIONS + _WEIGHTED + _IGNORE + _LEGACY
_IGNORED_OPTIONS = _REDUCTIONS + _WEIGHTED
_IGNORED_SMOOTHING = (
    {"label_smoothing": 0.2},
    {"label_smoothing": 0.2, "weight": W},
    {"label_smoothing": 0.1, "weight": W, "reduction": "sum"},
    {"label_smoothing": 0.3, "weight": W, "reduction": "none"},
)
_KDIM_OPTIONS = _REDUCTIONS + _WEIGHTED + ({"ignore_index": 2},)
_KDIM_SMOOTHING = ({"label_smoothing": 0.2}, {"label_smoothing": 0.1, "weight": W, "ignore_index": 2},
                   {"label_smoothing": 0.3, "weight": W, "reduction": "none"})
_UNBATCHED_OPTIONS = _REDUCTIONS + _WEIGHTED + ({"ignore_index": 2},)
_PROBABILITY_OPTIONS = _REDUCTIONS + _WEIGHTED + (
    {"label_smoothing": 0.1},
    {"label_smoothing": 0.2, "weight": W},
    {"label_smoothing": 0.3, "weight": W, "reduction": "none"},
    {"ignore_index": -1},
) + _LEGACY

ENTRIES = (
    # cross_entropy
    _function("cross_entropy", "class_logits", _CE_OPTIONS, _INDEX_ERRORS + _INDEX_EDGES + _SMOOTHING_CASES),
    _function("cross_entropy", "class_logits", _IGNORED_OPTIONS + _IGNORED_SMOOTHING + _LEGACY,
              (Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),), call=_IGNORED_CALL),
    _function("cross_entropy", "class_logits_kdim", _KDIM_OPTIONS + _KDIM_SMOOTHING,
              _KDIM_CASES + _KDIM_SMOOTHING_CASES),
    _function("cross_entropy", "class_logits_unbatched", _UNBATCHED_OPTIONS + ({"label_smoothing": 0.2, "weight": W},),
              _UNBATCHED_CASES + _UNBATCHED_SMOOTHING_CASES),
    _function("cross_entropy", "class_probabilities", _PROBABILITY_OPTIONS, _PROBABILITY_CASES),
    _function("cross_entropy", "class_probabilities_kdim",
              _REDUCTIONS + _WEIGHTED + ({"label_smoothing": 0.2, "weight": W},),
              (Case("weight of another length", {"weight": Arg("wrong_weight")}, raises="RuntimeError"),)),
    # nll_loss
    _function("nll_loss", "class_logits", _NLL_OPTIONS, _INDEX_ERRORS + _INDEX_EDGES),
    _function("nll_loss", "class_logits", _IGNORED_OPTIONS + _LEGACY,
              (Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),), call=_IGNORED_CALL),
    _function("nll_loss", "class_logits_kdim", _KDIM_OPTIONS, _KDIM_CASES),
    _function("nll_loss", "class_logits_unbatched", _UNBATCHED_OPTIONS, _UNBATCHED_CASES),
    # classes
    _class("CrossEntropyLoss", "class_logits", _CE_OPTIONS, _INDEX_ERRORS + _INDEX_EDGES + _SMOOTHING_CASES),
    _class("CrossEntropyLoss", "class_logits", _IGNORED_OPTIONS + _IGNORED_SMOOTHING,
           (Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),), call=_IGNORED_CALL),
    _class("CrossEntropyLoss", "class_logits_kdim", _KDIM_OPTIONS + _KDIM_SMOOTHING, _KDIM_CASES),
    _class("CrossEntropyLoss", "class_probabilities", _PROBABILITY_OPTIONS, _PROBABILITY_CASES),
    _class("NLLLoss", "class_logits", _NLL_OPTIONS, _INDEX_ERRORS + _INDEX_EDGES),
    _class("NLLLoss", "class_logits", _IGNORED_OPTIONS,
           (Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),), call=_IGNORED_CALL),
)
