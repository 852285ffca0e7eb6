"""The edge-case content folder (tests/data/bulletin-edge) on the sample city: long names, 协会动态
without titles, a Markdown table, a linked profile, further sections — and the data section
vetted as ``shumao report`` vets it: a flagged figure stops the issue, ``--allow-flagged``
publishes it and records the override."""

from __future__ import annotations

import re
import shutil
import subprocess

import docx
import pytest

from shumao.bulletin import content, model
from shumao.bulletin.markdown import Paragraph, Table
from shumao.bulletin.publish import publish
from shumao.errors import FlaggedFigures
from shumao.report.service import build_report
from shumao.store import connect
from tests.conftest import DATA, run_cli

EDGE = DATA / "bulletin-edge"
FLAGGED_PERIOD = "2024-03"        # the sample city's March: five flagged figures (report --format json)
HEADINGS = ["【数据月报】", "【行业资讯】", "【会员风采】", "【协会动态】", "【政策解读】", "【通知公告】"]
LONG_NAME = "示例太平洋信息技术有限公司（示例市高新技术产业开发区服务外包示范园区数字贸易创新中心）"
DATED = ["8月22日，协会在示例市软件园召开2024年第三季度会员单位座谈会，共30家企业参加。会议通报了上半年全市服务外包发展情况。",
         "9月5日，协会秘书处赴港区数字贸易港调研，与6家企业负责人座谈。",
         "2023年12月28日，协会第二届会员大会第三次会议在示例市召开，审议通过了2024年工作计划。"]


TABLE_CELLS = ["园区", "企业数（家）", "高新区软件园", "港区数字贸易港", "987.65"]   # 行业资讯/01

def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


def flagged_copy(folder):
    shutil.copytree(EDGE, folder)
    toml = folder / "bulletin.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('"2024-01..2024-09"', f'"{FLAGGED_PERIOD}"'),
                    encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def edge_doc(sample_db):
    with connect(sample_db, read_only=True) as store:
        return model.build(content.load(EDGE), store)


@pytest.fixture(scope="module")
def edge_issue(tmp_path_factory, sample_db):
    out = tmp_path_factory.mktemp("edge") / "out"
    p = run_cli("bulletin", EDGE, "--db", sample_db, "--out", out)
    assert p.returncode == 0, p.stderr
    assert "allow-flagged" not in p.stderr                  # 2024-01..2024-09: nothing flagged
    return {f.suffix.lstrip("."): f for f in out.iterdir()}


def test_edge_model(edge_doc):
    assert [s.heading for s in edge_doc.sections] == HEADINGS
    assert edge_doc.overrides == [] and edge_doc.metadata == {}
    news, members, events = edge_doc.sections[1:4]
    first = news.entries[0]
    assert first.title.startswith("示例市2024年前三季度")          # spaces typed in the title, tidied
    table = next(b for b in first.blocks if isinstance(b, Table))
    assert table.columns == ["园区", "企业数（家）", "离岸执行额（万美元）"]
    assert table.texts[-1] == ["合计", "30", "2 222.21"] and table.rows[-1][0][0].bold
    assert table.align == ["left", "right", "right"]
    url = news.entries[1].blocks[0]
    assert "http://www.example.gov.cn/api/v2 ，" in url.text            # URLs as typed
    assert [r.text for r in url.runs if r.code] == ["contract_id 2024"]  # and code
    assert "Windows 10及以上" in url.text and url.text.startswith("自10月9日起")
    profile = members.entries[0]
    assert profile.title == LONG_NAME
    assert [lbl.text for lbl in profile.labels] == ["类\u3000\u3000型：协会常务理事单位",
                                                    "企业性质：内资企业", "所在区域：中心区"]
    assert profile.blocks[0].runs[0].text == "简\u3000\u3000介："
    assert [lbl.text for lbl in members.entries[1].labels][1] == "企业性质：港澳台商投资企业"
    assert members.entries[1].blocks == []
    assert [e.kind for e in events.entries] == ["dated", "dated", "item", "dated"]
    dated = [e for e in events.entries if e.kind == model.DATED]
    assert all(e.title == "" and not e.has_heading and e.labels == [] for e in dated)
    assert [e.blocks[0].text for e in dated] == DATED
    assert dated[0].blocks[0].runs[0].text == "8月22日" and dated[0].blocks[0].runs[0].bold
    titled = events.entries[2]
    assert titled.title == "协会举办第3期服务外包统计填报业务培训"
    assert titled.labels == []          # its body opens with its date: no date line repeats it


def test_date_line_kept_unless_the_body_opens_with_that_date():
    from datetime import date

    d = date(2024, 8, 22)
    assert model.opens_with_date("8月22日，协会", d) and model.opens_with_date("2024年8月22日，", d)
    assert not model.opens_with_date("8月下旬，协会", d) and not model.opens_with_date("2023年8月22日", d)
    assert not model.opens_with_date("协会于8月22日", d)


