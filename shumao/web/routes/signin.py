"""登录 and 退出 (web.md "Sign-in and safety"), and the front door."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Annotated, TypeVar

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from shumao.access import accounts
from shumao.access.roles import STAFF
from shumao.errors import InputError
from shumao.web import auth, deps
from shumao.web.access import COOKIE, Refused, Viewer, address, guard
from shumao.web.pages import render
from shumao.web.words import said

router = APIRouter(dependencies=[Depends(guard)])
T = TypeVar("T")
TOO_MANY = "登录失败次数过多，请一分钟后再试"


async def throttled(request: Request, name: str, check: Callable[[], T],
                    too_many: str = TOO_MANY) -> tuple[auth.Attempt, T]:
    """Run a password ``check`` of ``name`` under the sign-in throttle (auth.Throttle): the
    attempt counted first, slowed, refused with 429 past the limit or when every check is
    busy.  The caller tells the throttle of a success (``succeeded``)."""
    portal = deps.portal(request)
    attempt = portal.throttle.begin(name, address(request))    # counted before the check
    if attempt is None:
        raise Refused(429, "too-many-attempts", too_many)
    await asyncio.sleep(attempt.wait)
    if not await portal.throttle.start_check():
        portal.throttle.cancel(attempt)
        raise Refused(429, "busy", "同时登录的人太多，服务器正忙，请稍等几秒后再试")
    try:
        return attempt, await run_in_threadpool(check)
    finally:
        portal.throttle.end_check()


def _safe_next(target: str | None) -> str | None:
    """Only a path on this site (never ``//host`` or a scheme): no open redirect."""
    if target and target.startswith("/") and not target.startswith(("//", "/\\")):
        return target
    return None


def _start(viewer: Viewer) -> str:
    if viewer.user is not None and viewer.user.must_change:
        return "/account"             # a one-time password: changed before anything else
    return {"enterprise": "/filings", "reviewer": "/review"}.get(
        viewer.role, "/dashboard" if viewer.role in STAFF else "/archive")


def _set_cookie(request: Request, response: Response, sid: str) -> None:
    portal = deps.portal(request)
    response.set_cookie(COOKIE, sid, httponly=True, samesite="lax", path="/",
                        secure=request.url.scheme == "https", max_age=int(portal.sessions.idle))


@router.get("/", name="home")
def home(request: Request) -> Response:
    return RedirectResponse(_start(request.state.viewer), status_code=303)


@router.get("/login", name="login_form")
def login_form(request: Request, next: str | None = None) -> Response:
    viewer: Viewer = request.state.viewer
    if viewer.user is not None:
        return RedirectResponse(_safe_next(next) or _start(viewer), status_code=303)
    portal = deps.portal(request)
    if viewer.session is None:      # a visitor's session only carries the form's CSRF token
        viewer.session = portal.sessions.new(None)
    response = render(request, "login.html", {"next": _safe_next(next) or ""})
    _set_cookie(request, response, viewer.session.id)
    return response


@router.post("/login", name="login")
async def login(request: Request, username: Annotated[str, Form()] = "",
                password: Annotated[str, Form()] = "", next: Annotated[str, Form()] = "") -> Response:
    portal = deps.portal(request)
    viewer: Viewer = request.state.viewer
    back = _safe_next(next) or ""
    try:
        name = accounts.typed_name(username)         # over 64 characters: refused, not kept
    except InputError as e:
        return render(request, "login.html", {"next": back, "error": said(e)}, status=400)
    where = address(request)

    def check():
        user = portal.store.users.get(name) if name else None
        return user, accounts.check_password(user.password_hash if user else None, password)

    attempt, (user, ok) = await throttled(request, name, check)
    if not ok or user is None or user.disabled:
        await run_in_threadpool(portal.store.audit.append, accounts.shown_name(name) or "（空）",
                                "login-failed", {}, where)
        return render(request, "login.html", {"next": back, "username": name,
                                              "error": "用户名或密码不正确，或账号已停用"}, status=401)
    portal.throttle.succeeded(attempt)
    portal.sessions.drop(viewer.session.id if viewer.session else None)
    session = portal.sessions.new(user.name)        # a new session id at sign-in
    await run_in_threadpool(portal.store.audit.append, user.name, "login", {}, where)
    start = _start(Viewer(user))
    response = RedirectResponse(start if user.must_change else back or start, status_code=303)
    _set_cookie(request, response, session.id)
    return response


@router.post("/logout", name="logout")
def logout(request: Request) -> Response:
    viewer: Viewer = request.state.viewer
    deps.portal(request).sessions.drop(viewer.session.id if viewer.session else None)
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE, path="/")
    return response
