"""The notes of a translation: what differs between the source and the target, one short
sentence each, from the per-original semantics (``semantics.py``)."""

from __future__ import annotations


def notes_for(spec, target):
    notes = []
    src = getattr(spec, "source_interface", "")
    order = {"torch.nn.functional": "input, target", "torch.nn": "input, target", "torchvision.ops": "inputs, targets",
             "keras.losses": "y_true, y_pred", "tf.compat.v1.losses": "labels, predictions", "tf.nn": "labels, logits",
             "optax.losses": "predictions, targets"}
    if src in order and target in order and order[src].split(",")[0] != order[target].split(",")[0]:
        notes.append(f"Argument order: {src} takes ({order[src]}), {target} takes ({order[target]}).")
    return notes
