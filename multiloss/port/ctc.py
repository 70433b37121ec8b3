"""Translations of connectionist temporal classification.

Concept ``ctc``, one loss per sequence. The catalog's optax row calls optax.ctc_loss through a
reference that casts its result to the dtype a program without x64 gets; its translation into
optax is optax's own call with the same options. The other interfaces' layouts (time- or
batch-major, padded labels or lengths, the blank's index, logits or log-probabilities) are in
``_reasons``.
"""

from __future__ import annotations

from ._ir import Spec
from ._targets import kwargs_text, r


def _optax_reference(source, options):
    names = source.names()
    return Spec("ctc", {role: names[role] for role in source.entry.call},
                {k: options[k] for k in ("blank_id", "log_epsilon") if k in options}, granularity="sample")


READERS = {("multiloss", "optax_ctc_loss"): _optax_reference}


def _optax(spec):
    """optax.ctc_loss(logits, logit_paddings, labels, label_paddings): unreduced, as the reference."""
    n = spec.names
    opts = {k: r(v) for k, v in spec.params.items()}
    args = ", ".join(n[role] for role in ("logits", "logit_paddings", "targets", "label_paddings"))
    return f"optax.losses.ctc_loss({args}{kwargs_text(opts)})"


WRITERS = {("ctc", "optax.losses"): _optax}
