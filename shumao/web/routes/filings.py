"""企业填报 and 审核 (web.md filings-web): an enterprise's clerk files contracts and executions,
sees the checks beside each field and submits with explanations; a reviewer works through
the queue of its region, oldest first, and approves or returns with a comment.  The same
operations as JSON under ``/api/v1/filings`` and ``/api/v1/review``.

Who reaches a route at all is the permission table's; which filing a user may see is
``_visible`` here, one rule for pages and API: an enterprise its own, a reviewer its
region's (all without a region), staff and admin all.  Any other filing answers the same
404 as one that does not exist.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.datastructures import FormData, UploadFile

from shumao.errors import ConflictError, InputError
from shumao.filing import checks, fields, service, windows
from shumao.filing.service import ChecksFailed, WindowClosed
from shumao.model.codes import aliases, countries, country_name, norm
from shumao.model.money import wan
from shumao.model.periods import Period
from shumao.model.records import DATE_OF, KEY_OF
from shumao.model.status import FILING_ZH
from shumao.publication.beside import beside
from shumao.web.access import Refused, Viewer, address, guard, not_found
from shumao.web.pages import render

router = APIRouter(dependencies=[Depends(guard)])
REVIEWERS = ("reviewer", "admin")
CURRENCIES = ("USD", "CNY", "EUR", "JPY", "HKD", "GBP", "SGD", "KRW", "AUD", "CAD", "CHF")


# -- who sees what -------------------------------------------------------------------------
def _visible(viewer: Viewer, f: dict) -> bool:
    user = viewer.user
    if user is None:
        return False
    if user.role == "enterprise":
        return user.enterprise_id is not None and f["enterprise_id"] == user.enterprise_id
    if user.role == "reviewer":
        return user.region is None or f["region"] == user.region
    return user.role in ("staff", "admin")


def _filing(request: Request, filing_id: int) -> dict:
    f = _store(request).filings.get(filing_id)
    if f is None or not _visible(request.state.viewer, f):
        raise not_found("填报记录")
    return f


def _own_enterprise(request: Request) -> str:
    user = request.state.viewer.user
    if user is None or user.role != "enterprise" or not user.enterprise_id:
        raise not_found("页面")
    return user.enterprise_id


def _scope(viewer: Viewer) -> dict:
    """The filter of a list: an enterprise's own, a reviewer's region, everyone's."""
    user = viewer.user
    assert user is not None
    if user.role == "enterprise":
        return {"enterprise_id": user.enterprise_id or "-"}
    if user.role == "reviewer" and user.region:
        return {"region": user.region}
    return {}


def _store(request: Request):
    return request.app.state.portal.store


# -- as JSON -------------------------------------------------------------------------------
def as_json(store, f: dict, history: bool = False) -> dict:
    """A filing as the API gives it (web.md): id, kind, status, the record's fields as filed
    (the names of filings.md, beside the others),
    the amount in US cents and 万美元, its month, who and when, explanations, checks, the
    reviewer's latest comment, and on request its full history."""
    kind = f["kind"]
    rec = store.filings.record(kind, f["record_id"]) or {}
    hist = store.filings.history(kind, f["record_id"])
    returned = [h for h in hist if h["to"] == "returned"]
    out: dict[str, Any] = {
        "id": f["id"], "kind": fields.WORD[kind], "status": f["status"],
        "status_zh": FILING_ZH.get(f["status"], f["status"]),
        "enterprise_id": f["enterprise_id"], "enterprise_name": f["enterprise_name"],
        "region": f["region"], "month": f["month"].strftime("%Y-%m"),
        **fields.shown(kind, rec), "amount_cents": f["amount_cents"],
        "amount_wan_usd": str(wan(f["amount_cents"])), "late": bool(f["late"]),
        "source": f["source"], "created_by": f["created_by"], "created_at": _iso(f["created_at"]),
        "updated_at": _iso(f["updated_at"]), "submitted_at": _iso(f["submitted_at"]),
        "explanations": f["explanations"], "checks": f["checks"],
        "comment": returned[-1]["comment"] if returned and f["status"] in ("returned", "draft")
        else None,
    }
    if history:
        out["history"] = hist
    return out


def _iso(v) -> str | None:
    return v.isoformat() if v is not None else None


def _problem(e: ChecksFailed, code: str) -> JSONResponse:
    return JSONResponse({"error": {"code": code, "message": str(e),
                                   "checks": [r.as_dict() for r in e.results]}},
                        status_code=422)


