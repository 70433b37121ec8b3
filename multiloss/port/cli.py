"""``multiloss port`` and ``multiloss compare``: the parsers, added to multiloss's CLI by
:func:`add_parsers`."""

from __future__ import annotations

import json
import sys

from . import KEYS, TARGETS


def add_parsers(sub):
    p = sub.add_parser("port", help="the equivalent of a loss call in another framework, measured",
                       description="Translate a loss call (parsed, never evaluated) into another interface: the "
                                   "call, whether it is exact on the catalog's inputs, else by how much and where.")
    p.add_argument("source", help='a call as written, e.g. "torch.nn.CrossEntropyLoss(ignore_index=-1)(input, target)"'
                                  ", or a bare path for the defaults")
    p.add_argument("--to", action="append", choices=TARGETS, help="the target interface (repeatable; default: all)")
    p.add_argument("--format", choices=("text", "json"), default="text")
    p.add_argument("--kind", help="the input kind, where the loss takes several (see `multiloss list --format json`)")
    p.add_argument("--measure", action="store_true", help="measure now, even where a claim is kept")
    p.set_defaults(run=run_port)

    c = sub.add_parser("compare", help="two originals' semantics, values and gradients side by side",
                       description="Compare two originals: arguments, defaults, reduction, numerical guards, dtype "
                                   "policy, errors, then values and gradients on the catalog's inputs.")
    c.add_argument("a", help="an original, e.g. torch.nn.BCELoss")
    c.add_argument("b", help="another, e.g. keras.losses.BinaryCrossentropy")
    c.set_defaults(run=run_compare)


def run_port(args):
    from . import PortError, port

    try:
        results = port(args.source, args.to, measure=True if args.measure else None, kind=args.kind)
    except PortError as exc:
        raise SystemExit(f"multiloss port: {exc}") from None
    if args.format == "json":
        json.dump([{k: r[k] for k in KEYS} for r in results], sys.stdout, indent=2)
        sys.stdout.write("\n")
        return 0
    for r in results:
        sys.stdout.write(f"{r['target']}:\n")
        if r["call"] is None:
            sys.stdout.write(f"  no call: {r['reason']}\n")
            continue
        sys.stdout.write(f"  {r['call']}\n")
        if r["exact"]:
            sys.stdout.write("  exact on the catalog's inputs\n")
        elif r["exact"] is False:
            diff = f"by {r['max_abs_diff']:.3g} " if r["max_abs_diff"] is not None else ""
            sys.stdout.write(f"  differs {diff}on {r['where']}\n")
        for note in r["notes"]:
            sys.stdout.write(f"  note: {note}\n")
    return 0


def run_compare(args):
    from ._parse import PortError
    from .compare import compare

    try:
        sys.stdout.write(compare(args.a, args.b))
    except PortError as exc:
        raise SystemExit(f"multiloss compare: {exc}") from None
    return 0
