"""``multiloss check`` (the conformance report), ``multiloss list`` (the catalog) and
``multiloss bench`` (speed against each row's reference, see ``multiloss.benchmark``).

``multiloss check`` runs every catalog row's conformance checks on every
installed backend and prints one row per loss, one column per backend: the
largest deviation found (in units of the tolerance: 1 is the limit) and
PASS/FAIL. It exits non-zero if anything fails. A backend that is not
installed is reported as such, not as a failure.
"""

from __future__ import annotations

import argparse
import json
import sys
import time

from . import catalog


def _select(losses):
    if not losses:
        return list(catalog.ENTRIES)
    chosen = [e for e in catalog.ENTRIES if any(e.path == n or e.path.endswith("." + n) or n in e.path for n in losses)]
    if not chosen:
        raise SystemExit(f"multiloss: no catalog row matches {', '.join(losses)}; see `multiloss list`")
    return chosen


def _cell(findings):
    if all(f.status == "NOT INSTALLED" for f in findings):
        return "not installed", None
    failed = [f for f in findings if f.status == "FAIL"]
    worst = max((f.deviation for f in findings if f.status == "PASS"), default=0.0)
    return ("FAIL" if failed else "PASS"), worst


def check(entries, backends, fmt, out=None):
    out = out or sys.stdout
    from . import testing

    results = []
    for entry in entries:
        label = _label(entry, entries)
        row = {"loss": label, "original": entry.original, "backends": {}}
        for backend in backends:
            findings = testing.run(entry, backend)
            status, deviation = _cell(findings)
            row["backends"][backend] = {
                "status": status,
                "deviation": deviation,
                "failures": [f"{f.check}: {f.detail}" for f in findings if f.status == "FAIL"],
            }
        results.append(row)
        if fmt == "text":
            _print_text_row(row, backends, out)
    failed = sum(1 for r in results for c in r["backends"].values() if c["status"] == "FAIL")
    passed = sum(1 for r in results for c in r["backends"].values() if c["status"] == "PASS")
    if fmt == "json":
        json.dump({"results": results, "passed": passed, "failed": failed}, out, indent=2)
        out.write("\n")
    elif fmt == "markdown":
        _print_markdown(results, backends, out)
    if fmt != "json":
        out.write(f"\n{passed} passed, {failed} failed\n")
        for r in results:
            for backend, c in r["backends"].items():
                for failure in c["failures"]:
                    out.write(f"FAIL {r['loss']} [{backend}] {failure}\n")
    return 1 if failed else 0


def _label(entry, entries):
    """The row's name; a loss with several rows (input kinds, argument roles) names what differs."""
    label = entry.path.removeprefix("multiloss.")
    twins = [e for e in entries if e.path == entry.path]
    if len(twins) > 1:
        same_kind = sum(e.inputs == entry.inputs for e in twins) > 1
        label += f" [{entry.inputs}" + (f": {', '.join(entry.call)}]" if same_kind else "]")
    return label


def _format_cell(cell):
    if cell["deviation"] is None:
        return cell["status"]
    return f"{cell['status']} {cell['deviation']:.2g}"


def _print_text_row(row, backends, out):
    cells = "".join(f"{_format_cell(row['backends'][b]):<18}" for b in backends)
    out.write(f"{row['loss']:<72} {cells}\n")
    out.flush()


def _print_markdown(results, backends, out):
    out.write("| loss | original | " + " | ".join(backends) + " |\n")
    out.write("|---|---|" + "---|" * len(backends) + "\n")
    for r in results:
        cells = " | ".join(_format_cell(r["backends"][b]) for b in backends)
        out.write(f"| `{r['loss']}` | `{r['original']}` | {cells} |\n")


def catalog_table():
    """The Markdown table of losses x interfaces, as the README shows it."""
    lines = ["| loss | interface | mirrors | input kind | notes |", "|---|---|---|---|---|"]
    for e in catalog.ENTRIES:
        interface = e.interface.removeprefix("multiloss.") or "multiloss"
        lines.append(f"| `{e.name}` | `{interface}` | `{e.original}` | {e.inputs} | {e.differences} |")
    return "\n".join(lines) + "\n"


def list_catalog(fmt, out=None):
    out = out or sys.stdout
    if fmt == "markdown":
        out.write(catalog_table())
    elif fmt == "json":
        json.dump([{"path": e.path, "original": e.original, "inputs": e.inputs, "call": e.call,
                    "grad": e.grad, "differences": e.differences} for e in catalog.ENTRIES], out, indent=2)
        out.write("\n")
    else:
        for e in catalog.ENTRIES:
            out.write(f"{e.path:<60} {e.original}\n")
    return 0


def _add_check(sub, frameworks):
    p = sub.add_parser("check", help="run the conformance matrix on the installed backends")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    p.add_argument("--backend", action="append", choices=frameworks,
                   help="only this backend (repeatable); default: all four")
    p.add_argument("--loss", action="append", help="only rows whose path contains this (repeatable)")
    p.set_defaults(run=_run_check)


