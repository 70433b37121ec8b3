"""README.md and docs/ stay true: the examples give the values they show, and the
tables generated from the catalog are current."""

import re
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from multiloss import catalog, cli, docs
from multiloss.catalog import Entry

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text()
STALE = "stale: regenerate it with `python -m multiloss.docs`"


def test_interface_table_is_current():
    assert docs.block(README, "interfaces") == docs.interface_table(), STALE


def test_catalog_page_is_current():
    assert (ROOT / "docs" / "catalog.md").read_text() == docs.catalog_page(), STALE


def test_every_public_loss_is_in_both_tables():
    table, page = docs.interface_table(), docs.catalog_page()
    for entry in catalog.ENTRIES:
        assert f"`{entry.name}`" in table and f"`{entry.original}`" in page


def test_synonyms_share_a_line_and_an_unknown_loss_gets_its_own():
    mse = [e for e in catalog.ENTRIES if e.original in ("torch.nn.MSELoss", "keras.losses.MeanSquaredError",
                                                       "tensorflow.compat.v1.losses.mean_squared_error")]
    assert len(mse) == 3 and {docs.concept_of(e) for e in mse} == {"mean squared error"}
    new = Entry(path="multiloss.pytorch.CubeErrorLoss", original="torch.nn.CubeErrorLoss",
                inputs="regression", call=("prediction", "target"), grad="prediction", style="class")
    assert docs.concept_of(new) == "cube error loss"
    assert docs.column_of(new) == "pytorch"


def test_a_shared_note_is_written_once():
    written = Counter()
    for line in docs.catalog_page().splitlines():
        if line.startswith("| `"):
            notes = re.split(r"(?<!\\)\|", line)[-2].replace("\\|", "|")
        elif line.startswith("<a id="):
            notes = line.partition("** ")[2]
        else:
            continue
        written.update(docs._sentences(re.sub(r"\[\[\d+\]\]\(#note-\d+\)", "", notes)))
    for entry in catalog.ENTRIES:
        for sentence in docs._sentences(entry.differences):
            assert written[sentence] == 1, sentence


def test_list_markdown_prints_the_catalog_table(capsys):
    assert cli.main(["list", "--format", "markdown"]) == 0
    assert capsys.readouterr().out == docs.catalog_table()


def test_blocks_that_tools_read_are_there():
    for marker in ("check-command", "test-command", "bench-summary"):
        assert docs.block(README, marker).strip()
    assert "pytest" in docs.block(README, "test-command")


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


def test_readme_stays_short():
    # One line per loss concept, not per name; long tables belong in docs/.
    names = {e.path for e in catalog.ENTRIES}
    assert len(docs.interface_table().splitlines()) < len(names) / 3
    assert len(README.splitlines()) < 300, "move long generated tables to docs/"
