"""What the web portal's 简报 editor needs beside the store (web.md: an editor for each
section's Markdown with a live preview): one item drawn exactly as the bulletin page draws
it, and the front-matter skeleton of a new item in a section (bulletin.md's fields).

The preview goes through the bulletin's own path — ``markdown.blocks``, ``model.entry`` and
the page's entry macro — so raw HTML comes out as escaped text and only web and mail links
are links, as in every published format.

Beside the Markdown, the editor shows ``bulletin.toml`` as form fields (``masthead`` reads
them, ``masthead_toml`` writes the file back with every text escaped as TOML requires) and a
member profile's enterprise as a choice (``enterprise_of`` / ``with_enterprise`` read and set
the front matter's ``enterprise_id``, leaving the clerk's other lines as written).
"""

from __future__ import annotations

import datetime as dt
import json
import re
import tomllib
from collections.abc import Mapping
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


# -- the masthead as form fields (bulletin.toml) ------------------------------------------------
# bulletin.md: bulletin.toml's fields, each with its Chinese label; ``data`` the [data] table
# (the top level: the masthead, then the 版记's 报送 line and 印数, content.RECIPIENTS)
MASTHEAD = {"title": "刊名", "issue": "期号", "date": "日期", "publisher": "出版单位",
            "report_to": "报送单位", "copy_to": "抄送单位", "distribute_to": "分发范围",
            "copies": "印数"}
DATA = {"period": "数据时期", "region": "地区", "short": "简称", "source": "数据来源",
        "bri": "“一带一路”口径", "relative_year": "称本年为“今年”"}
OPTIONAL = ("source", "bri", *(k for k, _ in content.RECIPIENTS), "copies")   # left out when empty
TOML_HEADER = "# 简报设置：刊名、期号、日期、出版单位、版记，以及数据月报的时期与地区（网页编辑器生成）。\n"


def masthead(toml_bytes: bytes | None) -> dict[str, str | bool]:
    """bulletin.toml as form values: every field of MASTHEAD and DATA, text ("" when absent
    or unreadable) and ``relative_year`` a bool.  The data settings may sit in a [data]
    table or at the top, as content.load reads them."""
    try:
        raw = tomllib.loads((toml_bytes or b"").decode("utf-8-sig"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError):
        raw = {}
    data = raw.get("data", raw)
    data = data if isinstance(data, dict) else {}
    out: dict[str, str | bool] = {k: _field_text(raw.get(k)) for k in MASTHEAD}
    out.update({k: _field_text(data.get(k)) for k in DATA if k != "relative_year"})
    out["relative_year"] = data.get("relative_year") is True
    return out


def masthead_toml(fields: Mapping[str, str | bool]) -> str:
    """bulletin.toml written from form values.  Every text is a TOML basic string with
    everything the TOML spec requires escaped (quote, backslash, control characters), so
    whatever a clerk types is read back as typed (content.load then checks it); a date
    that is a real ISO date is written as a TOML date, anything else as text for the
    loader to name."""
    lines = [TOML_HEADER.rstrip("\n")]
    for key in MASTHEAD:
        value = str(fields.get(key) or "").strip()
        if key in OPTIONAL and not value:
            continue
        if key == "date":
            lines.append(f"date = {_toml_date(value)}")
        elif key == "copies" and value.isascii() and value.isdigit():
            lines.append(f"copies = {int(value)}")     # a number; anything else as text, refused
        else:
            lines.append(f"{key} = {toml_string(value)}")
    lines += ["", "[data]"]
    for key in DATA:
        if key == "relative_year":
            lines.append(f"relative_year = {'true' if fields.get(key) is True else 'false'}")
            continue
        value = str(fields.get(key) or "").strip()
        if value or key not in OPTIONAL:
            lines.append(f"{key} = {toml_string(value)}")
    return "\n".join(lines) + "\n"


_TOML_ESCAPES = {'"': '\\"', "\\": "\\\\", "\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f",
                 "\r": "\\r"}


def toml_string(text: str) -> str:
    """A TOML basic string (toml.io v1.0: quote, backslash and the control characters
    U+0000–U+001F and U+007F escaped); an unpaired surrogate, which UTF-8 cannot hold,
    becomes U+FFFD."""
    text = text.encode("utf-8", "replace").decode("utf-8") if _has_surrogate(text) else text
    out = []
    for ch in text:
        if ch in _TOML_ESCAPES:
            out.append(_TOML_ESCAPES[ch])
        elif ord(ch) < 0x20 or ord(ch) == 0x7F:
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return '"' + "".join(out) + '"'


def _has_surrogate(text: str) -> bool:
    return any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


def _toml_date(value: str) -> str:
    try:
        return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        return toml_string(value)


def _field_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (dt.date, dt.datetime)):
        return (value.date() if isinstance(value, dt.datetime) else value).isoformat()
    return str(value) if isinstance(value, (str, int, float)) else ""


# -- a member profile's enterprise (front matter) ------------------------------------------------
def enterprise_of(text: str) -> str:
    """The ``enterprise_id`` in an item's front matter, "" when none (or unreadable)."""
    try:
        meta, _ = content.front_matter(text, Path("条目.md"))
    except ContentError:
        return ""
    value = meta.get("enterprise_id")
    return "" if value is None else str(value).strip()


_CODE = re.compile(r"[0-9A-Za-z]+")


def with_enterprise(text: str, enterprise_id: str) -> str:
    """The item's text with ``enterprise_id`` set in its front matter (the line replaced,
    or added before the closing ``---``; a front matter made if there is none); "" leaves
    the field empty.  Every other line stays as the clerk wrote it."""
    value = enterprise_id.strip()
    shown = value if not value or _CODE.fullmatch(value) else json.dumps(value, ensure_ascii=False)
    line = f"enterprise_id: {shown}".rstrip()
    lines = text.split("\n")
    if not lines or lines[0].strip() != "---":
        return "\n".join(["---", line, "---", *lines])
    end = next((i for i, ln in enumerate(lines[1:], start=1) if ln.strip() == "---"), None)
    if end is None:
        return "\n".join(["---", line, "---", *lines])
    for i in range(1, end):
        if re.match(r"enterprise_id\s*:", lines[i]):
            lines[i] = line
            return "\n".join(lines)
    return "\n".join([*lines[:end], line, *lines[end:]])
