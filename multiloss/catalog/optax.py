"""Catalog rows: ``optax.losses``, whose original is optax itself (it runs on JAX).

The suite compares every backend with optax's values and gradients on the same inputs,
float32 runs with JAX's default dtypes (``jax_enable_x64`` off), float64 runs with x64 on.
"""

from .._dispatch import namespace_of
from . import Arg, Case, Entry


def _optax(name, inputs, call, grad, options=({},), cases=(), differences=""):
    return Entry(
        path=f"multiloss.optax.{name}",
        original=f"optax.losses.{name}",
        inputs=inputs,
        call=call,
        grad=grad,
        options=options,
        cases=tuple(cases),
        differences=differences,
    )


_REGRESSION = ("prediction", "target")
_EQUAL_SHAPES = (
    Case("shapes must be equal", edge="column_target", raises="ValueError"),
    Case("zero residual", edge="zero_residual", gradient=True),
)
_BROADCAST = (
    Case("target broadcast", edge="column_target", gradient=True),
    Case("zero residual", edge="zero_residual", gradient=True),
)
_COSINE_OPTIONS = (
    {},
    {"epsilon": 1e-3},
    {"axis": 0},
    {"axis": (0, 1)},
    {"axis": None},
    {"where": Arg("where")},
    {"where": Arg("where"), "epsilon": 0.5},
)
_COSINE_CASES = (
    Case("zero vector: NaN", edge="zero_vector"),
    Case("zero vector with epsilon", {"epsilon": 1e-6}, edge="zero_vector", gradient=True),
    Case("parallel vectors", edge="parallel", gradient=True),
)

_CLASSES = ("logits", "labels")
_SOFTMAX_CASES = (
    Case("-inf logit with a zero label: NaN", edge="neg_inf_logit"),
    Case("a row masked out", {"where": Arg("where")}, edge="masked_row"),
    Case("one-hot labels", edge="one_hot_labels", gradient=True),
    Case("classes last of three axes", edge="spatial", gradient=True),
    Case("classes last of three axes, masked", {"where": Arg("where")}, edge="spatial", gradient=True),
    Case("axis out of range", {"axis": 2}, raises="ValueError"),
)
_INDEX_CASES = (
    Case("labels counted from the end", edge="negative_index", gradient=True),
    Case("labels out of range: NaN", edge="out_of_range"),
    Case("a row masked out: 0", {"where": Arg("where")}, edge="masked_row"),
    Case("a row masked out, row mask: 0", {"where": Arg("row_where")}, edge="masked_row"),
    Case("int32 labels", edge="int32_labels", gradient=True),
    Case("float labels", edge="float_labels", raises="TypeError"),
    Case("classes last of three axes", edge="spatial", gradient=True),
    Case("classes last of three axes, row mask", {"where": Arg("row_where")}, edge="spatial", gradient=True),
    Case("two class axes merged", {"axis": (1, 2)}, edge="spatial_flat", gradient=True),
    Case("axis out of range", {"axis": 2}, raises="ValueError"),
    Case("axis of another type", {"axis": "last"}, raises="ValueError"),
)
_MULTICLASS_CASES = (
    Case("tied maxima", edge="tied_scores", gradient=True),
    Case("labels out of range: a zero one-hot", edge="out_of_range", gradient=True),
    Case("negative labels: a zero one-hot", edge="negative_index"),
    Case("int32 labels", edge="int32_labels"),
)
_ONE_HOT_DTYPE = ("optax builds the one-hot labels in JAX's default float dtype (float32, or float64 under "
                  "jax_enable_x64): float16 and bfloat16 scores give float32 losses, and integer scores give "
                  "float64 (optax's dtype under x64, the only setting where JAX keeps int64). multiloss does the "
                  "same on every backend.")

_KL = ("log_predictions", "targets")
_KL_OPTIONS = ({}, {"where": Arg("where")}, {"axis": 0}, {"axis": None})
_KL_CASES = (
    Case("-inf log-prediction", edge="neg_inf_prediction"),
    Case("negative target: NaN", edge="negative_target"),
)

