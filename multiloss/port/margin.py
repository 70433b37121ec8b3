"""Translations of the binary hinge losses (plain and squared).

Concept ``hinge`` (``squared``), elementwise ``max(1 - s y, 0)`` with a sign ``s`` made from the
labels: Keras turns labels that are all 0 or 1 into -1 and 1 and leaves others as they are
(``labels`` "auto"); TF v1 always takes ``2 y - 1`` ("0/1"); optax takes the signs ("signed").
Keras means over the last axis per sample.
"""

from __future__ import annotations

from ._ir import Spec
from ._targets import keras_call, kwargs_text, no, r, tfv1_call, written


def _reader(squared, labels):
    def read(source, options):
        names = source.names()
        return Spec("hinge", {"x": names["prediction"], "y": names["target"]}, {"squared": squared, "labels": labels})

    return read


def _optax_reader(concept):
    def read(source, options):
        names = source.names()
        return Spec(concept, {"x": names["logits"], "y": names[source.entry.call[1]]},
                    {"squared": False, "labels": "signed"})

    return read


def _multiclass_reader(concept, y):
    def read(source, options):
        names = source.names()
        call = source.entry.call
        x, labels = (call[1], call[0]) if y == "one_hot" else (call[0], call[1])
        return Spec(concept, {"x": names[x], "y": names[labels]}, {"y": y}, granularity="sample")

    return read


READERS = {("optax.losses", "hinge_loss"): _optax_reader("hinge"),
           ("optax.losses", "perceptron_loss"): _optax_reader("perceptron"),
           ("optax.losses", "multiclass_hinge_loss"): _multiclass_reader("multiclass_hinge", "index"),
           ("optax.losses", "multiclass_perceptron_loss"): _multiclass_reader("multiclass_perceptron", "index"),
           ("keras.losses", "categorical_hinge"): _multiclass_reader("multiclass_hinge", "one_hot"),
           ("keras.losses", "CategoricalHinge"): _multiclass_reader("multiclass_hinge", "one_hot"),
           ("keras.losses", "hinge"): _reader(False, "auto"), ("keras.losses", "Hinge"): _reader(False, "auto"),
           ("keras.losses", "squared_hinge"): _reader(True, "auto"),
           ("keras.losses", "SquaredHinge"): _reader(True, "auto"),
           ("tf.compat.v1.losses", "hinge_loss"): _reader(False, "0/1")}


def _keras(spec):
    fn, cls = ("squared_hinge", "SquaredHinge") if spec.params["squared"] else ("hinge", "Hinge")
    return keras_call(fn, cls, [spec.y, spec.x], {}, spec)


def _tfv1(spec):
    if spec.params["squared"]:
        no("tf.compat.v1.losses has no squared hinge loss")
    # TF v1 takes 0/1 labels and makes the signs 2 y - 1 itself
    y = f"({spec.y} + 1) / 2" if spec.params["labels"] == "signed" else spec.y
    return tfv1_call("hinge_loss", [y, spec.x], {}, spec, spec.x)


def _optax(spec):
    signs = f"2 * {spec.y} - 1"
    loss = f"optax.losses.hinge_loss({spec.x}, {signs})"
    if spec.params["squared"]:
        loss = f"{loss} ** 2"
    return written(loss, "jax", spec, spec.x)


def _none_for(target, what="binary hinge loss"):
    def write(spec):
        no(f"{target} has no {what}")

    return write


# -- the multiclass hinge and perceptron -----------------------------------------------------------
#
# Concepts ``multiclass_hinge`` (optax: ``max_j(s_j + 1 - [j = c]) - s_c``; Keras' categorical_hinge:
# ``max(0, max_j((1 - y_j) s_j) - s_c + 1)``, whose max counts the true class as a score of 0) and
# ``multiclass_perceptron`` (optax: ``max_j s_j - s_c``), one loss per sample, with ``y``: "index"
# (optax's class indices) or "one_hot" (Keras' one-hot targets).


def _multiclass_keras(spec):
    if spec.concept == "multiclass_perceptron":
        no("keras.losses has no perceptron loss: its categorical_hinge has a margin of 1")
    if spec.params["y"] == "one_hot":
        no("the same interface")
    # Keras counts the true class as 0 in its max: scores shifted so that their least is 0 make that
    # term no larger than the others, and the loss is shift-invariant
    s = spec.x
    shifted = f"{s} - keras.ops.min({s}, axis=-1, keepdims=True)"
    one_hot = f"keras.ops.one_hot({spec.y}, keras.ops.shape({s})[-1], dtype={s}.dtype)"
    return keras_call("categorical_hinge", "CategoricalHinge", [one_hot, shifted], {}, spec, elementwise=False)


def _multiclass_optax(spec):
    if spec.params["y"] == "index":
        no("the same interface")
    # a score of 0 appended as a class of its own: Keras' max over (1 - y) s counts the true class as 0
    s = spec.x
    padded = f"jnp.concatenate([{s}, jnp.zeros_like({s}[..., :1])], axis=-1)"
    loss = f"optax.losses.multiclass_hinge_loss({padded}, jnp.argmax({spec.y}, axis=-1))"
    return written(loss, "jax", spec, f"{s}[..., 0]")


def _multiclass_none(target):
    def write(spec):
        what = "perceptron" if spec.concept == "multiclass_perceptron" else "hinge"
        if target.startswith("torch.nn") and what == "hinge":
            no(f"{target}'s multi_margin_loss / MultiMarginLoss averages max(0, 1 - s_c + s_j) over the "
               "classes; this hinge takes the largest term only")
        no(f"{target} has no multiclass {what} loss" + (" (tf.compat.v1.losses.hinge_loss is the binary one)"
                                                      if target == "tf.compat.v1.losses" else ""))

    return write


