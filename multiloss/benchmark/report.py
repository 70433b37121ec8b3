"""The benchmark's tables: the full page (``docs/benchmarks.md``), the README summary, plain text.

A result misses a target when (targets are goals, never asserted):

- eager: multiloss / reference above 1.5 at the small size, above 1.1 at the large;
- compiled: above 1.05;
- eager, small: multiloss less than 5x faster than Keras 3 on the same backend;
- large: peak memory above the reference's peak plus one input-sized temporary.

A time that misses is measured again before it is reported (multiloss and its reference
alone, interleaved, twice the rounds), and so is a speed-up over Keras 3 that misses (multiloss
and Keras 3 alone); the page gives the spread of the rounds' ratios beside each. Each missed
target is listed with its measured value, the reason generated from what was measured
(``overhead``: ops and time outside them, guards of a compiled torch call, calls per call), and
what measurement cannot say where it is written down (``reasons.REASONS``).
"""

from __future__ import annotations

import platform

from . import KERAS_SPEEDUP, TARGETS
from .reasons import REASONS


def row_name(result):
    """The row's name as the page prints it, without its input label: ``keras.Huber``."""
    return result.get("loss", "").partition(" [")[0]


NOISE = ("A line that misses a time target was measured again, multiloss and its reference alone, "
         "interleaved, over twice the rounds, and is reported from that measurement; the spread "
         "[min-max] of the rounds' ratios stands beside it: a spread that straddles the target is the "
         "machine's load, not the loss.")

SUMMARY_BEGIN, SUMMARY_END = "<!-- bench-summary -->", "<!-- /bench-summary -->"


def misses(result):
    """``[(what, measured, target)]``: the targets this result misses."""
    out = []
    mode, size = result.get("mode"), result.get("size")
    ratio = result.get("ratio")
    bound = TARGETS.get((mode, size))
    if ratio is not None and bound is not None and ratio > bound:
        out.append(("time vs reference", f"{ratio:.2f}x", f"<= {bound}x"))
    speedup = result.get("keras_speedup")
    if mode == "eager" and size == "small" and speedup is not None and speedup < KERAS_SPEEDUP:
        found = result.get("keras_spread")
        spread = "" if not found else f" [{found[0]:.1f}-{found[2]:.1f}]"
        out.append(("speed-up over Keras 3", f"{speedup:.1f}x{spread}", f">= {KERAS_SPEEDUP:g}x"))
    memory = result.get("memory") or {}
    ours, ref = memory.get("multiloss"), memory.get("reference")
    if ours is not None and ref is not None and ours > ref + memory["input"]:
        out.append(("peak memory", f"{_mb(ours)} vs {_mb(ref)} + {_mb(memory['input'])} input",
                    "<= reference + one input"))
    return out


def reason(result):
    """What measurement cannot say about a miss, where it is written down (``reasons.REASONS``)."""
    name = row_name(result)
    for (row, backend, mode, size), text in REASONS.items():
        if (name == row or (row.endswith(".") and name.startswith(row))) \
                and all(want in (None, result.get(field))
                        for want, field in ((backend, "backend"), (mode, "mode"), (size, "size"))):
            return text
    return None


def measured_reason(result):
    """The miss's reason as measured (``overhead.profile``): ops and the time outside them on torch,
    the calls per call, the time beyond the reference's (or Keras 3's, for a speed-up that misses);
    None where nothing was profiled."""
    parts = []
    found = result.get("profile")
    if found:
        parts += _profiled(found, "the reference's", result.get("time"), result.get("reference_time"))
        if result.get("overhead") is not None:
            parts.append(f"{_time(result['overhead'])} per call beyond the reference's "
                         f"{_time(result['reference_time'])}")
    found = result.get("keras_profile")
    if found:
        ours, theirs = result.get("keras_times") or (None, None)
        parts += _profiled(found, "Keras 3's", ours, theirs)
        if ours and theirs:
            parts.append(f"{_time(ours)} per call against Keras 3's {_time(theirs)}")
    return "; ".join(parts) or None


