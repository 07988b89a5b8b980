"""Render the public API of the package as Markdown, from signatures and docstrings."""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import interp

SKIPPED_MODULES = {"interp.apidoc"}


def public_modules() -> list[str]:
    """Return every importable module of the package, sorted."""
    names = [module.name for module in pkgutil.walk_packages(interp.__path__, "interp.")]
    return sorted(
        name
        for name in names
        if name not in SKIPPED_MODULES
        and not name.endswith("__main__")
        and ".cli" not in name
        and not any(part.startswith("_") for part in name.split("."))
    )


def public_members(module) -> list[tuple[str, object]]:
    """Return the public functions and classes defined in ``module`` itself."""
    members = []
    for name, member in vars(module).items():
        if name.startswith("_") or not (inspect.isfunction(member) or inspect.isclass(member)):
            continue
        if getattr(member, "__module__", None) == module.__name__:
            members.append((name, member))
    return sorted(members)


def summary(member) -> str:
    """Return the first paragraph of a docstring, on one line."""
    doc = inspect.getdoc(member) or ""
    return " ".join(doc.split("\n\n")[0].split())


def signature(member) -> str:
    """Return a compact signature with shapes kept and module paths removed."""
    try:
        text = str(inspect.signature(member))
    except (TypeError, ValueError):
        return "(...)"
    text = re.sub(r"<class '([\w.]+\.)?(\w+)'>", r"\2", text)
    # Annotations are strings under postponed evaluation; drop their quotes.
    text = re.sub(r"(: |-> )'([^']*)'", r"\1\2", text)
    text = re.sub(r'(: |-> )"([^"]*)"', r"\1\2", text)
    text = re.sub(r"\b(?:[a-z_]+\.)+([A-Z]\w*)", r"\1", text)
    # Function defaults print with their memory address, which changes on every run.
    text = re.sub(r"<function ([\w<>.]+) at 0x[0-9a-f]+>", r"\1", text)
    return text


def render_api() -> str:
    """Render the whole API page."""
    lines = [
        "# API reference",
        "",
        "Generated from the docstrings by `experiments/build_api_docs.py`. Shapes use "
        "TransformerLens's axis names (`batch pos d_model`, `layer head`, ...).",
        "",
    ]
    for name in public_modules():
        module = importlib.import_module(name)
        members = public_members(module)
        if not members:
            continue
        lines += [f"## `{name}`", "", summary(module), ""]
        for member_name, member in members:
            kind = "class" if inspect.isclass(member) else "def"
            lines.append(f"- `{kind} {member_name}{signature(member)}`")
            lines.append(f"  {summary(member)}")
        lines.append("")
    return "\n".join(lines)
