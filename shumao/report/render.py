"""The 数据月报's formats, one registry: ``RENDERERS[fmt]`` is a ``Renderer`` — its file
extension, media type, Chinese label, and the function that draws a ``ReportDoc`` in it.
The CLI's ``report --format`` choices and output, and the portal's downloads and API, are
read from here: a new format is one entry.

    render(doc, "md")        # str for the text formats, bytes for a binary one (xlsx)

A renderer whose ``charts`` is set draws the charts: give it a document that has them
(``service.with_charts``).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from shumao.report import formats
from shumao.report.data import as_json
from shumao.report.doc import ReportDoc


@dataclass(frozen=True)
class Renderer:
    ext: str                               # the file name's extension, without the dot
    media_type: str
    label: str                             # the format in words, for a reader (the portal)
    fn: Callable[[ReportDoc], str | bytes]
    charts: bool = False                   # draws the charts: the document must have them
    binary: bool = False                   # bytes, for a file (not a terminal)


def _text(doc: ReportDoc) -> str:
    return doc.text          # report.md: exactly the 数据月报 and nothing else


def _xlsx(doc: ReportDoc) -> bytes:
    with tempfile.TemporaryDirectory(prefix="shumao-xlsx-") as tmp:
        path = Path(tmp) / "report.xlsx"
        formats.xlsx(doc, path)
        return path.read_bytes()


RENDERERS: dict[str, Renderer] = {
    "text": Renderer("txt", "text/plain; charset=utf-8", "纯文本", _text),
    "md": Renderer("md", "text/markdown; charset=utf-8", "Markdown", formats.markdown),
    "html": Renderer("html", "text/html; charset=utf-8", "网页（带图表）", formats.html, charts=True),
    "xlsx": Renderer("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                     "Excel 表格", _xlsx, binary=True),
    "json": Renderer("json", "application/json", "JSON 数据", as_json),
}


def render(doc: ReportDoc, fmt: str) -> str | bytes:
    """``doc`` in format ``fmt`` (one of ``RENDERERS``)."""
    return RENDERERS[fmt].fn(doc)
