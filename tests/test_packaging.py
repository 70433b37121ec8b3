"""The installed package: backends/ lands as multiloss.backends, never as a top-level ``backends``."""

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

PROBE = textwrap.dedent("""
    import importlib.util, sys
    import multiloss, multiloss.backends
    print(multiloss.backends.__file__)
    print(importlib.util.find_spec("backends") is None)
""")


def _pip(*args, cwd):
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--ignore-installed", "-q", *args],
                   cwd=cwd, check=True, capture_output=True, text=True)


def _probe(path_setup, tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    code = path_setup + PROBE
    # -S: no site-packages of this environment, only the prefix the test installed into
    out = subprocess.run([sys.executable, "-S", "-c", code], cwd=tmp_path, env=env,
                         capture_output=True, text=True, check=True).stdout.split()
    return Path(out[0]), out[1] == "True"


@pytest.mark.parametrize("editable", [False, True], ids=["install", "editable"])
def test_backends_installs_inside_the_package(tmp_path, editable):
    prefix = tmp_path / "prefix"
    if editable:
        _pip("--prefix", str(prefix), "-e", str(ROOT), cwd=tmp_path)
    else:
        _pip("--prefix", str(prefix), str(ROOT), cwd=tmp_path)
    site = next(prefix.glob("lib/python*/site-packages"))
    backends_file, no_top_level = _probe(f"import site; site.addsitedir({str(site)!r})\n", tmp_path / "..")
    assert no_top_level, "a top-level 'backends' package was installed"
    assert not (site / "backends").exists()
    if editable:
        assert backends_file == ROOT / "backends" / "__init__.py"
    else:
        assert backends_file == site / "multiloss" / "backends" / "__init__.py"
