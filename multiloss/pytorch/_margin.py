"""``torch.nn.functional`` margin, ranking and embedding losses and their ``torch.nn`` classes.

Shape and dtype checks follow PyTorch 2.14 in its order, with its exception
classes and messages. The range of class indices (``multi_margin_loss``,
``multilabel_margin_loss``) is a value check, run in eager mode on every
backend and skipped under ``jax.jit``, ``tf.function`` and ``torch.compile``.
"""

from __future__ import annotations

from .._dispatch import namespace_of
from .._dtypes import (
    dtype_name,
    is_integer,
    promote_floats,
    torch_float_kernel,
    torch_float_result,
    torch_scalar_name,
)
from .._plan import Plans, kernel_for, one_float_dtype, plain_number
from .._reduction import TORCH_REDUCTIONS
from .._shapes import broadcast_shapes, first_mismatch, numel
from ..losses import margin as margin_math
from ..losses import softmax
from ._common import (
    _Loss,
    _WeightedLoss,
    reduce_torch,
    reduced,
    torch_legacy_reduction,
    torch_reduction,
    torch_size,
)


def _sizes(shape):
    return f"[{', '.join(str(d) for d in shape)}]"


def _check_broadcast(*arrays):
    """PyTorch's RuntimeError when the shapes of elementwise operands don't broadcast."""
    shape = tuple(arrays[0].shape)
    for other in arrays[1:]:
        joint = broadcast_shapes(shape, tuple(other.shape))
        if joint is None:
            da, db, dim = first_mismatch(shape, tuple(other.shape))
            raise RuntimeError(f"The size of tensor a ({da}) must match the size of tensor b ({db}) "
                               f"at non-singleton dimension {dim}")
        shape = joint
    return shape


def _check_long(xp, target):
    """Class indices are int64 (int32 only where the namespace indexes with int32: JAX without x64)."""
    if target.dtype == xp.int64 or (target.dtype == xp.int32 and softmax.index_dtype(xp, target) == xp.int32):
        return
    raise RuntimeError(f"expected scalar type Long but found {torch_scalar_name(target.dtype)}")


def _as_float(xp, target, input):
    """An integer or boolean target takes the input's dtype, as PyTorch's type promotion gives it."""
    return target if xp.isdtype(target.dtype, "real floating") else xp.astype(target, input.dtype)


def _in_dtype_of(xp, target, input):
    """``target`` in ``input``'s dtype: kernels that write into an array of the input's dtype
    (``soft_margin_loss``) round whatever the target's dtype to it."""
    return target if target.dtype == input.dtype else xp.astype(target, input.dtype)


def _check_matrix(xp, input):
    """``(C,)`` or ``(N, C)`` with ``C > 0`` (a 0-d input is one sample of one class)."""
    ndim = xp.ndim(input)
    if not (ndim == 2 and input.shape[1] != 0 or ndim == 1 and input.shape[0] != 0 or ndim == 0):
        raise RuntimeError("Expected non-empty vector or matrix with optional 0-dim batch size, "
                           f"but got: {_sizes(input.shape)}")


def _as_matrix(xp, x):
    """``(C,)`` or ``()`` seen as one sample ``(1, C)``."""
    return x if xp.ndim(x) == 2 else xp.reshape(x, (1, -1))


# -- plans ---------------------------------------------------------------------------------------


def _indices(sig, input_ndim, target_ndim):
    # float32 or float64 scores (torch's CPU margin kernels have no half precision) and int64 indices
    return (sig[2] == input_ndim and sig[5] == target_ndim and dtype_name(sig[4]) == "int64"
            and dtype_name(sig[1]) in ("float32", "float64"))


