"""``multiloss check`` and ``multiloss list``: the report, its formats, filters and exit status."""

import dataclasses
import io
import json
import os

import pytest

from multiloss import catalog, cli, testing


def _check(entries, backends, fmt="json"):
    out = io.StringIO()
    code = cli.check(entries, backends, fmt, out)
    return code, out.getvalue()


def test_passing_rows_exit_zero_with_a_json_report():
    (entry,) = catalog.find("tf.nn.l2_loss")
    code, text = _check([entry], ["numpy"])
    report = json.loads(text)
    assert code == 0
    assert report["passed"] == 1 and report["failed"] == 0
    cell = report["results"][0]["backends"]["numpy"]
    assert cell["status"] == "PASS" and 0 <= cell["deviation"] <= 1


def test_a_row_that_disagrees_with_its_original_fails_and_exits_non_zero():
    pytest.importorskip("torch")
    (l1,) = catalog.find("pytorch.functional.l1_loss")
    wrong = dataclasses.replace(l1, original="torch.nn.functional.mse_loss")
    code, text = _check([wrong], ["numpy"], fmt="markdown")
    assert code == 1
    assert "| FAIL" in text and "FAIL pytorch.functional.l1_loss [numpy] values" in text


def test_a_backend_that_is_not_installed_is_reported_not_failed(monkeypatch):
    monkeypatch.setattr(testing, "installed", lambda framework: framework == "numpy")
    (entry,) = catalog.find("tf.nn.l2_loss")
    code, text = _check([entry], ["numpy", "jax"])
    report = json.loads(text)
    assert code == 0
    assert report["results"][0]["backends"]["jax"]["status"] == "not installed"


