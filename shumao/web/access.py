"""Who is asking, and may they: the one dependency every route runs (``guard``).

It finds the user — an ``Authorization: Bearer`` token, else the session cookie — reads
them from the store (so a disabled user is refused at once), applies the route's ``Rule``
from permissions.py, and for a cookie-authenticated unsafe request checks the CSRF token
(the ``X-CSRF-Token`` header or the form field ``csrf_token``; web.md: 403 without it).
A user whose password an admin reset reaches only the routes of ``rules.MUST_CHANGE``
until they change it: a page sends them to 我的账号, the API answers 403.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from shumao.access import accounts
from shumao.access.rules import ANONYMOUS, MUST_CHANGE, RULES
from shumao.store.rows import User
from shumao.web import auth, deps

COOKIE = "shumao_session"
SAFE = frozenset({"GET", "HEAD", "OPTIONS"})


class Refused(Exception):
    """A request the guard or a route turns away: status, stable code, Chinese message.
    The app's handler answers JSON on the API and a page elsewhere (303 to 登录 for an
    anonymous visitor on a page)."""

    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


def not_found(what: str = "页面") -> Refused:
    return Refused(404, "not-found", f"找不到该{what}，或您没有查看它的权限")


@dataclass
class Viewer:
    user: User | None
    session: auth.Session | None = None
    via: str = "anonymous"           # "session" | "token" | "anonymous"

    @property
    def role(self) -> str:
        return self.user.role if self.user else ANONYMOUS

    @property
    def name(self) -> str | None:
        return self.user.name if self.user else None

    @property
    def csrf(self) -> str:
        return self.session.csrf if self.session else ""


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def address(request: Request) -> str:
    return request.client.host if request.client else "unknown"


async def identify(request: Request) -> Viewer:
    portal = deps.portal(request)
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        user = await run_in_threadpool(portal.store.users.token_user, accounts.token_hash(header[7:].strip()))
        if user is None:
            raise Refused(401, "bad-token", "API 令牌无效、已过期或已撤销")
        return Viewer(user, via="token")
    session = portal.sessions.get(request.cookies.get(COOKIE))
    if session is None:
        return Viewer(None)
    if session.user is None:
        return Viewer(None, session, "anonymous")
    user = await run_in_threadpool(portal.store.users.get, session.user)
    if user is None or user.disabled:
        portal.sessions.drop(session.id)
        return Viewer(None)
    return Viewer(user, session, "session")


async def guard(request: Request) -> Viewer:
    viewer = await identify(request)
    request.state.viewer = viewer
    route = request.scope["route"]
    rule = RULES[route.name]
    if viewer.role not in rule.roles:
        if viewer.user is None:
            raise Refused(401, "sign-in-required", "请先登录")
        if rule.hide:
            raise not_found()
        raise Refused(403, "forbidden", "您的账号没有使用此功能的权限")
    if viewer.user is not None and viewer.user.must_change and route.name not in MUST_CHANGE:
        if is_api(request):
            raise Refused(403, "password-change-required",
                          "管理员重设了该账号的密码，请先修改密码（PUT /api/v1/me/password）")
        raise Refused(303, "password-change-required", "/account")
    if request.method not in SAFE and viewer.via != "token":
        sent = request.headers.get("x-csrf-token")
        if sent is None and request.headers.get("content-type", "").startswith(
                ("application/x-www-form-urlencoded", "multipart/form-data")):
            field = (await request.form()).get("csrf_token")
            sent = field if isinstance(field, str) else None
        if not auth.same(viewer.csrf, sent):
            raise Refused(403, "csrf", "表单已过期或来源不明（缺少有效的安全令牌），请刷新页面后重试")
    return viewer
