"""数据月报 (staff, admin): the text of ``shumao report`` with a copy button, the checks
flagged before publication, downloads in every format, 发布并冻结本期数据 (a vintage:
routes/vintages.py), and ``GET /api/v1/report`` (with ``vintage``: as published then).

Every format is the CLI's own rendering of the same ``ReportDoc`` (shared between users,
web/figures.py): the text is exactly the 数据月报, the JSON exactly ``--format json``.
"""

from __future__ import annotations

import re
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from shumao.model.periods import Period
from shumao.report.render import RENDERERS
from shumao.report.request import ReportRequest
from shumao.web import deps, figures
from shumao.web.access import Refused, guard
from shumao.web.pages import render

router = APIRouter(dependencies=[Depends(guard)])

API_FORMATS = ("json", "text")      # the API answers data and text; the page downloads every format
UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
DISCLOSURE = ("few-enterprises", "dominant-enterprise")


def disposition(name: str, fallback: str) -> str:
    """``attachment`` with an ASCII name and the real (Chinese) one by RFC 5987."""
    safe = UNSAFE_IN_NAME.sub("_", name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(safe, safe='')}"


def _format(fmt: str, allowed) -> str:
    if fmt not in allowed:
        raise Refused(400, "bad-format", f"格式只能是 {'、'.join(allowed)}（收到“{fmt}”）")
    return fmt


@router.get("/report", name="report_page")
def report_page(request: Request, period: str | None = None, region: str | None = None,
                short: str | None = None) -> Response:
    portal = deps.portal(request)
    settings = figures.settings(portal, region, short)
    keep = {k: v for k, v in (("region", region), ("short", short)) if v}
    ctx: dict = {"asked": period or "", "region": region or "", "short": short or "",
                 "defaults": figures.settings(portal, None, None), "choices": figures.choices(figures.months(portal)),
                 "grammar": figures.GRAMMAR, "keep": keep, "doc": None, "error": None, "notice": None,
                 "p": None, "formats": RENDERERS}
    page = figures.shown(portal, period, settings)
    if page.period:
        ctx.update(p=page.period, asked=page.period.words(),
                   pending=figures.pending(portal, page.period))
    ctx.update(error=page.error, notice=page.notice)
    if page.doc and page.period:
        doc = page.doc
        shown = page.period
        ctx.update(doc=doc, query={**keep, "period": page.period.short()},
                   frozen=[v for v in portal.store.vintages.all() if Period.parse(v["period"]) == shown],
                   disclosure=[c for c in doc.flagged if c.code in DISCLOSURE],
                   inconsistent=[c for c in doc.flagged if c.code not in DISCLOSURE])
    return render(request, "report.html", ctx, status=page.status)


@router.get("/report/download", name="report_download")
def report_download(request: Request, period: str | None = None, format: str = "text",
                    region: str | None = None, short: str | None = None) -> Response:
    fmt = _format(format, tuple(RENDERERS))
    p = figures.period_of(period)
    made = figures.produced(deps.portal(request), ReportRequest(
        p, figures.settings(deps.portal(request), region, short), charts=RENDERERS[fmt].charts))
    body, ext = made.body(fmt), RENDERERS[fmt].ext
    fallback = f"shumao-report-{str(p).replace('..', '_')}.{ext}"
    return Response(body, media_type=RENDERERS[fmt].media_type,
                    headers={"Content-Disposition": disposition(f"{made.doc.title}.{ext}", fallback)})


@router.get("/api/v1/report", name="api_report")
def report_api(request: Request, period: str | None = None, region: str | None = None,
               short: str | None = None, format: str = "json", vintage: str | None = None) -> Response:
    """``shumao report --period P [--region --short] --format json|text``, byte for byte; with
    ``vintage``, the text or JSON as published then (web.md), once the vintage's frozen records
    have reproduced it (publication.vintages.report)."""
    fmt = _format(format, API_FORMATS)
    if vintage is None:
        req = ReportRequest(figures.period_of(period), figures.settings(deps.portal(request), region, short))
    else:   # a vintage keeps the settings it was published with: none are read for it
        req = ReportRequest(figures.period_of(period) if period is not None and period.strip() else None,
                            vintage=vintage, given=tuple(k for k, v in (("region", region), ("short", short)) if v))
    made = figures.produced(deps.portal(request), req)
    return Response(made.body(fmt), media_type=RENDERERS[fmt].media_type)
