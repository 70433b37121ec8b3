"""``keras.losses`` categorical losses: softmax crossentropy (dense and sparse), focal and generalized CE.

Semantics are those of Keras 3 on the TensorFlow backend, on every backend:
probabilities are renormalised per row, then clipped to ``[1e-7, 1 - 1e-7]``
(sparse: clipped, then normalised, as TF does); ``from_logits`` uses a
log-softmax with TensorFlow's gradient. Keras' TF shortcut that reads the
logits back from a tensor produced by ``keras.activations.softmax``
(``_keras_logits``) does not apply: multiloss always uses the values it is given.
"""

from __future__ import annotations

from .._checks import warn
from .._dispatch import namespace_of
from .._reduction import squeeze_or_expand_to_same_rank
from ..losses import categorical
from ..tf._common import shape_text
from ..tf._softmax import as_indices, label_range_check
from ._common import (
    EPSILON,
    LossFunctionWrapper,
    as_array,
    integers_as_floatx,
    refuse_integer_y_pred,
)


def _check_axis(axis):
    if isinstance(axis, bool):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis} of type {type(axis)}")


def _prologue(y_true, y_pred):
    """``y_pred = convert_to_tensor(y_pred)``; ``y_true = cast(y_true, y_pred.dtype)``."""
    xp = namespace_of(y_true, y_pred)
    y_pred = as_array(xp, y_pred)
    return xp, as_array(xp, y_true, y_pred.dtype), y_pred


def _refuse_integers(fn, y_pred, from_logits):
    """An integer y_pred fails in the softmax kernel (logits), or, as probabilities, where the
    float64 quotient ``y_pred / sum(y_pred)`` meets the integer labels."""
    if from_logits:
        refuse_integer_y_pred(fn, y_pred, kernel="Softmax")
    refuse_integer_y_pred(fn, y_pred, mixed_with="double")


def _warn_single_class(y_pred, fn_name):
    if y_pred.shape[-1] == 1:
        warn(
            f"In loss {fn_name}, expected y_pred.shape to be (batch_size, num_classes) with num_classes > 1. "
            f"Received: y_pred.shape={shape_text(y_pred.shape)}. "
            "Consider using 'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            3,
        )


def _smooth(xp, y_true, label_smoothing):
    # Keras takes the class count from y_true's last axis, whatever ``axis`` is.
    if label_smoothing:
        return categorical.smooth_labels(xp, y_true, label_smoothing, y_true.shape[-1])
    return y_true


def _check_same_shape(target, output):
    if len(target.shape) < 1:
        raise ValueError(
            "Arguments `target` and `output` must be at least rank 1. "
            f"Received: target.shape={shape_text(target.shape)}, output.shape={shape_text(output.shape)}"
        )
    same_rank = len(target.shape) == len(output.shape)
    if not same_rank or any(a is not None and b is not None and a != b for a, b in zip(target.shape, output.shape)):
        what = "have the same shape" if same_rank else "have the same rank (ndim)"
        raise ValueError(
            f"Arguments `target` and `output` must {what}. Received: "
            f"target.shape={shape_text(target.shape)}, output.shape={shape_text(output.shape)}"
        )


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    """``keras.losses.categorical_crossentropy``: ``-sum(y_true * log(p), axis)``.

    ``p`` is ``softmax(y_pred)`` when ``from_logits`` (TensorFlow's gradient,
    ``softmax - y_true``), else ``clip(y_pred / sum(y_pred, axis), 1e-7, 1 - 1e-7)``.
    Labels are smoothed toward ``1/C`` with ``C = y_true.shape[-1]``; Keras
    does not check ``label_smoothing``. Shapes must be equal (ValueError).
    A single class warns (SyntaxWarning), as Keras does.
    """
    _check_axis(axis)
    xp, y_true, y_pred = _prologue(y_true, y_pred)
    _refuse_integers("categorical_crossentropy", y_pred, from_logits)
    _warn_single_class(y_pred, "categorical_crossentropy")
    y_true = _smooth(xp, y_true, label_smoothing)
    _check_same_shape(y_true, y_pred)
    if from_logits:
        return categorical.softmax_cross_entropy_unit_mass(xp, y_pred, y_true, axis)
    return categorical.probability_cross_entropy(xp, y_pred, y_true, axis, EPSILON)


