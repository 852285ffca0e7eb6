"""The 简报 editor's form (web.md: an editor for ``bulletin.toml``'s fields and each
section's Markdown): an edition's content files as what the form shows, and the form posted
back as content files — nothing is checked here; ``editions.save`` checks, as ``shumao
bulletin`` does.

Field names: the masthead's keys (``title`` … ``relative_year``, editor.MASTHEAD / DATA) and
per item ``item-N-section``, ``item-N-name`` (the file name, which sets the order),
``item-N-text`` (front matter and body) and, for member profiles, ``item-N-ent`` (the
enterprise chosen) with ``item-N-ent0`` (the one shown when the page was drawn: the choice
wins only when it was changed, otherwise the text does).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from shumao.bulletin import content, editor
from shumao.bulletin.folder import TOML, is_content_name, outline
from shumao.errors import InputError

FIELDS = (*editor.MASTHEAD, *editor.DATA)
_ITEM = re.compile(r"item-(\d+)-section")
NEW_NAME = "新条目"


@dataclass
class Item:
    section: str
    name: str                  # the file name in the section's folder: 01-标题.md
    text: str
    enterprise: str = ""       # a member profile's enterprise_id as the page showed it

    @property
    def path(self) -> str:
        return f"{self.section}/{self.name}"


@dataclass
class Form:
    fields: dict[str, str | bool]
    items: list[Item] = field(default_factory=list)

    def groups(self) -> list[tuple[str, list[tuple[int, Item]]]]:
        """Sections in the bulletin's order (folder.outline: the three known ones always),
        each with its items (index in ``items``, item) by file name, as they will print."""
        order = outline({it.path: b"" for it in self.items})
        return [(s, sorted(((i, it) for i, it in enumerate(self.items) if it.section == s),
                           key=lambda p: p[1].name)) for s in order]

    def add(self, section: str) -> int:
        """A new item from the section's template, numbered after the section's last; its index."""
        section = section_name(section)
        names = {it.name for it in self.items if it.section == section}
        numbers = [int(m.group(1)) for n in names if (m := re.match(r"(\d+)", n))]
        n = max(numbers, default=0) + 1
        while (name := f"{n:02d}-{NEW_NAME}.md") in names:
            n += 1
        self.items.append(Item(section, name, editor.item_template(section)))
        return len(self.items) - 1

    def remove(self, index: int) -> None:
        if 0 <= index < len(self.items):
            del self.items[index]

    def files(self, original: Mapping[str, bytes]) -> dict[str, bytes]:
        """The content files to save.  What the clerk left as it was keeps its bytes (a
        bulletin.toml's comments, a file's line endings); bulletin.toml is written anew only
        when a field changed."""
        toml = original.get(TOML)
        if toml is None or editor.masthead(toml) != self.fields:
            toml = editor.masthead_toml(self.fields).encode()
        out = {TOML: toml}
        for it in self.items:
            if it.path in out:
                raise InputError(f"“{it.path}”重复：同一栏目中有两条的文件名相同，请修改其中一条的文件名")
            old = original.get(it.path)
            out[it.path] = old if old is not None and _text(old) == it.text else it.text.encode()
        return out


def from_files(files: Mapping[str, bytes]) -> Form:
    form = Form(editor.masthead(files.get(TOML)))
    for section, names in outline(files).items():
        for path in names:
            text = _text(files[path])
            ent = editor.enterprise_of(text) if section == content.MEMBERS else ""
            form.items.append(Item(section, path.split("/", 1)[1], text, ent))
    return form


def from_post(data: Mapping[str, str]) -> Form:
    """The form as posted (``data``: field → text; a missing field is empty)."""
    fields: dict[str, str | bool] = {k: str(data.get(k) or "").strip() for k in FIELDS}
    fields["relative_year"] = data.get("relative_year") == "true"
    form = Form(fields)
    indices = sorted(int(m.group(1)) for k in data if (m := _ITEM.fullmatch(k)))
    for i in indices:
        get = lambda key, i=i: str(data.get(f"item-{i}-{key}") or "")  # noqa: E731
        section = section_name(get("section"))
        name = get("name").strip()
        if name and not name.endswith(".md"):
            name += ".md"
        text = normalise(get("text"))
        chosen, shown = get("ent").strip(), get("ent0").strip()
        if section == content.MEMBERS and chosen != shown:
            text = editor.with_enterprise(text, chosen)
        ent = editor.enterprise_of(text) if section == content.MEMBERS else ""
        form.items.append(Item(section, name, text, ent))
    return form


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
