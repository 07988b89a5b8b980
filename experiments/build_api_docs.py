"""Write docs/api.md: the public functions and classes of every interp module, by module.

Signatures carry the jaxtyping shape annotations; the text is each docstring's summary
paragraph. Run it after changing a public interface; a test checks the page is current.

    .venv/bin/python experiments/build_api_docs.py [--check]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from interp.apidoc import render_api

OUTPUT = Path(__file__).resolve().parent.parent / "docs" / "api.md"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="fail if docs/api.md is stale")
    args = parser.parse_args()
    text = render_api()
    if args.check:
        if not OUTPUT.is_file() or OUTPUT.read_text() != text:
            print("docs/api.md is out of date; run experiments/build_api_docs.py", file=sys.stderr)
            return 1
        return 0
    OUTPUT.write_text(text)
    print(f"wrote {OUTPUT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
