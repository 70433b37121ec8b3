"""Catalog rows: PyTorch's linear cross-entropy, ``linear_cross_entropy`` and ``LinearCrossEntropyLoss``.

Each input kind has rows whose option sets run the reference path (``options=None``: linear,
then ``cross_entropy``) and the chunked path (``options``, a few rows of logits at a time);
PyTorch's own function takes multiloss's options object too, so one row serves both. The
class rows build the loss with the dtype of the backend's arrays and load the row's
projection into it (``Entry.state``), as a user loads a trained head.
"""

from ..pytorch._linear import LinearCrossEntropyOptions
from . import Arg, Case, Entry

W, B = Arg("weight"), Arg("linear_bias")
CHUNKS = LinearCrossEntropyOptions(batch_chunk_size=2)  # 7 rows: three chunks of 2 and one of 1
AUTO = LinearCrossEntropyOptions()  # the aspect-ratio rule, capped: here one row a chunk
HALVED = LinearCrossEntropyOptions(chunking_method="aspect_ratio:2", allow_retain_graph=True)

_REFERENCE = (
    {}, {"reduction": "sum"}, {"reduction": "none"},
    {"linear_bias": B}, {"weight": W}, {"weight": W, "reduction": "sum", "linear_bias": B},
    {"weight": W, "reduction": "none"},
    {"ignore_index": 2}, {"ignore_index": 2, "weight": W, "reduction": "none"},
    {"label_smoothing": 0.1}, {"label_smoothing": 0.2, "weight": W, "ignore_index": 2, "linear_bias": B},
)
_CHUNKED = (
    {"options": CHUNKS}, {"options": AUTO}, {"options": HALVED, "reduction": "sum"},
    {"options": CHUNKS, "reduction": "none"},
    {"options": CHUNKS, "linear_bias": B, "weight": W},
    {"options": CHUNKS, "linear_bias": B, "weight": W, "reduction": "sum"},
    {"options": CHUNKS, "weight": W, "reduction": "none", "ignore_index": 2},
    {"options": AUTO, "ignore_index": 3},
)
_ERRORS = (
    Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
    Case("unknown reduction, chunked", {"reduction": "avg", "options": CHUNKS}, raises="ValueError"),
    Case("options ignored (label_smoothing)", {"label_smoothing": 0.1, "options": CHUNKS}, warns="UserWarning"),
    Case("weight of another length", {"weight": Arg("wrong_weight")}, raises="RuntimeError"),
    Case("weight of another dtype", {"weight": Arg("double_weight")}, raises="RuntimeError"),
    Case("bias of another shape", {"linear_bias": Arg("wrong_bias")}, raises="RuntimeError"),
    Case("bias of another shape, chunked", {"linear_bias": Arg("wrong_bias"), "options": CHUNKS},
         raises="RuntimeError"),
    Case("ignore_index not an int", {"ignore_index": 1.5}, raises="TypeError"),
    Case("label_smoothing above 1", {"label_smoothing": 1.5}, raises="RuntimeError"),
    Case("class index out of range", edge="out_of_range", raises="IndexError"),
    Case("batch sizes differ", edge="batch_mismatch", raises="ValueError"),
    Case("float class indices", edge="float_target", raises="RuntimeError"),
    Case("3-D input", edge="three_dim_input", raises="RuntimeError"),
    Case("3-D input, chunked", {"options": CHUNKS}, edge="three_dim_input", raises="RuntimeError"),
    Case("in_features differ", edge="in_features_mismatch", raises="RuntimeError"),
    Case("in_features differ, chunked", {"options": CHUNKS}, edge="in_features_mismatch", raises="RuntimeError"),
    Case("1-D linear_weight", edge="vector_weight", raises="RuntimeError"),
    Case("batch_chunk_size and chunking_method disagree",
         {"options": LinearCrossEntropyOptions(batch_chunk_size=3, chunking_method="aspect_ratio")},
         raises="ValueError"),
)
_EDGES = (
    Case("huge logits, chunked", {"options": CHUNKS}, edge="huge", gradient=True),
    Case("huge logits, chunked, weighted and biased", {"options": CHUNKS, "weight": W, "linear_bias": B},
         edge="huge", gradient=True),
    Case("all ignored, chunked", {"options": CHUNKS}, edge="all_ignored"),
    Case("all ignored, chunked, sum", {"options": CHUNKS, "reduction": "sum"}, edge="all_ignored", gradient=True),
    Case("zero class weights, chunked", {"options": CHUNKS, "weight": Arg("zero_weight")}, gradient=True),
    Case("zero class weights", {"weight": Arg("zero_weight")}, gradient=True),
    Case("empty batch, chunked, sum", {"options": CHUNKS, "reduction": "sum"}, edge="empty"),
    Case("empty batch, chunked, none", {"options": CHUNKS, "reduction": "none"}, edge="empty"),
    Case("empty batch, sum", {"reduction": "sum"}, edge="empty"),
    Case("nan feature, chunked", {"options": CHUNKS}, edge="nan"),
)
# The default call first (what the benchmark times: two-row chunks of a large batch measure the loop,
# not the loss), then the chunked ones.
_IGNORED = ({}, {"options": CHUNKS}, {"options": CHUNKS, "weight": W, "reduction": "none"},
            {"weight": W, "reduction": "sum"}, {"label_smoothing": 0.2, "weight": W})
