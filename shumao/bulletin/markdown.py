"""A clerk's Markdown → the bulletin's blocks: paragraphs of styled runs, sub-headings, lists
and tables (markdown-it-py, CommonMark plus GFM tables).  The blocks are what every renderer
draws.

Spacing, as Chinese official documents write it (``tidy_spacing``): spaces a clerk typed
between a Chinese character (or full-width punctuation) and a number are removed —
"8 月 10 日" → "8月10日", "共 30 家企业" → "共30家企业", "增长 12.5% 。" → "增长12.5%。".
Nothing else changes: spaces between Latin words or between Latin words and numbers
("Windows 10"), spaces between Chinese words (a headline's deliberate gap), inline code, and
URLs (link targets, and bare ``http://…``/``www.…`` in the text) are left as typed.

Safety (web.md: Markdown is rendered with raw HTML escaped): raw HTML a clerk or a browser
typed is text, shown as typed and escaped by every renderer, never markup; and only web and
mail links (``safe_href``) are links — ``javascript:``, ``data:`` and relative targets are
dropped here, at the one source every renderer draws from.

Images (``![说明](pic.png)``) are not drawn by any channel; ``images`` lists them so that
the issue can say so (content.dropped_images) instead of losing them without a word.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from markdown_it import MarkdownIt


@dataclass(frozen=True)
class Run:
    text: str
    bold: bool = False
    italic: bool = False
    href: str | None = None
    code: bool = False          # inline code: drawn as typed, never re-spaced


@dataclass
class Paragraph:
    runs: list[Run]
    kind: str = "para"          # para | label (a line such as 类　　型：…) | date | source | note

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


@dataclass
class Table:
    """A Markdown (GFM) table: a header row and body rows of cells, each cell a list of runs;
    ``align`` per column is "left", "center", "right" or None (as the clerk's ``:--:`` says)."""

    header: list[list[Run]] = field(default_factory=list)
    rows: list[list[list[Run]]] = field(default_factory=list)
    align: list[str | None] = field(default_factory=list)

    @property
    def columns(self) -> list[str]:
        return ["".join(r.text for r in c) for c in self.header]

    @property
    def texts(self) -> list[list[str]]:
        return [["".join(r.text for r in c) for c in row] for row in self.rows]


# --- spacing between Chinese and numbers ----------------------------------------------------

_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"   # Han, CJK and full-width punctuation
_SPACE = re.compile(rf"(?<=[{_CJK}])[ \t]+(?=[0-9])|(?<=[0-9%])[ \t]+(?=[{_CJK}])")
_URL = re.compile(r"(?:[A-Za-z][A-Za-z0-9+.-]*://|www\.)[^\s\u3000-\u303f\uff00-\uffef]*")


def tidy_spacing(text: str) -> str:
    """Remove spaces between Chinese and numbers, outside URLs (module docstring)."""
    out, last = [], 0
    for m in _URL.finditer(text):
        out += [_SPACE.sub("", text[last:m.start()]), m.group()]
        last = m.end()
    out.append(_SPACE.sub("", text[last:]))
    return "".join(out)


def _tidy_runs(runs: list[Run]) -> list[Run]:
    """``tidy_spacing`` across run boundaries ("共 **30** 家"): each run is tidied with the
    neighbouring characters as context, and code and link targets are left alone."""
    out: list[Run] = []
    for i, r in enumerate(runs):
        if r.code:
            if r.text:
                out.append(r)
            continue
        before = out[-1].text[-1:] if out and not out[-1].code else ""
        after = runs[i + 1].text[:1] if i + 1 < len(runs) and not runs[i + 1].code else ""
        tidied = tidy_spacing(before + r.text + after)
        text = tidied[len(before):len(tidied) - len(after)]
        if text:            # empty runs (soft breaks, a cell's edges) are dropped
            out.append(Run(text, r.bold, r.italic, r.href, r.code))
    return out


# --- Markdown → blocks ---------------------------------------------------------------------

# html=False: raw HTML stays text (module docstring); markdown-it also refuses javascript:,
# vbscript:, file: and data: targets, and safe_href is the second lock
_md = MarkdownIt("commonmark", {"html": False}).enable("table")
SAFE_SCHEMES = ("http", "https", "mailto")


def safe_href(href: str | None) -> str | None:
    """The link target if it is a web or mail address, else None (no link is drawn)."""
    if not href:
        return None
    return href if urlsplit(href.strip()).scheme.lower() in SAFE_SCHEMES else None


def _runs(children) -> list[Run]:
    runs: list[Run] = []
    bold, italic, href = False, False, None
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
            href = safe_href(str(t.attrs.get("href") or ""))
        elif t.type == "link_close":
            href = None
        elif t.type in ("text", "code_inline"):
            runs.append(Run(t.content, bold, italic, href, code=t.type == "code_inline"))
        elif t.type in ("softbreak", "hardbreak"):
            runs.append(Run("" if t.type == "softbreak" else "\n", bold, italic, href))
    return _tidy_runs(runs)


def images(text: str) -> list[tuple[str, str]]:
    """(target, alt text) of every Markdown image in ``text``, in order."""
    return [(str(c.attrs.get("src") or ""), c.content) for t in _md.parse(text)
            if t.type == "inline" for c in t.children or [] if c.type == "image"]


def _align(token) -> str | None:
    m = re.search(r"text-align:\s*(left|center|right)", str(token.attrs.get("style") or ""))
    return m[1] if m else None


def blocks(text: str) -> list:
    out: list = []
    tokens = _md.parse(text)
    i, current_list = 0, None
    table: Table | None = None
    row: list[list[Run]] | None = None
    while i < len(tokens):
        t = tokens[i]
        if t.type == "heading_open":
            out.append(Heading(tidy_spacing(tokens[i + 1].content), min(int(t.tag[1]), 4)))
            i += 3
            continue
        if t.type in ("bullet_list_open", "ordered_list_open"):
            current_list = ListBlock(ordered=t.type.startswith("ordered"))
            out.append(current_list)
        elif t.type in ("bullet_list_close", "ordered_list_close"):
            current_list = None
        elif t.type == "table_open":
            table = Table()
            out.append(table)
        elif t.type == "table_close":
            table = None
        elif t.type == "tr_open" and table is not None:
            row = []
        elif t.type == "tr_close" and table is not None and row is not None:
            if not table.header:
                table.header = row
            else:
                table.rows.append(row)
            row = None
        elif t.type in ("th_open", "td_open") and row is not None and table is not None:
            row.append(_runs(tokens[i + 1].children))
            if t.type == "th_open":
                table.align.append(_align(t))
        elif t.type == "inline" and tokens[i - 1].type == "paragraph_open":
            runs = _runs(t.children)
            if current_list is not None:
                current_list.items.append(runs)
            elif runs:
                out.append(Paragraph(runs))
        i += 1
    return out
