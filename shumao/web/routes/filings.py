"""企业填报 (web.md filings-web): an enterprise's clerk files contracts and executions,
sees the checks beside each field and submits with explanations; staff and reviewers read
the filings they may see.  Which filing a user may see is ``web.views.filing``'s; the same
operations as JSON are in ``routes/api/filings.py``, the reviewer's pages in ``review.py``.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from shumao.access.scopes import scope
from shumao.errors import ConflictError, InputError
from shumao.filing import checks, fields, service, windows
from shumao.filing.fields import TEMPLATE_NAME, upload_template
from shumao.filing.service import ChecksFailed
from shumao.ingest import causes
from shumao.model.status import FILING_ZH
from shumao.publication.beside import beside
from shumao.store.rows import Filing
from shumao.web import deps, uploads
from shumao.web.access import address, guard
from shumao.web.pages import render
from shumao.web.routes.imports import SHOWN
from shumao.web.views import filing as view

router = APIRouter(dependencies=[Depends(guard)])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/filings", name="filings")
def filings_page(request: Request, period: str = "", status: str = "", uploaded: str = "",
                 nil: str = "") -> Response:
    note = f"已上传 {uploaded} 条记录，均保存为草稿；请逐条查看检查结果后提交。" if uploaded.isascii() and uploaded.isdigit() else None
    if nil:
        try:
            m = windows.parse_month(nil)
            note = f"已申报{m.year}年{m.month}月无业务（零申报）。如该月后来有了业务，直接填报记录即可，零申报随之撤销。"
        except InputError:
            pass
    return _list(request, period, status, note=note)


@router.post("/filings/nil", name="filing_nil")
async def filing_nil(request: Request, period: Annotated[str, Form()] = "") -> Response:
    """零申报 from the home page's task list: the month had no business."""
    eid = view.own_enterprise(request)
    try:
        await view.threaded(service.declare_nil, deps.store(request), eid, period,
                            request.state.viewer.name, address(request))
    except (ConflictError, InputError) as e:
        return _list(request, "", "", error=str(e), code=409 if isinstance(e, ConflictError) else 400)
    return RedirectResponse(f"/filings?nil={period.strip()}", status_code=303)


def _list(request: Request, period: str, state: str, error: str | None = None,
          note: str | None = None, problems: list | None = None, code: int = 200) -> Response:
    """The list of filings the viewer may see, by month and state."""
    store, viewer = deps.store(request), request.state.viewer
    months = None
    if period.strip():
        try:
            months = view.months(period)
        except InputError as e:
            error, code = str(e), 400
    found = store.filings.find(months=months, status=state if state in FILING_ZH else None,
                          **scope(viewer.user).filter())
    grouped = causes.group(problems or [])       # by cause, as the staff's import shows them
    ctx: dict[str, Any] = {"filings": found, "period": period, "status": state,
                           "states": FILING_ZH, "error": error, "kinds": fields.KIND_ZH,
                           "note": note, "problems": grouped[:SHOWN],
                           "more": len(grouped) > SHOWN, "shown": SHOWN}
    if viewer.role == "enterprise":
        eid = viewer.user.enterprise_id or ""
        ctx["enterprise"] = store.records.enterprise(eid)
        if ctx["enterprise"] is not None:
            ctx["task"] = view.task(store, eid)
        newest = [v["id"] for v in store.vintages.all()[:1]]     # a publication changes it too
        ctx["beside"] = deps.portal(request).shared.get(
            store.generation(), ("beside", eid, *newest), lambda: beside(store, eid))
    return render(request, "filings.html", ctx, status=code)


@router.get("/filings/checks", name="filing_checks")
def filing_checks(request: Request) -> Response:
    return render(request, "filing_checks.html", {"rows": checks.catalogue_rows(),
                                                  "labels": view.labels()})


@router.get("/filings/new", name="filing_new")
def filing_new(request: Request, kind: str = "contract", contract: str = "") -> Response:
    eid = view.own_enterprise(request)
    k = fields.KINDS.get(kind, "contracts")
    return view.form(request, k, eid, {"contract_id": contract} if contract else {}, [], None)


@router.post("/filings/new", name="filing_create")
async def filing_create(request: Request) -> Response:
    eid = view.own_enterprise(request)
    form = await request.form()
    kind = fields.KINDS.get(str(form.get("kind")), "contracts")
    values = _values(kind, form)
    return await _save(request, kind, eid, values, None, service.create, deps.store(request),
                       kind, values, eid, request.state.viewer.name, "form", address(request))


