"""填报时间 (admin): each month's filing window — opens, the deadline, lock and reopen — as
the page ``/admin/windows`` and as ``GET /api/v1/windows`` / ``PUT /api/v1/windows/{period}``.
The rules (defaults, the year's close, what a lock stops) are ``filings.windows``; the
store writes the audit entry of every change."""

from __future__ import annotations

import datetime as dt

from fastapi import APIRouter, Depends, Request
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


DONE = {"save": "已保存{months}的填报时间。",                # what the page answers, in words
        "lock": "{months}已锁定：该月的记录不能再新增、修改、提交或审核，直到重新开放。",
        "reopen": "{months}已重新开放：企业可以继续填报和修改，审核员可以继续审核。",
        "none": "日期没有改动，未保存。"}


def _page(request: Request, error: str | None = None, form: dict | None = None,
          done: str = "", status: int = 200) -> Response:
    found = windows.windows(deps.store(request))
    return render(request, "admin_windows.html", {
        "windows": found, "error": error, "form": form or {}, "done": done,
        "listed": {w.month.strftime("%Y-%m") for w in found}}, status=status)


@router.get("/admin/windows", name="admin_windows")
def windows_page(request: Request, saved: str = "", did: str = "save") -> Response:
    done = ""
    try:
        months = [windows.parse_month(m) for m in saved.split(",") if m]
        if months or did == "none":
            done = DONE.get(did, DONE["save"]).format(months="、".join(_name(m) for m in months))
    except InputError:
        done = ""
    return _page(request, done=done)


def _save_all(request: Request, fields: dict[str, str]) -> list[dt.date]:
    """The table's one form (AD-8): every listed month whose dates were changed, checked
    all first (nothing written if one is wrong), then saved; the months saved."""
    store = deps.store(request)
    changes = []
    for w in windows.windows(store):
        key = w.month.strftime("%Y-%m")
        typed = {k: (fields.get(f"{k}-{key}") or "").strip() for k in ("opens", "closes")}
        try:
            opens = windows.parse_day(typed["opens"], "开始日期") if typed["opens"] else w.opens
            closes = windows.parse_day(typed["closes"], "截止日期") if typed["closes"] else w.closes
            windows.check_dates(opens, closes)
        except InputError as e:
            raise InputError(f"{_name(w.month)}：{e}") from None
        if (opens, closes) != (w.opens, w.closes):
            changes.append((w.month, opens, closes))
    viewer: Viewer = request.state.viewer
    for month, opens, closes in changes:
        windows.set_window(store, month, opens=opens, closes=closes, actor=viewer.name or "",
                           address=address(request))
    return [m for m, _, _ in changes]


@router.post("/admin/windows", name="admin_window_set")
async def window_set(request: Request) -> Response:
    viewer: Viewer = request.state.viewer
    fields = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    action = fields.get("action", "save")
    if action == "save-all":
        try:
            saved = await run_in_threadpool(_save_all, request, fields)
        except InputError as e:
            return _page(request, str(e), {k: v.strip() for k, v in fields.items()}, status=400)
        where = f"saved={','.join(f'{m:%Y-%m}' for m in saved)}&did=save" if saved else "did=none"
        return RedirectResponse(f"/admin/windows?{where}", status_code=303)
    form = {k: fields.get(k, "").strip() for k in ("period", "opens", "closes")}
    try:
        month = windows.parse_month(form["period"])
        if action not in ACTIONS:
            raise InputError(f"不认识的操作“{action}”（只能是保存、锁定或重新开放）")
        try:
            await run_in_threadpool(lambda: windows.set_window(
                deps.store(request), month,
                opens=windows.parse_day(form["opens"], "开始日期") if form["opens"] else None,
                closes=windows.parse_day(form["closes"], "截止日期") if form["closes"] else None,
                locked=ACTIONS[action], actor=viewer.name or "", address=address(request)))
        except InputError as e:
            raise InputError(f"{_name(month)}：{e}") from None
    except InputError as e:
        return _page(request, str(e), form, status=400)
    return RedirectResponse(f"/admin/windows?saved={month:%Y-%m}&did={action}#w-{month:%Y-%m}",
                            status_code=303)


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
