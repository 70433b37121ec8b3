"""Sections of ``docs/benchmarks.md`` that are measured and rewritten on their own.

``python -m multiloss.benchmark --section ctc`` (or ``optax``, ``memory``) measures one
section and rewrites only the page's text between its markers, without re-running the whole
benchmark; ``multiloss bench --markdown`` keeps them when it rewrites the rest of the page.

- ``ctc``: CTC at T=100, N=16, C=30, S=20 against the native CTC of the same framework:
  torch's ``F.ctc_loss`` eager against ``multiloss.pytorch.functional.ctc_loss``;
  ``optax.losses.ctc_loss`` under ``jax.jit`` against ``multiloss.optax.ctc_loss``;
  ``tf.nn.ctc_loss`` in ``tf.function`` against ``multiloss.tf.nn.ctc_loss``; each as a value,
  and as a value and its gradient w.r.t. the logits (through ``log_softmax`` on torch).
- ``optax``: every row that mirrors ``optax.losses``, ``jax.jit`` of multiloss' function against
  ``jax.jit`` of optax's own on the same arrays (the main benchmark's sizes and inputs), as a value
  and as ``jax.value_and_grad`` of the sum; each row in its own process (``optax_worker``).
- ``memory``: the chunked ``linear_cross_entropy``'s peak memory against its reference path
  (``memory``).

Each backend runs in its own process, one at a time, with one intra-op thread (as ``multiloss
bench``); the two callables of a pair are timed interleaved (``time_interleaved``). The machine's
load (``os.getloadavg``, what ``uptime`` prints) is recorded before and after each backend and
printed beside its figures.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

import numpy as np

BEGIN, END = "<!-- bench-section:{} -->", "<!-- /bench-section:{} -->"
SECTIONS = ("ctc", "optax", "memory")
MARKER = "MULTILOSS-SECTION "
FRAMES, BATCH, CLASSES, LABELS = 100, 16, 30, 20
CTC_BACKENDS = ("torch", "jax", "tensorflow")
MEMORY_BACKENDS = ("torch", "numpy", "jax", "tensorflow")
ROUNDS, SAMPLE_S = 51, 0.02
CTC_TARGET = 1.5
OPTAX_TARGET, OPTAX_ROUNDS = 1.05, 21
MODE = {"torch": "eager", "jax": "jax.jit", "tensorflow": "tf.function"}
OURS = {"torch": "multiloss.pytorch.functional.ctc_loss", "jax": "multiloss.optax.ctc_loss",
        "tensorflow": "multiloss.tf.nn.ctc_loss"}
NATIVE = {"torch": "torch.nn.functional.ctc_loss", "jax": "optax.losses.ctc_loss", "tensorflow": "tf.nn.ctc_loss"}


# -- CTC inputs and pairs ----------------------------------------------------------------------


def ctc_arrays(seed=0):
    """NumPy inputs: logits (T, N, C), targets (N, S) in 1..C-1 (0 is the blank), lengths per sequence."""
    rng = np.random.default_rng(seed)
    return {"logits": rng.normal(size=(FRAMES, BATCH, CLASSES)).astype(np.float32),
            "targets": rng.integers(1, CLASSES, size=(BATCH, LABELS)).astype(np.int32),
            "input_lengths": rng.integers(FRAMES * 4 // 5, FRAMES + 1, size=BATCH).astype(np.int32),
            "target_lengths": rng.integers(LABELS // 2, LABELS + 1, size=BATCH).astype(np.int32)}


def _torch_pairs(a):
    """``{what: (multiloss, native)}``: callables of no arguments, each returning the value."""
    import torch
    import torch.nn.functional as F

    from ..pytorch import functional as ours

    x = torch.from_numpy(a["logits"])
    t, il, tl = (torch.from_numpy(a[k]) for k in ("targets", "input_lengths", "target_lengths"))
    lp = F.log_softmax(x, -1)
    leaf = x.clone().requires_grad_()

    def with_grad(ctc):
        def run():
            loss = ctc(F.log_softmax(leaf, -1), t, il, tl)
            loss.backward()
            leaf.grad = None
            return loss.detach()
        return run

    return {"value": (lambda: ours.ctc_loss(lp, t, il, tl), lambda: F.ctc_loss(lp, t, il, tl)),
            "value and gradient": (with_grad(ours.ctc_loss), with_grad(F.ctc_loss))}


def _jax_pairs(a):
    import jax
    import jax.numpy as jnp
    import optax

    from .. import optax as ours

    logits = jnp.asarray(np.transpose(a["logits"], (1, 0, 2)))
    logit_pad = jnp.asarray((np.arange(FRAMES) >= a["input_lengths"][:, None]).astype(np.float32))
    labels = jnp.asarray(a["targets"])
    label_pad = jnp.asarray((np.arange(LABELS) >= a["target_lengths"][:, None]).astype(np.float32))
    args = (logits, logit_pad, labels, label_pad)

    def pair(ctc):
        value = jax.jit(ctc)
        grad = jax.jit(jax.value_and_grad(lambda *r: ctc(*r).sum()))
        return (lambda: jax.block_until_ready(value(*args)),
                lambda: jax.block_until_ready(grad(*args))[0])

    (ours_value, ours_grad), (native_value, native_grad) = pair(ours.ctc_loss), pair(optax.losses.ctc_loss)
    return {"value": (ours_value, native_value), "value and gradient": (ours_grad, native_grad)}


def _tensorflow_pairs(a):
    import tensorflow as tf

    from ..tf import nn as ours

    logits = tf.constant(a["logits"])
    labels, logit_length, label_length = (tf.constant(a[k]) for k in ("targets", "input_lengths", "target_lengths"))

    def pair(ctc):
        @tf.function
        def value():
            return ctc(labels, logits, label_length, logit_length)

        @tf.function
        def grad():
            with tf.GradientTape() as tape:
                tape.watch(logits)
                loss = ctc(labels, logits, label_length, logit_length)
            return loss, tape.gradient(tf.reduce_sum(loss), logits)

        return (lambda: value().numpy()), (lambda: grad()[0].numpy())

    (ours_value, ours_grad), (native_value, native_grad) = pair(ours.ctc_loss), pair(tf.nn.ctc_loss)
    return {"value": (ours_value, native_value), "value and gradient": (ours_grad, native_grad)}


_PAIRS = {"torch": _torch_pairs, "jax": _jax_pairs, "tensorflow": _tensorflow_pairs}


def _timed(ours, native, rounds, sample_s=SAMPLE_S):
    """The timing fields of one pair's line: both timed interleaved, their best rounds and ratio."""
    from . import spread, time_interleaved

    diff = float(np.max(np.abs(np.asarray(ours()) - np.asarray(native())), initial=0.0))
    samples = time_interleaved({"multiloss": ours, "native": native}, rounds, sample_s)
    time, native_time = min(samples["multiloss"]), min(samples["native"])
    return {"time": time, "native_time": native_time, "ratio": time / native_time,
            "spread": spread(samples, "multiloss", "native"), "rounds": rounds, "max_abs_diff": diff}


