"""管理 (admin only): accounts — adding, disabling and enabling, resetting a password — and the
audit log, as pages and as the API (``/api/v1/users/…``, ``GET /api/v1/audit``).  A reset or
a disabling ends the account's sessions here (its tokens in accounts.py)."""

from __future__ import annotations

import datetime as dt
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from shumao.access import accounts
from shumao.access.rules import ROLE_ZH
from shumao.errors import InputError
from shumao.web import audit as audit_words
from shumao.web import deps
from shumao.web.access import Refused, Viewer, address, guard, not_found
from shumao.web.bodies import json_body
from shumao.web.pages import render
from shumao.web.words import said

router = APIRouter(dependencies=[Depends(guard)])
def _users_page(request: Request, error: str | None = None, form: dict | None = None,
                status: int = 200, reset: dict | None = None) -> Response:
    store = deps.store(request)
    names = {e["enterprise_id"]: e["name"] for e in store.records.enterprises()}
    return render(request, "admin_users.html", {
        "users": store.users.all(), "roles": ROLE_ZH, "error": error, "form": form or {},
        "reset": reset, "names": names, "regions": accounts.regions(store)}, status=status)


@router.get("/admin/users", name="admin_users")
def users_page(request: Request) -> Response:
    return _users_page(request)


@router.post("/admin/users", name="admin_user_add")
def user_add(request: Request, name: Annotated[str, Form()] = "", role: Annotated[str, Form()] = "",
             password: Annotated[str, Form()] = "", enterprise: Annotated[str, Form()] = "",
             region: Annotated[str, Form()] = "", email: Annotated[str, Form()] = "") -> Response:
    viewer: Viewer = request.state.viewer
    try:
        accounts.add(deps.store(request), name, role, password, enterprise=enterprise,
                     region=region, email=email, actor=viewer.name or "", address=address(request))
    except InputError as e:
        form = {"name": name, "role": role, "enterprise": enterprise, "region": region,
                "email": email}
        return _users_page(request, said(e), form, status=400)
    return RedirectResponse(f"/admin/users?added={name}", status_code=303)


SELF = {"disable": "不能停用自己正在使用的账号（请由另一位管理员操作）",
        "password": "不能在这里重设自己的密码，请在“我的账号”中修改"}


def _other(request: Request, name: str, what: str) -> None:
    """``name`` is an account, and not the admin's own (refused in ``SELF``'s words)."""
    if deps.store(request).users.get(name) is None:
        raise not_found("账号")
    if name == request.state.viewer.name:
        raise InputError(SELF[what])


def _disable(request: Request, name: str) -> None:
    _other(request, name, "disable")
    portal = deps.portal(request)
    accounts.disable(portal.store, name, actor=request.state.viewer.name or "",
                     address=address(request))
    portal.sessions.drop_user(name)


def _enable(request: Request, name: str) -> None:
    if deps.store(request).users.get(name) is None:
        raise not_found("账号")
    accounts.enable(deps.store(request), name, actor=request.state.viewer.name or "",
                    address=address(request))


def _reset(request: Request, name: str, password: str | None) -> str:
    _other(request, name, "password")
    portal = deps.portal(request)
    made = accounts.reset_password(portal.store, name, password,
                                   actor=request.state.viewer.name or "", address=address(request))
    portal.sessions.drop_user(name)
    return made


def _done(request: Request, name: str, act) -> Response:
    """A page's action on an account: back to the table saying what was done, or the table
    with the refusal."""
    try:
        act()
    except InputError as e:
        return _users_page(request, f"账号“{name}”：{said(e)}", status=400)
    return RedirectResponse("/admin/users", status_code=303)


@router.post("/admin/users/{name}/disable", name="admin_user_disable")
def user_disable(request: Request, name: str) -> Response:
    return _done(request, name, lambda: _disable(request, name))


@router.post("/admin/users/{name}/enable", name="admin_user_enable")
def user_enable(request: Request, name: str) -> Response:
    return _done(request, name, lambda: _enable(request, name))


