"""The 简报 editor's form (web.md; issue 20 S-7): an edition's content files as fields a clerk
fills in — 标题、日期、来源、类型、关联企业、正文 per item, the masthead's settings in words —
and the form posted back as content files in the stored format (bulletin.md: front matter and
Markdown), so that a folder made by the CLI and one made here are the same thing.  Nothing is
checked here; ``editions.save_valid`` checks each part on its own, as ``shumao bulletin`` does.

Field names: the masthead's keys (``title`` … ``relative_year``, editor.MASTHEAD / DATA; the
period as ``period_year`` and ``period_span``) and per item ``item-N-section``, ``item-N-name``
(hidden: the file it is kept in, "" for a new item), ``item-N-<field>`` for the section's
front-matter fields (editor.FIELDS; a member profile's enterprise ``item-N-enterprise_id``,
chosen from a list, with ``item-N-ent0`` the one the page showed), ``item-N-body`` and
``item-N-extra`` (hidden: front-matter lines the editor has no field for, kept as written).
A member profile's title is its enterprise's name when the title is empty, or when the
enterprise changed and the title was the old one's name.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from shumao.bulletin import content, editor
from shumao.bulletin.folder import TOML, is_content_name, outline
from shumao.errors import ContentError, InputError, PeriodError
from shumao.model.periods import Period

FIELDS = (*editor.MASTHEAD, *editor.DATA)
_ITEM = re.compile(r"item-(\d+)-section")
_KEY = re.compile(r"([A-Za-z_][A-Za-z0-9_]*)\s*:")
UNNAMED = "条目"            # a new item's file name when it has no title yet
ENTERPRISE = "enterprise_id"


def item_fields(section: str) -> tuple[str, ...]:
    """The front-matter fields the editor shows for an item of ``section``, in order."""
    return editor.FIELDS.get(section, editor.DEFAULT_FIELDS)


@dataclass
class Item:
    section: str
    name: str                   # the file it is kept in (01-标题.md); "" until first saved
    fields: dict[str, str]      # title, date, … as typed
    body: str
    extra: str = ""             # front-matter lines without a field here, as written

    @property
    def path(self) -> str:
        return f"{self.section}/{self.name}"

    @property
    def enterprise(self) -> str:
        return self.fields.get(ENTERPRISE, "")

    @property
    def text(self) -> str:
        """The item as its Markdown file: front matter (empty fields left out) and body."""
        lines = ["---"]
        for key in item_fields(self.section):
            value = self.fields.get(key, "").strip()
            if value:
                lines.append(f"{key}: {_yaml_value(key, value)}")
        lines += [ln for ln in self.extra.split("\n") if ln.strip()]
        return "\n".join([*lines, "---", "", self.body.strip()]).rstrip("\n") + "\n"


@dataclass
class Form:
    fields: dict[str, str | bool]
    items: list[Item] = field(default_factory=list)

    def groups(self) -> list[tuple[str, list[tuple[int, Item]]]]:
        """Sections in the bulletin's order (folder.outline: the three known ones always),
        each with its items (index in ``items``, item) in the order they print (new ones last)."""
        order = outline({it.path: b"" for it in self.items if it.name})
        for it in self.items:
            order.setdefault(it.section, [])
        return [(s, sorted(((i, it) for i, it in enumerate(self.items) if it.section == s),
                           key=lambda p: (not p[1].name, p[1].name, p[0]))) for s in order]

    def add(self, section: str) -> int:
        """A new, empty item in the section (a news item dated today, a profile typed as
        a member); its index."""
        section = section_name(section)
        fields = {k: "" for k in item_fields(section)}
        if "date" in fields:
            fields["date"] = dt.date.today().isoformat()
        if section == content.MEMBERS:
            fields["type"] = "协会会员单位"
        self.items.append(Item(section, "", fields, ""))
        return len(self.items) - 1

    def remove(self, index: int) -> None:
        if 0 <= index < len(self.items):
            del self.items[index]

    def masthead(self, original: Mapping[str, bytes]) -> bytes:
        """bulletin.toml: the stored bytes (its comments) while no field changed."""
        toml = original.get(TOML)
        if toml is None or editor.masthead(toml) != self.fields:
            toml = editor.masthead_toml(self.fields).encode()
        return toml

    def files(self, original: Mapping[str, bytes]) -> dict[str, bytes]:
        """The content files to save.  A new item gets a file name after its section's last
        (numbered, then its title), written into the item — again on each save until it is
        kept; what the clerk left as it was
        keeps its bytes (comments, quoting, line endings)."""
        out = {TOML: self.masthead(original)}
        for it in self.items:
            if not it.name or it.path not in original:       # new (or named by a refused save)
                it.name = ""
                it.name = _new_name(it, {i.name for i in self.items if i.section == it.section
                                         and i is not it and i.name}, original)
            old = original.get(it.path)
            if it.path in out:
                raise InputError(f"【{it.section}】中有两条内容存放在同一位置，请移除其中一条后再保存")
            out[it.path] = old if old is not None and _same(old, it) else it.text.encode()
        return out


def _new_name(it: Item, taken: set[str], original: Mapping[str, bytes]) -> str:
    used = taken | {n.split("/", 1)[1] for n in original if n.startswith(f"{it.section}/")}
    numbers = [int(m.group(1)) for n in used if (m := re.match(r"(\d+)", n))]
    n = max(numbers, default=0) + 1
    stem = re.sub(r"[\\/:*?\"<>|\s.#]+", "", it.fields.get("title", ""))[:30] or UNNAMED
    while (name := f"{n:02d}-{stem}.md") in used or not is_content_name(f"{it.section}/{name}"):
        n, stem = n + 1, UNNAMED
    return name


def _same(old: bytes, it: Item) -> bool:
    was = item_of(it.section, it.name, _text(old))
    return (was.fields, was.body.strip(), was.extra.strip()) == (
        {k: v.strip() for k, v in it.fields.items()}, it.body.strip(), it.extra.strip())


def item_of(section: str, name: str, text: str) -> Item:
    """An item's file as the editor's fields.  A file whose front matter cannot be read is
    all body (the clerk then sees it, and the save names what is missing)."""
    keys = item_fields(section)
    try:
        meta, body = content.front_matter(text, Path(name or "条目.md"))
    except ContentError:
        return Item(section, name, {k: "" for k in keys}, text.strip())
    fields = {k: _shown(k, meta.get(k)) for k in keys}
    lines = text.split("\n")
    end = next(i for i, ln in enumerate(lines[1:], start=1) if ln.strip() == "---")
    extra, keep = [], False
    for ln in lines[1:end]:
        if (m := _KEY.match(ln)) and not ln[:1].isspace():
            keep = m.group(1) not in keys
        if keep and ln.strip():
            extra.append(ln)
    return Item(section, name, fields, body, "\n".join(extra))


def _shown(key: str, value) -> str:
    if value is None:
        return ""
    if key == "date":
        d = editor._date(value)
        return d.isoformat() if d else str(value).strip()
    return str(value).strip()


def _yaml_value(key: str, value: str) -> str:
    """A field's value in the front matter, read back by YAML exactly as typed: a real ISO
    date plain, a credit code plain, anything else a double-quoted string with every
    character YAML would not keep as typed escaped."""
    if key == "date" and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    if key == ENTERPRISE and re.fullmatch(r"[0-9A-Za-z]+", value):
        return value
    value = value.encode("utf-8", "replace").decode("utf-8") if any(
        0xD800 <= ord(c) <= 0xDFFF for c in value) else value
    quoted = json.dumps(value, ensure_ascii=False)
    return "".join(c if c.isprintable() or c == " " else
                   f"\\u{ord(c):04x}" if ord(c) <= 0xFFFF else f"\\U{ord(c):08x}" for c in quoted)


def from_files(files: Mapping[str, bytes]) -> Form:
    form = Form(editor.masthead(files.get(TOML)))
    for section, names in outline(files).items():
        for path in names:
            form.items.append(item_of(section, path.split("/", 1)[1], _text(files[path])))
    return form


def from_post(data: Mapping[str, str], names: Mapping[str, str] | None = None) -> Form:
    """The form as posted (``data``: field → text; a missing field is empty); ``names``:
    enterprise id → name, for a member profile's title."""
    fields: dict[str, str | bool] = {k: str(data.get(k) or "").strip() for k in FIELDS}
    fields["relative_year"] = data.get("relative_year") == "true"
    if "period_year" in data or "period_span" in data:
        fields["period"] = period_of(data.get("period_year", ""), data.get("period_span", ""))
    form = Form(fields)
    names = names or {}
    indices = sorted(int(m.group(1)) for k in data if (m := _ITEM.fullmatch(k)))
    for i in indices:
        get = lambda key, i=i: str(data.get(f"item-{i}-{key}") or "")  # noqa: E731
        section = section_name(get("section"))
        name = get("name").strip()
        if name and not name.endswith(".md"):
            name += ".md"
        item = Item(section, name, {k: _one_line(get(k)) for k in item_fields(section)},
                    normalise(get("body")).strip(), normalise(get("extra")).strip())
        if section == content.MEMBERS:
            ent, shown = item.enterprise.upper(), get("ent0").strip().upper()
            item.fields[ENTERPRISE] = ent
            title = item.fields.get("title", "")
            if ent and ent in names and (not title or (ent != shown and title == names.get(shown))):
                item.fields["title"] = names[ent]
        form.items.append(item)
    return form


