"""``tf.errors``: the exception classes multiloss raises where TensorFlow raises its own."""


class InvalidArgumentError(ValueError):
    """Raised where TensorFlow raises ``tf.errors.InvalidArgumentError``, on every backend.

    TensorFlow's class derives from ``OpError(Exception)`` and can't be made
    without TensorFlow; this one has its name, so that ``except`` clauses
    written against the name keep reading the same, and derives from
    ``ValueError``, the builtin that says what is wrong (a bad argument value).
    """


__all__ = ["InvalidArgumentError"]
