"""Translations of the cosine similarity and distance between two arrays of vectors.

Concept ``cosine``, one value per vector pair: ``scale * cos + offset`` with ``form`` "similarity"
(optax's cosine_similarity: ``cos``), "negative" (Keras' cosine_similarity: ``-cos``), "distance"
(optax's cosine_distance: ``1 - cos``); ``axis`` the vectors' axis; ``eps`` the floor of each
squared norm (optax's epsilon, 0 by default; Keras floors the norm at 1e-7, the squared norm at
1e-14). TF v1's cosine_distance, ``1 - sum(labels * predictions)``, does not normalise: it is the
cosine distance only of unit vectors, so it is written for normalised inputs and read as nothing else.
"""

from __future__ import annotations

from ._ir import OPS, Spec, reduce_written
from ._targets import no, r, tf_reduction

_KERAS_EPS = 1e-14  # keras.ops.normalize: x * min(rsqrt(sum x**2), 1 / 1e-7)


def _keras_reader(source, options):
    names = source.names()
    return Spec("cosine", {"x": names["prediction"], "y": names["target"]},
                {"form": "negative", "axis": options.get("axis", -1), "eps": _KERAS_EPS}, granularity="sample")


def _optax_reader(form):
    def read(source, options):
        names = source.names()
        if options.get("where") is not None:
            no("optax's where= leaves elements out of the norms and the sum; no other interface has a mask")
        return Spec("cosine", {"x": names["prediction"], "y": names["target"]},
                    {"form": form, "axis": options.get("axis", -1), "eps": float(options.get("epsilon", 0.0))},
                    granularity="sample")

    return read


def _v1_reader(source, options):
    no("tf.compat.v1.losses.cosine_distance does not normalise its inputs (1 - sum(labels * predictions)); "
       "the other interfaces' cosines do, so they equal it only on unit vectors")


READERS = {("keras.losses", "cosine_similarity"): _keras_reader, ("keras.losses", "CosineSimilarity"): _keras_reader,
           ("optax.losses", "cosine_similarity"): _optax_reader("similarity"),
           ("optax.losses", "cosine_distance"): _optax_reader("distance"),
           ("tf.compat.v1.losses", "cosine_distance"): _v1_reader}


def _from_cos(cos, form):
    """The source's value from the target's cosine ``cos``."""
    return {"similarity": cos, "negative": f"-{cos}", "distance": f"1 - {cos}"}[form]


def _from_negative(neg, form):
    """The source's value from Keras' ``-cos``."""
    return {"similarity": f"-{neg}", "negative": neg, "distance": f"1 + {neg}"}[form]


def _from_distance(dist, form):
    """The source's value from the target's ``1 - cos``."""
    return {"similarity": f"1 - {dist}", "negative": f"{dist} - 1", "distance": dist}[form]


def _int_axis(spec, target):
    axis = spec.params["axis"]
    if not isinstance(axis, int):
        no(f"{target}'s cosine takes one axis; optax's axis={axis!r} spans several")
    return axis


def _reduced(value, spec, fw):
    like = f"{spec.y}[..., 0]" if spec.params["axis"] == -1 else None
    if spec.reduce.vocab == "none":
        return value
    if like is None:
        no("the reduction of a cosine over an axis other than the last is written only for its own interface")
    return reduce_written(value, spec, OPS[fw], like)


def _optax(spec):
    p = spec.params
    axis = "" if p["axis"] == -1 else f", axis={r(p['axis'])}"
    cos = f"optax.losses.cosine_similarity({spec.x}, {spec.y}, epsilon={r(p['eps'])}{axis})"
    return _reduced(_from_cos(cos, p["form"]), spec, "jax")


def _keras(spec):
    p = spec.params
    axis = _int_axis(spec, "keras.losses")
    if p["eps"] != _KERAS_EPS:
        no(f"keras.losses.cosine_similarity floors the norms at 1e-7 (its squared norms at 1e-14); "
           f"epsilon={p['eps']!r} floors the squared norms at {p['eps']!r}, and a zero vector gives "
           + ("NaN" if p["eps"] == 0 else "another value"))
    axis_kw = "" if axis == -1 else f", axis={axis}"
    neg = f"keras.losses.cosine_similarity({spec.y}, {spec.x}{axis_kw})"
    return _reduced(_from_negative(neg, p["form"]), spec, "keras")


def _tfv1(spec):
    """TF v1's distance of the vectors normalised as the source does (tf.math.l2_normalize floors
    the squared norm at its epsilon), the kept axis squeezed."""
    p = spec.params
    axis = _int_axis(spec, "tf.compat.v1.losses")
    if p["eps"] == 0:
        no("optax's epsilon=0 divides by a zero norm (NaN); tf.math.l2_normalize floors the squared norm")
    unit = "tf.math.l2_normalize({a}, axis={axis}, epsilon={eps})"
    y, x = (unit.format(a=a, axis=axis, eps=r(p["eps"])) for a in (spec.y, spec.x))
    dist = (f"tf.squeeze(tf.compat.v1.losses.cosine_distance({y}, {x}, axis={axis}, "
            f"reduction={tf_reduction('none')}), axis={axis})")
    return _reduced(_from_distance(dist, p["form"]), spec, "tensorflow")


def _none_for(target):
    def write(spec):
        no(f"{target} has no cosine similarity loss")

    return write


WRITERS = {("cosine", "optax.losses"): _optax, ("cosine", "keras.losses"): _keras,
           ("cosine", "tf.compat.v1.losses"): _tfv1}
for _t in ("torch.nn.functional", "torch.nn", "tf.nn", "torchvision.ops"):
    WRITERS[("cosine", _t)] = _none_for(_t)
