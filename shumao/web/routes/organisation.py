"""机构设置 (管理, admin): the association's name, its city and the short way its texts refer
to the city (model.organisation) — the page ``/admin/organisation`` and ``GET`` / ``PUT
/api/v1/organisation``.  What reads them: the portal's header, the 数据月报 and its
downloads (web/figures.settings), a new bulletin's masthead, and ``shumao report``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from shumao.errors import InputError
from shumao.model.organisation import FIELDS, Organisation
from shumao.report.settings import ReportSettings
from shumao.web import deps
from shumao.web.access import Viewer, address, guard
from shumao.web.bodies import json_body
from shumao.web.pages import render

router = APIRouter(dependencies=[Depends(guard)])


def _page(request: Request, org: Organisation | dict, error: str | None = None, saved: bool = False,
          status: int = 200) -> Response:
    form = org.as_dict() if isinstance(org, Organisation) else org
    return render(request, "admin_organisation.html", {
        "form": form, "fields": FIELDS, "defaults": ReportSettings(), "error": error, "saved": saved},
        status=status)


@router.get("/admin/organisation", name="admin_organisation")
def organisation_page(request: Request, saved: str = "") -> Response:
    return _page(request, deps.store(request).organisation.get(), saved=saved == "1")


@router.post("/admin/organisation", name="admin_organisation_set")
def organisation_set(request: Request, name: Annotated[str, Form()] = "", region: Annotated[str, Form()] = "",
                     short: Annotated[str, Form()] = "") -> Response:
    viewer: Viewer = request.state.viewer
    typed = {"name": name, "region": region, "short": short}
    try:
        org = Organisation.checked(**typed)
    except InputError as e:
        return _page(request, typed, str(e), status=400)
    deps.store(request).organisation.set(org, viewer.name or "", address(request))
    return RedirectResponse("/admin/organisation?saved=1", status_code=303)


@router.get("/api/v1/organisation", name="api_organisation")
def api_organisation(request: Request) -> dict:
    """``{"name", "region", "short"}`` as set ("" where not set: the report's defaults apply)."""
    return deps.store(request).organisation.get().as_dict()


@router.put("/api/v1/organisation", name="api_organisation_set")
async def api_organisation_set(request: Request) -> dict:
    """``{"name"?, "region"?, "short"?}``: what is given changes ("" clears it), the rest keeps
    its value; answers the settings as saved."""
    body = await json_body(request)
    store = deps.store(request)
    org = Organisation.checked(**{**store.organisation.get().as_dict(), **body})
    viewer: Viewer = request.state.viewer
    store.organisation.set(org, viewer.name or "", address(request))
    return org.as_dict()
