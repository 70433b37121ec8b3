"""The losses under each distributed engine: one subprocess per engine configuration.

Each script in ``engines/`` sets up its engine (host devices, gloo ranks, logical CPUs)
before its framework starts, which is why it runs in a process of its own. A script that
overruns its time is killed, with the processes it started, by its process group's id
(its PID). The scripts import the same multiloss as this test run.
"""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import multiloss

ENGINES = Path(__file__).parent / "engines"
# Where the multiloss under test is imported from (a checkout, or site-packages).
IMPORT_ROOT = str(Path(multiloss.__file__).resolve().parents[1])

# script -> (frameworks it needs, seconds it may take on a loaded 2-core machine)
SCRIPTS = {
    "jax_sharding.py": (("jax", "optax"), 240),
    "torch_ranks.py": (("torch",), 240),
    "tf_mirrored.py": (("tensorflow", "keras"), 240),
    "keras_jax_data_parallel.py": (("jax", "keras"), 180),
    "jax_multiprocess.py": (("jax",), 200),
    "tf_multi_worker.py": (("tensorflow", "keras"), 300),
}


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_script(script, timeout, *args):
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([IMPORT_ROOT, str(ENGINES)])}
    env.pop("XLA_FLAGS", None)  # each script sets its own device count
    process = subprocess.Popen([sys.executable, str(ENGINES / script), *map(str, args)],
                               cwd=ENGINES, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               text=True, start_new_session=True)
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        pytest.fail(f"{script} ran over {timeout} s and was killed:\n{output[-4000:]}")
    assert process.returncode == 0 and output.rstrip().endswith("ok"), f"{script}:\n{output[-6000:]}"


@pytest.mark.parametrize("script", list(SCRIPTS))
def test_engine(script):
    needs, timeout = SCRIPTS[script]
    for module in needs:
        pytest.importorskip(module)
    run_script(script, timeout, _free_port())
