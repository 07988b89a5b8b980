"""Entry point for ``python -m interp.study``."""

import sys

from interp.study.cli import main

sys.exit(main())
