"""``shumao demo`` and ``shumao generate`` run end to end on a fresh folder (the demo once for
the module: it publishes a whole bulletin)."""

import csv

import pytest

from shumao.model.credit import is_valid
from shumao.store import connect
from tests.conftest import run_cli


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    return folder, run_cli("demo", "--out", folder / "demo", "--no-serve", env={"COLUMNS": "80"})


def test_demo(demo):
    tmp_path, p = demo
    assert p.returncode == 0, p.stderr
    assert "数据库汇总" in p.stdout and "合同执行" in p.stdout
    assert "【数据月报】" in p.stdout and "2024年前三季度示例市服务外包合同签约额（包含在岸）" in p.stdout
    assert "核对未通过" not in p.stdout
    html = (tmp_path / "demo" / "数据月报.html").read_text(encoding="utf-8")
    assert html.count("<svg") == 4 and "【数据月报】" in html
    assert (tmp_path / "demo" / "数据月报.xlsx").stat().st_size > 0
    issue = sorted(f.suffix for f in (tmp_path / "demo" / "简报").iterdir())
    assert issue == [".docx", ".html", ".pdf"]
    # the digital-trade inputs are in: the bulletin has its 【数字贸易】 with customs figures
    bulletin = next((tmp_path / "demo" / "简报").glob("*.html")).read_text(encoding="utf-8")
    assert "【数字贸易】" in bulletin and "跨境电商进出口" in bulletin
    assert "简报 PDF" in p.stdout
    assert (tmp_path / "demo" / "demo.duckdb").exists()
    with connect(tmp_path / "demo" / "demo.duckdb", read_only=True) as store:
        waiting = store.filings.find(status="submitted")
        assert len(waiting) == 2 and {f["created_by"] for f in waiting} == {"enterprise"}


def test_demo_bulletin_pages_full(demo):
    """Issue 21: the demo's issue (with its 【数字贸易】) leaves no page but the last below
    70 %, and none short because a chart or a table did not fit (it was: page 2 ended under
    the text with the charts on page 3)."""
    from tests.bulletin.test_pagination import short_before_a_block
    from tests.support.pagefill import page_fill

    pdf = next((demo[0] / "demo" / "简报").glob("*.pdf"))
    assert all(f >= .70 for f in page_fill(pdf)[:-1]), page_fill(pdf)
    assert short_before_a_block(pdf) == []


def test_demo_bulletin_digital_lines_not_gappy(demo):
    """Issue 21: the 【数字贸易】 paragraphs (many figures a line) were justified with
    0.2–0.3 em between characters; never more than 0.15 em now, and no figure parted from
    its unit."""
    from tests.bulletin.test_figures_pdf import UNIT_SPLIT, body_text, letter_gaps

    pdf = next((demo[0] / "demo" / "简报").glob("*.pdf"))
    gaps = letter_gaps(pdf, "【数字贸易】", "【行业资讯】")
    assert len(gaps) > 5 and gaps[0][0] <= .15, gaps[:5]
    assert not UNIT_SPLIT.search(body_text(pdf))


def test_demo_bulletin_has_no_one_character_line(demo):
    """Issue 21: the contents of the demo's issue had a line "长 ·········· 8"."""
    from tests.bulletin.test_typography import runts

    assert runts(next((demo[0] / "demo" / "简报").glob("*.pdf"))) == []


def test_demo_output_follows_the_steps(demo):
    """Step 2's import table under step 2's heading, before step 3 (issue 7)."""
    _, r = demo
    assert r.returncode == 0, r.stderr
    marks = ["1. 生成模拟填报数据", "2. 检查并导入", "导入结果", "3. 生成并发布简报", "4. 数据库汇总",
             "5. 数据月报", "【数据月报】", "6. 输出文件",
             "7. 网页门户账号", "企业填报员"]
    at = [r.stdout.find(m) for m in marks]
    assert -1 not in at and at == sorted(at), dict(zip(marks, at))
    assert r.stdout.count("导入结果") == 1


def test_generate_is_valid_and_sized(tmp_path):
    p = run_cli("generate", "--out", tmp_path, "--enterprises", "40", "--executions", "3000", "--seed", "5")
    assert p.returncode == 0, p.stderr
    with (tmp_path / "executions.csv").open(encoding="utf-8") as f:
        assert sum(1 for _ in f) == 3001
    with (tmp_path / "enterprises.csv").open(encoding="utf-8") as f:
        ents = list(csv.DictReader(f))
    assert len(ents) == 40 and all(is_valid(e["enterprise_id"]) for e in ents)
    with (tmp_path / "contracts.csv").open(encoding="utf-8") as f:
        countries = [r["client_country"] for r in csv.DictReader(f)]
    offshore = [c for c in countries if c != "CN"]
    assert max(set(offshore), key=offshore.count) == "JP"
