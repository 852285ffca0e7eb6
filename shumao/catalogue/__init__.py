"""The catalogue of rules: every code shumao gives about data or wording, one ``Rule`` each
(code, stage, level, Chinese message, English gloss, the rule in words, the field it looks
at, and ``same_as``: the other stage's code for the same rule), as data.

    base      the ``Rule`` record, the stages and the levels
    imports   the issues of ``shumao import`` (ingest.issues)           stage "import"
    edits     the edit checks of a web filing (filing.checks)           stage "filing"
    vetting   a report's checks before publication (report.vetting)     stage "publication"
    wording   wording that must never reach a reader (report.vetting)   stage "publication"

A code is unique within its stage; the same rule at two stages may keep its code (an import's
``bad-date`` and a filing's ``bad-date``).  Each producer declares the codes it yields
(``YIELDS``); ``shumao codes`` prints the catalogue.
"""

from __future__ import annotations

from dataclasses import replace

from shumao.catalogue.base import LEVEL_ZH, STAGES, Rule
from shumao.catalogue.edits import EDITS, UPLOAD
from shumao.catalogue.imports import IMPORTS
from shumao.catalogue.vetting import VETTING
from shumao.catalogue.wording import WORDING

# same_as is written once, on the filing side: the import side's is its inverse
_IMPORT_TWIN = {r.same_as: r.code for r in EDITS if r.same_as}
RULES: tuple[Rule, ...] = (
    *(replace(r, same_as=_IMPORT_TWIN.get(r.code)) for r in IMPORTS),
    *EDITS, UPLOAD, *VETTING, *WORDING,
)


def of_stage(stage: str) -> dict[str, Rule]:
    """A stage's rules by code."""
    return {r.code: r for r in RULES if r.stage == stage}


def find(code: str) -> list[Rule]:
    """Every rule with this code (one per stage that uses it)."""
    return [r for r in RULES if r.code == code]


__all__ = ["LEVEL_ZH", "RULES", "STAGES", "Rule", "find", "of_stage"]
