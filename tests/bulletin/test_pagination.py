"""Issue 21, the nine: no half-empty page. Every page of the PDF but the last is at least
70 % full (measured on the rendered page: tests/support/pagefill.py), for the sample issue,
an issue of long items, one of short items and one of many items (the demo's issue, with its
【数字贸易】: tests/test_demo.py); no page is left short because a chart or a table did not
fit (shumao/bulletin/pages.py); the 版记 sits at the foot of the last page (GB/T 9704 §7.4)
under text of its own."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.bulletin.test_typography import BOTTOM, TOP, lines, words
from tests.support.pagefill import page_fill

ISSUES = ["issue", "long_issue", "short_issue", "many_issue"]


def pdf_of(which: str, request) -> Path:
    got = request.getfixturevalue(which)
    return got if isinstance(got, Path) else got["pdf"]


def opens_with_block(page: list[dict]) -> bool:
    """The page's type area opens with a chart (its first text, the caption, far below the
    top) or a table (a caption or header smaller than the 16 pt text)."""
    ls = [ln for ln in lines(page) if TOP - 6 <= ln[0] < BOTTOM]
    return bool(ls) and (ls[0][3] < 20 or ls[0][0] > TOP + 30)


def short_before_a_block(pdf: Path) -> list[tuple[int, float]]:
    """Pages (1-based) left more than 15 % short of their foot while the next page opens with
    a chart or a table: the block that did not fit."""
    fills, ws = page_fill(pdf), words(pdf)
    return [(n + 1, round(f, 2)) for n, f in enumerate(fills[:-1])
            if f < .85 and opens_with_block(ws[n + 1])]


@pytest.mark.parametrize("which", ISSUES)
def test_every_page_but_the_last_at_least_70_percent_full(which, request):
    pdf = pdf_of(which, request)
    fills = page_fill(pdf)
    assert len(fills) >= 4
    assert all(f >= .70 for f in fills[:-1]), [round(f, 2) for f in fills]


@pytest.mark.parametrize("which", ISSUES)
def test_no_page_left_short_by_a_chart_or_table(which, request):
    assert short_before_a_block(pdf_of(which, request)) == []


@pytest.mark.parametrize("which", ["issue", "long_issue"])
def test_record_at_the_foot_of_the_last_page(which, request):
    pdf = request.getfixturevalue(which)["pdf"]
    last = lines(words(pdf)[-1])
    record = record_lines(last)
    # the sample's 版记 (GB/T 9704 §7.4): its 报送 line, the publisher and the date 印发, 印数
    assert [ln[4] for ln in record] == RECORD, record
    assert record[-1][0] + record[-1][3] > BOTTOM - 40, record    # at the foot of the type area
    assert record[-1] is [ln for ln in last if not ln[4].startswith("—")][-1]   # nothing under it but the page number
    body = [ln for ln in last if 21 < ln[3] < 25 and ln[0] < record[0][0]]
    assert len(body) >= 2                                      # never the 版记 alone


# the sample issue's 版记 as pdftotext reads it (words joined, spaces left out)
RECORD = ["报：市商务局。送：各会员单位。", "示例市数字贸易协会秘书处2024年10月25日印发", "（共印50份）"]


def record_lines(page_lines: list[tuple]) -> list[tuple]:
    """The 版记's lines of a last page (test_typography.lines): from its 报送 line (or the
    印发 line when it has none) to the last line above the page number."""
    text = [ln for ln in page_lines if not ln[4].startswith("—")]
    first = next(i for i, ln in enumerate(text) if ln[4].startswith(("报：", "送：", "发：")) or ln[4].endswith("印发"))
    return text[first:]