def test_edge_outputs(edge_issue):
    assert sorted(edge_issue) == ["docx", "html", "pdf"]
    pdf = squash(subprocess.run(["pdftotext", edge_issue["pdf"], "-"], capture_output=True, text=True,
                                check=True).stdout)
    html = edge_issue["html"].read_text(encoding="utf-8")
    html_text = re.sub(r"<[^>]+>", "", html)
    d = docx.Document(edge_issue["docx"])
    words = [p.text for p in d.paragraphs]
    assert [t for t in words if t in HEADINGS][-5:] == HEADINGS[1:]
    for text in DATED + [LONG_NAME, "类\u3000\u3000型：协会常务理事单位", "企业性质：港澳台商投资企业"]:
        assert squash(text) in pdf, text
        assert text in html_text, text
        assert text in words, text
    plain = re.sub(r'<span class="fig">([^<]*)</span>', r"\1", html)     # figures as one run (issue 21)
    assert "<strong>8月22日</strong>，协会" in plain and "<strong>类\u3000\u3000型：</strong>" in plain
    assert "8 月" not in html and "None" not in html
    # a dated event has no heading, in the text or the contents; the clerk's table is a table
    assert not re.search(r"<h3[^>]*>\s*</h3>", html) and "<li class=\"item\"><a href=\"#sec-" in html
    assert not [p for p in d.paragraphs if (p.style.name == "Heading 2" or p.style.name.startswith("toc ")) and not p.text.strip()]
    table = TABLE_CELLS
    assert all(cell in html_text for cell in table) and all(squash(c) in pdf for c in table)
    assert any(all(c in [x.text for x in t._cells] for c in table) for t in d.tables)


def test_flagged_figure_stops_the_issue(tmp_path, sample_db):
    folder = flagged_copy(tmp_path / "issue")
    out = tmp_path / "out"
    p = run_cli("bulletin", folder, "--db", sample_db, "--out", out)
    assert p.returncode == 1, p.stdout + p.stderr
    message = "".join(p.stderr.split())
    with connect(sample_db, read_only=True) as store:
        flagged = build_report(store, FLAGGED_PERIOD, content.load(folder).data.report).flagged
    assert len(flagged) == 5
    for c in flagged:                     # each figure and why, as `shumao report` words it
        assert squash(c.message) in message, c.message
    assert "--allow-flagged" in message and "Traceback" not in p.stderr
    assert not out.exists() or list(out.iterdir()) == []


def test_flagged_figures_are_an_error_carrying_its_checks_in_no_edge_s_words(tmp_path, sample_db):
    folder = flagged_copy(tmp_path / "issue")
    with connect(sample_db, read_only=True) as store:
        flagged = build_report(store, FLAGGED_PERIOD, content.load(folder).data.report).flagged
        with pytest.raises(FlaggedFigures) as caught:
            publish(folder, store, tmp_path / "out")
    e = caught.value
    assert (e.code, e.exit_code, e.http_status, e.field) == ("flagged", 1, 422, "allow_flagged")
    assert e.checks == flagged and len(flagged) == 5
    assert "--" not in str(e) and "勾选" not in str(e) and "请明确放行" in str(e)
    assert "请加 --allow-flagged（" in e.say({"allow_flagged": "请加 --allow-flagged"})


def test_allow_flagged_publishes_and_records(tmp_path, sample_db):
    folder = flagged_copy(tmp_path / "issue")
    with connect(sample_db, read_only=True) as store:
        expected = [c.message for c in build_report(store, FLAGGED_PERIOD,
                                                    content.load(folder).data.report).flagged]
        done = publish(folder, store, tmp_path / "out", allow_flagged=True)
    assert sorted(done) == ["docx", "html", "pdf"] and all(p.stat().st_size for p in done.values())
    assert done.document.overrides == expected
    assert done.document.metadata == {model.ALLOWED_FLAGS: "；".join(expected)}


def test_allow_flagged_on_the_command_line(tmp_path, sample_db):
    folder = flagged_copy(tmp_path / "issue")
    p = run_cli("bulletin", folder, "--db", sample_db, "--out", tmp_path / "out", "--formats", "html",
                "--allow-flagged")
    assert p.returncode == 0, p.stderr
    assert "已按 --allow-flagged 放行" in p.stderr and "85.74%" in p.stderr
    assert [f.suffix for f in (tmp_path / "out").iterdir()] == [".html"]


def test_untitled_event_needs_a_date(tmp_path, sample_db):
    folder = tmp_path / "issue"
    shutil.copytree(EDGE, folder)
    (folder / "协会动态" / "01-座谈会.md").write_text("---\nplace: 软件园\n---\n协会召开座谈会。\n",
                                                    encoding="utf-8")
    p = run_cli("bulletin", folder, "--db", sample_db, "--out", tmp_path / "out")
    assert p.returncode == 1
    assert "01-座谈会.md" in p.stderr and "“date”" in p.stderr


def test_untitled_item_elsewhere_still_needs_a_title(tmp_path):
    folder = tmp_path / "issue"
    shutil.copytree(EDGE, folder)
    (folder / "通知公告" / "01-填报时间.md").write_text("---\ndate: 2024-10-01\n---\n请按时填报。\n",
                                                     encoding="utf-8")
    with pytest.raises(model.ContentError, match="“title”"):
        content.load(folder)


def test_first_paragraph_not_a_paragraph_gets_a_date_line():
    from datetime import date

    e = model.Entry(blocks=[model.blocks("- 一\n- 二")[0]])
    model._dated(e, date(2024, 8, 22), 2024)
    assert isinstance(e.blocks[0], Paragraph) and e.blocks[0].text == "8月22日"
