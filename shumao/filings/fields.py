"""The fields of a filing (filings.md) as a form or an API client gives them, read into the
store's typed columns — or the hard check that says why a value cannot be read.

The words are those of filings.md and of the import; codes are read with the import's
reference data (model.codes: countries by ISO code or Chinese name, categories,
currencies), and a non-USD amount is converted with the store's rate of its month exactly
as the import converts it (cents, rounded half-up).
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from shumao.filings.checks import Result, result
from shumao.model.codes import aliases, country_aliases, norm

KINDS = {"contract": "contracts", "execution": "executions"}      # API word → store kind
WORD = {v: k for k, v in KINDS.items()}
KIND_ZH = {"contracts": "合同（签约）", "executions": "合同执行（收款）"}
# the form's fields per kind, in order, with their Chinese labels (filings.md's headers)
FORM: dict[str, dict[str, str]] = {
    "contracts": {"contract_id": "合同编号", "signed_on": "签约日期",
                  "client_country": "发包方国别（地区）", "category": "业务类别",
                  "amount": "合同金额", "currency": "币种"},
    "executions": {"contract_id": "合同编号", "execution_id": "执行编号",
                   "executed_on": "执行日期", "amount": "执行金额", "currency": "币种"},
}
REQUIRED = {"contracts": ("contract_id", "signed_on", "client_country", "category", "amount"),
            "executions": ("contract_id", "execution_id", "executed_on", "amount")}
MAX_ID = 64
LIMIT = Decimal(10) ** 12
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def label(kind: str, name: str) -> str:
    return FORM[kind].get(name, name)


def read(kind: str, values: dict, enterprise_id: str) -> tuple[dict, list[Result]]:
    """The typed record (store columns, amount in cents still to convert: ``amount_dec``)
    and the hard checks its values fail.  Unknown keys are ignored."""
    record: dict = {}
    problems: list[Result] = []
    text = {k: _clean(values.get(k)) for k in FORM[kind]}
    for name in REQUIRED[kind]:
        if not text[name]:
            problems.append(result("missing-value", detail=label(kind, name), field=name))
    for name in ("contract_id", "execution_id"):
        if name in FORM[kind] and text[name]:
            if len(text[name]) > MAX_ID or any(unicodedata.category(ch)[0] == "C"
                                              for ch in text[name]):
                problems.append(result("bad-id", text[name][:MAX_ID], field=name))
            else:
                record[name] = text[name]
    date_field = "signed_on" if kind == "contracts" else "executed_on"
    if text[date_field]:
        day = parse_date(text[date_field])
        if day is None:
            problems.append(result("bad-date", text[date_field], field=date_field))
        else:
            record[date_field] = day
    if kind == "contracts":
        record["enterprise_id"] = enterprise_id
        if text["client_country"]:
            iso = country_aliases().get(norm(text["client_country"]))
            if iso is None:
                problems.append(result("unknown-country", text["client_country"]))
            record["client_country"] = iso
        if text["category"]:
            cat = aliases("categories").get(norm(text["category"]))
            if cat is None:
                problems.append(result("unknown-category", text["category"]))
            record["category"] = cat
    currency = aliases("currencies").get(norm(text["currency"])) if text["currency"] else "USD"
    if currency is None:
        problems.append(result("unknown-currency", text["currency"]))
    record["currency"] = currency
    if text["amount"]:
        amount, problem = parse_amount(text["amount"])
        if problem:
            problems.append(problem)
        record["orig_amount"] = amount
        record["orig_scale"] = 1
    return record, problems


def parse_date(text: str) -> dt.date | None:
    m = _DATE.match(unicodedata.normalize("NFKC", text).strip())
    if not m:
        return None
    try:
        return dt.date(*(int(g) for g in m.groups()))
    except ValueError:
        return None


def parse_amount(text: str) -> tuple[Decimal | None, Result | None]:
    t = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")
    try:
        amount = Decimal(t)
    except InvalidOperation:
        return None, result("bad-number", text)
    if not amount.is_finite():
        return None, result("bad-number", text)
    if amount <= 0:
        return None, result("amount-not-positive", text)
    if amount >= LIMIT:
        return None, result("amount-too-large", text)
    if amount * 100 != (amount * 100).to_integral_value():
        return None, result("fraction-of-cent", text)
    return amount, None


def usd_cents(amount: Decimal, usd_per_unit: Decimal | None) -> int:
    """An amount in its own currency → US cents, as the import converts it."""
    cents = amount * 100
    if usd_per_unit is not None:
        cents = cents * Decimal(usd_per_unit)
    return int(cents.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def shown(kind: str, record: dict) -> dict[str, str]:
    """A stored record's fields as the form shows them (amount as filed, in its currency)."""
    out = {}
    for name in FORM[kind]:
        v = record.get("orig_amount" if name == "amount" else name)
        if isinstance(v, Decimal):
            v = _plain(v)
        out[name] = "" if v is None else str(v)
    return out


def _plain(d: Decimal) -> str:
    """2500.000000 → 2500, 12.500000 → 12.50 (whole cents as filed)."""
    q = d.quantize(Decimal("0.01"))
    return str(q.quantize(Decimal(1))) if q == q.to_integral_value() else str(q)


def _clean(v: object) -> str:
    return "" if v is None else str(v).strip()