_PROBABILITIES = (
    {}, {"options": CHUNKS}, {"reduction": "sum"}, {"reduction": "none"},
    {"options": CHUNKS, "weight": W, "reduction": "sum", "linear_bias": B}, {"options": AUTO, "weight": W},
    {"weight": W, "linear_bias": B}, {"label_smoothing": 0.2, "weight": W},
)
_PROBABILITY_CASES = (
    Case("ignore_index with probabilities", {"ignore_index": -100, "options": None}, raises="RuntimeError"),
    Case("ignore_index with probabilities, chunked", {"ignore_index": 1, "options": CHUNKS}, raises="RuntimeError"),
    Case("options ignored (reduction='none')", {"reduction": "none", "options": CHUNKS}, warns="UserWarning"),
    Case("reduction='none' with options", {"reduction": "none", "options": CHUNKS}, gradient=True),
    Case("huge logits, chunked", {"options": CHUNKS}, edge="huge", gradient=True),
    Case("empty batch, chunked", {"options": CHUNKS}, edge="empty"),
)
_KDIM = ({}, {"reduction": "none"}, {"weight": W, "linear_bias": B}, {"weight": W, "reduction": "sum"},
         {"ignore_index": 2, "label_smoothing": 0.2})
_KDIM_CASES = (
    Case("options ignored (K-dimensional)", {"options": CHUNKS}, warns="UserWarning"),
    Case("K-dimensional with options", {"options": CHUNKS, "linear_bias": B}, gradient=True),
    Case("unbatched input", edge="unbatched", raises="RuntimeError"),
    Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
)
_UNBATCHED = ({"options": CHUNKS}, {}, {"reduction": "none"}, {"options": CHUNKS, "reduction": "none", "weight": W},
              {"options": AUTO, "linear_bias": B, "reduction": "sum"})

_DIFFERENCES = (
    "Off torch, the chunked path keeps one chunk's logits through autodiff by recomputing them in "
    "the backward pass (torch.utils.checkpoint where torch's own op can't serve: torch.compile, "
    "torch.func, a class weight or probability target that wants a gradient; jax.checkpoint over "
    "lax.map; tf.recompute_grad); it takes higher-order and forward-mode derivatives, torch.func and "
    "torch.compile, which PyTorch's chunked op refuses, and allows a second backward whatever "
    "allow_retain_graph says. Under tf.function with a batch size unknown until run time it is one "
    "chunk. A probability target that wants a gradient makes PyTorch ignore options (with a "
    "warning); only a torch tensor can say it does. Class indices are checked in eager mode only, "
    "as cross_entropy's. A chunked mean over no target has PyTorch's NaN gradient, except on JAX where "
    "the target is a constant of the trace (eager jax.grad): XLA's simplifier folds the zero weights "
    "inside lax.map, and the gradient is 0."
)


