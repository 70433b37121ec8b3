"""Writing a call in each target interface: argument order, the option spellings, and the
choice between the target's own reduction and one written out in its ops."""

from __future__ import annotations

from ._ir import OPS, NoTranslation, reduce_written

TARGETS = ("torch.nn.functional", "torch.nn", "keras.losses", "tf.compat.v1.losses", "tf.nn",
           "torchvision.ops", "optax.losses", "multiloss")

# The framework whose arrays a target's call takes (Keras runs on TensorFlow, its reference backend).
FRAMEWORK = {"torch.nn.functional": "torch", "torch.nn": "torch", "torchvision.ops": "torch",
             "keras.losses": "tensorflow", "tf.compat.v1.losses": "tensorflow", "tf.nn": "tensorflow",
             "optax.losses": "jax"}


def natural(spec):
    """The reduction the source applies when it is one every interface has by name: "mean" (also
    Keras' and TF v1's defaults without weights, which differ from a mean only over an empty
    batch), "sum", "none" (elementwise); None where it must be written out."""
    r = spec.reduce
    if r.weight is not None:
        return None
    if r.vocab == "torch" and r.mode in ("mean", "sum", "none"):
        return r.mode
    if r.vocab == "keras" and r.mode in ("sum_over_batch_size", "mean", "mean_with_sample_weight"):
        return "mean"
    if r.vocab == "tfv1" and r.mode in ("weighted_sum_by_nonzero_weights", "weighted_mean",
                                        "weighted_sum_over_batch_size"):
        return "mean"
    if r.vocab == "tfv1" and r.mode in ("weighted_sum", "none"):
        return {"weighted_sum": "sum", "none": "none"}[r.mode]
    if r.vocab == "keras" and r.mode == "sum" and spec.granularity == "sample":
        return "sum"
    if r.vocab == "keras" and r.mode == "none" and spec.granularity == "sample":
        return "none"
    return None


def kwargs_text(kwargs):
    return "".join(f", {k}={v}" for k, v in kwargs.items())


def r(value):
    """A Python literal as code."""
    from ._parse import lit

    return lit(value)


def torch_call(target, fn, cls, args, options, spec, weight_kw=None):
    """``torch.nn.functional.fn(*args, **options, reduction=...)`` or ``torch.nn.Cls(**options)(*args)``,
    with the source's reduction: torch's own where it is the same, else reduction='none' and the
    reduction written out. ``weight_kw``: the target's elementwise weight argument, if it has one."""
    mode = natural(spec) if not spec.keras_per_sample or natural(spec) == "mean" else None
    opts = dict(options)
    written = False
    if target == "torch.nn":
        weight_kw = None  # the loss classes take no elementwise weight
    if mode is None and spec.reduce.vocab == "torch" and weight_kw and not spec.keras_per_sample:
        mode = spec.reduce.mode if spec.reduce.mode != "batchmean" else None
        if mode is not None:
            opts[weight_kw] = spec.reduce.weight
    if mode is None:
        mode, written = "none", True
    if mode != "mean":
        opts["reduction"] = r(mode)
    if target == "torch.nn":
        call = f"torch.nn.{cls}({kwargs_text(opts)[2:]})({', '.join(args)})"
    else:
        call = f"torch.nn.functional.{fn}({', '.join(args)}{kwargs_text(opts)})"
    return reduce_written(call, spec, OPS["torch"], spec.x) if written else call


