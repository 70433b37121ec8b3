"""Catalog rows: margin, ranking and embedding losses in every interface."""

from . import KERAS_CLASS_CASES, KERAS_CLASS_OPTIONS, TF_V1_OPTIONS, Arg, Case, Entry

# -- PyTorch -------------------------------------------------------------------------------

_REDUCTIONS = ({}, {"reduction": "sum"}, {"reduction": "none"})
_LEGACY = ({"size_average": False}, {"reduce": False})
_LEGACY_CASES = (
    Case("legacy size_average=False", {"size_average": False}, warns="UserWarning"),
    Case("legacy reduce=False", {"reduce": False}, warns="UserWarning"),
)
_UNKNOWN_REDUCTION = Case("unknown reduction", {"reduction": "avg"}, raises="ValueError")

_EMPTY_BATCH = ("The mean or sum of an empty batch is uninitialised memory in PyTorch 2.14; multiloss gives "
                "NaN for the mean and 0 for the sum (as the other PyTorch losses do), so those two are not "
                "compared with the original.")
_CLASS_RANGE = ("A class index out of range is a value check, made in eager mode on every backend and skipped "
                "under jax.jit, tf.function and torch.compile. On a device other than the host's (a GPU) it "
                "is not read: torch's kernels assert on the device, as PyTorch's do; JAX and TensorFlow give "
                "an unspecified value.")
_SOFT_MARGIN = ("log(1 + exp(-y x)) is computed naively, as in PyTorch, so -y x above about 88 (float32) or 709 "
                "(float64) overflows to inf with a NaN gradient: a mirror gives the original's numbers.")


def l1_distance(x1, x2):
    """A user distance for ``triplet_margin_with_distance_loss``: the L1 ``pairwise_distance``."""
    from ..pytorch.functional import pairwise_distance

    return pairwise_distance(x1, x2, p=1.0)


def _torch(name, inputs, call, grad, options, cases, differences="", style="function", **extra):
    prefix = "multiloss.pytorch." + ("functional." if style == "function" else "")
    original = "torch.nn." + ("functional." if style == "function" else "")
    return Entry(path=prefix + name, original=original + name, inputs=inputs, call=call, grad=grad,
                 options=options, cases=cases, differences=differences, style=style, **extra)