# name -> (whether a signature and its options are plain, the options' names, one shape for all arrays)
_PLAIN = {
    "soft_margin_loss": (lambda sig: one_float_dtype(sig, 2), (), True),
    "hinge_embedding_loss": (lambda sig, margin: one_float_dtype(sig, 2) and plain_number(margin), ("margin",), True),
    "margin_ranking_loss": (lambda sig, margin: one_float_dtype(sig, 3) and plain_number(margin), ("margin",), True),
    "multilabel_soft_margin_loss": (lambda sig: one_float_dtype(sig, 2) and sig[6] is type(None), (), True),
    "cosine_embedding_loss": (lambda sig, margin: one_float_dtype(sig, 3) and sig[2] == 2 and sig[8] == 1
                              and plain_number(margin), ("margin",), False),
    "triplet_margin_loss": (lambda sig, margin, p, eps, swap: one_float_dtype(sig, 3) and plain_number(margin)
                            and margin > 0 and plain_number(p) and plain_number(eps) and type(swap) is bool,
                            ("margin", "p", "eps", "swap"), True),
    "multi_margin_loss": (lambda sig, p, margin: _indices(sig, 2, 1) and sig[6] is type(None)
                          and type(p) is int and p in (1, 2) and plain_number(margin), ("p", "margin"), False),
    "multilabel_margin_loss": (lambda sig: _indices(sig, 2, 2), (), True),
    # with the default distance only (a caller's function is called as the general path calls it)
    "triplet_margin_with_distance_loss": (lambda sig, margin, swap: one_float_dtype(sig, 3) and plain_number(margin)
                                          and margin > 0 and type(swap) is bool, ("margin", "swap"), True),
    "pairwise_distance": (lambda sig, p, eps, keepdim: one_float_dtype(sig, 2) and sig[2] >= 1 and plain_number(p)
                          and plain_number(eps) and type(keepdim) is bool, ("p", "eps", "keepdim"), True),
}
_UNREDUCED = ("pairwise_distance",)  # a distance per pair: no reduction argument


def _triplet(xp, anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False):
    """The triplet loss of checked arrays of one dtype, per triplet."""
    positive_distance = margin_math.pairwise_distance(xp, anchor, positive, p, eps)
    negative_distance = margin_math.pairwise_distance(xp, anchor, negative, p, eps)
    swap_distance = margin_math.pairwise_distance(xp, positive, negative, p, eps) if swap else None
    return margin_math.triplet_margin(xp, positive_distance, negative_distance, margin, swap_distance)


def _multi_margin_rows(xp, input, target, p=1, margin=1.0):
    # (N, C) scores and (N,) indices, the plan's signature: the sizes are checked per call
    if input.shape[1] == 0 or target.shape[0] != input.shape[0]:
        raise ValueError("inconsistent sizes")  # the plan declines; the general path raises PyTorch's error
    return xp.multi_margin(input, target, p, margin, None)


def _multilabel_margin_rows(xp, input, target):
    # (N, C) scores and indices (one shape, checked by the plan's kernel)
    if input.shape[1] == 0:
        raise ValueError("no classes")  # the plan declines; the general path raises PyTorch's error
    return xp.multilabel_margin(input, target)


# name -> the general path's math once its checks have passed: a NumPy plan (:func:`_plan.math_kernel`)
_MATH = {
    "soft_margin_loss": reduced(margin_math.soft_margin),
    "hinge_embedding_loss": reduced(margin_math.hinge_embedding),
    "margin_ranking_loss": reduced(margin_math.margin_ranking),
    "multilabel_soft_margin_loss": reduced(margin_math.multilabel_soft_margin, weight=None),
    "cosine_embedding_loss": reduced(margin_math.cosine_embedding, axis=1),
    "triplet_margin_loss": reduced(_triplet),
    "multi_margin_loss": reduced(_multi_margin_rows),
    "multilabel_margin_loss": reduced(_multilabel_margin_rows),
    "triplet_margin_with_distance_loss": reduced(_triplet),  # the default distance: pairwise_distance
    "pairwise_distance": margin_math.pairwise_distance,
}


def _decide(name, sig, reduction, *options):
    """For plain arrays (one float dtype, or float scores with int64 indices), no weight, a valid
    reduction and plain options: torch's own function on torch, the math on NumPy."""
    plain, names, same_shape = _PLAIN[name]
    if not plain(sig, *options):
        return None
    options = dict(zip(names, options))
    if name not in _UNREDUCED:
        if reduction not in TORCH_REDUCTIONS:
            return None
        options["reduction"] = reduction
    return kernel_for(name, sig, _MATH[name], same_shape, **options)


