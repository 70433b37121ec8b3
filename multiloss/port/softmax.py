"""Translations of the softmax cross-entropy family (and PyTorch's nll_loss).

Concept ``softmax_ce``, one loss per sample, with the options:

- ``x``: "logits", "probs" (Keras without from_logits: renormalised over the classes and clipped
  to [1e-7, 1 - 1e-7] before the log) or "log_probs" (nll_loss's input);
- ``y``: "index" (class indices) or "dense" (a distribution over the classes);
- ``smoothing``: label smoothing ``y (1 - e) + e / C``, the same formula in every interface;
- ``weight``: PyTorch's class weights (a loss is weighted by its target class; the mean divides
  by the sum of the weights it used); ``ignore``: a class index whose samples count for nothing,
  the mean dividing by the others (PyTorch's ignore_index, Keras' ignore_class);
- ``axis``: the class axis, 1 for PyTorch (N, C, d1, ...), -1 elsewhere.

A target without an option writes it out: a one-hot, a mask for the ignored index, a gather of
the class weights, the division of a mean, a transposition of the class axis.
"""

from __future__ import annotations

from ._ir import OPS, Spec, reduce_written
from ._targets import kwargs_text, natural, no, r, tf_reduction

_TORCH_IGNORE = -100


def _torch_reader(fn_kind):
    def read(source, options):
        names = source.names()
        entry = source.entry
        dense = entry.inputs.startswith("class_probabilities")
        y_role = entry.call[1]
        ignore = options.get("ignore_index", _TORCH_IGNORE)
        params = {"x": "log_probs" if fn_kind == "nll" else "logits", "y": "dense" if dense else "index",
                  "smoothing": max(float(options.get("label_smoothing", 0.0)), 0.0),
                  "weight": _name(options.get("weight")), "ignore": None if dense else ignore,
                  # the class axis: 1 of (N, C, ...), the only one of an unbatched (C,)
                  "axis": -1 if entry.inputs.endswith("unbatched") else 1}
        return Spec("softmax_ce", {"x": names[entry.call[0]], "y": names[y_role]}, params, granularity="sample")

    return read


def _name(value):
    return getattr(value, "text", value)


def _keras_reader(dense):
    def read(source, options):
        names = source.names()
        entry = source.entry
        params = {"x": "logits" if options.get("from_logits") else "probs", "y": "dense" if dense else "index",
                  "smoothing": float(options.get("label_smoothing", 0.0)), "weight": None,
                  "ignore": options.get("ignore_class"), "axis": options.get("axis", -1)}
        return Spec("softmax_ce", {"x": names["prediction"], "y": names[entry.call[0]]}, params, granularity="sample")

    return read


def _tf_reader(dense, v1):
    def read(source, options):
        names = source.names()
        entry = source.entry
        params = {"x": "logits", "y": "dense" if dense else "index",
                  "smoothing": float(options.get("label_smoothing", 0.0)) if v1 else 0.0, "weight": None,
                  "ignore": None, "axis": options.get("axis", -1)}
        return Spec("softmax_ce", {"x": names["prediction"], "y": names[entry.call[0]]}, params, granularity="sample")

    return read


def _optax_reader(dense):
    """optax's cross-entropies on logits, unreduced; safe_softmax_cross_entropy is the same sum
    guarded against logits of -inf (the measured claim says where it differs)."""

    def read(source, options):
        names = source.names()
        if options.get("where") is not None:
            no("optax's where= leaves classes out of the softmax and of the sum; no other interface has a "
               "mask of classes")
        params = {"x": "logits", "y": "dense" if dense else "index", "smoothing": 0.0, "weight": None,
                  "ignore": None, "axis": options.get("axis", -1)}
        return Spec("softmax_ce", {"x": names["logits"], "y": names[source.entry.call[1]]}, params,
                    granularity="sample")

    return read


def _poly_reader(source, options):
    """optax's Poly-1 cross-entropy: the softmax cross-entropy plus ``epsilon sum(y (1 - softmax(x)))``."""
    spec = _optax_reader(True)(source, options)
    spec.params["poly"] = float(options.get("epsilon", 2.0))
    return spec


READERS = {}
READERS[("optax.losses", "poly_loss_cross_entropy")] = _poly_reader
READERS[("optax.losses", "softmax_cross_entropy")] = _optax_reader(True)
READERS[("optax.losses", "safe_softmax_cross_entropy")] = _optax_reader(True)
READERS[("optax.losses", "softmax_cross_entropy_with_integer_labels")] = _optax_reader(False)
for _iface in ("torch.nn.functional", "torch.nn"):
    READERS[(_iface, "cross_entropy")] = READERS[(_iface, "CrossEntropyLoss")] = _torch_reader("ce")
    READERS[(_iface, "nll_loss")] = READERS[(_iface, "NLLLoss")] = _torch_reader("nll")
