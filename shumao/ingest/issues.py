"""Data problems as values: an ``Issue`` is one problem at one cell, made from its rule in
the import's catalogue (shumao.catalogue.imports: code, severity, Chinese template)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal
from typing import cast

from shumao.catalogue import Rule, of_stage
from shumao.catalogue.imports import Severity
from shumao.model.money import sized
from shumao.model.rules import basis_words

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

    def as_dict(self) -> dict:
        d = asdict(self)
        if self.sheet is None:
            del d["sheet"]
        del d["severity"]
        return d


def message(code: str, value: object = "", header: str = "", detail: object = "") -> str:
    detail = "" if detail is None else DETAILS.get(code, str)(str(detail))
    return CATALOGUE[code].text(value="" if value is None else value, header=header,
                                detail=detail)


def _exceeds(detail: str) -> str:
    """"total cap" (cents) of exceeds-contract in words."""
    total, cap = detail.split()
    return f"{sized(int(total))}，已超过合同金额{sized(int(cap))}"


def _unusual(detail: str) -> str:
    """"basis kind median amount" (cents) of unusual-amount in words (model.rules.BASES)."""
    basis, kind, median, amount = detail.split()
    what = "合同金额" if kind == "contracts" else "执行金额"
    return (f"（折合{sized(Decimal(amount))}）超过"
            f"{basis_words(basis, what, who='该企业')}（{sized(Decimal(median))}）")


# a check's computed figure (cents) in words, with units and separators (model.money.sized)
DETAILS = {"exceeds-contract": _exceeds, "unusual-amount": _unusual}


def make(code: str, file: str, row: int | None = None, column: str | None = None,
         value: object = None, header: str = "", sheet: str | None = None,
         detail: object = "") -> Issue:
    sev = cast(Severity, CATALOGUE[code].level)
    v = None if value is None else str(value)
    text = message(code, v, header or column or "", detail)
    return Issue(file, row, column, v, code, text, sev, sheet)