def _start_worker(backend):
    from .. import _quiet
    from . import _limit_threads

    _quiet.frameworks((backend,))
    _limit_threads(backend, 1)


def ctc_worker(backend, rounds=ROUNDS):
    """In a fresh process: time each CTC pair on ``backend``; print one JSON line per pair."""
    _start_worker(backend)
    for what, (ours, native) in _PAIRS[backend](ctc_arrays()).items():
        line = {"backend": backend, "mode": MODE[backend], "what": what, "multiloss": OURS[backend],
                "native": NATIVE[backend], **_timed(ours, native, rounds)}
        print(MARKER + json.dumps(line), flush=True)


# -- optax rows under jax.jit ------------------------------------------------------------------


def optax_rows():
    """The catalog rows that mirror ``optax.losses`` (CTC's too, whose row's original is a wrapper)."""
    from .. import catalog

    return [e for e in catalog.ENTRIES if e.interface == "multiloss.optax"]


def _first(out):
    """A loss's value: the first element of a tuple result (CTC with its forward probabilities)."""
    return out[0] if isinstance(out, (tuple, list)) else out


def _optax_pairs(entry, size):
    """``{what: (multiloss, optax)}``: ``jax.jit`` of each on the same arrays, the row's first option
    set; *value and gradient* is ``jax.value_and_grad`` of the sum w.r.t. the row's differentiated input."""
    import jax
    import jax.numpy as jnp
    import optax

    from . import _bind, _to_native, arrays_for

    arrays = _to_native("jax", arrays_for(entry, size))
    at = entry.call.index(entry.grad)

    def pair(fn):
        call, args = _bind(entry, fn, arrays)
        value = jax.jit(call)
        grad = jax.jit(jax.value_and_grad(lambda *a: jnp.sum(_first(call(*a))), argnums=at))
        return ((lambda: _first(jax.block_until_ready(value(*args)))), (lambda: jax.block_until_ready(grad(*args))[0]),
                (value, grad, args))

    ours, native = pair(entry.resolve()), pair(getattr(optax.losses, entry.name))
    return {what: (ours[i], native[i], (ours[2][i], native[2][i], ours[2][2])) for i, what in enumerate(WHATS)}