def test_loss_filter_and_list(capsys):
    assert [e.path for e in cli._select(["functional.kl_div"])] == ["multiloss.pytorch.functional.kl_div"]
    # a substring: kl_div and every kl_divergence (Keras', optax's)
    assert {"multiloss.pytorch.functional.kl_div", "multiloss.keras.kl_divergence",
            "multiloss.optax.kl_divergence"} <= {e.path for e in cli._select(["kl_div"])}
    with pytest.raises(SystemExit, match="no catalog row matches"):
        cli._select(["no_such_loss"])
    assert cli.main(["list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == len(catalog.ENTRIES)
    assert all(" " in line for line in listed)


# -- multiloss check for people: --fail-fast, rerun commands, progress, workers, quiet start-up -----


def _wrong_l1():
    """l1_loss held to mse_loss: a row that fails on every backend."""
    (l1,) = catalog.find("pytorch.functional.l1_loss")
    return dataclasses.replace(l1, original="torch.nn.functional.mse_loss")


def test_fail_fast_stops_at_the_first_failure_and_names_the_command_that_reproduces_it():
    pytest.importorskip("torch")
    (good,) = catalog.find("tf.nn.l2_loss")
    out = io.StringIO()
    code = cli.check([_wrong_l1(), good], ["numpy"], "text", out, fail_fast=True)
    text = out.getvalue()
    assert code == 1
    assert "tf.nn.l2_loss" not in text  # never reached
    assert "0 passed, 1 failed (stopped at the first failure: --fail-fast)" in text
    assert "  rerun: multiloss check --loss multiloss.pytorch.functional.l1_loss --backend numpy\n" in text


def test_without_fail_fast_every_row_is_checked_and_each_failure_gets_its_command():
    pytest.importorskip("torch")
    (good,) = catalog.find("tf.nn.l2_loss")
    out = io.StringIO()
    assert cli.check([_wrong_l1(), good], ["numpy"], "text", out) == 1
    text = out.getvalue()
    assert "1 passed, 1 failed\n" in text
    assert text.count("rerun: multiloss check") == 1


def test_the_progress_line_is_drawn_only_when_asked_and_erased_before_the_table():
    (entry,) = catalog.find("tf.nn.l2_loss")
    shown, plain = io.StringIO(), io.StringIO()
    cli.check([entry], ["numpy"], "text", shown, progress=True)
    cli.check([entry], ["numpy"], "text", plain, progress=False)
    assert "\r\033[K[1/1 rows, ~0 s left] tf.nn.l2_loss [numpy]" in shown.getvalue()
    assert "\r" not in plain.getvalue() and "\033" not in plain.getvalue()
    # once erased, the terminal shows exactly what a pipe gets
    assert shown.getvalue().replace("\r\033[K", "").replace("[1/1 rows, ~0 s left] tf.nn.l2_loss [numpy]", "") \
        .split("(")[0] == plain.getvalue().split("(")[0]


def _cheap_rows():
    return [catalog.find(name)[0] for name in ("tf.nn.l2_loss", "keras.MAPE", "tf.nn.log_poisson_loss")]


def test_worker_processes_give_the_same_cells_in_the_same_order_as_one_process():
    rows = _cheap_rows()
    inline, parallel, shown = io.StringIO(), io.StringIO(), io.StringIO()
    assert cli.check(rows, ["numpy"], "json", inline, jobs=1) == 0
    assert cli.check(rows, ["numpy"], "json", parallel, jobs=2) == 0
    assert json.loads(parallel.getvalue()) == json.loads(inline.getvalue())
    # the text report, progress line included, as one process draws it
    assert cli.check(rows, ["numpy"], "text", shown, jobs=2, progress=True) == 0
    text = shown.getvalue()
    assert "\r\033[K[3/3 rows, ~0 s left]" in text
    table = [line.split()[0] for line in text.replace("\r\033[K", "\n").splitlines() if line.endswith(" ")]
    assert table == ["tf.nn.l2_loss", "keras.MAPE", "tf.nn.log_poisson_loss"]


def test_a_kept_cache_times_the_rows_and_the_next_run_hands_out_the_longest_family_first(tmp_path, monkeypatch):
    rows = _cheap_rows()
    report = io.StringIO()
    assert cli.check(rows, ["numpy"], "json", report, jobs=2, cache=str(tmp_path)) == 0
    timed = json.loads((tmp_path / "check-row-seconds.json").read_text())
    keys = [cli._row_key(row, ["numpy"]) for row in rows]
    assert sorted(timed) == sorted(keys) and all(seconds >= 0 for seconds in timed.values())
    # the report keeps catalog order whichever row went first
    assert [r["loss"] for r in json.loads(report.getvalue())["results"]] == [
        "tf.nn.l2_loss", "keras.MAPE", "tf.nn.log_poisson_loss"]
    assert _handed_out(["a", "b"], {0: 1.0, 1: 9.0}) == [("w1", 1), ("w2", 0)]  # the longest family first
    assert _handed_out(["a", "b"], {1: 9.0}) == [("w1", 0), ("w2", 1)]  # not timed yet: first
    env = cli._worker_environment(str(tmp_path))
    assert env["JAX_COMPILATION_CACHE_DIR"] == os.environ.get("JAX_COMPILATION_CACHE_DIR", str(tmp_path / "jax"))
    assert f"--tf_xla_persistent_cache_directory={tmp_path / 'tensorflow'}" in env["TF_XLA_FLAGS"]


def _handed_out(kinds, timed, workers=("w1", "w2")):
    """(worker, row) in the order :class:`cli._Families` hands rows of these input kinds to workers
    that ask in turn."""
    keys = {index: f"row {index}" for index in range(len(kinds))}
    families = cli._Families(kinds, list(keys), keys, {keys[i]: s for i, s in timed.items()})
    out = []
    while families:
        worker = workers[len(out) % len(workers)]
        out.append((worker, families.next_for(worker)))
    return out


def test_a_worker_checks_the_rows_of_one_input_kind_then_helps_with_the_rest():
    # rows 0, 2, 3, 5 of kind a (the longest family), 1 and 4 of kind b
    order = _handed_out(["a", "b", "a", "a", "b", "a"], dict.fromkeys(range(6), 1.0))
    assert order == [("w1", 0), ("w2", 1), ("w1", 2), ("w2", 4), ("w1", 3), ("w2", 5)]
    # a worker that finds no family waiting takes the last row of the family with the most left
    order = _handed_out(["a", "a", "a", "a"], dict.fromkeys(range(4), 1.0))
    assert order == [("w1", 0), ("w2", 3), ("w1", 1), ("w2", 2)]


def test_a_cache_over_its_bound_loses_its_oldest_files(tmp_path):
    for age, name in enumerate(["new", "middle", "old"]):
        path = tmp_path / name
        path.write_bytes(b"x" * 100)
        os.utime(path, (1e9 - age * 1000, 1e9 - age * 1000))
    cli._trim(str(tmp_path), max_bytes=250)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["middle", "new"]
    cli._trim(str(tmp_path / "absent"), max_bytes=0)  # nothing there yet: nothing to do


def test_a_worker_that_dies_fails_its_rows_and_says_how(monkeypatch):
    monkeypatch.setattr(cli.sys, "executable", "/bin/false")  # every worker exits at once, status 1
    out = io.StringIO()
    assert cli.check(_cheap_rows(), ["numpy"], "json", out, jobs=2) == 1
    report = json.loads(out.getvalue())
    assert [r["loss"] for r in report["results"]] == ["tf.nn.l2_loss", "keras.MAPE", "tf.nn.log_poisson_loss"]
    for row in report["results"]:
        (failure,) = row["backends"]["numpy"]["failures"]
        assert failure.startswith("worker: the process checking numpy exited with status 1")


def test_rows_made_up_by_the_caller_are_checked_in_this_process():
    pytest.importorskip("torch")
    out = io.StringIO()
    assert cli.check([_wrong_l1()], ["numpy"], "json", out, jobs=2) == 1  # not in the catalog: no index to send
    assert json.loads(out.getvalue())["failed"] == 1


def test_the_default_is_one_worker_per_core():
    import os

    assert 1 <= cli._default_jobs() <= (os.cpu_count() or 1)


def test_check_prints_no_framework_start_up_logs():
    pytest.importorskip("tensorflow")
    import os
    import subprocess
    import sys
    from pathlib import Path

    repo = Path(__file__).resolve().parents[1]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TF_", "KERAS", "ABSL", "GLOG", "GRPC"))}
    env["PYTHONPATH"] = str(repo)
    proc = subprocess.run(
        [sys.executable, "-m", "multiloss", "check", "--loss", "tf.nn.l2_loss", "--backend", "tensorflow", "--jobs", "1"],
        capture_output=True, text=True, env=env, cwd=repo.parent, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stderr == ""
    lines = [line for line in proc.stdout.splitlines() if line]
    assert lines[0].startswith("multiloss check: 1 losses;")
    assert lines[1].split() == ["loss", "tensorflow"]
    assert lines[2].startswith("tf.nn.l2_loss") and "PASS" in lines[2]
    assert lines[3] == "1 passed, 0 failed"
    assert lines[4].startswith("(") and len(lines) == 5


_QUICK_XLA_RUN = """
import os, sys
from multiloss.testing._frameworks import quick_xla_compilation
quick_xla_compilation()
print(os.environ.get("XLA_FLAGS", ""))
from multiloss.testing._frameworks import import_all
import_all()
import numpy as np
x = np.linspace(-3, 3, 7, dtype=np.float32)
expected = float(np.sum(np.log1p(np.exp(x))))
if "jax" in sys.modules:
    import jax, jax.numpy as jnp
    print(abs(float(jax.jit(lambda a: jnp.sum(jnp.log1p(jnp.exp(a))))(x)) - expected) < 1e-5)
if "tensorflow" in sys.modules:
    import tensorflow as tf
    f = tf.function(lambda a: tf.reduce_sum(tf.math.log1p(tf.exp(a))), jit_compile=True)
    print(abs(float(f(tf.constant(x))) - expected) < 1e-5)
"""


def test_a_check_worker_compiles_xla_quickly_where_its_xla_knows_the_flags():
    # XLA ends the process on a flag it does not know: the installed JAX and TensorFlow compile
    # with them (the same sum as NumPy's), and the caller's own XLA_FLAGS come last, so they win.
    import subprocess
    import sys

    from multiloss.testing import _frameworks

    env = {**os.environ, "XLA_FLAGS": "--xla_cpu_enable_fast_math=false"}
    done = subprocess.run([sys.executable, "-c", _QUICK_XLA_RUN], env=env, capture_output=True, text=True,
                          timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    flags, *results = done.stdout.split("\n")
    if all(not testing.installed(framework) or _frameworks._release(distribution) == low
           for framework, (distribution, low, _) in _frameworks._QUICK_XLA_KNOWN.items()):
        assert flags.split() == [*_frameworks._QUICK_XLA_FLAGS, "--xla_cpu_enable_fast_math=false"]
    else:
        assert flags == "--xla_cpu_enable_fast_math=false"
    assert [line for line in results if line] == ["True"] * sum(
        testing.installed(name) for name in ("jax", "tensorflow"))


def test_quick_xla_flags_go_only_to_the_releases_that_know_them(monkeypatch):
    from multiloss.testing import _frameworks

    monkeypatch.delenv("XLA_FLAGS", raising=False)
    known = {distribution: low for distribution, low, _ in _frameworks._QUICK_XLA_KNOWN.values()}
    monkeypatch.setattr(_frameworks, "installed", lambda framework: True)
    for unknown in ((0, 99), None):  # a release not measured, or one whose version can't be read
        monkeypatch.setattr(_frameworks, "_release", lambda name, unknown=unknown: unknown if name == "jaxlib" else known[name])
        _frameworks.quick_xla_compilation()
        assert "XLA_FLAGS" not in os.environ  # nothing set
    monkeypatch.setattr(_frameworks, "_release", known.get)
    monkeypatch.setenv("XLA_FLAGS", "--xla_force_host_platform_device_count=2")
    _frameworks.quick_xla_compilation()
    _frameworks.quick_xla_compilation()  # twice: once
    assert os.environ["XLA_FLAGS"].split() == [*_frameworks._QUICK_XLA_FLAGS, "--xla_force_host_platform_device_count=2"]
