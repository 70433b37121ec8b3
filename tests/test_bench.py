"""``multiloss bench``: generated from the catalog, its references, its report. Speed itself is never asserted."""

import dataclasses
import json

import numpy as np
import pytest

from multiloss import benchmark, catalog, cli
from multiloss.benchmark import references, report


def test_sizes_are_the_kinds_32_samples_and_about_a_million_elements():
    """For the kinds whose maker takes a batch size (a kind without one is timed at its own size)."""
    import inspect

    from multiloss.testing import kinds

    for entry in catalog.ENTRIES:
        if "batch" not in inspect.signature(kinds.KINDS[entry.inputs].make).parameters \
                and entry.inputs != "class_logits_unbatched":
            continue
        small = benchmark.arrays_for(entry, "small")
        large = benchmark.arrays_for(entry, "large")
        # time-major log-probabilities (T, N, C) come first in torch's CTC: its batch is the lengths'
        first = small["input_lengths"] if entry.inputs == "sequences" else small[entry.call[0]]
        if first.ndim and entry.inputs != "class_logits_unbatched":
            assert first.shape[0] == 32, entry.path
        biggest = max(a.size for a in large.values())
        assert 0.9e6 <= biggest <= 1.1e6, (entry.path, biggest)


def test_a_native_reference_computes_the_rows_math():
    """The NumPy expressions written down for the torch and TF originals give the originals' values."""
    pytest.importorskip("torch")
    pytest.importorskip("tensorflow")
    from multiloss.testing import framework_of_path, to_native, to_numpy

    checked = 0
    for entry in catalog.ENTRIES:
        native = references.native_reference(entry, "numpy")
        if native is None:
            continue
        arrays = benchmark.arrays_for(entry, "small", np.float64)
        options = {k: arrays[v.role] if isinstance(v, catalog.Arg) else v for k, v in entry.options[0].items()}
        got = native(*[arrays[r] for r in entry.call], **options)
        framework = entry.original_framework or framework_of_path(entry.original)
        original, _ = benchmark._bind(entry, references.resolve_original(entry),
                                      {k: to_native(framework, v) for k, v in arrays.items()})
        np.testing.assert_allclose(got, to_numpy(original()), rtol=1e-6, atol=1e-9, err_msg=entry.path)
        checked += 1
    assert checked >= 40


def test_a_row_without_a_written_reference_says_so_in_its_line():
    (row,) = catalog.find("tf.nn.l2_loss")
    unknown = dataclasses.replace(row, original="tensorflow.nn.some_future_loss")
    result = benchmark.measure(unknown, "numpy", "small", "eager", quick=True)
    assert result["ratio"] is None and result["time"] > 0
    assert "no native numpy expression of tensorflow.nn.some_future_loss is written down yet" in result["notes"]
    assert "no native numpy expression" in report.full_table([result])


def test_targets_and_summary():
    def line(ratio, mode="eager", size="small", backend="torch", interface="multiloss.pytorch", speedup=None):
        return {"loss": "pytorch.X", "path": "multiloss.pytorch.X", "interface": interface, "backend": backend,
                "mode": mode, "size": size, "shape": "32x5", "ratio": ratio, "keras_speedup": speedup}

    assert report.misses(line(1.4)) == []
    assert report.misses(line(1.2, size="large"))[0][:2] == ("time vs reference", "1.20x")
    assert report.misses(line(1.06, mode="compiled"))[0][2] == "<= 1.05x"
    assert report.misses(line(1.0, speedup=4.0))[0][0] == "speed-up over Keras 3"
    memory = line(1.0, size="large")
    memory["memory"] = {"multiloss": 9e6, "reference": 4e6, "input": 4e6, "how": "tracemalloc"}
    assert report.misses(memory)[0][0] == "peak memory"
    table = report.summary([line(1.2), line(2.0), line(1.0, size="large"), line(3.0, backend="jax")])
    assert "| torch | `pytorch` | - | 2.00x ✗ (`X`) | 1.00x (`X`) | - | - | - |" in table
    assert "| jax | `pytorch` | - | 3.00x ✗" in table