def _refusal(e: Exception) -> Refused:
    if isinstance(e, WindowClosed):
        return Refused(409, "window-locked", str(e))
    if isinstance(e, ConflictError):
        return Refused(409, "conflict", str(e))
    return Refused(400, "bad-input", str(e))


async def _body(request: Request, optional: bool = False) -> dict:
    """The request's JSON object; with ``optional``, {} when no JSON was sent."""
    if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
        if optional:
            return {}
        raise Refused(400, "bad-json", "请求内容应为 JSON（Content-Type: application/json）")
    try:
        body = await request.json()
    except ValueError:
        raise Refused(400, "bad-json", "请求内容不是有效的 JSON") from None
    if not isinstance(body, dict):
        raise Refused(400, "bad-json", "请求内容应为 JSON 对象")
    return body


# -- API -----------------------------------------------------------------------------------
@router.get("/api/v1/filings", name="api_filings")
def api_filings(request: Request, period: str | None = None, status: str | None = None) -> list:
    months = _months(period) if period else None
    if status is not None and status not in FILING_ZH:
        raise InputError(f"状态“{status}”无效（应为 draft、submitted、returned 或 approved）")
    store = _store(request)
    found = store.filings.find(months=months, status=status, **_scope(request.state.viewer))
    return [as_json(store, f) for f in found]


def _months(period: str) -> tuple[dt.date, dt.date]:
    """A period of report.md's grammar (2024-06, 2024Q2, 2024 …) as (first, last) day."""
    p = Period.parse(period)
    return p.start, p.end


@router.post("/api/v1/filings", name="api_filing_create")
async def api_filing_create(request: Request) -> Response:
    body = await _body(request)
    kind = fields.KINDS.get(str(body.get("kind")))
    if kind is None:
        raise Refused(400, "bad-input", "kind 只能是 contract（合同）或 execution（合同执行）")
    eid, viewer = _own_enterprise(request), request.state.viewer
    return await _change(request, "invalid-filing", service.create, _store(request), kind, body,
                         eid, viewer.name, "api", address(request), created=True)


@router.get("/api/v1/filings/{filing_id}", name="api_filing")
def api_filing(request: Request, filing_id: int) -> dict:
    return as_json(_store(request), _filing(request, filing_id), history=True)


@router.put("/api/v1/filings/{filing_id}", name="api_filing_edit")
async def api_filing_edit(request: Request, filing_id: int) -> Response:
    f = _mine(request, filing_id)
    body = await _body(request)
    if body.get("kind") not in (None, fields.WORD[f["kind"]]):
        raise Refused(400, "bad-input", "不能更改记录的种类（合同或合同执行）")
    return await _change(request, "invalid-filing", service.edit, _store(request), filing_id,
                         body, request.state.viewer.name, address(request), filing_id=filing_id)


@router.post("/api/v1/filings/{filing_id}/submit", name="api_filing_submit")
async def api_filing_submit(request: Request, filing_id: int) -> Response:
    _mine(request, filing_id)
    body = await _body(request, optional=True)
    explanations = body.get("explanations") or {}
    return await _change(request, "checks-failed", service.submit, _store(request), filing_id,
                         explanations, request.state.viewer.name, address(request),
                         filing_id=filing_id)


@router.get("/api/v1/review/queue", name="api_review_queue")
def api_review_queue(request: Request) -> list:
    store = _store(request)
    return [as_json(store, f) for f in _queue(request)]


@router.post("/api/v1/review/{filing_id}", name="api_review")
async def api_review(request: Request, filing_id: int) -> Response:
    _filing(request, filing_id)
    body = await _body(request)
    decision, comment = body.get("decision"), body.get("comment")
    if decision not in ("approve", "return"):
        raise Refused(400, "bad-input", "decision 只能是 approve（通过）或 return（退回）")
    if comment is not None and not isinstance(comment, str):
        raise Refused(400, "bad-input", "comment 应为文字")
    if decision == "return" and not (comment or "").strip():
        raise Refused(422, "comment-required", "退回时必须填写退回意见，说明需要修改什么")
    return await _change(request, "bad-input", service.review, _store(request), filing_id,
                         decision, comment, request.state.viewer.name, address(request),
                         filing_id=filing_id, history=True)


