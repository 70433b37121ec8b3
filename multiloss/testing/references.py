"""Reference transcriptions, in the original's framework, for originals that can't be run here.

Each function is written from the original's published formula (its paper or
its source's docstring), independently of multiloss's own code, and is used by
the catalog as ``fallback`` (when the original's package can't be imported) or
as the original of a loss that only multiloss has.
"""


def sigmoid_focal_loss(inputs, targets, alpha=0.25, gamma=2, reduction="none"):
    """torchvision.ops.sigmoid_focal_loss (torchvision 0.29), from its documented formula, in torch.

    ``FL = alpha_t (1 - p_t)**gamma * BCEWithLogits(x, y)``, ``p = sigmoid(x)``,
    ``p_t = p y + (1 - p)(1 - y)``, ``alpha_t = alpha y + (1 - alpha)(1 - y)``;
    ``alpha = -1`` disables ``alpha_t``. Lin et al., "Focal Loss for Dense
    Object Detection", ICCV 2017.
    """
    import torch
    import torch.nn.functional as F

    if alpha != -1 and not 0 <= alpha <= 1:
        raise ValueError(f"Invalid alpha value: {alpha}. alpha must be in the range [0,1] or -1 for ignore.")
    prob = torch.sigmoid(inputs)
    ce = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    prob_true = targets * prob + (1 - targets) * (1 - prob)
    out = torch.pow(1 - prob_true, gamma) * ce
    if alpha >= 0:
        out = out * (targets * alpha + (1 - targets) * (1 - alpha))
    reducers = {"none": lambda t: t, "mean": torch.mean, "sum": torch.sum}
    if reduction not in reducers:
        raise ValueError(
            f"Invalid Value for arg 'reduction': '{reduction} \n Supported reduction modes: 'none', 'mean', 'sum'"
        )
    return reducers[reduction](out)


def balanced_sigmoid_cross_entropy(input, target, beta=None, reduction="mean"):
    """HED's class-balanced sigmoid cross-entropy, in torch, from the paper.

    Xie & Tu, "Holistically-Nested Edge Detection", ICCV 2015, eq. (2):
    ``-beta sum_{Y+} log Pr(y=1|X) - (1 - beta) sum_{Y-} log Pr(y=0|X)`` with
    ``beta = |Y-| / |Y|`` per image, written elementwise for soft targets and
    reduced the PyTorch way.
    """
    import torch
    import torch.nn.functional as F

    if input.shape != target.shape:
        raise ValueError(f"Target size ({target.size()}) must be the same as input size ({input.size()})")
    if beta is None:
        per_sample = list(range(1, target.dim()))
        negatives = 1.0 - target
        beta = negatives.mean(dim=per_sample, keepdim=True) if per_sample else negatives
    elif not torch.is_tensor(beta) and not 0 <= beta <= 1:
        raise ValueError(f"beta must be between 0 and 1, got {beta}")
    log_pos = F.logsigmoid(input)  # log Pr(y = 1 | X)
    log_neg = F.logsigmoid(-input)  # log Pr(y = 0 | X)
    out = -(beta * target * log_pos) - (1 - beta) * (1 - target) * log_neg
    if reduction == "none":
        return out
    if reduction == "sum":
        return out.sum()
    if reduction == "mean":
        return out.mean()
    raise ValueError(f"{reduction} is not a valid value for reduction")
