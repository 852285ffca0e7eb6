"""仪表盘 and 指标溯源 (staff, admin), with ``GET /api/v1/status`` and
``GET /api/v1/explain/{figure}``.

The dashboard shows the 数据月报's own figures for a period — the same ``ReportDoc`` the
数据月报 page and ``shumao report`` render (names, values and growth as the report's JSON
gives them, with thousands separators and a growth of 100% or more in 倍), shared between
users through ``portal.shared`` (web/figures.py). It opens on the latest month with
approved data; a period without any is a notice naming the months that have some. Each
chart is drawn by static/dashboard.js from the page's JSON and also given as a table, so
the page works without JavaScript and for screen readers; every figure, month and partner
links to 指标溯源.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from shumao.errors import ContentError
from shumao.indicators.catalog import CATEGORIES
from shumao.model.money import round_half_up
from shumao.model.periods import Period
from shumao.report.data import as_dict
from shumao.report.service import ReportDoc
from shumao.web import deps, figures
from shumao.web.access import guard
from shumao.web.pages import render

router = APIRouter(dependencies=[Depends(guard)])

# the KPI cards: the figures of the 数据月报's first two paragraphs
KPIS = ("signed_total", "exec_total", "signed_offshore", "exec_offshore", "exec_bri", "exec_rcep")
NATURE_ZH = {"domestic": "内资企业", "foreign": "外商投资企业", "hmt": "港澳台商投资企业"}


def _chart_data(doc: ReportDoc, figs: dict) -> dict:
    """What dashboard.js draws: per chart, its kind, category labels and series of 万美元
    values (as the report's tables give them, text; drawing only)."""
    t = {x.id: x for x in doc.tables}
    year = doc.period.year

    def col(rows, i):
        return [None if r[i] is None else str(r[i]) for r in rows]

    nature_ids = t["nature"].figures
    keys = list(dict.fromkeys(str(fid).rsplit("_", 1)[1] for fid in nature_ids))
    return {
        "monthly": {"kind": "line", "labels": [r[0] for r in t["monthly"].rows],
                    "series": [{"name": f"{year - 1}年", "data": col(t["monthly"].rows, 2)},
                               {"name": f"{year}年", "data": col(t["monthly"].rows, 1)}]},
        "partners": {"kind": "hbar", "labels": [r[0] for r in t["partners"].rows],
                     "series": [{"name": "上年同期", "data": col(t["partners"].rows, 2)},
                                {"name": "本期", "data": col(t["partners"].rows, 1)}]},
        "structure": {"kind": "bar", "labels": [f"{zh}\n（{c}）" for c, zh in CATEGORIES.items()],
                      "series": [{"name": "上年同期", "data": col(t["structure"].rows, 2)},
                                 {"name": "本期", "data": col(t["structure"].rows, 1)}]},
        "nature": {"kind": "bar", "parts": True, "labels": ["离岸合同签约额", "离岸合同执行额"],
                   "series": [{"name": NATURE_ZH[k],
                               "data": [figs[f"{m}_offshore_{k}"]["current"] for m in ("signed", "exec")]}
                              for k in keys]},
    }


@router.get("/dashboard", name="dashboard")
def dashboard(request: Request, period: str | None = None, region: str | None = None,
              short: str | None = None) -> Response:
    portal = deps.portal(request)
    settings = figures.settings(portal, region, short)
    ctx: dict = {"asked": period or "", "choices": figures.choices(figures.months(portal)),
                 "grammar": figures.GRAMMAR,
                 "keep": {k: v for k, v in (("region", region), ("short", short)) if v},
                 "doc": None, "error": None, "notice": None, "p": None}
    page = figures.shown(portal, period, settings)
    if page.period:
        ctx.update(p=page.period, asked=page.period.words(),
                   pending=figures.pending(portal, page.period))
    ctx.update(error=page.error, notice=page.notice)
    if page.doc and page.period:
        doc = page.doc
        figs = as_dict(doc)["figures"]
        tables = {t.id: t for t in doc.tables}
        ctx.update(doc=doc, figs=figs, kpis=[(fid, figs[fid]) for fid in KPIS if fid in figs],
                   tables=tables, charts=_chart_data(doc, figs), drills=figures.drills(doc))
    return render(request, "dashboard.html", ctx, status=page.status)


@router.get("/explain/{figure}", name="explain_page")
def explain_page(request: Request, figure: str, period: str | None = None,
                 top: int = Query(10, ge=1, le=100)) -> Response:
    portal = deps.portal(request)
    p = Period.parse(period) if period and period.strip() else figures.latest_month(figures.months(portal))
    if p is None:
        raise ContentError(figures.NO_DATA)
    e = figures.explanation(portal, p, figure, top)
    g = e.figure.growth
    return render(request, "explain.html", {"e": e, "p": p, "x": e.as_dict(), "top": top, "most": 100,
                                            "categories": CATEGORIES,
                                            "growth": None if g is None else str(round_half_up(g))})


@router.get("/api/v1/status", name="api_status")
def status_api(request: Request) -> dict:
    """``shumao status --json``: counts and date ranges, read now."""
    return dict(deps.store(request).records.summary())


@router.get("/api/v1/explain/{figure}", name="api_explain")
def explain_api(request: Request, figure: str, period: str | None = None,
                top: int = Query(10, ge=1, le=100)) -> dict:
    """``shumao explain FIGURE --period P --json``."""
    p = figures.period_of(period)
    return figures.explanation(deps.portal(request), p, figure, top).as_dict()