READERS[("keras.losses", "categorical_crossentropy")] = READERS[("keras.losses", "CategoricalCrossentropy")] = \
    _keras_reader(True)
READERS[("keras.losses", "sparse_categorical_crossentropy")] = \
    READERS[("keras.losses", "SparseCategoricalCrossentropy")] = _keras_reader(False)
READERS[("tf.compat.v1.losses", "softmax_cross_entropy")] = _tf_reader(True, True)
READERS[("tf.compat.v1.losses", "sparse_softmax_cross_entropy")] = _tf_reader(False, True)
READERS[("tf.nn", "softmax_cross_entropy_with_logits")] = _tf_reader(True, False)
READERS[("tf.nn", "sparse_softmax_cross_entropy_with_logits")] = _tf_reader(False, False)


# -- the pieces written in each framework ---------------------------------------------------------

_ONE_HOT = {"torch": "torch.nn.functional.one_hot({y}, {x}.shape[{axis}]).to({x}.dtype)",
            "tensorflow": "tf.one_hot({y}, tf.shape({x})[{axis}], dtype={x}.dtype)",
            "keras": "keras.ops.one_hot({y}, keras.ops.shape({x})[{axis}], dtype={x}.dtype)",
            "jax": "jax.nn.one_hot({y}, {x}.shape[{axis}], dtype={x}.dtype)"}
_KEEP = {"torch": "({y} != {ignore})", "tensorflow": "tf.not_equal({y}, {ignore})",
         "keras": "keras.ops.not_equal({y}, {ignore})", "jax": "({y} != {ignore})"}
_SAFE = {"torch": "torch.where({y} != {ignore}, {y}, 0)", "tensorflow": "tf.where({y} != {ignore}, {y}, 0)",
         "keras": "keras.ops.where({y} != {ignore}, {y}, 0)", "jax": "jnp.where({y} != {ignore}, {y}, 0)"}
_WHERE0 = {"torch": "torch.where({c}, {a}, 0.0)", "tensorflow": "tf.where({c}, {a}, 0.0)",
           "keras": "keras.ops.where({c}, {a}, 0.0)", "jax": "jnp.where({c}, {a}, 0.0)"}
_CAST = {"torch": "{m}.to({x}.dtype)", "tensorflow": "tf.cast({m}, {x}.dtype)",
         "keras": "keras.ops.cast({m}, {x}.dtype)", "jax": "{m}.astype({x}.dtype)"}
# Keras' probabilities: renormalised over the classes, clipped, then the log.
_LOG_PROBS = {"torch": "torch.log(({x} / {x}.sum({axis}, keepdim=True)).clamp(1e-7, 1 - 1e-7))",
              "tensorflow": "tf.math.log(tf.clip_by_value({x} / tf.reduce_sum({x}, {axis}, keepdims=True), 1e-7, 1 - 1e-7))",
              "keras": "keras.ops.log(keras.ops.clip({x} / keras.ops.sum({x}, {axis}, keepdims=True), 1e-7, 1 - 1e-7))",
              "jax": "jnp.log(jnp.clip({x} / jnp.sum({x}, {axis}, keepdims=True), 1e-7, 1 - 1e-7))"}
_MOVE = {"torch": "{x}.movedim({a}, {b})", "tensorflow": "tf.experimental.numpy.moveaxis({x}, {a}, {b})",
         "keras": "keras.ops.moveaxis({x}, {a}, {b})", "jax": "jnp.moveaxis({x}, {a}, {b})"}


def _smooth(fw, y, e, x, axis):
    return f"{y} * {1 - e!r} + {e!r} / {'tf.cast(tf.shape(' + x + ')[' + str(axis) + '], ' + x + '.dtype)' if fw == 'tensorflow' else x + '.shape[' + str(axis) + ']'}"


