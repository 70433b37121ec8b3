"""multiloss port and compare: every translation's claim measured again, the calls run as printed
in a fresh interpreter, the generated page current, the sources parsed and never evaluated.

The generated check takes the translation tables (``multiloss/port/``) over every catalog row and
option set, evaluates each call with the real target framework on the row's inputs and edges, and
holds it to the claim kept in ``multiloss/port/claims.json``: an exact claim that stops holding
fails, and so does a translation whose call or exactness changed without the claims being
measured again (``python -m multiloss.port.docs``).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import multiloss
from multiloss import cli
from multiloss.port import KEYS, TARGETS, PortError, claim_key, docs, translate, verify
from multiloss.port._ir import NoTranslation
from multiloss.port._parse import from_row, parse
from multiloss.port._read import interface_of

ROOT = Path(__file__).resolve().parents[1]
STALE = "stale: measure the claims again with `python -m multiloss.port.docs`"
CLAIMS = json.loads(multiloss.port.CLAIMS.read_text())
ROWS = docs.rows()
CASES = [(entry, i) for entry in ROWS for i in range(len(entry.options))]


def _id(case):
    entry, i = case
    return f"{entry.original}[{entry.inputs}:{','.join(entry.call)}]#{i}"


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_claims_hold(case):
    """Each translation of one row and option set: the call kept, measured, and as exact as claimed."""
    entry, index = case
    options = entry.options[index]
    source = parse(from_row(entry, options), entry=entry)
    calls = {}
    for target in TARGETS:
        if target == "multiloss":
            continue
        try:
            calls[target] = translate(source, target)[0]
        except NoTranslation:
            assert claim_key(entry, options, target) not in CLAIMS, f"{target}: a claim for a call no longer written; {STALE}"
    for target, call in calls.items():
        claim = CLAIMS.get(claim_key(entry, options, target))
        assert claim is not None and claim["call"] == call, f"{target}: no claim kept for {call}; {STALE}"
    todo = docs.measured_targets(entry, calls)
    if not todo:
        return
    measured = verify.measure(entry, options, todo)
    wrong = []
    for target, m in measured.items():
        claim = CLAIMS[claim_key(entry, options, target)]
        if m.exact != claim["exact"]:
            wrong.append(f"{target}: claimed {'exact' if claim['exact'] else 'inexact'}, measured "
                         f"{'exact' if m.exact else f'{m.max_abs_diff} on {m.where}'}: {todo[target]}")
    assert not wrong, "\n".join(wrong) + f"\n{STALE}"


def test_every_row_and_target_has_a_call_or_a_reason():
    for entry in ROWS:
        source = parse(from_row(entry, entry.options[0]), entry=entry)
        for target in TARGETS:
            try:
                call, _ = translate(source, target)
                assert call
            except NoTranslation as exc:
                assert str(exc), f"{entry.original} -> {target}: no call and no reason"


def test_the_page_is_current():
    assert (ROOT / "docs" / "porting.md").read_text() == docs.page(CLAIMS), STALE


def test_the_readme_links_the_page():
    assert "(docs/porting.md)" in (ROOT / "README.md").read_text()


# -- the calls as printed, in a fresh interpreter ------------------------------------------------

# What a fresh interpreter imports for each target: its framework only.
_IMPORTS = {"torch": "import torch", "tensorflow": "import tensorflow as tf\nimport keras",
            "jax": "import jax\nimport jax.numpy as jnp\nimport optax", "torchvision": "import torch\nimport torchvision"}
_FOREIGN = {"torch": ("tensorflow", "jax", "keras", "multiloss"), "tensorflow": ("torch", "jax", "multiloss"),
            "jax": ("torch", "tensorflow", "keras", "multiloss"), "torchvision": ("tensorflow", "jax", "keras", "multiloss")}
_CONVERT = {"torch": "torch.from_numpy(v)", "torchvision": "torch.from_numpy(v)", "tensorflow": "tf.constant(v)",
            "jax": "jnp.asarray(v)"}
_SCRIPT = """
import json, sys
import numpy as np
{imports}
{x64}
before = set(sys.modules)
data = np.load(sys.argv[1])
results = []
for i, call in enumerate(json.loads(open(sys.argv[2]).read())):
    names = {{k.split("/", 1)[1]: v for k, v in data.items() if k.startswith(f"{{i}}/")}}
    env = {{k: {convert} for k, v in names.items()}}
    out = eval(call, {{}}, {{**{{n: m for n, m in globals().items() if n in ("torch", "tf", "keras", "jax", "jnp", "optax", "torchvision", "np")}}, **env}})
    out = out.numpy() if hasattr(out, "numpy") else np.asarray(out)
    results.append(np.asarray(out, np.float64).tolist())