_PLANS = Plans(_decide)


# -- pairs and embeddings ------------------------------------------------------------------------


def margin_ranking_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """``torch.nn.functional.margin_ranking_loss``: ``max(0, -y (x1 - x2) + margin)``.

    The three arrays must have the same number of dimensions (RuntimeError) and
    broadcast against each other.
    """
    if size_average is None and reduce is None:
        plan = _PLANS("margin_ranking_loss", input1, input2, target, reduction, margin)
        out = None if plan is None else plan(input1, input2, target)
        if out is not None:
            return out
    reduction = torch_reduction(reduction, size_average, reduce)
    xp = namespace_of(input1, input2, target)
    if not xp.ndim(input1) == xp.ndim(input2) == xp.ndim(target):
        raise RuntimeError(
            "margin_ranking_loss : All input tensors should have same dimension but got sizes: "
            f"input1: {torch_size(input1.shape)}, input2: {torch_size(input2.shape)}, "
            f"target: {torch_size(target.shape)} ")
    _check_broadcast(input1, input2, target)
    # margin is a Python number: integer inputs compute in PyTorch's default dtype
    input1, input2, target = promote_floats(xp, input1, input2, target, integers="float32")
    target = _as_float(xp, target, input1)
    return reduce_torch(xp, margin_math.margin_ranking(xp, input1, input2, target, margin), reduction)


def hinge_embedding_loss(input, target, margin=1.0, size_average=None, reduce=None, reduction="mean"):
    """``torch.nn.functional.hinge_embedding_loss``: ``x`` where ``y = 1``, ``max(0, margin - x)``
    where ``y = -1``, and ``x + max(0, margin - x)`` for any other label.

    ``input`` and ``target`` broadcast to their joint shape: ``(N, 1)`` beside
    ``(N,)`` gives ``(N, N)``, as in PyTorch.
    """
    if size_average is None and reduce is None:
        plan = _PLANS("hinge_embedding_loss", input, target, None, reduction, margin)
        out = None if plan is None else plan(input, target)
        if out is not None:
            return out
    reduction = torch_reduction(reduction, size_average, reduce)
    xp = namespace_of(input, target)
    _check_broadcast(input, target)
    if is_integer(input):  # PyTorch computes in the input's integer dtype, the margin truncated to it
        margin = int(margin)
    return reduce_torch(xp, margin_math.hinge_embedding(xp, input, target, margin), reduction)


def soft_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """``torch.nn.functional.soft_margin_loss``: ``log(1 + exp(-y x))``, computed naively.

    As in PyTorch, ``exp`` overflows for ``-y x`` above about 88 in float32 and
    the loss is then ``inf``. The target must broadcast to the input's shape.
    """
    if size_average is None and reduce is None:
        plan = _PLANS("soft_margin_loss", input, target, None, reduction)
        out = None if plan is None else plan(input, target)
        if out is not None:
            return out
    reduction = torch_reduction(reduction, size_average, reduce)
    xp = namespace_of(input, target)
    shape = _check_broadcast(input, target)
    if shape != tuple(input.shape):
        raise RuntimeError(f"output with shape {_sizes(input.shape)} doesn't match the broadcast shape "
                           f"{_sizes(shape)}")
    torch_float_result("input", input, "float32")  # exp writes into the input's dtype
    return reduce_torch(xp, margin_math.soft_margin(xp, input, _in_dtype_of(xp, target, input)), reduction)


def multilabel_soft_margin_loss(input, target, weight=None, size_average=None, reduce=None, reduction="mean"):
    """``torch.nn.functional.multilabel_soft_margin_loss``: the binary cross-entropy of every class,
    weighted by ``weight`` and averaged over the last axis, one value per sample.

    An unknown reduction raises ``ValueError("<reduction> is not valid")`` after the
    loss is computed, as in PyTorch.
    """
    if size_average is None and reduce is None:
        plan = _PLANS("multilabel_soft_margin_loss", input, target, weight, reduction)
        out = None if plan is None else plan(input, target)
        if out is not None:
            return out
    if size_average is not None or reduce is not None:
        reduction = torch_legacy_reduction(size_average, reduce)
    xp = namespace_of(input, target, weight)
    _check_broadcast(*(a for a in (input, target, weight) if a is not None))
    torch_float_kernel("log_sigmoid", input=input)
    input, target, weight = promote_floats(xp, input, target, weight, integers=True)
    loss = margin_math.multilabel_soft_margin(xp, input, _as_float(xp, target, input), weight)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"{reduction} is not valid")
    return reduce_torch(xp, loss, reduction)


