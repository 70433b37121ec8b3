"""The generated parts of the documentation, built from the catalog.

- README.md's ``<!-- interfaces -->`` block: which name mirrors which original in
  which interface, one line per loss concept (:func:`interface_table`);
- ``docs/catalog.md``: every public loss with its input kinds and its known
  differences, a note shared by several losses written once (:func:`catalog_page`).

``python -m multiloss.docs`` rewrites both in place; ``tests/test_readme.py``
fails while either is stale, so a new catalog row shows up in both.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from . import catalog

# The interfaces, in the order of the README's columns. A Keras name is a
# function or a class, and both are listed, as keras.losses has both.
COLUMNS = ("pytorch.functional", "pytorch", "keras fn", "keras class",
           "tf.losses", "tf.nn", "torchvision", "optax", "multiloss")

# Synonyms: the originals' names (in snake case, see ``_snake``) of one loss concept.
# A name that is not here gets a concept line of its own, named after it.
_SYNONYMS = {
    "mean absolute error": ("l1_loss", "mean_absolute_error", "absolute_difference"),
    "mean squared error": ("mse_loss", "mean_squared_error", "squared_error"),
    "half (sum of) squared error": ("l2_loss",),
    "Huber": ("huber_loss", "huber"),
    "smooth L1 (Huber / beta)": ("smooth_l1_loss",),
    "mean absolute percentage error": ("mean_absolute_percentage_error",),
    "mean squared logarithmic error": ("mean_squared_logarithmic_error",),
    "log-cosh": ("log_cosh",),
    "weighted reduction of given losses": ("compute_weighted_loss",),
    "softmax cross-entropy": ("cross_entropy", "cross_entropy_loss", "categorical_crossentropy",
                              "sparse_categorical_crossentropy", "softmax_cross_entropy",
                              "sparse_softmax_cross_entropy", "softmax_cross_entropy_with_logits",
                              "sparse_softmax_cross_entropy_with_logits",
                              "softmax_cross_entropy_with_integer_labels", "safe_softmax_cross_entropy",
                              "poly_loss_cross_entropy", "smooth_labels"),
    "negative log-likelihood of log-probabilities": ("nll_loss",),
    "linear cross-entropy (projection and softmax cross-entropy, chunked)": ("linear_cross_entropy",
                                                                            "linear_cross_entropy_loss"),
    "softmax focal cross-entropy": ("categorical_focal_crossentropy",),
    "generalized cross-entropy": ("categorical_generalized_cross_entropy",),
    "binary cross-entropy": ("binary_cross_entropy", "bce_loss", "binary_cross_entropy_with_logits",
                             "bce_with_logits_loss", "binary_crossentropy", "sigmoid_cross_entropy",
                             "log_loss", "sigmoid_cross_entropy_with_logits",
                             "weighted_cross_entropy_with_logits", "sigmoid_binary_cross_entropy"),
    "binary focal cross-entropy": ("binary_focal_crossentropy", "sigmoid_focal_loss"),
    "Kullback-Leibler divergence": ("kl_div", "kl_div_loss", "kl_divergence", "kl_divergence_with_log_targets",
                                    "generalized_kl_divergence", "convex_kl_divergence"),
    "Poisson negative log-likelihood": ("poisson_nll_loss", "poisson", "log_poisson_loss"),
    "Gaussian negative log-likelihood": ("gaussian_nll_loss",),
    "hinge and perceptron (plain, squared, categorical)": ("hinge", "hinge_loss", "squared_hinge",
                                                           "categorical_hinge", "multiclass_hinge_loss",
                                                           "perceptron_loss", "multiclass_perceptron_loss"),
    "sparsemax, Fenchel-Young": ("sparsemax_loss", "multiclass_sparsemax_loss", "make_fenchel_young_loss"),
    "listwise ranking, NT-Xent contrastive": ("ranking_softmax_loss", "ntxent"),
    "multi-label margin (hinge, soft)": ("multilabel_margin_loss", "multi_label_margin_loss",
                                         "multilabel_soft_margin_loss", "multi_label_soft_margin_loss"),
    "cosine similarity / distance": ("cosine_similarity", "cosine_distance"),
    "triplet margin": ("triplet_margin_loss", "triplet_margin_with_distance_loss"),
    "box IoU (UnitBox IoU, GIoU, DIoU, CIoU)": ("iou_loss", "generalized_box_iou_loss",
                                                "distance_box_iou_loss", "complete_box_iou_loss"),
    "Dice, Tversky": ("dice", "dice_loss", "binary_dice_loss", "multiclass_generalized_dice_loss", "tversky"),
    "connectionist temporal classification": ("ctc", "ctc_loss", "tf_ctc_loss", "optax_ctc_loss"),
}
_CONCEPT = {name: concept for concept, names in _SYNONYMS.items() for name in names}


def _snake(name):
    """``MSELoss`` -> ``mse_loss``, ``BinaryCrossentropy`` -> ``binary_crossentropy``."""
    return re.sub(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])", "_", name).lower()


def concept_of(entry):
    """The loss concept a row mirrors, from its original's name."""
    name = _snake(entry.original.rpartition(".")[2])
    return _CONCEPT.get(name, name.replace("_", " "))


