"""HTML and PDF from the one template: a self-contained page (inline CSS, charts as inline
SVG, no request anywhere) and, with paged media, the A4 PDF through WeasyPrint."""

from __future__ import annotations

import re
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from shumao.bulletin.markdown import safe_href
from shumao.bulletin.model import Document, Entry
from shumao.bulletin.pdf import cjk_justification, pdf_of  # noqa: F401  (cjk_justification: tests)
from shumao.report.formats import cell, ems, note_lines

# GB/T 9704: the type area of A4 less 28 mm left and 26 mm right, in points
TYPE_WIDTH_PT = (210 - 28 - 26) / 25.4 * 72
TABLE_PT = 10.5          # 五号 in tables (template: table { font-size })
TAIL = 3                 # a paragraph's last characters kept on one line: no one-character last line


def templates() -> Environment:
    """The bulletin's templates, escaping every value, with the report's cell and note
    wording — shared by this renderer and the inline (e-mail, WeChat) one."""
    env = Environment(loader=PackageLoader("shumao.bulletin", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True,
                      lstrip_blocks=True)
    env.filters["cell"] = cell
    env.filters["note_lines"] = note_lines
    return env


def _env() -> Environment:
    env = templates()
    env.filters["runs"] = runs_html
    env.filters["tail"] = keep_tail
    env.filters["note"] = note_html
    env.globals["colwidths"] = colwidths
    env.globals["scheme"] = scheme
    return env


# a note line of formats.note_lines: its key (注：, 注：1. or the 　　2. under it), then the text
NOTE_KEY = re.compile(r"(注：(?:\d+\. )?|\u3000\u3000\d+\. )(.*)", re.S)


def note_html(line: str) -> Markup:
    """A note with its key in a box the text hangs from: a note's continuation lines align
    under its text, not under 注： (as the DOCX's 注释 style hangs them)."""
    m = NOTE_KEY.fullmatch(line)
    if not m:
        return escape(line)
    return Markup('<span class="nk">{}</span>{}').format(m.group(1).rstrip(), m.group(2))


def _split_tail(text: str) -> tuple[str, str]:
    """The text and its last TAIL characters (not counting trailing spaces)."""
    stripped = text.rstrip()
    if len(stripped) <= TAIL or "\n" in stripped[-TAIL:]:
        return text, ""
    return stripped[:-TAIL], stripped[-TAIL:]


# A figure with its % or unit, a year with 年, a month range with 月, a Latin word (ITO, RCEP):
# one unbreakable run that justification never spreads (the hook below skips class "fig");
# a number keeps its whole unit ("1405.31万美元"): never "1405.31万" at a line's or a page's
# end and "美元" on the next
FIGURE = re.compile(r"[A-Za-z][A-Za-z0-9]*|[万亿]?美元|[-+]?\d[\d,.]*(?:[-–~]\d[\d,.]*)?"
                    r"(?:[万亿]?美元|[万亿]元|%|‰|万|亿|元|年|月|日|个|家|人|项|次|倍)?")


def figures(text: str) -> Markup:
    """Escaped text with each figure (FIGURE) in a ``<span class="fig">``."""
    out, at = [], 0
    for m in FIGURE.finditer(text):
        out.append(escape(text[at:m.start()]))
        out.append(Markup('<span class="fig">%s</span>') % m.group())
        at = m.end()
    out.append(escape(text[at:]))
    return Markup("").join(out)


def keep_tail(text: str) -> Markup:
    """Escaped text whose last characters never break apart, so a paragraph's last line is
    never a single character (a runt); figures are single runs (``figures``), and the tail
    never cuts one."""
    head, tail = _split_tail(text)
    if not tail:
        return figures(text)
    for m in FIGURE.finditer(head):
        if m.end() == len(head):            # a figure across the cut: the tail takes it whole
            head, tail = head[:m.start()], head[m.start():] + tail
    return figures(head) + Markup('<span class="tail">%s</span>') % figures(tail)


def runs_html(runs, links: bool = True) -> Markup:
    """Styled runs as HTML, every text escaped; the last run keeps its tail together."""
    out = []
    for n, r in enumerate(runs):
        last = n == len(runs) - 1
        t = (keep_tail(r.text) if last else figures(r.text)).replace("\n", Markup("<br>"))
        if r.bold:
            t = Markup("<strong>%s</strong>") % t
            if n == 0 and is_key(r.text):
                t = Markup('<span class="key">%s</span>') % t
        if r.italic:
            t = Markup("<em>%s</em>") % t
        href = safe_href(r.href)       # markdown.py: web and mail links only
        if href and links:
            t = Markup('<a href="%s">%s</a>') % (href, t)
        out.append(t)
    return Markup("").join(out)


def is_key(text: str) -> bool:
    """A label's name that leads a line: 类　　型： 简　　介： 企业性质："""
    return text.endswith("：") and len(text.strip()) <= 8


def colwidths(columns: list[str]) -> list[str]:
    """One column scheme for every data table: each number column as wide as its header on
    one line (at the table's type size, plus cell padding); the first column takes the rest."""
    nums = [(ems(c) * TABLE_PT + 14) / TYPE_WIDTH_PT * 100 for c in columns[1:]]
    nums = [max(w, 12.0) for w in nums]
    if sum(nums) > 75:                      # too many columns: headers wrap, widths shrink
        nums = [w * 75 / sum(nums) for w in nums]
    nums = [round(w, 1) for w in nums]
    return [f"{100 - sum(nums):.1f}%", *(f"{w:.1f}%" for w in nums)]


def scheme(tables) -> list[str]:
    """The one column scheme of the data tables: at each position the widest header of any
    of them (they all have a label column and the same figure columns)."""
    n = max((len(t.columns) for t in tables), default=0)
    widest = []
    for i in range(n):
        heads = [t.columns[i] for t in tables if i < len(t.columns)]
        # a header longer than 9.5 ems ("占离岸执行额比重（%）") wraps in its column rather than
        # squeezing every other header of every table onto two lines
        widest.append(max([h for h in heads if ems(h) <= 9.5] or [heads[0][:9]], key=ems))
    return colwidths(widest)


def render_html(doc: Document, print_: bool = False) -> str:
    return _env().get_template("bulletin.html.j2").render(doc=doc, print=print_)


def render_entry(entry: Entry) -> str:
    """One entry as the page draws it (the entry macro), for the editor's live preview."""
    return _env().get_template("preview.html.j2").render(e=entry)


def write_html(doc: Document, path: Path) -> None:
    path.write_text(render_html(doc), encoding="utf-8")


def write_pdf(doc: Document, path: Path) -> None:
    pdf_of(render_html(doc, print_=True), path)