_RANKING = ("ranking", ("input1", "input2", "target"), "input1")
_RANKING_CASES = (
    _UNKNOWN_REDUCTION,
    Case("inputs of different ranks", edge="rank_mismatch", raises="RuntimeError"),
    Case("shapes that don't broadcast", edge="ranking_mismatched", raises="RuntimeError"),
    Case("x1 == x2 at margin 0 (kink)", {"reduction": "none"}, edge="tie", gradient=True),
    Case("(1,) target broadcasts", {"reduction": "none"}, edge="scalar_target", gradient=True),
    Case("sum over nothing", {"reduction": "sum"}, edge="empty"),
)
_HINGE_EMBEDDING = ("hinge_embedding", ("prediction", "target"), "prediction")
_HINGE_EMBEDDING_CASES = (
    _UNKNOWN_REDUCTION,
    Case("shapes that don't broadcast", edge="hinge_mismatched", raises="RuntimeError"),
    Case("labels other than +-1", {"reduction": "none"}, edge="other_labels", gradient=True),
    # PyTorch computes integer inputs in their dtype, the margin truncated (a mean of them raises)
    Case("integer inputs: margin truncated", {"margin": 1.5, "reduction": "sum"}, edge="integers"),
    Case("distance at the margin (kink)", {"reduction": "none"}, edge="at_margin", gradient=True),
    Case("(N, 1) beside (N,) broadcasts to (N, N)", {"reduction": "none"}, edge="column_prediction", gradient=True),
    Case("sum over nothing", {"reduction": "sum"}, edge="empty"),
)
_SOFT = ("soft_margin", ("prediction", "target"), "prediction")
_SOFT_CASES = (
    _UNKNOWN_REDUCTION,
    Case("target that doesn't broadcast to the input", edge="column_scores", raises="RuntimeError"),
    Case("overflow to inf", {"reduction": "none"}, edge="overflow"),
    Case("overflow to inf, mean", edge="overflow"),
    Case("(C,) target broadcasts", {"reduction": "none"}, edge="row_target", gradient=True),
    Case("sum over nothing", {"reduction": "sum"}, edge="empty"),
)
_MULTILABEL_SOFT = ("binary_logits", ("logits", "target"), "logits")
_MULTILABEL_SOFT_CASES = (
    Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
    Case("huge logits", {"reduction": "none", "weight": Arg("class_weight")}, edge="huge", gradient=True),
    Case("soft targets", {"reduction": "none"}, edge="soft", gradient=True),
    Case("sum over nothing", {"reduction": "sum"}, edge="empty"),
)
_MULTI_MARGIN = ("multi_margin", ("prediction", "target"), "prediction")
_MULTI_MARGIN_OPTIONS = _REDUCTIONS + (
    {"p": 2}, {"margin": 0.5, "reduction": "none"}, {"weight": Arg("class_weight")},
    {"p": 2, "margin": 2.0, "weight": Arg("class_weight"), "reduction": "sum"},
)
_MULTI_MARGIN_CASES = (
    _UNKNOWN_REDUCTION,
    Case("p other than 1 or 2", {"p": 3}, raises="ValueError"),
    Case("2-D weight", {"weight": Arg("matrix_weight")}, raises="ValueError"),
    Case("class index C", edge="index_too_large", raises="RuntimeError"),
    Case("class index -1", edge="negative_index", raises="RuntimeError"),
    Case("float target", edge="float_indices", raises="RuntimeError"),
    Case("target of another size", edge="short_target", raises="RuntimeError"),
    Case("score at the margin (kink)", {"reduction": "none"}, edge="class_kink", gradient=True),
    Case("score at the margin, p=2, weighted", {"p": 2, "weight": Arg("class_weight")}, edge="class_kink",
         gradient=True),
    Case("one sample, (1,) target", {"reduction": "none"}, edge="one_sample", gradient=True),
    Case("one sample, 0-d target", {"reduction": "none"}, edge="scalar_index", gradient=True),
    Case("empty batch, unreduced", {"reduction": "none"}, edge="empty"),
)
_MULTILABEL = ("multilabel_margin", ("prediction", "target"), "prediction")
_MULTILABEL_CASES = (
    _UNKNOWN_REDUCTION,
    Case("class index C after the padding", edge="out_of_range_after_padding", raises="RuntimeError"),
    Case("class index -2", edge="below_minus_one", raises="RuntimeError"),
    Case("float target", edge="float_labels", raises="RuntimeError"),
    Case("target of another shape", edge="narrow_target", raises="RuntimeError"),
    Case("scores at the margin (kink)", {"reduction": "none"}, edge="label_kink", gradient=True),
    Case("one sample: 0-d even unreduced", {"reduction": "none"}, edge="label_vector", gradient=True),
    Case("empty batch, unreduced", {"reduction": "none"}, edge="empty"),
)
_COSINE = ("cosine_pair", ("input1", "input2", "target"), "input1")
_COSINE_CASES = (
    _UNKNOWN_REDUCTION,
    Case("2-D target", edge="column_labels", raises="RuntimeError"),
    Case("1-D target with 1-D inputs", edge="vectors_with_batch_target", raises="RuntimeError"),
    Case("zero vectors (huge, finite gradient)", {"reduction": "none"}, edge="zero_vectors", gradient=True),
    Case("cos = margin (kink)", {"reduction": "none"}, edge="orthogonal", gradient=True),
    Case("labels other than +-1 count 0", {"reduction": "none"}, edge="cosine_other_labels", gradient=True),
    Case("one pair, 0-d target", edge="single_pair", gradient=True),
    Case("sum over nothing", {"reduction": "sum"}, edge="empty"),
)
_TRIPLET = ("triplet", ("anchor", "positive", "negative"), "anchor")
_TRIPLET_OPTIONS = _REDUCTIONS + (
    {"margin": 0.5, "reduction": "none"}, {"p": 1}, {"p": 3.0, "reduction": "none"}, {"p": float("inf")},
    {"p": 0.5, "reduction": "none"},
    {"eps": 0.1, "reduction": "none"}, {"swap": True, "reduction": "none"},
)
_TRIPLET_CASES = (
    _UNKNOWN_REDUCTION,
    Case("margin 0", {"margin": 0.0}, raises="ValueError"),
    Case("negative margin", {"margin": -1.0}, raises="ValueError"),
    Case("inputs of different ranks", edge="triplet_rank_mismatch", raises="RuntimeError"),
    Case("swap at a tie (anchor == positive)", {"swap": True, "reduction": "none"}, edge="anchor_is_positive",
         gradient=True),
    Case("anchor == positive", {"reduction": "none"}, edge="anchor_is_positive", gradient=True),
    Case("one triplet of vectors", edge="single_triplet", gradient=True),
    Case("sum over nothing", {"reduction": "sum"}, edge="empty"),
)
_TRIPLET_DISTANCE_OPTIONS = _REDUCTIONS + (
    {"margin": 0.5, "reduction": "none"}, {"swap": True, "reduction": "none"},
    {"distance_function": l1_distance}, {"distance_function": l1_distance, "swap": True, "reduction": "sum"},
)
_TRIPLET_DISTANCE_CASES = (
    Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),
    Case("margin 0", {"margin": 0.0}, raises="ValueError"),
    Case("inputs of different ranks", edge="triplet_rank_mismatch", raises="RuntimeError"),
    Case("swap at a tie (anchor == positive)", {"swap": True, "reduction": "none"}, edge="anchor_is_positive",
         gradient=True),
    Case("sum over nothing", {"reduction": "sum"}, edge="empty"),
)
_USER_DISTANCE = ("A distance_function given by the user is called with the caller's arrays; the default is "
                  "multiloss.pytorch.functional.pairwise_distance, which runs on every backend.")