def _profiled(found, whose, time, other_time):
    parts = []
    if found.get("ops"):
        (ops, ref_ops), (op_time, ref_op_time) = found["ops"], found["op_time"]
        parts.append(f"{ops:g} torch ops taking {_time(op_time)} against {whose} {ref_ops:g} "
                     f"taking {_time(ref_op_time)} (torch.profiler)")
        if time and other_time:
            parts.append(f"{_time(max(time - op_time, 0))} of the call outside the ops against "
                         f"{_time(max(other_time - ref_op_time, 0))}")
    if found.get("guards"):
        (guards, ref_guards), (guard_time, ref_guard_time) = found["guards"], found["guard_time"]
        parts.append(f"{guards} guards checked per call taking {_time(guard_time)} against {whose} "
                     f"{ref_guards} taking {_time(ref_guard_time)} (torch.compile's guard check)")
    calls, ref_calls = found["calls"]
    parts.append(f"{calls} function calls per call against {whose} {ref_calls} (cProfile)")
    return parts


def why(result):
    """The reason printed for a miss: measured, then written down; or "not yet analysed"."""
    known = [text for text in (measured_reason(result), reason(result)) if text]
    return ". ".join(known) if known else "not yet analysed"


def _spread(result):
    found = result.get("spread")
    return "" if not found else f" [{found[0]:.2f}-{found[2]:.2f}]"


def _mb(n):
    return "-" if n is None else f"{n / 2**20:.1f} MB"


def _ratio(v, suffix="x"):
    return "-" if v is None else f"{v:.2f}{suffix}"


def _time(seconds):
    if seconds is None:
        return "-"
    if abs(seconds) < 1e-5:
        return f"{seconds * 1e6:.1f} µs"
    return f"{seconds * 1e6:.0f} µs" if abs(seconds) < 1e-3 else f"{seconds * 1e3:.2f} ms"


def _memory_cell(result):
    memory = result.get("memory")
    if not memory or memory.get("how") is None:
        return "-"
    return f"{_mb(memory.get('multiloss'))} / {_mb(memory.get('reference'))}"


def _notes(result):
    notes = list(result.get("notes", []))
    if result.get("keras_note") and result.get("mode") == "eager" and result.get("size") == "small":
        notes.append(result["keras_note"])
    return "; ".join(notes)


