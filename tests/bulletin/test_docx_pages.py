"""Issue 21, the Word file's pages as LibreOffice lays them out (tests/support/office.py):
no page but the last mostly empty, a table of contents whose page numbers are the pages the
headings fall on, the 版记 at the foot of the last page (GB/T 9704 §7.4), for the sample issue
and an issue of long items."""

from __future__ import annotations

import re
import subprocess

import pytest

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
