"""Translations of connectionist temporal classification.

Concept ``ctc``, one loss per sequence, between five layouts: PyTorch's (log-probabilities time-major,
targets with their lengths, the blank at ``blank``, a mean divided by the target lengths, zero_infinity),
Keras' (logits batch-major, dense labels whose zeros are the blank and the padding, every frame counted,
the class's reduction), tf.nn's (the catalog's reference row: logits time-major or not, dense labels with
their lengths, the blank at ``blank_index``, 0 by default, negative from the end), optax's (the reference
row: logits batch-major with paddings for the frames and the labels, ``blank_id``); each is written in
each other, with the source's reduction written out. Log-probabilities are their own logits (a
log-softmax of them is themselves); lengths become paddings and back; Keras' fixed blank 0 is reached
by rolling the classes, its fixed frame count by making the frames past a sequence's length certain
blanks. What the kernels do differently stays measured: an impossible alignment is inf in PyTorch, about 707 in TensorFlow, about -log_epsilon in
optax; TensorFlow computes float64 in float32. optax's log_epsilon has no counterpart elsewhere.
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


def _tf_reader(source, options):
    """tf.nn.ctc_loss (the catalog's reference row): dense labels with their lengths, time-major logits
    unless logits_time_major=False, the blank at blank_index (0 by default, negative from the end)."""
    names = source.names()
    return Spec("ctc", {role: names[role] for role in source.entry.call},
                {"tf": True, "blank_index": options.get("blank_index"),
                 "time_major": bool(options.get("logits_time_major", True)), "original": source.entry.original},
                granularity="sample")


READERS = {("multiloss", "optax_ctc_loss"): _optax_reference, ("multiloss", "tf_ctc_loss"): _tf_reader,
           ("keras.losses", "ctc"): _keras_reader, ("keras.losses", "CTC"): _keras_reader,
           ("torch.nn.functional", "ctc_loss"): _torch_reader, ("torch.nn", "CTCLoss"): _torch_reader}

_PADDING = "(jnp.arange({array}.shape[{axis}]) >= jnp.asarray({lengths})[:, None]).astype({dtype}.dtype)"


def _optax(spec):
    """optax.ctc_loss(logits, logit_paddings, labels, label_paddings), unreduced as the reference, or
    with PyTorch's layout and reduction."""
    n = spec.names
    if spec.params.get("keras"):
        return _keras_in_optax(spec)
    if spec.params.get("tf"):
        return _tf_in_optax(spec)
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


def _form(spec):
    """The source's layout: "torch", "keras", "tf" or "optax" (the reference row)."""
    p = spec.params
    return "torch" if "source" in p else "keras" if p.get("keras") else "tf" if p.get("tf") else "optax"


def _parts(spec, framework):
    """The source's arrays as the pieces every CTC takes, written in ``framework``'s ops: ``x`` (logits or
    log-probabilities: the log-softmax of log-probabilities is themselves), whether it is time-major,
    dense ``targets``, ``inputs`` (frames per sequence, None where every frame counts), ``labels``
    (labels per sequence, None where the targets' nonzero count is), the ``blank`` (an int or code)."""
    n, p, form = spec.names, spec.params, _form(spec)
    if form == "keras":
        return {"x": n["logits"], "time_major": False, "targets": n["targets"], "inputs": None, "labels": None,
                "blank": 0}
    if form == "torch":
        return {"x": n["log_probs"], "time_major": True, "targets": n["targets"], "inputs": n["input_lengths"],
                "labels": n["target_lengths"], "blank": p["blank"]}
    if form == "tf":
        x, b = n["time_major_logits"], p["blank_index"]
        blank = 0 if b is None else b if b >= 0 else f"{x}.shape[-1] - {-b}"
        return {"x": x, "time_major": p["time_major"], "targets": n["targets"], "inputs": n["input_lengths"],
                "labels": n["target_lengths"], "blank": blank}
    count = {"torch": "({} == 0).sum(1)", "tensorflow": "tf.reduce_sum(tf.cast({} == 0, tf.int32), 1)",
             "jax": "jnp.sum({} == 0, 1)"}[framework]
    if "log_epsilon" in p["options"]:
        no(f"only optax's ctc_loss has log_epsilon: an impossible alignment costs about "
           f"{-p['options']['log_epsilon']!r} there, inf in PyTorch, about 707 in TensorFlow (tf.nn and Keras)")
    return {"x": n["logits"], "time_major": False, "targets": n["targets"],
            "inputs": count.format(n["logit_paddings"]), "labels": count.format(n["label_paddings"]),
            "blank": p["options"].get("blank_id", 0)}


# What an impossible alignment (more labels and repeats than frames) costs in each, as the kernels compute it.
_IMPOSSIBLE = {"torch": "inf",
               "tensorflow": "about 707 (log(1e-307) for each wrong end state)", "jax": "about -log_epsilon (1e5)"}
_FRAMEWORK_OF = {"torch": "torch", "keras": "tensorflow", "tf": "tensorflow", "optax": "jax"}


def _noted(spec, framework):
    """The notes of a translation between layouts: an impossible alignment's cost where the kernels differ,
    TensorFlow's float32, and the dense labels Keras and tf.nn take."""
    own = _FRAMEWORK_OF[_form(spec)]
    if own == "torch" and framework == "tensorflow":
        spec.notes.append("TensorFlow's kernel gives about 707 for an impossible alignment; the call gives "
                          "PyTorch's inf (0 under zero_infinity) there, read from the lengths and the repeats.")
    elif own != framework:
        spec.notes.append(f"An impossible alignment costs {_IMPOSSIBLE[own]} in the source, "
                          f"{_IMPOSSIBLE[framework]} here.")
    if framework == "tensorflow" and own != "tensorflow":
        spec.notes.append("TensorFlow's CTC refuses float64 logits: they go in as float32 and the loss comes "
                          "back in their dtype, to float32's precision.")
    if framework == "tensorflow" and _form(spec) == "torch":
        spec.notes.append("PyTorch's concatenated 1-D targets are not taken: pad them to (batch, length).")


# PyTorch's loss of an impossible alignment (fewer frames than labels and repeated neighbours need) in
# TensorFlow, whose kernel gives about 707 there: inf, or 0 under zero_infinity.
_TF_IMPOSSIBLE = ("tf.where(tf.cast({inputs}, tf.int32) < (_n := tf.cast({labels}, tf.int32)) + tf.reduce_sum("
                  "tf.cast((_t := {targets})[:, 1:] == _t[:, :-1], tf.int32) * "
                  "tf.cast(tf.range(1, tf.shape(_t)[1])[None, :] < _n[:, None], tf.int32), 1), "
                  "tf.zeros_like(_l := {loss}) + {value}, _l)")


def _reduced(spec, loss, framework, parts):
    """The source's reduction of the per-sequence ``loss``: PyTorch's inf for an impossible alignment (0
    under zero_infinity) and its mean (each loss divided by its target length, at least 1), Keras'
    reduction for its class, none for the others."""
    form = _form(spec)
    if form == "keras":
        from ._targets import written

        return written(loss, framework, spec, f"{parts['targets']}[:, 0]")
    if form != "torch":
        return loss
    ops = {"torch": ("torch.where(torch.isinf(_l := {l}), 0.0, _l)", "({l}).sum()", "({l}).mean()",
                     "({l}) / torch.as_tensor({n}).clamp(min=1)"),
           "tensorflow": (None, "tf.reduce_sum({l})", "tf.reduce_mean({l})",
                          "(_l := {l}) / tf.cast(tf.maximum({n}, 1), _l.dtype)"),
           "jax": ("jnp.where(jnp.isinf(_l := {l}), 0.0, _l)", "jnp.sum({l})", "jnp.mean({l})",
                   "({l}) / jnp.maximum(jnp.asarray({n}), 1)")}[framework]
    if framework == "tensorflow":
        value = "0.0" if spec.params["zero_infinity"] else 'float("inf")'
        loss = _TF_IMPOSSIBLE.format(loss=loss, value=value, **parts)
    elif spec.params["zero_infinity"]:
        loss = ops[0].format(l=loss)
    mode = spec.reduce.mode
    if mode == "none":
        return loss
    if mode == "sum":
        return ops[1].format(l=loss)
    return ops[2].format(l=ops[3].format(l=loss, n=parts["labels"]))


def _torch_from(spec, target):
    """torch's ctc_loss of Keras' or tf.nn's call: the log-softmax of the logits time-major, every frame
    for Keras (its label lengths the nonzero count), the lengths as given for tf.nn, the blank's index."""
    parts = _parts(spec, "torch")
    _noted(spec, "torch")
    x, targets = parts["x"], parts["targets"]
    log_probs = f"torch.log_softmax({x}, -1)" + ("" if parts["time_major"] else ".transpose(0, 1)")
    frames = f"{x}.shape[{0 if parts['time_major'] else 1}]"
    batch = f"{x}.shape[{1 if parts['time_major'] else 0}]"
    inputs = parts["inputs"] or f"torch.full(({batch},), {frames})"
    labels = parts["labels"] or f"({targets} != 0).sum(1)"
    opts = {"blank": _code(parts["blank"])} if parts["blank"] != 0 else {}
    opts["reduction"] = r("none")
    args = f"{log_probs}, {targets}, {inputs}, {labels}"
    if target == "torch.nn":
        loss = f"torch.nn.CTCLoss({kwargs_text(opts)[2:]})({args})"
    else:
        loss = f"torch.nn.functional.ctc_loss({args}{kwargs_text(opts)})"
    return _reduced(spec, loss, "torch", parts)


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


def _tf_in_optax(spec):
    """tf.nn's call in optax: the logits batch-major, the lengths as paddings, the blank as blank_id."""
    parts = _parts(spec, "jax")
    _noted(spec, "jax")
    x, tm = parts["x"], parts["time_major"]
    logit_paddings = _PADDING.format(array=x, axis=0 if tm else 1, lengths=parts["inputs"], dtype=x)
    label_paddings = _PADDING.format(array=parts["targets"], axis=1, lengths=parts["labels"], dtype=x)
    blank = parts["blank"]
    return (f"optax.losses.ctc_loss({f'jnp.swapaxes({x}, 0, 1)' if tm else x}, {logit_paddings}, "
            f"{parts['targets']}, {label_paddings}" + (f", blank_id={_code(blank)})" if blank != 0 else ")"))


def _code(value):
    return value if isinstance(value, str) else r(value)


def _tf(spec):
    """tf.nn.ctc_loss(labels, logits, label_length, logit_length): dense labels, the logits as they come
    (log-probabilities are their own logits) with logits_time_major, the blank as blank_index; Keras' lengths
    as Keras reads them (every frame, the nonzero labels). TensorFlow's dense CTC refuses float64 logits:
    they go in as float32 and the loss comes back in their dtype, as Keras and the catalog's row do."""
    parts = _parts(spec, "tensorflow")
    _noted(spec, "tensorflow")
    x, targets = parts["x"], parts["targets"]
    inputs = parts["inputs"] or f"tf.fill([tf.shape({x})[0]], tf.shape({x})[1])"
    labels = parts["labels"] or f"tf.math.count_nonzero({targets}, 1)"
    opts = {} if parts["time_major"] else {"logits_time_major": "False"}
    if _form(spec) == "tf" and spec.params["blank_index"] is not None:
        opts["blank_index"] = r(spec.params["blank_index"])
    elif parts["blank"] != 0:
        opts["blank_index"] = _code(parts["blank"])
    loss = (f"tf.cast(tf.nn.ctc_loss({targets}, tf.cast(_x := {x}, tf.float32), {labels}, {inputs}"
            f"{kwargs_text(opts)}), _x.dtype)")
    return _reduced(spec, loss, "tensorflow", parts)


# Keras' CTC in TensorFlow's ops: frames past a sequence's length become certain blanks (logit 0 for
# class 0, -1e30 for the others: log-probability 0), which adds trailing blanks to every alignment and
# nothing to its cost; the labels past their length become 0, Keras' padding.
_KERAS_FRAMES = ("tf.where(tf.range(tf.shape(_x := {x})[1])[None, :, None] < "
                 "tf.cast({inputs}, tf.int32)[:, None, None], _x, "
                 "(tf.one_hot(0, tf.shape(_x)[2], dtype=_x.dtype) - 1) * 1e30)")
_KERAS_LABELS = "tf.where(tf.range(tf.shape(_y := {y})[1])[None, :] < tf.cast({labels}, tf.int32)[:, None], _y, 0)"


def _keras(spec):
    """keras.losses.ctc(labels, logits): Keras' blank is 0 and it counts every frame and the nonzero labels,
    so the classes are rolled to bring the blank to 0 (a label l becomes (l - blank) mod C), the logits made
    batch-major, frames past their length certain blanks and labels past theirs 0; the source's reduction
    written out. Labels must be dense (N, S): concatenated 1-D targets are not taken."""
    parts = _parts(spec, "tensorflow")
    _noted(spec, "tensorflow")
    if _form(spec) == "tf":
        spec.notes.append("A label length beyond the labels' width is an impossible alignment in tf.nn; Keras "
                          "reads the labels there are.")
    x, targets, blank = parts["x"], parts["targets"], parts["blank"]
    logits = x if not parts["time_major"] else f"tf.transpose({x}, [1, 0, 2])"
    if blank != 0:
        shift = _code(blank) if isinstance(blank, int) else f"({blank})"
        logits = f"tf.roll({logits}, -{shift}, -1)"
        targets = f"({targets} - {shift}) % {x}.shape[-1]"
    logits = _KERAS_FRAMES.format(x=logits, inputs=parts["inputs"])
    labels = _KERAS_LABELS.format(y=targets, labels=parts["labels"])
    return _reduced(spec, f"keras.losses.ctc({labels}, {logits})", "tensorflow", parts)


def _torch(target):
    def write(spec):
        from . import _torch_twin

        if "source" in spec.params:
            return _torch_twin(spec.params["source"], target)
        if spec.params.get("keras") or spec.params.get("tf"):
            return _torch_from(spec, target)
        return _optax_in_torch(spec, target)

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


WRITERS = {("ctc", "optax.losses"): _optax, ("ctc", "tf.nn"): _tf, ("ctc", "keras.losses"): _keras,
           ("ctc", "torch.nn.functional"): _torch("torch.nn.functional"), ("ctc", "torch.nn"): _torch("torch.nn")}
