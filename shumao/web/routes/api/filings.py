"""企业填报 and 审核 as JSON (web.md filings-web): the filings under ``/api/v1/filings``
and the review queue and decisions under ``/api/v1/review`` — the same operations as the
pages, the same visibility (``web.views.filing``), answers and errors as JSON.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse, Response

from shumao.access.scopes import scope
from shumao.errors import ConflictError, InputError
from shumao.filing import board, fields, service
from shumao.filing.service import ChecksFailed, WindowClosed
from shumao.model.money import wan
from shumao.model.status import FILING_ZH
from shumao.store.rows import Filing
from shumao.web import deps
from shumao.web.access import Refused, address, guard
from shumao.web.bodies import json_body
from shumao.web.views import filing as view

router = APIRouter(dependencies=[Depends(guard)])


# -- as JSON -------------------------------------------------------------------------------
def as_json(store, f: Filing, history: bool = False) -> dict:
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
        **fields.shown(kind, rec),
        # 待折算 (filing.rates): no US-dollar amount until the month's rate is entered — never 0
        "pending_conversion": f["pending"],
        "amount_cents": None if f["pending"] else f["amount_cents"],
        "amount_wan_usd": None if f["pending"] else str(wan(f["amount_cents"])),
        "late": bool(f["late"]),
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


# -- API -----------------------------------------------------------------------------------
@router.get("/api/v1/filings", name="api_filings")
def api_filings(request: Request, period: str | None = None, status: str | None = None) -> list:
    months = view.months(period) if period else None
    if status is not None and status not in FILING_ZH:
        raise InputError(f"状态“{status}”无效（应为 draft、submitted、returned 或 approved）")
    store = deps.store(request)
    found = store.filings.find(months=months, status=status, **scope(request.state.viewer.user).filter())
    return [as_json(store, f) for f in found]


@router.post("/api/v1/filings", name="api_filing_create")
async def api_filing_create(request: Request) -> Response:
    body = await json_body(request)
    kind = fields.KINDS.get(str(body.get("kind")))
    if kind is None:
        raise Refused(400, "bad-input", "kind 只能是 contract（合同）或 execution（合同执行）")
    eid, viewer = view.own_enterprise(request), request.state.viewer
    return await _change(request, "invalid-filing", service.create, deps.store(request), kind,
                         body, eid, viewer.name, "api", address(request), created=True)


@router.post("/api/v1/filings/nil", name="api_filing_nil")
async def api_filing_nil(request: Request) -> Response:
    """零申报: ``{"period": "YYYY-MM"}`` — the month had no business; 409 when it has records."""
    body = await json_body(request)
    period = body.get("period")
    if not isinstance(period, str):
        raise Refused(400, "bad-input", "请给出 period（月份，如 \"2026-11\"）")
    eid, viewer = view.own_enterprise(request), request.state.viewer
    try:
        new = await view.threaded(service.declare_nil, deps.store(request), eid, period,
                                  viewer.name, address(request))
    except (ConflictError, InputError) as e:
        raise _refusal(e) from None
    month = period.strip()
    return JSONResponse({"period": month, "enterprise_id": eid, "state": "nil",
                         "state_zh": board.STATE_ZH["nil"], "new": new},
                        status_code=201 if new else 200)


@router.get("/api/v1/filings/{filing_id}", name="api_filing")
def api_filing(request: Request, filing_id: int) -> dict:
    return as_json(deps.store(request), view.visible_filing(request, filing_id), history=True)


@router.put("/api/v1/filings/{filing_id}", name="api_filing_edit")
async def api_filing_edit(request: Request, filing_id: int) -> Response:
    f = view.mine(request, filing_id)
    body = await json_body(request)
    if body.get("kind") not in (None, fields.WORD[f["kind"]]):
        raise Refused(400, "bad-input", "不能更改记录的种类（合同或合同执行）")
    return await _change(request, "invalid-filing", service.edit, deps.store(request),
                         filing_id, body, request.state.viewer.name, address(request), filing_id=filing_id)


@router.post("/api/v1/filings/{filing_id}/submit", name="api_filing_submit")
async def api_filing_submit(request: Request, filing_id: int) -> Response:
    view.mine(request, filing_id)
    body = await json_body(request, optional=True)
    explanations = body.get("explanations") or {}
    return await _change(request, "checks-failed", service.submit, deps.store(request),
                         filing_id, explanations, request.state.viewer.name, address(request),
                         filing_id=filing_id)


@router.get("/api/v1/review/queue", name="api_review_queue")
def api_review_queue(request: Request) -> list:
    store = deps.store(request)
    return [as_json(store, f) for f in view.queue(request)]


@router.post("/api/v1/review/{filing_id}", name="api_review")
async def api_review(request: Request, filing_id: int) -> Response:
    view.visible_filing(request, filing_id)
    body = await json_body(request)
    decision, comment = body.get("decision"), body.get("comment")
    if decision not in ("approve", "return"):
        raise Refused(400, "bad-input", "decision 只能是 approve（通过）或 return（退回）")
    if comment is not None and not isinstance(comment, str):
        raise Refused(400, "bad-input", "comment 应为文字")
    if decision == "return" and not (comment or "").strip():
        raise Refused(422, "comment-required", "退回时必须填写退回意见，说明需要修改什么")
    return await _change(request, "bad-input", service.review, deps.store(request),
                         filing_id, decision, comment, request.state.viewer.name, address(request),
                         filing_id=filing_id, history=True)


async def _change(request: Request, failed: str, fn, *args, filing_id: int | None = None,
                  created: bool = False, history: bool = False) -> Response:
    """Run one change of the service in a worker thread and answer the filing as JSON (201
    when ``created``: ``fn`` returns the new id); the checks that block it → 422 ``failed``
    with every check, a closed window or a state conflict → 409, bad input → 400."""
    try:
        out = await view.threaded(fn, *args)
    except ChecksFailed as e:
        return _problem(e, failed)
    except (ConflictError, InputError) as e:
        raise _refusal(e) from None
    store = deps.store(request)
    fid = out if created else filing_id
    assert fid is not None               # the filing this change named, or the one it made
    # read off the event loop, as the change was: a statement here would stall every request
    return JSONResponse(await view.threaded(_answer, store, fid, history),
                        status_code=201 if created else 200)


def _answer(store, filing_id: int, history: bool) -> dict:
    f = store.filings.get(filing_id)
    assert f is not None
    return as_json(store, f, history=history)
