"""Issue 21, the Word file's pages as LibreOffice lays them out (tests/support/office.py):
no page but the last mostly empty, a table of contents whose page numbers are the pages the
headings fall on, the 版记 at the foot of the last page (GB/T 9704 §7.4), for the sample issue
and an issue of long items."""

from __future__ import annotations

import re
import subprocess

import docx
import pytest
from docx.oxml.ns import qn

from tests.bulletin.test_pagination import RECORD, record_lines
from tests.bulletin.test_typography import BOTTOM, lines, words
from tests.support.pagefill import page_fill

WHICH = ["issue", "long_issue"]


@pytest.fixture(scope="module", params=WHICH)
def pages(request, word_pdf):
    return word_pdf(request.getfixturevalue(request.param)["docx"])


def test_every_word_page_but_the_last_at_least_70_percent_full(pages):
    fills = page_fill(pages)
    assert len(fills) >= 4
    assert all(f >= .70 for f in fills[:-1]), [round(f, 2) for f in fills]


def _texts(pdf) -> list[str]:
    """Each page's text, white space removed (LibreOffice spaces Latin from CJK)."""
    out = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    return [re.sub(r"\s+", "", page) for page in out.split("\f")]


def _xml_text(p) -> str:
    return "".join(t.text or "" for t in p.iter(qn("w:t")))


@pytest.fixture(scope="module", params=WHICH)
def both(request, word_pdf):
    files = request.getfixturevalue(request.param)
    return docx.Document(str(files["docx"])), word_pdf(files["docx"])


def test_contents_is_a_toc_field_word_updates_on_opening(both):
    d, _ = both
    xml = d.element.body.xml
    assert re.search(r'<w:instrText[^>]*> TOC \\o "1-2" \\h \\z \\u </w:instrText>', xml)
    update = d.settings.element.find(qn("w:updateFields"))
    assert update is not None and update.get(qn("w:val")) == "true"
    marks = {b.get(qn("w:name")): b.getparent() for b in d.element.body.iter(qn("w:bookmarkStart"))}
    links = [h.get(qn("w:anchor")) for h in d.element.body.iter(qn("w:hyperlink"))]
    entries = [p for p in d.paragraphs if p.style.name in ("toc 1", "toc 2")]
    assert len(links) == len(entries) >= 8
    for p, anchor in zip(entries, links):     # each entry points at its heading, by bookmark
        heading = marks[anchor]
        assert heading.pPr.pStyle.val in ("Heading1", "Heading2")
        assert _xml_text(heading) and _xml_text(heading) == _xml_text(p._p)
        assert f"PAGEREF {anchor} \\h" in p._p.xml


def test_contents_page_numbers_are_the_pages_of_the_headings(both):
    d, pdf = both
    pages = _texts(pdf)
    titles = [re.sub(r"\s+", "", _xml_text(p._p))
              for p in d.paragraphs if p.style.name in ("toc 1", "toc 2")]
    entries = [re.escape(t) + r"[.·…]{3,}(\d+)" for t in titles]
    contents = "".join(pages[:2])
    body = list(pages)                       # the pages without their contents entries
    for e in entries:
        body = [re.sub(e, "", pg) for pg in body]
    for title, entry in zip(titles, entries):
        m = re.search(entry, contents)
        assert m, (title, contents[:600])
        where = next(i for i, pg in enumerate(body) if title in pg)
        assert int(m[1]) == where + 1, (title, m[1], where + 1)


def test_record_at_the_foot_of_the_last_word_page(pages):
    last = lines(words(pages)[-1])
    record = record_lines(last)
    # the 版记 as the PDF sets it: 报送 line, publisher and date 印发, 印数 (LibreOffice
    # spaces Latin figures from Chinese whatever the file says: left out here)
    assert [ln[4].replace(" ", "") for ln in record] == RECORD, record
    assert record[-1][0] + record[-1][3] > BOTTOM - 30, (record, BOTTOM)    # at the foot of the type area
    assert record[-1] is [ln for ln in last if not ln[4].startswith("—")][-1]   # nothing under it but the page number
    assert len([ln for ln in last if ln[0] < record[0][0] - 40]) >= 2          # never the 版记 alone
