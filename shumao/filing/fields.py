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
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation

from shumao.filing.checks import Result, result
from shumao.indicators.catalog import CATEGORIES
from shumao.model import digital_codes, rules
from shumao.model.codes import aliases, countries, country_aliases, norm
from shumao.model.digital import effective_share, read_share, share_fits, subcategory_fits
from shumao.model.records import DIGITAL_COLUMNS
from shumao.model.text import stray
from shumao.store.rows import Record

KINDS = {"contract": "contracts", "execution": "executions"}      # API word → store kind
WORD = {v: k for k, v in KINDS.items()}
KIND_ZH = {"contracts": "合同（签约）", "executions": "合同执行（收款）"}
# the form's fields per kind, in order, with their Chinese labels (filings.md's headers)
FORM: dict[str, dict[str, str]] = {
    "contracts": {"contract_id": "合同编号", "signed_on": "签约日期",
                  "client_country": "发包方国别（地区）", "category": "业务类别",
                  "amount": "合同金额", "currency": "币种",
                  # digital trade (spec/digital-trade.md §6.1.2), optional: the import's headers
                  "subcategory": "业务子类", "delivery_mode": "交付方式",
                  "remote_share": "远程交付比例（%）", "ordered_online": "线上订购",
                  "platform_id": "接单平台"},
    "executions": {"contract_id": "合同编号", "execution_id": "执行编号",
                   "executed_on": "执行日期", "amount": "执行金额", "currency": "币种"},
}
REQUIRED = {"contracts": ("contract_id", "signed_on", "client_country", "category", "amount"),
            "executions": ("contract_id", "execution_id", "executed_on", "amount")}
MAX_ID = 64
FIRST_YEAR, LAST_YEAR = rules.FIRST_YEAR, rules.LAST_YEAR   # the import's years (model.rules)
MAX_WORD = 40          # a country, category or currency kept as typed in a draft
LIMIT = Decimal(10) ** 12
_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?$")


def label(kind: str, name: str) -> str:
    return FORM[kind].get(name, name)


# what a draft may hold although it cannot be submitted: the words are kept as typed and the
# submission's hard checks (``judge``) name them — web.md: unknown country, amount not positive
# the codes this module yields (the catalogue's test holds every producer to its list)
YIELDS = ("missing-value", "bad-value", "bad-id", "bad-date", "date-out-of-range", "unknown-country",
          "unknown-category", "unknown-currency", "bad-number", "amount-not-positive",
          "amount-too-large", "fraction-of-cent", "unknown-subcategory",
          "subcategory-parent-mismatch", "bad-delivery-mode", "remote-share-out-of-range",
          "delivery-share-inconsistent", "bad-ordered-online")
LATER = ("unknown-country", "unknown-category", "unknown-currency", "amount-not-positive")


def read(kind: str, values: dict, enterprise_id: str) -> tuple[dict, list[Result]]:
    """The typed record (store columns; ``amount_cents`` is the service's, with the rate)
    and the problems that keep it from being stored at all (a value of a column's type
    that cannot be read).  Unknown keys are ignored."""
    record: dict = {}
    problems: list[Result] = []
    wrong = set()
    for name in FORM[kind]:
        v = values.get(name)
        if v is not None and (isinstance(v, bool) or not isinstance(v, str | int | float)):
            problems.append(result("bad-value", type(v).__name__, label(kind, name), field=name))
            wrong.add(name)
        elif isinstance(v, str) and (ch := stray(v)):      # not echoed: it cannot be shown
            problems.append(result("bad-value", f"无法保存的字符 {ch}", label(kind, name), field=name))
            wrong.add(name)
    text = {k: "" if k in wrong else _clean(values.get(k)) for k in FORM[kind]}
    for name in REQUIRED[kind]:
        if not text[name] and name not in wrong:
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
        day = read_date(text[date_field])
        if day is None:
            problems.append(result("bad-date", text[date_field], field=date_field))
        elif not FIRST_YEAR <= day.year <= LAST_YEAR:
            problems.append(result("date-out-of-range", text[date_field], field=date_field))
        else:
            record[date_field] = day
    if kind == "contracts":
        record["enterprise_id"] = enterprise_id
        if text["client_country"]:
            record["client_country"] = country_aliases().get(
                norm(text["client_country"]), text["client_country"][:MAX_WORD])
        if text["category"]:
            record["category"] = aliases("categories").get(norm(text["category"]),
                                                           text["category"][:MAX_WORD])
        record.update(digital(text, record.get("category"), problems))
    record["currency"] = (aliases("currencies").get(norm(text["currency"]), text["currency"][:MAX_WORD])
                          if text["currency"] else "USD")
    if text["amount"]:
        amount, problem = parse_amount(text["amount"])
        if problem:
            problems.append(problem)
        record["orig_amount"] = amount
        record["orig_scale"] = 1
    return record, problems


