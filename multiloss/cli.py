"""``multiloss check`` (the conformance report), ``multiloss list`` (the catalog) and
``multiloss bench`` (speed against each row's reference, see ``multiloss.benchmark``) and
``multiloss plot`` (losses and their gradients, see ``multiloss.plot``).

``multiloss check`` runs every catalog row's conformance checks on every
installed backend and prints one row per loss, one column per backend: the
largest deviation found (in units of the tolerance: 1 is the limit) and
PASS/FAIL. It exits non-zero if anything fails. A backend that is not
installed is reported as such, not as a failure. Rows are checked by a pool of
worker processes, one per core (``--jobs``), each importing the frameworks once;
the report comes in catalog order whichever worker finishes first.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import sys
import time

from . import catalog, plot
from ._labels import label as _label
from .docs import catalog_table


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
    if all(f.status == "N/A" for f in findings):  # e.g. no such --device in this framework
        return "N/A", None
    failed = [f for f in findings if f.status == "FAIL"]
    worst = max((f.deviation for f in findings if f.status == "PASS"), default=0.0)
    return ("FAIL" if failed else "PASS"), worst


def _check_cell(entry, backend):
    """One row on one backend: ``{"status", "deviation", "failures"}``."""
    from . import testing

    findings = testing.run(entry, backend)
    status, deviation = _cell(findings)
    return {"status": status, "deviation": deviation,
            "failures": [f"{f.check}: {f.detail}" for f in findings if f.status == "FAIL"]}


def _cells_inline(entries, backends):
    """``(row index, backend, cell)`` for every row and backend, in this process."""
    for index, entry in enumerate(entries):
        for backend in backends:
            yield index, backend, _check_cell(entry, backend)


_WORKER_MARKER = "MULTILOSS-CHECK "
_RESTARTS = 2  # per worker: a process that dies (a crash in a framework) is replaced this often


class _Worker:
    """A ``multiloss check --worker`` process: it imports the frameworks once, then checks each row
    (a catalog index) sent on its stdin on every backend, one JSON line per cell on its stdout."""

    def __init__(self, backends, env, events):
        import subprocess
        import tempfile
        import threading

        self.log = tempfile.TemporaryFile()
        cmd = [sys.executable, "-m", "multiloss", "check", "--worker"]
        for backend in backends:
            cmd += ["--backend", backend]
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log,
                                     text=True, env=env)
        self.row = None  # the catalog index it is checking
        threading.Thread(target=self._read, args=(events,), daemon=True).start()

    def _read(self, events):
        for line in self.proc.stdout:
            if line.startswith(_WORKER_MARKER):
                events.put((self, json.loads(line[len(_WORKER_MARKER):])))
        self.proc.wait()
        events.put((self, None))

    def send(self, index):
        self.row = index
        with contextlib.suppress(OSError):  # it died: its reader reports that
            self.proc.stdin.write(f"{index}\n")
            self.proc.stdin.flush()

    def finish(self):
        self.row = None
        with contextlib.suppress(OSError):
            self.proc.stdin.close()

    def last_words(self):
        self.log.seek(0)
        tail = " | ".join(self.log.read().decode(errors="replace").strip().splitlines()[-3:])
        return f"exited with status {self.proc.returncode} ({tail[-300:]})"

    def kill(self):
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait()
        self.log.close()


def cache_directory():
    """Where ``multiloss check`` keeps what outlives a run: ``$MULTILOSS_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/multiloss``, else ``~/.cache/multiloss``."""
    import os

    explicit = os.environ.get("MULTILOSS_CACHE_DIR")
    if explicit:
        return explicit
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "multiloss")


_ROW_SECONDS = "check-row-seconds.json"  # in the cache: each row's time in the last run, for the order


def _row_seconds(cache):
    import os

    try:
        with open(os.path.join(cache, _ROW_SECONDS), encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return {}


def _save_row_seconds(cache, seconds):
    import os

    with contextlib.suppress(OSError):
        os.makedirs(cache, exist_ok=True)
        with open(os.path.join(cache, _ROW_SECONDS), "w", encoding="utf-8") as f:
            json.dump({**_row_seconds(cache), **seconds}, f, indent=0, sort_keys=True)


def _cells_parallel(entries, backends, jobs, cache=None):
    """As :func:`_cells_inline`, from a pool of ``jobs`` worker processes (:class:`_Worker`).

    Rows are handed out one at a time to whichever worker is free, by families (:class:`_Families`):
    a worker checks the rows of one input kind in catalog order, whose programs (every JAX
    operation on those shapes, a function's compiled calls, which its class row calls again)
    it compiled for the first of them; cells arrive as they finish (the caller puts them in
    order). The workers share one JAX and one TensorFlow XLA
    compilation cache, kept in ``cache`` between runs (None: a temporary one, for this run), so a
    program compiled once (the same operation on the same shapes, in another row, another worker
    or an earlier run) is loaded instead of compiled again.
    """
    import queue
    import tempfile

    where = {id(e): i for i, e in enumerate(catalog.ENTRIES)}
    indices = [where[id(e)] for e in entries]
    position = {index: i for i, index in enumerate(indices)}
    temporary = tempfile.TemporaryDirectory(prefix="multiloss-check-") if cache is None else None
    cache = cache or temporary.name
    timed = _row_seconds(cache)
    keys = {index: _row_key(catalog.ENTRIES[index], backends) for index in indices}
    pending = _Families([catalog.ENTRIES[index].inputs for index in indices], indices, keys, timed)
    events = queue.Queue()
    env = _worker_environment(cache)
    workers, restarts = set(), {"left": _RESTARTS * jobs}
    got = {}  # worker -> the cells of its current row received so far
    started, seconds = {}, {}  # worker -> when its row was sent; row key -> its time

    def start():
        worker = _Worker(backends, env, events)
        workers.add(worker)
        feed(worker)

    def feed(worker):
        got[worker] = set()
        started[worker] = time.perf_counter()
        if pending:
            worker.send(pending.next_for(worker))
        else:
            worker.finish()

    try:
        for _ in range(min(jobs, len(indices))):
            start()
        while workers:
            worker, message = events.get()
            if message is not None:
                index, backend, cell = message
                got[worker].add(backend)
                yield position[index], backend, cell
                if len(got[worker]) == len(backends):
                    seconds[keys[index]] = round(time.perf_counter() - started[worker], 1)
                    feed(worker)
                continue
            workers.discard(worker)  # its stdout closed: it finished, or died
            if worker.row is not None:  # died within a row: its missing cells fail, the rest go on
                for backend in backends:
                    if backend not in got[worker]:
                        yield position[worker.row], backend, _died(worker, backends)
                if pending and restarts["left"] > 0:
                    restarts["left"] -= 1
                    start()
                elif not workers:  # no process left to check the rows not yet started
                    while pending:
                        index = pending.next_for(worker)
                        for backend in backends:
                            yield position[index], backend, _died(worker, backends)
    finally:
        for worker in workers:
            worker.kill()
        if temporary is None:
            _save_row_seconds(cache, seconds)
        else:
            temporary.cleanup()


class _Families:
    """The rows left to check, as families: the rows of one input kind, each handed to one worker.

    A worker takes the next row of its family, in catalog order (a function before the class that
    calls it); its family done, it starts the longest family nobody has started (by the rows'
    times in the last run, ``timed``; a family with a row not timed yet first; ties in catalog
    order); none left, it takes the last row of the family with the most rows left, so that no
    worker waits while another has rows to check.
    """

    def __init__(self, kinds, indices, keys, timed):
        families = {}
        for kind, index in zip(kinds, indices, strict=True):
            families.setdefault(kind, []).append(index)

        def seconds(rows):
            return sum(timed.get(keys[i], float("inf")) for i in rows)

        self.waiting = sorted(families.values(), key=lambda rows: -seconds(rows))
        self.started = {}  # worker -> the rows left of its family

    def __bool__(self):
        return bool(self.waiting) or any(self.started.values())

    def next_for(self, worker):
        """The next catalog index for ``worker`` (there must be one left)."""
        own = self.started.get(worker)
        if own:
            return own.pop(0)
        if self.waiting:
            own = self.started[worker] = self.waiting.pop(0)
            return own.pop(0)
        return max(self.started.values(), key=len).pop()


def _row_key(entry, backends):
    return f"{entry.path} [{entry.inputs}, {len(entry.options)} option sets] on {'+'.join(backends)}"


def _died(worker, backends):
    return {"status": "FAIL", "deviation": None, "failures": [
        f"worker: the process checking {', '.join(backends)} {worker.last_words()} before this row was done"]}


_CACHE_BYTES = 512 * 2**20  # each compilation cache's bound (a whole run writes about 60 MB to JAX's)


def _trim(directory, max_bytes=_CACHE_BYTES):
    """The least recently written files of ``directory`` removed until it holds ``max_bytes``, once
    per run. (JAX's own bound, ``jax_compilation_cache_max_size``, lists the whole directory on
    every write: quadratic in a run that writes ten thousand small programs.)"""
    import os

    try:
        files = [(entry.stat().st_mtime, entry.stat().st_size, entry.path)
                 for entry in os.scandir(directory) if entry.is_file()]
    except OSError:  # not there yet
        return
    total = sum(size for _, size, _ in files)
    for _, size, path in sorted(files):
        if total <= max_bytes:
            break
        with contextlib.suppress(OSError):
            os.remove(path)
            total -= size


def _worker_environment(cache):
    """The workers' environment: this checkout first on the path; one intra-op thread per framework
    (the inputs are tiny, and the workers already take the cores); the shared compilation caches
    under ``cache``: JAX's, every program written to it however fast it compiled, and TensorFlow's
    XLA cache for ``tf.function(jit_compile=True)``."""
    import os

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [_checkout(), env.get("PYTHONPATH")]))
    for var in ("OMP_NUM_THREADS", "MKL_NUM_THREADS", "TF_NUM_INTRAOP_THREADS", "TF_NUM_INTEROP_THREADS"):
        env.setdefault(var, "1")
    env.setdefault("JAX_COMPILATION_CACHE_DIR", os.path.join(cache, "jax"))
    env.setdefault("JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS", "0")
    env.setdefault("JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES", "-1")
    for framework in ("jax", "tensorflow"):
        _trim(os.path.join(cache, framework))
    tf_cache = f"--tf_xla_persistent_cache_directory={os.path.join(cache, 'tensorflow')}"
    env["TF_XLA_FLAGS"] = " ".join(filter(None, [env.get("TF_XLA_FLAGS"), tf_cache]))
    return env


def _checkout():
    import os

    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _worker(backends):
    """Check each catalog row whose index arrives on stdin on ``backends``; one JSON line per cell."""
    for line in sys.stdin:
        if not line.strip():
            continue
        index = int(line)
        for backend in backends:
            cell = _check_cell(catalog.ENTRIES[index], backend)
            sys.stdout.write(_WORKER_MARKER + json.dumps([index, backend, cell]) + "\n")
            sys.stdout.flush()
    return 0


class _Progress:
    """A one-line status on a terminal: rows done, the row last finished, time left. Nothing elsewhere."""

    def __init__(self, out, total_cells, enabled):
        self.out, self.total, self.enabled = out, total_cells, enabled
        self.done, self.started = 0, time.monotonic()

    def update(self, rows_done, rows_total, label, backend):
        self.done += 1
        if not self.enabled:
            return
        elapsed = time.monotonic() - self.started
        left = elapsed / self.done * (self.total - self.done)
        line = f"[{rows_done}/{rows_total} rows, ~{_duration(left)} left] {label} [{backend}]"
        self.out.write("\r\033[K" + line[:_terminal_width() - 1])
        self.out.flush()

    def clear(self):
        if self.enabled:
            self.out.write("\r\033[K")
            self.out.flush()


def _duration(seconds):
    return f"{seconds:.0f} s" if seconds < 90 else f"{seconds / 60:.0f} min"


def _terminal_width():
    import shutil

    return shutil.get_terminal_size((100, 20)).columns


def check(entries, backends, fmt, out=None, *, jobs=1, fail_fast=False, progress=False, cache=None):
    """Check ``entries`` on ``backends`` and report in ``fmt``; 1 if anything failed.

    ``jobs`` > 1 checks rows in that many worker processes (each row on every backend), which
    keep their compiled programs and the rows' times in ``cache`` (a directory; None: nothing
    kept); ``fail_fast`` stops at the first failure; ``progress`` shows a status line
    (for a terminal) while rows are checked.
    """
    out = out or sys.stdout
    labels = [_label(entry, entries) for entry in entries]
    rows = [{"loss": labels[i], "original": e.original, "backends": {}} for i, e in enumerate(entries)]
    status = _Progress(out, len(entries) * len(backends), progress and fmt == "text")
    # workers find a row by its catalog index: rows made up by the caller are checked here
    in_catalog = {id(e) for e in entries} <= {id(e) for e in catalog.ENTRIES}
    parallel = jobs > 1 and in_catalog
    cells = _cells_parallel(entries, backends, jobs, cache) if parallel else _cells_inline(entries, backends)
    printed = complete = 0
    try:
        for index, backend, cell in cells:
            rows[index]["backends"][backend] = cell
            while complete < len(rows) and len(rows[complete]["backends"]) == len(backends):
                complete += 1
            if fmt == "text":
                status.clear()
                while printed < complete:  # rows in catalog order, each once all its backends are in
                    _print_text_row(rows[printed], backends, out)
                    printed += 1
            status.update(complete, len(rows), labels[index], backend)
            if fail_fast and cell["status"] == "FAIL":
                break
    finally:
        cells.close()
        status.clear()
    results = [r for r in rows if r["backends"]]
    if fmt == "text":  # a row cut short by --fail-fast
        for row in results[printed:]:
            _print_text_row(row, backends, out)
    failed = sum(1 for r in results for c in r["backends"].values() if c["status"] == "FAIL")
    passed = sum(1 for r in results for c in r["backends"].values() if c["status"] == "PASS")
    if fmt == "json":
        json.dump({"results": results, "passed": passed, "failed": failed}, out, indent=2)
        out.write("\n")
    elif fmt == "markdown":
        _print_markdown(results, backends, out)
    if fmt != "json":
        stopped = " (stopped at the first failure: --fail-fast)" if fail_fast and failed else ""
        out.write(f"\n{passed} passed, {failed} failed{stopped}\n")
        _print_failures(results, entries, out)
    return 1 if failed else 0


def _print_failures(results, entries, out):
    """Each failure, then the command that checks just that row on that backend."""
    for row, entry in zip(results, entries):
        for backend, cell in row["backends"].items():
            for failure in cell["failures"]:
                out.write(f"FAIL {row['loss']} [{backend}] {failure}\n")
            if cell["failures"]:
                out.write(f"  rerun: multiloss check --loss {entry.path} --backend {backend}\n")


def _format_cell(cell):
    if cell["deviation"] is None:
        return cell["status"]
    return f"{cell['status']} {cell['deviation']:.2g}"


def _print_text_row(row, backends, out):
    cells = "".join(f"{_format_cell(row['backends'][b]) if b in row['backends'] else '-':<18}" for b in backends)
    out.write(f"{row['loss']:<72} {cells}\n")
    out.flush()


def _print_markdown(results, backends, out):
    out.write("| loss | original | " + " | ".join(backends) + " |\n")
    out.write("|---|---|" + "---|" * len(backends) + "\n")
    for r in results:
        cells = " | ".join(_format_cell(r["backends"][b]) if b in r["backends"] else "-" for b in backends)
        out.write(f"| `{r['loss']}` | `{r['original']}` | {cells} |\n")


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
    p.add_argument("--fail-fast", action="store_true", help="stop at the first failure")
    p.add_argument("--device", default="cpu",
                   help="every array, the original's and multiloss', on this device: cpu (default), cuda, "
                        "cuda:1, gpu (JAX, TensorFlow), meta (torch: shapes and dtypes only), cpu:1")
    p.add_argument("--jobs", type=int, default=None,
                   help=f"worker processes checking rows side by side (default: one per core, {_default_jobs()} "
                        "here; 1: everything in this process)")
    p.add_argument("--no-cache", action="store_true",
                   help="compile everything afresh and keep nothing; by default the workers keep compiled "
                        f"programs (JAX, TensorFlow XLA) and rows' times in {cache_directory()} "
                        "($MULTILOSS_CACHE_DIR), which later runs reuse")
    p.add_argument("--worker", action="store_true", help=argparse.SUPPRESS)  # a pool's process (rows on stdin)
    p.set_defaults(run=_run_check)


def _default_jobs():
    """One worker process per core this process may run on.

    The checks are single-threaded Python, XLA, TensorFlow and inductor tracing and
    compilation, so each core takes one worker; the workers run one intra-op thread each.
    """
    import os

    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no affinity on this platform
        return os.cpu_count() or 1


def _checking_process():
    """Set up the process that runs the checks: XLA's code generation quick, the frameworks' logs
    quiet, JAX's lowering fast."""
    from . import _quiet
    from .testing._frameworks import quick_xla_compilation, share_jax_lowering_context

    quick_xla_compilation()  # before the frameworks start
    _quiet.frameworks()
    share_jax_lowering_context()