def _class_cases(cases):
    """A class's cases: its function's, less the legacy warnings (the class resolves those at construction)."""
    return tuple(c for c in cases if c.warns is None)


_TORCH_ENTRIES = (
    _torch("margin_ranking_loss", *_RANKING, _REDUCTIONS + ({"margin": 0.5}, {"margin": -0.3, "reduction": "none"})
           + _LEGACY, _RANKING_CASES + _LEGACY_CASES),
    _torch("hinge_embedding_loss", *_HINGE_EMBEDDING, _REDUCTIONS + ({"margin": 2.0}, {"margin": 0.5,
           "reduction": "none"}) + _LEGACY, _HINGE_EMBEDDING_CASES + _LEGACY_CASES),
    _torch("soft_margin_loss", *_SOFT, _REDUCTIONS + _LEGACY, _SOFT_CASES + _LEGACY_CASES, _SOFT_MARGIN),
    _torch("multilabel_soft_margin_loss", *_MULTILABEL_SOFT,
           _REDUCTIONS + ({"weight": Arg("class_weight")}, {"weight": Arg("class_weight"), "reduction": "none"},
                          {"weight": Arg("weight"), "reduction": "sum"}) + _LEGACY,
           _MULTILABEL_SOFT_CASES + _LEGACY_CASES),
    _torch("multi_margin_loss", *_MULTI_MARGIN, _MULTI_MARGIN_OPTIONS + _LEGACY,
           _MULTI_MARGIN_CASES + _LEGACY_CASES, _EMPTY_BATCH + " " + _CLASS_RANGE, original_defines_empty=False),
    _torch("multilabel_margin_loss", *_MULTILABEL, _REDUCTIONS + _LEGACY, _MULTILABEL_CASES + _LEGACY_CASES,
           _EMPTY_BATCH + " " + _CLASS_RANGE, original_defines_empty=False),
    _torch("cosine_embedding_loss", *_COSINE, _REDUCTIONS + ({"margin": 0.3}, {"margin": -0.5, "reduction": "none"})
           + _LEGACY, _COSINE_CASES + _LEGACY_CASES),
    _torch("pairwise_distance", "triplet", ("anchor", "positive"), "anchor",
           ({}, {"p": 1.0}, {"p": float("inf")}, {"p": 3.0, "eps": 0.0}, {"keepdim": True}),
           (Case("identical vectors", edge="anchor_is_positive", gradient=True),
            Case("vectors", edge="single_triplet", gradient=True))),
    _torch("PairwiseDistance", "triplet", ("anchor", "positive"), "anchor",
           ({}, {"p": 1.0}, {"keepdim": True}), (Case("identical vectors", edge="anchor_is_positive", gradient=True),),
           style="class"),
    _torch("triplet_margin_loss", *_TRIPLET, _TRIPLET_OPTIONS + _LEGACY, _TRIPLET_CASES + _LEGACY_CASES),
    _torch("triplet_margin_with_distance_loss", *_TRIPLET, _TRIPLET_DISTANCE_OPTIONS, _TRIPLET_DISTANCE_CASES,
           _USER_DISTANCE),
    _torch("MarginRankingLoss", *_RANKING, _REDUCTIONS + ({"margin": 0.5},) + _LEGACY,
           _class_cases(_RANKING_CASES), style="class"),
    _torch("HingeEmbeddingLoss", *_HINGE_EMBEDDING, _REDUCTIONS + ({"margin": 2.0},) + _LEGACY,
           _class_cases(_HINGE_EMBEDDING_CASES), style="class"),
    _torch("SoftMarginLoss", *_SOFT, _REDUCTIONS + _LEGACY, _class_cases(_SOFT_CASES), _SOFT_MARGIN, style="class"),
    _torch("MultiLabelSoftMarginLoss", *_MULTILABEL_SOFT,
           _REDUCTIONS + ({"weight": Arg("class_weight")},) + _LEGACY, _class_cases(_MULTILABEL_SOFT_CASES),
           style="class"),
    _torch("MultiMarginLoss", *_MULTI_MARGIN, _MULTI_MARGIN_OPTIONS + _LEGACY,
           _class_cases(_MULTI_MARGIN_CASES), _EMPTY_BATCH + " " + _CLASS_RANGE, style="class", original_defines_empty=False),
    _torch("MultiLabelMarginLoss", *_MULTILABEL, _REDUCTIONS + _LEGACY, _class_cases(_MULTILABEL_CASES),
           _EMPTY_BATCH + " " + _CLASS_RANGE, style="class", original_defines_empty=False),
    _torch("CosineEmbeddingLoss", *_COSINE, _REDUCTIONS + ({"margin": 0.3},) + _LEGACY,
           _class_cases(_COSINE_CASES), style="class"),
    _torch("TripletMarginLoss", *_TRIPLET, _TRIPLET_OPTIONS + _LEGACY, _class_cases(_TRIPLET_CASES), style="class"),
    _torch("TripletMarginWithDistanceLoss", *_TRIPLET, _TRIPLET_DISTANCE_OPTIONS,
           _class_cases(_TRIPLET_DISTANCE_CASES), _USER_DISTANCE, style="class"),
)


