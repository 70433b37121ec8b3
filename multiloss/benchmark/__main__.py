"""``python -m multiloss.benchmark --section ctc|memory``: measure one section of the page and rewrite
only it (``sections``). Without options: the per-backend worker of ``multiloss bench`` (started by it,
with KERAS_BACKEND set)."""

import sys

from . import main

if sys.argv[1:2] and sys.argv[1].startswith("-"):
    from .sections import main as section_main

    sys.exit(section_main(sys.argv[1:]))
main(sys.argv[1:])
