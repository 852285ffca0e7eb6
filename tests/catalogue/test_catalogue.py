"""The catalogue of rules against its producers: every code a producer declares (``YIELDS``)
is in the catalogue and every catalogue code is declared by exactly one producer of its
stage; a producer makes no code it does not declare; ``same_as`` links real codes both ways;
and every code is asserted by some test (the import's by its specimen, the wording rules and
the publication checks by the specimens here)."""

from __future__ import annotations

import ast
import inspect
import re
from decimal import Decimal
from types import ModuleType, SimpleNamespace

import pytest

from shumao import catalogue
from shumao.catalogue.wording import findings
from shumao.filing import fields, service
from shumao.ingest import importer
from shumao.report import vetting
from tests.conftest import REPO

PRODUCERS: dict[str, list[ModuleType]] = {
    "import": [importer], "filing": [fields, service], "publication": [vetting]}


@pytest.mark.parametrize("stage", sorted(PRODUCERS))
def test_the_producers_of_a_stage_declare_exactly_its_codes(stage):
    declared = [code for m in PRODUCERS[stage] for code in m.YIELDS]
    assert len(declared) == len(set(declared)), "a code declared by two producers"
    assert set(declared) == set(catalogue.of_stage(stage))


def test_every_code_is_unique_within_its_stage_and_kebab_case():
    keys = [(r.stage, r.code) for r in catalogue.RULES]
    assert len(keys) == len(set(keys))
    assert all(re.fullmatch(r"[a-z]+(-[a-z]+)*", r.code) for r in catalogue.RULES)
    assert all(r.message and r.gloss.isascii() and r.rule and not r.rule.isascii()
               for r in catalogue.RULES)


def _made(module: ModuleType) -> set[str]:
    """The codes ``module`` passes literally to a maker (result, make, Check)."""
    tree = ast.parse(inspect.getsource(module))
    return {call.args[0].value for call in ast.walk(tree)
            if isinstance(call, ast.Call) and isinstance(call.func, ast.Name)
            and call.func.id in ("result", "make", "Check") and call.args
            and isinstance(call.args[0], ast.Constant) and isinstance(call.args[0].value, str)}


@pytest.mark.parametrize("module", [fields, service, vetting], ids=lambda m: m.__name__)
def test_a_producer_makes_no_code_it_does_not_declare(module):
    made = _made(module)
    assert made and made <= set(module.YIELDS)


def test_same_as_names_the_other_stage_both_ways():
    imports, filing = catalogue.of_stage("import"), catalogue.of_stage("filing")
    for r in filing.values():
        if r.same_as:
            assert imports[r.same_as].same_as == r.code
    for r in imports.values():
        if r.same_as:
            assert filing[r.same_as].same_as == r.code


# -- specimens of the publication stage ---------------------------------------------------------
WORDING = {   # code → a sentence that breaks only that rule
    "hmt-abroad": "国外市场包括中国香港。",
    "china-abroad": "发包方位于中国境外。",
    "taiwan-as-country": "Republic of China",
    "hmt-without-china": "发包方在香港。",
    "numbered-note": "注1：数据来源。",
    "iso-date": "截至2024-06-30。",
    "program-name": "由Shumao生成。",
    "null-value": "上年同期：None。",
    "translationese": "同比为与上年比较。",
}


@pytest.mark.parametrize("code", sorted(WORDING))
def test_a_wording_specimen_breaks_its_rule(code):
    assert {r.code for r, _ in findings(WORDING[code])} == {code}
    [check] = vetting.wording(["第一段。", WORDING[code]])
    assert check.code == code and not check.ok and "「" in check.message


def test_every_wording_rule_has_a_specimen():
    assert set(WORDING) == {r.code for r in catalogue.RULES if r.code in WORDING} == {
        r.code for r in catalogue.wording.WORDING}


def _fig(current=100, share=None, enterprises=5, top=None, name="签约总额"):
    return SimpleNamespace(current=current, share=share, enterprises=enterprises,
                           top_enterprise_share=top, name=name)


def _indicators(**changed):
    names = ["signed_total", "signed_onshore", "signed_offshore", "exec_total", "exec_onshore",
             "exec_offshore", *(f"{k}_offshore_{n}" for k in ("signed", "exec")
                                for n in ("domestic", "foreign")),
             *(f"exec_offshore_{c}" for c in ("ITO", "BPO", "KPO"))]
    figures = {n: _fig(0, Decimal(0)) for n in names}
    for n in ("signed_total", "signed_offshore", "signed_offshore_domestic", "exec_total",
              "exec_offshore", "exec_offshore_domestic", "exec_offshore_ITO"):
        figures[n] = _fig(100, Decimal(100))
    figures.update(changed)
    return SimpleNamespace(figures=figures, basis=SimpleNamespace(hmt_separate=False))


def test_consistent_figures_pass_every_sum():
    assert all(c.ok for c in vetting.consistency(_indicators()))
    assert vetting.disclosure(_indicators()) == []


@pytest.mark.parametrize("figure, code", [
    ("signed_onshore", "onshore-offshore"), ("signed_offshore_foreign", "nature-split"),
    ("exec_offshore_BPO", "category-split")])
def test_a_part_that_does_not_add_up_is_flagged(figure, code):
    checks = vetting.consistency(_indicators(**{figure: _fig(5, Decimal(0))}))
    assert [c.code for c in checks if not c.ok] == [code]
    assert "分项之和" in next(c.message for c in checks if not c.ok)


def test_shares_that_do_not_add_up_are_flagged():
    checks = vetting.consistency(_indicators(exec_offshore_ITO=_fig(100, Decimal(90))))
    assert [c.code for c in checks if not c.ok] == ["shares-sum"]


@pytest.mark.parametrize("figure, code, words", [
    (_fig(enterprises=2), "few-enterprises", "仅由2家企业构成（少于3家）"),
    (_fig(top=Decimal("85.74")), "dominant-enterprise", "单一企业占85.74%")])
def test_disclosure_specimens(figure, code, words):
    [check] = vetting.disclosure(SimpleNamespace(figures={"signed_total": figure}))
    assert check.code == code and words in check.message


def test_a_filing_id_too_long_is_bad_id():
    _, problems = fields.read("contracts", {"contract_id": "C" * 65}, "91990102B8QRD82822")
    assert "bad-id" in {p.code for p in problems}


# -- every code is asserted somewhere ----------------------------------------------------------
def test_every_code_of_filing_and_publication_is_asserted_by_a_test():
    text = "\n".join(p.read_text(encoding="utf-8") for p in (REPO / "tests").rglob("test_*.py"))
    missing = [r.code for r in catalogue.RULES
               if r.stage != "import" and f'"{r.code}"' not in text]
    assert missing == []
