"""数字贸易 (staff, admin): the 【数字贸易】 section of a period exactly as ``shumao digital``
words it, the figures withheld by the disclosure pass named for staff (internal), and the
tables of spec/digital-trade.md §8.2 (report.digital_tables) — names in Chinese, the code
column kept only where clerks use the code (监管方式 9610…, HS 章).  Computed once per
period, settings and store generation (web/figures.py's sharing).
"""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from shumao.errors import PeriodError
from shumao.model.periods import Period
from shumao.report.settings import ReportSettings
from shumao.web import deps, figures
from shumao.web.access import guard
from shumao.web.pages import render

router = APIRouter(dependencies=[Depends(guard)])

CODES_SHOWN = ("cbec_regimes", "cbec_hs")       # tables whose code column clerks read
NO_DIGITAL = ("{p}没有数字贸易数据：请先导入海关跨境电商数据，或在合同中填写交付方式、是否线上订购"
              "（导入页面，文件名含“跨境电商”或“电商”；合同文件的“交付方式”等列）。")


def _page(portal, p: Period, settings: ReportSettings) -> dict:
    """What the page shows for one period: the text, the withheld figures in words, tables."""
    from shumao.indicators.digital import digital
    from shumao.report import digital as words
    from shumao.report import digital_tables
    from shumao.report.formats import note_lines

    def compute() -> dict:
        with portal.store.reading() as con:
            d = digital(con, p)
        if not d.has_digital_inputs:
            return {"empty": True}
        made = words.as_json(d, settings, settings.source)
        tables = []
        for t in digital_tables.tables(d, settings.region):
            if t.id not in CODES_SHOWN:       # no codes shown to clerks (DO_NDD, JPN, SI …)
                t = replace(t, columns=[t.columns[0], *t.columns[2:]],
                            rows=[[r[0], *r[2:]] for r in t.rows], labels=t.labels - 1)
            tables.append((t, note_lines(t.notes)))
        return {"empty": False, "text": made["text"], "tables": tables,
                "withheld": [words.withheld_words(c["group"], c["member"], c["conf"])
                             for c in made["disclosure"]],
                "explanation": digital_tables.explanation(d, settings.source)}

    return figures._shared(portal, ("digital", str(p), settings.region, settings.short), compute)


@router.get("/digital", name="digital_page")
def digital_page(request: Request, period: str | None = None, region: str | None = None,
                 short: str | None = None) -> Response:
    portal = deps.portal(request)
    settings = figures.settings(portal, region, short)
    held = figures.months(portal)
    ctx: dict = {"asked": period or "", "region": region or "", "short": short or "",
                 "defaults": type(settings)(), "choices": figures.choices(held),
                 "grammar": figures.GRAMMAR, "p": None, "shown": None, "error": None}
    status = 200
    try:
        p = Period.parse(period) if period and period.strip() else figures.latest_month(held)
    except PeriodError as e:
        ctx["error"], status = str(e), 400
        p = None
    if p is None and ctx["error"] is None:
        ctx["error"] = figures.NO_DATA
    if p is not None:
        ctx.update(p=p, asked=p.words())
        shown = _page(portal, p, settings)
        if shown["empty"]:
            ctx["error"] = NO_DIGITAL.format(p=p.words())
        else:
            ctx["shown"] = shown
    return render(request, "digital.html", ctx, status=status)
