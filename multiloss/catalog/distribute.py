"""Rows of the losses that scale a per-replica loss for ``tf.distribute``: ``tf.nn.compute_average_loss``
and ``tf.nn.scale_regularization_loss``.

Their inputs are losses already computed, so the kind is "regression" with the
prediction as the per-example loss. The conformance suite runs outside any
strategy (one replica); ``tests/distributed/`` runs them inside one.
"""

from . import PER_EXAMPLE_LOSS, Arg, Case, Entry

ENTRIES = (
    Entry(
        path="multiloss.tf.nn.compute_average_loss",
        original="tensorflow.nn.compute_average_loss",
        **PER_EXAMPLE_LOSS,
        options=(
            {},
            {"sample_weight": Arg("sample_weight")},
            {"sample_weight": Arg("row_weight")},
            {"sample_weight": 0.5},
            {"global_batch_size": 64},
            {"global_batch_size": 0},
        ),
        cases=(
            Case("negative global_batch_size", {"global_batch_size": -1}, raises="InvalidArgumentError"),
            Case("float global_batch_size", {"global_batch_size": 2.5}, raises="TypeError"),
            Case("global_batch_size not a scalar", {"global_batch_size": [4]}, raises="ValueError"),
            Case("all-zero sample weights", {"sample_weight": Arg("zero_weight")}),
        ),
        differences="With sample_weight, float64 losses are weighted in float32 and cast back, as TensorFlow does.",
        precision="float32",
    ),
    Entry(
        path="multiloss.tf.nn.scale_regularization_loss",
        original="tensorflow.nn.scale_regularization_loss",
        **PER_EXAMPLE_LOSS,
    ),
)
