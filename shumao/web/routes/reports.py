"""数据月报 (staff, admin): the text of ``shumao report`` with a copy button, the checks
flagged before publication, downloads in every format, 发布并冻结本期数据 (a vintage:
routes/vintages.py), and ``GET /api/v1/report`` (with ``vintage``: as published then).

Every format is the CLI's own rendering of the same ``ReportDoc`` (shared between users,
web/figures.py): the text is exactly the 数据月报, the JSON exactly ``--format json``.
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from shumao.model.periods import Period
from shumao.report import formats
from shumao.report.data import as_json
from shumao.report.service import ReportDoc
from shumao.web import figures
from shumao.web.access import Refused, guard
from shumao.web.pages import render
from shumao.web.routes import vintages as frozen

router = APIRouter(dependencies=[Depends(guard)])

# format → (file extension, media type, label); the names of ``shumao report --format``
FORMATS = {
    "text": ("txt", "text/plain; charset=utf-8", "纯文本"),
    "md": ("md", "text/markdown; charset=utf-8", "Markdown"),
    "html": ("html", "text/html; charset=utf-8", "网页（带图表）"),
    "xlsx": ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "Excel 表格"),
    "json": ("json", "application/json", "JSON 数据"),
}
API_FORMATS = ("json", "text")
UNSAFE_IN_NAME = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]')
DISCLOSURE = ("few-enterprises", "dominant-enterprise")


def _body(doc: ReportDoc, fmt: str, portal) -> bytes:
    if fmt == "text":
        return doc.text.encode()
    if fmt == "json":
        return as_json(doc).encode()
    if fmt == "md":
        return formats.markdown(doc).encode()
    if fmt == "html":
        charted = figures.report(portal, doc.period, doc.settings, charts=True)
        return formats.html(charted).encode()
    with tempfile.TemporaryDirectory(prefix="shumao-xlsx-") as tmp:
        path = Path(tmp) / "report.xlsx"
        formats.xlsx(doc, path)
        return path.read_bytes()


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
    portal = request.app.state.portal
    settings = figures.settings(region, short)
    summary = figures.summary(portal)
    keep = {k: v for k, v in (("region", region), ("short", short)) if v}
    ctx: dict = {"asked": period or "", "region": region or "", "short": short or "",
                 "defaults": type(settings)(), "choices": figures.choices(summary),
                 "grammar": figures.GRAMMAR, "keep": keep, "doc": None, "error": None, "p": None,
                 "formats": FORMATS}
    page = figures.shown(portal, period, settings, summary)
    if page.period:
        ctx.update(p=page.period, asked=page.period.short())
    ctx["error"] = page.error
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
    portal = request.app.state.portal
    fmt = _format(format, tuple(FORMATS))
    p = figures.period_of(period)
    doc = figures.report(portal, p, figures.settings(region, short))
    ext, media, _ = FORMATS[fmt]
    fallback = f"shumao-report-{str(p).replace('..', '_')}.{ext}"
    return Response(_body(doc, fmt, portal), media_type=media,
                    headers={"Content-Disposition": disposition(f"{doc.title}.{ext}", fallback)})


@router.get("/api/v1/report", name="api_report")
def report_api(request: Request, period: str | None = None, region: str | None = None,
               short: str | None = None, format: str = "json", vintage: str | None = None) -> Response:
    """``shumao report --period P [--region --short] --format json|text``, byte for byte."""
    fmt = _format(format, API_FORMATS)
    if vintage is not None:
        return _published(request, vintage, period, region, short, fmt)
    p = figures.period_of(period)
    doc = figures.report(request.app.state.portal, p, figures.settings(region, short))
    return Response(_body(doc, fmt, request.app.state.portal), media_type=FORMATS[fmt][1])


def _published(request: Request, vintage: str, period: str | None, region: str | None,
               short: str | None, fmt: str) -> Response:
    """web.md: with ``vintage``, the figures as published then — the stored text or JSON,
    once the vintage's frozen records have reproduced it (filings.vintages.report)."""
    v = frozen.known(request, vintage)
    own = Period.parse(v["period"])
    if period is not None and period.strip():
        p = figures.period_of(period)
        if p != own:
            raise Refused(400, "vintage-period",
                          f"第 {v['id']} 号数据版本是{own.words()}（{own.short()}）的数据月报，"
                          f"与参数 period 的{p.words()}（{p.short()}）不符；带 vintage 时可以不写 period")
    if region or short:
        raise Refused(400, "vintage-settings", "数据版本按发布时的地区名称和简称原样重现，"
                                               "带 vintage 时不能再指定 region 或 short")
    frozen.published(request, v)
    return Response(v["text"] if fmt == "text" else v["figures"], media_type=FORMATS[fmt][1])