def full_table(results):
    """Markdown: one line per row, backend, mode and size."""
    lines = ["| loss | backend | mode | size | multiloss | reference | ratio | Keras 3 / multiloss "
             "| peak memory (multiloss / reference) | reference is | notes |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        mark = " ✗" if misses(r) else ""
        lines.append(
            f"| `{r.get('loss')}` | {r.get('backend')} | {r.get('mode', '-')} | {r.get('size', '-')} "
            f"{r.get('shape', '')} | {_time(r.get('time'))} | {_time(r.get('reference_time'))} "
            f"| {_ratio(r.get('ratio'))}{_spread(r)}{mark} | {_ratio(r.get('keras_speedup'))} | {_memory_cell(r)} "
            f"| {_reference_name(r)} | {_notes(r)} |")
    return "\n".join(lines) + "\n"


def _reference_name(result):
    ref = result.get("reference")
    if not ref:
        return "none"
    return f"`{ref}`" if not ref.startswith("native") else ref


def missed_list(results):
    lines = []
    for r in results:
        for what, got, target in misses(r):
            first = f"; first measured {r['first_ratio']:.2f}x" if r.get("first_ratio") and what.startswith("time") else ""
            if r.get("first_keras_speedup") and what.startswith("speed-up"):
                first = f"; first measured {r['first_keras_speedup']:.1f}x"
            spread = _spread(r) if what.startswith("time") else ""
            lines.append(f"- `{r['loss']}` on {r['backend']}, {r['mode']}, {r['size']} ({r.get('shape')}): "
                         f"{what} {got}{spread} (target {target}{first}). Why: {why(r)}.")
    return "\n".join(lines) + ("\n" if lines else "")


def overhead(result):
    """Seconds a call spends beyond the native call (the reference's), at least 0; None where the
    reference is no native call (a Keras row's reference is Keras 3's loss) or was not timed."""
    if (result.get("reference") or "").startswith("keras."):
        return None
    found = result.get("overhead")
    if found is None and result.get("time") and result.get("reference_time"):
        found = result["time"] - result["reference_time"]
    return None if found is None else max(found, 0.0)


def _median(values):
    values = sorted(values)
    return values[len(values) // 2] if values else None


def summary(results):
    """Markdown: per backend and interface, the overhead per call (eager, small; median over the
    rows) and the worst ratio, eager/compiled x small/large."""
    worst, overheads = {}, {}
    for r in results:
        if r.get("ratio") is None:
            continue
        key = (r["backend"], r["interface"].removeprefix("multiloss.") or "multiloss")
        cell = worst.setdefault(key, {})
        column = (r["mode"], r["size"])
        if r["ratio"] > cell.get(column, (0, ""))[0]:
            cell[column] = (r["ratio"], r["loss"])
        speed = r.get("keras_speedup")
        if speed is not None and r["mode"] == "eager" and r["size"] == "small":
            cell["keras"] = min(cell.get("keras", float("inf")), speed)
        if column == ("eager", "small") and overhead(r) is not None:
            overheads.setdefault(key, []).append(overhead(r))
    columns = [("eager", "small"), ("eager", "large"), ("compiled", "small"), ("compiled", "large")]
    lines = ["| backend | interface | overhead per call | eager small | eager large | compiled small "
             "| compiled large | slowest speed-up over Keras 3 |", "|---|---|---|---|---|---|---|---|"]
    for (backend, interface), cell in sorted(worst.items()):
        cells = [_time(_median(overheads.get((backend, interface), [])))]
        for column in columns:
            if column in cell:
                ratio, loss = cell[column]
                mark = " ✗" if ratio > TARGETS[column] else ""
                cells.append(f"{ratio:.2f}x{mark} (`{loss.rpartition('.')[2]}`)")
            else:
                cells.append("-")
        keras = cell.get("keras")
        cells.append("-" if keras is None else f"{keras:.1f}x" + (" ✗" if keras < KERAS_SPEEDUP else ""))
        lines.append(f"| {backend} | `{interface}` | " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def backend_lines(results):
    """Markdown bullets, one per backend: overhead per call, the large-size and compiled ratios
    (median over the rows, and the worst), the worst line."""
    lines = []
    for backend in sorted({r["backend"] for r in results if r.get("ratio") is not None}):
        mine = [r for r in results if r.get("backend") == backend and r.get("ratio") is not None]
        parts = []
        small = [(overhead(r), r) for r in mine if (r["mode"], r["size"]) == ("eager", "small")
                 and overhead(r) is not None]
        if small:
            top = max(small, key=lambda x: x[0])
            parts.append(f"overhead per call {_time(_median([x for x, _ in small]))} (median; the most "
                         f"{_time(top[0])}, `{top[1]['loss']}`)")
        for label, test in (("at 1e6 elements", lambda r: r["mode"] == "eager" and r["size"] == "large"),
                            ("compiled", lambda r: r["mode"] == "compiled")):
            ratios = [r for r in mine if test(r)]
            if ratios:
                top = max(ratios, key=lambda r: r["ratio"])
                parts.append(f"{label} {_median([r['ratio'] for r in ratios]):.2f}x (median; the most "
                             f"{top['ratio']:.2f}x, `{top['loss']}`)")
        top = max(mine, key=lambda r: r["ratio"])
        parts.append(f"worst line `{top['loss']}` {top['mode']} {top['size']} {top['ratio']:.2f}x{_spread(top)}")
        lines.append(f"- **{backend}**: " + "; ".join(parts) + ".")
    return "\n".join(lines) + "\n"


def about(meta):
    return (f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, "
            f"{meta.get('cpus')} CPUs; {meta.get('threads')} intra-op thread(s); "
            + ("--quick (few repeats: a smoke test, not a measurement); " if meta.get("quick") else "")
            + f"{meta.get('seconds', 0):.0f} s"
            + ("; load average {} (1, 5, 15 min) as it ended".format(", ".join(map(str, meta["load"])))
               if meta.get("load") else "")
            + ("; rows re-measured after a change merged in" if meta.get("merged") else "") + ".")


HOW_TO_READ = """\
Each line times one catalog row on one backend (multiloss and its reference
called on the same native arrays, interleaved in one process, shuffled every
round; times are each callable's best round, the least disturbed by other
processes on a shared machine, and the ratio is multiloss' over the reference's). *small* is the row's input kind with 32 samples,
*large* about 1e6 elements in the largest input. *compiled* is `jax.jit`,
`tf.function(jit_compile=True)` or `torch.compile` of both. The reference is the
original where it runs on that backend (Keras rows: Keras 3 on that backend),
else the fastest native expression of the same math in that framework, written
down in `multiloss/benchmark/references.py`. *Keras 3 / multiloss* is how many
times faster multiloss is than the Keras 3 loss of the same kind on the same
backend (eager). Peak memory at the large size: `tracemalloc` (NumPy), the
profiler's allocation events (torch on CPU), the compiled program's temporaries
and output (`jax.jit`); TensorFlow reports none on CPU.

Targets (goals, never asserted): eager <= 1.5x the reference (small) and <= 1.1x
(large); compiled <= 1.05x; >= 5x faster than Keras 3 (small); peak memory <=
the reference's plus one input-sized temporary. A line that misses one carries ✗
and is listed under "Missed targets" with its reason. *Overhead per call*: multiloss' time
minus the reference's at the small size (eager), the per-call work a call does beyond the
native call (0 where it is faster), where the reference is a native call (not for the Keras
rows, whose reference is Keras 3); the summary gives its median over an interface's rows.
The ratio's [min-max] is the spread of the per-round ratios."""


def page(results, meta):
    parts = ["# Benchmarks", "Generated by `multiloss bench --markdown docs/benchmarks.md`; do not edit by hand.",
             " ".join(filter(None, [about(meta), coverage(results)])), HOW_TO_READ, NOISE, "## Summary: overhead per call and worst ratio per backend and interface", summary(results),
             "## Per backend", backend_lines(results),
             "## Missed targets", missed_list(results) or "None.\n", "## All rows", full_table(results)]
    return "\n\n".join(p.rstrip("\n") for p in parts) + "\n"


def coverage(results):
    """A sentence for each backend that measured fewer catalog rows than the run's most (a worker
    ended by ``--timeout``, a row over ``--row-timeout``), else nothing."""
    rows = {}
    for r in results:
        if r.get("index") is not None:
            found = rows.setdefault(r["backend"], set())
            if not any(note.startswith("not measured") for note in r.get("notes", ())):
                found.add(r["index"])
    most = max(map(len, rows.values()), default=0)
    short = [f"{backend}: {len(found)} of {most} rows (the rest not measured)"
             for backend, found in sorted(rows.items()) if len(found) < most]
    return "Rows measured: " + "; ".join(short) + "." if short else ""


def readme_block(results, meta):
    return (f"{SUMMARY_BEGIN}\nmultiloss over the reference (the original where it runs on that backend, "
            f"else the fastest native expression), from `multiloss bench` ({' '.join(filter(None, [about(meta), coverage(results)]))}). The overhead per "
            f"call is the time a call at 32 samples spends beyond the native call (the Keras rows, whose "
            f"reference is Keras 3, aside); the ratios are eager at about 1e6 elements and compiled (both sizes):\n\n"
            f"{backend_lines(results)}\nEvery row, per interface, and the reason for each miss: "
            f"[docs/benchmarks.md](docs/benchmarks.md).\n{SUMMARY_END}")


def replace_block(text, block):
    """``text`` with the summary block replaced (or appended where it has none)."""
    if SUMMARY_BEGIN in text and SUMMARY_END in text:
        head, _, rest = text.partition(SUMMARY_BEGIN)
        _, _, tail = rest.partition(SUMMARY_END)
        return head + block + tail
    return text.rstrip("\n") + "\n\n" + block + "\n"


def text_table(results):
    header = ("loss", "backend", "mode", "size", "multiloss", "ratio", "keras/ml", "notes")
    rows = [(r.get("loss", ""), r.get("backend", ""), r.get("mode", ""), f"{r.get('size', '')} {r.get('shape', '')}",
             _time(r.get("time")), _ratio(r.get("ratio")) + (" ✗" if misses(r) else ""),
             _ratio(r.get("keras_speedup")), _notes(r)[:80]) for r in results]
    widths = [max(len(str(x[i])) for x in [header, *rows]) for i in range(len(header))]
    return "\n".join("  ".join(str(c).ljust(w) for c, w in zip(row, widths)).rstrip()
                     for row in [header, *rows]) + "\n"
