"""Rendering a page: the Jinja2 templates (autoescaped: no user text reaches a page
unescaped), the navigation each role sees, and the values every page gets."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.routing import NoMatchFound

from shumao.access.rules import ROLE_ZH, allows
from shumao.model.periods import moment_words

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

# (route name, label, the route names' prefixes that belong to it): each shown to the roles
# the permission table lets in (vintages: 数据版本 belongs to 数据月报)
NAV = (("dashboard", "仪表盘", ("dashboard", "explain")), ("import_page", "导入", ("import",)),
       ("report_page", "数据月报", ("report", "vintage")), ("digital_page", "数字贸易", ("digital",)),
       ("bulletin_list", "简报", ("bulletin",)),
       ("members", "会员企业", ("members",)), ("board", "填报进度", ("board",)),
       ("filings", "企业填报", ("filing",)), ("review_queue", "审核", ("review",)),
       ("admin_users", "管理", ("admin",)),
       ("archive", "公开简报", ("archive",)))


def _json_script(value: Any) -> Markup:
    """Data for a page's script, safe inside <script type="application/json">."""
    text = json.dumps(value, ensure_ascii=False, default=str)
    return Markup(text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


when = moment_words        # the templates' filter


TEMPLATES.env.filters["json_script"] = _json_script
TEMPLATES.env.filters["when"] = when


def _path(request: Request, name: str) -> str | None:
    try:
        return request.url_for(name).path
    except NoMatchFound:
        return None


def render(request: Request, template: str, context: dict | None = None, status: int = 200):
    viewer = request.state.viewer if hasattr(request.state, "viewer") else None
    role = viewer.role if viewer else "anonymous"
    here = getattr(request.scope.get("route"), "name", "")
    nav = [(path, label, here.startswith(prefixes)) for name, label, prefixes in NAV
           if allows(name, role) and (path := _path(request, name))]
    ctx = {"viewer": viewer, "role_zh": ROLE_ZH.get(role, role), "nav": nav,
           "csrf": viewer.csrf if viewer else "",
           **(context or {})}
    response = TEMPLATES.TemplateResponse(request, template, ctx, status_code=status)
    if viewer and viewer.user:
        response.headers["Cache-Control"] = "no-store"   # signed-in pages stay off shared caches
    return response
