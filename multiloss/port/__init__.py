"""Porting a loss between frameworks: the equivalent call in each interface, measured.

``multiloss.port("torch.nn.CrossEntropyLoss(ignore_index=-1)(input, target)", "keras.losses")``
returns, for each target interface, a dict with exactly the keys ``target``, ``call`` (an
expression in the target framework's own API whose free names are the source call's array names
and the modules torch, tf, keras, jax, jnp, optax, torchvision, np), ``exact``, ``max_abs_diff``
and ``where`` (measured by running both on the catalog's inputs for the row's kind), ``notes``
and ``reason`` (why there is no call). The source is parsed with ``ast``, never evaluated.

The translations are data, one module per family (``regression``, ``softmax``, ``sigmoid``,
``divergence``, ``margin``, ``cosine``, ``ctc``): ``READERS`` turn a source original into a concept with its options
(:class:`~multiloss.port._ir.Spec`), ``WRITERS`` write a concept in each target. The measured
claims of every catalog row and option set are kept in ``claims.json`` (``python -m
multiloss.port.docs`` writes it and ``docs/porting.md``); ``tests/test_port.py`` measures them again.
"""

from __future__ import annotations

import functools
import json
import sys
import types
from pathlib import Path

from . import cosine, ctc, divergence, margin, regression, sigmoid, softmax
from ._ir import NoTranslation
from ._parse import Name, PortError, lit, normalise_path, parse
from ._read import NoReader, interface_of, spec_of
from ._targets import TARGETS

FAMILIES = (regression, softmax, sigmoid, divergence, margin, cosine, ctc)
KEYS = ("target", "call", "exact", "max_abs_diff", "where", "notes", "reason")
CLAIMS = Path(__file__).with_name("claims.json")

__all__ = ["port", "translate", "PortError", "TARGETS", "KEYS"]


def _writer(concept, target):
    for family in FAMILIES:
        w = family.WRITERS.get((concept, target))
        if w is not None:
            return w
    return None


def _mirror_call(source):
    """The mirror: the same call with the original's module changed to multiloss's."""
    text, mirror = source.text, source.entry.path
    if "(" not in text:  # a bare path: the defaults, the arrays named after the parameters
        args = ", ".join(source.array_parameters())
        return f"{mirror}()({args})" if source.entry.style == "class" else f"{mirror}({args})"
    return mirror + text[text.index("("):]


def _same_call(source):
    """The source in its own interface: the call as written, its module spelled out."""
    text = source.text
    head = text.split("(", 1)[0]
    full = normalise_path(head)
    full = "tf." + full[len("tensorflow."):] if full.startswith("tensorflow.") else full
    if "(" not in text:
        args = ", ".join(source.array_parameters())
        return f"{full}()({args})" if source.entry.style == "class" else f"{full}({args})"
    return full + text[len(head):]


def translate(source, target):
    """(call, notes) of a parsed source in one target, or raises NoTranslation."""
    if target == "multiloss":
        return _mirror_call(source), ["the mirror: the source's semantics on every backend"]
    if interface_of(source.entry.original) == target:
        return _same_call(source), []
    try:
        spec = spec_of(source, FAMILIES)
    except NoReader:
        twin = _torch_twin(source, target)
        if twin:
            return twin, []
        raise NoTranslation(_unwritten(source, target)) from None
    writer = _writer(spec.concept, target)
    if writer is None:
        raise NoTranslation(_unwritten(source, target))
    call = writer(spec)
    return call, list(spec.notes) + _target_notes(spec, target)


# optax's names the catalog can't give: its CTC row's original is a reference wrapper (optax's
# ctc_loss with its result cast, multiloss.testing.references.optax_ctc_loss).
_OPTAX = {"connectionist temporal classification": "ctc_loss"}


def _holders(concept):
    """{interface: the originals' names} of one concept, from the catalog."""
    from .. import catalog
    from ..docs import concept_of

    out = {}
    for entry in catalog.ENTRIES:
        if concept_of(entry) == concept:
            names = out.setdefault(interface_of(entry.original), [])
            if entry.original.rpartition(".")[2] not in names:
                names.append(entry.original.rpartition(".")[2])
    if concept in _OPTAX:
        out.setdefault("optax.losses", [_OPTAX[concept]])
    return out


def _torch_twin(source, target):
    """A torch.nn loss class as its torch.nn.functional function and back (the class stores the
    options and calls the function), or None."""
    from .. import catalog

    own = interface_of(source.entry.original)
    if {own, target} != {"torch.nn", "torch.nn.functional"}:
        return None
    name = source.entry.original.rpartition(".")[2]
    key = name.lower().replace("_", "")
    for entry in catalog.ENTRIES:
        other = entry.original.rpartition(".")[2]
        if interface_of(entry.original) == target and other.lower().replace("_", "") == key \
                and entry.inputs == source.entry.inputs:
            break
    else:
        return None
    names = source.names()
    options = {k: (v.text if isinstance(v, Name) else lit(v)) for k, v in source.options.items()}
    if target == "torch.nn":
        # the class takes at its call the arrays its row calls with (GaussianNLLLoss's var among them)
        arrays = ", ".join(names[role] if role in names else options.pop(role) for role in entry.call)
        return f"torch.nn.{other}({', '.join(f'{k}={v}' for k, v in options.items())})({arrays})"
    arrays = ", ".join(names[role] for role in source.entry.call)
    return f"torch.nn.functional.{other}({arrays}{''.join(f', {k}={v}' for k, v in options.items())})"