def _one_line(text: str) -> str:
    """A one-line field as typed, its ends trimmed (its inner characters are the loader's
    to judge: a line break is refused there by name)."""
    return text.strip(" \t\r\n")


# -- the data period as a year and a span of months (no codes on the page) ---------------------
def spans() -> dict[str, str]:
    """The spans of months a 数据月报 covers, value (``01..09``) → words (1-9月)."""
    out: dict[str, str] = {"01..12": "全年", "01..06": "上半年", "07..12": "下半年"}
    for q in range(4):
        out[f"{3 * q + 1:02d}..{3 * q + 3:02d}"] = Period(2000, 3 * q + 1, 3 * q + 3).words()[5:]
    for last in range(2, 12):
        if last not in (3, 6):
            out[f"01..{last:02d}"] = f"1-{last}月"
    for m in range(1, 13):
        out[f"{m:02d}..{m:02d}"] = f"{m}月"
    return out


def period_parts(period: str) -> tuple[str, str]:
    """A stored period as (year, span) for the form; ("", "") when it cannot be read."""
    try:
        p = Period.parse(period)
    except PeriodError:
        if m := re.fullmatch(r"(\S*)年(.*)", period.strip()):    # as period_of passed it on
            return m.group(1), next((k for k, w in spans().items() if w == m.group(2)), "")
        return "", ""
    return str(p.year), f"{p.first:02d}..{p.last:02d}"


def period_of(year: str, span: str) -> str:
    """The period the form's year and span name, as the stored format writes it; what
    cannot be one is passed on for the loader to refuse (a year alone is not a choice of
    months: the loader would read 2024年 as the whole year, which has its own choice)."""
    year, span = year.strip(), span.strip()
    if not re.fullmatch(r"\d{4}", year) or span not in spans():
        return f"{year}年{spans().get(span, '（未选月份）')}" if year or span else ""
    first, last = (int(x) for x in span.split(".."))
    return str(Period(int(year), first, last))


def section_name(name: str) -> str:
    """A section (folder) name a clerk may use; InputError naming the rule otherwise."""
    name = name.strip()
    if not name or not is_content_name(f"{name}/x.md"):
        raise InputError(f"栏目名“{name}”不能使用：栏目名不能为空，不能含 /，"
                         "不能以 . 或 _ 开头，也不能是 bulletin.toml")
    return name


def normalise(text: str) -> str:
    """A textarea's text as a file: the browser's CR LF as LF, one newline at the end."""
    return text.replace("\r\n", "\n").replace("\r", "\n").rstrip("\n") + "\n"


def _text(data: bytes) -> str:
    try:
        return normalise(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        return normalise(data.decode("utf-8", "replace"))