def keras_call(fn, cls, args, options, spec, elementwise=True):
    """A Keras loss: the class with the source's own reduction and sample weight when the source is
    a Keras class, the function for a Keras function, else the natural reduction, else the
    elementwise loss (the function on a trailing axis of 1, over which its mean is the identity)
    and the reduction written in keras.ops."""
    r_ = spec.reduce
    opts = kwargs_text(options)
    if r_.vocab == "keras":
        ctor = dict(options)
        if r_.mode != "sum_over_batch_size":
            ctor["reduction"] = r(r_.mode)
        sw = f", sample_weight={r_.weight}" if r_.weight is not None else ""
        return f"keras.losses.{cls}({kwargs_text(ctor)[2:]})({', '.join(args)}{sw})"
    if r_.vocab == "none" and (spec.keras_per_sample or not elementwise):
        return f"keras.losses.{fn}({', '.join(args)}{opts})"
    mode = natural(spec)
    if mode == "mean":
        return f"keras.losses.{cls}({opts[2:]})({', '.join(args)})"
    if not elementwise:
        if mode == "sum":
            return f"keras.losses.{cls}({kwargs_text({**options, 'reduction': r('sum')})[2:]})({', '.join(args)})"
        return reduce_written(f"keras.losses.{fn}({', '.join(args)}{opts})", spec, OPS["keras"], spec.y)
    expanded = [f"{a}[..., None]" for a in args]
    if mode == "sum":
        return f"keras.losses.{cls}({kwargs_text({**options, 'reduction': r('sum')})[2:]})({', '.join(expanded)})"
    elementwise_loss = f"keras.losses.{fn}({', '.join(expanded)}{opts})"
    return reduce_written(elementwise_loss, spec, OPS["keras"], spec.x)


_TF_REDUCTION = {"none": "NONE", "weighted_sum": "SUM", "weighted_mean": "MEAN",
                 "weighted_sum_over_batch_size": "SUM_OVER_BATCH_SIZE",
                 "weighted_sum_by_nonzero_weights": "SUM_BY_NONZERO_WEIGHTS"}


def tf_reduction(mode):
    return f"tf.compat.v1.losses.Reduction.{_TF_REDUCTION[mode]}"


def tfv1_call(fn, args, options, spec, like):
    """A tf.compat.v1.losses function: its own weights and reduction for a TF v1 source, the
    natural reduction, else Reduction.NONE and the reduction written in tf ops."""
    r_ = spec.reduce
    opts = dict(options)
    if r_.vocab == "tfv1":
        if r_.weight is not None:
            opts["weights"] = r_.weight
        if r_.mode != "weighted_sum_by_nonzero_weights":
            opts["reduction"] = tf_reduction(r_.mode)
        return f"tf.compat.v1.losses.{fn}({', '.join(args)}{kwargs_text(opts)})"
    mode = natural(spec) if not spec.keras_per_sample or natural(spec) == "mean" else None
    if mode is not None:
        if mode != "mean":
            opts["reduction"] = tf_reduction({"sum": "weighted_sum", "none": "none"}[mode])
        return f"tf.compat.v1.losses.{fn}({', '.join(args)}{kwargs_text(opts)})"
    if r_.vocab == "torch" and r_.weight is not None and not spec.keras_per_sample and r_.mode != "batchmean":
        # torch's elementwise weight is TF v1's weights; its weighted means are TF v1's MEAN (by the
        # sum of the weights) or SUM_OVER_BATCH_SIZE (by the count)
        by_weights = spec.params.get("weighted_mean") == "by weights"
        opts["weights"] = r_.weight
        opts["reduction"] = tf_reduction({"none": "none", "sum": "weighted_sum",
                                          "mean": "weighted_mean" if by_weights else "weighted_sum_over_batch_size"}
                                         [r_.mode])
        return f"tf.compat.v1.losses.{fn}({', '.join(args)}{kwargs_text(opts)})"
    opts["reduction"] = tf_reduction("none")
    return reduce_written(f"tf.compat.v1.losses.{fn}({', '.join(args)}{kwargs_text(opts)})", spec, OPS["tensorflow"], like)


def written(loss, framework, spec, like):
    """An unreduced loss with the source's reduction written in ``framework``'s ops."""
    mode = natural(spec)
    if mode == "mean":  # Keras' mean of per-sample means is the mean too
        return OPS[framework].mean(loss)
    if mode == "sum" and not spec.keras_per_sample:
        return OPS[framework].sum(loss)
    if mode == "none" and not spec.keras_per_sample:
        return loss
    return reduce_written(loss, spec, OPS[framework], like)


def no(reason):
    raise NoTranslation(reason)
