"""Box and overlap losses: what the catalog can't say.

- torchvision's error messages, on every backend, against torchvision run here;
- UnitBox's IoU loss and V-Net's Dice loss on tiny cases worked by hand (values and a gradient);
- the clear errors of multiloss' own losses name what is allowed;
- Keras' tversky weighs the false negatives by alpha (the installed Keras, and arithmetic);
- Keras' Dice and Tversky classes carry Keras' config keys.

Expected values come from running the originals in the test, or from arithmetic in comments.
"""

import math

import numpy as np
import pytest

import multiloss
from multiloss import testing
from multiloss.testing._frameworks import gradient, import_all, to_native, to_numpy, x64

torch = pytest.importorskip("torch")
torchvision = pytest.importorskip("torchvision")
import_all()

from multiloss import keras as mk  # noqa: E402
from multiloss import torchvision as mtv  # noqa: E402

BACKENDS = [b for b in testing.FRAMEWORKS if testing.installed(b)]
AUTODIFF = [b for b in BACKENDS if b != "numpy"]

# Two 2 x 2 boxes shifted by 1 along x: intersection 2, union 6.
A = np.array([[0.0, 0.0, 2.0, 2.0]])
B = np.array([[1.0, 0.0, 3.0, 2.0]])
BOX_LOSSES = ["generalized_box_iou_loss", "distance_box_iou_loss", "complete_box_iou_loss"]


def _on(backend, *arrays):
    return [to_native(backend, a) for a in arrays]


def _error(fn, *args, **kwargs):
    with pytest.raises(Exception) as info:  # noqa: PT011 - the class is compared with the original's
        fn(*args, **kwargs)
    return type(info.value), str(info.value)


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("name", BOX_LOSSES)
def test_torchvision_reduction_error_is_torchvisions(backend, name):
    original = getattr(torchvision.ops, name)
    expected = _error(original, torch.from_numpy(A), torch.from_numpy(B), reduction="avg")
    with x64(backend):
        assert _error(getattr(mtv, name), *_on(backend, A, B), reduction="avg") == expected


@pytest.mark.parametrize("backend", BACKENDS)
def test_iou_loss_by_hand(backend):
    eps = 1e-7
    iou = 2 / (6 + eps)
    with x64(backend):
        a, b = _on(backend, A, B)
        for mode, expected in (("log", -math.log(iou)), ("linear", 1 - iou), ("square", 1 - iou**2)):
            got = to_numpy(multiloss.iou_loss(a, b, mode=mode, reduction="sum"))
            assert got == pytest.approx(expected, rel=1e-12)
        # boxes that miss each other: -log(eps), whatever the gap
        far = to_native(backend, A + 10.0)
        assert to_numpy(multiloss.iou_loss(a, far)) == pytest.approx([-math.log(eps)], rel=1e-12)
        # the mean of no boxes is 0, as in torchvision's box losses
        assert to_numpy(multiloss.iou_loss(a[:0], b[:0], reduction="mean")) == 0.0


@pytest.mark.parametrize("backend", AUTODIFF)
def test_iou_loss_gradient_by_hand(backend):
    # L = -log(I / U) for box b = (x1', y1', x2', y2') = (1, 0, 3, 3) against a = (0, 0, 2, 2), eps = 0:
    # I = w h with w = 2 - max(0, x1') = 1 and h = min(2, y2') - max(0, y1') = 2, so I = 2;
    # U = 4 + (x2' - x1')(y2' - y1') - I = 8; dL = -(dI / I - dU / U).
    #   x1': dI = -h = -2, dU = -3 + 2 = -1                -> -(-1 + 1/8) = 7/8
    #   y1': ties with a's y1 = 0, so max sends it half: dI = -w / 2 = -1/2,
    #        dU = -2 + 1/2 = -3/2                          -> -(-1/4 + 3/16) = 1/16
    #        (all to a's side, TensorFlow's rule, would give -1/4)
    #   x2': dI = 0, dU = 3                                -> 3/8
    #   y2': dI = 0, dU = 2                                -> 1/4
    b = np.array([[1.0, 0.0, 3.0, 3.0]])
    with x64(backend):
        native = dict(zip("ab", _on(backend, A, b)))
        grad = gradient(backend, lambda arrays: multiloss.iou_loss(arrays["a"], arrays["b"], eps=0.0),
                        native, "b", np.ones((1,)))
    assert grad == pytest.approx(np.array([[7 / 8, 1 / 16, 3 / 8, 1 / 4]]), rel=1e-12)


