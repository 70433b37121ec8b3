"""Binary (sigmoid) cross-entropy: what the catalog can't say.

- every error's class AND message equal the original's, on every backend;
- HED's balanced loss on a tiny case worked by hand (values and gradients);
- logits of magnitude 100 and 1e4 give finite losses and gradients in every interface, on every backend;
- the [0, 1] check of torch's BCE is skipped under jit (the clamped value is computed instead);
- a batch size known only at run time (tf.function with a None dimension);
- Keras' 'bce'/'BCE' names resolve to binary_crossentropy, as ``keras.losses.get`` does, and the
  classes' configs have Keras' keys.

Expected messages and values come from running the originals in the test, or from arithmetic in comments.
"""

import math
import warnings

import numpy as np
import pytest

import multiloss
from multiloss import testing
from multiloss.testing._frameworks import gradient, import_all, to_native, to_numpy, x64

torch = pytest.importorskip("torch")
F = torch.nn.functional
import_all()

from multiloss import keras as mk  # noqa: E402
from multiloss import torchvision as mtv  # noqa: E402
from multiloss.pytorch import functional as ML  # noqa: E402
from multiloss.tf import losses as mtl  # noqa: E402
from multiloss.tf import nn as mnn  # noqa: E402

BACKENDS = [b for b in testing.FRAMEWORKS if testing.installed(b)]
AUTODIFF = [b for b in BACKENDS if b != "numpy"]
rng = np.random.default_rng(0)

P = rng.uniform(0.05, 0.95, size=(4, 3)).astype(np.float32)
Y = (rng.uniform(size=(4, 3)) > 0.5).astype(np.float32)
X = (rng.normal(size=(4, 3)) * 3).astype(np.float32)
P_HIGH, P_NAN, Y_HIGH = P.copy(), P.copy(), Y.copy()
P_HIGH[1, 1], P_NAN[2, 0], Y_HIGH[0, 2] = 1.25, np.nan, -0.5
W = rng.uniform(size=(4, 3)).astype(np.float32)


def _t(*arrays):
    return [torch.from_numpy(a) for a in arrays]


def _outcome(fn, args, options):
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            fn(*args, **options)
    except Exception as exc:  # noqa: BLE001 - the class and message are what is compared
        return type(exc).__name__, str(exc)
    return None, None


# (name, torch function name, positional arrays, options)
TORCH_ERRORS = [
    ("bce unknown reduction", "binary_cross_entropy", (P, Y), {"reduction": "avg"}),
    ("bce reduction before size", "binary_cross_entropy", (P, Y[:, :1]), {"reduction": "avg"}),
    ("bce size", "binary_cross_entropy", (P, Y[:, :1]), {}),
    ("bce rank", "binary_cross_entropy", (P, Y[:, 0]), {}),
    ("bce input above 1", "binary_cross_entropy", (P_HIGH, Y), {}),
    ("bce NaN input", "binary_cross_entropy", (P_NAN, Y), {}),
    ("bce target below 0", "binary_cross_entropy", (P, Y_HIGH), {}),
    ("bce input checked before target", "binary_cross_entropy", (P_HIGH, Y_HIGH), {}),
    ("bce weight columns", "binary_cross_entropy", (P, Y), {"weight": W[:, 0]}),
    ("bce weight 3-d", "binary_cross_entropy", (P, Y), {"weight": W[None, :, :2]}),
    ("bce weight bigger", "binary_cross_entropy", (P, Y), {"weight": np.stack([W, W])}),
    ("bce weight before range", "binary_cross_entropy", (P_HIGH, Y), {"weight": W[:, 0]}),
    ("logits unknown reduction", "binary_cross_entropy_with_logits", (X, Y), {"reduction": "avg"}),
    ("logits size", "binary_cross_entropy_with_logits", (X, Y[:, :1]), {}),
    ("logits weight", "binary_cross_entropy_with_logits", (X, Y), {"weight": W[:, 0]}),
    ("logits weight bigger", "binary_cross_entropy_with_logits", (X, Y), {"weight": np.stack([W, W])}),
    ("logits pos_weight", "binary_cross_entropy_with_logits", (X, Y), {"pos_weight": W[:, 0]}),
    ("logits pos_weight first", "binary_cross_entropy_with_logits", (X, Y),
     {"pos_weight": W[:, 0], "weight": W[:2]}),
    ("logits pos_weight bigger", "binary_cross_entropy_with_logits", (X, Y), {"pos_weight": np.stack([W, W])}),
    ("logits number pos_weight", "binary_cross_entropy_with_logits", (X, Y), {"pos_weight": 2.0}),
    ("logits number weight", "binary_cross_entropy_with_logits", (X, Y), {"weight": 2.0}),
    ("bce number weight", "binary_cross_entropy", (P, Y), {"weight": 2.0}),
]


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize(("name", "function", "args", "options"), TORCH_ERRORS, ids=[c[0] for c in TORCH_ERRORS])
def test_torch_error_class_and_message(name, function, args, options, backend):
    def native(framework, values):
        return {k: to_native(framework, v) for k, v in values.items()}

    expected = _outcome(getattr(F, function), [to_native("torch", a) for a in args], native("torch", options))
    assert expected[0] is not None, "torch raised nothing"
    with x64(backend):
        got = _outcome(getattr(ML, function), [to_native(backend, a) for a in args], native(backend, options))
    assert got == expected


