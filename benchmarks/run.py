"""Run the benchmark from a checkout: ``python benchmarks/run.py [multiloss bench options]``.

The benchmark itself is ``multiloss bench`` (``multiloss/benchmark/``), generated
from the catalog; this script only puts the checkout on the path first.
"""

import os
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

if __name__ == "__main__":
    sys.path.insert(0, REPO)
    from multiloss.cli import main

    sys.exit(main(["bench", *sys.argv[1:]]))