async def _change(request: Request, failed: str, fn, *args, filing_id: int | None = None,
                  created: bool = False, history: bool = False) -> Response:
    """Run one change of the service in a worker thread and answer the filing as JSON (201
    when ``created``: ``fn`` returns the new id); the checks that block it → 422 ``failed``
    with every check, a closed window or a state conflict → 409, bad input → 400."""
    try:
        out = await _threaded(fn, *args)
    except ChecksFailed as e:
        return _problem(e, failed)
    except (ConflictError, InputError) as e:
        raise _refusal(e) from None
    store = _store(request)
    fid = out if created else filing_id
    return JSONResponse(as_json(store, store.filings.get(fid), history=history),
                        status_code=201 if created else 200)


def _mine(request: Request, filing_id: int) -> dict:
    """The filing if it is the user's own enterprise's; else 404."""
    eid = _own_enterprise(request)
    f = _filing(request, filing_id)
    if f["enterprise_id"] != eid:
        raise not_found("填报记录")
    return f


def _queue(request: Request) -> list[dict]:
    scope = _scope(request.state.viewer)
    return _store(request).filings.find(status="submitted", order="f.submitted_at, f.id", limit=None,
                                   **scope)


async def _threaded(fn, *args):
    from starlette.concurrency import run_in_threadpool

    return await run_in_threadpool(fn, *args)


# -- pages: 企业填报 ---------------------------------------------------------------------------
@router.get("/filings", name="filings")
def filings_page(request: Request, period: str = "", status: str = "", uploaded: str = "") -> Response:
    note = f"已上传 {uploaded} 条记录，均保存为草稿；请逐条查看检查结果后提交。" if uploaded.isdigit() else None
    return _list(request, period, status, note=note)


def _list(request: Request, period: str, state: str, error: str | None = None,
          note: str | None = None, problems: list | None = None, code: int = 200) -> Response:
    """The list of filings the viewer may see, by month and state."""
    store, viewer = _store(request), request.state.viewer
    months = None
    if period.strip():
        try:
            months = _months(period)
        except InputError as e:
            error, code = str(e), 400
    found = store.filings.find(months=months, status=state if state in FILING_ZH else None,
                          **_scope(viewer))
    ctx: dict[str, Any] = {"filings": found, "period": period, "status": state,
                           "states": FILING_ZH, "error": error, "kinds": fields.KIND_ZH,
                           "note": note, "problems": problems or []}
    if viewer.role == "enterprise":
        eid = viewer.user.enterprise_id or ""
        ctx["enterprise"] = store.records.enterprise(eid)
        newest = [v["id"] for v in store.vintages.all()[:1]]     # a publication changes it too
        ctx["beside"] = request.app.state.portal.shared.get(
            store.generation(), ("beside", eid, *newest), lambda: beside(store, eid))
    return render(request, "filings.html", ctx, status=code)


@router.get("/filings/checks", name="filing_checks")
def filing_checks(request: Request) -> Response:
    return render(request, "filing_checks.html", {"rows": checks.catalogue_rows(),
                                                  "labels": _labels()})


@router.get("/filings/new", name="filing_new")
def filing_new(request: Request, kind: str = "contract", contract: str = "") -> Response:
    eid = _own_enterprise(request)
    k = fields.KINDS.get(kind, "contracts")
    return _form(request, k, eid, {"contract_id": contract} if contract else {}, [], None)


@router.post("/filings/new", name="filing_create")
async def filing_create(request: Request) -> Response:
    eid = _own_enterprise(request)
    form = await request.form()
    kind = fields.KINDS.get(str(form.get("kind")), "contracts")
    values = _values(kind, form)
    return await _save(request, kind, eid, values, None, service.create, _store(request), kind,
                       values, eid, request.state.viewer.name, "form", address(request))


@router.post("/filings/upload", name="filing_upload")
async def filing_upload(request: Request) -> Response:
    """A month's records in the import format → drafts, all or none."""
    from shumao.web import uploads

    eid, portal, viewer = _own_enterprise(request), request.app.state.portal, request.state.viewer
    form = await request.form()
    try:
        parts = [(f.filename, f.file) for f in form.getlist("file") if isinstance(f, UploadFile)]

        def run():
            with uploads.saved(parts, portal.upload_limit, portal.tmpdir) as saved:
                if not saved.paths:
                    raise InputError("请选择要上传的 CSV 或 XLSX 文件")
                return service.upload(portal.store, saved.paths, saved.names, eid, viewer.name,
                                      address(request))

        created, problems = await _threaded(run)
    except (ConflictError, InputError) as e:
        return _list(request, "", "", error=str(e), code=400)
    finally:
        await form.close()
    if problems:
        return _list(request, "", "", error=f"上传未执行：有 {len(problems)} 处问题，没有保存任何记录",
                     problems=problems, code=422)
    return RedirectResponse(f"/filings?uploaded={len(created)}", status_code=303)