class _Plan:
    """The source's per-sample loss and mean, in pieces a target assembles: the logits (a log of
    clipped probabilities for Keras' probabilities), the target (a one-hot where the target takes
    distributions), the mask of an ignored class and the per-sample weight of class weights."""

    def __init__(self, spec, fw, target_axis, target_dense):
        p = spec.params
        self.spec, self.fw = spec, fw
        x, y = spec.x, spec.y
        axis = p["axis"]
        if p["x"] == "probs":
            x = _LOG_PROBS[fw].format(x=x, axis=axis)
        if axis != target_axis:  # the class axis where the target wants it
            x = _MOVE[fw].format(x=f"({x})" if p["x"] == "probs" else x, a=axis, b=target_axis)
            if p["y"] == "dense":
                y = _MOVE[fw].format(x=y, a=axis, b=target_axis)
        self.keep = None
        if p["y"] == "index" and p["ignore"] is not None:
            self.keep = _KEEP[fw].format(y=spec.y, ignore=p["ignore"])
            self.safe_y = _SAFE[fw].format(y=y, ignore=p["ignore"])
        else:
            self.safe_y = y
        self.x, self.y, self.axis = x, y, target_axis
        self.dense_y = None
        if target_dense or p["smoothing"]:
            dense = y if p["y"] == "dense" else _ONE_HOT[fw].format(y=self.safe_y, x=spec.x, axis=axis)
            if p["smoothing"]:
                dense = f"({_smooth(fw, dense, p['smoothing'], spec.x, axis)})"
            self.dense_y = dense

    def finish(self, per_sample):
        """The per-sample loss masked and weighted as the source does, then reduced."""
        spec, fw, p = self.spec, self.fw, self.spec.params
        weight = None
        if p["weight"] is not None:
            if p["y"] == "dense":
                no("class weights on class probabilities weigh each class's term")
            weight = _gather(fw, p["weight"], self.safe_y)
            per_sample = f"{per_sample} * {weight}"
        if self.keep is not None:
            per_sample = _WHERE0[fw].format(c=self.keep, a=per_sample)
        red = spec.reduce
        if red.vocab == "torch" and red.mode == "mean" and (weight or self.keep):
            denominator = weight if weight else _CAST[fw].format(m=self.keep, x=spec.x)
            if weight and self.keep:
                denominator = _WHERE0[fw].format(c=self.keep, a=weight)
            return f"{OPS[fw].sum(per_sample)} / {OPS[fw].sum(denominator)}"
        if red.vocab == "keras" and self.keep is not None and red.mode in ("sum_over_batch_size", "mean") \
                and red.weight is None:
            kept = OPS[fw].sum(_CAST[fw].format(m=self.keep, x=spec.x))
            return OPS[fw].div_no_nan(OPS[fw].sum(per_sample), kept)
        if natural(spec) == "mean" and self.keep is None:
            return OPS[fw].mean(per_sample)
        like = spec.y if p["y"] == "index" else f"{spec.y}[..., 0]"
        return reduce_written(per_sample, spec, OPS[fw], like)


def _gather(fw, w, y):
    return {"torch": f"{w}[{y}]", "tensorflow": f"tf.gather({w}, {y})", "keras": f"keras.ops.take({w}, {y})",
            "jax": f"{w}[{y}]"}[fw]


def _torch(target):
    def write(spec):
        p = spec.params
        if spec.source_interface in ("torch.nn.functional", "torch.nn") or (p["x"] == "logits" and not _needs_written(spec)):
            return _torch_native(spec, target)
        plan = _Plan(spec, "torch", 1, False)
        if p["x"] == "probs" and p["y"] == "index":
            loss = _torch_fn(target, "nll_loss", "NLLLoss", [plan.x, plan.safe_y], {"reduction": r("none")})
        else:
            y = plan.dense_y or plan.y
            loss = _torch_fn(target, "cross_entropy", "CrossEntropyLoss", [plan.x, y], {"reduction": r("none")})
        return plan.finish(loss)

    return write


def _needs_written(spec):
    """Whether a non-torch source's semantics need more than torch's own arguments."""
    p, red = spec.params, spec.reduce
    return (p["axis"] != 1 and p["axis"] != -1) or red.weight is not None or natural(spec) not in ("mean", "sum", "none") \
        or (p["ignore"] is not None and red.vocab == "keras" and red.mode not in ("sum_over_batch_size", "mean"))


def _torch_fn(target, fn, cls, args, opts):
    if target == "torch.nn":
        return f"torch.nn.{cls}({kwargs_text(opts)[2:]})({', '.join(args)})"
    return f"torch.nn.functional.{fn}({', '.join(args)}{kwargs_text(opts)})"