ENTRIES = (
    # -- regression
    _optax("squared_error", "regression", _REGRESSION, "prediction", cases=_EQUAL_SHAPES),
    _optax("l2_loss", "regression", _REGRESSION, "prediction", cases=_EQUAL_SHAPES),
    _optax("huber_loss", "regression", _REGRESSION, "prediction",
           options=({}, {"delta": 0.5}, {"delta": 2}),
           cases=_BROADCAST + (Case("residuals at delta", edge="unit_residual", gradient=True),)),
    _optax("log_cosh", "regression", _REGRESSION, "prediction", cases=_BROADCAST),
    _optax("cosine_similarity", "optax_vectors", _REGRESSION, "prediction", _COSINE_OPTIONS, _COSINE_CASES),
    _optax("cosine_distance", "optax_vectors", _REGRESSION, "prediction", _COSINE_OPTIONS, _COSINE_CASES),
    # -- softmax
    _optax("softmax_cross_entropy", "optax_classes", _CLASSES, "logits",
           ({}, {"where": Arg("where")}, {"where": Arg("row_where")}, {"axis": 0}), _SOFTMAX_CASES),
    _optax("softmax_cross_entropy_with_integer_labels", "optax_classes", ("logits", "indices"), "logits",
           ({}, {"where": Arg("where")}, {"where": Arg("row_where")}), _INDEX_CASES,
           differences="Labels are not range-checked, as in optax: a label in [-C, 0) counts from the end, "
                       "one outside [-C, C) gives NaN (JAX's indexing rules, on every backend)."),
    _optax("safe_softmax_cross_entropy", "optax_classes", _CLASSES, "logits",
           cases=(Case("-inf logit with a zero label: finite", edge="neg_inf_logit", gradient=True),
                  Case("one-hot labels", edge="one_hot_labels", gradient=True))),
    _optax("poly_loss_cross_entropy", "optax_classes", _CLASSES, "logits",
           ({}, {"epsilon": 0.5}, {"where": Arg("where")}, {"axis": 0}),
           (Case("one-hot labels", edge="one_hot_labels", gradient=True),
            Case("a row masked out", {"where": Arg("where")}, edge="masked_row"))),
    # -- sigmoid and margins
    _optax("sigmoid_binary_cross_entropy", "optax_binary", _CLASSES, "logits",
           cases=(Case("infinite logits", edge="infinite"),)),
    _optax("sigmoid_focal_loss", "optax_binary", _CLASSES, "logits",
           ({}, {"alpha": 0.25}, {"gamma": 0.0}, {"alpha": 0.7, "gamma": 1.5}),
           (Case("infinite logits", edge="infinite"),)),
    _optax("hinge_loss", "optax_binary", ("logits", "signs"), "logits",
           cases=(Case("at the margin", edge="at_margin", gradient=True),
                  Case("targets broadcast", edge="column_signs", gradient=True))),
    _optax("perceptron_loss", "optax_binary", ("logits", "signs"), "logits",
           cases=(Case("at the margin", edge="at_margin", gradient=True),
                  Case("shapes must be equal", edge="column_signs", raises="ValueError"))),
    _optax("multiclass_hinge_loss", "optax_classes", ("logits", "indices"), "logits",
           cases=_MULTICLASS_CASES, differences=_ONE_HOT_DTYPE),
    _optax("multiclass_perceptron_loss", "optax_classes", ("logits", "indices"), "logits",
           cases=_MULTICLASS_CASES, differences=_ONE_HOT_DTYPE),
    # -- Kullback-Leibler
    _optax("kl_divergence", "optax_distributions", _KL, "log_predictions", _KL_OPTIONS, _KL_CASES),
    _optax("kl_divergence_with_log_targets", "optax_distributions", ("log_predictions", "log_targets"),
           "log_predictions", _KL_OPTIONS),
    _optax("generalized_kl_divergence", "optax_distributions", ("log_predictions", "measures"),
           "log_predictions", _KL_OPTIONS, _KL_CASES),
    _optax("convex_kl_divergence", "optax_distributions", ("log_predictions", "measures"), "log_predictions",
           _KL_OPTIONS, (Case("deprecated", warns="DeprecationWarning"),),
           differences="The DeprecationWarning comes in eager mode only: jax.jit, tf.function and torch.compile "
                       "trace no warnings.warn (optax warns while JAX traces)."),
    # -- label smoothing
    _optax("smooth_labels", "optax_classes", ("labels",), "labels",
           ({"alpha": 0.1}, {"alpha": 0.2, "axis": 0}, {"alpha": 0.1, "where": Arg("where")},
            {"alpha": 0.3, "axis": None})),
)


def logsumexp_max(scores):
    """A ``max_fun`` for ``make_fenchel_young_loss`` written once with multiloss' namespace: the
    log-sum-exp over the last axis (so the loss is the softmax cross-entropy). It serves a single
    vector (optax's call under ``jnp.vectorize``) and a whole batch (multiloss' call elsewhere) alike.
    Integer scores become floats as ``jax.nn.logsumexp`` makes them (int32 to float32, int64 to float64)."""
    xp = namespace_of(scores)
    if not xp.isdtype(scores.dtype, "real floating"):
        scores = xp.astype(scores, xp.float64 if scores.dtype == xp.int64 else xp.float32)
    return xp.logsumexp(scores, axis=-1)


_DICE = ("predictions", "targets")
_DICE_CASES = (
    Case("a class absent from the targets", edge="absent_class", gradient=True),
    Case("no spatial axis", edge="flat", gradient=True),
)

