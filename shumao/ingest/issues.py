"""Data problems as values: an ``Issue`` is one problem at one cell, made from its rule in
the import's catalogue (shumao.catalogue.imports: code, severity, Chinese template)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import cast

from shumao.catalogue import Rule, of_stage
from shumao.catalogue.imports import Severity

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
    return CATALOGUE[code].text(value="" if value is None else value, header=header,
                                detail="" if detail is None else detail)


def make(code: str, file: str, row: int | None = None, column: str | None = None,
         value: object = None, header: str = "", sheet: str | None = None,
         detail: object = "") -> Issue:
    sev = cast(Severity, CATALOGUE[code].level)
    v = None if value is None else str(value)
    text = message(code, v, header or column or "", detail)
    return Issue(file, row, column, v, code, text, sev, sheet)
