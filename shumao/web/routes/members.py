"""会员企业 (staff): the enterprises in the store, each with its records; and
``GET /api/v1/enterprises/{credit_code}/records`` for everyone who may see an enterprise's
records — staff and admin any, an enterprise's clerk its own, a reviewer those of its
region.  Anyone else, and an unknown code, get the same 404 (web.md: existence must not
leak).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from shumao.access.scopes import scope
from shumao.errors import PeriodError
from shumao.model.codes import NATURE_ZH, country_name
from shumao.model.money import wan
from shumao.model.periods import Period
from shumao.model.status import STATUS_ZH
from shumao.store.rows import Enterprise, Record
from shumao.web import deps
from shumao.web.access import guard, not_found
from shumao.web.pages import render

router = APIRouter(dependencies=[Depends(guard)])
SHOWN = 1000        # directory rows drawn at once; a search narrows the rest


def _enterprise(request: Request, credit_code: str) -> Enterprise:
    """The enterprise if the viewer may see it; else the 404 an unknown code gets."""
    found = deps.store(request).records.enterprise(credit_code)
    if found is None or not scope(request.state.viewer.user).admits(found):
        raise not_found("企业")
    return found


def _json(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")       # 90.131432, 1000 (never 1E+3)
    return value


def _record(row: Record) -> dict:
    """A record as the API gives it: dates ISO, the amount in 万美元 (a string, two
    decimals, half-up) beside the exact cents, the amount as filed."""
    out = {k: _json(v) for k, v in row.items()}
    out["amount"] = str(wan(row["amount_cents"]))
    out["unit"] = "万美元"
    return out


def records(request: Request, credit_code: str, period: str | None) -> dict:
    enterprise = _enterprise(request, credit_code)
    p = Period.parse(period) if period else None
    found = deps.store(request).records.of_enterprise(
        enterprise["enterprise_id"], (p.start, p.end) if p else None)
    return {"enterprise": enterprise, "period": str(p) if p else None,
            "contracts": [_record(r) for r in found["contracts"]],
            "executions": [_record(r) for r in found["executions"]]}


@router.get("/api/v1/enterprises/{credit_code}/records", name="api_enterprise_records")
def api_records(request: Request, credit_code: str, period: str | None = None) -> dict:
    return records(request, credit_code, period)


@router.get("/members", name="members")
def members(request: Request, q: str = "") -> Response:
    user = request.state.viewer.user
    everyone = [e for e in deps.store(request).records.enterprises() if scope(user).admits(e)]
    words = q.strip().lower()
    found = [e for e in everyone if not words or any(
        words in str(e.get(k) or "").lower() for k in ("enterprise_id", "name", "region"))]
    return render(request, "members.html", {
        "enterprises": found[:SHOWN], "matched": len(found), "total": len(everyone), "q": q,
        "natures": NATURE_ZH, "shown": SHOWN})


def _country(code: str) -> str:
    try:
        return country_name(code)
    except KeyError:
        return code


@router.get("/members/{credit_code}", name="member_records")
def member_records(request: Request, credit_code: str, period: str = "") -> Response:
    error = None
    try:
        data = records(request, credit_code, period.strip() or None)
    except PeriodError as e:
        data, error = records(request, credit_code, None), str(e)
    return render(request, "member_records.html", {
        **data, "period_text": period, "error": error, "natures": NATURE_ZH,
        "statuses": STATUS_ZH, "country": _country}, status=400 if error else 200)