def _torch_native(spec, target):
    """torch's cross_entropy / nll_loss with the options it has: the source's own semantics."""
    p = spec.params
    opts = {}
    if p["weight"] is not None:
        opts["weight"] = p["weight"]
    if p["ignore"] is not None and p["ignore"] != _TORCH_IGNORE:
        opts["ignore_index"] = r(p["ignore"])
    if p["smoothing"]:
        opts["label_smoothing"] = r(p["smoothing"])
    x, y = spec.x, spec.y
    if p["axis"] != 1 and not (spec.source_interface.startswith("torch")):
        x = f"{x}.movedim(-1, 1)" if p["axis"] == -1 else x
        if p["y"] == "dense":
            y = f"{y}.movedim(-1, 1)"
    mode = natural(spec) if spec.reduce.vocab != "none" else "none"
    if spec.reduce.vocab == "torch":
        mode = spec.reduce.mode
    if mode != "mean":
        opts["reduction"] = r(mode)
    fn, cls = ("nll_loss", "NLLLoss") if p["x"] == "log_probs" else ("cross_entropy", "CrossEntropyLoss")
    return _torch_fn(target, fn, cls, [x, y], opts)


def _others(target):
    fw = {"keras.losses": "keras", "tf.compat.v1.losses": "tensorflow", "tf.nn": "tensorflow",
          "optax.losses": "jax"}[target]

    def write(spec):
        p = spec.params
        if p["x"] == "log_probs":
            no(f"{target} has no negative log-likelihood of given log-probabilities: its cross-entropy takes "
               f"logits and normalises them (the same only where the input is already a log-softmax)")
        plan = _Plan(spec, fw, -1, p["y"] == "dense" or bool(p["smoothing"]))
        x = plan.x
        if p["x"] == "probs" and target == "keras.losses":
            x = spec.x
        dense = plan.dense_y is not None
        y = plan.dense_y if dense else plan.safe_y
        if target == "keras.losses":
            fn = "categorical_crossentropy" if dense else "sparse_categorical_crossentropy"
            logits = "" if p["x"] == "probs" else ", from_logits=True"
            loss = f"keras.losses.{fn}({y}, {x}{logits})"
        elif target == "tf.compat.v1.losses":
            fn = "softmax_cross_entropy" if dense else "sparse_softmax_cross_entropy"
            loss = f"tf.compat.v1.losses.{fn}({y}, {x}, reduction={tf_reduction('none')})"
        elif target == "tf.nn":
            loss = _tfnn(None, x, y, dense)
        else:
            fn = "softmax_cross_entropy" if dense else "softmax_cross_entropy_with_integer_labels"
            loss = f"optax.losses.{fn}({x}, {y})"
        if p["weight"] is not None and p["smoothing"]:
            no(f"label smoothing with class weights: torch weighs each class's smoothing term by its weight; "
               f"{target} weighs samples only")
        return plan.finish(loss)

    return write


def _tfnn(spec, x, y, dense):
    fn = "softmax_cross_entropy_with_logits" if dense else "sparse_softmax_cross_entropy_with_logits"
    axis = ""
    if spec is not None and spec.params["axis"] not in (-1,):
        axis = f", axis={spec.params['axis']}"
    return f"tf.nn.{fn}(labels={y}, logits={x}{axis})"


# optax's Poly-1 term sum(y (1 - softmax(x))), in each framework's ops (1 - p_t only where y sums to 1)
_ONE_MINUS_PT = {"torch": "({y} * (1 - torch.softmax({x}, {axis}))).sum({axis})",
                 "tensorflow": "tf.reduce_sum({y} * (1 - tf.nn.softmax({x}, axis={axis})), axis={axis})",
                 "keras": "keras.ops.sum({y} * (1 - keras.ops.softmax({x}, axis={axis})), axis={axis})"}
_FW = {"torch.nn.functional": "torch", "torch.nn": "torch", "keras.losses": "keras",
       "tf.compat.v1.losses": "tensorflow", "tf.nn": "tensorflow"}


def _with_poly(target, write):
    """The cross-entropy's translation plus optax's Poly-1 term (the source is unreduced)."""

    def poly(spec):
        epsilon = spec.params.get("poly")
        call = write(spec)
        if epsilon is None:
            return call
        term = _ONE_MINUS_PT[_FW[target]].format(y=spec.y, x=spec.x, axis=spec.params["axis"])
        return f"{call} + {epsilon!r} * {term}"

    return poly


WRITERS = {("softmax_ce", "torch.nn.functional"): _with_poly("torch.nn.functional", _torch("torch.nn.functional")),
           ("softmax_ce", "torch.nn"): _with_poly("torch.nn", _torch("torch.nn"))}
for _t in ("keras.losses", "tf.compat.v1.losses", "tf.nn"):
    WRITERS[("softmax_ce", _t)] = _with_poly(_t, _others(_t))
WRITERS[("softmax_ce", "optax.losses")] = _others("optax.losses")


def _torchvision(spec):
    no("torchvision.ops has no softmax cross-entropy")


WRITERS[("softmax_ce", "torchvision.ops")] = _torchvision
