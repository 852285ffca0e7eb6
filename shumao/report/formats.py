"""``shumao report --format md|html|xlsx``: the same narrative, tables and charts written
for a reader (Markdown), a browser or e-mail (one self-contained HTML file), and Excel
(a sheet per breakdown with its period, unit and notes)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape

from shumao.report import narrative
from shumao.report.service import ReportDoc


def cell(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, Decimal):
        return f"{v:.2f}"
    return str(v)


def markdown(doc: ReportDoc) -> str:
    out = [f"# {doc.title}", "", narrative.TITLE, ""]
    for p in doc.paragraphs:
        out += [p, ""]
    for t in doc.tables:
        out += [f"## {t.title}", "", "| " + " | ".join(t.columns) + " |",
                "|" + "|".join(["---"] + ["---:"] * (len(t.columns) - 1)) + "|"]
        out += ["| " + " | ".join(cell(v) for v in row) + " |" for row in t.rows]
        out += [""] + [f"注：{n}" for n in t.notes] + ([""] if t.notes else [])
    return "\n".join(out).rstrip() + "\n"


def _env() -> Environment:
    env = Environment(loader=PackageLoader("shumao.report", "templates"),
                      autoescape=select_autoescape(["html", "j2"]), trim_blocks=True, lstrip_blocks=True)
    env.filters["cell"] = cell
    return env


def html(doc: ReportDoc) -> str:
    return _env().get_template("report.html.j2").render(doc=doc, heading=narrative.TITLE,
                                                         made=dt.date.today().isoformat())


def xlsx(doc: ReportDoc, path: Path) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    from shumao.sheets import append, put  # every text cell inert: some are user settings

    wb = Workbook()
    wb.remove(wb.active)
    text = wb.create_sheet("数据月报")
    text.column_dimensions["A"].width = 120
    for i, p in enumerate([narrative.TITLE, *doc.paragraphs], start=1):
        c = put(text.cell(i, 1), p)
        c.alignment = Alignment(wrap_text=True, vertical="top")
    names = {"overview": "主要指标", "partners": "国别（地区）", "structure": "业务结构",
             "nature": "企业性质", "monthly": "月度执行"}
    period = f"时期：{doc.ind.period.words()}（{doc.ind.period}），上年同期：{doc.ind.period.previous_year().words()}"
    for t in doc.tables:
        ws = wb.create_sheet(names.get(t.id, t.id))
        append(ws, [t.title])
        ws["A1"].font = Font(bold=True, size=12)
        append(ws, [period])
        append(ws, [f"单位：{t.unit}；同比、占比单位：%"])
        append(ws, t.columns)
        for c in ws[4]:
            c.font = Font(bold=True)
        for row in t.rows:
            append(ws, row)
            for c in ws[ws.max_row][1:]:
                c.number_format = "0.00"
        ws.append([])
        for n in t.notes:
            append(ws, [f"注：{n}"])
        ws.column_dimensions["A"].width = 34
        for col in "BCDE":
            ws.column_dimensions[col].width = 18
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