def _perceptron_none(target):
    def write(spec):
        no(f"{target} has no perceptron loss: max(0, -s y) has a margin of 0, the hinge losses one of 1")

    return write


WRITERS = {("hinge", "keras.losses"): _keras, ("hinge", "tf.compat.v1.losses"): _tfv1, ("hinge", "optax.losses"): _optax,
           ("hinge", "torch.nn.functional"): _none_for("torch.nn.functional",
                                                        "binary hinge loss (multi_margin_loss is the multiclass one)"),
           ("hinge", "torch.nn"): _none_for("torch.nn", "binary hinge loss (MultiMarginLoss is the multiclass one)"),
           ("hinge", "tf.nn"): _none_for("tf.nn"), ("hinge", "torchvision.ops"): _none_for("torchvision.ops")}
for _t in ("torch.nn.functional", "torch.nn", "tf.compat.v1.losses", "tf.nn", "torchvision.ops"):
    WRITERS[("multiclass_hinge", _t)] = WRITERS[("multiclass_perceptron", _t)] = _multiclass_none(_t)
for _t in ("torch.nn.functional", "torch.nn", "keras.losses", "tf.compat.v1.losses", "tf.nn", "torchvision.ops"):
    WRITERS[("perceptron", _t)] = _perceptron_none(_t)
WRITERS.update({("multiclass_hinge", "keras.losses"): _multiclass_keras,
                ("multiclass_perceptron", "keras.losses"): _multiclass_keras,
                ("multiclass_hinge", "optax.losses"): _multiclass_optax,
                ("multiclass_perceptron", "optax.losses"): _multiclass_optax})


# -- the triplet margin loss ------------------------------------------------------------------------
#
# Concept ``triplet``, one loss per triplet ``max(d(a, p) - d(a, n) + margin, 0)``. PyTorch's distance
# is ``||a - p + eps||_p`` (eps added to each difference, absolute values); optax's is
# ``(sum (a - p) ** d + eps) ** (1 / d)`` (eps added to the sum, no absolute value) over ``axis``. A
# torch source keeps its own spelling in the other torch interface (``source``).


def _triplet_torch_reader(source, options):
    names = source.names()
    params = {"margin": float(options.get("margin", 1.0)), "p": options.get("p", 2.0),
              "eps": float(options.get("eps", 1e-6)), "swap": bool(options.get("swap", False)),
              "distance_function": options.get("distance_function"), "source": source}
    return Spec("triplet", {k: names[k] for k in ("anchor", "positive", "negative")}, params, granularity="sample")


def _triplet_optax_reader(source, options):
    names = source.names()
    params = {"margin": float(options.get("margin", 1.0)), "p": options.get("norm_degree", 2),
              "eps": float(options.get("eps", 1e-6)), "axis": options.get("axis", -1)}
    return Spec("triplet", {k: names[k] for k in ("anchor", "positive", "negative")}, params, granularity="sample")


for _iface in ("torch.nn.functional", "torch.nn"):
    for _name in ("triplet_margin_loss", "TripletMarginLoss", "triplet_margin_with_distance_loss",
                  "TripletMarginWithDistanceLoss"):
        READERS[(_iface, _name)] = _triplet_torch_reader
READERS[("optax.losses", "triplet_margin_loss")] = _triplet_optax_reader


def _triplet_to_optax(spec):
    """torch's ``||a - p + eps||`` is optax's distance of ``a + eps`` with eps = 0 inside the sum, for an
    even degree (optax takes no absolute value)."""
    p = spec.params
    if p["distance_function"] is not None:
        no("optax.losses.triplet_margin_loss has no distance function (its distance is a norm)")
    if p["swap"]:
        no("optax.losses.triplet_margin_loss has no swap (the distance of the positive to the negative)")
    degree = p["p"]
    if not (float(degree).is_integer() and degree > 0 and int(degree) % 2 == 0):
        no(f"optax.losses.triplet_margin_loss takes no absolute value of the differences: its norm_degree "
           f"is torch's p only for an even degree, not p={degree!r}")
    n = spec.names
    anchor = f"{n['anchor']} + {p['eps']!r}" if p["eps"] else n["anchor"]
    opts = ("" if int(degree) == 2 else f", norm_degree={int(degree)}") + \
        ("" if p["margin"] == 1.0 else f", margin={p['margin']!r}")
    loss = f"optax.losses.triplet_margin_loss({anchor}, {n['positive']}, {n['negative']}{opts}, eps=0.0)"
    return written(loss, "jax", spec, n["anchor"] + "[..., 0]")


def _triplet_to_torch(target):
    def write(spec):
        p = spec.params
        if "source" in p:  # torch in the other torch interface: the class and the function take the same options
            from . import _torch_twin

            return _torch_twin(p["source"], target)
        n = spec.names
        args = [n["anchor"], n["positive"], n["negative"]]
        if p["axis"] != -1:
            if not isinstance(p["axis"], int):
                no(f"torch's triplet_margin_loss measures over the last axis; optax's axis={p['axis']!r} spans several")
            args = [f"{a}.movedim({p['axis']}, -1)" for a in args]
        opts = {"margin": r(p["margin"]), "p": r(p["p"]), "eps": "0.0", "reduction": "'none'"}
        if target == "torch.nn":
            return f"torch.nn.TripletMarginLoss({kwargs_text(opts)[2:]})({', '.join(args)})"
        return f"torch.nn.functional.triplet_margin_loss({', '.join(args)}{kwargs_text(opts)})"

    return write


WRITERS.update({("triplet", "optax.losses"): _triplet_to_optax,
                ("triplet", "torch.nn.functional"): _triplet_to_torch("torch.nn.functional"),
                ("triplet", "torch.nn"): _triplet_to_torch("torch.nn")})
