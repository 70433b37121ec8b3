"""A catalog row's name as reports print it (``multiloss check``, ``multiloss bench``).

Below both the CLI and the benchmark, which each import it.
"""

from __future__ import annotations


def label(entry, entries):
    """The row's path without ``multiloss.``; a loss with several rows among ``entries`` (input
    kinds, argument roles) names what differs: ``pytorch.functional.nll_loss [class_logits_kdim]``."""
    text = entry.path.removeprefix("multiloss.")
    twins = [e for e in entries if e.path == entry.path]
    if len(twins) > 1:
        same_kind = sum(e.inputs == entry.inputs for e in twins) > 1
        text += f" [{entry.inputs}" + (f": {', '.join(entry.call)}]" if same_kind else "]")
    return text
