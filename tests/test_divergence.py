"""KL, Poisson and Gaussian likelihoods: what the catalog can't say.

- every error's class AND message equal the original's, on every backend;
- kl_div's UserWarning for 'mean': the same text, only when PyTorch emits it;
- 'batchmean' divides by the input's first dimension, not the broadcast result's;
- the negative-var check is skipped under jit (the value is then computed, not refused);
- Keras' 'kld'/'KLD' names resolve to kl_divergence, as ``keras.losses.get`` does.

Expected messages and values come from running the originals in the test.
"""

import warnings

import numpy as np
import pytest

from multiloss import testing
from multiloss.pytorch import functional as ML
from multiloss.testing._frameworks import import_all, to_native, to_numpy, x64

torch = pytest.importorskip("torch")
F = torch.nn.functional
import_all()

BACKENDS = [b for b in testing.FRAMEWORKS if testing.installed(b)]
rng = np.random.default_rng(0)

LOG_Q = np.log(rng.dirichlet(np.ones(3), size=4)).astype(np.float32)
P = rng.dirichlet(np.ones(3), size=4).astype(np.float32)
MU, Y = rng.normal(size=(4, 3)).astype(np.float32), rng.normal(size=(4, 3)).astype(np.float32)
VAR = rng.uniform(0.1, 1.0, size=(4, 3)).astype(np.float32)
NEG_VAR = VAR.copy()
NEG_VAR[1, 1] = -1.0

# (name, function, positional arrays, options)
ERROR_CASES = [
    ("kl unknown reduction", "kl_div", (LOG_Q, P), {"reduction": "avg"}),
    ("kl shapes", "kl_div", (LOG_Q, P[:, :2]), {"reduction": "sum"}),
    ("kl log-target shapes", "kl_div", (LOG_Q, P[:, :2]), {"reduction": "sum", "log_target": True}),
    ("poisson unknown reduction", "poisson_nll_loss", (MU, P), {"reduction": "batchmean"}),
    ("poisson elementwise_mean", "poisson_nll_loss", (MU, P), {"reduction": "elementwise_mean"}),
    ("poisson shapes", "poisson_nll_loss", (MU, P[:, :2]), {}),
    ("poisson rate shapes", "poisson_nll_loss", (MU, P[:, :2]), {"log_input": False}),
    ("gaussian negative var", "gaussian_nll_loss", (MU, Y, NEG_VAR), {}),
    ("gaussian negative float", "gaussian_nll_loss", (MU, Y, -0.5), {}),
    ("gaussian negative before size", "gaussian_nll_loss", (MU, Y, NEG_VAR[:, :2]), {}),
    ("gaussian size", "gaussian_nll_loss", (MU, Y, VAR[0]), {}),
    ("gaussian 0-d var", "gaussian_nll_loss", (MU, Y, np.asarray(VAR[0, 0])), {}),
    ("gaussian (N, D, 1) var", "gaussian_nll_loss", (MU, Y, VAR[..., None]), {}),
    ("gaussian two mismatches", "gaussian_nll_loss", (MU[None], Y[None], VAR[:1, :1, None]), {}),
    ("gaussian size before reduction", "gaussian_nll_loss", (MU, Y, VAR[0]), {"reduction": "batchmean"}),
    ("gaussian reduction", "gaussian_nll_loss", (MU, Y, VAR), {"reduction": "batchmean"}),
    ("gaussian shapes", "gaussian_nll_loss", (MU, Y[:, :2], VAR), {}),
]


def _outcome(fn, args, options):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(*args, **options)
    except Exception as exc:  # noqa: BLE001 - the class and message are what is compared
        return type(exc).__name__, str(exc)
    return None, None


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("name", "function", "args", "options"), ERROR_CASES, ids=[c[0] for c in ERROR_CASES])
def test_error_class_and_message(name, function, args, options, backend):
    expected = _outcome(getattr(F, function), [to_native("torch", a) for a in args], options)
    assert expected[0] is not None, "torch raised nothing"
    with x64(backend):
        got = _outcome(getattr(ML, function), [to_native(backend, a) for a in args], options)
    assert got == expected


