"""Translations of binary cross-entropy, on probabilities and on logits.

Concept ``bce``, elementwise, with the options: ``x`` "probs" or "logits"; ``smoothing`` (Keras'
and TF v1's label smoothing, ``y (1 - e) + e / 2``); ``pos_weight`` (PyTorch's and tf.nn's weight
of the positive term); ``epsilon`` (TF v1 log_loss adds it inside both logs). On probabilities
each interface guards the log its own way, and no translation can hide it: PyTorch clamps the
log at -100, Keras clips the probability to [1e-7, 1 - 1e-7], TF v1 adds 1e-7; the measured
difference at saturated probabilities says by how much.
"""

from __future__ import annotations

from ._ir import Spec
from ._targets import keras_call, no, r, tfv1_call, torch_call, written


def _reader(x_form, keras=False, v1=False, tfnn=False):
    def read(source, options):
        names = source.names()
        entry = source.entry
        x_role = "logits" if "logits" in entry.call else "prediction"
        logits = x_form == "logits" or bool(options.get("from_logits"))
        params = {"x": "logits" if logits else "probs",
                  "smoothing": float(options.get("label_smoothing", 0.0)) if (keras or v1) else 0.0,
                  "pos_weight": _name(options.get("pos_weight")), "epsilon": options.get("epsilon", 1e-7)}
        if keras and options.get("axis", -1) != -1:
            params["axis"] = options["axis"]
        return Spec("bce", {"x": names[x_role], "y": names["target"]}, params)

    return read


def _name(value):
    return getattr(value, "text", value)


READERS = {}
for _iface in ("torch.nn.functional", "torch.nn"):
    READERS[(_iface, "binary_cross_entropy")] = READERS[(_iface, "BCELoss")] = _reader("probs")
    READERS[(_iface, "binary_cross_entropy_with_logits")] = READERS[(_iface, "BCEWithLogitsLoss")] = _reader("logits")
READERS[("keras.losses", "binary_crossentropy")] = READERS[("keras.losses", "BinaryCrossentropy")] = \
    _reader("probs", keras=True)
READERS[("tf.compat.v1.losses", "sigmoid_cross_entropy")] = _reader("logits", v1=True)
READERS[("tf.compat.v1.losses", "log_loss")] = _reader("probs", v1=True)
READERS[("tf.nn", "sigmoid_cross_entropy_with_logits")] = _reader("logits", tfnn=True)
READERS[("tf.nn", "weighted_cross_entropy_with_logits")] = _reader("logits", tfnn=True)


def _optax_reader(source, options):
    names = source.names()
    return Spec("bce", {"x": names["logits"], "y": names["labels"]},
                {"x": "logits", "smoothing": 0.0, "pos_weight": None, "epsilon": 1e-7})


READERS[("optax.losses", "sigmoid_binary_cross_entropy")] = _optax_reader


def _smoothed(y, e):
    return y if not e else f"({y} * {1 - e!r} + {e / 2!r})"


def _check(spec, target):
    if spec.params.get("axis") is not None:
        no("Keras' axis other than the last is written only for Keras")
    if spec.params["x"] == "probs" and spec.params["epsilon"] != 1e-7 and spec.source_interface == "tf.compat.v1.losses":
        if target != "tf.compat.v1.losses":
            no(f"log_loss's epsilon={spec.params['epsilon']!r} inside the logs: {target} guards the log its own way")


def _torch(target):
    def write(spec):
        _check(spec, target)
        p = spec.params
        x, y = spec.x, _smoothed(spec.y, p["smoothing"])
        if p["x"] == "probs":
            return torch_call(target, "binary_cross_entropy", "BCELoss", [x, y], {}, spec, weight_kw="weight")
        opts = {}
        if p["pos_weight"] is not None:  # torch takes a tensor: a number becomes one of the logits' dtype
            pw = p["pos_weight"]
            opts["pos_weight"] = f"torch.tensor({pw!r}, dtype={x}.dtype)" if isinstance(pw, (int, float)) else pw
        return torch_call(target, "binary_cross_entropy_with_logits", "BCEWithLogitsLoss", [x, y], opts, spec,
                          weight_kw="weight")

    return write


