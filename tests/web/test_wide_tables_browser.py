"""A table wider than the phone says that it scrolls (portal-ux AN-2, S-20): above the box a
hint with the number of columns; at desktop width, where the table fits, no hint.  Walked at
390 px and looked at at 1280 px too.  Screenshots in build/screenshots/wide-*.png (looked
at)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.web.browser import DESKTOP, PHONE, look, new_page, sign_in
from tests.web.conftest import ON_DUCKDB

pytestmark = pytest.mark.browser
WIDE = "[...document.querySelectorAll('.scroll')].map(b => b.scrollWidth > b.clientWidth + 1)"


def _hints(page, width: int) -> None:
    """At a phone's width a hint above each box wider than the screen; at a desktop's, none."""
    wide = page.evaluate(WIDE)
    hints = page.locator(".scroll-hint")
    if width == PHONE:
        assert any(wide), "the records' tables are wider than a phone"
        assert hints.count() == sum(wide)
        # 合同: 编号, 日期, 国别, 类别, 金额, 原币, 状态 (the ⇆ is drawn by the style sheet)
        assert hints.first.inner_text().endswith("表格较宽（共 7 列），可左右滑动查看")
    else:
        assert not any(wide) and hints.count() == 0


@ON_DUCKDB
def test_a_member_pages_wide_tables_say_that_they_scroll(live, chromium):
    base = live.url
    page = new_page(chromium, PHONE)
    sign_in(page, base, "staff")
    page.goto(base + "/members")
    page.locator("#members a", has_text="合同与执行").first.click()
    page.wait_for_load_state("load")
    assert page.locator(".scroll").count() >= 2
    look(page, f"wide-{live.backend}-{{width}}", also=_hints)
    # each hint stands right above the box it speaks of, and the box does scroll
    first = page.evaluate("""() => { const h = document.querySelector('.scroll-hint');
        const b = h.nextElementSibling; b.scrollLeft = 200;
        return [b.classList.contains('scroll'), b.classList.contains('overflows'), b.scrollLeft > 0]; }""")
    assert first == [True, True, True]
    # turned to a wide screen, the hints go; back to the phone, they come again (one each)
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    expect(page.locator(".scroll-hint")).to_have_count(0)
    page.set_viewport_size({"width": PHONE, "height": 844})
    expect(page.locator(".scroll-hint").first).to_be_visible()
    assert page.locator(".scroll-hint").count() == page.evaluate(f"{WIDE}.filter(Boolean).length")
