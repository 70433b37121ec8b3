"""The benchmark's tables: the full page (``docs/benchmarks.md``), the README summary, plain text.

A result misses a target when (targets are goals, never asserted):

- eager: multiloss / reference above 1.5 at the small size, above 1.1 at the large;
- compiled: above 1.05;
- eager, small: multiloss less than 5x faster than Keras 3 on the same backend;
- large: peak memory above the reference's peak plus one input-sized temporary.

Each missed target is listed with its measured value and the reason known for it
(``reasons.REASONS``, by row, backend, mode and size), or "not yet analysed".
"""

from __future__ import annotations

import platform

from . import KERAS_SPEEDUP, TARGETS
from .reasons import REASONS


def row_name(result):
    """The row's name as the page prints it, without its input label: ``keras.Huber``."""
    return result.get("loss", "").partition(" [")[0]


NOISE = ("Measured on a shared 2-core machine while other jobs ran: times are each callable's best "
         "round, but a line at the large size can still move by 2x or more between runs; rerun it alone "
         "(`multiloss bench --loss <name> --backend <backend>`) before trusting it.")

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
        out.append(("speed-up over Keras 3", f"{speedup:.1f}x", f">= {KERAS_SPEEDUP:g}x"))
    memory = result.get("memory") or {}
    ours, ref = memory.get("multiloss"), memory.get("reference")
    if ours is not None and ref is not None and ours > ref + memory["input"]:
        out.append(("peak memory", f"{_mb(ours)} vs {_mb(ref)} + {_mb(memory['input'])} input",
                    "<= reference + one input"))
    return out


def reason(result):
    name = row_name(result)
    for (row, backend, mode, size), text in REASONS.items():
        if (name == row or (row.endswith(".") and name.startswith(row))) \
                and all(want in (None, result.get(field))
                        for want, field in ((backend, "backend"), (mode, "mode"), (size, "size"))):
            return text
    return "not yet analysed"


def _mb(n):
    return "-" if n is None else f"{n / 2**20:.1f} MB"


def _ratio(v, suffix="x"):
    return "-" if v is None else f"{v:.2f}{suffix}"


def _time(seconds):
    if not seconds:
        return "-"
    return f"{seconds * 1e6:.0f} µs" if seconds < 1e-3 else f"{seconds * 1e3:.2f} ms"


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
            f"| {_ratio(r.get('ratio'))}{mark} | {_ratio(r.get('keras_speedup'))} | {_memory_cell(r)} "
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
            lines.append(f"- `{r['loss']}` on {r['backend']}, {r['mode']}, {r['size']} ({r.get('shape')}): "
                         f"{what} {got} (target {target}). Why: {reason(r)}.")
    return "\n".join(lines) + ("\n" if lines else "")


def summary(results):
    """Markdown: the worst ratio per backend and interface, eager/compiled x small/large."""
    worst = {}
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
    columns = [("eager", "small"), ("eager", "large"), ("compiled", "small"), ("compiled", "large")]
    lines = ["| backend | interface | eager small | eager large | compiled small | compiled large "
             "| slowest speed-up over Keras 3 |", "|---|---|---|---|---|---|---|"]
    for (backend, interface), cell in sorted(worst.items()):
        cells = []
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


def about(meta):
    return (f"{platform.python_implementation()} {platform.python_version()}, {platform.machine()}, "
            f"{meta.get('cpus')} CPUs; {meta.get('threads')} intra-op thread(s); "
            + ("--quick (few repeats: a smoke test, not a measurement); " if meta.get("quick") else "")
            + f"{meta.get('seconds', 0):.0f} s"
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
and is listed under "Missed targets" with its reason."""


def page(results, meta):
    parts = ["# Benchmarks", "Generated by `multiloss bench --markdown docs/benchmarks.md`; do not edit by hand.",
             about(meta), HOW_TO_READ, NOISE, "## Summary: worst ratio per backend and interface", summary(results),
             "## Missed targets", missed_list(results) or "None.\n", "## All rows", full_table(results)]
    return "\n\n".join(p.rstrip("\n") for p in parts) + "\n"


def readme_block(results, meta):
    return (f"{SUMMARY_BEGIN}\nWorst ratio to the reference per backend and interface (lower is better; "
            f"✗ misses its target), from `multiloss bench` ({about(meta)}); every row, its reference and "
            f"the reason for each miss: [docs/benchmarks.md](docs/benchmarks.md). Measured on a shared "
            f"machine under load: a large-size ratio can move by 2x between runs.\n\n"
            f"{summary(results)}{SUMMARY_END}")


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