@pytest.mark.parametrize("backend", BACKENDS)
def test_int_var_is_a_type_error(backend):
    with pytest.raises(TypeError):
        F.gaussian_nll_loss(torch.from_numpy(MU), torch.from_numpy(Y), 1)
    with pytest.raises(TypeError, match="var must be a tensor or a float, got int"):
        ML.gaussian_nll_loss(to_native(backend, MU), to_native(backend, Y), 1)


def _warnings_of(fn, *args, **options):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn(*args, **options)
    return [(w.category.__name__, str(w.message)) for w in caught]


KL_WARNING_OPTIONS = [
    {},
    {"reduction": "mean"},
    {"reduction": "batchmean"},
    {"reduction": "sum"},
    {"reduction": "none"},
    {"reduction": "elementwise_mean"},
    {"size_average": True},
    {"reduce": False, "reduction": "mean"},
    {"log_target": True},
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("options", KL_WARNING_OPTIONS, ids=str)
def test_kl_div_warnings_equal_torchs(options, backend):
    expected = _warnings_of(F.kl_div, torch.from_numpy(LOG_Q), torch.from_numpy(P), **options)
    with x64(backend):
        got = _warnings_of(ML.kl_div, to_native(backend, LOG_Q), to_native(backend, P), **options)
    assert got == expected


def test_kl_div_loss_class_warns_like_torch():
    from multiloss.pytorch import KLDivLoss

    def construct_and_call(cls, options, *args):
        return cls(**options)(*args)

    for options in ({}, {"reduce": False}, {"reduction": "batchmean"}):
        expected = _warnings_of(construct_and_call, torch.nn.KLDivLoss, options,
                                torch.from_numpy(LOG_Q), torch.from_numpy(P))
        got = _warnings_of(construct_and_call, KLDivLoss, options, LOG_Q, P)
        assert got == expected


@pytest.mark.parametrize("backend", BACKENDS)
def test_batchmean_divides_by_the_inputs_first_dimension(backend):
    # A (1, C) input broadcast against an (N, C) target: PyTorch divides the sum by 1, not N.
    args = (LOG_Q[:1], P)
    expected = F.kl_div(*[torch.from_numpy(a) for a in args], reduction="batchmean").numpy()
    with x64(backend):
        got = to_numpy(ML.kl_div(*[to_native(backend, a) for a in args], reduction="batchmean"))
    np.testing.assert_allclose(got, expected, rtol=1e-6)
    assert np.isclose(expected, F.kl_div(*[torch.from_numpy(a) for a in args], reduction="sum").numpy())


@pytest.mark.parametrize("backend", [b for b in BACKENDS if b != "numpy"])
def test_kl_div_target_gradient_at_zero_is_torchs(backend):
    # xlogy(p, p)'s derivative in p, log p + 1, is NaN at p == 0 in PyTorch (its y-gradient p / p);
    # TensorFlow's own xlogy gives 0 there, so its backend must not hand the gradient to it.
    from multiloss.testing._frameworks import gradient

    target = np.array([[0.0, 0.25, 0.75], [0.5, -0.5, 0.5]], np.float32)
    log_q = np.log(np.array([[0.5, 0.25, 0.25], [0.2, 0.3, 0.5]], np.float32))
    cotangent = np.ones((2, 3), np.float32)
    t = torch.from_numpy(target).requires_grad_(True)
    F.kl_div(torch.from_numpy(log_q), t, reduction="none").backward(torch.from_numpy(cotangent))
    expected = t.grad.numpy()
    assert np.isnan(expected[0, 0]) and np.isnan(expected[1, 1]) and np.isfinite(expected[0, 1])
    arrays = {"input": to_native(backend, log_q), "target": to_native(backend, target)}
    got = gradient(backend, lambda a: ML.kl_div(a["input"], a["target"], reduction="none"), arrays, "target",
                   cotangent)
    np.testing.assert_allclose(got, expected, rtol=1e-6)


def test_kl_div_by_hand():
    # p = [0, 0.25, 0.75], log q = log [0.5, 0.25, 0.25]: the zero target contributes 0.
    p = np.array([[0.0, 0.25, 0.75]])
    log_q = np.log(np.array([[0.5, 0.25, 0.25]]))
    expected = 0.75 * np.log(3.0)
    assert np.isclose(ML.kl_div(log_q, p, reduction="batchmean"), expected)
    assert np.isclose(ML.kl_div(log_q, np.log(np.array([[1e-300, 0.25, 0.75]])), reduction="sum",
                                log_target=True), expected)


def test_negative_var_is_not_checked_under_jit():
    jax = pytest.importorskip("jax")

    loss = jax.jit(lambda m, y, v: ML.gaussian_nll_loss(m, y, v, reduction="none"))(MU, Y, NEG_VAR)
    # Clamped at eps, as PyTorch would compute it had it not refused.
    expected = 0.5 * (np.log(1e-6) + (MU[1, 1] - Y[1, 1]) ** 2 / 1e-6)
    assert np.isclose(np.asarray(loss)[1, 1], expected, rtol=1e-5)
    with pytest.raises(ValueError, match="var has negative entry/entries"):
        ML.gaussian_nll_loss(jax.numpy.asarray(MU), jax.numpy.asarray(Y), jax.numpy.asarray(NEG_VAR))


def test_log_poisson_loss_shape_message():
    tf = pytest.importorskip("tensorflow")
    from multiloss.tf import nn

    targets, log_input = np.ones((4, 3), np.float32), np.zeros((4, 5), np.float32)
    with pytest.raises(ValueError) as original:
        tf.nn.log_poisson_loss(tf.constant(targets), tf.constant(log_input))
    for backend in BACKENDS:
        with pytest.raises(ValueError) as ours:
            nn.log_poisson_loss(to_native(backend, targets), to_native(backend, log_input))
        assert str(ours.value) == str(original.value)


def test_keras_short_names():
    keras = pytest.importorskip("keras")
    from multiloss import keras as mk

    assert keras.losses.get("kld") is keras.losses.kl_divergence
    assert keras.losses.get("KLD") is keras.losses.kl_divergence
    assert mk.kld is mk.KLD is mk.kl_divergence


def test_batch_known_only_at_run_time():
    tf = pytest.importorskip("tensorflow")
    from multiloss.tf import nn

    spec = tf.TensorSpec([None, 3], tf.float32)
    counts = np.abs(Y) * 3
    cases = [
        (lambda a, b: ML.kl_div(a, b, reduction="batchmean"), (LOG_Q, P),
         lambda a, b: F.kl_div(a, b, reduction="batchmean")),
        (lambda a, b: ML.poisson_nll_loss(a, b, full=True), (MU, counts),
         lambda a, b: F.poisson_nll_loss(a, b, full=True)),
        (lambda a, b: ML.gaussian_nll_loss(a, b, tf.constant(VAR[:, :1])), (MU, Y),
         lambda a, b: F.gaussian_nll_loss(a, b, torch.from_numpy(VAR[:, :1]))),
    ]
    for ours, args, original in cases:
        got = tf.function(ours, input_signature=(spec, spec))(*args).numpy()
        expected = original(*[torch.from_numpy(a) for a in args]).numpy()
        np.testing.assert_allclose(got, expected, rtol=1e-5)
    got = tf.function(lambda t, c: nn.log_poisson_loss(t, c, compute_full_loss=True),
                      input_signature=(spec, spec))(counts, MU).numpy()
    np.testing.assert_allclose(got, tf.nn.log_poisson_loss(counts, MU, compute_full_loss=True).numpy(), rtol=1e-6)
