"""Translations of the Kullback-Leibler divergence.

Concept ``kl``, with ``x``: "log_probs" (PyTorch's kl_div takes the prediction as
log-probabilities, elementwise ``y (log y - x)``, 0 where y = 0) or "probs" (Keras: both
arguments clipped to [1e-7, 1], summed over the last axis per sample); ``log_target`` (PyTorch).
"""

from __future__ import annotations

from ._ir import OPS, Spec, reduce_written
from ._targets import natural, no, r, torch_call, written


def _torch_reader(source, options):
    names = source.names()
    return Spec("kl", {"x": names["input"], "y": names["target"]},
                {"x": "log_probs", "log_target": bool(options.get("log_target", False))})


def _keras_reader(source, options):
    names = source.names()
    return Spec("kl", {"x": names["prediction"], "y": names["target"]}, {"x": "probs", "log_target": False},
                granularity="sample")


READERS = {}
for _iface in ("torch.nn.functional", "torch.nn"):
    READERS[(_iface, "kl_div")] = READERS[(_iface, "KLDivLoss")] = _torch_reader
READERS[("keras.losses", "kl_divergence")] = READERS[("keras.losses", "KLDivergence")] = _keras_reader

_CLIP = {"torch": "{a}.clamp(1e-7, 1)", "jax": "jnp.clip({a}, 1e-7, 1)"}
_LOG = {"torch": "torch.log({a})", "jax": "jnp.log({a})"}


def _torch(target):
    def write(spec):
        p = spec.params
        if p["x"] == "log_probs":
            opts = {"log_target": "True"} if p["log_target"] else {}
            mode = spec.reduce.mode
            opts.update({} if mode == "mean" else {"reduction": r(mode)})
            if target == "torch.nn":
                from ._targets import kwargs_text

                return f"torch.nn.KLDivLoss({kwargs_text(opts)[2:]})({spec.x}, {spec.y})"
            from ._targets import kwargs_text

            return f"torch.nn.functional.kl_div({spec.x}, {spec.y}{kwargs_text(opts)})"
        # Keras' probabilities: both clipped to [1e-7, 1]; the per-sample sum over the last axis.
        x = _LOG["torch"].format(a=_CLIP["torch"].format(a=spec.x))
        y = _CLIP["torch"].format(a=spec.y)
        loss = torch_call(target, "kl_div", "KLDivLoss", [x, y], {}, _none(spec), None)
        return _reduce_sample(f"{loss}.sum(-1)", spec, "torch")

    return write


def _none(spec):
    """The same spec without a reduction (for writing the unreduced loss)."""
    from copy import copy

    from ._ir import Reduce

    out = copy(spec)
    out.reduce = Reduce("torch", "none")
    out.keras_per_sample = False
    return out


def _reduce_sample(per_sample, spec, fw):
    if natural(spec) == "mean":
        return OPS[fw].mean(per_sample)
    return reduce_written(per_sample, spec, OPS[fw], f"{spec.y}[..., 0]")


def _keras(spec):
    p = spec.params
    if p["x"] == "probs":
        no("the same interface")
    if p["log_target"]:
        no("keras.losses.kl_divergence takes probabilities; its clip to [1e-7, 1] has no log-target form")
    # torch's elementwise terms: Keras on a trailing axis of 1 (its per-sample sum is the identity)
    loss = f"keras.losses.kl_divergence({spec.y}[..., None], keras.ops.exp({spec.x})[..., None])"
    if spec.reduce.mode == "batchmean":
        return f"keras.ops.sum({loss}) / {spec.x}.shape[0]"
    return written(loss, "keras", spec, spec.x)


def _optax(spec):
    p = spec.params
    fn = "kl_divergence_with_log_targets" if p["log_target"] else "kl_divergence"
    if p["x"] == "probs":
        x = _LOG["jax"].format(a=_CLIP["jax"].format(a=spec.x))
        y = _CLIP["jax"].format(a=spec.y)
        return _reduce_sample(f"optax.losses.kl_divergence({x}, {y})", spec, "jax")
    loss = f"optax.losses.{fn}({spec.x}[..., None], {spec.y}[..., None])"  # a sum over an axis of 1: elementwise
    if spec.reduce.mode == "batchmean":
        return f"jnp.sum({loss}) / {spec.x}.shape[0]"
    return written(loss, "jax", spec, spec.x)


def _none_for(target):
    def write(spec):
        no(f"{target} has no Kullback-Leibler divergence")

    return write


WRITERS = {("kl", "torch.nn.functional"): _torch("torch.nn.functional"), ("kl", "torch.nn"): _torch("torch.nn"),
           ("kl", "keras.losses"): _keras, ("kl", "optax.losses"): _optax}
for _t in ("tf.compat.v1.losses", "tf.nn", "torchvision.ops"):
    WRITERS[("kl", _t)] = _none_for(_t)
