"""Data problems as values: every code a check can yield, its severity and its Chinese
message template.  Codes are stable kebab-case strings that tests and scripts rely on.

A template may use ``{value}`` (the cell as the user wrote it), ``{header}`` (the column
as it is headed in the file) and ``{detail}`` (a figure the check computed); the rest of the sentence names what is wrong and how to fix it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from shumao.catalogue.imports import CATALOGUE, Severity

ERRORS = frozenset(c for c, (s, _, _) in CATALOGUE.items() if s == "error")


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
    return CATALOGUE[code][1].format(value="" if value is None else value, header=header,
                                     detail="" if detail is None else detail)


def make(code: str, file: str, row: int | None = None, column: str | None = None,
         value: object = None, header: str = "", sheet: str | None = None,
         detail: object = "") -> Issue:
    sev = CATALOGUE[code][0]
    v = None if value is None else str(value)
    text = message(code, v, header or column or "", detail)
    return Issue(file, row, column, v, code, text, sev, sheet)
