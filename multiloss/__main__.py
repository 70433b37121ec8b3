"""``python -m multiloss`` is the ``multiloss`` command."""

import sys

from .cli import main

sys.exit(main())