def _keras(spec):
    _check(spec, "keras.losses")
    p = spec.params
    if p["pos_weight"] is not None:
        no("keras.losses has no pos_weight")
    opts = {}
    if p["x"] == "logits":
        opts["from_logits"] = "True"
    if p["smoothing"]:
        opts["label_smoothing"] = r(p["smoothing"])
    return keras_call("binary_crossentropy", "BinaryCrossentropy", [spec.y, spec.x], opts, spec)


def _tfv1(spec):
    _check(spec, "tf.compat.v1.losses")
    p = spec.params
    if p["pos_weight"] is not None:
        no("tf.compat.v1.losses has no pos_weight (tf.nn.weighted_cross_entropy_with_logits has)")
    if p["x"] == "probs":
        opts = {"epsilon": r(p["epsilon"])} if p["epsilon"] != 1e-7 else {}
        return tfv1_call("log_loss", [_smoothed(spec.y, p["smoothing"]), spec.x], opts, spec, spec.x)
    opts = {"label_smoothing": r(p["smoothing"])} if p["smoothing"] else {}
    return tfv1_call("sigmoid_cross_entropy", [spec.y, spec.x], opts, spec, spec.x)


def _tfnn(spec):
    _check(spec, "tf.nn")
    p = spec.params
    if p["x"] == "probs":
        no("tf.nn has binary cross-entropy on logits only")
    y = _smoothed(spec.y, p["smoothing"])
    if p["pos_weight"] is not None:
        loss = f"tf.nn.weighted_cross_entropy_with_logits(labels={y}, logits={spec.x}, pos_weight={p['pos_weight']})"
    else:
        loss = f"tf.nn.sigmoid_cross_entropy_with_logits(labels={y}, logits={spec.x})"
    return written(loss, "tensorflow", spec, spec.x)


def _optax(spec):
    _check(spec, "optax.losses")
    p = spec.params
    if p["x"] == "probs":
        no("optax.losses has binary cross-entropy on logits only")
    if p["pos_weight"] is not None:
        no("optax.losses has no pos_weight")
    loss = f"optax.losses.sigmoid_binary_cross_entropy({spec.x}, {_smoothed(spec.y, p['smoothing'])})"
    return written(loss, "jax", spec, spec.x)


def _torchvision(spec):
    """sigmoid_focal_loss with gamma = 0 and alpha < 0 (no class balance) is BCE on logits."""
    _check(spec, "torchvision.ops")
    p = spec.params
    if p["x"] == "probs":
        no("torchvision.ops has binary cross-entropy on logits only (sigmoid_focal_loss)")
    if p["pos_weight"] is not None:
        no("torchvision.ops.sigmoid_focal_loss has no pos_weight")
    loss = f"torchvision.ops.sigmoid_focal_loss({spec.x}, {_smoothed(spec.y, p['smoothing'])}, alpha=-1, gamma=0"
    from ._targets import natural

    mode = natural(spec)
    if mode in ("mean", "sum") and not spec.keras_per_sample or mode == "mean":
        return f"{loss}, reduction={mode!r})"
    return written(loss + ")", "torch", spec, spec.x)


WRITERS = {("bce", "torch.nn.functional"): _torch("torch.nn.functional"), ("bce", "torch.nn"): _torch("torch.nn"),
           ("bce", "keras.losses"): _keras, ("bce", "tf.compat.v1.losses"): _tfv1, ("bce", "tf.nn"): _tfnn,
           ("bce", "optax.losses"): _optax, ("bce", "torchvision.ops"): _torchvision}