def test_the_readme_block_is_replaced_in_place():
    text = "intro\n<!-- bench-summary -->\nold\n<!-- /bench-summary -->\nrest\n"
    new = report.replace_block(text, "<!-- bench-summary -->\nnew\n<!-- /bench-summary -->")
    assert new == "intro\n<!-- bench-summary -->\nnew\n<!-- /bench-summary -->\nrest\n"


def test_bench_command_measures_one_row_and_writes_the_page_and_readme(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text("# x\n\n<!-- bench-summary -->\nold\n<!-- /bench-summary -->\n")
    page, raw = tmp_path / "benchmarks.md", tmp_path / "results.json"
    kept = "<!-- bench-section:ctc -->\nmeasured alone\n<!-- /bench-section:ctc -->"
    page.write_text(f"# old page\n\n{kept}\n\n## Missed targets\n")
    code = cli.main(["bench", "--quick", "--backend", "numpy", "--loss", "tf.nn.l2_loss", "--mode", "eager",
                     "--json", str(raw), "--markdown", str(page), "--readme", str(readme)])
    assert code == 0
    results = json.loads(raw.read_text())["results"]
    assert [(r["loss"], r["size"]) for r in results] == [("tf.nn.l2_loss", "small"), ("tf.nn.l2_loss", "large")]
    assert all(r["ratio"] > 0 and r["reference"] == "native numpy (tensorflow.nn.l2_loss)" for r in results)
    assert results[1]["memory"]["how"] == "tracemalloc" and results[1]["memory"]["multiloss"] >= 0
    assert "| `tf.nn.l2_loss` | numpy | eager | small 32x5 |" in page.read_text()
    assert kept in page.read_text() and "# old page" not in page.read_text()
    text = readme.read_text()
    assert "- **numpy**: overhead per call " in text and "worst line `tf.nn.l2_loss`" in text and "old" not in text
    assert len(report.replace_block(text, "").splitlines()) < 12  # a few lines, not a table
    assert "tf.nn.l2_loss" in capsys.readouterr().out


def test_merged_results_keep_the_other_lines_and_add_up_the_time(tmp_path):
    raw = tmp_path / "results.json"
    line = {"path": "p", "index": 0, "backend": "numpy", "mode": "eager"}
    cli._save_results(str(raw), [{**line, "size": "small", "ratio": 1.0}, {**line, "size": "large", "ratio": 2.0}],
                      {"seconds": 100.0, "load": [3.0, 2.0, 1.0]}, merge=True)
    not_measured = {"path": "q", "index": 1, "backend": "numpy", "notes": ["not measured: the row ran over 600 s"]}
    cli._save_results(str(raw), [not_measured], {"seconds": 600.0}, merge=True)
    cli._save_results(str(raw), [{**line, "size": "large", "ratio": 1.5}, {**line, "backend": "jax", "size": "small"},
                                 {**not_measured, "mode": "eager", "size": "small", "ratio": 0.5}],
                      {"seconds": 20.0, "load": [1.0, 1.0, 1.0]}, merge=True)
    saved = json.loads(raw.read_text())
    assert [(r["path"], r["backend"], r.get("size"), r.get("ratio")) for r in saved["results"]] == [
        ("p", "numpy", "small", 1.0), ("p", "numpy", "large", 1.5), ("p", "jax", "small", None),
        ("q", "numpy", "small", 0.5)]
    assert saved["meta"] == {"seconds": 720.0, "load": [1.0, 1.0, 1.0], "merged": True}


@pytest.mark.parametrize("backend", ["torch", "tensorflow", "jax"])
def test_the_native_references_of_each_framework_agree_with_numpys(backend):
    pytest.importorskip(backend)
    from multiloss.testing import to_native, to_numpy, x64

    for entry in catalog.ENTRIES:
        if references.original_runs_on(entry, backend) or entry.original not in references.NATIVE:
            continue
        numpy_reference = references.native_reference(entry, "numpy")
        if numpy_reference is None:  # CTC: NumPy has no kernel of its own (checked against the original next)
            continue
        arrays = benchmark.arrays_for(entry, "small", np.float64)
        options = {k: arrays[v.role] if isinstance(v, catalog.Arg) else v for k, v in entry.options[0].items()}
        expected = numpy_reference(*[arrays[r] for r in entry.call], **options)
        with x64(backend):
            native = {k: to_native(backend, v) for k, v in arrays.items()}
            options = {k: native[v.role] if isinstance(v, catalog.Arg) else v for k, v in entry.options[0].items()}
            got = references.native_reference(entry, backend)(*[native[r] for r in entry.call], **options)
            np.testing.assert_allclose(to_numpy(got), expected, rtol=1e-9, atol=1e-12, err_msg=entry.path)


@pytest.mark.parametrize("backend", ["torch", "tensorflow", "jax"])
def test_the_native_ctc_of_each_framework_gives_the_originals_values(backend):
    """CTC has no NumPy expression: each framework's own kernel, in the row's layout, against the original,
    in float32, as the benchmark calls them (tf.nn.ctc_loss rejects float64 logits)."""
    pytest.importorskip(backend)
    pytest.importorskip("optax")
    from multiloss.testing import framework_of_path, to_native, to_numpy

    checked = 0
    for entry in catalog.ENTRIES:
        if entry.original not in references._CTC or references.original_runs_on(entry, backend):
            continue
        arrays = benchmark.arrays_for(entry, "small")
        framework = entry.original_framework or framework_of_path(entry.original)
        original, _ = benchmark._bind(entry, references.resolve_original(entry),
                                      {k: to_native(framework, v) for k, v in arrays.items()})
        native = {k: to_native(backend, v) for k, v in arrays.items()}
        options = {k: native[v.role] if isinstance(v, catalog.Arg) else v for k, v in entry.options[0].items()}
        got = references.native_reference(entry, backend)(*[native[r] for r in entry.call], **options)
        np.testing.assert_allclose(to_numpy(got), to_numpy(original()), rtol=1e-5, atol=1e-5, err_msg=entry.path)
        checked += 1
    assert checked >= 2


def test_the_spread_is_the_per_round_ratios_min_median_max():
    samples = {"multiloss": [2.0, 4.0, 3.0, 9.0], "reference": [1.0, 1.0, 1.0, 3.0]}
    assert benchmark.spread(samples, "multiloss", "reference") == [2.0, 3.0, 4.0]
    assert benchmark.ratio(samples, "multiloss", "reference") == 2.0
    assert benchmark.spread(samples, "multiloss", "keras") is None


def test_a_miss_is_measured_again_and_gets_a_reason_from_what_was_measured(monkeypatch):
    """Every line misses a target of 0: each is re-measured, profiled, and its reason generated."""
    monkeypatch.setitem(benchmark.TARGETS, ("eager", "small"), 0.0)
    (row,) = catalog.find("tf.nn.l2_loss")
    result = benchmark.measure(row, "numpy", "small", "eager", quick=True)
    assert result["first_ratio"] > 0 and result["ratio"] > 0
    lo, median, hi = result["spread"]
    assert lo <= median <= hi and lo <= result["ratio"] * 1.0001
    calls, reference_calls = result["profile"]["calls"]
    assert calls > 1 and reference_calls >= 1
    assert result["overhead"] == pytest.approx(result["time"] - result["reference_time"])
    (line,) = report.missed_list([result]).splitlines()
    assert f"{calls} function calls per call against the reference's {reference_calls} (cProfile)" in line
    assert f"[{lo:.2f}-{hi:.2f}]" in line and "first measured" in line


def test_a_speed_up_over_keras_that_misses_is_measured_again_and_gets_a_measured_reason(monkeypatch):
    """Every line misses a speed-up of 1e9: re-measured against Keras 3 alone, profiled, its reason generated."""
    pytest.importorskip("keras")
    monkeypatch.setattr(benchmark, "KERAS_SPEEDUP", 1e9)
    monkeypatch.setattr(report, "KERAS_SPEEDUP", 1e9)
    (row,) = catalog.find("keras.mean_squared_error")
    result = benchmark.measure(row, "numpy", "small", "eager", quick=True)
    assert result["first_keras_speedup"] > 0 and result["keras_speedup"] > 0
    lo, median, hi = result["keras_spread"]
    assert lo <= median <= hi
    ours, keras = result["keras_times"]
    assert result["keras_speedup"] == pytest.approx(keras / ours)
    calls, keras_calls = result["keras_profile"]["calls"]
    assert calls > 1 and keras_calls > 1
    (line,) = [line for line in report.missed_list([result]).splitlines() if "speed-up" in line]
    assert f"{calls} function calls per call against Keras 3's {keras_calls} (cProfile)" in line
    assert f"[{lo:.1f}-{hi:.1f}]" in line and "first measured" in line and "not yet analysed" not in line


def test_a_torch_miss_counts_the_ops_and_the_time_outside_them(monkeypatch):
    pytest.importorskip("torch")
    monkeypatch.setitem(benchmark.TARGETS, ("eager", "small"), 0.0)
    (row,) = catalog.find("pytorch.functional.mse_loss")
    result = benchmark.measure(row, "torch", "small", "eager", quick=True)
    ops, reference_ops = result["profile"]["ops"]
    # torch's mse_loss is the reference; multiloss calls the kernel under it, bound, without F's broadcast
    assert reference_ops >= 1 and 1 <= ops <= reference_ops
    assert all(0 < t < 1 for t in result["profile"]["op_time"])
    assert "torch ops taking" in report.measured_reason(result)


def test_a_compiled_torch_miss_counts_the_guards_and_times_their_check(monkeypatch):
    pytest.importorskip("torch")
    monkeypatch.setitem(benchmark.TARGETS, ("compiled", "small"), 0.0)
    (row,) = catalog.find("pytorch.functional.mse_loss")
    result = benchmark.measure(row, "torch", "small", "compiled", quick=True)
    (guards, reference_guards), times = result["profile"]["guards"], result["profile"]["guard_time"]
    # torch's mse_loss is one node of the graph; multiloss' function is traced to reach it: more guards
    assert 0 < reference_guards < guards and all(0 < t < 1e-3 for t in times)
    assert f"{guards} guards checked per call" in report.measured_reason(result)


def test_every_compiled_torch_callable_is_compiled_however_many_share_a_line():
    """torch.compile keeps its entries per code object: ten callables made on one line (as a
    worker's rows make theirs) each compile their own graph, past torch's limit of 8 per code."""
    torch = pytest.importorskip("torch")
    x = torch.ones(3)
    counters = torch._dynamo.utils.counters
    before = counters["stats"]["unique_graphs"]
    for k in range(10):
        compiled = benchmark.compile_fn("torch", lambda a, k=k: a * k + 1)
        assert torch.equal(compiled(x), x * k + 1)
    assert counters["stats"]["unique_graphs"] - before == 10


def test_each_size_is_compiled_for_its_shapes():
    """torch.compile remembers the shapes a function met by its file, line and name: the large
    size's callable, made on the small one's line, compiles with static shapes all the same
    (dynamic shapes would add guards and the sizes' arithmetic to every call)."""
    torch = pytest.importorskip("torch")
    from multiloss.benchmark import overhead

    guards = []
    for shape in ((32, 5), (1000, 10)):
        x = torch.ones(shape)
        compiled = benchmark.compile_fn("torch", lambda *a, k=2.0: a[0] * k)
        assert torch.equal(compiled(x), x * 2)
        guards.append(overhead.torch_guards(benchmark._compiled_code(compiled), {"a": (x,), "k": 2.0})[0])
    assert guards[0] == guards[1]


def test_a_line_within_its_target_is_measured_once(monkeypatch):
    monkeypatch.setitem(benchmark.TARGETS, ("eager", "small"), 1e9)
    (row,) = catalog.find("tf.nn.l2_loss")
    result = benchmark.measure(row, "numpy", "small", "eager", quick=True)
    assert "first_ratio" not in result and "profile" not in result and report.misses(result) == []


def test_the_readme_lines_give_overhead_ratios_and_the_worst_line_per_backend():
    def line(ratio, mode, size, loss, time=None, reference_time=None):
        return {"loss": loss, "path": "multiloss." + loss, "interface": "multiloss.pytorch", "backend": "torch",
                "mode": mode, "size": size, "ratio": ratio, "time": time, "reference_time": reference_time}

    results = [line(2.0, "eager", "small", "pytorch.A", 30e-6, 15e-6), line(1.2, "eager", "small", "pytorch.B", 12e-6, 10e-6),
               line(1.05, "eager", "large", "pytorch.A"), line(1.01, "compiled", "small", "pytorch.B"),
               line(1.03, "compiled", "large", "pytorch.A")]
    (text,) = report.backend_lines(results).splitlines()
    assert text.startswith("- **torch**: overhead per call 15 µs (median; the most 15 µs, `pytorch.A`)")
    assert "at 1e6 elements 1.05x (median; the most 1.05x, `pytorch.A`)" in text
    assert "compiled 1.03x (median; the most 1.03x, `pytorch.A`)" in text
    assert text.endswith("worst line `pytorch.A` eager small 2.00x.")


# -- the separately measured sections (CTC against each framework's kernel, the optax rows under
#    jax.jit, the chunked linear cross-entropy's peak memory) ----------------------------------------


def test_a_section_is_rewritten_between_its_markers_and_the_rest_of_the_page_kept():
    from multiloss.benchmark import sections

    page = "# B\n\n## Summary\n\nx\n\n## Missed targets\n\ny\n"
    first = sections.replace(page, "ctc", "<!-- bench-section:ctc -->\nold\n<!-- /bench-section:ctc -->")
    assert first.index("old") < first.index("## Missed targets") and first.startswith("# B\n\n## Summary\n\nx\n\n")
    second = sections.replace(first, "ctc", "<!-- bench-section:ctc -->\nnew\n<!-- /bench-section:ctc -->")
    assert second == first.replace("old", "new")
    # the whole page regenerated by `multiloss bench --markdown` keeps the section as it was
    assert sections.keep(second, page) == second
    both = sections.replace(second, "memory", "<!-- bench-section:memory -->\nm\n<!-- /bench-section:memory -->")
    assert both.index("new") < both.index("\nm\n") < both.index("## Missed targets")
    # a page whose memory section came first gets the CTC section before it
    only_memory = sections.replace(page, "memory", "<!-- bench-section:memory -->\nm\n<!-- /bench-section:memory -->")
    assert sections.replace(only_memory, "ctc", "<!-- bench-section:ctc -->\nnew\n<!-- /bench-section:ctc -->") == both


def test_the_ctc_inputs_are_the_stated_size_and_every_alignment_is_possible():
    from multiloss.benchmark import sections

    a = sections.ctc_arrays()
    assert a["logits"].shape == (100, 16, 30) and a["targets"].shape == (16, 20)
    assert a["targets"].min() >= 1  # 0 is the blank of all three frameworks
    repeats = [(t[1:n] == t[:n - 1]).sum() for t, n in zip(a["targets"], a["target_lengths"])]
    assert all(a["input_lengths"] >= a["target_lengths"] + np.array(repeats))


def _ctc_line(ratio, backend="torch", what="value"):
    return {"backend": backend, "mode": "eager", "what": what, "multiloss": "multiloss.pytorch.functional.ctc_loss",
            "native": "torch.nn.functional.ctc_loss", "time": ratio * 1e-3, "native_time": 1e-3,
            "ratio": ratio, "spread": [ratio * 0.9, ratio, ratio * 1.2], "rounds": 3, "max_abs_diff": 0.0,
            "load": [[1.0, 2.0, 3.0], [1.5, 2.0, 3.0]]}


def test_the_ctc_table_has_a_line_per_pair_with_the_spread_and_the_load():
    from multiloss.benchmark import sections

    text = sections.ctc_section([_ctc_line(1.2), _ctc_line(2.0, what="value and gradient")], "load average: 1.50")
    assert text.startswith("<!-- bench-section:ctc -->") and text.endswith("<!-- /bench-section:ctc -->")
    assert ("| CTC value | torch | eager | `multiloss.pytorch.functional.ctc_loss` | `torch.nn.functional.ctc_loss` "
            "| 1.200 ms | 1.000 ms | 1.20x [1.08-1.20-1.44] | 0.0e+00 | 1.00, 2.00, 3.00 / 1.50, 2.00, 3.00 |") in text
    assert "| 2.00x ✗ [" in text and "load average: 1.50" in text


def test_measuring_one_backend_again_replaces_only_its_lines():
    from multiloss.benchmark import sections

    saved = [_ctc_line(1.0, "jax"), _ctc_line(1.0, "torch"), _ctc_line(1.0, "torch", "value and gradient")]
    merged = sections.merge(saved, [_ctc_line(3.0, "torch")])
    assert [(r["backend"], r["ratio"]) for r in merged] == [("torch", 3.0), ("jax", 1.0)]


def test_the_memory_table_gives_both_peaks_and_how_they_were_measured():
    from multiloss.benchmark import memory, sections

    measured = {"chunked": {"peak": 100 * 2**20, "seconds": 2.0, "extra": 99 * 2**20, "extra_how": "torch profiler"},
                "reference": {"peak": 3000 * 2**20, "seconds": 1.0, "extra": 2 * 2**30, "extra_how": "torch profiler"}}
    line = dict(memory.result_line("torch", measured), load=[[1.0, 1.0, 1.0], [2.0, 1.0, 1.0]])
    text = sections.memory_section([line], "load average: 2.00")
    assert ("| torch | eager, one value and gradient | 100.0 MB | 3,000.0 MB | 0.03 | 2.00 s / 1.00 s "
            "| VmHWM less VmRSS before the call | 99.0 MB / 2,048.0 MB (torch profiler) "
            "| 1.00, 1.00, 1.00 / 2.00, 1.00, 1.00 |") in text


def test_the_ctc_pairs_are_measured_in_a_fresh_process_and_agree():
    pytest.importorskip("torch")
    from multiloss.benchmark import sections

    lines = sections.measure_ctc(["torch"], rounds=1, timeout=300)
    assert [r["what"] for r in lines] == ["value", "value and gradient"]
    assert all(r["ratio"] > 0 and r["max_abs_diff"] < 1e-4 and len(r["load"]) == 2 for r in lines)


def test_the_page_carries_both_measured_sections():
    import pathlib

    text = (pathlib.Path(__file__).parent.parent / "docs" / "benchmarks.md").read_text(encoding="utf-8")
    for name in ("ctc", "optax", "memory"):
        section = text.partition(f"<!-- bench-section:{name} -->")[2].partition(f"<!-- /bench-section:{name} -->")[0]
        assert "`uptime` at the end: `" in section and "| load |" in section, name
    ctc = text.partition("<!-- bench-section:ctc -->")[2]
    assert all(f"| CTC value | {b} |" in ctc for b in ("torch", "jax", "tensorflow"))
    optax = text.partition("<!-- bench-section:optax -->")[2].partition("<!-- /bench-section:optax -->")[0]
    from multiloss.benchmark import sections

    for entry in sections.optax_rows():  # every row, each size, value and value and gradient
        assert optax.count(f"| `{entry.name}` |") == 4, entry.name


def _optax_line(ratio, row="multiloss.optax.l2_loss", size="small", what="value", **extra):
    return {"backend": "jax", "mode": "jax.jit", "row": row, "native": "optax.losses.l2_loss", "size": size,
            "shape": "32x5", "what": what, "time": ratio * 1e-3, "native_time": 1e-3, "ratio": ratio,
            "spread": [ratio * 0.9, ratio, ratio * 1.2], "rounds": 3, "max_abs_diff": 0.0,
            "load": [[1.0, 2.0, 3.0], [1.5, 2.0, 3.0]], **extra}


def test_the_optax_table_marks_a_miss_and_gives_its_measured_costs():
    from multiloss.benchmark import sections

    cost = {"flops": 1119.0, "transcendentals": None, "bytes accessed": 3220.0}
    missed = _optax_line(1.5, what="value and gradient", first_ratio=1.6, first_spread=[1.0, 1.5, 2.0],
                         cost=[cost, dict(cost, flops=639.0)])
    text = sections.optax_section([_optax_line(1.01), missed], "load average: 1.50")
    assert text.startswith("<!-- bench-section:optax -->") and text.endswith("<!-- /bench-section:optax -->")
    assert ("| `l2_loss` | small 32x5 | value | 1.010 ms | 1.000 ms | 1.01x [0.91-1.01-1.21] | 0.0e+00 "
            "| 1.00, 2.00, 3.00 / 1.50, 2.00, 3.00 |  |") in text
    assert "| 1.50x ✗ [1.35-1.50-1.80] |" in text and "first 1.60x [1.00-1.50-2.00]" in text
    assert "flops 1,119 vs 639, transcendentals - vs -, bytes accessed 3,220 vs 3,220" in text
    assert "2 lines, 1 over 1.05x; the worst: `l2_loss` small value and gradient 1.50x" in text


def test_measuring_one_optax_row_again_replaces_only_its_lines_in_catalog_order():
    from multiloss.benchmark import sections

    saved = [_optax_line(1.0, "multiloss.optax.squared_error"), _optax_line(1.0)]
    merged = sections.merge(saved, [_optax_line(2.0, "multiloss.optax.squared_error")])
    assert [(r["row"], r["ratio"]) for r in merged] == [("multiloss.optax.squared_error", 2.0),
                                                        ("multiloss.optax.l2_loss", 1.0)]


def test_an_optax_row_with_a_tuple_result_is_timed_in_a_fresh_process_against_optax():
    pytest.importorskip("jax")
    pytest.importorskip("optax")
    from multiloss import catalog
    from multiloss.benchmark import sections

    (entry,) = catalog.find("optax.ctc_loss_with_forward_probs")
    lines = sections.measure_optax([entry], rounds=1, timeout=300)
    assert [(r["size"], r["what"]) for r in lines] == [(size, what) for size in ("small", "large")
                                                      for what in ("value", "value and gradient")]
    assert all(r["native"] == "optax.losses.ctc_loss_with_forward_probs" and r["ratio"] > 0
               and r["max_abs_diff"] < 1.0 and len(r["load"]) == 2 for r in lines)


def test_the_timeout_ends_a_worker_stuck_in_one_row(monkeypatch):
    """A worker that prints nothing (stuck in one measurement) is ended at the deadline, not when
    its next line comes: its backend is reported as having produced nothing."""
    import subprocess
    import sys
    import time

    real_popen = subprocess.Popen

    def stuck_worker(cmd, **kwargs):
        return real_popen([sys.executable, "-c", "import time; time.sleep(120)"], **kwargs)

    monkeypatch.setattr(benchmark.subprocess, "Popen", stuck_worker)
    started = time.monotonic()
    results = benchmark.run(catalog.ENTRIES[:1], ["numpy"], quick=True, timeout=1)
    assert time.monotonic() - started < 60  # the worker sleeps 120 s: only the deadline ends it sooner
    assert results == [{"loss": "*", "backend": "numpy", "notes": ["numpy worker produced nothing"]}]


def test_a_row_that_overruns_is_reported_and_the_rows_after_it_measured(monkeypatch):
    """A worker stuck in one row (the first) is ended at the row's deadline; that row is reported
    as not measured, and a new worker measures the rows after it."""
    import subprocess
    import sys

    real_popen = subprocess.Popen
    workers = []
    script = (
        "import json, sys, time\n"
        "rows = [int(i) for i in sys.argv[1].split(',')]\n"
        "for row in rows:\n"
        f"    print({benchmark.ROW_MARKER!r} + str(row), flush=True)\n"
        "    if row == 0:\n"
        "        time.sleep(120)\n"
        f"    print({benchmark.MARKER!r} + json.dumps({{'loss': 'measured', 'index': row}}), flush=True)\n"
    )

    def worker(cmd, **kwargs):
        workers.append(cmd[4])  # the rows it is given
        return real_popen([sys.executable, "-c", script, cmd[4]], **kwargs)

    monkeypatch.setattr(benchmark.subprocess, "Popen", worker)
    results = benchmark.run(catalog.ENTRIES[:3], ["numpy"], quick=True, row_timeout=2)
    assert workers == ["0,1,2", "1,2"]
    assert [r["index"] for r in results] == [0, 1, 2]
    assert results[0]["notes"] == ["not measured: the row ran over 2 s"]
    assert results[0]["path"] == catalog.ENTRIES[0].path
    assert [r["loss"] for r in results[1:]] == ["measured", "measured"]


def test_the_page_names_a_row_reported_as_not_measured():
    """A row whose only line is the note of a row over ``--row-timeout`` counts as not measured."""
    from multiloss.benchmark import report

    measured = [{"backend": b, "index": i, "notes": []} for b in ("numpy", "torch") for i in (0, 1)]
    overran = {"backend": "torch", "index": 1, "notes": ["not measured: the row ran over 600 s"]}
    results = [r for r in measured if (r["backend"], r["index"]) != ("torch", 1)] + [overran]
    assert report.coverage(measured) == ""
    assert report.coverage(results) == "Rows measured: torch: 1 of 2 rows (the rest not measured)."
