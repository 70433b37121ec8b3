"""``multiloss compare A B``: two originals' semantics side by side, then their values and
gradients on the catalog's inputs for their kind, with the largest difference and the input
that shows it."""

from __future__ import annotations

import numpy as np

from .. import testing
from . import semantics
from ._parse import PortError, choose_row, normalise_path, rows_of

ASPECTS = ("arguments", "signature", "reduction", "guards", "dtype", "errors", "warnings", "notes")


def _row(text, kind=None):
    original = normalise_path(text.split("(", 1)[0].strip())
    rows = rows_of(original)
    if kind:
        rows = [r for r in rows if r.inputs == kind] or rows
    return choose_row(rows, {})


def _shared_kind(a_text, b_text):
    """Rows of A and B with the same input kind, where they have one."""
    a_rows = rows_of(normalise_path(a_text))
    b_rows = rows_of(normalise_path(b_text))
    for a in a_rows:
        for b in b_rows:
            if a.inputs == b.inputs:
                return a, b
    return a_rows[0], b_rows[0]


def measure(a, b):
    """[(input, dtype, value difference, gradient difference)] on every input of the shared kind,
    the rows called with their defaults (their first option sets)."""
    from .verify import DTYPES, namespace

    namespace()
    out = []
    edges = [None] + list(dict.fromkeys(e for _, e, _ in _inputs(a) + _inputs(b) if e))
    for edge in edges:
        for dtype in DTYPES:
            arrays = testing._arrays(a, dtype, edge)
            try:
                va = _run(a, arrays)
                vb = _run(b, arrays)
            except Exception as exc:  # noqa: BLE001 - one of them refuses the input: say so
                out.append((edge or "ordinary inputs", np.dtype(dtype).name, f"raises {type(exc).__name__}", None))
                continue
            out.append((edge or "ordinary inputs", np.dtype(dtype).name, _diff(va, vb), _grad_diff(a, b, arrays)))
    return out


def _inputs(entry):
    from .verify import inputs

    return inputs(entry)


def _run(entry, arrays):
    original, framework = testing._original(entry)
    return testing._run(entry, framework, original, arrays, entry.options[0])


def _diff(x, y):
    x, y = np.asarray(x, np.float64), np.asarray(y, np.float64)
    if x.shape != y.shape:
        return f"shapes {x.shape} and {y.shape}"
    if not np.array_equal(np.isnan(x), np.isnan(y)):
        return "NaN in one only"
    both = np.isfinite(x) & np.isfinite(y)
    if not np.array_equal(np.isfinite(x), np.isfinite(y)):
        return "an infinity in one only"
    return float(np.abs(x[both] - y[both]).max()) if both.any() else 0.0


def _grad_diff(a, b, arrays):
    if a.grad != b.grad or a.grad not in arrays:
        return None
    try:
        ga = _gradient(a, arrays)
        gb = _gradient(b, arrays)
    except Exception as exc:  # noqa: BLE001
        return f"raises {type(exc).__name__}"
    return _diff(ga, gb)


def _gradient(entry, arrays):
    """d sum(loss) / d the differentiated argument (float64 inputs where given)."""
    original, framework = testing._original(entry)
    out = testing._run(entry, framework, original, arrays, entry.options[0])
    return testing._grad(entry, framework, original, arrays, entry.options[0], np.ones_like(out))


def compare(a_text, b_text):
    """The comparison as text."""
    a, b = _shared_kind(a_text, b_text)
    sa, sb = semantics.of(a), semantics.of(b)
    lines = [f"A: {a.original}", f"B: {b.original}", ""]
    for aspect in ASPECTS:
        if not sa[aspect] and not sb[aspect]:
            continue
        lines.append(f"{aspect}:")
        lines.append(f"  A: {sa[aspect] or '-'}")
        lines.append(f"  B: {sb[aspect] or '-'}")
    if a.inputs != b.inputs:
        lines += ["", f"values: not compared: A takes {a.inputs} inputs, B takes {b.inputs}"]
        return "\n".join(lines) + "\n"
    lines += ["", f"values and gradients with the defaults, on the {a.inputs} inputs "
                  f"(|A - B|, largest over the elements; gradient: d sum / d {a.grad}):"]
    rows = measure(a, b)
    width = max(len(r[0]) for r in rows) + 2
    for edge, dtype, value, grad in rows:
        lines.append(f"  {edge:<{width}}{dtype:<9} value {_fmt(value):<14} gradient {_fmt(grad)}")
    numeric = [(r[2], r[0], r[1]) for r in rows if isinstance(r[2], float)]
    if numeric:
        worst = max(numeric)
        lines += ["", f"largest difference: {worst[0]:.6g} on {worst[1]} ({worst[2]})"]
    return "\n".join(lines) + "\n"


def _fmt(x):
    if x is None:
        return "-"
    return f"{x:.3g}" if isinstance(x, float) else str(x)


__all__ = ["compare", "PortError"]
