"""``shumao report --format md|html|xlsx``: the same narrative, tables and charts written
for a reader (Markdown), a browser or e-mail (one self-contained HTML file), and Excel
(a sheet per breakdown with its period, unit and notes).

Reader-facing conventions shared by every renderer (and meant for the bulletin's):
notes as one "注：" with numbered items (``note_lines``), charts captioned "图{n}　{title}"
with "数据来源：{source}" under them (``figure_caption``, ``source_line``), dates in Chinese.
"""

from __future__ import annotations

import datetime as dt
import math
import unicodedata
from decimal import Decimal
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from shumao.model.periods import day_words
from shumao.report import narrative
from shumao.report.doc import ReportDoc

FIGURE_SPACE = "\u3000"          # 图1　标题: a full-width space, as Chinese captions write it


def ems(text: str) -> float:
    """A text's width in ems: a CJK character one, a digit or Latin letter about half."""
    return sum(1 if unicodedata.east_asian_width(ch) in "WF" else .55 for ch in text)


def cell(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, Decimal):
        return f"{v:.2f}"
    return str(v)


def note_lines(notes: list[str]) -> list[str]:
    """Notes as statistical releases write them: one note after "注：", several numbered
    under one "注：" ("注：1. 数据来源：…"), never "注1：…"."""
    if not notes:
        return []
    if len(notes) == 1:
        return [f"注：{notes[0]}"]
    return [f"注：1. {notes[0]}"] + [f"{FIGURE_SPACE * 2}{i}. {n}" for i, n in enumerate(notes[1:], start=2)]


def figure_caption(n: int, title: str) -> str:
    return f"图{n}{FIGURE_SPACE}{title}"


def source_line(doc: ReportDoc) -> str:
    return f"数据来源：{doc.settings.source}"


def made_words(today: dt.date | None = None) -> str:
    return f"制表日期：{day_words(today or dt.date.today())}"


def identity_css() -> str:
    """The shared palette and typography (templates/identity.css), inlined in every page."""
    return resources.files("shumao.report").joinpath("templates/identity.css").read_text(encoding="utf-8")


def markdown(doc: ReportDoc, images: Path | None = None) -> str:
    """The report in Markdown; with ``images`` (a folder beside the Markdown file), the
    charts are written there as SVG and shown with their captions and source line."""
    out = [f"# {doc.title}", "", narrative.TITLE, ""]
    for p in doc.paragraphs:
        out += [p, ""]
    if images is not None:
        images.mkdir(parents=True, exist_ok=True)
        for n, c in enumerate(doc.charts, start=1):
            (images / f"{c.id}.svg").write_text(c.svg, encoding="utf-8")
            out += [f"![{c.title}]({images.name}/{c.id}.svg)", "", figure_caption(n, c.title), "",
                    source_line(doc), ""]
    for t in doc.tables:
        out += [f"## {t.title}", "", "| " + " | ".join(t.columns) + " |",
                "|" + "|".join(["---"] + ["---:"] * (len(t.columns) - 1)) + "|"]
        out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in t.rows]
        # a Markdown line break ("  ") keeps the numbered notes on their own lines
        out += [""] + (["  \n".join(note_lines(t.notes)), ""] if t.notes else [])
    return "\n".join(out).rstrip() + "\n"


def heading(col: str) -> Markup:
    """A column heading for HTML: its unit on a second line, never broken inside (万美元)."""
    name, sep, unit = col.partition("（")
    if not sep:
        return escape(col)
    return Markup('{}<br><span class="unit">（{}</span>').format(name, unit)


# a long heading breaks before these words (占离岸执行额 / 比重 / （%）), never inside one
HEADING_BREAKS = ("比重",)


def heading_lines(col: str) -> list[str]:
    """A column heading as a narrow column sets it: the name (broken before 比重 when
    long), then its unit (（万美元）) — each line a word that is never broken inside."""
    name, sep, unit = col.partition("（")
    lines = [name]
    for w in HEADING_BREAKS:
        if name.endswith(w) and len(name) > len(w) + 2:
            lines = [name[:-len(w)], w]
    return lines + ([sep + unit] if sep else [])