WHATS = ("value", "value and gradient")
REMEASURE = 2  # a miss is timed again, the pair alone, over this many times the rounds


def _cost(jitted, args):
    """XLA's cost analysis of a compiled program: flops, transcendentals, bytes accessed."""
    cost = jitted.lower(*args).compile().cost_analysis()
    cost = cost[0] if isinstance(cost, (list, tuple)) else cost
    return {k: cost.get(k) for k in ("flops", "transcendentals", "bytes accessed")}


def optax_worker(index, rounds=OPTAX_ROUNDS):
    """In a fresh process: time one optax row (catalog index) at each size, value and value and gradient.

    A line that misses the target is timed again, the pair alone, over ``REMEASURE`` times the rounds
    (its first ratio kept), and if it still misses, both compiled programs' XLA costs are recorded."""
    from .. import catalog
    from . import SIZES, arrays_for, shape_of

    _start_worker("jax")
    entry = catalog.ENTRIES[index]
    for size in SIZES:
        for what, (ours, native, (our_jit, native_jit, args)) in _optax_pairs(entry, size).items():
            line = {"backend": "jax", "mode": "jax.jit", "row": entry.path, "native": f"optax.losses.{entry.name}",
                    "size": size, "shape": shape_of(arrays_for(entry, size), entry), "what": what,
                    **_timed(ours, native, rounds)}
            if line["ratio"] > OPTAX_TARGET:
                first = line["ratio"], line["spread"]
                line.update(_timed(ours, native, REMEASURE * rounds), first_ratio=first[0], first_spread=first[1])
                if line["ratio"] > OPTAX_TARGET:
                    line["cost"] = [_cost(our_jit, args), _cost(native_jit, args)]
            print(MARKER + json.dumps(line), flush=True)


