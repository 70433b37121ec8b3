"""Why an interface that has a loss of the same concept cannot express a source's semantics: what
differs (the formula, an epsilon, the layout, a state the target keeps), one sentence each, keyed by
the source's original and the target interface."""

from __future__ import annotations

# The interfaces with a CTC loss: each translates into each other one (``ctc``), except optax's variant
# that also returns its forward variables.
_CTC_INTERFACES = ("keras.losses", "torch.nn.functional", "torch.nn", "optax.losses", "tf.nn")

_DICE_KERAS = ("keras.losses.dice is 1 - 2 sum(y p) / (sum y + sum p + 1e-7), summed over its axis (every "
               "axis by default) on the predictions as given; {what}")
_DICE_OPTAX = ("optax.losses.dice_loss is a Tversky index per class (class axis last), with smooth added "
               "to the numerator and the denominator and a softmax of the predictions by default; {what}")
_LINEAR = ("torch.nn.LinearCrossEntropyLoss owns its projection, a Linear layer it creates and initialises "
           "from in_features and num_classes; torch.nn.functional.linear_cross_entropy takes that layer's "
           "weight and bias as arguments: {how}")


def _reasons():
    out = {}
    keras_to_optax = _DICE_OPTAX.format(what="Keras' sums run over its axis with 1e-7 in the denominator only")
    for source in ("keras.losses.dice", "keras.losses.Dice", "keras.losses.tversky", "keras.losses.Tversky"):
        out[(source, "optax.losses")] = keras_to_optax
    for source in ("optax.losses.dice_loss", "optax.losses.binary_dice_loss",
                   "optax.losses.multiclass_generalized_dice_loss"):
        out[(source, "keras.losses")] = _DICE_KERAS.format(
            what="it has no smooth in the numerator, no per-class mean, no class weights and no softmax")
    out[("multiloss.testing.references.dice_loss", "keras.losses")] = _DICE_KERAS.format(
        what="the reference adds smooth to the numerator and the denominator per sample")
    out[("multiloss.testing.references.dice_loss", "optax.losses")] = _DICE_OPTAX.format(
        what="the reference is one Dice per sample over its non-batch axes, without a softmax")
    out[("multiloss.testing.references.iou_loss", "torchvision.ops")] = (
        "torchvision.ops has the generalized, distance and complete IoU losses, each 1 - IoU plus a penalty, "
        "and box_iou (a matrix of every pair); no loss of the plain IoU, -log(IoU) or 1 - IoU ** 2")
    out[("torch.nn.LinearCrossEntropyLoss", "torch.nn.functional")] = _LINEAR.format(
        how="pass loss.linear.weight as linear_weight (and loss.linear.bias as linear_bias)")
    out[("torch.nn.functional.linear_cross_entropy", "torch.nn")] = _LINEAR.format(
        how="copy linear_weight (and linear_bias) into the module's linear layer before the call")
    for target in ("torch.nn.functional", "torch.nn", "keras.losses", "tf.compat.v1.losses", "tf.nn"):
        out[("optax.losses.smooth_labels", target)] = (
            f"optax.losses.smooth_labels returns the smoothed labels (1 - alpha) y + alpha / C, not a loss; "
            f"{target} has no such function" + ("" if target == "tf.nn" else
                                                 " (its cross-entropy's label_smoothing smooths inside the loss)"))
    forward_probs = "multiloss.testing.references.optax_ctc_loss_with_forward_probs"
    for target in _CTC_INTERFACES:
        out[(forward_probs, target)] = _FORWARD_PROBS.format(target=target)
    out[(forward_probs, "optax.losses")] = (
        "the same function: optax.losses.ctc_loss_with_forward_probs(logits, logit_paddings, targets, "
        "label_paddings), whose forward variables come in float64 under x64 where the row casts them to the "
        "loss' dtype")
    return out


_FORWARD_PROBS = ("optax.losses.ctc_loss_with_forward_probs returns the loss with optax's forward variables "
                  "(logalpha_blank, logalpha_nonblank); CTC in {target} returns the loss alone: port "
                  "optax.losses.ctc_loss for the loss")

REASONS = _reasons()
