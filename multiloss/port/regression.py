"""Translations of the regression family: mean squared error, mean absolute error, Huber and
smooth L1 (Huber / beta), log-cosh.

Concepts and options: ``mse`` (``half``: optax's l2_loss), ``mae``, ``huber`` (``delta``), ``smooth_l1`` (``beta``: Huber with
delta = beta, divided by beta; beta = 0 is the absolute error), ``log_cosh``. Every loss here is
elementwise; Keras means it over the last axis per sample before reducing. ``half_sum_of_squares``
is tf.nn.l2_loss, one array's squares summed and halved.
"""

from __future__ import annotations

from ._ir import Spec
from ._targets import keras_call, no, r, tfv1_call, torch_call, written


def _spec(concept, x, y, **params):
    def read(source, options):
        names = source.names()
        extra = {k: options.get(k, default) for k, default in params.items()}
        return Spec(concept, {"x": names[x], "y": names[y]}, extra)

    return read


_TORCH = {"mse_loss": "mse", "MSELoss": "mse", "l1_loss": "mae", "L1Loss": "mae"}
_KERAS = {"mean_squared_error": "mse", "MeanSquaredError": "mse", "mean_absolute_error": "mae",
          "MeanAbsoluteError": "mae", "log_cosh": "log_cosh", "LogCosh": "log_cosh"}

READERS = {}
for _name, _concept in _TORCH.items():
    for _iface in ("torch.nn.functional", "torch.nn"):
        # torch's weighted mse_loss and l1_loss mean divides by the sum of the weights (huber_loss's by the count)
        READERS[(_iface, _name)] = _spec(_concept, "prediction", "target", weighted_mean="by weights")
for _iface in ("torch.nn.functional", "torch.nn"):
    READERS[(_iface, "huber_loss")] = READERS[(_iface, "HuberLoss")] = _spec("huber", "prediction", "target", delta=1.0)
    READERS[(_iface, "smooth_l1_loss")] = READERS[(_iface, "SmoothL1Loss")] = _spec("smooth_l1", "prediction", "target",
                                                                                    beta=1.0)
for _name, _concept in _KERAS.items():
    READERS[("keras.losses", _name)] = _spec(_concept, "prediction", "target")
READERS[("keras.losses", "huber")] = READERS[("keras.losses", "Huber")] = _spec("huber", "prediction", "target", delta=1.0)
READERS[("tf.compat.v1.losses", "mean_squared_error")] = _spec("mse", "prediction", "target")
READERS[("tf.compat.v1.losses", "absolute_difference")] = _spec("mae", "prediction", "target")
READERS[("tf.compat.v1.losses", "huber_loss")] = _spec("huber", "prediction", "target", delta=1.0)
# optax's are elementwise and unreduced; its l2_loss is half the squared error
READERS[("optax.losses", "squared_error")] = _spec("mse", "prediction", "target")
READERS[("optax.losses", "l2_loss")] = _spec("mse", "prediction", "target", half=True)
READERS[("optax.losses", "huber_loss")] = _spec("huber", "prediction", "target", delta=1.0)
READERS[("optax.losses", "log_cosh")] = _spec("log_cosh", "prediction", "target")


def _tf_l2_loss(source, options):
    return Spec("half_sum_of_squares", {"x": source.names()["prediction"]})


READERS[("tf.nn", "l2_loss")] = _tf_l2_loss


def _as_huber(spec):
    """smooth L1 as Huber: (delta, divisor); beta = 0 is the absolute error (delta None)."""
    if spec.concept == "huber":
        return spec.params["delta"], None
    beta = spec.params["beta"]
    return (None, None) if beta == 0 else (beta, beta)


def _scaled(call, divisor):
    return call if divisor is None else f"{call} / {r(divisor)}"


def _halved(write):
    """optax's l2_loss: the squared error's translation divided by 2 (a scale commutes with every
    reduction)."""

    def halved(spec):
        call = write(spec)
        return _scaled(call, 2) if spec.concept == "mse" and spec.params.get("half") else call

    return halved


