"""数据月报 on the web (web.md): the text exactly as ``shumao report`` writes it, the checks
for staff, downloads in every format with their types and Chinese names, and
``GET /api/v1/report`` byte for byte as the command."""

from __future__ import annotations

import io
import re
from urllib.parse import quote, unquote

import pytest
from openpyxl import load_workbook

from tests.conftest import SAMPLE, run_cli

GOLDEN = sorted(SAMPLE.glob("expected_*.txt"))
CITY = {"region": "示例市", "short": "我市"}


def cli(*args) -> str:
    p = run_cli(*args)
    assert p.returncode == 0, p.stderr
    return p.stdout


def test_all_six_golden_periods_are_there():
    assert len(GOLDEN) == 6


@pytest.mark.parametrize("golden", GOLDEN, ids=lambda p: p.stem)
def test_the_api_text_is_the_golden_text_byte_for_byte(client, golden):
    period = golden.stem.removeprefix("expected_")
    r = client("staff").get("/api/v1/report", params={"period": period, "format": "text", **CITY})
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/plain; charset=utf-8"
    assert r.content == golden.read_bytes()


@pytest.mark.parametrize("period", ["2024-03", "2024", "2023H2"])
def test_the_api_json_is_the_clis_json_byte_for_byte(client, sample_db, period):
    want = cli("report", "--period", period, "--region", "示例市", "--format", "json", "--db", sample_db)
    r = client("staff").get("/api/v1/report", params={"period": period, "region": "示例市"})
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert r.content.decode() == want


def test_a_bearer_token_reads_the_report(client, portal_store):
    from shumao.access import accounts

    token = accounts.issue_token(portal_store, "staff", 1, actor="测试")
    r = client().get("/api/v1/report?period=2024Q2&format=text", headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 200 and r.text.startswith("【数据月报】")


@pytest.mark.parametrize(("query", "status", "code", "words"), [
    ("", 422, "missing-period", "请用参数 period 指明时期"),
    ("?period=2024Q5", 400, "bad-period", "无法识别的时期“2024Q5”"),
    ("?period=2024-13", 400, "bad-period", "月份“13”无效"),
    ("?period=2024&format=pdf", 400, "bad-format", "格式只能是 json、text"),
    ("?period=2024&vintage=1", 404, "unknown-vintage", "没有编号为“1”的数据版本"),
    ("?vintage=x1", 404, "unknown-vintage", "没有编号为“x1”的数据版本"),
    ("?period=2019", 422, "no-data", "2019年全年没有已审核通过的合同或执行数据"),
    ("?period=2024&region=" + "长" * 31, 400, "bad-setting", "地区名称（region）不能超过 30 个字"),
])
def test_api_errors_are_chinese_with_a_code(client, query, status, code, words):
    r = client("staff").get("/api/v1/report" + query)
    assert r.status_code == status
    assert r.json()["error"]["code"] == code and words in r.json()["error"]["message"]


def test_only_staff_and_admin_read_reports(client):
    assert client("admin").get("/api/v1/report?period=2024").status_code == 200
    for who in ("enterprise", "reviewer"):
        assert client(who).get("/api/v1/report?period=2024").status_code == 403
        assert client(who).get("/report/download?period=2024").status_code == 403
    assert client().get("/api/v1/report?period=2024").status_code == 401
    assert client().get("/report?period=2024").status_code == 303


# -- the page --------------------------------------------------------------------------------

def test_the_page_shows_the_exact_text_with_a_copy_button(client):
    golden = (SAMPLE / "expected_2024-01..2024-09.txt").read_text(encoding="utf-8")
    r = client("staff").get("/report", params={"period": "2024-01..2024-09", **CITY})
    assert r.status_code == 200
    text = re.search(r'<pre class="report-text" id="report-text">(.*?)</pre>', r.text, re.S).group(1)
    assert text == golden          # nothing in it needs escaping: the same characters
    assert '<button type="button" class="primary" data-copy="report-text">复制全文</button>' in r.text
    assert "<title>示例市2024年前三季度服务外包数据月报 · 数贸</title>" in r.text
    for fmt in ("text", "md", "html", "xlsx", "json"):
        assert f'href="/report/download?region=%E7%A4%BA%E4%BE%8B%E5%B8%82&amp;short=%E6%88%91%E5%B8%82&amp;period=2024-01..2024-09&amp;format={fmt}"' in r.text


def test_flagged_checks_are_notices_for_staff(client):
    page = client("staff").get("/report?period=2024-03").text
    notice = re.search(r'<div class="notice internal-notice flags">(.*?)</div>', page, re.S).group(1)
    assert "发布前请审核" in notice and "仅供内部核对，勿发布" in notice
    assert re.search(r"<li>“[^”]+”(仅由\d家企业构成|中单一企业占)", notice)
    flagged = client("staff").get("/api/v1/report?period=2024-03").json()["checks"]
    shown = re.findall(r"<li>(.*?)</li>", notice)
    assert shown == [c["message"] for c in flagged if not c["ok"]]


def test_the_default_period_is_the_latest_complete_month(client):
    page = client("staff").get("/report").text
    assert "<title>本市2024年12月服务外包数据月报 · 数贸</title>" in page
    assert 'name="period" value="2024年12月"' in page


@pytest.mark.parametrize("hostile", ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>',
                                     "javascript:alert(1)"])