def _tf_and_keras_errors():
    tf = pytest.importorskip("tensorflow")
    keras = pytest.importorskip("keras")
    v1 = tf.compat.v1.losses
    return [
        ("keras rank", keras.losses.binary_crossentropy, mk.binary_crossentropy, (Y[:, 0], P), {}),
        ("keras shape", keras.losses.binary_crossentropy, mk.binary_crossentropy, (Y[:, :2], P), {}),
        ("keras focal shape", keras.losses.binary_focal_crossentropy, mk.binary_focal_crossentropy,
         (Y[:, :2], X), {"from_logits": True}),
        ("keras class rank", keras.losses.BinaryCrossentropy(), mk.BinaryCrossentropy(), (Y[:, 0], P), {}),
        ("tf nn shape", tf.nn.sigmoid_cross_entropy_with_logits, mnn.sigmoid_cross_entropy_with_logits,
         (Y[:, :1], X), {}),
        ("tf nn None", tf.nn.sigmoid_cross_entropy_with_logits, mnn.sigmoid_cross_entropy_with_logits,
         (None, None), {}),
        ("tf nn weighted shape", tf.nn.weighted_cross_entropy_with_logits, mnn.weighted_cross_entropy_with_logits,
         (Y[:, :1], X), {"pos_weight": 2.0}),
        ("v1 sigmoid shapes", v1.sigmoid_cross_entropy, mtl.sigmoid_cross_entropy, (Y[:, :2], X), {}),
        ("v1 sigmoid None", v1.sigmoid_cross_entropy, mtl.sigmoid_cross_entropy, (None, X), {}),
        ("v1 log_loss shapes", v1.log_loss, mtl.log_loss, (Y, P[:, :2]), {}),
        ("v1 log_loss None", v1.log_loss, mtl.log_loss, (Y, None), {}),
        ("v1 reduction", v1.log_loss, mtl.log_loss, (Y, P), {"reduction": "mean"}),
    ]


@pytest.mark.parametrize("backend", BACKENDS)
def test_tf_and_keras_error_class_and_message(backend):
    for name, original, ours, args, options in _tf_and_keras_errors():
        expected = _outcome(original, [to_native("tensorflow", a) for a in args], options)
        assert expected[0] is not None, f"{name}: the original raised nothing"
        with x64(backend):
            got = _outcome(ours, [to_native(backend, a) for a in args], options)
        assert got == expected, name


@pytest.mark.parametrize("backend", BACKENDS)
def test_torchvision_errors(backend):
    # torchvision's texts (0.29.1), including the unbalanced quote after the reduction.
    x, y = to_native(backend, X), to_native(backend, Y)
    with pytest.raises(ValueError) as exc:
        mtv.sigmoid_focal_loss(x, y, alpha=1.5)
    assert str(exc.value) == "Invalid alpha value: 1.5. alpha must be in the range [0,1] or -1 for ignore."
    with pytest.raises(ValueError) as exc:
        mtv.sigmoid_focal_loss(x, y, reduction="avg")
    assert str(exc.value) == "Invalid Value for arg 'reduction': 'avg \n Supported reduction modes: 'none', 'mean', 'sum'"
    assert np.isnan(to_numpy(mtv.sigmoid_focal_loss(x[:0], y[:0], reduction="mean")))


# -- HED by hand ----------------------------------------------------------------------------

LN2, LN3 = math.log(2.0), math.log(3.0)
HED_LOGITS = np.array([[0.0, 0.0, 0.0, 0.0], [LN3, -LN3, LN3, 0.0]])
HED_TARGET = np.array([[1.0, 0.0, 0.0, 0.0], [1.0, 1.0, 0.0, 0.0]])
# Row 1: one positive of four, beta = 3/4; sigmoid(0) = 1/2, so the positive costs 3/4 ln 2 and each
# negative 1/4 ln 2. Row 2: two of four, beta = 1/2; sigmoid(ln 3) = 3/4 and sigmoid(-ln 3) = 1/4:
#   y=1, x=ln 3:  -1/2 ln(3/4) = 1/2 ln(4/3)
#   y=1, x=-ln 3: -1/2 ln(1/4) = ln 2
#   y=0, x=ln 3:  -1/2 ln(1 - 3/4) = ln 2
#   y=0, x=0:     -1/2 ln(1/2) = 1/2 ln 2
HED_NONE = np.array([[0.75 * LN2, 0.25 * LN2, 0.25 * LN2, 0.25 * LN2],
                     [0.5 * math.log(4.0 / 3.0), LN2, LN2, 0.5 * LN2]])