def _torch(target):
    def write(spec):
        p, t = spec.x, spec.y
        if spec.concept == "smooth_l1":
            opts = {} if spec.params["beta"] == 1.0 else {"beta": r(spec.params["beta"])}
            return torch_call(target, "smooth_l1_loss", "SmoothL1Loss", [p, t], opts, spec)
        if spec.concept == "huber":
            opts = {} if spec.params["delta"] == 1.0 else {"delta": r(spec.params["delta"])}
            return torch_call(target, "huber_loss", "HuberLoss", [p, t], opts, spec, weight_kw="weight")
        if spec.concept == "log_cosh":
            no("torch has no log-cosh loss")
        fn, cls = {"mse": ("mse_loss", "MSELoss"), "mae": ("l1_loss", "L1Loss")}[spec.concept]
        return torch_call(target, fn, cls, [p, t], {}, spec, weight_kw="weight")

    return write


_KERAS_NAMES = {"mse": ("mean_squared_error", "MeanSquaredError"), "mae": ("mean_absolute_error", "MeanAbsoluteError"),
                "huber": ("huber", "Huber"), "log_cosh": ("log_cosh", "LogCosh")}


def _keras(spec):
    p, t = spec.x, spec.y
    delta, divisor = _as_huber(spec) if spec.concept in ("huber", "smooth_l1") else (None, None)
    concept = "mae" if spec.concept == "smooth_l1" and delta is None else spec.concept
    concept = "huber" if concept == "smooth_l1" else concept
    fn, cls = _KERAS_NAMES[concept]
    opts = {"delta": r(delta)} if concept == "huber" and delta != 1.0 else {}
    return _scaled(keras_call(fn, cls, [t, p], opts, spec), divisor)


_TF_NAMES = {"mse": "mean_squared_error", "mae": "absolute_difference", "huber": "huber_loss"}


def _tfv1(spec):
    p, t = spec.x, spec.y
    delta, divisor = _as_huber(spec) if spec.concept in ("huber", "smooth_l1") else (None, None)
    concept = {"smooth_l1": "huber" if delta is not None else "mae"}.get(spec.concept, spec.concept)
    if concept == "log_cosh":
        no("tf.compat.v1.losses has no log-cosh loss")
    opts = {"delta": r(delta)} if concept == "huber" and delta != 1.0 else {}
    return _scaled(tfv1_call(_TF_NAMES[concept], [t, p], opts, spec, p), divisor)


def _optax(spec):
    p, t = spec.x, spec.y
    if spec.concept == "mae":
        no("optax.losses has no absolute error")
    if spec.concept == "mse":
        fn = "l2_loss" if spec.params.get("half") else "squared_error"
        return written(f"optax.losses.{fn}({p}, {t})", "jax", spec, p)
    if spec.concept == "log_cosh":
        return written(f"optax.losses.log_cosh({p}, {t})", "jax", spec, p)
    delta, divisor = _as_huber(spec)
    if delta is None:
        no("optax.losses has no absolute error (smooth L1 with beta = 0)")
    loss = f"optax.losses.huber_loss({p}, {t}" + (f", delta={r(delta)})" if delta != 1.0 else ")")
    return _scaled(written(loss, "jax", spec, p), divisor)


def _none_for(target, what):
    def write(spec):
        no(f"{target} has no {what} loss")

    return write


def _tfnn(spec):
    if spec.concept == "mse" and spec.params.get("half"):
        no("tf.nn.l2_loss sums half the squares of one array to a single number; optax's l2_loss is "
           "elementwise, and tf.nn has no elementwise form")
    no("tf.nn has no regression loss")


def _half_sum_optax(spec):
    """tf.nn.l2_loss(x) = sum(x ** 2) / 2: optax's l2_loss of x alone, summed."""
    return f"jnp.sum(optax.losses.l2_loss({spec.x}))"


WRITERS = {}
for _concept in ("mse", "mae", "huber", "smooth_l1", "log_cosh"):
    WRITERS[(_concept, "torch.nn.functional")] = _halved(_torch("torch.nn.functional"))
    WRITERS[(_concept, "torch.nn")] = _halved(_torch("torch.nn"))
    WRITERS[(_concept, "keras.losses")] = _halved(_keras)
    WRITERS[(_concept, "tf.compat.v1.losses")] = _halved(_tfv1)
    WRITERS[(_concept, "optax.losses")] = _optax
    WRITERS[(_concept, "tf.nn")] = _tfnn
    WRITERS[(_concept, "torchvision.ops")] = _none_for("torchvision.ops", "regression")
WRITERS[("half_sum_of_squares", "optax.losses")] = _half_sum_optax
