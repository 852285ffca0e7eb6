"""An import's issues by cause, causes first: what a clerk reads (the 导入 page, the
command's issue list, the 问题清单 workbook).

Rows that name an enterprise or a contract not found (``unknown-enterprise``,
``unknown-contract``) fail because of something else: the same missing id on 98 contract
rows is one problem, not 98, and where a row of this import's enterprise or contract file
holds an invalid id close to it (one mistyped character: ``bad-credit-code`` in 企业名录第5行),
that row is the cause and the 98 rows are counted under it — "合同.csv 中 98 行因此无法导入".

Problems come in the order a clerk fixes them: errors before warnings; a file's own problems
(unreadable, a missing column) first, then enterprises, rates, contracts and executions; by
file and row within those.  The JSON of ``shumao import --json`` keeps every issue as
cli.md writes it; this is how they are shown.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from shumao.ingest.issues import Issue

# a cascade code → (the kind of file its id comes from, the id's column)
CASCADES = {"unknown-enterprise": ("enterprises", "enterprise_id"),
            "unknown-contract": ("contracts", "contract_id")}
ORDER = {None: 0, "enterprises": 1, "rates": 2, "contracts": 3, "executions": 4}
ROWS_NAMED = 8        # the rows a problem names one by one ("第2、3、5…行")


@dataclass
class Problem:
    """One cause and the rows that fail because of it (``rows``: none for most)."""

    cause: Issue
    rows: list[Issue] = field(default_factory=list)
    shared: bool = False      # the cause is the first of the rows (the same id missing)

    @property
    def count(self) -> int:
        """The issues this problem stands for."""
        return 1 + len(self.rows)

    @property
    def message(self) -> str:
        """The cause's message and, for a cascade, where and how many rows fail by it."""
        if self.shared:
            return f"{self.cause.message}；{_where([self.cause, *self.rows], '引用了它，均无法导入')}"
        if not self.rows:
            return self.cause.message
        named = sorted({i.value for i in self.rows if i.value})
        meant = (f"，这些行引用的“{named[0]}”疑即本行应填的编号" if len(named) == 1
                 and named[0] != self.cause.value else "")
        return f"{self.cause.message}；{_where(self.rows, '因此无法导入')}{meant}"

    def issues(self) -> list[Issue]:
        """The cause (its message saying how many rows it breaks), then those rows, each
        saying its cause — for a list with every issue (the 问题清单 workbook)."""
        at = _at(self.cause)
        return [replace(self.cause, message=self.message),
                *(replace(i, message=f"{i.message}（原因见{at}）") for i in self.rows)]


def group(items: list[Issue]) -> list[Problem]:
    """The issues as problems by cause, causes first (module docstring)."""
    cascades: dict[tuple[str, str | None], list[Issue]] = {}
    problems: list[Problem] = []
    for i in items:
        if i.code in CASCADES:
            cascades.setdefault((i.code, i.value), []).append(i)
        else:
            problems.append(Problem(i))
    for (code, value), rows in cascades.items():
        cause = _cause(problems, code, value)
        if cause is not None:
            cause.rows += rows
        else:
            problems.append(Problem(rows[0], rows[1:], shared=len(rows) > 1))
    problems.sort(key=lambda p: (p.cause.severity != "error", ORDER.get(p.cause.kind, 5),
                                 p.cause.file, p.cause.sheet or "", p.cause.row or 0))
    return problems


def flat(items: list[Issue]) -> list[Issue]:
    """Every issue, in the order of their problems (each cascade under its cause)."""
    return [i for p in group(items) for i in p.issues()]


def _cause(problems: list[Problem], code: str, value: str | None) -> Problem | None:
    """The problem of this import's row whose mistyped id the cascade's rows most likely
    meant: an error in the id's column of the kind's file, at most two characters off."""
    kind, column = CASCADES[code]
    if not value:
        return None
    near = [p for p in problems if p.cause.severity == "error" and p.cause.kind == kind
            and p.cause.column == column and p.cause.value
            and _distance(p.cause.value.strip().upper(), value.strip().upper()) <= 2]
    return min(near, key=lambda p: _distance(p.cause.value or "", value)) if near else None


def _distance(a: str, b: str) -> int:
    """Levenshtein distance, stopping early past 2 (ids are short)."""
    if abs(len(a) - len(b)) > 2:
        return 3
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        if min(cur) > 2:
            return 3
        prev = cur
    return prev[-1]


def _at(i: Issue) -> str:
    where = i.file + (f"（{i.sheet}）" if i.sheet else "")
    return f"{where}第{i.row}行" if i.row is not None else where


def _where(rows: list[Issue], what: str) -> str:
    """"合同.csv 中 98 行因此无法导入（第2、3…行）": each file's count, ``what`` after it,
    and the first rows."""
    files: dict[str, list[Issue]] = {}
    for i in rows:
        files.setdefault(i.file + (f"（{i.sheet}）" if i.sheet else ""), []).append(i)
    parts = []
    for f, found in files.items():
        named = [str(i.row) for i in found[:ROWS_NAMED] if i.row is not None]
        more = "…" if len(found) > ROWS_NAMED else ""
        parts.append(f"{f} 中 {len(found)} 行{what}" + (f"（第{'、'.join(named)}{more}行）" if named else ""))
    return "；".join(parts)
