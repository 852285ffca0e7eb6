"""Data problems as values: an ``Issue`` is one problem at one cell, made from its rule in
the import's catalogue (shumao.catalogue.imports: code, severity, Chinese template)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import cast

from shumao.catalogue import Rule, of_stage
from shumao.catalogue.imports import Severity
from shumao.model import rules
from shumao.model.money import dollars, sized

CATALOGUE: dict[str, Rule] = of_stage("import")


@dataclass(frozen=True, slots=True)
class Issue:
    """One problem at one cell: what the clerk needs to find and fix it."""

    file: str
    row: int | None
    column: str | None
    value: str | None
    code: str
    message: str
    severity: Severity = "error"
    sheet: str | None = None
    header: str | None = None    # the column as the user's file heads it (pages, lists)
    kind: str | None = None      # the kind of the file's table (the order of causes)

    def as_dict(self) -> dict:
        """cli.md's shape: file, row, column (the field's name), value, code, message, and
        the sheet where there is one."""
        d = asdict(self)
        if self.sheet is None:
            del d["sheet"]
        for extra in ("severity", "header", "kind"):
            del d[extra]
        return d

    @property
    def column_words(self) -> str:
        """The column as the user's file names it, else its Chinese name; "" for none."""
        return self.header or column_zh(self.column)


def message(code: str, value: object = "", header: str = "", detail: object = "") -> str:
    detail = "" if detail is None else DETAILS.get(code, str)(str(detail))
    return CATALOGUE[code].text(value="" if value is None else value, header=header,
                                detail=detail)


def _exceeds(detail: str) -> str:
    """"total cap" (cents) of exceeds-contract in words."""
    total, cap = detail.split()
    return f"{sized(int(total))}，已超过合同金额{sized(int(cap))}"


def _unusual(detail: str) -> str:
    """"basis kind median amount low multiple n" (cents) of unusual-amount in words
    (model.rules.exceeded)."""
    basis, kind, median, amount, low, times, n = detail.split()
    what = "合同金额" if kind == "contracts" else "执行金额"
    return (f"（折合{sized(Decimal(amount))}）超过" + rules.exceeded(
        basis, what, sized(Decimal(median)), sized(Decimal(low)), int(times), int(n), who="该企业"))


def _changed(detail: str) -> str:
    """changed-record's JSON [[field, stored, incoming, stored currency, incoming currency]]
    in words: 签约日期：2023年3月5日 → 2023年3月6日；合同金额：…"""
    import json

    fields = json.loads(detail or "[]")
    names = {f[0] for f in fields}
    shown = [f for f in fields if f[0] != "amount_cents" or "orig_amount" not in names]
    return "；".join(f"{_field_zh(name)}：{_value_zh(name, old, cur0)} → {_value_zh(name, new, cur1)}"
                    for name, old, new, cur0, cur1 in shown)


def _field_zh(name: str) -> str:
    return {"orig_amount": "金额", "amount_cents": "折合美元", "usd_per_unit": "美元汇率"}.get(
        name, column_zh(name))


def _value_zh(name: str, value: str | None, currency: str | None) -> str:
    """A stored or incoming value as a clerk reads it (words for codes, Chinese dates)."""
    import datetime as dt

    from shumao.indicators.catalog import CATEGORIES
    from shumao.model.codes import NATURE_ZH, countries, currency_name
    from shumao.model.periods import day_words
    from shumao.model.status import STATUS_ZH

    if value is None:
        return "（空）"
    if name == "orig_amount":
        return f"{Decimal(value):,.2f}{currency_name(currency or 'USD')}"
    if name == "amount_cents":
        return dollars(int(value))
    if name in ("signed_on", "executed_on"):
        return day_words(dt.date.fromisoformat(value[:10]))
    if name == "month":
        return f"{value[:4]}年{int(value[5:7])}月"
    known = {"client_country": {k: c.name_zh for k, c in countries().items()},
             "category": CATEGORIES, "nature": NATURE_ZH, "currency": None,
             "status": STATUS_ZH}.get(name)
    if name == "currency":
        return currency_name(value)
    return known.get(value, value) if known else value


# a check's computed figure in words, with units and separators (model.money.sized)
DETAILS = {"exceeds-contract": _exceeds, "unusual-amount": _unusual, "changed-record": _changed}


def make(code: str, file: str, row: int | None = None, column: str | None = None,
         value: object = None, header: str = "", sheet: str | None = None,
         detail: object = "", kind: str | None = None) -> Issue:
    sev = cast(Severity, CATALOGUE[code].level)
    v = None if value is None else str(value)
    text = message(code, v, header or column_zh(column), detail)
    return Issue(file, row, column, v, code, text, sev, sheet, header or None, kind)


def column_zh(column: str | None) -> str:
    """A field's Chinese name (filings.md's first Chinese header; 金额 for either amount)."""
    if not column:
        return ""
    if column == "amount":
        return "金额"
    from shumao.model.codes import header_columns
    for cols in header_columns().values():
        for c in cols:
            if c.name == column:
                return next((a for a in c.aliases if not a.isascii()), column)
    return column
