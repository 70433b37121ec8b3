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


def _optax_reader(log_target=False, generalized=False):
    """optax: torch's elementwise terms summed over ``axis`` (-1, a tuple, or None: every element);
    the generalized divergence adds ``exp(x) - y`` to each term."""

    def read(source, options):
        names = source.names()
        if options.get("where") is not None:
            no("optax's where= leaves elements out of the sum; the other interfaces have no mask")
        y = names[source.entry.call[1]]
        return Spec("kl", {"x": names["log_predictions"], "y": y},
                    {"x": "log_probs", "log_target": log_target, "sum_axis": options.get("axis", -1),
                     "generalized": generalized}, granularity="sample")

    return read


READERS = {}
for _iface in ("torch.nn.functional", "torch.nn"):
    READERS[(_iface, "kl_div")] = READERS[(_iface, "KLDivLoss")] = _torch_reader
READERS[("keras.losses", "kl_divergence")] = READERS[("keras.losses", "KLDivergence")] = _keras_reader
READERS[("optax.losses", "kl_divergence")] = _optax_reader()
READERS[("optax.losses", "kl_divergence_with_log_targets")] = _optax_reader(log_target=True)
READERS[("optax.losses", "generalized_kl_divergence")] = _optax_reader(generalized=True)
READERS[("optax.losses", "convex_kl_divergence")] = _optax_reader(generalized=True)

_CLIP = {"torch": "{a}.clamp(1e-7, 1)", "jax": "jnp.clip({a}, 1e-7, 1)"}
_LOG = {"torch": "torch.log({a})", "jax": "jnp.log({a})"}


def _summed(spec, target):
    """optax's per-sample sum over its axis, of torch's elementwise terms (plus exp(x) - y for the
    generalized divergence) written in ``target`` (torch or Keras)."""
    p = spec.params
    axis = p["sum_axis"]
    if target.startswith("torch"):
        opts = ", log_target=True" if p["log_target"] else ""
        terms = (f"torch.nn.KLDivLoss(reduction='none'{opts})({spec.x}, {spec.y})" if target == "torch.nn" else
                 f"torch.nn.functional.kl_div({spec.x}, {spec.y}, reduction='none'{opts})")
        if p["generalized"]:
            terms = f"({terms} + torch.exp({spec.x}) - {spec.y})"
        return f"{terms}.sum()" if axis is None else f"{terms}.sum({r(axis)})"
    if p["log_target"] or p["generalized"] or axis != -1:
        no("keras.losses.kl_divergence takes probabilities over the last axis; optax's "
           + ("log targets" if p["log_target"] else "generalized divergence" if p["generalized"]
              else f"axis={axis!r}") + " has no Keras form")
    return f"keras.losses.kl_divergence({spec.y}, keras.ops.exp({spec.x}))"


def _torch(target):
    def write(spec):
        p = spec.params
        if "sum_axis" in p:
            return _summed(spec, target)
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
    if "sum_axis" in p:
        return _summed(spec, "keras.losses")
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


# -- Poisson negative log-likelihood ----------------------------------------------------------------
#
# Concept ``poisson``, elementwise, with ``x``: "log" (a log-rate: exp(x) - y x) or "rate"
# (x - y log(x + eps)); ``eps`` (PyTorch 1e-8, Keras 1e-7); ``full`` (the Stirling term, which
# PyTorch adds where the target is above 1 and TensorFlow where it is not in [0, 1]).


def _poisson_torch(source, options):
    names = source.names()
    log = bool(options.get("log_input", True))
    return Spec("poisson", {"x": names["input"], "y": names["target"]},
                {"x": "log" if log else "rate", "eps": options.get("eps", 1e-8), "full": bool(options.get("full"))})


def _poisson_keras(source, options):
    names = source.names()
    return Spec("poisson", {"x": names["input"], "y": names["target"]}, {"x": "rate", "eps": 1e-7, "full": False})


def _poisson_tfnn(source, options):
    names = source.names()
    return Spec("poisson", {"x": names["log_input"], "y": names["target"]},
                {"x": "log", "eps": None, "full": bool(options.get("compute_full_loss"))})


for _iface in ("torch.nn.functional", "torch.nn"):
    READERS[(_iface, "poisson_nll_loss")] = READERS[(_iface, "PoissonNLLLoss")] = _poisson_torch
READERS[("keras.losses", "poisson")] = READERS[("keras.losses", "Poisson")] = _poisson_keras
READERS[("tf.nn", "log_poisson_loss")] = _poisson_tfnn


def _poisson_to_torch(target):
    def write(spec):
        p = spec.params
        opts = {}
        if p["x"] == "rate":
            opts["log_input"] = "False"
            if p["eps"] != 1e-8:
                opts["eps"] = r(p["eps"])
        if p["full"]:
            opts["full"] = "True"
        return torch_call(target, "poisson_nll_loss", "PoissonNLLLoss", [spec.x, spec.y], opts, spec)

    return write


def _poisson_to_keras(spec):
    p = spec.params
    if p["full"]:
        no("keras.losses.poisson has no Stirling term")
    rate = spec.x if p["x"] == "rate" else f"keras.ops.exp({spec.x})"
    from ._targets import keras_call

    args = [spec.y, rate]
    return keras_call("poisson", "Poisson", args, {}, spec)


def _poisson_to_tfnn(spec):
    p = spec.params
    log = spec.x if p["x"] == "log" else f"tf.math.log({spec.x} + {p['eps']!r})"
    full = ", compute_full_loss=True" if p["full"] else ""
    return written(f"tf.nn.log_poisson_loss({spec.y}, {log}{full})", "tensorflow", spec, spec.x)


WRITERS[("poisson", "torch.nn.functional")] = _poisson_to_torch("torch.nn.functional")
WRITERS[("poisson", "torch.nn")] = _poisson_to_torch("torch.nn")
WRITERS[("poisson", "keras.losses")] = _poisson_to_keras
WRITERS[("poisson", "tf.nn")] = _poisson_to_tfnn
for _t in ("tf.compat.v1.losses", "torchvision.ops", "optax.losses"):
    WRITERS[("poisson", _t)] = lambda spec, _t=_t: no(f"{_t} has no Poisson negative log-likelihood")
