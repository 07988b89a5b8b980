"""A small document model rendered both as Markdown and as self-contained HTML.

The study composes its report from measured numbers as headings, paragraphs, tables and
figures, then writes ``report.md`` (figures linked) and ``report.html`` (figures embedded as
base64 PNG, so the file can be mailed or archived alone).
"""

from __future__ import annotations

import base64
import html
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Report:
    """An ordered list of blocks with a title.

    Attributes:
        title: Title shown at the top.
        blocks: ``(kind, payload)`` pairs in display order.
    """

    title: str
    blocks: list[tuple[str, object]] = field(default_factory=list)

    def heading(self, text: str, level: int = 2) -> None:
        """Append a heading of the given level (2 or deeper)."""
        self.blocks.append(("heading", (level, text)))

    def paragraph(self, text: str) -> None:
        """Append a paragraph of plain text."""
        self.blocks.append(("paragraph", text))

    def bullets(self, items: Sequence[str]) -> None:
        """Append a bulleted list."""
        self.blocks.append(("bullets", list(items)))

    def table(self, header: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
        """Append a table; cells are converted with ``str``."""
        for row in rows:
            if len(row) != len(header):
                raise ValueError(f"row {row!r} has {len(row)} cells, header has {len(header)}")
        self.blocks.append(("table", (list(header), [[str(c) for c in r] for r in rows])))

    def figure(self, path: str, caption: str) -> None:
        """Append a figure given by a path relative to the report's folder."""
        self.blocks.append(("figure", (path, caption)))

    def to_markdown(self) -> str:
        """Render as Markdown with linked figures."""
        lines = [f"# {self.title}", ""]
        for kind, payload in self.blocks:
            if kind == "heading":
                level, text = payload
                lines += ["#" * level + " " + text, ""]
            elif kind == "paragraph":
                lines += [str(payload), ""]
            elif kind == "bullets":
                lines += [f"- {item}" for item in payload] + [""]
            elif kind == "table":
                header, rows = payload
                lines.append("| " + " | ".join(header) + " |")
                lines.append("|" + "---|" * len(header))
                lines += ["| " + " | ".join(row) + " |" for row in rows]
                lines.append("")
            elif kind == "figure":
                path, caption = payload
                lines += [f"![{caption}]({path})", "", f"*{caption}*", ""]
        return "\n".join(lines)

    def to_html(self, root: Path) -> str:
        """Render as one HTML page, with figures under ``root`` embedded as base64 PNG."""
        parts = [
            "<!DOCTYPE html><html><head><meta charset='utf-8'>",
            f"<title>{html.escape(self.title)}</title>",
            f"<style>{_STYLE}</style></head><body>",
            f"<h1>{html.escape(self.title)}</h1>",
        ]
        for kind, payload in self.blocks:
            parts.append(_html_block(kind, payload, root))
        parts.append("</body></html>")
        return "\n".join(parts)


def _html_block(kind: str, payload: object, root: Path) -> str:
    if kind == "heading":
        level, text = payload
        return f"<h{level}>{html.escape(text)}</h{level}>"
    if kind == "paragraph":
        return f"<p>{html.escape(str(payload))}</p>"
    if kind == "bullets":
        items = "".join(f"<li>{html.escape(item)}</li>" for item in payload)
        return f"<ul>{items}</ul>"
    if kind == "table":
        header, rows = payload
        head = "".join(f"<th>{html.escape(cell)}</th>" for cell in header)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(cell)}</td>" for cell in row) + "</tr>"
            for row in rows
        )
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
    if kind == "figure":
        path, caption = payload
        data = base64.b64encode((root / path).read_bytes()).decode("ascii")
        return (
            f"<figure><img src='data:image/png;base64,{data}' alt='{html.escape(caption)}'>"
            f"<figcaption>{html.escape(caption)}</figcaption></figure>"
        )
    raise ValueError(f"unknown block kind {kind!r}")


_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:980px;margin:2em auto;padding:0 1em;"
    "line-height:1.45}table{border-collapse:collapse;margin:1em 0}th,td{border:1px solid #ccc;"
    "padding:3px 8px;text-align:right}th{background:#f3f3f3}td:first-child,th:first-child"
    "{text-align:left}img{max-width:100%}figcaption{font-size:.9em;color:#555}"
)
