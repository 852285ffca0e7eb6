"""Publishing side by side (issue 23, target 4: bulletin/side.py): the PDF drawn in a
second process while the rest is drawn here changes no output — the HTML, the WeChat article and
its images byte for byte, the e-mail part by part, the PDF's text and pages, the Word file's
XML are those of the old one-after-another way, on the sample issue with its 【数字贸易】;
the steps are heard in order; a failure on either side leaves no file and says so in
Chinese, and the next publication works again."""

from __future__ import annotations

import shutil

import pytest

from shumao.bench.publishing import fingerprint, identical
from shumao.bulletin import model, side
from shumao.bulletin import publish as pub
from shumao.errors import ShumaoError
from shumao.ingest.importer import import_files
from shumao.publication import vintages
from shumao.store import connect
from tests.bulletin.conftest import make_content
from tests.conftest import SAMPLE_FILES
from tests.report.test_digital_city import INPUTS, TODAY

ALL = ("pdf", "docx", "html", "email", "wechat")


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    """The sample city with its digital-trade data, and the sample issue's content."""
    root = tmp_path_factory.mktemp("side")
    db = root / "city.duckdb"
    with connect(str(db), create=True) as s:
        assert import_files(s, SAMPLE_FILES, today=TODAY).ok
        assert import_files(s, INPUTS, replace=True, today=TODAY).ok
    return db, make_content(root / "2024-10")


@pytest.fixture(scope="module")
def both(city, tmp_path_factory):
    db, content = city
    out = tmp_path_factory.mktemp("both")
    heard = {}
    with connect(str(db), read_only=True) as store:
        for name, side_by_side in (("sequential", False), ("side", True)):
            steps: list[str] = []
            done = pub.publish(content, store, out / name, ALL, side_by_side=side_by_side,
                               progress=steps.append)
            heard[name] = (steps, done)
    return out, heard


def test_side_by_side_outputs_are_the_old_ones(both):
    out, heard = both
    assert identical(out / "side", out / "sequential") == []
    steps, done = heard["side"]
    assert steps == ["data", "charts", "files"] == list(pub.STEPS) == heard["sequential"][0]
    assert sorted(done) == sorted(ALL) and all(p.exists() for p in done.values())
    assert [s.name for s in done.document.sections][:2] == ["数据月报", "数字贸易"]
    assert len(done.document.data.data.charts) == 4
    text, pages = fingerprint(out / "side", "pdf")
    assert pages >= 3 and "数字贸易" in text.decode()
    assert not [p for p in (out / "side").iterdir() if p.name.startswith(".shumao-")]


def test_the_comparison_sees_a_change(both, tmp_path):
    """The fingerprint is not blind: one changed byte of the page, of an image, or one
    changed word of the e-mail is a difference."""
    out, _ = both
    copy = tmp_path / "copy"
    shutil.copytree(out / "side", copy)
    (html,) = copy.glob("*.html")
    html.write_text(html.read_text(encoding="utf-8").replace("离岸", "在岸", 1), encoding="utf-8")
    (image,) = copy.glob("*.wechat/图2.png")
    image.write_bytes(image.read_bytes()[:-1] + b"\x00")
    (eml,) = copy.glob("*.eml")
    eml.write_bytes(eml.read_bytes().replace(b"Organization: ", b"Organization: X", 1))
    assert identical(copy, out / "sequential") == ["html", "email", "wechat"]


def test_digital_trade_is_frozen_from_the_figures_shown(both, city):
    """The vintage of a publication freezes 【数字贸易】 from the figures its text was worded
    from (computed once): the same as computing them again."""
    db, _ = city
    doc = both[1]["side"][1].document
    report = doc.data.data
    assert doc.digital is not None
    with connect(str(db), read_only=True) as store:
        again = vintages.digital_spec(store, report.period, report.settings)
    assert vintages.digital_frozen(doc.digital, report.settings) == again is not None


def _nothing_written(out) -> bool:
    return not out.exists() or list(out.iterdir()) == []


def test_a_pdf_that_fails_in_the_side_process_leaves_no_file(city, tmp_path, monkeypatch):
    db, content = city
    real = side.pdf

    def failing(pool, html, path):          # a folder that is not there
        return real(pool, html, path.parent / "无此文件夹" / path.name)

    monkeypatch.setattr(side, "pdf", failing)
    out = tmp_path / "out"
    with connect(str(db), read_only=True) as store, pytest.raises(ShumaoError) as e:
        pub.publish(content, store, out, ALL)
    assert str(e.value).startswith("简报未生成：生成 PDF 时出错（") and "没有写出任何文件" in str(e.value)
    assert _nothing_written(out)


def test_a_failure_here_waits_for_the_pdf_and_leaves_no_file(city, tmp_path, monkeypatch):
    db, content = city

    def broken(doc, path):
        raise ShumaoError("Word 文件无法写出")

    monkeypatch.setitem(pub.FORMATS, "docx", broken)
    out = tmp_path / "out"
    with connect(str(db), read_only=True) as store, pytest.raises(ShumaoError, match="Word 文件无法写出"):
        pub.publish(content, store, out, ALL)
    assert _nothing_written(out)      # the PDF was waited for before its folder was removed


def test_a_side_process_that_dies_is_said_and_replaced(city, tmp_path, monkeypatch):
    db, content = city
    real = side.pdf

    def killed(pool, *args):
        future = real(pool, *args)
        pool.proc.kill()
        return future

    monkeypatch.setattr(side, "pdf", killed)
    with connect(str(db), read_only=True) as store:
        with pytest.raises(ShumaoError) as e:
            pub.publish(content, store, tmp_path / "out", ALL)
        assert "后台进程意外退出" in str(e.value) and "没有写出任何文件" in str(e.value)
        assert _nothing_written(tmp_path / "out")
        monkeypatch.setattr(side, "pdf", real)
        done = pub.publish(content, store, tmp_path / "again", ("pdf", "docx"))
    assert sorted(done) == ["docx", "pdf"] and done["pdf"].read_bytes()[:5] == b"%PDF-"


def test_the_document_is_drawn_once(city, monkeypatch):
    """``model.build`` without charts draws none; the figures of the 数据月报 are computed
    once for the issue (【数字贸易】 checks against them instead of computing them again)."""
    import shumao.indicators.digital as digital_module
    import shumao.report.service as service

    db, content = city
    calls = []
    real = service.compute
    monkeypatch.setattr(service, "compute", lambda *a, **k: calls.append("report") or real(*a, **k))
    real_one = digital_module.current
    monkeypatch.setattr(digital_module, "current",
                        lambda *a, **k: calls.append("digital") or real_one(*a, **k))
    from shumao.bulletin import content as c

    with connect(str(db), read_only=True) as store:
        doc = model.build(c.load(content), store, charts=False)
    assert calls == ["report"] and doc.data.data.charts == []
