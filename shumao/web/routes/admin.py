"""管理 (admin only): accounts and the audit log, as pages and as ``GET /api/v1/audit``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from shumao.access import accounts
from shumao.access.rules import ROLE_ZH
from shumao.errors import InputError
from shumao.web import deps
from shumao.web.access import Viewer, address, guard, not_found
from shumao.web.pages import render
from shumao.web.words import said

router = APIRouter(dependencies=[Depends(guard)])
AUDIT_ZH = {"import": "导入数据", "status": "更改记录状态", "user-add": "新增账号", "user-change": "修改账号",
            "token-add": "签发 API 令牌", "token-revoke": "撤销 API 令牌", "login": "登录",
            "login-failed": "登录失败", "bulletin-create": "新建简报", "bulletin-edit": "编辑简报",
            "bulletin-publish": "发布简报", "bulletin-revise": "建立简报更正版"}
AUDIT_ZH |= {"window-set": "设置填报时间", "reminder": "发送催报邮件"}   # issue 10: windows, reminders
AUDIT_ZH |= {"organisation-set": "修改机构设置"}


def _users_page(request: Request, error: str | None = None, form: dict | None = None,
                status: int = 200) -> Response:
    users = deps.store(request).users.all()
    return render(request, "admin_users.html", {"users": users, "roles": ROLE_ZH, "error": error,
                                                "form": form or {}}, status=status)


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


@router.post("/admin/users/{name}/disable", name="admin_user_disable")
def user_disable(request: Request, name: str) -> Response:
    portal = deps.portal(request)
    viewer: Viewer = request.state.viewer
    if portal.store.users.get(name) is None:
        raise not_found("账号")
    if name == viewer.name:
        return _users_page(request, "不能停用自己正在使用的账号", status=400)
    accounts.disable(portal.store, name, actor=viewer.name or "", address=address(request))
    portal.sessions.drop_user(name)
    return RedirectResponse("/admin/users", status_code=303)


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


@router.get("/admin/audit", name="admin_audit")
def audit_page(request: Request, limit: int = 200) -> Response:
    log = deps.store(request).audit.latest(max(1, min(limit, 2000)))
    return render(request, "admin_audit.html", {"log": log, "actions": AUDIT_ZH})


@router.get("/api/v1/audit", name="api_audit")
def audit_api(request: Request, limit: int = 200) -> list[dict]:
    return [dict(e) for e in deps.store(request).audit.latest(max(1, min(limit, 10_000)))]