def _run_check(args):
    from .testing import FRAMEWORKS

    backends = args.backend or list(FRAMEWORKS)
    if not args.worker:
        from .testing._frameworks import use_device

        use_device(args.device)  # through the environment, which the workers inherit
    if args.worker:
        _checking_process()
        return _worker(backends)
    entries = _select(args.loss)
    jobs = max(1, min(args.jobs or _default_jobs(), len(entries)))
    if jobs == 1:
        _checking_process()
    if args.format == "text":
        from . import testing

        status = ", ".join(f"{b}: {'installed' if testing.installed(b) else 'not installed'}" for b in backends)
        sys.stdout.write(f"multiloss check: {len(entries)} losses; {status}\n")
        sys.stdout.write(f"{'loss':<72} " + "".join(f"{b:<18}" for b in backends) + "\n")
        sys.stdout.flush()
    started = time.perf_counter()
    code = check(entries, backends, args.format, jobs=jobs, fail_fast=args.fail_fast,
                 progress=sys.stdout.isatty(), cache=None if args.no_cache else cache_directory())
    if args.format == "text":
        workers = f"{jobs} worker processes" if jobs > 1 else "one process"
        sys.stdout.write(f"({time.perf_counter() - started:.0f} s, {workers}; deviation = largest |got - expected| "
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
    p.add_argument("--row-timeout", type=float, default=None,
                   help="seconds allowed per row and backend (default 600): a row that runs over is reported "
                        "as not measured, and the rows after it are measured by a new worker")
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
                                     timeout=args.timeout, progress=progress,
                                     row_timeout=args.row_timeout or benchmark.ROW_TIMEOUT)
            meta = {"cpus": os.cpu_count(), "threads": args.threads, "quick": args.quick,
                    "seconds": time.perf_counter() - started,
                    # the machine's load as the backend ended (a measurement taken beside others skews)
                    "load": [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None}
            if args.json:  # after each backend, so that an interrupted run keeps what it measured
                _save_results(args.json, results, meta, args.merge)
        if progress:
            sys.stderr.write("\r\033[K")
        if args.merge and args.json:
            with open(args.json, encoding="utf-8") as f:
                saved = json.load(f)
            results, meta = saved["results"], saved["meta"]
    if args.markdown:
        from .benchmark import sections

        text = report.page(results, meta)
        if os.path.exists(args.markdown):  # the separately measured sections stay as they were
            with open(args.markdown, encoding="utf-8") as f:
                text = sections.keep(f.read(), text)
        with open(args.markdown, "w", encoding="utf-8") as f:
            f.write(text)
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
        row = lambda r: (r.get("path"), r.get("index"), r.get("backend"))  # noqa: E731
        measured = {row(r) for r in results}
        # A row that was not measured (no mode, no size) is replaced by its fresh lines.
        kept = [fresh.pop(key(r), r) for r in saved["results"] if r.get("mode") is not None or row(r) not in measured]
        # The time is every run's together; the load, the last run's as it ended.
        seconds = saved["meta"].get("seconds", 0) + meta.get("seconds", 0)
        results, meta = kept + list(fresh.values()), {**saved["meta"], **meta, "seconds": seconds, "merged": True}
    with open(path, "w", encoding="utf-8") as f:
        json.dump({"results": results, "meta": meta}, f, indent=1)


def _bench_progress(total_rows):
    def show(result):
        sys.stderr.write(f"\r\033[K{result.get('backend')} {result.get('loss')} {result.get('mode')} "
                         f"{result.get('size')}"[:120])
        sys.stderr.flush()

    return show


# Each subcommand: a function that adds its parser and sets ``run`` (args -> exit status).
def _add_plot(sub, frameworks):
    plot.add_parser(sub)


def _add_port(sub, frameworks):
    from .port import cli as port_cli

    port_cli.add_parsers(sub)


COMMANDS = (_add_check, _add_list, _add_bench, _add_plot, _add_port)


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