@router.post("/admin/users/{name}/password", name="admin_user_password")
def user_password(request: Request, name: str, password: Annotated[str, Form()] = "") -> Response:
    """Reset a password — the one typed, or a generated one when the box is left empty —
    shown once on the answer (never in a redirect's address or the log)."""
    try:
        made = _reset(request, name, password or None)
    except InputError as e:
        return _users_page(request, f"账号“{name}”：{said(e)}", status=400)
    return _users_page(request, reset={"name": name, "password": made if not password else None})


@router.post("/api/v1/users/{name}/password", name="api_user_password")
async def api_user_password(request: Request, name: str) -> dict:
    """``{"password": "…"}`` or ``{}`` (a generated one-time password, in the answer once)."""
    body = await json_body(request, optional=True)
    password = body.get("password")
    if set(body) - {"password"} or (password is not None and not isinstance(password, str)):
        raise Refused(400, "bad-input", '请求内容应为 {"password": "新密码"}，或 {} 由系统生成一次性密码')
    made = await run_in_threadpool(_reset, request, name, password or None)
    return {"name": name, "must_change": True, **({"password": made} if not password else {})}


@router.post("/api/v1/users/{name}/disable", name="api_user_disable")
def api_user_disable(request: Request, name: str) -> dict:
    _disable(request, name)
    return {"name": name, "disabled": True}


@router.post("/api/v1/users/{name}/enable", name="api_user_enable")
def api_user_enable(request: Request, name: str) -> dict:
    _enable(request, name)
    return {"name": name, "disabled": False}


@router.post("/admin/users/{name}/email", name="admin_user_email")
def user_email(request: Request, name: str, email: Annotated[str, Form()] = "") -> Response:
    """Set or clear an account's e-mail (reminders go to enterprise accounts' addresses)."""
    portal = deps.portal(request)
    if portal.store.users.get(name) is None:
        raise not_found("账号")
    viewer: Viewer = request.state.viewer
    try:
        accounts.set_email(portal.store, name, email, actor=viewer.name or "", address=address(request))
    except InputError as e:
        return _users_page(request, f"账号“{name}”：{e}", status=400)
    return RedirectResponse("/admin/users", status_code=303)


def _filters(request: Request) -> tuple[dict, dict]:
    """The audit filters as asked (``actor``, ``action``, ``from``, ``to`` as YYYY-MM-DD) and
    as the store takes them; a date that is not one is refused in words."""
    q = request.query_params
    asked = {k: (q.get(k) or "").strip() for k in ("actor", "action", "from", "to")}
    days = {}
    for key, label in (("from", "开始日期"), ("to", "结束日期")):
        try:
            days[key] = dt.date.fromisoformat(asked[key]) if asked[key] else None
        except ValueError:
            raise InputError(f"{label}“{asked[key]}”不是日期（应为 2026-12-10 这样的格式）") from None
    since, before = audit_words.day_bounds(days["from"], days["to"])
    return asked, {"actor": asked["actor"] or None, "action": asked["action"] or None,
                   "since": since, "before": before}


@router.get("/admin/audit", name="admin_audit")
def audit_page(request: Request, limit: int = 200) -> Response:
    store = deps.store(request)
    error = None
    try:
        asked, where = _filters(request)
    except InputError as e:
        asked, where, error = {}, {}, str(e)
    log = store.audit.latest(max(1, min(limit, 2000)), **where)
    names = {e["enterprise_id"]: e["name"] for e in store.records.enterprises()}
    rows = [{**e, "action_zh": audit_words.action_words(e["action"]),
             "said": audit_words.said(e["action"], e["detail"], names)} for e in log]
    return render(request, "admin_audit.html", {
        "log": rows, "actions": audit_words.ACTIONS, "asked": asked, "error": error,
        "people": [u.name for u in store.users.all()], "filtered": any(asked.values())},
        status=400 if error else 200)


@router.get("/api/v1/audit", name="api_audit")
def audit_api(request: Request, limit: int = 200) -> list[dict]:
    """The newest entries first; ``actor``, ``action``, ``from`` and ``to`` (days) as on the page."""
    _, where = _filters(request)
    return [dict(e) for e in deps.store(request).audit.latest(max(1, min(limit, 10_000)), **where)]