def cosine_embedding_loss(input1, input2, target, margin=0, size_average=None, reduce=None, reduction="mean"):
    """``torch.nn.functional.cosine_embedding_loss``: ``1 - cos(x1, x2)`` where ``y = 1``,
    ``max(0, cos(x1, x2) - margin)`` where ``y = -1``, 0 for other labels.

    ``(N, D)`` inputs with an ``(N,)`` target, or ``(D,)`` inputs with a 0-d target.
    1e-12 is added to each squared norm, so zero vectors give a huge but finite gradient.
    """
    if size_average is None and reduce is None:
        plan = _PLANS("cosine_embedding_loss", input1, input2, target, reduction, margin)
        out = None if plan is None else plan(input1, input2, target)
        if out is not None:
            return out
    reduction = torch_reduction(reduction, size_average, reduce)
    xp = namespace_of(input1, input2, target)
    target_ndim = xp.ndim(target)
    if target_ndim not in (0, 1):
        raise RuntimeError("0D or 1D target tensor expected, multi-target not supported")
    expected = 2 if target_ndim == 1 else 1
    if xp.ndim(input1) != expected or xp.ndim(input2) != expected:
        raise RuntimeError(f"{target_ndim}D target tensor expects {expected}D input tensors, but found inputs "
                           f"with sizes {_sizes(input1.shape)} and {_sizes(input2.shape)}.")
    _check_broadcast(input1, input2)
    input1, input2 = promote_floats(xp, input1, input2, integers="float32")
    loss = margin_math.cosine_embedding(xp, input1, input2, target, margin, axis=target_ndim)
    return reduce_torch(xp, loss, reduction)


def pairwise_distance(x1, x2, p=2.0, eps=1e-6, keepdim=False):
    """``torch.nn.functional.pairwise_distance``: ``||x1 - x2 + eps||_p`` over the last axis.

    ``eps`` is added to the difference (identical vectors are ``eps D**(1/p)``
    apart); ``p = inf`` is the largest absolute difference.
    """
    plan = _PLANS("pairwise_distance", x1, x2, None, None, p, eps, keepdim)
    out = None if plan is None else plan(x1, x2)
    if out is not None:
        return out
    xp = namespace_of(x1, x2)
    _check_broadcast(x1, x2)
    return margin_math.pairwise_distance(xp, *promote_floats(xp, x1, x2, integers="float32"), p, eps, keepdim)


def _check_triplet(xp, anchor, positive, negative, margin):
    if margin <= 0:
        raise ValueError(f"margin must be greater than 0, got {margin}")
    a, p, n = xp.ndim(anchor), xp.ndim(positive), xp.ndim(negative)
    if not a == p == n:
        raise RuntimeError("The anchor, positive, and negative tensors are expected to have the same number of "
                           f"dimensions, but got: anchor {a}D, positive {p}D, and negative {n}D inputs")


def triplet_margin_loss(anchor, positive, negative, margin=1.0, p=2, eps=1e-6, swap=False, size_average=None,
                        reduce=None, reduction="mean"):
    """``torch.nn.functional.triplet_margin_loss``: ``max(d(a, p) - d(a, n) + margin, 0)`` with
    ``d = pairwise_distance(., ., p, eps)``.

    ``swap`` uses ``min(d(a, n), d(p, n))`` for the negative distance (Balntas et
    al., BMVC 2016). ``margin <= 0`` raises ValueError; inputs of different ranks,
    RuntimeError.
    """
    if size_average is None and reduce is None:
        plan = _PLANS("triplet_margin_loss", anchor, positive, negative, reduction, margin, p, eps, swap)
        out = None if plan is None else plan(anchor, positive, negative)
        if out is not None:
            return out
    reduction = torch_reduction(reduction, size_average, reduce)
    xp = namespace_of(anchor, positive, negative)
    _check_triplet(xp, anchor, positive, negative, margin)
    _check_broadcast(anchor, positive)
    _check_broadcast(anchor, negative)
    anchor, positive, negative = promote_floats(xp, anchor, positive, negative, integers="float32")
    return reduce_torch(xp, _triplet(xp, anchor, positive, negative, margin, p, eps, swap), reduction)