# With beta = 1/4 given: positives cost 1/4 of their log term, negatives 3/4.
HED_BETA_QUARTER = np.array([[0.25 * LN2, 0.75 * LN2, 0.75 * LN2, 0.75 * LN2],
                             [0.25 * math.log(4.0 / 3.0), 0.25 * 2 * LN2, 0.75 * 2 * LN2, 0.75 * LN2]])
# d l / d x = -beta y (1 - sigmoid(x)) + (1 - beta)(1 - y) sigmoid(x):
#   row 1: -3/4 * 1/2 = -3/8 for the positive, 1/4 * 1/2 = 1/8 for each negative;
#   row 2: -1/2 * 1/4 = -1/8, -1/2 * 3/4 = -3/8, 1/2 * 3/4 = 3/8, 1/2 * 1/2 = 1/4.
HED_GRAD = np.array([[-3 / 8, 1 / 8, 1 / 8, 1 / 8], [-1 / 8, -3 / 8, 3 / 8, 1 / 4]])


@pytest.mark.parametrize("backend", BACKENDS)
def test_balanced_sigmoid_cross_entropy_by_hand(backend):
    loss = multiloss.balanced_sigmoid_cross_entropy
    with x64(backend):
        x, y = to_native(backend, HED_LOGITS), to_native(backend, HED_TARGET)
        np.testing.assert_allclose(to_numpy(loss(x, y, reduction="none")), HED_NONE, rtol=1e-12)
        np.testing.assert_allclose(to_numpy(loss(x, y)), HED_NONE.mean(), rtol=1e-12)
        np.testing.assert_allclose(to_numpy(loss(x, y, reduction="sum")), HED_NONE.sum(), rtol=1e-12)
        np.testing.assert_allclose(to_numpy(loss(x, y, beta=0.25, reduction="none")), HED_BETA_QUARTER, rtol=1e-12)
        if backend != "numpy":
            got = gradient(backend, lambda a: loss(a["x"], a["y"], reduction="sum"), {"x": x, "y": y}, "x", 1.0)
            np.testing.assert_allclose(got, HED_GRAD, rtol=1e-12, atol=1e-15)


def test_balanced_sigmoid_cross_entropy_beta_checks():
    with pytest.raises(ValueError, match="beta must be between 0 and 1, got -0.5"):
        multiloss.balanced_sigmoid_cross_entropy(HED_LOGITS, HED_TARGET, beta=-0.5)
    with pytest.raises(ValueError, match="all elements of beta should be between 0 and 1"):
        multiloss.balanced_sigmoid_cross_entropy(HED_LOGITS, HED_TARGET, beta=np.array([[0.5], [2.0]]))


# -- stability ------------------------------------------------------------------------------

HUGE = np.array([[100.0, -100.0, 1e4, -1e4], [100.0, -100.0, 1e4, -1e4]])
HUGE_Y = np.array([[1.0, 1.0, 1.0, 1.0], [0.0, 0.0, 0.0, 0.0]])
LOGIT_LOSSES = {
    "torch with_logits": lambda x, y: ML.binary_cross_entropy_with_logits(x, y, reduction="none"),
    "torch pos_weight": lambda x, y: ML.binary_cross_entropy_with_logits(x, y, pos_weight=x[0] * 0 + 3.0,
                                                                         reduction="none"),
    "keras bce": lambda x, y: mk.binary_crossentropy(y, x, from_logits=True, label_smoothing=0.1),
    "keras focal": lambda x, y: mk.binary_focal_crossentropy(y, x, from_logits=True, apply_class_balancing=True),
    "keras class": lambda x, y: mk.BinaryCrossentropy(from_logits=True, reduction=None)(y, x),
    "tf v1": lambda x, y: mtl.sigmoid_cross_entropy(y, x, label_smoothing=0.2, reduction="none"),
    "tf nn": lambda x, y: mnn.sigmoid_cross_entropy_with_logits(y, x),
    "tf nn weighted": lambda x, y: mnn.weighted_cross_entropy_with_logits(y, x, 3.0),
    "torchvision": lambda x, y: mtv.sigmoid_focal_loss(x, y),
    "hed": lambda x, y: multiloss.balanced_sigmoid_cross_entropy(x, y, reduction="none"),
}


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", list(LOGIT_LOSSES))
def test_huge_logits_give_finite_losses_and_gradients(name, dtype, backend):
    fn = LOGIT_LOSSES[name]
    with x64(backend):
        x, y = to_native(backend, HUGE.astype(dtype)), to_native(backend, HUGE_Y.astype(dtype))
        loss = to_numpy(fn(x, y))
        assert np.all(np.isfinite(loss)), loss
        # A confident right answer costs nothing; a wrong one about |x| (exactly |x| without smoothing).
        if name in ("torch with_logits", "tf nn"):
            np.testing.assert_allclose(loss, [[0, 100, 0, 1e4], [100, 0, 1e4, 0]], atol=1e-30)
        if backend != "numpy":
            cotangent = np.ones(loss.shape, loss.dtype)
            grad = gradient(backend, lambda a: fn(a["x"], a["y"]), {"x": x, "y": y}, "x", cotangent)
            assert np.all(np.isfinite(grad)), grad