ENTRIES += (
    # -- sparsemax and Fenchel-Young
    _optax("sparsemax_loss", "optax_binary", _CLASSES, "logits",
           cases=(Case("at the kinks", edge="at_margin", gradient=True),
                  Case("infinite logits", edge="infinite"))),
    _optax("multiclass_sparsemax_loss", "optax_classes", ("logits", "indices"), "logits",
           cases=(Case("tied scores", edge="tied_scores", gradient=True),
                  Case("confident scores", edge="confident", gradient=True),
                  Case("labels counted from the end", edge="negative_index", gradient=True)),
           differences="Labels must lie in [-C, C) (a negative one counts from the end). Half-precision "
                       "scores give a float32 loss, as in optax."),
    Entry(
        path="multiloss.optax.make_fenchel_young_loss",
        original="optax.losses.make_fenchel_young_loss",
        inputs="optax_classes",
        call=_CLASSES,
        grad="logits",
        options=({"max_fun": logsumexp_max},),
        style="class",
        cases=(Case("one-hot targets", edge="one_hot_labels", gradient=True),),
        differences="On JAX arrays max_fun is mapped over the leading axes with jnp.vectorize and differentiated "
                    "by JAX, as in optax. On NumPy, PyTorch and TensorFlow arrays it is called once on the whole "
                    "array and must reduce the last axis (write it with multiloss.namespace_of, as this row's "
                    "logsumexp_max is); a max_fun that returns another shape raises ValueError.",
    ),
    # -- ranking
    _optax("ranking_softmax_loss", "optax_ranking", _CLASSES, "logits",
           ({}, {"where": Arg("where")}, {"weights": Arg("weights")}, {"reduce_fn": None},
            {"reduce_fn": None, "where": Arg("where")}),
           (Case("a list masked out", {"where": Arg("where")}, edge="masked_list", gradient=True),
            Case("every item masked out: 0", {"where": Arg("where")}, edge="all_masked"),
            Case("every item masked out, per list", {"where": Arg("where"), "reduce_fn": None}, edge="all_masked"),
            Case("a list of irrelevant items", edge="irrelevant_list", gradient=True)),
           differences="The default reduce_fn, optax's jnp.mean, is a mean of multiloss' own that does the same "
                       "on the caller's backend without importing JAX (jnp.mean itself is recognised too): a mean "
                       "over no list is 0."),
    # -- self-supervised
    _optax("ntxent", "optax_embeddings", ("embeddings", "labels"), "embeddings",
           ({}, {"temperature": 0.5}),
           (Case("groups of 1, 3 and 4", edge="groups", gradient=True),
            Case("no positive pair: NaN", edge="no_positive"),
            Case("labels of another length", edge="wrong_labels", raises="ValueError")),
           differences="The similarities are one matrix product (N**2 values, where optax's broadcast product "
                       "holds N**2 D), equal to optax's within rounding."),
    _optax("triplet_margin_loss", "triplet", ("anchor", "positive", "negative"), "anchor",
           ({}, {"norm_degree": 1}, {"margin": 0.5, "eps": 1e-3}, {"axis": 0}),
           (Case("positive equal to the anchor", edge="anchor_is_positive", gradient=True),),
           differences="As in optax, eps sits inside the root and no absolute value is taken: an odd norm_degree "
                       "sums signed differences (PyTorch's triplet_margin_loss differs there)."),
    # -- segmentation
    _optax("dice_loss", "optax_segmentation", _DICE, "predictions",
           ({}, {"reduction": "sum"}, {"reduction": "none"}, {"alpha": 0.3, "beta": 0.7, "smooth": 0.5},
            {"class_weights": Arg("class_weights")}, {"ignore_background": True}, {"axis": (1,)}),
           _DICE_CASES + (
               Case("probabilities", {"apply_softmax": False}, edge="as_probabilities", gradient=True),
               Case("probabilities that don't sum to 1", {"apply_softmax": False}, edge="not_distributions",
                    raises="ValueError"),
               Case("unknown reduction", {"reduction": "avg"}, raises="ValueError")),
           differences="The check that predictions sum to 1 with apply_softmax=False reads values: it runs in eager "
                       "mode (optax's own fails under jax.jit)."),
    _optax("binary_dice_loss", "optax_segmentation", ("binary_predictions", "binary_targets"), "binary_predictions",
           ({}, {"smooth": 0.5}), (Case("no spatial axis", edge="flat", gradient=True),)),
    Entry(
        path="multiloss.optax.multiclass_generalized_dice_loss",
        original="optax.losses.multiclass_generalized_dice_loss",
        inputs="optax_segmentation",
        call=_DICE,
        grad="predictions",
        options=({}, {"ignore_background": True}, {"smooth": 0.1}),
        cases=_DICE_CASES,
        precision="float32",
        differences="optax's loss of int32 inputs (under jax_enable_x64) is float64 with float32 rounding: the "
                    "softmax of int32 is float32, the class weights float64. multiloss gives the same dtypes, "
                    "and the row is compared at float32's tolerance, as the frameworks' float32 softmaxes "
                    "round differently.",
    ),
)