@router.post(uploads.FILING_UPLOAD, name="filing_upload")
async def filing_upload(request: Request) -> Response:
    """A month's records in the import format → drafts, all or none; its size limited far
    below the staff's imports (uploads.FILING_MB, in app's body limit and the zip's budget)."""
    eid, portal, viewer = view.own_enterprise(request), deps.portal(request), request.state.viewer
    form = await request.form()
    try:
        parts = [(f.filename, f.file) for f in form.getlist("file") if isinstance(f, UploadFile)]

        def run():
            with uploads.saved(parts, uploads.filing_limit(portal.upload_limit),
                               portal.tmpdir) as saved:
                if not saved.paths:
                    raise InputError("请选择要上传的 CSV 或 XLSX 文件")
                return service.upload(portal.store, saved.paths, saved.names, eid, viewer.name,
                                      address(request))

        created, problems = await view.threaded(run)
    except (ConflictError, InputError) as e:
        return _list(request, "", "", error=str(e), code=400)
    finally:
        await form.close()
    if problems:
        return _list(request, "", "", error=f"上传未执行：有 {len(problems)} 处问题，没有保存任何记录",
                     problems=problems, code=422)
    return RedirectResponse(f"/filings?uploaded={len(created)}", status_code=303)


@router.get("/filings/template.xlsx", name="filing_template")
def filing_template(request: Request) -> Response:
    """The upload's template: a 合同 and a 合同执行 sheet headed as the filing form labels its
    fields, without the credit code (the upload implies the user's own)."""
    view.own_enterprise(request)
    return Response(upload_template(), media_type=XLSX, headers={
        "Content-Disposition": "attachment; filename=\"filing-template.xlsx\"; "
                               f"filename*=UTF-8''{quote(TEMPLATE_NAME)}"})


@router.get("/filings/{filing_id}", name="filing_page")
def filing_page(request: Request, filing_id: int, saved: str = "", submitted: str = "") -> Response:
    f = view.visible_filing(request, filing_id)
    note = "已保存为草稿。请查看下方检查结果，填写需要的说明后提交。" if saved else (
        "已提交，等待审核。" if submitted else None)
    return view.filing_view(request, f, {}, None, note)


@router.get("/filings/{filing_id}/edit", name="filing_edit")
def filing_edit(request: Request, filing_id: int) -> Response:
    f = view.mine(request, filing_id)
    if windows.window(deps.store(request), f["month"]).refusal():
        return view.filing_view(request, f, {}, None, None, status=409)     # E-12: says why
    rec = deps.store(request).filings.record(f["kind"], f["record_id"])
    values = fields.shown(f["kind"], rec or {})
    values["client_country"] = view.country_words(values.get("client_country", ""))
    return view.form(request, f["kind"], f["enterprise_id"], values, [], None, filing=f)


@router.post("/filings/{filing_id}/edit", name="filing_save")
async def filing_save(request: Request, filing_id: int) -> Response:
    f = view.mine(request, filing_id)
    form = await request.form()
    values = _values(f["kind"], form)
    return await _save(request, f["kind"], f["enterprise_id"], values, f, service.edit,
                       deps.store(request), filing_id, values, request.state.viewer.name,
                       address(request))


async def _save(request: Request, kind: str, eid: str, values: dict, filing: Filing | None,
                fn, *args) -> Response:
    """Save the form (create or edit) and go to the filing; on a problem, the form again with
    everything typed and each message beside its field."""
    try:
        out = await view.threaded(fn, *args)
    except ChecksFailed as e:
        return view.form(request, kind, eid, values, e.results, str(e), filing=filing, status=422)
    except (ConflictError, InputError) as e:
        return view.form(request, kind, eid, values, [], str(e), filing=filing,
                         status=409 if isinstance(e, ConflictError) else 400)
    return RedirectResponse(f"/filings/{filing['id'] if filing else out}?saved=1", status_code=303)


@router.post("/filings/{filing_id}/submit", name="filing_submit")
async def filing_submit(request: Request, filing_id: int) -> Response:
    f = view.mine(request, filing_id)
    form = await request.form()
    explanations = {k[len("explain-"):]: str(v) for k, v in form.items()
                    if k.startswith("explain-") and str(v).strip()}
    try:
        await view.threaded(service.submit, deps.store(request), filing_id, explanations,
                            request.state.viewer.name, address(request))
    except ChecksFailed as e:
        return view.filing_view(request, f, explanations, str(e), None, results=e.results, status=422)
    except (ConflictError, InputError) as e:
        return view.filing_view(request, f, explanations, str(e), None,
                                status=409 if isinstance(e, ConflictError) else 400)
    return RedirectResponse(f"/filings/{filing_id}?submitted=1", status_code=303)


# -- page helpers ------------------------------------------------------------------------------
def _values(kind: str, form: FormData) -> dict[str, str]:
    return {name: str(form.get(name) or "") for name in fields.FORM[kind]}