def digital(text: dict[str, str], category: str | None, problems: list[Result]) -> dict:
    """A contract's four digital fields (spec/digital-trade.md §6.1.2) as the store keeps
    them — codes, the effective remote share — by model.digital's rule, the import's; each
    value that breaks it is a problem (the import's code).  Blank is absent (9A.2); the
    platform is checked against the register by the service (it needs the store)."""
    out: dict = {c: None for c in DIGITAL_COLUMNS}
    if sub := text["subcategory"]:
        code = digital_codes.subcategory_aliases().get(norm(sub))
        if code is None:
            problems.append(result("unknown-subcategory", sub[:MAX_WORD]))
        else:
            parent = digital_codes.subcategories()[code].parent
            if not subcategory_fits(parent, category if category in CATEGORIES else None):
                problems.append(result("subcategory-parent-mismatch",
                                       digital_codes.subcategories()[code].name, CATEGORIES[parent]))
            out["subcategory"] = code
    mode, mode_ok = None, True
    if text["delivery_mode"]:
        mode = digital_codes.words("delivery_modes").get(norm(text["delivery_mode"]))
        if mode is None:
            mode_ok = False
            problems.append(result("bad-delivery-mode", text["delivery_mode"][:MAX_WORD]))
    share, share_ok = None, True
    if text["remote_share"]:
        share = read_share(unicodedata.normalize("NFKC", text["remote_share"]))
        if share is None:
            share_ok = False
            problems.append(result("remote-share-out-of-range", text["remote_share"][:MAX_WORD]))
    if mode_ok and share_ok and not share_fits(mode, share):
        said = digital_codes.shown_words("delivery_modes").get(mode or "", "未填写")
        problems.append(result("delivery-share-inconsistent", share, (
            f"未填写，交付方式为“{said}”时须填写" if share is None
            else f"“{share}”与交付方式“{said}”不符")))
    out["delivery_mode"], out["remote_share"] = mode, effective_share(mode, share)
    if text["ordered_online"]:
        out["ordered_online"] = digital_codes.words("ordered").get(norm(text["ordered_online"]))
        if out["ordered_online"] is None:
            problems.append(result("bad-ordered-online", text["ordered_online"][:MAX_WORD]))
    if text["platform_id"]:
        out["platform_id"] = text["platform_id"][:MAX_ID]
    return out


def judge(kind: str, record: Record) -> list[Result]:
    """The hard checks of a stored draft's words and amount (``LATER``)."""
    out = []
    if kind == "contracts":
        if record["client_country"] not in countries():
            out.append(result("unknown-country", record["client_country"]))
        if record["category"] not in CATEGORIES:
            out.append(result("unknown-category", record["category"]))
    if record["currency"] not in set(aliases("currencies").values()):
        out.append(result("unknown-currency", record["currency"]))
    if record["orig_amount"] <= 0:
        out.append(result("amount-not-positive", shown(kind, record)["amount"]))
    return out


def read_date(text: str) -> dt.date | None:
    """The date the text writes (any year), None if it writes none."""
    m = _DATE.match(unicodedata.normalize("NFKC", text).strip())
    if not m:
        return None
    try:
        return dt.date(*(int(g) for g in m.groups()))
    except ValueError:
        return None


def parse_date(text: str) -> dt.date | None:
    """The date the text writes, None if it writes none in the years a record may name."""
    day = read_date(text)
    return day if day is not None and FIRST_YEAR <= day.year <= LAST_YEAR else None


def parse_amount(text: str) -> tuple[Decimal | None, Result | None]:
    t = unicodedata.normalize("NFKC", text).replace(",", "").replace(" ", "")
    try:
        amount = Decimal(t)
    except InvalidOperation:
        return None, result("bad-number", text)
    if not amount.is_finite():
        return None, result("bad-number", text)
    if amount >= LIMIT or amount <= -LIMIT:
        return None, result("amount-too-large", text)
    if amount * 100 != (amount * 100).to_integral_value():
        return None, result("fraction-of-cent", text)
    return amount, None


def shown(kind: str, record: Mapping[str, object]) -> dict[str, str]:
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


# -- the monthly upload's template ------------------------------------------------------------
TEMPLATE_NAME = "月度填报模板.xlsx"      # no kind in the name: each sheet's name says its kind
TEMPLATE_SHEETS = {"contracts": "合同", "executions": "合同执行"}


def upload_template() -> bytes:
    """An XLSX to fill in and upload (filing.service.upload): a sheet per kind named for it,
    headed with this form's labels (filings.md's headers), the credit code left out."""
    import tempfile
    from pathlib import Path

    from shumao.files import sheets

    with tempfile.TemporaryDirectory(prefix="shumao-template-") as tmp:
        path = Path(tmp) / "template.xlsx"
        sheets.write_sheets(path, {name: (list(FORM[kind].values()), [], None)
                                   for kind, name in TEMPLATE_SHEETS.items()})
        return path.read_bytes()