@router.get("/filings/{filing_id}", name="filing_page")
def filing_page(request: Request, filing_id: int, saved: str = "", submitted: str = "") -> Response:
    f = _filing(request, filing_id)
    note = "已保存为草稿。请查看下方检查结果，填写需要的说明后提交。" if saved else (
        "已提交，等待审核。" if submitted else None)
    return _filing_view(request, f, {}, None, note)


@router.get("/filings/{filing_id}/edit", name="filing_edit")
def filing_edit(request: Request, filing_id: int) -> Response:
    f = _mine(request, filing_id)
    rec = _store(request).filings.record(f["kind"], f["record_id"]) or {}
    values = fields.shown(f["kind"], rec)
    values["client_country"] = _country_words(values.get("client_country", ""))
    return _form(request, f["kind"], f["enterprise_id"], values, [], None, filing=f)


@router.post("/filings/{filing_id}/edit", name="filing_save")
async def filing_save(request: Request, filing_id: int) -> Response:
    f = _mine(request, filing_id)
    form = await request.form()
    values = _values(f["kind"], form)
    return await _save(request, f["kind"], f["enterprise_id"], values, f, service.edit,
                       _store(request), filing_id, values, request.state.viewer.name,
                       address(request))


async def _save(request: Request, kind: str, eid: str, values: dict, filing: dict | None,
                fn, *args) -> Response:
    """Save the form (create or edit) and go to the filing; on a problem, the form again with
    everything typed and each message beside its field."""
    try:
        out = await _threaded(fn, *args)
    except ChecksFailed as e:
        return _form(request, kind, eid, values, e.results, str(e), filing=filing, status=422)
    except (ConflictError, InputError) as e:
        return _form(request, kind, eid, values, [], str(e), filing=filing,
                     status=409 if isinstance(e, ConflictError) else 400)
    return RedirectResponse(f"/filings/{filing['id'] if filing else out}?saved=1", status_code=303)


@router.post("/filings/{filing_id}/submit", name="filing_submit")
async def filing_submit(request: Request, filing_id: int) -> Response:
    f = _mine(request, filing_id)
    form = await request.form()
    explanations = {k[len("explain-"):]: str(v) for k, v in form.items()
                    if k.startswith("explain-") and str(v).strip()}
    try:
        await _threaded(service.submit, _store(request), filing_id, explanations,
                        request.state.viewer.name, address(request))
    except ChecksFailed as e:
        return _filing_view(request, f, explanations, str(e), None, results=e.results, status=422)
    except (ConflictError, InputError) as e:
        return _filing_view(request, f, explanations, str(e), None,
                            status=409 if isinstance(e, ConflictError) else 400)
    return RedirectResponse(f"/filings/{filing_id}?submitted=1", status_code=303)


# -- pages: 审核 -------------------------------------------------------------------------------
@router.get("/review", name="review_queue")
def review_queue(request: Request, done: str = "") -> Response:
    queue = _queue(request)
    return render(request, "review_queue.html", {
        "queue": queue, "kinds": fields.KIND_ZH, "levels": checks.LEVELS,
        "done": done, "region": request.state.viewer.user.region})


@router.get("/review/{filing_id}", name="review_page")
def review_page(request: Request, filing_id: int) -> Response:
    return _review_view(request, _filing(request, filing_id), None, "")


@router.post("/review/{filing_id}", name="review_decide")
def review_decide(request: Request, filing_id: int, decision: Annotated[str, Form()] = "",
                  comment: Annotated[str, Form()] = "") -> Response:
    f = _filing(request, filing_id)
    try:
        status = service.review(_store(request), filing_id, decision, comment,
                                request.state.viewer.name, address(request))
    except (ConflictError, InputError) as e:
        return _review_view(request, f, str(e), comment,
                            status=409 if isinstance(e, ConflictError) else 422)
    word = "已通过" if status == "approved" else "已退回"
    return RedirectResponse(f"/review?done={word}:{f['record_id']}", status_code=303)


# -- page helpers ------------------------------------------------------------------------------
def _values(kind: str, form: FormData) -> dict[str, str]:
    return {name: str(form.get(name) or "") for name in fields.FORM[kind]}