# -- binary focal cross-entropy ---------------------------------------------------------------------
#
# Concept ``focal``, elementwise ``a_t (1 - p_t) ** gamma * bce`` with ``p_t = y p + (1 - y)(1 - p)``,
# and the options: ``x`` "probs" or "logits"; ``gamma``; ``alpha`` (the class balance ``a_t = y a +
# (1 - y)(1 - a)``, None for none: Keras without apply_class_balancing, torchvision's alpha = -1,
# optax's alpha = None); ``smoothing`` (Keras' ``y (1 - e) + e / 2``, in the bce and in p_t alike).
# Keras takes the sigmoid of logits and clips the probability as its binary_crossentropy does;
# torchvision and optax compute the bce from the logits.


def _focal_reader(interface):
    def read(source, options):
        names = source.names()
        call = source.entry.call
        if interface == "keras.losses":
            x_role, y_role = call[1], call[0]
            logits = bool(options.get("from_logits"))
            alpha = options.get("alpha", 0.25) if options.get("apply_class_balancing") else None
            smoothing = float(options.get("label_smoothing", 0.0))
            if options.get("axis", -1) != -1:
                no("Keras' axis other than the last is written only for Keras")
        else:
            x_role, y_role = call[0], call[1]
            logits, smoothing = True, 0.0
            alpha = options.get("alpha", 0.25 if interface == "torchvision.ops" else None)
            alpha = None if alpha is not None and alpha < 0 else alpha  # torchvision's -1: no balance
        params = {"x": "logits" if logits else "probs", "gamma": float(options.get("gamma", 2.0)),
                  "alpha": alpha, "smoothing": smoothing}
        return Spec("focal", {"x": names[x_role], "y": names[y_role]}, params)

    return read


READERS[("keras.losses", "binary_focal_crossentropy")] = READERS[("keras.losses", "BinaryFocalCrossentropy")] = \
    _focal_reader("keras.losses")
READERS[("torchvision.ops", "sigmoid_focal_loss")] = _focal_reader("torchvision.ops")
READERS[("optax.losses", "sigmoid_focal_loss")] = _focal_reader("optax.losses")


def _focal_logits(spec, target):
    if spec.params["x"] == "probs":
        no(f"{target} has focal loss on logits only (Keras' probabilities are clipped to [1e-7, 1 - 1e-7] "
           "before the log; their logit is infinite at 0 and 1)")


def _focal_torchvision(spec):
    _focal_logits(spec, "torchvision.ops")
    p = spec.params
    alpha = -1 if p["alpha"] is None else p["alpha"]
    loss = (f"torchvision.ops.sigmoid_focal_loss({spec.x}, {_smoothed(spec.y, p['smoothing'])}, "
            f"alpha={r(alpha)}, gamma={r(p['gamma'])}")
    from ._targets import natural

    mode = natural(spec)
    if mode in ("mean", "sum") and not spec.keras_per_sample or mode == "mean":
        return f"{loss}, reduction={mode!r})"
    return written(loss + ")", "torch", spec, spec.x)


def _focal_optax(spec):
    _focal_logits(spec, "optax.losses")
    p = spec.params
    alpha = "" if p["alpha"] is None else f", alpha={r(p['alpha'])}"
    loss = f"optax.losses.sigmoid_focal_loss({spec.x}, {_smoothed(spec.y, p['smoothing'])}{alpha}, gamma={r(p['gamma'])})"
    return written(loss, "jax", spec, spec.x)


def _focal_keras(spec):
    p = spec.params
    opts = {}
    if p["alpha"] is not None:
        opts["apply_class_balancing"] = "True"
        opts["alpha"] = r(p["alpha"])
    opts["gamma"] = r(p["gamma"])
    if p["x"] == "logits":
        opts["from_logits"] = "True"
    if p["smoothing"]:
        opts["label_smoothing"] = r(p["smoothing"])
    return keras_call("binary_focal_crossentropy", "BinaryFocalCrossentropy", [spec.y, spec.x], opts, spec)


WRITERS.update({("focal", "torchvision.ops"): _focal_torchvision, ("focal", "optax.losses"): _focal_optax,
                ("focal", "keras.losses"): _focal_keras})
