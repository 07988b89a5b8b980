"""Documentation stays complete and current."""

from __future__ import annotations

import importlib
import inspect
from pathlib import Path

from interp.apidoc import public_members, public_modules, render_api

ROOT = Path(__file__).resolve().parent.parent


def test_every_public_member_has_a_docstring():
    missing = []
    for name in public_modules():
        module = importlib.import_module(name)
        if not inspect.getdoc(module):
            missing.append(name)
        for member_name, member in public_members(module):
            if not inspect.getdoc(member):
                missing.append(f"{name}.{member_name}")
    assert missing == []


def test_api_page_is_current():
    assert (ROOT / "docs" / "api.md").read_text() == render_api(), (
        "docs/api.md is stale: run .venv/bin/python experiments/build_api_docs.py"
    )


def test_readme_commands_exist():
    readme = (ROOT / "README.md").read_text()
    makefile = (ROOT / "Makefile").read_text()
    assert "make study" in readme
    assert "make test" in readme
    assert "\nstudy:" in makefile
    assert "\ntest:" in makefile
    assert "make test" in (ROOT / ".ci" / "run").read_text()
