"""审核 (web.md filings-web): a reviewer works through the queue of its region, oldest
first, sees a filing beside the enterprise's last year of records and its typical size, and
approves or returns it with a comment.  The queue filters by enterprise, kind and whether
checks flagged the record, and 通过并审核下一条 goes on to the next record of the same
filters (issue 20 R-1, R-2).  The same operations as JSON are in ``routes/api/filings.py``.
"""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from shumao.access.roles import REVIEWERS
from shumao.errors import ConflictError, InputError
from shumao.filing import checks, fields, service, windows
from shumao.model.rules import Typical, history_window
from shumao.store.rows import Filing
from shumao.web import deps
from shumao.web.access import address, guard
from shumao.web.pages import render
from shumao.web.views import filing as view

router = APIRouter(dependencies=[Depends(guard)])


FILTERS = ("enterprise", "kind", "checks")
CHECKS_ZH = {"with": "有检查提示", "without": "没有检查提示"}


def _asked(params) -> dict[str, str]:
    """The queue's filters as asked (unknown values are no filter)."""
    asked = {k: (params.get(k) or "").strip() for k in FILTERS}
    if asked["kind"] not in fields.KIND_ZH:
        asked["kind"] = ""
    if asked["checks"] not in CHECKS_ZH:
        asked["checks"] = ""
    return asked


def _filtered(queue: list[Filing], asked: dict[str, str]) -> list[Filing]:
    return [f for f in queue
            if (not asked["enterprise"] or f["enterprise_id"] == asked["enterprise"])
            and (not asked["kind"] or f["kind"] == asked["kind"])
            and (not asked["checks"] or bool(f["checks"]) == (asked["checks"] == "with"))]


def _query(asked: dict[str, str], **more: str) -> str:
    q = urlencode({k: v for k, v in {**asked, **more}.items() if v})
    return "?" + q if q else ""


@router.get("/review", name="review_queue")
def review_queue(request: Request, done: str = "") -> Response:
    queue = view.queue(request)
    asked = _asked(request.query_params)
    enterprises = sorted({(f["enterprise_id"], f["enterprise_name"]) for f in queue}, key=lambda e: e[1] or e[0])
    return render(request, "review_queue.html", {
        "queue": _filtered(queue, asked), "total": len(queue), "kinds": fields.KIND_ZH,
        "levels": checks.LEVELS, "done": done, "region": request.state.viewer.user.region,
        "asked": asked, "enterprises": enterprises, "checks_zh": CHECKS_ZH,
        "query": _query(asked), "filtered": any(asked.values())})


@router.get("/review/{filing_id}", name="review_page")
def review_page(request: Request, filing_id: int, done: str = "") -> Response:
    return _review_view(request, view.visible_filing(request, filing_id), None, "", done=done)


@router.post("/review/{filing_id}", name="review_decide")
async def review_decide(request: Request, filing_id: int) -> Response:
    form = await request.form()
    # 通过并审核下一条 is its own button: it approves
    decision = str(form.get("decision") or ("approve" if form.get("then") == "next" else ""))
    comment = str(form.get("comment") or "")
    asked = _asked(form)
    f = view.visible_filing(request, filing_id)
    try:
        status = await view.threaded(lambda: service.review(
            deps.store(request), filing_id, decision, comment, request.state.viewer.name,
            address(request)))
    except (ConflictError, InputError) as e:
        return _review_view(request, f, str(e), comment,
                            status=409 if isinstance(e, ConflictError) else 422)
    done = f"{'已通过' if status == 'approved' else '已退回'}:{f['record_id']}"
    if form.get("then") == "next":          # 通过并审核下一条: the oldest left of the filters
        left = [g for g in _filtered(view.queue(request), asked) if g["id"] != filing_id]
        if left:
            return RedirectResponse(f"/review/{left[0]['id']}{_query(asked, done=done)}",
                                    status_code=303)
    return RedirectResponse(f"/review{_query(asked, done=done)}", status_code=303)


def _typical(store, f: Filing) -> Typical:
    """The enterprise's typical size for the record's kind, the record itself left out."""
    every = store.records.of_enterprise(f["enterprise_id"])[f["kind"]]
    key, date = ("contract_id", "signed_on") if f["kind"] == "contracts" else ("execution_id", "executed_on")
    others = [r for r in every if r[key] != f["record_id"]]
    start, end = history_window(f["day"].replace(day=1))
    recent = [r["amount_cents"] for r in others if start <= r[date] <= end]
    return Typical.of(recent, [r["amount_cents"] for r in others])


def _review_view(request: Request, f: Filing, error: str | None, comment: str,
                 status: int = 200, done: str = "") -> Response:
    store = deps.store(request)
    day = f["day"]
    start = day.replace(year=day.year - 1, day=1)
    history = store.records.of_enterprise(f["enterprise_id"], (start, windows.month_end(day)))
    results = view.submitted_checks(store, f)
    return render(request, "review.html", {
        **view.detail(store, f), "results": results, "error": error, "comment_text": comment,
        "levels": checks.LEVELS, "labels": view.labels(f["kind"]), "enterprise_history": history,
        "can_decide": f["status"] in ("submitted", "approved")
        and request.state.viewer.role in REVIEWERS, "country": view.country_words,
        "typical": _typical(store, f).said(f["amount_cents"]), "done": done,
        "asked": _asked(request.query_params)}, status=status)
