"""The per-backend worker of ``multiloss bench`` (started by it, with KERAS_BACKEND set)."""

import sys

from . import main

main(sys.argv[1:])