def _unwritten(source, target):
    """The reason for a source whose concept has no translation table: whether the target has it."""
    from ._reasons import REASONS

    reason = REASONS.get((source.entry.original, target))
    if reason is not None:
        return reason
    concept = _concept_words(source)
    holders = _holders(concept)
    if target not in holders:
        return f"{target} has no {concept}"
    return (f"{target} has {', '.join(holders[target])} for {concept}; a verified translation of "
            f"{source.entry.original} into it is not written yet")


def _concept_words(source):
    from ..docs import concept_of

    return concept_of(source.entry)


def _target_notes(spec, target):
    from ._notes import notes_for

    return notes_for(spec, target)


def _role_source(source):
    """The same source with its arrays named after the kind's roles (for measuring)."""
    from ._parse import from_row
    from .verify import role_options

    roles = _roles_of_options(source)
    options = role_options(source.entry, {k: (Name(roles[k]) if isinstance(v, Name) else v)
                                          for k, v in source.options.items()})
    text = from_row(source.entry, options)
    return parse(text, entry=source.entry), options


def _roles_of_options(source):
    """The kind's role for each array option (``weight=w``): the first the row's option sets give it."""
    from ..catalog import Arg

    roles = {}
    for options in source.entry.options + tuple(c.options for c in source.entry.cases):
        for k, v in options.items():
            if isinstance(v, Arg):
                roles.setdefault(k, v.role)
    # A name the catalog has no array for (a distance function) stays as written.
    return {**{k: v.text for k, v in source.options.items() if isinstance(v, Name)}, **roles}


@functools.lru_cache(maxsize=1)
def _load_claims():
    if CLAIMS.exists():
        return json.loads(CLAIMS.read_text())
    return {}


def claim_key(entry, options, target):
    """The key of a measured claim: the row (path, kind, roles), its options, the target."""
    from ..catalog import Arg

    def show(v):
        return "@" + v.role if isinstance(v, Arg) else v.__name__ if callable(v) else lit(v)

    opts = ", ".join(f"{k}={show(v)}" for k, v in sorted(options.items()))
    return f"{entry.original} [{entry.inputs}: {', '.join(entry.call)}] ({opts}) -> {target}"


def port(source, to=None, measure=None, kind=None):
    """The translations of ``source`` (a call as text) into ``to`` (an interface, a list of them,
    or None: every one), as a list of dicts with the keys of :data:`KEYS`.

    ``measure``: None uses the claim measured for the catalog's option set when the source's
    options are one of them and measures otherwise; True always measures; False never does
    (``exact`` is then None where no claim is kept). ``kind``: the row's input kind where a loss
    takes several (``class_probabilities`` for a cross_entropy on probabilities).
    """
    parsed = parse(source, kind=kind) if isinstance(source, str) else source
    targets = list(TARGETS) if to is None else [to] if isinstance(to, str) else list(to)
    for t in targets:
        if t not in TARGETS:
            raise PortError(f"to: {t!r} is not an interface; choose from {', '.join(TARGETS)}")
    role_source, options = _role_source(parsed)
    results, to_measure = [], {}
    claims = _load_claims() if measure is not True else {}
    for target in targets:
        result = dict.fromkeys(KEYS)
        result["target"], result["notes"] = target, []
        try:
            call, notes = translate(parsed, target)
            role_call, _ = translate(role_source, target)
        except NoTranslation as exc:
            result["reason"] = str(exc)
            results.append(result)
            continue
        result["call"], result["notes"] = call, notes
        if target == "multiloss":
            result["exact"] = True  # the mirror; the conformance suite holds it to the original
        elif target == interface_of(parsed.entry.original):
            result["exact"] = True  # the source itself
        else:
            claim = claims.get(claim_key(parsed.entry, options, target))
            if claim is not None and claim["call"] == role_call:
                result.update(exact=claim["exact"], max_abs_diff=claim["max_abs_diff"], where=claim["where"])
            elif measure is not False:
                to_measure[target] = role_call
        results.append(result)
    if to_measure:
        from .verify import measure as run

        measured = run(parsed.entry, options, to_measure)
        for result in results:
            m = measured.get(result["target"])
            if m is not None:
                result.update(exact=m.exact, max_abs_diff=m.max_abs_diff, where=m.where)
    return results


class _CallableModule(types.ModuleType):
    """``multiloss.port`` is this package and, called, :func:`port`."""

    def __call__(self, source, to=None, **kwargs):
        return port(source, to, **kwargs)


sys.modules[__name__].__class__ = _CallableModule
