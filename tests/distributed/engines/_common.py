"""What the engine scripts share: seeded inputs, a closeness check, and HLO collective counts."""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np

# float32 math on differently split sums: the order of additions differs from one device.
RTOL, ATOL = 2e-5, 1e-6

_COLLECTIVE = re.compile(
    r"= (\(.*?\)|\S+) (all-gather|all-reduce|collective-permute|all-to-all|reduce-scatter)(?:-start)?\("
)


def inputs(batch=64, classes=1024, seed=0):
    """Logits, class indices (a few ignored as -100), class weights, and a regression pair."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(batch, classes)).astype(np.float32)
    labels = rng.integers(0, classes, size=(batch,)).astype(np.int32)
    ignored = labels.copy()
    ignored[::7] = -100
    weight = rng.uniform(0.5, 2.0, size=(classes,)).astype(np.float32)
    prediction = rng.normal(size=(batch, 16)).astype(np.float32)
    target = rng.normal(size=(batch, 16)).astype(np.float32)
    return {"logits": logits, "labels": labels, "ignored": ignored, "weight": weight,
            "prediction": prediction, "target": target}


def close(got, expected, what):
    got, expected = np.asarray(got, np.float64), np.asarray(expected, np.float64)
    if got.shape != expected.shape or not np.allclose(got, expected, rtol=RTOL, atol=ATOL):
        error = np.max(np.abs(got - expected)) if got.shape == expected.shape else "shape"
        raise AssertionError(f"{what}: {got.ravel()[:4]} != {expected.ravel()[:4]} (max error {error})")


def collectives(hlo_text):
    """``{op: [elements of each array it moves]}`` for the collectives of a compiled HLO module
    (a collective over a tuple moves several arrays)."""
    found = {}
    for shapes, op in _COLLECTIVE.findall(hlo_text):
        for dims in re.findall(r"\[([\d,]*)\]", shapes):
            found.setdefault(op, []).append(int(np.prod([int(d) for d in dims.split(",") if d] or [1])))
    return found


def run_workers(script, count, argument, timeout):
    """Run ``count`` processes of ``script --worker i argument`` side by side; each must end by
    printing "ok". One overrunning its time ends them all."""
    workers = [subprocess.Popen([sys.executable, script, "--worker", str(i), argument],
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
               for i in range(count)]
    outputs = []
    for process in workers:
        try:
            outputs.append(process.communicate(timeout=timeout)[0])
        except subprocess.TimeoutExpired:
            for p in workers:
                p.kill()
            raise
    for process, output in zip(workers, outputs):
        assert process.returncode == 0 and output.rstrip().endswith("ok"), output[-4000:]
