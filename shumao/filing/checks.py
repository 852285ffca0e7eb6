"""The edit checks of a web filing (web.md filings-web), their rules read from the
catalogue (shumao.catalogue.edits: code, level, the field it looks at, the Chinese message,
the rule in words, and ``same_as``, the check of ``shumao import`` that applies the same rule
to an imported row); both read the same reference data (model.codes) and thresholds
(model.rules).

Levels, as in official direct reporting (联网直报):

    hard        强制性  blocks submission until the value is corrected
    quasi-hard  准强制性 needs an explanation (any words)
    verify      核实性  needs an explanation of at least six characters
    hint        提示性  shown only

``run`` (filings.service) evaluates them; a ``Result`` carries the value, the enterprise's
value for the same month last year and the change, and the explanation given.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import cast

from shumao.catalogue import Rule
from shumao.catalogue.edits import EDITS, LEVELS, VERIFY_MIN_CHARS, Level

CATALOGUE: dict[str, Rule] = {r.code: r for r in EDITS}


@dataclass(frozen=True)
class Result:
    """One check that fired on one record."""

    code: str
    level: Level
    field: str
    value: str | None
    message: str
    last_year_cents: int | None = None     # the enterprise's same month last year
    this_month_cents: int | None = None    # its month with this record
    change: str | None = None              # 同比, % (None without last year's value)
    explanation: str | None = None

    def as_dict(self) -> dict:
        return {**asdict(self), "level_zh": LEVELS[self.level]}

    @property
    def blocks(self) -> bool:
        """Hard always; quasi-hard and verify until explained well enough."""
        if self.level == "hard":
            return True
        words = (self.explanation or "").strip()
        if self.level == "quasi-hard":
            return not words
        if self.level == "verify":
            return len(words) < VERIFY_MIN_CHARS
        return False

    @property
    def needs(self) -> str | None:
        """What the filer must do about it, in words; None when nothing."""
        if not self.blocks:
            return None
        if self.level == "hard":
            return "请修改后再提交"
        if self.level == "quasi-hard":
            return "请填写说明后再提交"
        return f"请填写不少于{VERIFY_MIN_CHARS}个字的核实说明后再提交"


def result(code: str, value: object = None, detail: object = "", field: str | None = None,
           **context) -> Result:
    c = CATALOGUE[code]
    v = None if value is None else str(value)
    return Result(code, cast(Level, c.level), field or c.field or "*", v,
                  c.message.format(value="" if v is None else v, detail=detail), **context)


def catalogue_rows() -> list[dict]:
    """The catalogue as rows (the 检查规则 page and the README's table)."""
    return [{"code": c.code, "level": c.level, "level_zh": LEVELS[c.level], "field": c.field,
             "rule": c.rule, "import_code": c.same_as} for c in CATALOGUE.values()]
