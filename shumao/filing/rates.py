"""汇率 (issue 20, E-1): members file in any currency; staff enter the month's rate.

A record filed in another currency is submitted with its original amount and currency and
shows 待折算 until its month's rate is held (store.rates: it counts nowhere and cannot be
approved meanwhile).  Staff see the rates held and the months × currencies that filings
need but lack, most urgent first, and enter a rate — read with the import's rate checks
(the rates file's ``usd_per_unit``: US dollars per one unit of the currency; the import's
``unknown-currency``, ``bad-month`` and ``bad-rate`` messages) — which converts, in the same
transaction, every record that waited for it exactly as the filing converts
(model.money.usd_cents).  An import of a rates file converts them the same way.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from shumao.catalogue import of_stage
from shumao.errors import InputError
from shumao.filing import windows
from shumao.model.codes import aliases, currency_names, norm
from shumao.store import Store
from shumao.store.rates import Converted, Missing

# the store's rate column, DECIMAL(20, 10) (model.records), as the import reads a rate into it
RATE_PLACES = 10
RATE_LIMIT = Decimal(10) ** (20 - RATE_PLACES)
_IMPORT = of_stage("import")


def currency_zh(code: str) -> str:
    """人民币（CNY）: a currency as a page names it."""
    name = currency_names().get(code)
    return f"{name}（{code}）" if name else code


def read_currency(text: object) -> str:
    """A currency code or Chinese name → its ISO code; the import's ``unknown-currency``
    otherwise.  US dollars need no rate."""
    code = aliases("currencies").get(norm(text)) if isinstance(text, str) and text.strip() else None
    if code is None:
        raise InputError(_IMPORT["unknown-currency"].text(value=str(text)[:40]))
    if code == "USD":
        raise InputError("美元（USD）金额无需折算，不需要汇率")
    return code


def read_month(text: object) -> dt.date:
    """'2026-11' → 2026-11-01; the import's ``bad-month`` otherwise."""
    try:
        return windows.parse_month(text if isinstance(text, str) else "")
    except InputError:
        raise InputError(_IMPORT["bad-month"].text(value=str(text)[:40])) from None


def read_rate(text: object) -> Decimal:
    """The rates file's ``usd_per_unit`` (US dollars per one unit, as text: "0.1384") →
    a Decimal the store's column holds; the import's ``bad-rate`` otherwise (not a number,
    not above 0, 10¹⁰ or more, more than ten decimals — the import would round those away)."""
    bad = InputError(_IMPORT["bad-rate"].text(value=str(text)[:40]))
    if not isinstance(text, str):
        raise bad
    t = unicodedata.normalize("NFKC", text).strip().replace(",", "").replace(" ", "")
    try:
        rate = Decimal(t)
    except InvalidOperation:
        raise bad from None
    if not rate.is_finite() or rate <= 0 or rate >= RATE_LIMIT:
        raise bad
    if rate != rate.quantize(Decimal(1).scaleb(-RATE_PLACES)):
        raise InputError(f"汇率“{t[:40]}”的小数位超过{RATE_PLACES}位，请按汇率文件的精度填写")
    return rate


@dataclass(frozen=True)
class Entered:
    """A rate entered: whether it is new, and the records it converted."""

    currency: str
    month: dt.date
    usd_per_unit: Decimal
    new: bool
    converted: list[Converted]

    def as_dict(self) -> dict:
        return {"currency": self.currency, "month": self.month.strftime("%Y-%m"),
                "usd_per_unit": rate_text(self.usd_per_unit), "new": self.new,
                "converted": [converted_json(c) for c in self.converted]}


def enter(store: Store, currency: object, month: object, usd_per_unit: object, actor: str,
          address: str | None = None) -> Entered:
    """Hold a month's rate (read as the import reads one) and convert what waited for it."""
    code, first, rate = read_currency(currency), read_month(month), read_rate(usd_per_unit)
    new, converted = store.rates.set(code, first, rate, actor, address)
    return Entered(code, first, rate, new, converted)


def overview(store: Store) -> dict:
    """What ``GET /api/v1/rates`` answers: the rates held and the ones filings lack."""
    return {"held": [{"currency": c, "month": m.strftime("%Y-%m"), "usd_per_unit": rate_text(r),
                      "source": "imported" if b else "entered"}
                     for c, m, r, b in store.rates.held()],
            "missing": [missing_json(x) for x in store.rates.missing()]}


def missing_json(x: Missing) -> dict:
    return {"currency": x["currency"], "month": x["month"].strftime("%Y-%m"),
            "records": x["records"], "submitted": x["submitted"], "enterprises": x["enterprises"]}


def converted_json(c: Converted) -> dict:
    return {"kind": "contract" if c["kind"] == "contracts" else "execution",
            "record_id": c["record_id"], "enterprise_id": c["enterprise_id"],
            "status": c["status"], "amount": rate_text(c["orig_amount"]), "currency": c["currency"],
            "month": c["month"].strftime("%Y-%m"), "amount_cents": c["amount_cents"]}


def rate_text(d: Decimal) -> str:
    """0.1384000000 → 0.1384 (never 1.384E-1)."""
    return f"{d.normalize():f}"