def triplet_margin_with_distance_loss(anchor, positive, negative, *, distance_function=None, margin=1.0,
                                      swap=False, reduction="mean"):
    """``torch.nn.functional.triplet_margin_with_distance_loss``: the triplet loss with any distance.

    ``distance_function(x, y)`` is called with the caller's arrays, so any function
    of their framework works; the default is :func:`pairwise_distance`.
    """
    if distance_function is None:
        plan = _PLANS("triplet_margin_with_distance_loss", anchor, positive, negative, reduction, margin, swap)
        out = None if plan is None else plan(anchor, positive, negative)
        if out is not None:
            return out
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")
    xp = namespace_of(anchor, positive, negative)
    _check_triplet(xp, anchor, positive, negative, margin)
    distance = pairwise_distance if distance_function is None else distance_function
    positive_distance = distance(anchor, positive)
    negative_distance = distance(anchor, negative)
    swap_distance = distance(positive, negative) if swap else None
    # the caller's distance sees the arrays as given; its results follow PyTorch's promotion
    positive_distance, negative_distance, swap_distance = promote_floats(xp, positive_distance, negative_distance,
                                                                         swap_distance)
    loss = margin_math.triplet_margin(xp, positive_distance, negative_distance, margin, swap_distance)
    return reduce_torch(xp, loss, reduction)


# -- class indices -------------------------------------------------------------------------------


def multi_margin_loss(input, target, p=1, margin=1.0, weight=None, size_average=None, reduce=None,
                      reduction="mean"):
    """``torch.nn.functional.multi_margin_loss``: ``sum_{i != y} w[y] max(0, margin - x[y] + x[i])**p / C``.

    ``input``: ``(N, C)`` or ``(C,)``; ``target``: int64 class indices ``(N,)``, or
    ``(1,)``/``()`` for a ``(C,)`` input (the result then has the target's shape).
    ``p`` is 1 or 2 (ValueError); an index outside ``[0, C)`` raises RuntimeError in
    eager mode. The mean or sum of an empty batch, uninitialised memory in PyTorch,
    is NaN or 0 here.
    """
    if size_average is None and reduce is None:
        plan = _PLANS("multi_margin_loss", input, target, weight, reduction, p, margin)
        out = None if plan is None else plan(input, target)
        if out is not None:
            return out
    reduction = torch_reduction(reduction, size_average, reduce)
    if p not in (1, 2):
        raise ValueError("only p == 1 and p == 2 supported")
    xp = namespace_of(input, target, weight)
    if weight is not None and xp.ndim(weight) != 1:
        raise ValueError("weight must be one-dimensional")
    _check_matrix(xp, input)
    samples = input.shape[0] if xp.ndim(input) == 2 else 1
    classes = input.shape[-1] if xp.ndim(input) else 1
    if xp.ndim(target) > 1 or _differ(numel(target.shape), samples):
        raise RuntimeError("multi_margin_loss: target tensor should be 1-D with size equal to the number of input "
                           f"samples (batch size). Expected target size [{samples}], but got {_sizes(target.shape)}. "
                           f"Input has shape {_sizes(input.shape)}.")
    if weight is not None and _differ(weight.shape[0], classes):
        raise RuntimeError(f"inconsistent weight size, expected {classes} but got {_sizes(weight.shape)}")
    _check_long(xp, target)
    torch_float_kernel("multi_margin_loss", input=input)
    # The backend's extension: PyTorch's own kernel on torch; it checks the index range.
    indices = target if xp.ndim(target) == 1 else xp.reshape(target, (-1,))
    loss = xp.multi_margin(_as_matrix(xp, input), indices, p, margin, weight)
    if xp.ndim(target) == 0:
        loss = xp.reshape(loss, ())  # the result has the target's shape
    return reduce_torch(xp, loss, reduction)


