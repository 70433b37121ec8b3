"""Translations of the binary hinge losses (plain and squared).

Concept ``hinge`` (``squared``), elementwise ``max(1 - s y, 0)`` with a sign ``s`` made from the
labels: Keras turns labels that are all 0 or 1 into -1 and 1 and leaves others as they are
(``labels`` "auto"); TF v1 always takes ``2 y - 1`` ("0/1"); optax takes the signs ("signed").
Keras means over the last axis per sample.
"""

from __future__ import annotations

from ._ir import Spec
from ._targets import keras_call, no, tfv1_call, written


def _reader(squared, labels):
    def read(source, options):
        names = source.names()
        return Spec("hinge", {"x": names["prediction"], "y": names["target"]}, {"squared": squared, "labels": labels})

    return read


READERS = {("keras.losses", "hinge"): _reader(False, "auto"), ("keras.losses", "Hinge"): _reader(False, "auto"),
           ("keras.losses", "squared_hinge"): _reader(True, "auto"),
           ("keras.losses", "SquaredHinge"): _reader(True, "auto"),
           ("tf.compat.v1.losses", "hinge_loss"): _reader(False, "0/1")}


def _keras(spec):
    fn, cls = ("squared_hinge", "SquaredHinge") if spec.params["squared"] else ("hinge", "Hinge")
    return keras_call(fn, cls, [spec.y, spec.x], {}, spec)


def _tfv1(spec):
    if spec.params["squared"]:
        no("tf.compat.v1.losses has no squared hinge loss")
    return tfv1_call("hinge_loss", [spec.y, spec.x], {}, spec, spec.x)


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


WRITERS = {("hinge", "keras.losses"): _keras, ("hinge", "tf.compat.v1.losses"): _tfv1, ("hinge", "optax.losses"): _optax,
           ("hinge", "torch.nn.functional"): _none_for("torch.nn.functional",
                                                        "binary hinge loss (multi_margin_loss is the multiclass one)"),
           ("hinge", "torch.nn"): _none_for("torch.nn", "binary hinge loss (MultiMarginLoss is the multiclass one)"),
           ("hinge", "tf.nn"): _none_for("tf.nn"), ("hinge", "torchvision.ops"): _none_for("torchvision.ops")}
