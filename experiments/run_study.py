"""Run the study from the command line; ``--help`` lists every option."""

import sys

from interp.study.cli import main

if __name__ == "__main__":
    sys.exit(main())
