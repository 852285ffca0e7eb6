"""Rendering a page: the Jinja2 templates (autoescaped: no user text reaches a page
unescaped), the navigation each role sees, and the values every page gets (the viewer,
the association's settings for the header)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates
from markupsafe import Markup
from starlette.routing import NoMatchFound

from shumao.access.rules import ROLE_ZH, allows
from shumao.errors import StoreError
from shumao.filing.rates import currency_zh, rate_text
from shumao.model.organisation import Organisation
from shumao.model.periods import day_words, moment_words
from shumao.report.numbers import grouped, growth_times

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))

# (route name, label, the route names' prefixes that belong to it): each shown to the roles
# the permission table lets in (vintages: 数据版本 belongs to 数据月报)
NAV = (("dashboard", "仪表盘", ("dashboard", "explain")), ("import_page", "导入", ("import",)),
       ("rates_page", "汇率", ("rates", "rate_")),
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


when = moment_words        # the templates' filters: a moment, and a day (X-1: 2026年12月10日)


def day(value: dt.date | str | None) -> str:
    """A day (a date, or ISO text from a record) as 2026年12月10日; — for none."""
    if not value:
        return "—"
    if isinstance(value, str):
        try:
            return day_words(dt.date.fromisoformat(value[:10]))
        except ValueError:
            return value
    return day_words(value)


TEMPLATES.env.filters["json_script"] = _json_script
TEMPLATES.env.filters["when"] = when
TEMPLATES.env.filters["currency"] = currency_zh      # CNY → 人民币（CNY）
TEMPLATES.env.filters["rate"] = rate_text            # 0.1384000000 → 0.1384
TEMPLATES.env.filters["day"] = day
TEMPLATES.env.filters["grouped"] = grouped          # 200,081.06 (staff read figures with separators)
TEMPLATES.env.filters["times"] = growth_times       # 增长288.6倍 (None below 100%)


def _path(request: Request, name: str) -> str | None:
    try:
        return request.url_for(name).path
    except NoMatchFound:
        return None


def organisation(request: Request) -> Organisation:
    """The association's settings (机构设置); the unset ones when the store cannot be read
    (the page that says so still has a header)."""
    try:
        return request.app.state.portal.store.organisation.get()
    except StoreError:
        return Organisation()


def render(request: Request, template: str, context: dict | None = None, status: int = 200):
    viewer = request.state.viewer if hasattr(request.state, "viewer") else None
    role = viewer.role if viewer else "anonymous"
    here = getattr(request.scope.get("route"), "name", "")
    nav = [(path, label, here.startswith(prefixes)) for name, label, prefixes in NAV
           if allows(name, role) and (path := _path(request, name))]
    ctx = {"viewer": viewer, "role_zh": ROLE_ZH.get(role, role), "nav": nav,
           "csrf": viewer.csrf if viewer else "", "org": organisation(request),
           **(context or {})}
    response = TEMPLATES.TemplateResponse(request, template, ctx, status_code=status)
    if viewer and viewer.user:
        response.headers["Cache-Control"] = "no-store"   # signed-in pages stay off shared caches
    return response