def _in_fresh_process(backend, code, timeout):
    """Run ``code`` in a fresh process set up as ``multiloss bench``'s workers are; its JSON lines."""
    from . import _environment

    env, repo = _environment(backend, 1)
    try:
        out = subprocess.run([sys.executable, "-c", code], env=env, cwd=os.path.dirname(repo),
                             capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return [], f"over {timeout:g} s"
    lines = [json.loads(s[len(MARKER):]) for s in out.stdout.splitlines() if s.startswith(MARKER)]
    return lines, None if lines else (out.stderr.strip().splitlines() or ["no output"])[-1][:200]


def measure_ctc(backends=CTC_BACKENDS, rounds=ROUNDS, timeout=600):
    """The CTC section's lines: one per backend and pair, each with the load around its backend."""
    results = []
    for backend in (b for b in backends if b in _PAIRS):  # NumPy has no CTC of its own
        before = os.getloadavg()
        code = f"from multiloss.benchmark import sections; sections.ctc_worker({backend!r}, {rounds})"
        lines, error = _in_fresh_process(backend, code, timeout)
        load = [before, os.getloadavg()]
        results += [dict(line, load=load) for line in lines]
        if error:
            results.append({"backend": backend, "mode": MODE[backend], "error": error, "load": load})
    return results


def measure_optax(rows=None, rounds=OPTAX_ROUNDS, timeout=600):
    """The optax section's lines: each row in its own process, with the load around it."""
    from .. import catalog

    results = []
    for entry in rows or optax_rows():
        before = os.getloadavg()
        code = f"from multiloss.benchmark import sections; sections.optax_worker({catalog.ENTRIES.index(entry)}, {rounds})"
        lines, error = _in_fresh_process("jax", code, timeout)
        load = [before, os.getloadavg()]
        results += [dict(line, load=load) for line in lines]
        if error:
            results.append({"backend": "jax", "mode": "jax.jit", "row": entry.path, "error": error, "load": load})
    return results


def measure_memory(backends=MEMORY_BACKENDS, timeout=900):
    """The memory section's lines (``memory.result_line``), each with the load around its backend."""
    from . import memory

    results = []
    for backend in backends:
        before = os.getloadavg()
        measured = memory.measure_backend(backend, timeout)
        results.append(dict(memory.result_line(backend, measured), load=[before, os.getloadavg()]))
    return results


# -- the page's text ---------------------------------------------------------------------------


def _time(seconds):
    return "-" if seconds is None else f"{seconds * 1e3:.3f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _mb(n):
    return "-" if n is None else f"{n / 2**20:,.1f} MB"


def _load(line):
    """The load averages (as ``uptime`` prints them) before and after the line's backend was measured."""
    load = line.get("load")
    return "-" if not load else " / ".join(", ".join(f"{x:.2f}" for x in at) for at in load)


def _uptime():
    try:
        return subprocess.run(["uptime"], capture_output=True, text=True, timeout=10).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "load average: " + ", ".join(f"{x:.2f}" for x in os.getloadavg())


def _ratio_cell(r, target):
    """``1.23x ✗ [min-median-max]``: the ratio, a mark where it misses ``target``, the rounds' spread."""
    lo, median, hi = r["spread"]
    mark = "" if r["ratio"] <= target else " ✗"
    return f"{r['ratio']:.2f}x{mark} [{lo:.2f}-{median:.2f}-{hi:.2f}]"


def ctc_section(results, uptime):
    rows = []
    for r in results:
        if "error" in r:
            rows.append(f"| CTC | {r['backend']} | {r['mode']} | - | - | - | - | - | {r['error']} | {_load(r)} |")
            continue
        rows.append(f"| CTC {r['what']} | {r['backend']} | {r['mode']} | `{r['multiloss']}` | `{r['native']}` | "
                    f"{_time(r['time'])} | {_time(r['native_time'])} | {_ratio_cell(r, CTC_TARGET)} | "
                    f"{r['max_abs_diff']:.1e} | {_load(r)} |")
    return "\n".join([
        BEGIN.format("ctc"),
        "## CTC against the framework's own kernel",
        "",
        f"T={FRAMES} frames, N={BATCH} sequences, C={CLASSES} classes (blank 0), S={LABELS} padded target labels "
        f"(target lengths {LABELS // 2}-{LABELS}, frames {FRAMES * 4 // 5}-{FRAMES}), float32 on CPU, one intra-op "
        "thread, each backend in its own process. multiloss and the native CTC are called on the same native "
        "arrays, interleaved, shuffled every round, "
        f"{results[0].get('rounds', ROUNDS) if results else ROUNDS} rounds of about {SAMPLE_S * 1e3:g} ms each; "
        "times are each callable's best round; the ratio is multiloss' best over the native's, with "
        "[min-median-max] of the per-round ratios. *value and gradient*: the gradient w.r.t. the logits "
        "(torch: through `log_softmax`, both sides). torch's CTC is called with its default `'mean'`, optax's "
        "and TF's give the loss per sequence. Target: within "
        f"{CTC_TARGET}x of the native kernel (✗ marks a miss). *max abs diff*: the largest absolute difference "
        "of the two values. *load*: the load averages over 1, 5 and 15 minutes (`uptime`'s) before / after the "
        f"backend's process, on a {os.cpu_count()}-core machine shared with other jobs.",
        "",
        f"Measured with `python -m multiloss.benchmark --section ctc`; `uptime` at the end: `{uptime}`.",
        "",
        "| case | backend | mode | multiloss | native | multiloss time | native time | ratio [spread] | max abs diff "
        "| load |",
        "|---|---|---|---|---|---|---|---|---|---|",
        *rows,
        END.format("ctc"),
    ])


# Why a line still misses after it was re-measured, where XLA's costs alone don't say it:
# (row name, size, what) -> text; None matches any value.
_CTC_SCAN = ("multiloss' program estimates fewer flops and, but for the gradient, fewer bytes than optax's; both "
             "are one while loop over the frames, multiloss' body 3 fusions that mask the padded frames with "
             "selects, optax's 4 that blend them with multiplies (the value's compiled HLO): the time per frame "
             "is not traced further")
OPTAX_REASONS = {
    ("multiclass_sparsemax_loss", None, "value and gradient"): (
        "the gradient is autodiff's through the sort and the running sum of the simplex projection (shared "
        "by every backend); optax gives its projection a custom JVP on the support"),
    ("ntxent", "small", None): (
        "8 samples: calls of a few µs, multiloss' program the fewer flops and the more bytes; not traced further"),
    ("ctc_loss", None, None): _CTC_SCAN,
    ("ctc_loss_with_forward_probs", None, None): _CTC_SCAN,
}


def _cost_note(r):
    """The measured facts of a line: its first ratio if re-measured, XLA's costs if it still missed."""
    notes = []
    if "first_ratio" in r:
        lo, median, hi = r["first_spread"]
        notes.append(f"first {r['first_ratio']:.2f}x [{lo:.2f}-{median:.2f}-{hi:.2f}], re-measured alone "
                     f"over {r['rounds']} rounds")
    if "cost" in r:
        ours, theirs = r["cost"]
        notes.append("XLA cost analysis, multiloss vs optax: " + ", ".join(
            f"{k} {_count(ours[k])} vs {_count(theirs[k])}" for k in ours))
        if ours == theirs:
            notes.append("the same costs: a difference of the load")
    name = r["row"].rpartition(".")[2]
    notes += [text for (n, size, what), text in OPTAX_REASONS.items()
              if n == name and size in (None, r["size"]) and what in (None, r["what"])]
    return "; ".join(notes)


def _count(n):
    return "-" if n is None else f"{n:,.0f}"


def optax_section(results, uptime):
    from . import LARGE_ELEMENTS, SMALL_BATCH

    rows, timed = [], [r for r in results if "error" not in r]
    for r in results:
        name = r["row"].rpartition(".")[2]
        if "error" in r:
            rows.append(f"| `{name}` | - | - | - | - | - | - | - | {r['error']} |")
            continue
        rows.append(f"| `{name}` | {r['size']} {r['shape']} | {r['what']} | {_time(r['time'])} | "
                    f"{_time(r['native_time'])} | {_ratio_cell(r, OPTAX_TARGET)} | "
                    f"{r['max_abs_diff']:.1e} | {_load(r)} | {_cost_note(r)} |")
    worst = sorted(timed, key=lambda r: -r["ratio"])[:3]
    misses = sum(r["ratio"] > OPTAX_TARGET for r in timed)
    return "\n".join([
        BEGIN.format("optax"),
        "## optax rows under jax.jit against optax",
        "",
        "Every row that mirrors `optax.losses` (`multiloss.optax.*`): `jax.jit` of multiloss' function against "
        "`jax.jit` of optax's own, on the same JAX arrays made by the row's input kind, its first option set, at "
        f"the main benchmark's two sizes (small: {SMALL_BATCH} samples; large: about {LARGE_ELEMENTS:.0e} "
        "elements in the largest input), float32 on CPU, one XLA thread, each row in its own process. "
        "*value and gradient*: `jax.value_and_grad` of the sum w.r.t. the row's differentiated input. "
        "The two are timed interleaved, shuffled every round, "
        f"{timed[0]['rounds'] if timed else OPTAX_ROUNDS} rounds of about {SAMPLE_S * 1e3:g} ms each; times are "
        "each callable's best round; the ratio is multiloss' best over optax's, with [min-median-max] of the "
        f"per-round ratios. Target: within {OPTAX_TARGET}x of optax (✗ marks a miss); a line that misses is "
        f"timed again, the pair alone, over {REMEASURE}x the rounds, and if it still misses both compiled "
        "programs' XLA cost analysis is shown. *max abs diff*: the largest absolute difference of the two "
        "values (of the summed loss for *value and gradient*). *load*: the load averages over 1, 5 and 15 "
        f"minutes (`uptime`'s) before / after the row's process, on a {os.cpu_count()}-core machine shared with "
        "other jobs.",
        "",
        f"Measured with `python -m multiloss.benchmark --section optax`; `uptime` at the end: `{uptime}`. "
        f"{len(timed)} lines, {misses} over {OPTAX_TARGET}x; the worst: "
        + ", ".join(f"`{r['row'].rpartition('.')[2]}` {r['size']} {r['what']} {r['ratio']:.2f}x" for r in worst)
        + ".",
        "",
        "| row | size | what | multiloss time | optax time | ratio [spread] | max abs diff | load | notes |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows,
        END.format("optax"),
    ])


def memory_section(results, uptime):
    from . import memory

    rows = []
    for r in results:
        m = r["memory"]
        ours, ref = m.get("multiloss"), m.get("reference")
        share = f"{ours / ref:.2f}" if ours and ref else "-"
        extra = m.get("extra") or [None, None]
        own = "-" if None in extra else f"{_mb(extra[0])} / {_mb(extra[1])} ({m.get('extra_how')})"
        errors = "; ".join(n for n in r.get("notes", []) if n.startswith(("chunked:", "reference:")))
        rows.append(f"| {r['backend']} | {r['mode']}, one {memory.what_is_run(r['backend'])} | {_mb(ours)} | "
                    f"{_mb(ref)} | {share} | {_time(r.get('time'))} / {_time(r.get('reference_time'))} | "
                    f"VmHWM less VmRSS before the call{'; ' + errors if errors else ''} | {own} | {_load(r)} |")
    return "\n".join([
        BEGIN.format("memory"),
        "## Chunked linear cross-entropy: peak memory",
        "",
        f"`multiloss.pytorch.functional.linear_cross_entropy` at N={memory.ROWS}, in_features={memory.IN_FEATURES}, "
        f"C={memory.CLASSES}, float32 (the logits alone are "
        f"{memory.ROWS * memory.CLASSES * 4 / 2**30:g} GiB): *chunked* is `options=LinearCrossEntropyOptions()`, "
        "*reference* `options=None` (linear, then `cross_entropy`). How measured: each path in a fresh process; "
        f"the call is first run on {memory.WARM_ROWS} rows (kernels loaded; under JAX the full-size program "
        "compiled), then the kernel's resident-set high-water mark is reset (`/proc/self/clear_refs`) and the "
        "call runs once at full size; the peak is `VmHWM` less `VmRSS` before the call: what the call made "
        "resident, whichever allocator the framework uses (glibc's default thresholds). Beside it, the "
        "framework's own count where it has one. *time*: that one call, chunked / reference. *load*: the load "
        "averages over 1, 5 and 15 minutes (`uptime`'s) before / after the backend's two processes, on a "
        f"{os.cpu_count()}-core machine shared with other jobs.",
        "",
        f"Measured with `python -m multiloss.benchmark --section memory`; `uptime` at the end: `{uptime}`.",
        "",
        "| backend | what runs | chunked peak | reference peak | chunked / reference | time | how measured "
        "| framework's own count (chunked / reference) | load |",
        "|---|---|---|---|---|---|---|---|---|",
        *rows,
        END.format("memory"),
    ])


RENDER = {"ctc": ctc_section, "optax": optax_section, "memory": memory_section}


def replace(text, name, block):
    """``text`` with section ``name`` replaced by ``block``; a new one goes before the missed targets."""
    begin, end = BEGIN.format(name), END.format(name)
    if begin in text and end in text:
        head, _, rest = text.partition(begin)
        return head + block + rest.partition(end)[2]
    later = [BEGIN.format(n) for n in SECTIONS[SECTIONS.index(name) + 1:] if BEGIN.format(n) in text]
    anchor = later[0] if later else "## Missed targets"  # the sections in SECTIONS' order
    if anchor in text:
        head, _, tail = text.partition(anchor)
        return head + block + "\n\n" + anchor + tail
    return text.rstrip("\n") + "\n\n" + block + "\n"


def keep(old, new):
    """``new`` (a freshly generated page) with the sections ``old`` had, as they were."""
    for name in SECTIONS:
        begin, end = BEGIN.format(name), END.format(name)
        if begin in old and end in old:
            new = replace(new, name, begin + old.partition(begin)[2].partition(end)[0] + end)
    return new


# -- command line --------------------------------------------------------------------------------


def _read(path):
    if not path or not os.path.exists(path):
        return {}
    with open(path, encoding="utf-8") as f:
        return json.load(f)


def merge(saved, fresh):
    """``saved`` lines with those of the backends (optax: the rows) in ``fresh`` replaced by ``fresh``'s,
    in backend order."""
    key = lambda line: (line["backend"], line.get("row"))  # noqa: E731
    measured = {key(line) for line in fresh}
    lines = [line for line in saved if key(line) not in measured] + fresh
    order = {b: i for i, b in enumerate(MEMORY_BACKENDS)}
    rows = {e.path: i for i, e in enumerate(optax_rows())}
    # stable: a backend's pairs keep their order; optax rows go in the catalog's
    return sorted(lines, key=lambda line: (order.get(line["backend"], len(order)), rows.get(line.get("row"), -1)))


def main(argv):
    repo = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    p = argparse.ArgumentParser(prog="python -m multiloss.benchmark", description=(
        "Measure one section of docs/benchmarks.md (CTC against each framework's own kernel, the optax rows "
        "under jax.jit against optax, or the chunked linear cross-entropy's peak memory) and rewrite only that section of the page. The whole page: "
        "`multiloss bench --markdown docs/benchmarks.md`."))
    p.add_argument("--section", action="append", choices=SECTIONS, required=True, help="the section (repeatable)")
    p.add_argument("--backend", action="append", choices=MEMORY_BACKENDS, help="only this backend (repeatable)")
    p.add_argument("--page", default=os.path.join(repo, "docs", "benchmarks.md"), help="the page to rewrite")
    p.add_argument("--json", metavar="PATH", help=(
        "keep the measurements here: those saved before are read, the measured backends' lines replaced, "
        "and the section written from all (one backend at a time: --backend torch, then --backend jax, ...)"))
    p.add_argument("--from-json", metavar="PATH", help="rewrite the page from saved measurements, measuring nothing")
    p.add_argument("--row", action="append", help="optax: only this row, e.g. huber_loss (repeatable)")
    p.add_argument("--rounds", type=int, help=f"rounds per pair (CTC: {ROUNDS}, optax: {OPTAX_ROUNDS})")
    p.add_argument("--timeout", type=float, default=900, help="seconds per process")
    args = p.parse_args(argv)
    saved = _read(args.from_json or args.json)
    for name in args.section:
        if not args.from_json:
            saved[name] = {"results": merge(saved.get(name, {}).get("results", []), _measure(name, args)),
                           "uptime": _uptime()}
            if args.json:  # after each section, so that an interrupted run keeps what it measured
                with open(args.json, "w", encoding="utf-8") as f:
                    json.dump(saved, f, indent=1)
        with open(args.page, encoding="utf-8") as f:
            text = f.read()
        with open(args.page, "w", encoding="utf-8") as f:
            f.write(replace(text, name, RENDER[name](saved[name]["results"], saved[name]["uptime"])))
        sys.stdout.write(f"{args.page}: section {name} rewritten ({len(saved[name]['results'])} lines)\n")
    return 0


def _measure(name, args):
    if name == "ctc":
        return measure_ctc(args.backend or CTC_BACKENDS, args.rounds or ROUNDS, args.timeout)
    if name == "optax":
        rows = [e for e in optax_rows() if not args.row or e.name in args.row]
        return measure_optax(rows, args.rounds or OPTAX_ROUNDS, args.timeout)
    return measure_memory(args.backend or MEMORY_BACKENDS, args.timeout)