# what the calls imported beyond the framework's own import (Keras loads jax itself, for one)
foreign = sorted(m for m in {foreign!r} if m in set(sys.modules) - before or m == "multiloss" and m in sys.modules)
print(json.dumps({{"results": results, "foreign": foreign}}))
"""


def _sample():
    """One call per concept and target: the first option set of the first row that has one."""
    from multiloss.port import FAMILIES
    from multiloss.port._read import spec_of

    seen, out = set(), []
    for entry in ROWS:
        source = parse(from_row(entry, entry.options[0]), entry=entry)
        try:
            concept = spec_of(source, FAMILIES).concept
        except NoTranslation:
            continue
        for target in TARGETS[:-1]:
            key = (concept, target, entry.inputs)
            if key in seen or target == interface_of(entry.original):
                continue
            try:
                call = translate(source, target)[0]
            except NoTranslation:
                continue
            seen.add(key)
            out.append((entry, target, call))
    return out


def test_calls_run_as_printed_in_a_fresh_interpreter(tmp_path):
    """Each sampled call, printed as a string, runs in an interpreter that has imported only the
    target's framework (and NumPy to read the arrays), and gives the value it gives here."""
    groups = {}
    for entry, target, call in _sample():
        framework = "torchvision" if target == "torchvision.ops" else verify.FRAMEWORK[target]
        groups.setdefault(framework, []).append((entry, target, call))
    assert set(groups) >= {"torch", "tensorflow", "jax"}
    env = {**os.environ, "KERAS_BACKEND": "tensorflow", "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": ""}
    for framework, items in groups.items():
        arrays, calls, expected = {}, [], []
        for i, (entry, target, call) in enumerate(items):
            inputs = verify.testing._arrays(entry, np.float64, None)
            for k, v in inputs.items():
                arrays[f"{i}/{k}"] = v
            calls.append(call)
            expected.append(verify.evaluate(call, verify.FRAMEWORK[target], inputs))
        np.savez(tmp_path / f"{framework}.npz", **arrays)
        (tmp_path / f"{framework}.json").write_text(json.dumps(calls))
        script = _SCRIPT.format(imports=_IMPORTS[framework], convert=_CONVERT[framework], foreign=_FOREIGN[framework],
                                x64='jax.config.update("jax_enable_x64", True)' if framework == "jax" else "")
        done = subprocess.run([sys.executable, "-c", script, str(tmp_path / f"{framework}.npz"),
                               str(tmp_path / f"{framework}.json")], capture_output=True, text=True, env=env,
                              cwd=tmp_path, timeout=300)
        assert done.returncode == 0, done.stderr[-2000:]
        report = json.loads(done.stdout.strip().splitlines()[-1])
        assert report["foreign"] == [], f"{framework}: the calls imported {report['foreign']}"
        for (_entry, target, call), got, want in zip(items, report["results"], expected):
            np.testing.assert_allclose(np.asarray(got), want, rtol=1e-12, atol=1e-12, err_msg=f"{target}: {call}")


# -- the API and the CLI ------------------------------------------------------------------------


def test_port_returns_exactly_the_keys_and_a_reason_where_no_call():
    results = multiloss.port("torch.nn.functional.kl_div(input, target, reduction='batchmean')")
    assert [r["target"] for r in results] == list(TARGETS)
    for r in results:
        assert list(r) == list(KEYS)
        assert (r["call"] is None) == (r["reason"] is not None)
    by = {r["target"]: r for r in results}
    assert by["multiloss"]["exact"] is True
    assert by["tf.nn"]["call"] is None and "Kullback" in by["tf.nn"]["reason"]


def test_the_issue_examples():
    ce = multiloss.port("torch.nn.functional.cross_entropy(input, target, label_smoothing=0.1)", "keras.losses")[0]
    assert ce["exact"] is True and "keras.losses.categorical_crossentropy" in ce["call"] and "one_hot" in ce["call"]
    ignore = multiloss.port("torch.nn.CrossEntropyLoss(ignore_index=-1)(input, target)", "tf.nn")[0]
    assert "tf.nn.sparse_softmax_cross_entropy_with_logits" in ignore["call"] and "target != -1" in ignore["call"]
    huber = multiloss.port("keras.losses.Huber(delta=2.0)(y_true, y_pred)", "torch.nn.functional")[0]
    assert huber["call"] == "torch.nn.functional.huber_loss(y_pred, y_true, delta=2.0)"
    assert huber["exact"] is False and huber["where"].startswith("empty")  # Keras' empty batch
    tfnn = multiloss.port("tf.nn.sigmoid_cross_entropy_with_logits(labels=y, logits=x)", "optax.losses")[0]
    assert tfnn["call"] == "optax.losses.sigmoid_binary_cross_entropy(x, y)"
    bce = multiloss.port("torch.nn.BCELoss()(p, y)", "keras.losses")[0]
    assert bce["exact"] is False and bce["where"].startswith("saturated") and bce["max_abs_diff"] > 1