def column_of(entry):
    interface = entry.interface.removeprefix("multiloss").lstrip(".") or "multiloss"
    if interface == "keras":
        return "keras class" if entry.style == "class" else "keras fn"
    return interface


def _public_losses():
    """One entry per public name (a loss tested with several input kinds has several rows)."""
    seen = {}
    for entry in catalog.ENTRIES:
        seen.setdefault(entry.path, entry)
    return list(seen.values())


def _cell(entries):
    """The names in one cell: each original's own name first, then its aliases in parentheses."""
    by_original = {}
    for e in entries:
        by_original.setdefault(e.original, []).append(e.name)
    parts = []
    for original, names in by_original.items():
        own = original.rpartition(".")[2]
        main = [n for n in names if n == own] or names[:1]
        aliases = [n for n in names if n not in main]
        parts.append(" ".join(f"`{n}`" for n in main) + (f" ({', '.join(f'`{n}`' for n in aliases)})" if aliases else ""))
    return ", ".join(parts)


def interface_table():
    """README's table: one line per loss concept, one column per interface."""
    rows = {}
    for entry in _public_losses():
        rows.setdefault(concept_of(entry), {}).setdefault(column_of(entry), []).append(entry)
    columns = list(COLUMNS) + sorted({c for row in rows.values() for c in row} - set(COLUMNS))
    lines = ["| loss | " + " | ".join(columns) + " |", "|---" * (len(columns) + 1) + "|"]
    for concept, row in rows.items():
        lines.append(f"| {concept} | " + " | ".join(_cell(row.get(c, [])) for c in columns) + " |")
    return "\n".join(lines) + "\n"


# -- docs/catalog.md -----------------------------------------------------------------------


def _sentences(text):
    # A sentence may start in lower case (a name: "multiloss ...", "from_logits ...").
    return [s for s in re.split(r"(?<=[.!?])(?<!e\.g\.)(?<!i\.e\.)\s+", text.strip()) if s]


def _notes_by_path():
    """Each public loss's distinct sentences of notes, in order, over all of its rows."""
    notes = {}
    for entry in catalog.ENTRIES:
        sentences = notes.setdefault(entry.path, [])
        sentences += [s for s in _sentences(entry.differences) if s not in sentences]
    return notes


def _paragraphs(notes):
    """Each loss's notes as paragraphs: consecutive sentences that the same losses share stay together."""
    holders = {}
    for path, sentences in notes.items():
        for s in sentences:
            holders.setdefault(s, set()).add(path)
    paragraphs = {}
    for path, sentences in notes.items():
        groups = []
        for s in sentences:
            if groups and holders[groups[-1][-1]] == holders[s]:
                groups[-1].append(s)
            else:
                groups.append([s])
        paragraphs[path] = [(" ".join(g), len(holders[g[0]]) > 1) for g in groups]
    return paragraphs


def catalog_table():
    """The full catalog: one row per public loss; a note that several losses share is a key [n]
    into the list below the table. ``multiloss list --format markdown`` prints it."""
    paragraphs = _paragraphs(_notes_by_path())
    keys = {}
    lines = ["| loss | interface | mirrors | input kinds | notes |", "|---|---|---|---|---|"]
    for entry in _public_losses():
        kinds = ", ".join(dict.fromkeys(e.inputs for e in catalog.ENTRIES if e.path == entry.path))
        notes = []
        for text, shared in paragraphs[entry.path]:
            if shared:
                n = keys.setdefault(text, len(keys) + 1)
                notes.append(f"[[{n}]](#note-{n})")
            else:
                notes.append(text.replace("|", "\\|"))
        interface = entry.interface.removeprefix("multiloss.") or "multiloss"
        lines.append(f"| `{entry.name}` | `{interface}` | `{entry.original}` | {kinds} | {' '.join(notes)} |")
    lines.append("")
    lines += [f'<a id="note-{n}"></a>**[{n}]** {text}\n' for text, n in keys.items()]
    return "\n".join(lines)


def catalog_page():
    return (
        "# The catalog\n\n"
        "Every public loss, the original it mirrors, the input kinds the conformance suite\n"
        "tests it with (`multiloss/testing/kinds/`) and its known differences from the\n"
        "original. Generated from `multiloss/catalog/` by `python -m multiloss.docs`;\n"
        "`tests/test_readme.py` fails while this page is stale.\n\n"
        + catalog_table()
    )


# -- writing -------------------------------------------------------------------------------

ROOT = Path(__file__).resolve().parents[1]


def block(text, marker):
    """The content between ``<!-- marker -->`` and ``<!-- /marker -->``."""
    match = re.search(f"<!-- {marker} -->\n(.*?)<!-- /{marker} -->", text, re.S)
    if not match:
        raise ValueError(f"no <!-- {marker} --> block")
    return match.group(1)


def replace_block(text, marker, content):
    start, end = f"<!-- {marker} -->\n", f"<!-- /{marker} -->"
    block(text, marker)  # raises if the markers are missing
    before, _, rest = text.partition(start)
    return before + start + content + end + rest.partition(end)[2]


def main(root=ROOT):
    readme = root / "README.md"
    readme.write_text(replace_block(readme.read_text(), "interfaces", interface_table()))
    (root / "docs").mkdir(exist_ok=True)
    (root / "docs" / "catalog.md").write_text(catalog_page())
    return 0


if __name__ == "__main__":
    sys.exit(main())