def categorical_focal_crossentropy(y_true, y_pred, alpha=0.25, gamma=2.0, from_logits=False,
                                   label_smoothing=0.0, axis=-1):
    """``keras.losses.categorical_focal_crossentropy``:
    ``sum(alpha * (1 - p)**gamma * -y_true * log(p), axis)``.

    ``p = clip(q / sum(q, axis), 1e-7, 1 - 1e-7)`` with ``q = softmax(y_pred)``
    when ``from_logits``, else ``y_pred``. ``alpha``: a scalar or one value
    per class (broadcast against the last axis). Labels smoothed as in
    :func:`categorical_crossentropy`.
    """
    _check_axis(axis)
    xp, y_true, y_pred = _prologue(y_true, y_pred)
    _refuse_integers("categorical_focal_crossentropy", y_pred, from_logits)
    _warn_single_class(y_pred, "categorical_focal_crossentropy")
    y_true = _smooth(xp, y_true, label_smoothing)
    if from_logits:
        y_pred = xp.softmax(y_pred, axis)
    if not isinstance(alpha, int | float):
        alpha = as_array(xp, alpha, y_pred.dtype)
    return categorical.focal_cross_entropy(xp, y_pred, y_true, alpha, gamma, axis, EPSILON)


def _check_sparse_shapes(target, output):
    if len(output.shape) >= 1 and tuple(target.shape) == tuple(output.shape)[:-1]:
        return  # the common call: no dimension to compare one by one
    if len(output.shape) < 1:
        raise ValueError(f"Argument `output` must be at least rank 1. Received: output.shape={shape_text(output.shape)}")
    if len(target.shape) != len(output.shape) - 1:
        raise ValueError(
            "Argument `output` must have rank (ndim) `target.ndim - 1`. Received: "
            f"target.shape={shape_text(target.shape)}, output.shape={shape_text(output.shape)}"
        )
    if any(a is not None and b is not None and a != b for a, b in zip(target.shape, output.shape[:-1])):
        raise ValueError(
            "Arguments `target` and `output` must have the same shape up until the last dimension: "
            f"target.shape={shape_text(target.shape)}, output.shape={shape_text(output.shape)}"
        )


