"""What the web portal's 简报 editor needs beside the store (web.md: an editor for each
section's Markdown with a live preview): one item drawn exactly as the bulletin page draws
it, and the front-matter skeleton of a new item in a section (bulletin.md's fields).

The preview goes through the bulletin's own path — ``markdown.blocks``, ``model.entry`` and
the page's entry macro — so raw HTML comes out as escaped text and only web and mail links
are links, as in every published format.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from shumao.bulletin import content, model
from shumao.bulletin.html import render_entry
from shumao.errors import ContentError

# bulletin.md: the front-matter fields of an item, by section, with a hint for the clerk
FIELDS = {
    content.NEWS: ("title", "date", "source"),
    content.MEMBERS: ("title", "type", "enterprise_id"),
    content.EVENTS: ("title", "date"),
}
DEFAULT_FIELDS = ("title",)
HINTS = {
    "title": "标题",
    "date": "日期，如 2024-10-20",
    "source": "来源，如 示例省商务厅网站",
    "type": "类型，如 协会会员单位",
    "enterprise_id": "可不填：企业的统一社会信用代码，填写后显示数据库中该企业的性质和区域",
}
UNTITLED_HINT = "可不填：不填标题时，本条是一段以日期开头的文字"


def item_template(section: str, today: dt.date | None = None) -> str:
    """A new item's text: the section's front-matter fields (a date filled in with today),
    each with its hint as a YAML comment, and an empty body."""
    today = today or dt.date.today()
    lines = ["---"]
    for key in FIELDS.get(section, DEFAULT_FIELDS):
        value = today.isoformat() if key == "date" else ""
        hint = UNTITLED_HINT if key == "title" and section in content.UNTITLED_OK else HINTS[key]
        lines.append(f"{key}: {value}".rstrip() + f"    # {hint}")
    return "\n".join([*lines, "---", "", ""])


def preview_html(markdown_text: str, section: str | None = None) -> str:
    """An HTML fragment of one item (front matter optional) as the bulletin draws it.  A
    half-typed front matter is shown as text rather than refused: checking is ``validate``'s
    work, on save."""
    try:
        meta, body = content.front_matter(markdown_text, Path("预览.md"))
    except ContentError:
        meta, body = {}, markdown_text.strip()
    date = _date(meta.get("date"))
    meta = {**meta, "date": date} if date else {k: v for k, v in meta.items() if k != "date"}
    if section == content.MEMBERS:
        meta.setdefault("type", "")
    item = content.Item(Path("预览.md"), meta, body)
    return render_entry(model.entry(section or "", item, None, None))


def _date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip()) if value else None
    except ValueError:
        return None
