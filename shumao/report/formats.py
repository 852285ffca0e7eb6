"""``shumao report --format md|html|xlsx``: the same narrative, tables and charts written
for a reader (Markdown), a browser or e-mail (one self-contained HTML file), and Excel
(a sheet per breakdown with its period, unit and notes).

Reader-facing conventions shared by every renderer (and meant for the bulletin's):
notes as one "注：" with numbered items (``note_lines``), charts captioned "图{n}　{title}"
with "数据来源：{source}" under them (``figure_caption``, ``source_line``), dates in Chinese.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from importlib import resources
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup, escape

from shumao.model.periods import day_words
from shumao.report import narrative
from shumao.report.doc import ReportDoc

FIGURE_SPACE = "\u3000"          # 图1　标题: a full-width space, as Chinese captions write it


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


# XLSX: an official table — CJK font, thin borders, bold shaded header, frozen header rows,
# A4 print setup fitting the width with the header repeated on every page
XLSX_FONT = "宋体"               # Excel/WPS on Chinese Windows; LibreOffice substitutes Noto Serif CJK
HEADER_FILL = "DDE7F0"
SHEET_NAMES = {"overview": "主要指标", "partners": "国别（地区）", "structure": "业务结构",
               "nature": "企业性质", "monthly": "月度执行"}


def xlsx(doc: ReportDoc, path: Path) -> None:
    from openpyxl.styles import Alignment

    from shumao.files.sheets import put  # every text cell inert: some are user settings

    wb = workbook(doc.title)
    text = wb.create_sheet("数据月报")
    text.column_dimensions["A"].width = 100
    # the title heads every printed page ("&" is a control character in Excel headers)
    text.oddHeader.center.text = doc.title.replace("&", "&&")
    for i, p in enumerate([narrative.TITLE, *doc.paragraphs], start=1):
        c = put(text.cell(i, 1), p)
        c.font = xlsx_font()
        c.alignment = Alignment(wrap_text=True, vertical="top")
    a4(text)
    period = f"时期：{doc.period.words()}；上年同期：{doc.period.previous_year().words()}"
    for t in doc.tables:
        table_sheet(wb, SHEET_NAMES.get(t.id, t.id), t, period)
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