# -- jit and dynamic shapes -----------------------------------------------------------------


def test_bce_range_check_is_skipped_under_jit():
    jax = pytest.importorskip("jax")
    p = np.array([[0.5, 1.5]], np.float32)
    y = np.array([[1.0, 1.0]], np.float32)
    with pytest.raises(RuntimeError, match="all elements of input should be between 0 and 1"):
        ML.binary_cross_entropy(jax.numpy.asarray(p), jax.numpy.asarray(y))
    got = jax.jit(lambda a, b: ML.binary_cross_entropy(a, b, reduction="none"))(p, y)
    # Not refused, computed: -ln(1/2) = ln 2 for the valid entry; log1p(-1.5) is NaN, and 0 * NaN is NaN.
    assert np.isclose(np.asarray(got)[0, 0], LN2)
    assert np.isnan(np.asarray(got)[0, 1])


# The weights are built from an input (p[0] * 0 + W[0]) so that they are arrays of the caller's framework.
def _bce(p, y):
    return ML.binary_cross_entropy(p, y, weight=p[0] * 0 + W[0])


def _bce_logits(x, y):
    return ML.binary_cross_entropy_with_logits(x, y, pos_weight=x[0] * 0 + W[0])


def _hed(x, y):
    return multiloss.balanced_sigmoid_cross_entropy(x, y)


def _focal(x, y):
    return mtv.sigmoid_focal_loss(x, y, reduction="mean")


def _keras_bce(y, p):
    return mk.BinaryCrossentropy()(y, p)


def _keras_focal(y, x):
    return mk.binary_focal_crossentropy(y, x, from_logits=True)


def _v1_sigmoid(y, x):
    return mtl.sigmoid_cross_entropy(y, x)


def _v1_log_loss(y, p):
    return mtl.log_loss(y, p)


def test_batch_known_only_at_run_time():
    tf = pytest.importorskip("tensorflow")
    spec = tf.TensorSpec([None, 3], tf.float32)
    w = torch.from_numpy(W[0])
    torch_cases = [
        (_bce, (P, Y), lambda a, b: F.binary_cross_entropy(a, b, weight=w)),
        (_bce_logits, (X, Y), lambda a, b: F.binary_cross_entropy_with_logits(a, b, pos_weight=w)),
        (_hed, (X, Y), None),
        (_focal, (X, Y), None),
    ]
    for ours, args, original in torch_cases:
        got = tf.function(ours, input_signature=(spec, spec))(*args).numpy()
        expected = original(*_t(*args)).numpy() if original else ours(*[tf.constant(a) for a in args]).numpy()
        np.testing.assert_allclose(got, expected, rtol=1e-5)
    tf_cases = [
        (_keras_bce, tf.keras.losses.BinaryCrossentropy(), P),
        (_keras_focal, lambda a, b: tf.keras.losses.binary_focal_crossentropy(a, b, from_logits=True), X),
        (_v1_sigmoid, tf.compat.v1.losses.sigmoid_cross_entropy, X),
        (_v1_log_loss, tf.compat.v1.losses.log_loss, P),
    ]
    for ours, original, prediction in tf_cases:
        got = tf.function(ours, input_signature=(spec, spec))(Y, prediction).numpy()
        expected = original(tf.constant(Y), tf.constant(prediction)).numpy()
        np.testing.assert_allclose(got, expected, rtol=1e-5)


# -- Keras names and configs ----------------------------------------------------------------


def test_keras_short_names_and_configs():
    keras = pytest.importorskip("keras")
    assert keras.losses.get("bce") is keras.losses.binary_crossentropy
    assert keras.losses.get("BCE") is keras.losses.binary_crossentropy
    assert not hasattr(keras.losses, "bce")
    assert mk.bce is mk.BCE is mk.binary_crossentropy
    for name, options in (("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}),
                          ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "alpha": 0.4, "gamma": 3.0})):
        expected = getattr(keras.losses, name)(**options).get_config()
        got = getattr(mk, name)(**options).get_config()
        # Keras 3.15.1's Loss.get_config leaves out dtype; multiloss' base class keeps it.
        got.pop("dtype", None)
        assert got == expected
