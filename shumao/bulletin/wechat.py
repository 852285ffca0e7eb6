"""The bulletin as a 公众号 (WeChat Official Account) article: a folder the clerk opens,
copies the page from and pastes into the editor, then uploads the charts beside it.

    <stem>.wechat/
      文章.html       inline styles only (inline.py, layout "wechat"): section / p / table,
                      15–17 px, line-height 1.75; no script, no SVG, no outside CSS
      图1.png …       the charts, referenced by relative src, uploaded by the clerk

The editor keeps inline styles on section, p, span, table and img, drops style elements,
classes and outside links (a link's address is therefore printed after its text).  One
folder, so publish.py moves the article and its images as one unit.
"""

from __future__ import annotations

from pathlib import Path

from shumao.bulletin import inline
from shumao.bulletin.model import Document

ARTICLE = "文章.html"


def image_names(doc: Document) -> list[str]:
    charts = doc.data.data.charts if doc.data.data else []
    return [f"图{n}.png" for n in range(1, len(charts) + 1)]


def write_wechat(doc: Document, path: Path) -> None:
    path.mkdir()
    names = image_names(doc)
    for name, chart in zip(names, doc.data.data.charts if doc.data.data else []):
        (path / name).write_bytes(chart.png)
    (path / ARTICLE).write_text(inline.render(doc, "wechat", names), encoding="utf-8")
