"""``multiloss plot``: losses and their gradients, drawn against the residual or the logit margin.

    multiloss plot huber_loss:delta=0.1 huber_loss:delta=10 mse_loss l1_loss -o regression.png

Each argument is a catalog name (``huber_loss``, or ``tf.losses.huber_loss`` to pick
an interface) and, after a colon, options separated by commas
(``sigmoid_focal_loss:alpha=-1,gamma=2``). A regression loss is drawn against the
residual ``prediction - target`` (target 0); a classification loss against the logit
margin ``m``: the logit of a positive target (binary), or the true class's logit minus
the other's (two classes); a loss that takes probabilities gets ``sigmoid(m)`` or
``softmax``, unless ``from_logits=True``. Each point is one sample, so every reduction
gives the per-sample loss. Values come from NumPy; gradients from an installed
autodiff framework (torch, else JAX). Drawing needs matplotlib (the ``plot`` extra).
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
from dataclasses import dataclass

import numpy as np

from . import catalog, namespace_of

RESIDUAL = "residual (prediction - target)"
MARGIN = "logit margin (positive class's logit minus the other's)"


@dataclass
class Curve:
    spec: str
    axis: str  # RESIDUAL or MARGIN
    x: np.ndarray
    loss: np.ndarray
    gradient: np.ndarray | None  # d loss / d x; None without an autodiff framework


# -- the inputs of a loss at one point ---------------------------------------------------------


def _regression(xp, r, kind, probabilities):
    return {"prediction": r, "target": xp.zeros_like(r)}


def _binary(xp, m, kind, probabilities):
    given = xp.sigmoid(m) if probabilities else m
    return {"logits": given, "prediction": given, "target": xp.ones_like(m)}


def _two_classes(xp, m, kind, probabilities):
    logits = xp.concat([m, xp.zeros_like(m)], axis=-1)  # (1, 2): class 0 leads by m
    one_hot = xp.concat([xp.ones_like(m), xp.zeros_like(m)], axis=-1)
    index = xp.zeros((1,), dtype=xp.int64)
    return {"input": logits, "prediction": xp.softmax(logits, axis=-1) if probabilities else logits,
            "target": one_hot if kind in ("class_probabilities", "categorical_dense") else index,
            "target_with_ignored": index, "labels": index}


# kind -> (x axis, the named inputs at a point x of shape (1, 1))
KINDS = {
    "regression": (RESIDUAL, _regression),
    "binary_logits": (MARGIN, _binary),
    "binary_probabilities": (MARGIN, _binary),
    "class_logits": (MARGIN, _two_classes),
    "class_probabilities": (MARGIN, _two_classes),
    "categorical_dense": (MARGIN, _two_classes),
    "categorical_sparse": (MARGIN, _two_classes),
}


def parse(spec):
    """``"huber_loss:delta=0.5,reduction=sum"`` -> its catalog row and ``{"delta": 0.5, "reduction": "sum"}``."""
    name, _, rest = spec.partition(":")
    options = {}
    for item in filter(None, rest.split(",")):
        key, eq, value = item.partition("=")
        if not eq:
            raise ValueError(f"option {item!r} of {spec!r}: write it as name=value")
        try:
            options[key.strip()] = ast.literal_eval(value.strip())
        except (ValueError, SyntaxError):
            options[key.strip()] = value.strip()  # a word: reduction=sum
    rows = [e for e in catalog.find(name) if e.inputs in KINDS]
    if not rows:
        known = catalog.find(name)
        why = f"it takes {known[0].inputs} inputs; plot draws {', '.join(KINDS)}" if known else "see `multiloss list`"
        raise ValueError(f"can't plot {name!r}: {why}")
    return rows[0], options


def _takes_probabilities(entry, fn, options):
    """Whether the loss is given probabilities: a kind of probabilities, or Keras' categorical
    losses (whose kinds serve logits and probabilities alike) unless ``from_logits`` is set."""
    if entry.inputs not in ("binary_probabilities", "categorical_dense", "categorical_sparse"):
        return False
    parameter = inspect.signature(fn).parameters.get("from_logits")
    if parameter is None:
        return entry.inputs == "binary_probabilities"
    return not options.get("from_logits", parameter.default)


def _loss_at(entry, options):
    """The loss as a function of the point x (a (1, 1) array of any framework)."""
    fn = entry.resolve()
    build = KINDS[entry.inputs][1]
    probabilities = _takes_probabilities(entry, fn, options)

    def loss(x):
        arrays = build(namespace_of(x), x, entry.inputs, probabilities)
        args = [arrays[role] for role in entry.call]
        return fn(**options)(*args) if entry.style == "class" else fn(*args, **options)

    return loss


def autodiff_framework():
    """The framework gradients come from: torch, else JAX; None if neither is installed."""
    return next((f for f in ("torch", "jax") if importlib.util.find_spec(f)), None)


def _derivative(framework, loss, x):
    if framework == "torch":
        import torch

        point = torch.tensor([[x]], dtype=torch.float64, requires_grad=True)
        (grad,) = torch.autograd.grad(loss(point).sum(), point)
        return float(grad)
    import jax
    import jax.numpy as jnp

    with jax.enable_x64(True):
        return float(jax.grad(lambda p: jnp.sum(loss(p)))(jnp.full((1, 1), x, dtype=jnp.float64))[0, 0])


def curve(spec, x, framework="default"):
    """One loss at each point of ``x``: values in NumPy, gradients by ``framework`` (default: see above)."""
    entry, options = parse(spec)
    loss = _loss_at(entry, options)
    values = np.array([float(np.sum(loss(np.full((1, 1), v)))) for v in x])
    framework = autodiff_framework() if framework == "default" else framework
    gradient = np.array([_derivative(framework, loss, float(v)) for v in x]) if framework else None
    return Curve(spec, KINDS[entry.inputs][0], np.asarray(x), values, gradient)


def curves(specs, x=None, framework="default"):
    x = np.linspace(-4, 4, 321) if x is None else np.asarray(x, dtype=np.float64)
    drawn = [curve(spec, x, framework) for spec in specs]
    if len({c.axis for c in drawn}) > 1:
        raise ValueError("regression and classification losses have different x axes: plot them separately")
    return drawn


# -- drawing -------------------------------------------------------------------------------


def draw(drawn, path):
    """Loss and gradient side by side, one line per curve, saved to ``path`` (format from its suffix)."""
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:
        raise SystemExit("multiloss plot needs matplotlib: pip install 'multiloss[plot]'") from exc
    with_gradients = all(c.gradient is not None for c in drawn)
    fig = Figure(figsize=(10 if with_gradients else 5.5, 4), layout="constrained")
    panels = fig.subplots(1, 2 if with_gradients else 1, squeeze=False)[0]
    for c in drawn:
        panels[0].plot(c.x, c.loss, label=c.spec)
        if with_gradients:
            panels[1].plot(c.x, c.gradient, label=c.spec)
    wrt = "residual" if drawn[0].axis == RESIDUAL else "margin"
    names = ("loss", f"gradient: d loss / d {wrt}") if with_gradients else ("loss (no autodiff framework installed)",)
    for panel, name in zip(panels, names):
        panel.set_title(name)
        panel.set_xlabel(drawn[0].axis)
        panel.grid(alpha=0.3)
        panel.axhline(0, color="0.6", linewidth=0.8)
    panels[0].legend(fontsize="small")
    fig.savefig(path, dpi=110)


def add_parser(subparsers):
    p = subparsers.add_parser("plot", help="draw losses and their gradients (needs matplotlib)",
                              description="Draw losses and their gradients against the residual or the logit margin.")
    p.add_argument("losses", nargs="+", metavar="LOSS[:OPTION=VALUE,...]",
                   help="a catalog name (see `multiloss list`), e.g. huber_loss:delta=0.5 or keras.Huber")
    p.add_argument("-o", "--output", default="losses.png", help="the image to write (default: losses.png)")
    p.add_argument("--range", nargs=2, type=float, default=(-4.0, 4.0), metavar=("FROM", "TO"),
                   help="of the residual or margin (default: -4 4)")
    p.add_argument("--points", type=int, default=321, help="points per curve (default: 321)")
    p.add_argument("--autodiff", choices=("torch", "jax"), help="where gradients come from (default: torch, else jax)")
    p.set_defaults(run=run)


def run(args):
    try:
        drawn = curves(args.losses, np.linspace(*args.range, args.points), args.autodiff or "default")
    except ValueError as exc:
        raise SystemExit(f"multiloss plot: {exc}") from exc
    draw(drawn, args.output)
    print(f"wrote {args.output}")
    return 0
