"""The notes of a translation: what differs between the source and the target and why, one
short sentence each (argument order, the reduction, the numerical guard, the dtype policy)."""

from __future__ import annotations

from ._targets import natural

_ORDER = {"torch.nn.functional": "input, target", "torch.nn": "input, target", "torchvision.ops": "inputs, targets",
          "keras.losses": "y_true, y_pred", "tf.compat.v1.losses": "labels, predictions", "tf.nn": "labels, logits",
          "optax.losses": "predictions, targets"}
_FAMILY = {"torch.nn.functional": "torch", "torch.nn": "torch", "torchvision.ops": "torch", "keras.losses": "keras",
           "tf.compat.v1.losses": "tfv1", "tf.nn": "tf.nn", "optax.losses": "optax"}
# How each interface guards the log of a probability (binary cross-entropy on probabilities).
_BCE_GUARD = {"torch": "torch clamps each log at -100", "keras": "Keras clips the probability to [1e-7, 1 - 1e-7]",
              "tfv1": "TF v1 log_loss adds 1e-7 inside both logs"}
# A mean over an empty batch: NaN (torch, jnp.mean, tf.reduce_mean), 0 (TF v1's divide-no-nan), or the
# empty per-sample losses themselves (a Keras class reduces nothing when there are none).
_EMPTY_MEAN = {"torch": "NaN", "keras": "an empty array", "tfv1": "0", "tf.nn": "NaN", "optax": "NaN"}


def notes_for(spec, target):
    notes = []
    src = getattr(spec, "source_interface", "")
    s, t = _FAMILY.get(src), _FAMILY.get(target)
    if src in _ORDER and target in _ORDER and _ORDER[src].split(",")[0] != _ORDER[target].split(",")[0]:
        notes.append(f"Argument order: {src} takes ({_ORDER[src]}), {target} takes ({_ORDER[target]}).")
    if spec.keras_per_sample and t != "keras":
        notes.append("Keras means an elementwise loss over the last axis per sample; the call does the same.")
    if natural(spec) == "mean" and s in _EMPTY_MEAN and t in _EMPTY_MEAN and _EMPTY_MEAN[s] != _EMPTY_MEAN[t]:
        notes.append(f"Over an empty batch the source's mean is {_EMPTY_MEAN[s]}, {target}'s is {_EMPTY_MEAN[t]}.")
    if spec.concept == "bce" and spec.params.get("x") == "probs" and s != t and s in _BCE_GUARD:
        theirs = _BCE_GUARD.get(t)
        if theirs:
            notes.append(f"At saturated probabilities {_BCE_GUARD[s]}, {theirs}: the values differ there.")
    if spec.concept == "softmax_ce" and spec.params.get("x") == "probs" and t != "keras":
        notes.append("Keras renormalises and clips the probabilities; the call writes the same before the log.")
    if t == "tfv1" and s != "tfv1":
        notes.append("TF v1 losses compute in float32 whatever the inputs' dtype.")
    if t == "keras" and s != "keras":
        notes.append("Keras loss classes compute in float32 unless given dtype=.")
    return notes
