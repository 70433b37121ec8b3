"""multiloss plot: the curves it draws are the losses' own values and gradients, checked against
formulas worked by hand; the command writes an image."""

import numpy as np
import pytest

from multiloss import cli, plot

needs_autodiff = pytest.mark.skipif(plot.autodiff_framework() is None, reason="neither torch nor JAX is installed")

RESIDUALS = np.array([-3.0, -1.5, -0.5, -0.1, 0.0, 0.25, 1.0, 2.0])
MARGINS = np.array([-4.0, -1.0, 0.0, 0.5, 3.0])


@needs_autodiff
@pytest.mark.parametrize("delta", [0.1, 1.0, 10.0])
@pytest.mark.parametrize("spec", ["huber_loss", "keras.Huber", "tf.losses.huber_loss"])
def test_huber_curve_is_the_formula(spec, delta):
    c = plot.curve(f"{spec}:delta={delta}", RESIDUALS)
    r = np.abs(RESIDUALS)
    expected = np.where(r <= delta, 0.5 * r**2, delta * (r - delta / 2))
    rtol = 1e-12 if spec == "huber_loss" else 1e-6  # Keras and TF v1 compute in float32
    np.testing.assert_allclose(c.loss, expected, rtol=rtol, atol=1e-7)
    np.testing.assert_allclose(c.gradient, np.clip(RESIDUALS, -delta, delta), rtol=rtol, atol=1e-7)
    assert c.axis == plot.RESIDUAL


@needs_autodiff
def test_squared_and_absolute_error_curves():
    mse, l1 = plot.curves(["mse_loss", "l1_loss"], RESIDUALS)
    np.testing.assert_allclose(mse.loss, RESIDUALS**2)
    np.testing.assert_allclose(mse.gradient, 2 * RESIDUALS)
    np.testing.assert_allclose(l1.loss, np.abs(RESIDUALS))
    np.testing.assert_allclose(l1.gradient, np.sign(RESIDUALS))


@needs_autodiff
@pytest.mark.parametrize("spec", ["binary_cross_entropy_with_logits", "binary_cross_entropy",
                                  "keras.binary_crossentropy", "keras.binary_crossentropy:from_logits=True",
                                  "cross_entropy", "keras.categorical_crossentropy",
                                  "tf.nn.sparse_softmax_cross_entropy_with_logits"])
def test_cross_entropy_against_the_margin_is_softplus_of_minus_the_margin(spec):
    # Binary: a positive target with logit m; two classes: logits (m, 0) and class 0. Both give
    # log(1 + exp(-m)), whose derivative is sigmoid(m) - 1, whether the loss takes the logits or
    # the probabilities sigmoid(m) / softmax(m, 0).
    c = plot.curve(spec, MARGINS)
    np.testing.assert_allclose(c.loss, np.log1p(np.exp(-MARGINS)), rtol=2e-6)
    np.testing.assert_allclose(c.gradient, 1 / (1 + np.exp(-MARGINS)) - 1, rtol=2e-6, atol=1e-7)
    assert c.axis == plot.MARGIN


def test_focal_loss_curve_without_gradients():
    # gamma = 2, no alpha: (1 - p)^2 * log(1 + exp(-m)) with p = sigmoid(m).
    c = plot.curve("sigmoid_focal_loss:alpha=-1,gamma=2", MARGINS, framework=None)
    assert c.gradient is None
    p = 1 / (1 + np.exp(-MARGINS))
    np.testing.assert_allclose(c.loss, (1 - p) ** 2 * np.log1p(np.exp(-MARGINS)), rtol=1e-12)


def test_gradients_from_jax_too():
    pytest.importorskip("jax")
    c = plot.curve("huber_loss:delta=0.5", RESIDUALS, framework="jax")
    np.testing.assert_allclose(c.gradient, np.clip(RESIDUALS, -0.5, 0.5))


def test_specs_that_cant_be_drawn_say_why():
    with pytest.raises(ValueError, match="see `multiloss list`"):
        plot.parse("no_such_loss")
    with pytest.raises(ValueError, match="takes distributions inputs"):
        plot.parse("kl_div")
    with pytest.raises(ValueError, match="write it as name=value"):
        plot.parse("huber_loss:delta")
    with pytest.raises(ValueError, match="plot them separately"):
        plot.curves(["mse_loss", "cross_entropy"], MARGINS)
    assert plot.parse("huber_loss:delta=0.5,reduction=sum")[1] == {"delta": 0.5, "reduction": "sum"}


def test_the_command_writes_an_image(tmp_path, capsys):
    pytest.importorskip("matplotlib")
    out = tmp_path / "regression.png"
    assert cli.main(["plot", "huber_loss:delta=0.1", "huber_loss:delta=10", "mse_loss", "l1_loss",
                     "--points", "21", "-o", str(out)]) == 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert str(out) in capsys.readouterr().out
    with pytest.raises(SystemExit, match="multiloss plot: can't plot 'kl_div'"):
        cli.main(["plot", "kl_div", "-o", str(tmp_path / "x.png")])


def test_the_readme_pictures_come_from_the_commands_it_shows():
    import shlex
    from pathlib import Path

    root = Path(__file__).resolve().parents[1]
    readme = (root / "README.md").read_text().replace("\\\n", " ")
    commands = [shlex.split(line)[2:] for line in readme.splitlines() if line.startswith("multiloss plot ")]
    assert len(commands) >= 2
    for argv in commands:
        output = argv[argv.index("-o") + 1]
        assert (root / output).is_file() and f"]({output})" in readme
        for spec in argv[: min(i for i, a in enumerate(argv) if a.startswith("-"))]:
            plot.parse(spec)
