"""数据版本 (staff, admin; web.md filings-web): the figures a bulletin or a 数据月报 published,
frozen with the records behind them — the list, one vintage's published text beside its
revisions (per figure: published, today, the records that moved it), freezing the 数据月报
a page shows (asked first, and confirmed again when a month of the period holds far fewer
records than usual: indicators.completeness), and the API (``GET /api/v1/vintages``, ``…/{id}/revisions``;
``GET /api/v1/report?vintage=ID`` is reports.py's).

Every figure comes from shumao.publication.vintages; revisions are shared per store generation
(web/cache.py) like the other figures, a vintage's recomputed report per vintage.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from shumao.indicators import completeness
from shumao.model.periods import Period
from shumao.publication import vintages
from shumao.store.rows import VintageListed
from shumao.web import deps, figures
from shumao.web.access import Viewer, address, guard
from shumao.web.pages import render

router = APIRouter(dependencies=[Depends(guard)])

NOTICES = {"frozen": "已发布并冻结本期数据：以后的审核、退回和更正不会改变这一版的数字，"
                     "各会员企业在首页“本企业与全市”中看到的全市数字为这一版；下面列出此后的修订。"}


async def _posted(request: Request) -> dict[str, str]:
    form = await request.form()
    return {k: v for k, v in form.multi_items() if isinstance(v, str)}


def revisions(request: Request, v: VintageListed) -> vintages.Revisions:
    portal = deps.portal(request)
    return portal.shared.get(portal.store.generation(), ("revisions", v["id"]),
                             lambda: vintages.revisions(portal.store, v["id"]))


def _row(v: VintageListed) -> dict:
    p = Period.parse(v["period"])
    return {**{k: val for k, val in v.items() if k not in ("figures", "text")},
            "period_words": p.words(), "source_zh": vintages.SOURCES[v["source"]],
            "links": {"page": f"/vintages/{v['id']}",
                      "revisions": f"/api/v1/vintages/{v['id']}/revisions",
                      "report": f"/api/v1/report?vintage={v['id']}",
                      "bulletin": f"/bulletins/{v['bulletin_id']}" if v["bulletin_id"] else None}}


# -- pages --------------------------------------------------------------------------------------
@router.get("/vintages", name="vintage_list")
def vintage_list(request: Request) -> Response:
    return render(request, "vintages.html", {"rows": [_row(v) for v in deps.store(request).vintages.all()]})


SHOWN = 20      # the records listed under a figure that moved, unless all are asked for


def shown(request: Request, v: VintageListed, everything: bool = False) -> dict:
    """The revisions as the page shows them (issue 20 S-11: shared per store generation like
    the dashboard, the page's own view included): each figure's first ``SHOWN`` records
    moved and how many more there are, unless ``everything``."""
    portal = deps.portal(request)

    def view() -> dict:
        out = revisions(request, v).as_dict()
        for f in out["figures"]:
            f["more"] = 0 if everything else max(0, len(f["records"]) - SHOWN)
            f["records"] = f["records"] if everything else f["records"][:SHOWN]
        return out

    return portal.shared.get(portal.store.generation(), ("revisions-shown", v["id"], everything), view)


@router.get("/vintages/{id}", name="vintage_page")
def vintage_page(request: Request, id: str, done: str = "", all: str = "") -> Response:
    v = figures.known(request, id)
    return render(request, "vintage.html", {
        "v": _row(v), "text": v["text"], "revs": shown(request, v, all == "1"), "notice": NOTICES.get(done),
        "bulletin": deps.store(request).bulletins.get(v["bulletin_id"]) if v["bulletin_id"] else None})


@router.get("/report/freeze", name="report_freeze_confirm")
def report_freeze_confirm(request: Request, period: str | None = None, region: str | None = None,
                          short: str | None = None) -> Response:
    """发布并冻结本期数据, asked first (issue 20 S-10): what is frozen, and that every member
    then sees these figures as the city's; the months with far fewer records than usual
    (issue 21), which need their own confirmation."""
    p = figures.period_of(period)
    return _confirm(request, p, region, short)


def _confirm(request: Request, p: Period, region: str | None, short: str | None,
             error: str | None = None, status: int = 200) -> Response:
    s = figures.settings(deps.portal(request), region, short)
    query = {k: v for k, v in (("period", p.short()), ("region", region), ("short", short)) if v}
    found = completeness.in_store(deps.store(request), p)
    return render(request, "freeze_confirm.html", {
        "p": p, "region": s.region, "query": query, "period_words": p.words(), "error": error,
        "incomplete": [m.words() for m in found]}, status=status)


@router.post("/report/freeze", name="report_freeze")
def report_freeze(request: Request, data: Annotated[dict[str, str], Depends(_posted)]) -> Response:
    """发布并冻结本期数据: the 数据月报 of the period and names the page shows, frozen —
    once confirmed (``confirm=true``); otherwise the confirmation page."""
    p = figures.period_of(data.get("period"))
    settings = figures.settings(deps.portal(request), data.get("region"), data.get("short"))
    if data.get("confirm") != "true":
        query = {k: data[k] for k in ("period", "region", "short") if data.get(k)}
        return RedirectResponse(f"/report/freeze?{urlencode(query)}", status_code=303)
    if data.get("allow_incomplete") != "true" and (found := completeness.in_store(deps.store(request), p)):
        return _confirm(request, p, data.get("region"), data.get("short"), status=422, error=(
            f"未冻结：{'、'.join(f'{m.year}年{m.month}月' for m in found)}的记录远少于往常，"
            "请核实；确需现在发布并冻结，请勾选“已知悉，仍然发布并冻结”后再点“确认发布并冻结”。"))
    viewer: Viewer = request.state.viewer
    vid = vintages.freeze(deps.store(request), p, settings, source="report", actor=viewer.name or "",
                          address=address(request))
    return RedirectResponse(f"/vintages/{vid}?done=frozen", status_code=303)


# -- API ----------------------------------------------------------------------------------------
@router.get("/api/v1/vintages", name="api_vintages")
def api_vintages(request: Request) -> list[dict]:
    return [_row(v) for v in deps.store(request).vintages.all()]


@router.get("/api/v1/vintages/{id}/revisions", name="api_vintage_revisions")
def api_vintage_revisions(request: Request, id: str) -> dict:
    return revisions(request, figures.known(request, id)).as_dict()
