"""The pytest plugin: a user's own loss, written once, gets the suite's checks against their reference."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from multiloss.testing import Finding, plugin

pytest_plugins = ["pytester"]

USER_TESTS = '''
import numpy as np
import torch

from multiloss import namespace_of
from multiloss.catalog import Case
from multiloss.testing.plugin import conformance, loss_entry


def _reduce(xp, loss, reduction):
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(f"reduction must be 'none', 'mean' or 'sum', got {reduction!r}")
    return {"none": lambda: loss, "mean": lambda: xp.mean(loss), "sum": lambda: xp.sum(loss)}[reduction]()


def cube_error(prediction, target, reduction="mean"):
    """mean |prediction - target|^3, written once for every framework; floating-point arrays only."""
    xp = namespace_of(prediction, target)
    if not all(xp.isdtype(x.dtype, "real floating") for x in (prediction, target)):
        raise TypeError("cube_error takes floating-point arrays")
    return _reduce(xp, xp.abs(prediction - target) ** 3, reduction)


def cube_error_unsigned(prediction, target, reduction="mean"):
    """Wrong: the cube of a negative residual is negative."""
    xp = namespace_of(prediction, target)
    return _reduce(xp, (prediction - target) ** 3, reduction)


def cube_error_torch(prediction, target, reduction="mean"):
    if not (prediction.is_floating_point() and target.is_floating_point()):
        raise TypeError("cube_error takes floating-point arrays")
    loss = (prediction - target).abs().pow(3)
    if reduction not in ("none", "mean", "sum"):
        raise ValueError(reduction)
    return {"none": loss, "mean": loss.mean(), "sum": loss.sum()}[reduction]


def cube_error_numpy(prediction, target):
    return np.mean(np.abs(prediction - target) ** 3)


ROW = dict(original_framework="torch", inputs="regression", call=("prediction", "target"), grad="prediction",
           options=({}, {"reduction": "sum"}, {"reduction": "none"}),
           cases=(Case("unknown reduction", {"reduction": "avg"}, raises="ValueError"),))

test_cube_error = conformance(loss_entry(cube_error, cube_error_torch, **ROW))
test_unsigned = conformance(loss_entry(cube_error_unsigned, cube_error_torch, **ROW))
test_against_numpy = conformance(
    loss_entry(cube_error, cube_error_numpy, inputs="regression", call=("prediction", "target"),
               grad="prediction"),
    backends=("torch",), checks=("values", "gradients"))
'''

ROOT = Path(__file__).resolve().parents[1]


def test_a_users_loss_gets_one_test_per_check_and_backend_and_the_report(pytester, monkeypatch):
    pytest.importorskip("torch")  # the reference and half of the checks
    # pytest on the user's file in a process of its own, as a user runs it (a framework
    # doesn't survive being unloaded and imported again in one process, as pytester's
    # in-process runs do); -p names the plugin, so an installed copy's entry point must not
    # register it a second time.
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("PYTEST_DISABLE_PLUGIN_AUTOLOAD", "1")
    pytester.makepyfile(test_user_loss=USER_TESTS)
    result = pytester.runpytest_subprocess("-p", "multiloss.testing.plugin", "-v", "-rs",
                                           "--multiloss-backend", "numpy", "--multiloss-backend", "torch",
                                           timeout=600)
    # Per entry: numpy values, edges, errors, conventions, precisions, devices; torch the same
    # plus gradients and compiled; tensorflow and jax deselected (8 each). The wrong loss fails
    # values, edges, conventions and precisions on both backends and the gradients; its
    # compiled, error and devices checks pass (they hold it to itself, to ValueError and to the
    # input's device). Against the NumPy reference: values, and gradients skipped.
    result.assert_outcomes(passed=20, failed=9, skipped=1, deselected=32)
    result.stdout.fnmatch_lines_random([
        "*test_cube_error?cube_error-torch-gradients? PASSED*",
        "*test_cube_error?cube_error-torch-compiled? PASSED*",
        "*test_unsigned?cube_error_unsigned-numpy-values? FAILED*",
        "*test_unsigned?cube_error_unsigned-torch-gradients? FAILED*",
        "*test_against_numpy?cube_error-torch-values? PASSED*",
        "SKIPPED*test_user_loss.cube_error_numpy is NumPy code, with no gradient to compare*",
    ])
    # The report: multiloss check's table, then each failure with the check and the backend.
    result.stdout.fnmatch_lines(["*multiloss conformance*", "loss * numpy * torch*"])
    rows = {line.partition("  ")[0]: line.partition("  ")[2].split() for line in result.outlines
            if line.startswith("test_user_loss.cube_error")}
    right = rows["test_user_loss.cube_error [vs test_user_loss.cube_error_torch]"]
    assert right[0::2] == ["PASS", "PASS"] and all(float(d) <= 1 for d in right[1::2])
    assert rows["test_user_loss.cube_error [vs test_user_loss.cube_error_numpy]"][0] == "-"  # torch only
    assert rows["test_user_loss.cube_error_unsigned"] == ["FAIL", "FAIL"]
    result.stdout.fnmatch_lines_random([
        "FAIL test_user_loss.cube_error_unsigned [[]torch[]] values: *vs test_user_loss.cube_error_torch*",
        "FAIL test_user_loss.cube_error_unsigned [[]torch[]] gradients: *",
    ])


def test_report_is_the_check_table():
    findings = [Finding("mine.loss", "numpy", "values", "PASS", 0.25), Finding("mine.loss", "torch", "values", "PASS", 0.5),
                Finding("mine.loss", "torch", "gradients", "FAIL", float("inf"), "off by 2")]
    header, row, failure = plugin.report(findings)
    assert header.split() == ["loss", "numpy", "torch"]
    assert row.split() == ["mine.loss", "PASS", "0.25", "FAIL"]
    assert failure == "FAIL mine.loss [torch] gradients: off by 2"


def test_a_function_that_cant_be_imported_back_is_refused():
    def local(prediction, target):
        return prediction - target

    with pytest.raises(ValueError, match="define it at the top level of a module"):
        plugin.loss_entry(local, local, inputs="regression", call=("prediction", "target"), grad="prediction")


def test_an_install_registers_the_plugin_with_pytest(tmp_path):
    # Installed (without dependencies) into a prefix of its own, multiloss is found by pytest
    # through its pytest11 entry point: its option shows in pytest's help with nothing else said.
    prefix = tmp_path / "prefix"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--ignore-installed", "-q",
                    "--prefix", str(prefix), str(ROOT)], cwd=tmp_path, check=True, capture_output=True, timeout=600)
    site = next(prefix.glob("lib/python*/site-packages"))
    env = {**os.environ, "PYTHONPATH": str(site)}
    env.pop("PYTEST_DISABLE_PLUGIN_AUTOLOAD", None)
    shown = subprocess.run([sys.executable, "-m", "pytest", "--help"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=300)
    assert "--multiloss-backend" in shown.stdout, shown.stderr