def _labels() -> dict[str, str]:
    out = {"*": "整条记录", "orig_amount": "金额（原币）"}     # a record's history names its columns
    for form in fields.FORM.values():
        out.update(form)
    return out


def _country_words(iso: str) -> str:
    try:
        return country_name(iso) if iso else ""
    except KeyError:
        return iso


def _form(request: Request, kind: str, eid: str, values: dict, results: list, error: str | None,
          filing: dict | None = None, status: int = 200) -> Response:
    store = _store(request)
    contracts = store.records.of_enterprise(eid)["contracts"] if kind == "executions" else []
    by_field: dict[str, list] = {}
    for r in results:
        by_field.setdefault(r.field, []).append(r)
    return render(request, "filing_form.html", {
        "kind": kind, "word": fields.WORD[kind], "kind_zh": fields.KIND_ZH[kind],
        "form": fields.FORM[kind], "required": fields.REQUIRED[kind], "values": values,
        "problems": by_field, "error": error, "filing": filing, "contracts": contracts,
        "countries": sorted(countries().values(), key=lambda c: c.iso2),
        "categories": _categories(), "currencies": _currencies(values.get("currency")),
        "enterprise": store.records.enterprise(eid), "today": dt.date.today().isoformat()},
        status=status)


def _categories() -> list[tuple[str, str]]:
    from shumao.indicators.catalog import CATEGORIES
    return [(code, f"{zh}（{code}）") for code, zh in CATEGORIES.items()]


def _currencies(current: str | None = None) -> list[tuple[str, str]]:
    """The usual currencies, and the record's own when it is another (never switched
    silently to US dollars on editing)."""
    codes = list(CURRENCIES)
    known = aliases("currencies")
    code = known.get(norm(current)) if current else None
    if code and code not in codes:
        codes.append(code)
    names: dict[str, str] = {}
    for alias, c in known.items():
        if c in codes and not alias.isascii():
            names.setdefault(c, alias)
    return [(c, f"{names.get(c, c)}（{c}）") for c in codes]


def _filing_view(request: Request, f: dict, explanations: dict, error: str | None,
                 note: str | None, results: list | None = None, status: int = 200) -> Response:
    store, viewer = _store(request), request.state.viewer
    editable = (viewer.role == "enterprise" and f["status"] in ("draft", "returned"))
    if results is None:
        if f["status"] == "draft":
            results = service.evaluate(store, f["id"], explanations)
        else:
            results = [checks.Result(**{k: v for k, v in c.items() if k != "level_zh"})
                       for c in f["checks"]]
    w = windows.window(store, f["month"])
    return render(request, "filing.html", {
        **_detail(store, f), "results": results, "explanations": explanations, "error": error,
        "note": note, "editable": editable, "submittable": editable and f["status"] == "draft",
        "window": w, "levels": checks.LEVELS, "labels": _labels()}, status=status)


def _detail(store, f: dict) -> dict:
    kind = f["kind"]
    rec = store.filings.record(kind, f["record_id"]) or {}
    hist = store.filings.history(kind, f["record_id"])
    returned = [h for h in hist if h["to"] == "returned"]
    shown = fields.shown(kind, rec)
    if kind == "contracts":
        shown["client_country"] = f"{_country_words(rec.get('client_country', ''))}（{rec.get('client_country')}）"
    return {"f": f, "kind_zh": fields.KIND_ZH[kind], "shown": shown, "form": fields.FORM[kind],
            "history": hist, "states": FILING_ZH, "usd": _usd(f["amount_cents"]),
            "comment": returned[-1] if returned else None, "date_field": DATE_OF[kind],
            "key": KEY_OF[kind]}


def _usd(cents: int) -> str:
    return f"{Decimal(cents) / 100:,.2f}"


def _review_view(request: Request, f: dict, error: str | None, comment: str,
                 status: int = 200) -> Response:
    store = _store(request)
    day = f["day"]
    start = day.replace(year=day.year - 1, day=1)
    history = store.records.of_enterprise(f["enterprise_id"], (start, windows.month_end(day)))
    results = [checks.Result(**{k: v for k, v in c.items() if k != "level_zh"})
               for c in f["checks"]]
    return render(request, "review.html", {
        **_detail(store, f), "results": results, "error": error, "comment_text": comment,
        "levels": checks.LEVELS, "labels": _labels(), "enterprise_history": history,
        "can_decide": f["status"] in ("submitted", "approved")
        and request.state.viewer.role in REVIEWERS, "country": _country_words}, status=status)
