"""Vetting a report before publication (report.md: Beyond the text): parts add up to
totals, shares add up within rounding, the disclosure rule — a figure built from fewer
than 3 enterprises, or with one enterprise above 85 % of it, is flagged — and no wording
that must never reach a reader.  The rules and their messages are the catalogue's
(shumao.catalogue.vetting and .wording)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from shumao.catalogue import of_stage
from shumao.catalogue.wording import WORDING, findings
from shumao.indicators.compute import Indicators
from shumao.model.money import round_half_up, wan

MIN_ENTERPRISES = 3
DOMINANCE = Decimal(85)
YIELDS = ("onshore-offshore", "nature-split", "category-split", "shares-sum",
          "few-enterprises", "dominant-enterprise", *(r.code for r in WORDING))
RULES = of_stage("publication")


@dataclass(frozen=True)
class Check:
    code: str
    ok: bool
    message: str


def consistency(ind: Indicators) -> list[Check]:
    f = ind.figures
    natures = ["domestic", "foreign"] + (["hmt"] if ind.basis.hmt_separate else [])
    sums = [
        ("onshore-offshore", "在岸与离岸合同额之和等于签约总额", ["signed_onshore", "signed_offshore"], "signed_total"),
        ("onshore-offshore", "在岸与离岸执行额之和等于执行总额", ["exec_onshore", "exec_offshore"], "exec_total"),
        ("nature-split", "按企业性质分的离岸合同额之和等于离岸合同额",
         [f"signed_offshore_{n}" for n in natures], "signed_offshore"),
        ("nature-split", "按企业性质分的离岸执行额之和等于离岸执行额",
         [f"exec_offshore_{n}" for n in natures], "exec_offshore"),
        ("category-split", "ITO、BPO、KPO执行额之和等于离岸执行额",
         [f"exec_offshore_{c}" for c in ("ITO", "BPO", "KPO")], "exec_offshore"),
    ]
    out = []
    for code, words, parts, total in sums:
        got = sum(f[p].current for p in parts)
        out.append(Check(code, got == f[total].current,
                         RULES[code].text(words=words, parts=wan(got), total=wan(f[total].current))))
        if f[total].current:
            shares = sum((round_half_up(f[p].share or Decimal(0)) for p in parts), Decimal(0))
            out.append(Check("shares-sum", abs(shares - 100) <= Decimal("0.01") * len(parts),
                             RULES["shares-sum"].text(words=words, shares=shares)))
    return out


def disclosure(ind: Indicators) -> list[Check]:
    """Figures that would reveal a single enterprise (statistical confidentiality)."""
    out = []
    for fig in ind.figures.values():
        if not fig.current:
            continue
        if fig.enterprises < MIN_ENTERPRISES:
            out.append(Check("few-enterprises", False, RULES["few-enterprises"].text(
                name=fig.name, count=fig.enterprises, minimum=MIN_ENTERPRISES)))
        elif fig.top_enterprise_share is not None and fig.top_enterprise_share > DOMINANCE:
            out.append(Check("dominant-enterprise", False, RULES["dominant-enterprise"].text(
                name=fig.name, share=round_half_up(fig.top_enterprise_share))))
    return out


def wording(paragraphs: list[str]) -> list[Check]:
    """Wording that must never reach a reader, found in the report's text (none: no checks)."""
    return [Check(rule.code, False, message) for rule, message in findings("\n".join(paragraphs))]
