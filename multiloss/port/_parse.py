"""Reading a loss call as its user wrote it: parsed with ``ast``, never evaluated.

``"torch.nn.CrossEntropyLoss(ignore_index=-1)(input, target)"`` becomes the catalog row
that mirrors ``torch.nn.CrossEntropyLoss``, and the call's arguments bound to the names of
the original's parameters (taken from the mirror's signature, which has the original's
names and order): ``{"ignore_index": -1, "input": Name("input"), "target": Name("target")}``.
A bare path (``"keras.losses.Huber"``) means the defaults, with the arrays named after
the parameters.
"""

from __future__ import annotations

import ast
import inspect
from dataclasses import dataclass

from .. import catalog

# Spellings of the originals' modules people write, longest first, onto the catalog's.
_ALIASES = (
    ("tf.keras.losses.", "keras.losses."),
    ("tensorflow.keras.losses.", "keras.losses."),
    ("tf.compat.v1.losses.", "tensorflow.compat.v1.losses."),
    ("tf.losses.", "tensorflow.compat.v1.losses."),
    ("tf.nn.", "tensorflow.nn."),
    ("nn.functional.", "torch.nn.functional."),
    ("F.", "torch.nn.functional."),
    ("nn.", "torch.nn."),
    ("ops.", "torchvision.ops."),
)

# The original's module prefix onto the mirror's (a port is a changed import).
MIRRORS = (
    ("torch.nn.functional.", "multiloss.pytorch.functional."),
    ("torch.nn.", "multiloss.pytorch."),
    ("keras.losses.", "multiloss.keras."),
    ("tensorflow.compat.v1.losses.", "multiloss.tf.losses."),
    ("tensorflow.nn.", "multiloss.tf.nn."),
    ("torchvision.ops.", "multiloss.torchvision."),
    ("optax.losses.", "multiloss.optax."),
)


class PortError(ValueError):
    """A source that cannot be read: not a call, not a catalog loss, arguments that don't bind."""


@dataclass(frozen=True)
class Name:
    """An argument given as a variable: an array the user binds (its text, as written)."""

    text: str

    def __repr__(self):
        return self.text


@dataclass
class Source:
    """A parsed source call."""

    text: str
    entry: catalog.Entry
    constructor: dict  # class options (empty for a function)
    arguments: dict  # the call's arguments by parameter name (arrays and options for a function)

    @property
    def options(self):
        """Everything but the positional arrays, by parameter name."""
        arrays = set(self.array_parameters())
        # a class's call may name an array like a constructor option (PoissonNLLLoss's log_input)
        return {**self.constructor, **{k: v for k, v in self.arguments.items() if k not in arrays}}

    def array_parameters(self):
        """The parameter names of the row's positional arrays, in order."""
        return call_parameters(self.entry)[: len(self.entry.call)]

    def names(self):
        """role -> the user's text for each positional array of the row."""
        out = {}
        for role, param in zip(self.entry.call, self.array_parameters()):
            value = self.arguments.get(param, Name(param))
            out[role] = value.text if isinstance(value, Name) else ast.unparse(ast.parse(repr(value)))
        return out


def normalise_path(path):
    for alias, full in _ALIASES:
        if path.startswith(alias):
            return full + path[len(alias):]
    if path.startswith("tf.") and not path.startswith("tf.compat"):
        return "tensorflow." + path[3:]
    return path.replace("tf.compat.v1.", "tensorflow.compat.v1.", 1)


def mirror_path(original):
    if original.startswith("multiloss."):
        return original
    for prefix, mirror in MIRRORS:
        if original.startswith(prefix):
            return mirror + original[len(prefix):]
    raise PortError(f"source: {original!r} is not in an interface multiloss mirrors "
                    f"(torch.nn.functional, torch.nn, keras.losses, tf.compat.v1.losses, tf.nn, torchvision.ops, optax.losses)")


def call_parameters(entry):
    """The names of the parameters a call of the row's loss takes (a class: its call's)."""
    fn = entry.resolve()
    if entry.style == "class":
        fn = getattr(fn, "forward", None) if "pytorch" in entry.path else fn.__call__
        return [p for p in inspect.signature(fn).parameters if p != "self"]
    return list(inspect.signature(fn).parameters)


def lit(value):
    """A Python value as code that ``ast.literal_eval``-style reading gives back (an infinity too)."""
    if isinstance(value, float) and value != value:
        return "float('nan')"
    if isinstance(value, float) and value in (float("inf"), float("-inf")):
        return "float('inf')" if value > 0 else "-float('inf')"
    return repr(value)


def _literal(node):
    text = ast.unparse(node)
    if text in ("float('inf')", "-float('inf')", "float('nan')", 'float("inf")', '-float("inf")', 'float("nan")'):
        return float(text.replace("float(", "").replace(")", "").replace("'", "").replace('"', ""))
    if isinstance(node, ast.Name):
        return Name(node.id)
    if isinstance(node, ast.Attribute):  # tf.compat.v1.losses.Reduction.SUM: its string value
        text = ast.unparse(node)
        if ".Reduction." in text:
            return _REDUCTION_NAMES.get(node.attr, node.attr.lower())
        return Name(text)
    try:
        return ast.literal_eval(node)
    except ValueError:
        return Name(ast.unparse(node))


