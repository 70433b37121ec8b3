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
        first = small[entry.call[0]]
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
    assert "| torch | `pytorch` | 2.00x ✗ (`X`) | 1.00x (`X`) | - | - | - |" in table
    assert "| jax | `pytorch` | 3.00x ✗" in table


def test_the_readme_block_is_replaced_in_place():
    text = "intro\n<!-- bench-summary -->\nold\n<!-- /bench-summary -->\nrest\n"
    new = report.replace_block(text, "<!-- bench-summary -->\nnew\n<!-- /bench-summary -->")
    assert new == "intro\n<!-- bench-summary -->\nnew\n<!-- /bench-summary -->\nrest\n"


def test_bench_command_measures_one_row_and_writes_the_page_and_readme(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text("# x\n\n<!-- bench-summary -->\nold\n<!-- /bench-summary -->\n")
    page, raw = tmp_path / "benchmarks.md", tmp_path / "results.json"
    code = cli.main(["bench", "--quick", "--backend", "numpy", "--loss", "tf.nn.l2_loss", "--mode", "eager",
                     "--json", str(raw), "--markdown", str(page), "--readme", str(readme)])
    assert code == 0
    results = json.loads(raw.read_text())["results"]
    assert [(r["loss"], r["size"]) for r in results] == [("tf.nn.l2_loss", "small"), ("tf.nn.l2_loss", "large")]
    assert all(r["ratio"] > 0 and r["reference"] == "native numpy (tensorflow.nn.l2_loss)" for r in results)
    assert results[1]["memory"]["how"] == "tracemalloc" and results[1]["memory"]["multiloss"] >= 0
    assert "| `tf.nn.l2_loss` | numpy | eager | small 32x5 |" in page.read_text()
    assert "| numpy | `tf.nn` |" in readme.read_text() and "old" not in readme.read_text()
    assert "tf.nn.l2_loss" in capsys.readouterr().out


@pytest.mark.parametrize("backend", ["torch", "tensorflow", "jax"])
def test_the_native_references_of_each_framework_agree_with_numpys(backend):
    pytest.importorskip(backend)
    from multiloss.testing import to_native, to_numpy, x64

    for entry in catalog.ENTRIES:
        if references.original_runs_on(entry, backend) or entry.original not in references.NATIVE:
            continue
        arrays = benchmark.arrays_for(entry, "small", np.float64)
        options = {k: arrays[v.role] if isinstance(v, catalog.Arg) else v for k, v in entry.options[0].items()}
        expected = references.native_reference(entry, "numpy")(*[arrays[r] for r in entry.call], **options)
        with x64(backend):
            native = {k: to_native(backend, v) for k, v in arrays.items()}
            options = {k: native[v.role] if isinstance(v, catalog.Arg) else v for k, v in entry.options[0].items()}
            got = references.native_reference(entry, backend)(*[native[r] for r in entry.call], **options)
            np.testing.assert_allclose(to_numpy(got), expected, rtol=1e-9, atol=1e-12, err_msg=entry.path)