def multilabel_margin_loss(input, target, size_average=None, reduce=None, reduction="mean"):
    """``torch.nn.functional.multilabel_margin_loss``:
    ``sum_{j in targets} sum_{i not in targets} max(0, 1 - (x[y_j] - x[i])) / C`` per sample.

    ``target`` has ``input``'s shape, ``(N, C)`` or ``(C,)``, and holds int64 class indices
    up to the first -1 (the rest is padding, but must still lie in ``[-1, C)``:
    RuntimeError otherwise, in eager mode). A target listed twice counts twice. A
    ``(C,)`` input gives a 0-d result even with ``reduction='none'``. The mean or sum of
    an empty batch, uninitialised memory in PyTorch, is NaN or 0 here.
    """
    if size_average is None and reduce is None:
        plan = _PLANS("multilabel_margin_loss", input, target, None, reduction)
        out = None if plan is None else plan(input, target)
        if out is not None:
            return out
    reduction = torch_reduction(reduction, size_average, reduce)
    xp = namespace_of(input, target)
    _check_matrix(xp, input)
    if xp.ndim(input) <= 1:
        consistent = xp.ndim(target) <= 1 and not _differ(numel(target.shape),
                                                          input.shape[0] if xp.ndim(input) else 1)
    else:
        consistent = xp.ndim(target) == 2 and not any(_differ(a, b) for a, b in zip(target.shape, input.shape))
    if not consistent:
        raise RuntimeError(f"inconsistent target size: {_sizes(target.shape)} for input of size: "
                           f"{_sizes(input.shape)}")
    _check_long(xp, target)
    torch_float_kernel("multilabel_margin_loss", input=input)
    # The backend's extension: PyTorch's own kernel on torch; it checks the index range.
    loss = xp.multilabel_margin(_as_matrix(xp, input), _as_matrix(xp, target))
    if xp.ndim(input) <= 1:
        loss = xp.reshape(loss, ())
    return reduce_torch(xp, loss, reduction)



def _differ(a, b):
    # A size known only at run time (None) can't be checked when tracing.
    return a is not None and b is not None and a != b


# -- classes -------------------------------------------------------------------------------------


class MarginRankingLoss(_Loss):
    """``torch.nn.MarginRankingLoss(margin=0.0, size_average=None, reduce=None, reduction='mean')``."""

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return margin_ranking_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


class HingeEmbeddingLoss(_Loss):
    """``torch.nn.HingeEmbeddingLoss(margin=1.0, size_average=None, reduce=None, reduction='mean')``."""

    def __init__(self, margin=1.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input, target):
        return hinge_embedding_loss(input, target, margin=self.margin, reduction=self.reduction)


class SoftMarginLoss(_Loss):
    """``torch.nn.SoftMarginLoss(size_average=None, reduce=None, reduction='mean')``."""

    def forward(self, input, target):
        return soft_margin_loss(input, target, reduction=self.reduction)


class MultiLabelMarginLoss(_Loss):
    """``torch.nn.MultiLabelMarginLoss(size_average=None, reduce=None, reduction='mean')``."""

    def forward(self, input, target):
        return multilabel_margin_loss(input, target, reduction=self.reduction)


class MultiLabelSoftMarginLoss(_WeightedLoss):
    """``torch.nn.MultiLabelSoftMarginLoss(weight=None, size_average=None, reduce=None, reduction='mean')``."""

    def forward(self, input, target):
        return multilabel_soft_margin_loss(input, target, weight=self.weight, reduction=self.reduction)