@pytest.mark.parametrize("backend", BACKENDS)
def test_dice_loss_by_hand(backend):
    p = np.array([[1.0, 0.5], [0.0, 0.0]])
    g = np.array([[1.0, 0.0], [0.0, 0.0]])
    with x64(backend):
        native = _on(backend, p, g)
        # sample 1: 1 - (2 + 1) / (1.5 + 1 + 1) = 1/7; squared: 1 - 3 / (1.25 + 1 + 1) = 1/13;
        # sample 2 (blank): 1 - 1 / 1 = 0
        assert to_numpy(multiloss.dice_loss(*native, reduction="none")) == pytest.approx([1 / 7, 0.0], rel=1e-12)
        assert to_numpy(multiloss.dice_loss(*native, squared=True)) == pytest.approx(1 / 26, rel=1e-12)
        assert np.isnan(to_numpy(multiloss.dice_loss(native[0][:0], native[1][:0])))


@pytest.mark.parametrize("backend", BACKENDS)
def test_own_losses_name_what_is_allowed(backend):
    with x64(backend):
        a, b = _on(backend, A, B)
        with pytest.raises(ValueError, match="mode must be one of 'log', 'linear', 'square'; got 'exp'"):
            multiloss.iou_loss(a, b, mode="exp")
        with pytest.raises(ValueError, match="reduction must be one of 'none', 'mean', 'sum'; got 'avg'"):
            multiloss.iou_loss(a, b, reduction="avg")
        with pytest.raises(ValueError, match=r"boxes1 must hold boxes .* of size 4; got shape \(1, 3\)"):
            multiloss.iou_loss(a[:, :3], b)
        with pytest.raises(ValueError, match=r"target of shape \(1, 3\) must have the shape of input, \(1, 4\)"):
            multiloss.dice_loss(a, b[:, :3])
        with pytest.raises(ValueError, match="avg is not a valid value for reduction"):
            multiloss.dice_loss(a, b, reduction="avg")


def test_keras_tversky_alpha_weighs_false_negatives():
    keras = pytest.importorskip("keras")
    y = np.array([[1.0, 1.0, 0.0, 0.0]], np.float32)
    p = np.array([[1.0, 0.0, 1.0, 1.0]], np.float32)
    # TP = 1, sum(y (1 - p)) = 1, sum((1 - y) p) = 2: with alpha = 1, beta = 0 Keras gives 1 - 1 / (1 + 1).
    expected = float(keras.losses.tversky(y, p, alpha=1.0, beta=0.0))
    assert expected == pytest.approx(0.5, rel=1e-6)
    for backend in BACKENDS:
        assert to_numpy(mk.tversky(*_on(backend, y, p), alpha=1.0, beta=0.0)) == pytest.approx(expected, rel=1e-6)


def test_keras_overlap_classes_have_keras_config_keys():
    keras = pytest.importorskip("keras")
    for name, options in (("Dice", {"axis": (1, 2)}), ("Tversky", {"alpha": 0.3, "beta": 0.7})):
        expected = getattr(keras.losses, name)(**options).get_config()
        got = getattr(mk, name)(**options).get_config()
        # Keras 3.15.1's Loss.get_config leaves out dtype; multiloss' base class keeps it.
        got.pop("dtype", None)
        assert got == expected
