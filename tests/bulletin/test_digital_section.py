"""【数字贸易】 in the bulletin (digital-trade.md §8.1; issue 22 "in every channel"): after
【数据月报】 when the period has digital-trade data, the very sentences of ``shumao digital``
(the sample city's expected text) and its 注, in the PDF, the Word file, the HTML, both parts
of the e-mail and the WeChat article; no section for a city that imported none."""

from __future__ import annotations

import re

import pytest

from shumao.bulletin.publish import publish
from shumao.ingest.importer import import_files
from shumao.store import connect
from tests.bulletin.conftest import make_content
from tests.bulletin.test_wording_bulletin import texts
from tests.conftest import DATA, SAMPLE_FILES
from tests.report.test_digital_city import INPUTS, TODAY

EXPECTED = DATA / "city" / "digital" / "expected_digital_2024-01..2024-09.txt"   # the period
ALL = ("pdf", "docx", "html", "email", "wechat")


def squash(text: str) -> str:
    """Without white space, and without the PDF's page number (—6—) and running head, which
    fall inside a paragraph that runs on to the next page."""
    return re.sub(r"—\d+—(示例市数字贸易协会简报2024年第10期（总第58期）)?", "",
                  re.sub(r"\s+", "", text))


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("digital-bulletin")
    db = root / "city.duckdb"
    with connect(str(db), create=True) as s:
        assert import_files(s, SAMPLE_FILES, today=TODAY).ok
        assert import_files(s, INPUTS, replace=True, today=TODAY).ok
    with connect(str(db), read_only=True) as store:
        files = publish(make_content(root / "2024-10"), store, root / "out", ALL)
    return files


def test_every_channel_has_the_section_after_the_data_report(published):
    title, *lines = [ln for ln in EXPECTED.read_text(encoding="utf-8").split("\n\n") if ln.strip()]
    assert title == "【数字贸易】" and lines[-1].startswith("注：")
    heads = [s.heading for s in published.document.sections]
    assert heads[:2] == ["【数据月报】", "【数字贸易】"]
    section = published.document.sections[1]
    assert [b.text for b in section.entries[0].blocks] + section.notes == [ln.strip() for ln in lines]
    for fmt, text in texts(dict(published)).items():
        flat = squash(text)
        data_at, digital_at = flat.find("【数据月报】"), flat.rfind("【数字贸易】")
        assert 0 <= data_at < digital_at < flat.find("【行业资讯】", digital_at), fmt
        for line in lines:                  # every sentence and the note, whole
            assert squash(line) in flat, (fmt, line[:30])
        assert "HS9610" not in flat and "（9610）" in flat, fmt


def test_the_note_is_a_note_in_html_and_word(published):
    html = published["html"].read_text(encoding="utf-8")
    assert re.search(r'<div class="notes"><p>注：数字贸易按《数字贸易测度手册》', html)
    import docx
    d = docx.Document(str(published["docx"]))
    [note] = [p for p in d.paragraphs if p.text.startswith("注：数字贸易按")]
    assert note.style.name == "注释"


def test_no_section_without_digital_data(tmp_path, sample_db):
    """The sample store holds outsourcing records only: the issue has no 【数字贸易】."""
    with connect(sample_db, read_only=True) as store:
        files = publish(make_content(tmp_path / "c"), store, tmp_path / "out", ("html",))
    assert "【数字贸易】" not in [s.heading for s in files.document.sections]
    assert "数字贸易出口" not in files["html"].read_text(encoding="utf-8")
