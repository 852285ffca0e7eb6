"""数字贸易 (staff, admin): the 【数字贸易】 section of a period exactly as ``shumao digital``
words it, the figures withheld by the disclosure pass named for staff (internal), and the
tables of spec/digital-trade.md §8.2 (report.digital_tables) — names in Chinese, the code
column kept only where clerks use the code (监管方式 9610…, HS 章) — each row opening the
records behind its figure (``/digital/records``, report.digital_explain: the executions and
customs lines, each with the part it counts, adding up to the figure).  Computed once per
period, settings and store generation (web/figures.py's sharing).
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response

from shumao.errors import PeriodError, UnknownFigure
from shumao.model.periods import Period
from shumao.report.settings import ReportSettings
from shumao.web import deps, figures
from shumao.web.access import Refused, guard
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
            links = [_href(p, fid, settings) if fid else None for fid in t.figures]
            tables.append((t, note_lines(t.notes), links))
        return {"empty": False, "text": made["text"], "tables": tables,
                "withheld": [words.withheld_words(c["group"], c["member"], c["conf"])
                             for c in words.withheld(d)],
                "explanation": digital_tables.explanation(d, settings.source)}

    return figures._shared(portal, ("digital", str(p), settings.region, settings.short), compute)


def _href(p: Period, cell: str, settings: ReportSettings) -> str:
    return "/digital/records?" + urlencode({"period": p.short(), "cell": cell,
                                            "region": settings.region})


def _explained(portal, p: Period, cell: str, region: str, most: int):
    from shumao.report.digital_explain import behind, explain_cell

    def explained():
        basis = figures._shared(portal, ("digital-behind", str(p)), lambda: behind(portal.store, p))
        return explain_cell(portal.store, p, cell, region, most=most, basis=basis)

    try:
        return figures._shared(portal, ("digital-records", str(p), cell, region, most), explained)
    except UnknownFigure as e:
        raise Refused(404, "unknown-figure", str(e)) from e


@router.get("/digital/records", name="digital_records")
def digital_records(request: Request, cell: str = Query(..., max_length=200),
                    period: str | None = None, region: str | None = None,
                    most: int = Query(200, ge=1, le=2000)) -> Response:
    """数字贸易's 指标溯源: the records behind one figure of the tables."""
    portal = deps.portal(request)
    p = figures.period_of(period)
    settings = figures.settings(portal, region, None)
    e = _explained(portal, p, cell, settings.region, most)
    rows = [_words(part) for part in e.parts]
    listed = sum(part.units for part in e.parts)
    return render(request, "digital_records.html", {
        "e": e, "p": p, "rows": rows, "total": _usd(e.units), "listed": _usd(listed),
        "rest": _usd(e.rest_units), "rest_n": e.records - len(e.parts),
        "rounded": sum(_cents(part.units) for part in e.parts) + _cents(e.rest_units) != e.cents,
        "back": "/digital?" + urlencode({"period": p.short()})})


def _cents(units: int) -> int:
    from shumao.model.digital import cents
    return cents(units)


def _usd(units: int) -> str:
    """cent × 10⁶ → 美元 with thousands separators, to the cent (half-up); a part taken off
    (goods_basis = full) with its minus sign."""
    c = _cents(units)
    return f"{'-' if c < 0 else ''}{abs(c) // 100:,}.{abs(c) % 100:02d}"


def _words(part) -> dict:
    """One record behind a figure, in a clerk's words."""
    from shumao.indicators.catalog import CATEGORIES
    from shumao.model.codes import country_name
    from shumao.model.periods import day_words

    def country(iso: str | None) -> str:
        try:
            return country_name(iso) if iso else "未知"
        except KeyError:
            return iso or "未知"
    a = part.about
    if part.kind == "executions":
        kind = "合同执行"
        what = [f"合同 {a['contract_id']}", CATEGORIES.get(a["category"], a["category"])
                + (f" · {a['subcategory']}" if a["subcategory"] else ""),
                "交付方式不明" if a["remote_share"] is None else f"远程交付{a['remote_share']}%",
                f"线上订购：{a['ordered_online']}"]
        day = day_words(part.day) if part.day else "—"
    elif part.kind == "services":
        kind = "服务贸易直报"
        what = [a["ebops_name"] or "服务类别不明", "出口" if a["flow"] == "X" else "进口",
                "交付方式不明" if a["remote_share"] is None else f"远程交付{a['remote_share']}%",
                "线上订购比例不明" if a["ordered_online_share"] is None
                else f"线上订购{a['ordered_online_share']}%"]
        day = f"{part.day.year}年{part.day.month}月" if part.day else "—"
    else:
        kind = "跨境电商"
        what = ["海关全业态总额" if a.get("basis") == "full_scope"
                else f"{a['regime_name'] or a['regime']}（{a['regime']}）",
                "出口" if a["flow"] == "X" else "进口",
                "商品未分章" if a["hs_chapter"] == "_U" else f"HS第{a['hs_chapter']}章"]
        if a.get("deducted"):
            what.append("已按监管方式统计，从全业态总额中扣除")
        day = f"{part.day.year}年{part.day.month}月" if part.day else "—"
    return {"kind": kind, "id": part.record, "day": day, "name": part.name,
            "enterprise_id": part.enterprise_id, "partner": country(part.partner), "what": what,
            "amount": f"{part.amount // 100:,}.{part.amount % 100:02d}", "counted": _usd(part.units)}


@router.get("/api/v1/digital/records", name="api_digital_records")
def api_digital_records(request: Request, cell: str = Query(..., max_length=200),
                        period: str | None = None, most: int = Query(200, ge=1, le=2000)) -> dict:
    """The records behind one figure of the 数字贸易 tables, as JSON (amounts exact)."""
    portal = deps.portal(request)
    p = figures.period_of(period)
    return _explained(portal, p, cell, figures.settings(portal, None, None).region, most).as_dict()


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
