"""``shumao codes [CODE] [--stage S] [--json]``: the catalogue of every code (shumao.catalogue), like
``ruff rule`` — all of it, one code at every stage that uses it, and wrong usage in Chinese."""

from __future__ import annotations

import json

import pytest

from shumao import catalogue
from tests.conftest import run_cli

FIELDS = {"code", "stage", "level", "message", "gloss", "rule", "field", "same_as"}


def test_json_lists_every_rule_of_every_stage():
    p = run_cli("codes", "--json")
    assert p.returncode == 0, p.stderr
    listed = json.loads(p.stdout)
    assert [(r["code"], r["stage"]) for r in listed] == [(r.code, r.stage) for r in catalogue.RULES]
    assert all(set(r) == FIELDS and r["message"] and not r["rule"].isascii() for r in listed)
    assert {r["stage"] for r in listed} == set(catalogue.STAGES)
    assert {r["level"] for r in listed} <= set(catalogue.LEVEL_ZH)


def test_the_table_names_each_code_its_stage_and_level_in_chinese():
    p = run_cli("codes", env={"COLUMNS": "200"})
    assert p.returncode == 0, p.stderr
    for r in catalogue.RULES:
        assert r.code in p.stdout
    assert "导入" in p.stdout and "填报" in p.stdout and "发布" in p.stdout and "强制性" in p.stdout


def test_one_code_at_each_stage_that_has_it():
    p = run_cli("codes", "bad-date", "--json")
    assert p.returncode == 0, p.stderr
    assert [(r["stage"], r["level"]) for r in json.loads(p.stdout)] == [("import", "error"), ("filing", "hard")]
    p = run_cli("codes", "bad-date", "--stage", "filing")
    assert p.returncode == 0 and "bad-date（填报，强制性）" in p.stdout and "（导入" not in p.stdout
    assert "规则：" in p.stdout and "English：not a date" in p.stdout


@pytest.mark.parametrize("args, words", [(("nope",), "没有代码“nope”"),
                                         (("--stage", "x"), "--stage 只能是"),
                                         (("hint-late", "--stage", "import"), "没有代码“hint-late”（在导入阶段）")])
def test_wrong_usage_is_a_chinese_usage_error(args, words):
    p = run_cli("codes", *args)
    assert p.returncode == 2 and words in p.stderr
    p = run_cli("codes", *args, "--json")
    assert p.returncode == 2 and json.loads(p.stdout)["error"]["code"] == "usage"