# -- Keras ---------------------------------------------------------------------------------

_HINGE_CASES = (
    Case("labels -1 and 1 (not converted)", edge="signed_labels", gradient=True),
    Case("labels -1, 0 and 1 (none converted)", edge="mixed_labels", gradient=True),
    Case("y p = 1 (kink: the gradient passes)", edge="margin_kink", gradient=True),
    Case("(N, 1) inputs", edge="hinge_column", gradient=True),
)
_CATEGORICAL_HINGE_CASES = (
    Case("tied maxima share the gradient", edge="tied_scores", gradient=True),
    Case("neg - pos + 1 = 0 (kink)", edge="categorical_kink", gradient=True),
)
_COSINE_SIMILARITY_CASES = (
    Case("a zero vector and one of norm 1e-9", edge="tiny_vectors"),
    Case("unit vectors", edge="unit_vectors", gradient=True),
)
_CIRCLE_OPTIONS = (
    {},
    {"ref_labels": Arg("ref_labels"), "ref_embeddings": Arg("ref_embeddings")},
    {"remove_diagonal": False},
    {"gamma": 10.0, "margin": 0.25},
    {"ref_labels": Arg("ref_labels"), "ref_embeddings": Arg("ref_embeddings"), "remove_diagonal": False},
)
_CIRCLE_CASES = (
    Case("rows without positives give 0", edge="no_positives", gradient=True),
    Case("some rows without positives", edge="lonely_rows", gradient=True),
    Case("embeddings not normalised", edge="unnormalised", gradient=True),
)
_COSINE_SIMILARITY_DIFFERENCES = (
    "Keras' NumPy backend normalises through np.linalg.norm with a zero norm replaced by 1; the reference is "
    "Keras on TensorFlow, which multiplies by min(1 / norm, 1e7), so a vector of norm below 1e-7 is not "
    "brought to unit length. multiloss does that on every backend.")
