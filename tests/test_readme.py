"""README.md stays true: its examples give the values they show, and its catalog table is current."""

import re
from pathlib import Path

import numpy as np
import pytest

from multiloss.cli import catalog_table

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()


def _block(marker):
    match = re.search(f"<!-- {marker} -->\n(.*?)<!-- /{marker} -->", README, re.S)
    assert match, f"README.md has no <!-- {marker} --> block"
    return match.group(1)


def test_catalog_table_is_current():
    assert _block("catalog") == catalog_table(), "regenerate it with `multiloss list --format markdown`"


def _statements(block):
    """Top-level statements: a line, plus the lines that continue it (open brackets or indentation)."""
    lines = block.splitlines()
    statement = ""
    for i, line in enumerate(lines):
        statement += line + "\n"
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if statement.count("(") != statement.count(")") or following.startswith((" ", "\t")):
            continue
        if statement.strip():
            yield statement
        statement = ""


def test_examples_give_the_values_they_show():
    pytest.importorskip("torch")
    pytest.importorskip("tensorflow")
    pytest.importorskip("jax")
    namespace = {}
    checked = 0
    for block in re.findall(r"```python\n(.*?)```", README, re.S):
        for statement in _statements(block):
            code, _, expected = statement.partition("# -> ")
            if expected:
                value = eval(code, namespace)  # noqa: S307 - README examples, written here
                got = np.asarray(value.detach() if hasattr(value, "detach") else value, dtype=np.float64)
                assert np.allclose(got, float(expected), rtol=1e-6), f"{code.strip()} gave {got}, README says {expected}"
                checked += 1
            else:
                exec(statement, namespace)  # noqa: S102
    assert checked >= 12
