"""From a parsed source call to its :class:`~multiloss.port._ir.Spec`: the reduction in each
interface's vocabulary, and the concept with its options from the family tables."""

from __future__ import annotations

from ._ir import NoTranslation, Reduce
from ._parse import Name


class NoReader(NoTranslation):
    """No family table reads the source's original: the reason says what the target has instead."""


def interface_of(original):
    """The interface an original belongs to, as ``multiloss port --to`` spells them."""
    for prefix, name in (("torch.nn.functional.", "torch.nn.functional"), ("torch.nn.", "torch.nn"),
                         ("keras.losses.", "keras.losses"), ("tensorflow.compat.v1.losses.", "tf.compat.v1.losses"),
                         ("tensorflow.nn.", "tf.nn"), ("torchvision.ops.", "torchvision.ops"),
                         ("optax.losses.", "optax.losses")):
        if original.startswith(prefix):
            return name
    return "multiloss"


def _torch_mode(options):
    """torch's reduction, with the legacy size_average / reduce taking precedence as torch's do."""
    size_average, reduce = options.get("size_average"), options.get("reduce")
    if size_average is None and reduce is None:
        return options.get("reduction", "mean")
    if reduce is False:
        return "none"
    return "sum" if size_average is False else "mean"


def reduction_of(source, interface, style):
    o = source.options
    if interface in ("torch.nn.functional", "torch.nn", "torchvision.ops", "multiloss"):
        default = "none" if interface == "torchvision.ops" else "mean"
        mode = _torch_mode(o) if interface != "torchvision.ops" else o.get("reduction", default)
        return Reduce("torch", mode, _array(o.get("weight")))
    if interface == "keras.losses":
        if style != "class":
            return Reduce("none")
        mode = o.get("reduction", "sum_over_batch_size")
        return Reduce("keras", "none" if mode is None else mode, _array(o.get("sample_weight")))
    if interface == "tf.compat.v1.losses":
        w = o.get("weights", 1.0)
        return Reduce("tfv1", o.get("reduction", "weighted_sum_by_nonzero_weights"), None if w == 1.0 else _array(w))
    return Reduce("none")


def _array(value):
    if value is None or isinstance(value, (int, float)):
        return value
    if isinstance(value, Name):
        return value.text
    raise NoTranslation(f"an array option given as {value!r}; name it")


def spec_of(source, families):
    """The Spec of a source, from the family table that knows its original."""
    entry = source.entry
    name = entry.original.rpartition(".")[2]
    interface = interface_of(entry.original)
    for family in families:
        reader = family.READERS.get((interface, name))
        if reader is not None:
            break
    else:
        raise NoReader(f"no translation of {entry.original} is written yet")
    spec = reader(source, source.options)
    spec.reduce = reduction_of(source, interface, entry.style)
    if spec.granularity == "sample" and spec.reduce.vocab == "torch":
        spec.reduce.weight = None  # torch's weight of a per-sample loss is a class weight: the family's option
    spec.source_interface = interface
    spec.source_style = entry.style
    if interface == "keras.losses" and spec.granularity == "elementwise":
        spec.keras_per_sample = True
    return spec