def _run_check(args):
    from .testing import FRAMEWORKS

    backends = args.backend or list(FRAMEWORKS)
    entries = _select(args.loss)
    if args.format == "text":
        from . import testing

        status = ", ".join(f"{b}: {'installed' if testing.installed(b) else 'not installed'}" for b in backends)
        sys.stdout.write(f"multiloss check: {len(entries)} losses; {status}\n")
        sys.stdout.write(f"{'loss':<72} " + "".join(f"{b:<18}" for b in backends) + "\n")
    started = time.perf_counter()
    code = check(entries, backends, args.format)
    if args.format == "text":
        sys.stdout.write(f"({time.perf_counter() - started:.0f} s; deviation = largest |got - expected| "
                         "/ (atol + rtol |expected|) over all checks, 1 is the limit)\n")
    return code


def _add_list(sub, frameworks):
    p = sub.add_parser("list", help="print the catalog")
    p.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    p.set_defaults(run=lambda args: list_catalog(args.format))


def _add_bench(sub, frameworks):
    from . import benchmark

    p = sub.add_parser("bench", help="time every catalog row against its reference and Keras 3")
    p.add_argument("--backend", action="append", choices=frameworks,
                   help="only this backend (repeatable); default: all four")
    p.add_argument("--loss", action="append", help="only rows whose path contains this (repeatable)")
    p.add_argument("--size", action="append", choices=benchmark.SIZES, help="only this size (repeatable)")
    p.add_argument("--mode", action="append", choices=benchmark.MODES, help="only this mode (repeatable)")
    p.add_argument("--quick", action="store_true", help="few repeats: a smoke test, not a measurement")
    p.add_argument("--threads", type=int, default=1,
                   help="intra-op threads per framework (default 1: stable under load; 0: framework default)")
    p.add_argument("--timeout", type=float, help="seconds allowed per backend (what was measured is kept)")
    p.add_argument("--json", metavar="PATH", help="also write the raw results here")
    p.add_argument("--from-json", metavar="PATH", help="report saved results instead of measuring")
    p.add_argument("--merge", action="store_true",
                   help="with --json: replace only the measured lines in the saved results (re-measuring a few rows)")
    p.add_argument("--markdown", metavar="PATH", help="write the full page (docs/benchmarks.md) here")
    p.add_argument("--readme", metavar="PATH", help="replace the summary block of this README")
    p.set_defaults(run=_run_bench)


def _run_bench(args):
    import os

    from . import benchmark
    from .benchmark import report
    from .testing import FRAMEWORKS

    if args.from_json:
        with open(args.from_json, encoding="utf-8") as f:
            saved = json.load(f)
        results, meta = saved["results"], saved["meta"]
    else:
        entries = _select(args.loss)
        started = time.perf_counter()
        progress = _bench_progress(len(entries)) if sys.stderr.isatty() else None
        results = []
        for backend in args.backend or list(FRAMEWORKS):  # one at a time: they would compete for the cores
            results += benchmark.run(entries, [backend], sizes=args.size or benchmark.SIZES,
                                     modes=args.mode or benchmark.MODES, quick=args.quick, threads=args.threads,
                                     timeout=args.timeout, progress=progress)
            meta = {"cpus": os.cpu_count(), "threads": args.threads, "quick": args.quick,
                    "seconds": time.perf_counter() - started}
            if args.json:  # after each backend, so that an interrupted run keeps what it measured
                _save_results(args.json, results, meta, args.merge)
        if progress:
            sys.stderr.write("\r\033[K")
        if args.merge and args.json:
            with open(args.json, encoding="utf-8") as f:
                saved = json.load(f)
            results, meta = saved["results"], saved["meta"]
    if args.markdown:
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(report.page(results, meta))
    if args.readme:
        with open(args.readme, encoding="utf-8") as f:
            text = f.read()
        with open(args.readme, "w", encoding="utf-8") as f:
            f.write(report.replace_block(text, report.readme_block(results, meta)))
    sys.stdout.write(report.text_table(results))
    missed = [r for r in results if report.misses(r)]
    sys.stdout.write(f"\n{len(results)} measurements, {len(missed)} missing a target ({report.about(meta)})\n")
    return 0


def _save_results(path, results, meta, merge):
    import os

    if merge and os.path.exists(path):
        with open(path, encoding="utf-8") as f:
            saved = json.load(f)
        key = lambda r: (r.get("path"), r.get("index"), r.get("backend"), r.get("mode"), r.get("size"))  # noqa: E731
        fresh = {key(r): r for r in results}
        kept = [fresh.pop(key(r), r) for r in saved["results"]]
        results, meta = kept + list(fresh.values()), saved["meta"]
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"results": results, "meta": meta}, f, indent=1)


def _bench_progress(total_rows):
    def show(result):
        sys.stderr.write(f"\r\033[K{result.get('backend')} {result.get('loss')} {result.get('mode')} "
                         f"{result.get('size')}"[:120])
        sys.stderr.flush()

    return show


# Each subcommand: a function that adds its parser and sets ``run`` (args -> exit status).
COMMANDS = (_add_check, _add_list, _add_bench)


def main(argv=None):
    from .testing import FRAMEWORKS

    parser = argparse.ArgumentParser(prog="multiloss", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for add in COMMANDS:
        add(sub, FRAMEWORKS)
    args = parser.parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
