"""填报进度 (the status board): for a month, each enterprise's state, late flag and the
reminders it was sent (``filings.board``), filtered, sorted and exported; and the reminder
e-mails (``filings.reminders``): a confirmation page that lists who would get one, then the
summary of who did.

Which enterprises a viewer sees is its scope (access/scopes.py): staff and admin every one,
a reviewer only those of its region (all when its account has no region); a reviewer sends
no reminders.  The default month is the one being filed
now (``board.default_month``).
"""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path
from typing import Annotated
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from shumao.access.rules import allows
from shumao.access.scopes import scope
from shumao.errors import InputError, MailError
from shumao.filing import board, reminders, windows
from shumao.model.status import BOARD_ZH
from shumao.web import deps
from shumao.web.access import Viewer, address, guard
from shumao.web.pages import render

router = APIRouter(dependencies=[Depends(guard)])
SORT_ZH = {"state": "状态", "name": "企业名称", "code": "统一社会信用代码", "region": "区县",
           "first": "首次提交", "late": "逾期", "reminded": "已催报"}


def _month(request: Request, period: str) -> dt.date:
    if period.strip():
        return windows.parse_month(period)
    return board.default_month(deps.store(request))


def _mail(request: Request) -> reminders.MailSettings:
    return deps.portal(request).mail or reminders.MailSettings.from_settings()


@router.get("/board", name="board")
def board_page(request: Request, period: str = "", state: str = "", region: str = "",
               sort: str = "state") -> Response:
    viewer: Viewer = request.state.viewer
    store = deps.store(request)
    error, status = None, 200
    try:
        month = _month(request, period)
    except InputError as e:
        error, status, month = str(e), 400, board.default_month(store)
    limit = scope(viewer.user).filter()
    b = board.build(store, month, **limit)
    region = region if region in b.regions else ""
    try:
        shown = board.select(b.rows, state, region, sort)
    except InputError as e:
        error, status, state, sort = str(e), 400, "", "state"
        shown = board.select(b.rows, "", region, sort)
    in_region = board.select(b.rows, "", region)
    counts = board.Board(month, b.window, in_region).counts
    key = month.strftime("%Y-%m")

    def link(**change) -> str:
        q = {"period": key, "state": state, "region": region, "sort": sort, **change}
        return "/board?" + urlencode({k: v for k, v in q.items() if v})

    return render(request, "board.html", {
        "board": b, "rows": shown, "counts": counts, "total": len(in_region), "period": key,
        "month_zh": f"{month.year}年{month.month}月", "state": state, "region": region,
        "sort": sort, "sorts": SORT_ZH, "states": board.STATE_ZH, "statuses": BOARD_ZH,
        "link": link, "error": error, "scope": limit.get("region"),
        "may_remind": allows("board_remind", viewer.role),
        "export": "/board/export?" + urlencode({"period": key, "state": state, "region": region,
                                                 "sort": sort})},
        status=status)


@router.get("/board/export", name="board_export")
def board_export(request: Request, period: str = "", state: str = "", region: str = "",
                 sort: str = "state", format: str = "xlsx") -> Response:
    viewer: Viewer = request.state.viewer
    month = _month(request, period)
    b = board.build(deps.store(request), month, **scope(viewer.user).filter())
    shown = board.select(b.rows, state, region, sort)
    fmt = "csv" if format.lower() == "csv" else "xlsx"
    with tempfile.TemporaryDirectory(prefix="shumao-board-",
                                     dir=deps.portal(request).tmpdir) as tmp:
        path = Path(tmp) / f"board.{fmt}"
        board.write(path, shown)
        data = path.read_bytes()
    media = ("text/csv; charset=utf-8" if fmt == "csv" else
             "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    name = f"填报进度-{month:%Y-%m}.{fmt}"
    return Response(data, media_type=media, headers={
        "Content-Disposition": f"attachment; filename=\"board-{month:%Y-%m}.{fmt}\"; "
                               f"filename*=UTF-8''{quote(name)}"})


def _remind_page(request: Request, month: dt.date, outcome: reminders.Outcome | None = None,
                 error: str | None = None, status: int = 200) -> Response:
    store = deps.store(request)
    p = outcome.plan if outcome else reminders.plan(store, month)
    try:
        problem = _mail(request).refusal()
    except InputError as e:           # a setting that cannot be read (SHUMAO_SMTP_PORT=abc)
        problem = str(e)
    sent_before = board.build(store, month).rows
    return render(request, "board_remind.html", {
        "plan": p, "outcome": outcome, "error": error, "period": month.strftime("%Y-%m"),
        "month_zh": f"{month.year}年{month.month}月", "window": p.window,
        "refusal": p.window.refusal(), "problem": problem, "states": board.STATE_ZH,
        "reminded": {r.enterprise_id: r for r in sent_before},
        "no_address": reminders.NO_ADDRESS}, status=status)


@router.get("/board/remind", name="board_remind_confirm")
def remind_confirm(request: Request, period: str = "") -> Response:
    return _remind_page(request, _month(request, period))


@router.post("/board/remind", name="board_remind")
def remind(request: Request, period: Annotated[str, Form()] = "") -> Response:
    if not period.strip():
        raise InputError("请指定要催报的月份（period，如 2024-06）")
    month = windows.parse_month(period)
    viewer: Viewer = request.state.viewer
    try:
        mail = _mail(request)
    except InputError as e:           # a setting that cannot be read
        return _remind_page(request, month, error=str(e), status=503)
    try:
        outcome = reminders.send(deps.store(request), month, mail,
                                 viewer.name or "", address(request))
    except MailError as e:
        return _remind_page(request, month, error=str(e), status=503)
    except InputError as e:
        return _remind_page(request, month, error=str(e), status=409)
    return _remind_page(request, month, outcome)
