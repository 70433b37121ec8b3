"""Translations of connectionist temporal classification.

Concept ``ctc``, one loss per sequence. The catalog's optax row calls optax.ctc_loss through a
reference that casts its result to the dtype a program without x64 gets; its translation into
optax is optax's own call with the same options. PyTorch's ctc_loss in optax: the log-probabilities
batch-major (log-probabilities are their own logits: a log-softmax of them is themselves), the
lengths as paddings, the blank as blank_id, and PyTorch's mean (each loss divided by its target
length, at least 1) written out; and back, optax's paddings as PyTorch's lengths. Keras' CTC in
optax: every frame counted, the labels' zeros as their padding. optax never
gives inf (an impossible alignment costs about -log_epsilon) and takes padded targets only. The
other pairs' layouts are in ``_reasons``.
"""

from __future__ import annotations

from ._ir import Spec
from ._targets import kwargs_text, no, r


def _optax_reference(source, options):
    names = source.names()
    return Spec("ctc", {role: names[role] for role in source.entry.call},
                {"options": {k: options[k] for k in ("blank_id", "log_epsilon") if k in options},
                 "original": source.entry.original}, granularity="sample")


def _torch_reader(source, options):
    names = source.names()
    params = {"blank": options.get("blank", 0), "zero_infinity": bool(options.get("zero_infinity", False)),
              "source": source}
    return Spec("ctc", {role: names[role] for role in source.entry.call}, params, granularity="sample")


def _keras_reader(source, options):
    names = source.names()
    return Spec("ctc", {role: names[role] for role in source.entry.call}, {"keras": True, "original": source.entry.original},
                granularity="sample")


READERS = {("multiloss", "optax_ctc_loss"): _optax_reference, ("keras.losses", "ctc"): _keras_reader,
           ("keras.losses", "CTC"): _keras_reader, ("torch.nn.functional", "ctc_loss"): _torch_reader,
           ("torch.nn", "CTCLoss"): _torch_reader}

_PADDING = "(jnp.arange({array}.shape[{axis}]) >= jnp.asarray({lengths})[:, None]).astype({dtype}.dtype)"


def _optax(spec):
    """optax.ctc_loss(logits, logit_paddings, labels, label_paddings), unreduced as the reference, or
    with PyTorch's layout and reduction."""
    n = spec.names
    if spec.params.get("keras"):
        return _keras_in_optax(spec)
    if "source" not in spec.params:
        opts = {k: r(v) for k, v in spec.params["options"].items()}
        args = ", ".join(n[role] for role in ("logits", "logit_paddings", "targets", "label_paddings"))
        return f"optax.losses.ctc_loss({args}{kwargs_text(opts)})"
    lp, targets = n["log_probs"], n["targets"]
    logit_paddings = _PADDING.format(array=lp, axis=0, lengths=n["input_lengths"], dtype=lp)
    label_paddings = _PADDING.format(array=targets, axis=1, lengths=n["target_lengths"], dtype=lp)
    blank = spec.params["blank"]
    loss = (f"optax.losses.ctc_loss(jnp.swapaxes({lp}, 0, 1), {logit_paddings}, {targets}, {label_paddings}"
            + (f", blank_id={r(blank)})" if blank != 0 else ")"))
    mode = spec.reduce.mode
    if mode == "none":
        return loss
    if mode == "sum":
        return f"jnp.sum({loss})"
    return f"jnp.mean({loss} / jnp.maximum(jnp.asarray({n['target_lengths']}), 1))"


def _keras_in_optax(spec):
    """Keras' CTC in optax: batch-major logits, every frame counted, the labels' zeros (Keras' blank and
    padding) as the label padding, blank 0; the Keras reduction written out. Keras counts the nonzero
    labels wherever they stand, optax reads the padding where it is: the same for trailing padding."""
    n = spec.names
    logits, targets = n["logits"], n["targets"]
    loss = (f"optax.losses.ctc_loss({logits}, jnp.zeros({logits}.shape[:2], {logits}.dtype), {targets}, "
            f"({targets} == 0).astype({logits}.dtype))")
    from ._targets import written

    return written(loss, "jax", spec, f"{targets}[:, 0]")


def _torch(target):
    def write(spec):
        from . import _torch_twin

        if spec.params.get("keras"):
            from ._reasons import REASONS

            no(REASONS[(spec.params["original"], target)])
        if "source" not in spec.params:
            return _optax_in_torch(spec, target)
        return _torch_twin(spec.params["source"], target)

    return write


def _optax_in_torch(spec, target):
    """optax's call in PyTorch: log-softmax of the logits time-major, the count of frames and labels
    whose padding is 0 as the lengths (optax's paddings are trailing), blank_id as the blank,
    unreduced. PyTorch gives inf where optax gives about -log_epsilon."""
    n, options = spec.names, spec.params["options"]
    if "log_epsilon" in options:
        no(f"torch's ctc_loss has no log_epsilon: an impossible alignment is inf (0 under zero_infinity), "
           f"not about {-options['log_epsilon']!r}")
    args = [f"torch.log_softmax({n['logits']}, -1).transpose(0, 1)", n["targets"],
            f"({n['logit_paddings']} == 0).sum(1)", f"({n['label_paddings']} == 0).sum(1)"]
    opts = {"blank": r(options["blank_id"])} if options.get("blank_id", 0) != 0 else {}
    opts["reduction"] = r("none")
    if target == "torch.nn":
        return f"torch.nn.CTCLoss({kwargs_text(opts)[2:]})({', '.join(args)})"
    return f"torch.nn.functional.ctc_loss({', '.join(args)}{kwargs_text(opts)})"


WRITERS = {("ctc", "optax.losses"): _optax, ("ctc", "torch.nn.functional"): _torch("torch.nn.functional"),
           ("ctc", "torch.nn"): _torch("torch.nn")}
