"""审核 (web.md filings-web): a reviewer works through the queue of its region, oldest
first, sees a filing beside the enterprise's last year of records, and approves or returns
it with a comment.  The same operations as JSON are in ``routes/api/filings.py``.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from shumao.access.roles import REVIEWERS
from shumao.errors import ConflictError, InputError
from shumao.filing import checks, fields, service, windows
from shumao.store.rows import Filing
from shumao.web import deps
from shumao.web.access import address, guard
from shumao.web.pages import render
from shumao.web.views import filing as view

router = APIRouter(dependencies=[Depends(guard)])


@router.get("/review", name="review_queue")
def review_queue(request: Request, done: str = "") -> Response:
    queue = view.queue(request)
    return render(request, "review_queue.html", {
        "queue": queue, "kinds": fields.KIND_ZH, "levels": checks.LEVELS,
        "done": done, "region": request.state.viewer.user.region})


@router.get("/review/{filing_id}", name="review_page")
def review_page(request: Request, filing_id: int) -> Response:
    return _review_view(request, view.visible_filing(request, filing_id), None, "")


@router.post("/review/{filing_id}", name="review_decide")
def review_decide(request: Request, filing_id: int, decision: Annotated[str, Form()] = "",
                  comment: Annotated[str, Form()] = "") -> Response:
    f = view.visible_filing(request, filing_id)
    try:
        status = service.review(deps.store(request), filing_id, decision, comment,
                                request.state.viewer.name, address(request))
    except (ConflictError, InputError) as e:
        return _review_view(request, f, str(e), comment,
                            status=409 if isinstance(e, ConflictError) else 422)
    word = "已通过" if status == "approved" else "已退回"
    return RedirectResponse(f"/review?done={word}:{f['record_id']}", status_code=303)


def _review_view(request: Request, f: Filing, error: str | None, comment: str,
                 status: int = 200) -> Response:
    store = deps.store(request)
    day = f["day"]
    start = day.replace(year=day.year - 1, day=1)
    history = store.records.of_enterprise(f["enterprise_id"], (start, windows.month_end(day)))
    results = [checks.Result(**{k: v for k, v in c.items() if k != "level_zh"})
               for c in f["checks"]]
    return render(request, "review.html", {
        **view.detail(store, f), "results": results, "error": error, "comment_text": comment,
        "levels": checks.LEVELS, "labels": view.labels(f["kind"]), "enterprise_history": history,
        "can_decide": f["status"] in ("submitted", "approved")
        and request.state.viewer.role in REVIEWERS, "country": view.country_words}, status=status)
