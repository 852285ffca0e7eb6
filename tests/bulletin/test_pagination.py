"""Issue 21, the nine: no half-empty page. Every page of the PDF but the last is at least
70 % full (measured on the rendered page: tests/support/pagefill.py), for the sample issue
and for an issue of long items; the 版记 sits at the foot of the last page (GB/T 9704 §7.4)
under text of its own."""

from __future__ import annotations

import pytest

from tests.bulletin.test_typography import BOTTOM, lines, words
from tests.support.pagefill import page_fill


@pytest.mark.parametrize("which", ["issue", "long_issue"])
def test_every_page_but_the_last_at_least_70_percent_full(which, request):
    pdf = request.getfixturevalue(which)["pdf"]
    fills = page_fill(pdf)
    assert len(fills) >= 4
    assert all(f >= .70 for f in fills[:-1]), [round(f, 2) for f in fills]


@pytest.mark.parametrize("which", ["issue", "long_issue"])
def test_record_at_the_foot_of_the_last_page(which, request):
    pdf = request.getfixturevalue(which)["pdf"]
    last = lines(words(pdf)[-1])
    record = next(ln for ln in last if ln[4].endswith("印发"))
    assert record[0] + record[3] > BOTTOM - 40, record           # at the foot of the type area
    assert record is [ln for ln in last if not ln[4].startswith("—")][-1]   # nothing under it but the page number
    body = [ln for ln in last if 21 < ln[3] < 25 and ln[0] < record[0]]
    assert len(body) >= 2                                      # never the 版记 alone
