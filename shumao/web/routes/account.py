"""我的账号 (issue 20 AD-1): every signed-in user sees their account and changes their own
password, the old one required — as a page and as ``PUT /api/v1/me/password``.

A wrong old password counts against the sign-in throttle (auth.Throttle), as a wrong
sign-in does: a stolen session cannot try passwords faster than the sign-in form.  After a
change the user's other sessions end; a one-time password (an admin's reset) is changed here
before any other page opens (access.guard).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from shumao.access import accounts
from shumao.errors import InputError
from shumao.web import deps
from shumao.web.access import Refused, Viewer, address, guard, is_api
from shumao.web.bodies import json_body
from shumao.web.pages import render
from shumao.web.routes.signin import throttled
from shumao.web.words import said

router = APIRouter(dependencies=[Depends(guard)])
TOO_MANY = "原密码输错次数过多，请一分钟后再试"
WRONG = "原密码不正确（如果忘记了原密码，请联系协会秘书处重设）"


async def _change(request: Request, old: str, new: str) -> Refused | None:
    """Change the viewer's password; the refusal, or None when changed."""
    viewer: Viewer = request.state.viewer
    portal = deps.portal(request)
    name = viewer.name or ""

    def change() -> Refused | None:
        try:
            if not accounts.change_password(portal.store, name, old, new, address=address(request)):
                return Refused(400, "wrong-password", WRONG)
        except InputError as e:
            return Refused(400, e.code, said(e, api=is_api(request)))
        return None

    attempt, refusal = await throttled(request, name, change, TOO_MANY)
    if refusal is None or refusal.code != "wrong-password":    # the old password was right
        portal.throttle.succeeded(attempt)
    if refusal is None:
        portal.sessions.drop_user(name, keep=viewer.session.id if viewer.session else None)
    return refusal


def _page(request: Request, error: str | None = None, status: int = 200) -> Response:
    return render(request, "account.html", {"error": error,
                                            "changed": request.query_params.get("changed")},
                  status=status)


@router.get("/account", name="account")
def account_page(request: Request) -> Response:
    return _page(request)


@router.post("/account/password", name="account_password")
async def account_password(request: Request, old: Annotated[str, Form()] = "",
                           new: Annotated[str, Form()] = "",
                           again: Annotated[str, Form()] = "") -> Response:
    if new != again:
        return _page(request, "两次输入的新密码不一致，请重新输入", status=400)
    refusal = await _change(request, old, new)
    if refusal is not None:
        return _page(request, refusal.message, status=400)
    return RedirectResponse("/account?changed=1", status_code=303)


@router.put("/api/v1/me/password", name="api_me_password")
async def api_me_password(request: Request) -> dict:
    """``{"old": "…", "new": "…"}``: the caller's own password changed."""
    body = await json_body(request)
    old, new = body.get("old"), body.get("new")
    if not isinstance(old, str) or not isinstance(new, str) or set(body) - {"old", "new"}:
        raise Refused(400, "bad-input", '请求内容应为 {"old": "原密码", "new": "新密码"}，两项都是文字')
    refusal = await _change(request, old, new)
    if refusal is not None:
        raise refusal
    return {"name": request.state.viewer.name, "changed": True}
