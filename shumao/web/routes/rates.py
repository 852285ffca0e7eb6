"""汇率 (staff; issue 20, E-1): the rates held, the months × currencies that filings need but
lack (most urgent first), entering a month's rate — which converts every record that waited
for it (filing.rates) — and what each new rate converted; a rates file is uploaded through
导入, whose load converts the same way.  As JSON: ``GET /api/v1/rates`` (held and missing)
and ``PUT /api/v1/rates/{currency}/{YYYY-MM}`` with ``{"usd_per_unit": "0.1384"}`` (the
rates file's column: US dollars per one unit), answering with the records it converted.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import Response

from shumao.errors import ConflictError, InputError
from shumao.filing import rates
from shumao.web import deps
from shumao.web.access import Refused, address, guard
from shumao.web.bodies import json_body
from shumao.web.pages import render
from shumao.web.views.filing import currencies, threaded, usd

router = APIRouter(dependencies=[Depends(guard)])
KIND_ZH = {"contracts": "合同", "executions": "合同执行"}


# -- the page --------------------------------------------------------------------------------
def _page(request: Request, status: int = 200, **context) -> Response:
    store = deps.store(request)
    return render(request, "rates.html", {
        "held": store.rates.held(), "missing": store.rates.missing(),
        "conversions": store.rates.conversions(), "currency_zh": rates.currency_zh,
        "currencies": [c for c in currencies() if c[0] != "USD"], "kind_zh": KIND_ZH,
        "usd": usd, "form": {}, **context}, status=status)


@router.get("/rates", name="rates_page")
def rates_page(request: Request) -> Response:
    return _page(request)


@router.post("/rates", name="rate_enter")
async def rate_enter(request: Request, currency: Annotated[str, Form()] = "",
                     month: Annotated[str, Form()] = "",
                     usd_per_unit: Annotated[str, Form()] = "") -> Response:
    form = {"currency": currency, "month": month, "usd_per_unit": usd_per_unit}
    try:
        entered = await threaded(rates.enter, deps.store(request), currency, month, usd_per_unit,
                                 request.state.viewer.name, address(request))
    except (ConflictError, InputError) as e:
        return _page(request, 409 if isinstance(e, ConflictError) else 400, error=str(e), form=form)
    return _page(request, entered=entered)


# -- the API ---------------------------------------------------------------------------------
@router.get("/api/v1/rates", name="api_rates")
def api_rates(request: Request) -> dict:
    return rates.overview(deps.store(request))


@router.put("/api/v1/rates/{currency}/{month}", name="api_rate_set")
async def api_rate_set(request: Request, currency: str, month: str) -> dict:
    body = await json_body(request)
    value = body.get("usd_per_unit")
    if value is None:
        raise Refused(400, "bad-input", "请给出 usd_per_unit（每一单位该币种折合多少美元，如 \"0.1384\"）")
    if not isinstance(value, str):
        raise Refused(400, "bad-input", "usd_per_unit 应为文字形式的数字（如 \"0.1384\"），"
                      "不用 JSON 数字，以免小数被二进制浮点数改变")
    entered = await threaded(rates.enter, deps.store(request), currency, month, value,
                             request.state.viewer.name, address(request))
    return entered.as_dict()