def _sparse(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """The sparse crossentropy and the mask of kept entries (None without ``ignore_class``)."""
    xp = namespace_of(y_true, y_pred)
    y_pred = as_array(xp, y_pred)
    # an integer y_pred fails in the sparse softmax kernel (logits) or at the clip to 1 - 1e-7
    refuse_integer_y_pred("sparse_categorical_crossentropy", y_pred,
                          **({"kernel": "SparseSoftmaxCrossEntropyWithLogits"} if from_logits
                             else {"constant": 1.0 - EPSILON}))
    y_true = as_array(xp, y_true)
    if xp.ndim(y_true) == xp.ndim(y_pred) and y_true.shape[axis] == 1:
        y_true = xp.squeeze(y_true, axis=axis)
    if axis != -1 and axis != xp.ndim(y_pred) - 1:
        raise ValueError(f"Only axis=-1 is currently supported. Received: axis={axis}")
    valid = None
    if ignore_class is not None:
        valid = y_true != ignore_class
        y_true = xp.where(valid, y_true, xp.zeros_like(y_true))
        y_pred = xp.where(xp.expand_dims(valid, axis=-1), y_pred, xp.zeros_like(y_pred))
    labels = as_indices(xp, y_true)
    if xp.ndim(labels) == xp.ndim(y_pred) and labels.shape[-1] == 1:
        labels = xp.squeeze(labels, axis=-1)
    _check_sparse_shapes(labels, y_pred)
    check = label_range_check(xp, y_pred.shape[-1])
    if from_logits:
        result = categorical.sparse_softmax_cross_entropy(xp, y_pred, labels, check)
    else:
        result = categorical.sparse_probability_cross_entropy(xp, y_pred, labels, EPSILON, check)
    if valid is not None:
        if tuple(valid.shape) != tuple(result.shape):  # Keras reshapes the mask to the loss' shape
            valid = xp.reshape(valid, tuple(result.shape))
        result = xp.where(valid, result, xp.zeros_like(result))
    return result, valid


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """``keras.losses.sparse_categorical_crossentropy``: ``-log p[y_true]`` over the last axis.

    As on Keras' TensorFlow backend: ``axis`` must be the last axis
    (ValueError); probabilities are clipped to ``[1e-7, 1 - 1e-7]`` and then
    normalised (the other Keras backends normalise first); float labels are
    truncated to integers; a trailing 1 of ``y_true`` is squeezed; a label
    outside ``[0, C)`` raises InvalidArgumentError in eager mode (skipped
    under jit). ``ignore_class`` entries give 0 (the classes reduce over the
    kept entries only).
    """
    return _sparse(y_true, y_pred, from_logits, ignore_class, axis)[0]


def categorical_generalized_cross_entropy(y_true, y_pred, q):
    """``keras.losses.categorical_generalized_cross_entropy``: ``(1 - p**q) / q`` with
    ``p = sum(y_pred * one_hot(int(y_true)), -1)``.

    No clipping, no normalisation, no range check (an index outside
    ``[0, C)`` gives ``1/q``); ``q`` is not checked here (the class checks it).
    Labels of shape (N, 1) broadcast to an (N, N) result, as in Keras.
    """
    xp = namespace_of(y_true, y_pred)
    y_pred = integers_as_floatx(xp, as_array(xp, y_pred))  # p ** q with a float q: floatx in Keras
    labels = as_indices(xp, as_array(xp, y_true))
    return categorical.generalized_cross_entropy(xp, y_pred, labels, q)


# -- classes ------------------------------------------------------------------------------


class CategoricalCrossentropy(LossFunctionWrapper):
    """``keras.losses.CategoricalCrossentropy(from_logits=False, label_smoothing=0.0, axis=-1,
    reduction='sum_over_batch_size', name='categorical_crossentropy', dtype=None)``."""

    def __init__(self, from_logits=False, label_smoothing=0.0, axis=-1, reduction="sum_over_batch_size",
                 name="categorical_crossentropy", dtype=None):
        super().__init__(categorical_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, label_smoothing=label_smoothing, axis=axis)
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class CategoricalFocalCrossentropy(LossFunctionWrapper):
    """``keras.losses.CategoricalFocalCrossentropy(alpha=0.25, gamma=2.0, from_logits=False,
    label_smoothing=0.0, axis=-1, reduction='sum_over_batch_size',
    name='categorical_focal_crossentropy', dtype=None)``."""

    def __init__(self, alpha=0.25, gamma=2.0, from_logits=False, label_smoothing=0.0, axis=-1,
                 reduction="sum_over_batch_size", name="categorical_focal_crossentropy", dtype=None):
        super().__init__(categorical_focal_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         alpha=alpha, gamma=gamma, from_logits=from_logits,
                         label_smoothing=label_smoothing, axis=axis)
        self.alpha, self.gamma = alpha, gamma
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """``keras.losses.SparseCategoricalCrossentropy(from_logits=False, ignore_class=None,
    reduction='sum_over_batch_size', axis=-1, name='sparse_categorical_crossentropy', dtype=None)``.

    Note that ``reduction`` comes before ``axis``, as in Keras. With
    ``ignore_class`` the means are over the kept entries only, and 0 when
    every entry is ignored.
    """

    def __init__(self, from_logits=False, ignore_class=None, reduction="sum_over_batch_size", axis=-1,
                 name="sparse_categorical_crossentropy", dtype=None):
        super().__init__(sparse_categorical_crossentropy, reduction=reduction, name=name, dtype=dtype,
                         from_logits=from_logits, ignore_class=ignore_class, axis=axis)
        self.from_logits, self.ignore_class, self.axis = from_logits, ignore_class, axis

    def _call_with_mask(self, y_true, y_pred):
        xp = namespace_of(y_true, y_pred)
        y_true, y_pred = squeeze_or_expand_to_same_rank(xp, y_true, y_pred)
        return _sparse(y_true, y_pred, **self._fn_kwargs)


class CategoricalGeneralizedCrossEntropy(LossFunctionWrapper):
    """``keras.losses.CategoricalGeneralizedCrossEntropy(q=0.5, reduction='sum_over_batch_size',
    name='categorical_generalized_cross_entropy', dtype=None)``; ValueError unless ``0 < q < 1``."""

    def __init__(self, q=0.5, reduction="sum_over_batch_size", name="categorical_generalized_cross_entropy",
                 dtype=None):
        if not 0 < q < 1:
            raise ValueError("q must be in the interval (0, 1)")
        super().__init__(categorical_generalized_cross_entropy, reduction=reduction, name=name, dtype=dtype, q=q)
        self.q = q