def _function(inputs, call, options, cases, grad="input"):
    return Entry(path="multiloss.pytorch.functional.linear_cross_entropy",
                 original="torch.nn.functional.linear_cross_entropy", inputs=inputs, call=call, grad=grad,
                 options=options, cases=cases, differences=_DIFFERENCES)


ENTRIES = (
    _function("linear_features", ("input", "linear_weight", "target"), _REFERENCE[:1] + _CHUNKED + _REFERENCE[1:],
              _ERRORS + _EDGES),
    # the projection's gradient, summed over the chunks
    _function("linear_features", ("input", "linear_weight", "target_with_ignored"), _IGNORED, (),
              grad="linear_weight"),
    _function("linear_features", ("input", "linear_weight", "probabilities"), _PROBABILITIES, _PROBABILITY_CASES),
    _function("linear_features_kdim", ("input", "linear_weight", "target"), _KDIM, _KDIM_CASES),
    _function("linear_features_unbatched", ("input", "linear_weight", "target"), _UNBATCHED, ()),
)


_CLASS_DIFFERENCES = (
    "Where torch is imported and dtype is None or a torch dtype, the loss owns a torch.nn.Linear, made as "
    "PyTorch's (the same draws under torch.manual_seed, the same state_dict). Off torch, or given a NumPy, "
    "JAX (jax.numpy.float32) or TensorFlow dtype, it owns a multiloss.pytorch.Linear holding arrays of that "
    "framework (NumPy float32 by default; tf.Variable on TensorFlow), drawn as torch.nn.Linear draws them "
    "(uniform in +-1/sqrt(in_features)) from NumPy's global random state; set loss.linear.weight (and .bias) "
    "to load a projection. " + _DIFFERENCES
)
_MODULE = {"in_features": 4, "num_classes": 5, "dtype": Arg("input", "dtype")}
_MODULE_OPTIONS = tuple({**_MODULE, **o} for o in (
    {}, {"options": CHUNKS}, {"reduction": "none"}, {"weight": W, "reduction": "sum"},
    {"options": CHUNKS, "weight": W, "reduction": "none"}, {"ignore_index": 2, "label_smoothing": 0.2},
))
_MODULE_CASES = (
    Case("label_smoothing above 1", {"label_smoothing": 1.5}, raises="RuntimeError"),
    Case("weight of another length", {"weight": Arg("wrong_weight")}, raises="RuntimeError"),
    Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
    Case("all ignored, chunked", {"options": CHUNKS}, edge="all_ignored"),
)


def _module(inputs, options, cases, state):
    return Entry(path="multiloss.pytorch.LinearCrossEntropyLoss", original="torch.nn.LinearCrossEntropyLoss",
                 inputs=inputs, call=("input", "target"), grad="input", options=options, style="class",
                 cases=cases, state=state, differences=_CLASS_DIFFERENCES)


ENTRIES += (
    _module("linear_features", _MODULE_OPTIONS, _MODULE_CASES, (("linear.weight", "flat_weight"),)),
    _module("linear_features", tuple({**o, "bias": True} for o in _MODULE_OPTIONS[:3]), (),
            (("linear.weight", "flat_weight"), ("linear.bias", "flat_bias"))),
    _module("linear_features_kdim", ({**_MODULE, "out_features": (3,), "bias": True},
                                     {**_MODULE, "out_features": (3,), "bias": True, "reduction": "none",
                                      "weight": W}), (),
            (("linear.weight", "flat_weight"), ("linear.bias", "flat_bias"))),
)
