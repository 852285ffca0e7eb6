"""One code for one failure (errors.py): every exception class, raised through the CLI's
``run`` and through the portal's handler, gives the same ``code`` — the CLI with the class's
``exit_code``, the web with its ``http_status`` — and each edge words the field the message
names in its own words, never the other edge's."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from shumao import errors
from shumao.cli.app import FLAGS
from shumao.model.rules import ShortMonth
from shumao.report.vetting import Check
from shumao.web.app import _library_error
from shumao.web.words import said
from tests.test_cli_errors import failing_cli, shumao

CLASSES = sorted((c for c in vars(errors).values()
                  if isinstance(c, type) and issubclass(c, errors.ShumaoError)), key=lambda c: c.__name__)

# one failure of each class, as the library raises it; a class added to errors.py without a
# case here fails test_each_class_has_a_case
CASES: dict[type[errors.ShumaoError], errors.ShumaoError] = {
    errors.ShumaoError: errors.ShumaoError("出错了"),
    errors.InputError: errors.InputError("企业填报员账号须用{enterprise}指定所属企业的统一社会信用代码",
                                         field="enterprise"),
    errors.PeriodError: errors.PeriodError("无法识别的时期“2024Q5”"),
    errors.NoData: errors.NoData("数据库中2024年没有已审核通过的数据"),
    errors.UnknownFigure: errors.UnknownFigure("没有指标“exec_x”"),
    errors.UnknownVintage: errors.UnknownVintage("没有第 9 号数据版本"),
    errors.TooManyFiles: errors.TooManyFiles("一次最多导入 50 个数据文件（压缩包中的文件也计算在内），请分批导入"),
    errors.ArchiveError: errors.ArchiveError("“x.zip”不是有效的 zip 压缩包，无法解压"),
    errors.ArchiveTooLarge: errors.ArchiveTooLarge("压缩包“x.zip”解压后超过 800 MB（上传上限的 4 倍）"),
    errors.StoreError: errors.StoreError("无法打开数据库"),
    errors.StoreNotFound: errors.StoreNotFound("数据库不存在：x.duckdb（或用{db}指定数据库文件）", field="db"),
    errors.StoreVersionError: errors.StoreVersionError("数据库由另一版本的 shumao 写入"),
    errors.ConflictError: errors.ConflictError("已发布的简报不能修改"),
    errors.ContentError: errors.ContentError("bulletin.toml：bulletin.toml 的{period}无效",
                                             field="period", file="bulletin.toml"),
    errors.FlaggedFigures: errors.FlaggedFigures(
        "数据月报有 1 个数字未通过发布前核对：\n  1. 少于3家企业\n如已审核确认可以发布，{allow_flagged}。",
        checks=[Check("few-enterprises", False, "少于3家企业")]),
    errors.IncompleteMonths: errors.IncompleteMonths(
        "数据月报有 1 个月的记录远少于往常：\n  1. 2024年9月：8 条记录\n如确需现在发布，{allow_incomplete}。",
        months=[ShortMonth(2024, 9, 8, 37, 24, 12)]),
    errors.EngineError: errors.EngineError("未安装 Spark 支持（或加{no_spark}不计时 Spark）",
                                           field="no_spark"),
    errors.IdentityBroken: errors.IdentityBroken("数字贸易恒等式不成立：dt_identity_X"),
    errors.MailError: errors.MailError("没有配置发信服务器"),
    errors.Interrupted: errors.Interrupted(errors.Interrupted.MESSAGE),
}


def on_the_web(exc: errors.ShumaoError) -> tuple[int, dict]:
    """The portal's answer when a route of the API raises ``exc``."""
    app = FastAPI()
    app.add_exception_handler(errors.ShumaoError, _library_error)

    @app.get("/api/v1/boom")
    def boom():
        raise exc

    r = TestClient(app, raise_server_exceptions=False).get("/api/v1/boom")
    return r.status_code, r.json()["error"]


def test_each_class_has_a_case():
    assert set(CASES) == set(CLASSES)
    assert all(type(e) is c for c, e in CASES.items())


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_the_cli_and_the_web_give_the_same_code(cls):
    exc = CASES[cls]
    r = shumao("--json", cli=failing_cli(exc))
    status, error = on_the_web(exc)
    assert (r.code, r.json()["error"]["code"]) == (cls.exit_code, cls.code)
    assert (status, error["code"]) == (cls.http_status, cls.code)
    cli_words, web_words = r.json()["error"]["message"], error["message"]
    assert "{" not in cli_words and "{" not in web_words
    # an argument: the CLI's option, the API's parameter (a content file's field is the file's word)
    if exc.field in FLAGS and not isinstance(exc, errors.ContentError):
        assert FLAGS[exc.field] in cli_words and f"“{exc.field}”" in web_words
    assert "--" not in web_words


@pytest.mark.parametrize("exc, cli, page, api", [
    (CASES[errors.InputError], "须用 --enterprise 指定", "须用“所属企业”指定", "须用“enterprise”指定"),
    (CASES[errors.ContentError], "的“period”无效", "的“数据时期（period）”无效", "的“数据时期（period）”无效"),
    (errors.ContentError("行业资讯/a.md：a.md 的{title}缺失或为空", field="title", file="a.md"),
     "的“title”缺失", "的“标题（title）”缺失", "的“标题（title）”缺失"),
    (CASES[errors.FlaggedFigures], "可以发布，请加 --allow-flagged。",
     "可以发布，请在发布前检查页中勾选“已核实，仍然发布”后再点“确认发布”。", "可以发布，请在调用时加参数 allow_flagged=true。"),
    (CASES[errors.IncompleteMonths], "现在发布，请加 --allow-incomplete。",
     "现在发布，请在发布前检查页中勾选“已知悉，仍然发布”后再点“确认发布”。",
     "现在发布，请在调用时加参数 allow_incomplete=true。"),
], ids=["argument", "toml-field", "item-field", "flagged", "incomplete"])
def test_each_edge_words_the_field_its_own_way(exc, cli, page, api):
    assert cli in shumao(cli=failing_cli(exc)).stderr
    assert page in said(exc) and api in said(exc, api=True) and api in on_the_web(exc)[1]["message"]
    assert "{" not in str(exc) and "--" not in str(exc)      # the library's own words name no flag


def test_no_library_error_names_a_command_line_flag():
    """The messages errors are raised with anywhere in shumao/ but the CLI name no ``--flag``."""
    import ast
    import re
    from pathlib import Path

    package = Path(errors.__file__).parent
    names = {c.__name__ for c in CLASSES} | {"ChecksFailed", "WindowClosed"}
    found = []
    for path in package.rglob("*.py"):
        if path.relative_to(package).parts[0] == "cli":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) in names:
                words = [v.value for a in node.args for v in ast.walk(a)
                         if isinstance(v, ast.Constant) and isinstance(v.value, str)]
                found += [f"{path.relative_to(package)}:{node.lineno}" for w in words
                          if re.search(r"(?<![\w-])--[a-z]", w)]
    assert not found