# tf.compat.v1.losses.Reduction's members onto their string values.
_REDUCTION_NAMES = {"NONE": "none", "SUM": "weighted_sum", "MEAN": "weighted_mean",
                    "SUM_OVER_BATCH_SIZE": "weighted_sum_over_batch_size",
                    "SUM_OVER_NONZERO_WEIGHTS": "weighted_sum_by_nonzero_weights",
                    "SUM_BY_NONZERO_WEIGHTS": "weighted_sum_by_nonzero_weights"}


def _bind(fn, args, kwargs, what):
    try:
        bound = inspect.signature(fn).bind_partial(*args, **kwargs)
    except TypeError as exc:
        raise PortError(f"source: the arguments of {what} don't bind: {exc}") from None
    return {k: v for k, v in bound.arguments.items() if k not in ("self", "kwargs")}


def choose_row(rows, options):
    """The row of a loss whose inputs fit the options: the one whose first option set agrees
    on ``from_logits`` (Keras' binary rows), else the first (the catalog lists the plain kind first)."""
    logits = bool(options.get("from_logits", False))
    for row in rows:
        if bool(row.options[0].get("from_logits", False)) == logits:
            return row
    return rows[0]


def rows_of(original):
    mirror = mirror_path(original)
    rows = [e for e in catalog.ENTRIES if e.path == mirror]
    if not rows:
        raise PortError(f"source: {original!r} is not in the catalog; `multiloss list` shows the losses")
    return rows


def parse(text, kind=None, entry=None):
    """The :class:`Source` of a call written as text (``entry``: its catalog row, where known)."""
    try:
        tree = ast.parse(text.strip(), mode="eval").body
    except SyntaxError as exc:
        raise PortError(f"source: {text!r} is not a Python expression ({exc.msg})") from None
    outer, inner = None, None
    if isinstance(tree, ast.Call) and isinstance(tree.func, ast.Call):  # Class(options)(arrays)
        inner, outer = tree.func, tree
    elif isinstance(tree, ast.Call):
        inner = tree
    elif isinstance(tree, (ast.Attribute, ast.Name)):
        inner = None
    else:
        raise PortError(f"source: {text!r} is not a call or a dotted path")
    func = inner.func if inner is not None else tree
    original = normalise_path(ast.unparse(func))
    rows = rows_of(original)
    style = rows[0].style

    def split(call):
        if call is None:
            return [], {}
        if any(isinstance(a, ast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords):
            raise PortError(f"source: {text!r} unpacks *args or **kwargs; write the arguments out")
        return [_literal(a) for a in call.args], {k.arg: _literal(k.value) for k in call.keywords}

    probe = rows[0]
    if style == "class":
        cls = probe.resolve()
        args, kwargs = split(inner)
        constructor = _bind(cls.__init__, [None, *args], kwargs, original)
        cargs, ckwargs = split(outer)
        params = call_parameters(probe)
        arguments = _bind_params(params, cargs, ckwargs, original)
    else:
        if outer is not None:
            raise PortError(f"source: {original} is a function; call it once")
        constructor = {}
        args, kwargs = split(inner)
        arguments = _bind(probe.resolve(), args, kwargs, original)
    options = {**constructor, **arguments}
    if kind is not None:
        chosen = [r for r in rows if r.inputs == kind]
        if not chosen:
            raise PortError(f"kind: {original} is catalogued with {', '.join(r.inputs for r in rows)}; got {kind!r}")
        rows = chosen
    row = entry if entry is not None else choose_row(rows, options)
    return Source(text=text.strip(), entry=row, constructor=constructor, arguments=arguments)


def _bind_params(params, args, kwargs, what):
    if len(args) > len(params):
        raise PortError(f"source: {what} takes at most {len(params)} arrays at its call; got {len(args)}")
    out = dict(zip(params, args))
    for k, v in kwargs.items():
        if k not in params:
            raise PortError(f"source: {what}'s call has no argument {k!r}; it takes {', '.join(params)}")
        out[k] = v
    return out


def from_row(entry, options):
    """The source text of a catalog row called with one of its option sets, its arrays named after
    their roles (what the generated check ports)."""
    params = call_parameters(entry)
    named = {p: role for p, role in zip(params, entry.call)}
    opts = {k: (Name(v.role) if isinstance(v, catalog.Arg) else Name(v.__name__) if callable(v) else v)
            for k, v in options.items()}
    original = entry.original.replace("tensorflow.", "tf.", 1) if entry.original.startswith("tensorflow.") else entry.original
    if entry.original.startswith("multiloss.testing.references."):
        original = entry.path
    args = ", ".join(named.values())
    if entry.style == "class":
        at_call = {k: v for k, v in opts.items() if k in entry.call_keywords}
        ctor = {k: v for k, v in opts.items() if k not in entry.call_keywords}
        call_kw = "".join(f", {k}={lit(v)}" for k, v in at_call.items())
        return f"{original}({', '.join(f'{k}={lit(v)}' for k, v in ctor.items())})({args}{call_kw})"
    return f"{original}({args}{''.join(f', {k}={lit(v)}' for k, v in opts.items())})"