def _env() -> Environment:
    env = Environment(loader=PackageLoader("shumao.report", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["cell"] = cell
    env.filters["heading"] = heading
    return env


def html(doc: ReportDoc, today: dt.date | None = None) -> str:
    return _env().get_template("report.html.j2").render(
        doc=doc, heading=narrative.TITLE, made=made_words(today), identity=identity_css(),
        caption=figure_caption, source=source_line(doc), note_lines=note_lines)


# XLSX: an official table — 宋体 throughout, thin borders, bold shaded header, frozen header
# rows, A4 printed at 100 %: every sheet's columns fit the page between its margins, text and
# notes wrap within them (merged over the table's columns) on rows tall enough for their lines
XLSX_FONT = "宋体"               # Excel/WPS on Chinese Windows; LibreOffice substitutes Noto Serif CJK
HEADER_FILL = "DDE7F0"
SHEET_NAMES = {"overview": "主要指标", "partners": "国别（地区）", "structure": "业务结构",
               "nature": "企业性质", "monthly": "月度执行"}
BODY_PT, NOTE_PT, TITLE_PT = 11, 10, 14
# A column's width in points differs by program: Excel sets width w in 宋体 11 as 8w + 5 px
# (6w + 4 pt), LibreOffice as about 7w pt.  Rows are made tall enough for the narrower,
# the page fitted to the wider: so no program clips a line or shrinks the print.
MARGIN_IN = 0.6                  # left and right: A4 less 1.2 in is 509 pt
TEXT_WIDTH, LABEL_WIDTH, FIGURE_WIDTH = 72, 25, 11.5   # 504 pt at most; 25 + 4 × 11.5 → 497 pt
LINE = 1.5                       # a line's height in its type size (Noto CJK's 1.45, with room)


def column_pt(width: float) -> float:
    """The narrower reading of a column's width in points (Excel's), for line counts."""
    return (width * 8 + 5) * 0.75


def page_pt(widths: list[float]) -> float:
    """The wider reading of columns' width in points (LibreOffice's), for the page."""
    return sum(w * 7 for w in widths)


def xlsx_lines(text: str, width_pt: float, size: float) -> int:
    """The lines a wrapped cell sets ``text`` in, in a column ``width_pt`` wide (less its
    padding, 10 pt with room): a CJK character one em, a digit or Latin letter half of one."""
    per = (width_pt - 10) / size
    return sum(max(1, math.ceil(ems(part) / per)) for part in text.split("\n"))


def xlsx(doc: ReportDoc, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from shumao.files.sheets import append, put  # every text cell inert: some are user settings

    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    body = Font(name=XLSX_FONT, size=BODY_PT)
    wrap = Alignment(wrap_text=True, vertical="top")

    def a4(ws, header_row: int | None = None) -> None:
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.orientation = "portrait"
        ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
        ws.page_margins.left = ws.page_margins.right = MARGIN_IN
        ws.sheet_properties.pageSetUpPr.fitToPage = True
        ws.print_options.horizontalCentered = True
        if header_row:
            ws.print_title_rows = f"1:{header_row}"

    def fit(ws, row: int, text: str, width_pt: float, size: float) -> None:
        """The row tall enough for ``text`` wrapped in ``width_pt`` (never lower than set)."""
        height = xlsx_lines(text, width_pt, size) * size * LINE + 4
        ws.row_dimensions[row].height = max(ws.row_dimensions[row].height or 0, height)

    def across(ws, row: int, ncols: int, text: str, font: Font, width_pt: float) -> None:
        """``text`` wrapped over the table's columns (merged), on a row tall enough."""
        c = put(ws.cell(row, 1), text)
        c.font, c.alignment = font, wrap
        if ncols > 1:
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=ncols)
        fit(ws, row, text, width_pt, font.size)

    wb = Workbook()
    wb.remove(wb.active)
    text = wb.create_sheet("数据月报")
    text.column_dimensions["A"].width = TEXT_WIDTH
    wb.properties.title = doc.title
    # the title heads every printed page ("&" is a control character in Excel headers)
    text.oddHeader.center.text = doc.title.replace("&", "&&")
    for i, p in enumerate([narrative.TITLE, *doc.paragraphs], start=1):
        across(text, i, 1, p, Font(name=XLSX_FONT, size=BODY_PT, bold=i == 1), column_pt(TEXT_WIDTH))
    a4(text)
    period = f"时期：{doc.period.words()}；上年同期：{doc.period.previous_year().words()}"
    for t in doc.tables:
        ws = wb.create_sheet(SHEET_NAMES.get(t.id, t.id))
        n = len(t.columns)
        widths = [LABEL_WIDTH] + [FIGURE_WIDTH] * (n - 1)
        for j, w in enumerate(widths, start=1):
            ws.column_dimensions[get_column_letter(j)].width = w
        table_pt = sum(column_pt(w) for w in widths)
        across(ws, 1, n, t.title, Font(name=XLSX_FONT, size=TITLE_PT, bold=True), table_pt)
        ws["A1"].alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        across(ws, 2, n, period, body, table_pt)
        across(ws, 3, n, f"单位：{t.unit}", body, table_pt)
        # each figure's heading in its lines (本期 / （万美元）): a unit never broken inside
        append(ws, [t.columns[0], *("\n".join(heading_lines(col)) for col in t.columns[1:])])
        head = 4
        for j, c in enumerate(ws[head]):
            c.font = Font(name=XLSX_FONT, size=BODY_PT, bold=True)
            c.fill = PatternFill("solid", fgColor=HEADER_FILL)
            c.border = box
            c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
            fit(ws, head, c.value, column_pt(widths[j]), BODY_PT)
        for row in t.rows:
            append(ws, row)
            r = ws.max_row
            for j, c in enumerate(ws[r]):
                c.font, c.border = body, box
                if j:
                    c.number_format = "0.00"
                    c.alignment = Alignment(horizontal="right", vertical="center")
                    if c.value is None:
                        put(c, "—")
                else:
                    c.alignment = Alignment(wrap_text=True, vertical="center")
                    fit(ws, r, str(c.value), column_pt(widths[0]), BODY_PT)
        first_note = ws.max_row + 2
        for k, line in enumerate(note_lines(t.notes)):
            across(ws, first_note + k, n, line, Font(name=XLSX_FONT, size=NOTE_PT), table_pt)
        ws.freeze_panes = ws.cell(head + 1, 1)
        a4(ws, head)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)


def xlsx_font(size: int = 11, bold: bool = False):
    from openpyxl.styles import Font

    return Font(name=XLSX_FONT, size=size, bold=bold)


def workbook(title: str):
    from openpyxl import Workbook

    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.title = title
    return wb


def a4(ws, header_row: int | None = None) -> None:
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    if header_row:
        ws.print_title_rows = f"1:{header_row}"


def table_sheet(wb, name: str, t, period: str) -> None:
    """One table on a sheet of its own: title, period, unit, the bold shaded header (frozen,
    repeated on every printed page), its label columns (``t.labels``), figures right-aligned
    to two places ("—" where empty, a word such as 不予公布 as it is), then its notes."""
    from openpyxl.styles import Alignment, Border, PatternFill, Side
    from openpyxl.utils import get_column_letter

    from shumao.files.sheets import append, put

    thin = Side(style="thin", color="808080")
    box = Border(left=thin, right=thin, top=thin, bottom=thin)
    body = xlsx_font()
    ws = wb.create_sheet(name)
    append(ws, [t.title])
    ws["A1"].font = xlsx_font(14, bold=True)
    append(ws, [period])
    append(ws, [f"单位：{t.unit}"])
    for r in (2, 3):
        ws.cell(r, 1).font = body
    append(ws, t.columns)
    head = 4
    for c in ws[head]:
        c.font = xlsx_font(bold=True)
        c.fill = PatternFill("solid", fgColor=HEADER_FILL)
        c.border = box
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[head].height = 32
    for row in t.rows:
        append(ws, row)
        for j, c in enumerate(ws[ws.max_row]):
            c.font, c.border = body, box
            if j >= t.labels:
                c.number_format = "0.00"
                c.alignment = Alignment(horizontal="right")
                if c.value is None:
                    put(c, "—")
                    c.alignment = Alignment(horizontal="center")
    first_note = ws.max_row + 2
    for k, line in enumerate(note_lines(t.notes)):
        c = put(ws.cell(first_note + k, 1), line)
        c.font = xlsx_font(10)
    ws.freeze_panes = ws.cell(head + 1, 1)
    ws.column_dimensions["A"].width = 40
    for j in range(2, len(t.columns) + 1):
        ws.column_dimensions[get_column_letter(j)].width = 18
    a4(ws, head)