def test_a_hostile_region_comes_out_escaped(client, hostile):
    r = client("staff").get("/report", params={"period": "2024-03", "region": hostile})
    assert r.status_code == 200
    assert "<script>alert" not in r.text and "<img" not in r.text
    escaped = hostile.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&#34;")
    assert f'<pre class="report-text" id="report-text">【数据月报】\n\n根据商务部服务外包统一平台公布的最新数据显示，2024年3月{escaped}服务外包' in r.text
    assert 'href="javascript' not in r.text


def test_a_bad_period_on_the_page_is_a_chinese_message(client):
    r = client("staff").get("/report?period=2024Q0")
    assert r.status_code == 400 and "无法识别的时期“2024Q0”" in r.text and 'name="period"' in r.text


# -- downloads -------------------------------------------------------------------------------

TITLE = "示例市2024年3月服务外包数据月报"


@pytest.mark.parametrize(("fmt", "ext", "media"), [
    ("text", "txt", "text/plain; charset=utf-8"), ("md", "md", "text/markdown; charset=utf-8"),
    ("html", "html", "text/html; charset=utf-8"), ("json", "json", "application/json"),
    ("xlsx", "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
])
def test_downloads_have_their_type_and_chinese_name(client, sample_db, tmp_path, fmt, ext, media):
    r = client("staff").get("/report/download", params={"period": "2024-03", "format": fmt, **CITY})
    assert r.status_code == 200 and r.headers["content-type"] == media
    cd = r.headers["content-disposition"]
    assert cd == f"attachment; filename=\"shumao-report-2024-03.{ext}\"; filename*=UTF-8''{quote(TITLE + '.' + ext)}"
    args = ["report", "--period", "2024-03", "--region", "示例市", "--format", fmt, "--db", sample_db]
    if fmt in ("text", "md", "json"):
        assert r.content.decode() == cli(*args)          # as the command writes it
    elif fmt == "html":
        assert r.text.count("<svg") == 4 and TITLE in r.text
    else:
        wb = load_workbook(io.BytesIO(r.content))
        assert wb.properties.title == TITLE and wb["数据月报"]["A1"].value == "【数据月报】"


def test_a_download_name_is_safe_whatever_the_region(client):
    r = client("staff").get("/report/download", params={"period": "2024Q2", "region": '../a/b\\c"d\r\n',
                                                        "format": "text"})
    assert r.status_code == 200
    cd = r.headers["content-disposition"]
    assert cd.startswith('attachment; filename="shumao-report-2024-04_2024-06.txt"; filename*=UTF-8\'\'')
    name = unquote(cd.split("''", 1)[1])
    assert name == ".._a_b_c_d2024年二季度服务外包数据月报.txt" and "\r" not in cd and "\n" not in cd


def test_a_download_needs_a_period_and_a_known_format(client):
    c = client("staff")
    assert c.get("/report/download?format=text").status_code == 422
    r = c.get("/report/download?period=2024&format=docx")
    assert r.status_code == 400 and "格式只能是 text、md、html、xlsx、json" in r.text


def test_the_cli_and_the_portal_offer_exactly_the_registrys_formats(client, capsys, tmp_path):
    """report/render.RENDERERS is the one list: the page's downloads, the download route's
    refusal and ``shumao report --format``'s refusal name its keys, in its order."""
    from shumao.cli.app import run
    from shumao.report.render import RENDERERS

    c = client("staff")
    page = c.get("/report?period=2024").text
    assert re.findall(r"/report/download\?[^\"]*format=(\w+)", page) == list(RENDERERS)
    listed = "、".join(RENDERERS)
    assert f"格式只能是 {listed}（" in c.get("/report/download?period=2024&format=pdf").text
    assert run(["report", "--period", "2024", "--format", "pdf", "--db", str(tmp_path / "x.duckdb")]) == 2
    assert f"--format 只能是 {listed}（收到“pdf”）" in capsys.readouterr().err