def test_ctc_into_keras_rolls_the_blank_and_blanks_the_frames_past_each_length():
    """PyTorch's CTC with the blank last, a real class at 0 and sequences shorter than the frames, in
    Keras (blank 0, every frame counted, zeros read as padding): PyTorch's own losses, in float32."""
    import torch

    rng = np.random.default_rng(0)
    log_probs = torch.log_softmax(torch.from_numpy(rng.normal(size=(10, 3, 5)).astype(np.float32)), -1)
    targets = torch.tensor([[1, 2, 2, 0], [3, 0, 1, 2], [2, 1, 9, 9]])  # 9: past the length, never read
    input_lengths, target_lengths = torch.tensor([10, 7, 5]), torch.tensor([4, 4, 2])
    want = torch.nn.functional.ctc_loss(log_probs, targets, input_lengths, target_lengths, blank=4, reduction="none")
    [result] = multiloss.port("torch.nn.functional.ctc_loss(lp, t, il, tl, blank=4, reduction='none')",
                              "keras.losses", measure=False)
    got = verify.evaluate(result["call"], "tensorflow", {"lp": log_probs.numpy(), "t": targets.numpy(),
                                                         "il": input_lengths.numpy(), "tl": target_lengths.numpy()})
    assert np.isfinite(want.numpy()).all()
    np.testing.assert_allclose(got, want.numpy(), rtol=1e-5)


def test_keras_ctc_ports_exactly_into_torch():
    for source in ("keras.losses.ctc(y, p)", "keras.losses.CTC(reduction='sum')(y, p)"):
        [result] = multiloss.port(source, "torch.nn.functional")
        assert result["exact"] is True and "torch.nn.functional.ctc_loss(torch.log_softmax(p, -1)" in result["call"]


def test_a_source_is_parsed_never_evaluated(monkeypatch):
    called = []
    monkeypatch.setattr("builtins.eval", lambda *a, **k: called.append(a))
    results = multiloss.port("torch.nn.MSELoss(reduction='sum')(__import__('os').system('false'), y)",
                             "torch.nn.functional", measure=False)
    assert not called
    assert results[0]["call"].startswith("torch.nn.functional.mse_loss(__import__('os').system('false'), y")


def test_bare_path_means_the_defaults():
    r = multiloss.port("keras.losses.mean_squared_error", "torch.nn.functional", measure=False)[0]
    assert r["call"] == "torch.nn.functional.mse_loss(y_pred, y_true, reduction='none').mean(-1)"


@pytest.mark.parametrize("source, to, words", [
    ("torch.nn.functional.mse_los(x, y)", None, "not in the catalog"),
    ("numpy.mean(x)", None, "not in an interface"),
    ("torch.nn.functional.mse_loss(x, y, reduktion='sum')", None, "reduktion"),
    ("torch.nn.functional.mse_loss(x, y", None, "not a Python expression"),
    ("torch.nn.functional.mse_loss(x, y)", "jax.nn", "to: 'jax.nn' is not an interface"),
])
def test_bad_sources_name_what_is_wrong(source, to, words):
    with pytest.raises(PortError, match=words.replace("(", r"\(")):
        multiloss.port(source, to, measure=False)


def test_cli_port_json(capsys):
    assert cli.main(["port", "torch.nn.functional.mse_loss(p, t, reduction='sum')", "--to", "optax.losses",
                     "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert [list(r) for r in out] == [list(KEYS)]
    # torch broadcasts a (N, 1) target beside (N, D) predictions (with a warning); optax refuses it
    assert out[0]["call"] == "jnp.sum(optax.losses.squared_error(p, t))" and out[0]["exact"] is False
    assert out[0]["where"].startswith("column_target") and "raises ValueError" in out[0]["where"]
    assert any("Argument order" in note for note in out[0]["notes"])


def test_compare_bce_names_the_clip_the_clamp_the_reduction_and_the_saturated_difference(capsys):
    assert cli.main(["compare", "torch.nn.BCELoss", "keras.losses.BinaryCrossentropy"]) == 0
    out = capsys.readouterr().out
    assert "clamps each log at -100" in out and "clips the probability to [1e-7, 1 - 1e-7]" in out
    assert "sum_over_batch_size" in out and "reduction='mean'" in out
    saturated = [line for line in out.splitlines() if line.strip().startswith("saturated")]
    assert saturated, out
    # torch's 100 per saturated element against Keras' 16.1: the difference is large where they saturate
    values = [float(line.split("value")[1].split()[0]) for line in saturated]
    assert max(values) > 1, saturated
    assert "largest difference" in out and "saturated" in out.split("largest difference")[1]


def test_import_multiloss_imports_no_framework_and_port_loads_lazily():
    code = ("import sys, multiloss; assert 'multiloss.port' not in sys.modules; "
            "r = multiloss.port('torch.nn.MSELoss()(x, y)', 'keras.losses', measure=False); "
            "print(r[0]['call'], sorted(m for m in ('torch', 'tensorflow', 'jax', 'keras') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                          env={**os.environ, "PYTHONPATH": str(ROOT)}, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "keras.losses.MeanSquaredError()(y, x) []"