class MultiMarginLoss(_WeightedLoss):
    """``torch.nn.MultiMarginLoss(p=1, margin=1.0, weight=None, size_average=None, reduce=None,
    reduction='mean')``; ``p`` other than 1 or 2, or a weight that is not 1-D, raise ValueError."""

    def __init__(self, p=1, margin=1.0, weight=None, size_average=None, reduce=None, reduction="mean"):
        super().__init__(weight, size_average, reduce, reduction)
        if p not in (1, 2):
            raise ValueError("only p == 1 and p == 2 supported")
        rank = None if weight is None else namespace_of(weight).ndim(weight)
        if rank not in (None, 1):
            raise ValueError(f"MultiMarginLoss: expected weight to be None or 1D tensor, got {rank}D instead")
        self.p = p
        self.margin = margin

    def forward(self, input, target):
        return multi_margin_loss(input, target, p=self.p, margin=self.margin, weight=self.weight,
                                 reduction=self.reduction)


class CosineEmbeddingLoss(_Loss):
    """``torch.nn.CosineEmbeddingLoss(margin=0.0, size_average=None, reduce=None, reduction='mean')``."""

    def __init__(self, margin=0.0, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        self.margin = margin

    def forward(self, input1, input2, target):
        return cosine_embedding_loss(input1, input2, target, margin=self.margin, reduction=self.reduction)


def _check_class_margin(cls, margin):
    if margin <= 0:
        raise ValueError(f"{cls}: expected margin to be greater than 0, got {margin} instead")


class TripletMarginLoss(_Loss):
    """``torch.nn.TripletMarginLoss(margin=1.0, p=2.0, eps=1e-06, swap=False, size_average=None, reduce=None,
    reduction='mean')``; ``margin <= 0`` raises ValueError."""

    def __init__(self, margin=1.0, p=2.0, eps=1e-6, swap=False, size_average=None, reduce=None, reduction="mean"):
        super().__init__(size_average, reduce, reduction)
        _check_class_margin("TripletMarginLoss", margin)
        self.margin, self.p, self.eps, self.swap = margin, p, eps, swap

    def forward(self, anchor, positive, negative):
        return triplet_margin_loss(anchor, positive, negative, margin=self.margin, p=self.p, eps=self.eps,
                                   swap=self.swap, reduction=self.reduction)


class PairwiseDistance(_Loss):
    """``torch.nn.PairwiseDistance(p=2.0, eps=1e-6, keepdim=False)``: :func:`pairwise_distance` as a module.

    Not a loss, but torch's ``TripletMarginWithDistanceLoss`` holds one as its default
    ``distance_function`` submodule, so its repr and module tree show it.
    """

    def __init__(self, p=2.0, eps=1e-6, keepdim=False):
        # torch's PairwiseDistance has no reduction: _Loss.__init__ is not called
        self.norm, self.eps, self.keepdim = p, eps, keepdim

    def forward(self, x1, x2):
        return pairwise_distance(x1, x2, p=self.norm, eps=self.eps, keepdim=self.keepdim)


class TripletMarginWithDistanceLoss(_Loss):
    """``torch.nn.TripletMarginWithDistanceLoss(*, distance_function=None, margin=1.0, swap=False,
    reduction='mean')``; ``margin <= 0`` raises ValueError."""

    def __init__(self, *, distance_function=None, margin=1.0, swap=False, reduction="mean"):
        super().__init__(reduction=reduction)
        _check_class_margin("TripletMarginWithDistanceLoss", margin)
        self.distance_function = distance_function if distance_function is not None else PairwiseDistance()
        self.margin, self.swap = margin, swap

    def forward(self, anchor, positive, negative):
        return triplet_margin_with_distance_loss(anchor, positive, negative, distance_function=self.distance_function,
                                                 margin=self.margin, swap=self.swap, reduction=self.reduction)


FUNCTIONS = ["margin_ranking_loss", "hinge_embedding_loss", "soft_margin_loss", "multilabel_margin_loss",
             "multilabel_soft_margin_loss", "multi_margin_loss", "cosine_embedding_loss", "pairwise_distance",
             "triplet_margin_loss", "triplet_margin_with_distance_loss"]
CLASSES = ["MarginRankingLoss", "HingeEmbeddingLoss", "SoftMarginLoss", "MultiLabelMarginLoss",
           "MultiLabelSoftMarginLoss", "MultiMarginLoss", "CosineEmbeddingLoss", "TripletMarginLoss",
           "TripletMarginWithDistanceLoss", "PairwiseDistance"]