_CATEGORICAL_HINGE_DIFFERENCES = (
    "An empty batch gives an empty result; Keras on TensorFlow raises InvalidArgumentError there (its max "
    "refuses an empty tensor).")
_CIRCLE_CLASS_OPTIONS = ({"gamma": 10.0, "margin": 0.25}, {"remove_diagonal": False, "reduction": "sum"})
_CIRCLE_DIFFERENCES = ("The similarities are one matrix product, as in Keras, so float32 results agree with Keras "
                       "to the rounding of the product's summation order. A row without positives (or negatives) "
                       "has a zero gradient in forward mode too: Keras 3.15.1 on JAX gives NaN under jax.jacfwd "
                       "there (the tangent of the log-sum-exp of -inf alone is 0 / 0); multiloss gives Keras on "
                       "TensorFlow's zero on every backend.")


def _keras(name, inputs, options=({},), cases=(), differences="", style="function", **extra):
    classes = style == "class"
    return Entry(path=f"multiloss.keras.{name}", original=f"keras.losses.{name}", inputs=inputs,
                 call=("target", "prediction"), grad="prediction",
                 options=(KERAS_CLASS_OPTIONS if classes else ()) + options, style=style,
                 call_keywords=("sample_weight",) if classes else (),
                 cases=cases + (KERAS_CLASS_CASES if classes else ()), differences=differences, **extra)


_KERAS_ENTRIES = (
    _keras("hinge", "hinge_labels", cases=_HINGE_CASES),
    _keras("squared_hinge", "hinge_labels", cases=_HINGE_CASES),
    _keras("categorical_hinge", "one_hot_scores", cases=_CATEGORICAL_HINGE_CASES,
           differences=_CATEGORICAL_HINGE_DIFFERENCES, original_defines_empty=False),
    _keras("cosine_similarity", "embedding_pair", ({}, {"axis": 0}), _COSINE_SIMILARITY_CASES,
           _COSINE_SIMILARITY_DIFFERENCES),
    _keras("circle", "circle", _CIRCLE_OPTIONS, _CIRCLE_CASES, _CIRCLE_DIFFERENCES),
    _keras("Hinge", "hinge_labels", cases=_HINGE_CASES[:1] + _HINGE_CASES[2:3], style="class"),
    _keras("SquaredHinge", "hinge_labels", cases=_HINGE_CASES[:1], style="class"),
    _keras("CategoricalHinge", "one_hot_scores", cases=_CATEGORICAL_HINGE_CASES,
           differences=_CATEGORICAL_HINGE_DIFFERENCES, style="class", original_defines_empty=False),
    _keras("CosineSimilarity", "embedding_pair", ({"axis": 0, "reduction": "sum"},), _COSINE_SIMILARITY_CASES,
           _COSINE_SIMILARITY_DIFFERENCES, style="class"),
    _keras("Circle", "circle", _CIRCLE_CLASS_OPTIONS, _CIRCLE_CASES, _CIRCLE_DIFFERENCES, style="class"),
)

