"""填报时间 (admin): each month's filing window — opens, the deadline, lock and reopen — as
the page ``/admin/windows`` and as ``GET /api/v1/windows`` / ``PUT /api/v1/windows/{period}``.
The rules (defaults, the year's close, what a lock stops) are ``filings.windows``; the
store writes the audit entry of every change."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from shumao.errors import InputError
from shumao.filing import windows
from shumao.web import deps
from shumao.web.access import Viewer, address, guard
from shumao.web.pages import render

router = APIRouter(dependencies=[Depends(guard)])
ACTIONS = {"save": None, "lock": True, "reopen": False}     # the page's buttons → locked
API_FIELDS = ("opens", "closes", "locked")


def _name(month: dt.date) -> str:
    return f"{month.year}年{month.month}月"


def _page(request: Request, error: str | None = None, form: dict | None = None,
          saved: str = "", status: int = 200) -> Response:
    found = windows.windows(deps.store(request))
    return render(request, "admin_windows.html", {
        "windows": found, "error": error, "form": form or {}, "saved": saved,
        "listed": {w.month.strftime("%Y-%m") for w in found}}, status=status)


@router.get("/admin/windows", name="admin_windows")
def windows_page(request: Request, saved: str = "") -> Response:
    shown = ""
    if saved:
        try:
            shown = _name(windows.parse_month(saved))
        except InputError:
            shown = ""
    return _page(request, saved=shown)


@router.post("/admin/windows", name="admin_window_set")
def window_set(request: Request, period: Annotated[str, Form()] = "",
               opens: Annotated[str, Form()] = "", closes: Annotated[str, Form()] = "",
               action: Annotated[str, Form()] = "save") -> Response:
    viewer: Viewer = request.state.viewer
    form = {"period": period.strip(), "opens": opens.strip(), "closes": closes.strip()}
    try:
        month = windows.parse_month(period)
        if action not in ACTIONS:
            raise InputError(f"不认识的操作“{action}”（只能是保存、锁定或重新开放）")
        try:
            windows.set_window(
                deps.store(request), month,
                opens=windows.parse_day(form["opens"], "开始日期") if form["opens"] else None,
                closes=windows.parse_day(form["closes"], "截止日期") if form["closes"] else None,
                locked=ACTIONS[action], actor=viewer.name or "", address=address(request))
        except InputError as e:
            raise InputError(f"{_name(month)}：{e}") from None
    except InputError as e:
        return _page(request, str(e), form, status=400)
    return RedirectResponse(f"/admin/windows?saved={month:%Y-%m}#w-{month:%Y-%m}", status_code=303)


@router.get("/api/v1/windows", name="api_windows")
def api_windows(request: Request) -> list[dict]:
    return [w.as_dict() for w in windows.windows(deps.store(request))]


@router.put("/api/v1/windows/{period}", name="api_window_set")
async def api_window_set(request: Request, period: str) -> dict:
    """``{"opens": "YYYY-MM-DD"?, "closes": "YYYY-MM-DD"?, "locked": true|false?}``: what is
    given changes, the rest keeps its value."""
    month = windows.parse_month(period)
    body = None
    if request.headers.get("content-type", "").startswith("application/json"):
        try:
            body = await request.json()
        except ValueError:
            body = None
    if not isinstance(body, dict):
        raise InputError('请求内容应为 JSON 对象（Content-Type: application/json），'
                         '如 {"closes": "2024-07-15", "locked": false}')
    unknown = sorted(set(body) - set(API_FIELDS))
    if unknown:
        raise InputError(f"不认识的字段：{'、'.join(unknown)}（只能是 opens、closes、locked）")
    locked = body.get("locked")
    if locked is not None and not isinstance(locked, bool):
        raise InputError(f"locked 应为 true 或 false（收到 {locked!r}）")
    opens = windows.parse_day(body["opens"], "开始日期（opens）") if body.get("opens") is not None else None
    closes = (windows.parse_day(body["closes"], "截止日期（closes）")
              if body.get("closes") is not None else None)
    viewer: Viewer = request.state.viewer
    w = await run_in_threadpool(windows.set_window, deps.store(request), month,
                                opens=opens, closes=closes, locked=locked,
                                actor=viewer.name or "", address=address(request))
    return w.as_dict()
