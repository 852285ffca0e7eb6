"""A clerk's Markdown → the bulletin's blocks: paragraphs of styled runs, sub-headings and
lists (markdown-it-py, CommonMark).  The blocks are what every renderer draws."""

from __future__ import annotations

from dataclasses import dataclass, field

from markdown_it import MarkdownIt


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None


@dataclass
class Paragraph:
    runs: list[Run]
    kind: str = "para"          # para | label (a line such as 类  型：…) | source | note

    @property
    def text(self) -> str:
        return "".join(r.text for r in self.runs)


@dataclass
class Heading:
    text: str
    level: int = 3


@dataclass
class ListBlock:
    items: list[list[Run]] = field(default_factory=list)
    ordered: bool = False


_md = MarkdownIt("commonmark")


def _runs(children) -> list[Run]:
    runs, bold, italic, href = [], False, False, None
    for t in children or []:
        if t.type == "strong_open":
            bold = True
        elif t.type == "strong_close":
            bold = False
        elif t.type == "em_open":
            italic = True
        elif t.type == "em_close":
            italic = False
        elif t.type == "link_open":
            href = t.attrs.get("href")
        elif t.type == "link_close":
            href = None
        elif t.type in ("text", "code_inline"):
            runs.append(Run(t.content, bold, italic, href))
        elif t.type in ("softbreak", "hardbreak"):
            runs.append(Run("" if t.type == "softbreak" else "\n", bold, italic, href))
    return runs


def blocks(text: str) -> list:
    out: list = []
    tokens = _md.parse(text)
    i, current_list = 0, None
    while i < len(tokens):
        t = tokens[i]
        if t.type == "heading_open":
            out.append(Heading(tokens[i + 1].content, min(int(t.tag[1]), 4)))
            i += 3
            continue
        if t.type in ("bullet_list_open", "ordered_list_open"):
            current_list = ListBlock(ordered=t.type.startswith("ordered"))
            out.append(current_list)
        elif t.type in ("bullet_list_close", "ordered_list_close"):
            current_list = None
        elif t.type == "inline" and tokens[i - 1].type == "paragraph_open":
            runs = _runs(t.children)
            if current_list is not None:
                current_list.items.append(runs)
            elif runs:
                out.append(Paragraph(runs))
        i += 1
    return out