# -- TF v1 ---------------------------------------------------------------------------------

_TF_DIFFERENCES = ("Computed in float32 whatever the input dtype, as TensorFlow does; TF's graph collections "
                   "(scope, loss_collection) are accepted and ignored.")
_TF_CASES = (
    Case("unknown reduction", {"reduction": "mean"}, raises="ValueError"),
    Case("weights that don't broadcast", {"weights": Arg("sample_weight")}, raises="ValueError"),
    Case("all-zero weights", {"weights": Arg("zero_weight")}),
    Case("empty batch, sum", {"reduction": "weighted_sum"}, edge="empty"),
)


def _tf(name, inputs, options, cases, differences=_TF_DIFFERENCES):
    return Entry(path=f"multiloss.tf.losses.{name}", original=f"tensorflow.compat.v1.losses.{name}", inputs=inputs,
                 call=("target", "prediction"), grad="prediction", options=options, cases=cases,
                 differences=differences, precision="float32")


_TF_ENTRIES = (
    _tf("hinge_loss", "hinge_labels", TF_V1_OPTIONS, _TF_CASES + (
        Case("incompatible shapes", edge="hinge_labels_mismatched", raises="ValueError"),
        Case("labels -1 map to -3", {"reduction": "none"}, edge="signed_labels", gradient=True),
        Case("kink: the gradient is 0", {"reduction": "none"}, edge="margin_kink", gradient=True),
    )),
    _tf("cosine_distance", "embedding_pair",
        tuple({"axis": 1, **o} for o in TF_V1_OPTIONS) + ({"dim": 1}, {"axis": 0, "reduction": "none"}),
        _TF_CASES[:1] + _TF_CASES[2:] + (
            Case("(N,) weights against the kept axis", {"weights": Arg("sample_weight")}, raises="ValueError"),
            Case("no axis", {"axis": None}, raises="ValueError"),
            Case("both axis and dim", {"dim": 1}, raises="ValueError"),
            Case("incompatible shapes", edge="embedding_mismatched", raises="ValueError"),
            Case("unit vectors", {"reduction": "none"}, edge="unit_vectors", gradient=True),
        )),
    _tf("mean_pairwise_squared_error", "regression",
        ({}, {"weights": Arg("weight")}, {"weights": Arg("row_weight")}, {"weights": 2.5}, {"weights": 0.0}),
        (Case("all-zero weights", {"weights": Arg("zero_weight")}),
         Case("(N,) weights against (N, D)", {"weights": Arg("sample_weight")}, raises="ValueError"),
         Case("incompatible shapes", edge="mismatched", raises="ValueError"),
         Case("zero residual", edge="zero_residual", gradient=True),
         Case("zero residual, per-row weights", {"weights": Arg("weight")}, edge="zero_residual", gradient=True)),
        "A 0-d weights array counts the whole batch in eager mode, as TensorFlow does eagerly (in a TF graph "
        "TensorFlow counts each sample). " + _TF_DIFFERENCES),
)

ENTRIES = _TORCH_ENTRIES + _KERAS_ENTRIES + _TF_ENTRIES
