"""The originals' semantics as data, for ``multiloss compare`` and the notes of a translation.

Argument names, order and defaults are read from the mirrors' signatures (they are the
originals'); the errors from the catalog's cases (each names the exception class the original
raises). What a signature cannot say is here: each interface's reduction and dtype policy, and
each original's numerical guards, from the originals' sources and checked by running them
(``/work/shared/reference``-style notes, verified by the catalog's conformance suite).
"""

from __future__ import annotations

import inspect

from .. import catalog
from ._parse import call_parameters
from ._read import interface_of

# Each interface's reduction and dtype policy.
REDUCTION = {
    "torch.nn.functional": "reduction='mean' over every element (NaN over an empty batch), 'sum' (0 over nothing) "
                           "or 'none' (elementwise); the legacy size_average / reduce, when given, override it "
                           "with a warning",
}
REDUCTION["torch.nn"] = REDUCTION["torch.nn.functional"] + ", given to the constructor"
REDUCTION.update({
    "keras.losses": "a loss per sample (an elementwise loss is meant over the last axis first), then "
                    "reduction='sum_over_batch_size': the sum divided by the number of per-sample losses, 0 where "
                    "there are none (divide-no-nan); sample_weight multiplies each sample's loss; the functions "
                    "return the per-sample losses",
    "tf.compat.v1.losses": "the elementwise loss times weights (default 1.0), then Reduction.SUM_BY_NONZERO_WEIGHTS: "
                           "the sum divided by the count of non-zero weights, 0 where there are none",
    "tf.nn": "none: one loss per element (sigmoid) or per sample (softmax)",
    "torchvision.ops": "reduction='none' by default for the focal loss and the box losses; 'mean' and 'sum' as torch",
    "multiloss": "reduction='mean' by default, as torch.nn.functional",
})
DTYPE = {
    "torch.nn.functional": "keeps the input's dtype (float32 in, float32 out; float64 in, float64 out)",
    "torch.nn": "keeps the input's dtype",
    "keras.losses": "classes compute in float32 unless dtype= is given (Keras' float policy); functions in the "
                    "float dtype of y_pred",
    "tf.compat.v1.losses": "casts predictions, labels and weights to float32, whatever they were",
    "tf.nn": "the logits' dtype",
    "torchvision.ops": "keeps the input's dtype",
    "multiloss": "keeps the input's dtype",
}

# Each original's numerical guards, by the original's last name within its interface.
GUARDS = {
    ("torch", "binary_cross_entropy"): "clamps each log at -100: a probability of exactly 0 or 1 costs at most 100",
    ("torch", "BCELoss"): "clamps each log at -100: a probability of exactly 0 or 1 costs at most 100",
    ("torch", "binary_cross_entropy_with_logits"): "log-sigmoid form, stable for large logits; an infinite logit "
                                                   "gives NaN or inf",
    ("torch", "BCEWithLogitsLoss"): "log-sigmoid form, stable for large logits",
    ("torch", "cross_entropy"): "log-softmax (log-sum-exp), stable for large logits",
    ("torch", "CrossEntropyLoss"): "log-softmax (log-sum-exp), stable for large logits",
    ("torch", "kl_div"): "target * (log target - input) with 0 where target is 0; no clip",
    ("torch", "KLDivLoss"): "target * (log target - input) with 0 where target is 0; no clip",
    ("keras", "binary_crossentropy"): "clips the probability to [1e-7, 1 - 1e-7] (epsilon) before the log: a "
                                      "saturated probability costs at most about 16.1; from_logits uses "
                                      "tf.nn.sigmoid_cross_entropy_with_logits",
    ("keras", "BinaryCrossentropy"): "clips the probability to [1e-7, 1 - 1e-7] (epsilon) before the log: a "
                                     "saturated probability costs at most about 16.1",
    ("keras", "categorical_crossentropy"): "renormalises the probabilities over the class axis, clips them to "
                                           "[1e-7, 1 - 1e-7]; from_logits uses the log-softmax",
    ("keras", "CategoricalCrossentropy"): "renormalises the probabilities over the class axis, clips them to "
                                          "[1e-7, 1 - 1e-7]; from_logits uses the log-softmax",
    ("keras", "sparse_categorical_crossentropy"): "renormalises and clips the probabilities as "
                                                  "categorical_crossentropy",
    ("keras", "SparseCategoricalCrossentropy"): "renormalises and clips the probabilities as categorical_crossentropy",
    ("keras", "kl_divergence"): "clips both arguments to [1e-7, 1]",
    ("keras", "KLDivergence"): "clips both arguments to [1e-7, 1]",
    ("keras", "hinge"): "labels that are all 0 or 1 become -1 and 1; other labels are used as they are",
    ("keras", "Hinge"): "labels that are all 0 or 1 become -1 and 1; other labels are used as they are",
    ("tf.compat.v1.losses", "log_loss"): "adds epsilon=1e-7 inside both logs (no clip: a probability above 1 gives NaN)",
    ("tf.compat.v1.losses", "hinge_loss"): "labels always become 2 y - 1 (a -1 label becomes -3)",
    ("tf.compat.v1.losses", "sigmoid_cross_entropy"): "tf.nn.sigmoid_cross_entropy_with_logits, in float32",
}


def _family(original):
    return {"torch.nn.functional": "torch", "torch.nn": "torch", "keras.losses": "keras"}.get(
        interface_of(original), interface_of(original))


def of(entry):
    """{what: text} for a catalog row's original."""
    interface = interface_of(entry.original)
    fn = entry.resolve()
    params = call_parameters(entry)
    arrays = params[: len(entry.call)]
    if entry.style == "class":
        ctor = inspect.signature(fn.__init__).parameters
        options = [str(p) for name, p in ctor.items() if name not in ("self", "kwargs")]
        at_call = [str(p) for name, p in inspect.signature(fn.forward if "pytorch" in entry.path else fn.__call__)
                   .parameters.items() if name != "self"][len(arrays):]
        signature = f"{entry.original}({', '.join(options)})({', '.join(arrays + at_call)})"
    else:
        signature = f"{entry.original}{inspect.signature(fn)}"
    name = entry.original.rpartition(".")[2]
    errors = sorted({f"{c.raises}: {c.name}" for e in catalog.ENTRIES if e.original == entry.original
                     for c in e.cases if c.raises})
    warnings = sorted({f"{c.warns}: {c.name}" for e in catalog.ENTRIES if e.original == entry.original
                       for c in e.cases if c.warns})
    return {
        "original": entry.original,
        "arguments": ", ".join(f"{a} (the {r})" for a, r in zip(arrays, entry.call)),
        "signature": signature,
        "reduction": REDUCTION.get(interface, ""),
        "guards": GUARDS.get((_family(entry.original), name), "none beyond the formula's stable form"),
        "dtype": DTYPE.get(interface, ""),
        "errors": "; ".join(errors) or "none catalogued",
        "warnings": "; ".join(warnings) or "none catalogued",
        "notes": entry.differences or "",
    }
