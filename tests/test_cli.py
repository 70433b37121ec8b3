"""``multiloss check`` and ``multiloss list``: the report, its formats, filters and exit status."""

import dataclasses
import io
import json

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
    assert len(cli._select(["kl_div"])) == 2  # a substring: kl_div and kl_divergence
    with pytest.raises(SystemExit, match="no catalog row matches"):
        cli._select(["no_such_loss"])
    assert cli.main(["list"]) == 0
    listed = capsys.readouterr().out.splitlines()
    assert len(listed) == len(catalog.ENTRIES)
    assert all(" " in line for line in listed)
