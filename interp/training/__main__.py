"""Entry point for ``python -m interp.training``."""

import sys

from interp.training.cli import main

sys.exit(main())
