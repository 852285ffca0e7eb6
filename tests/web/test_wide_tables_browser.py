"""A table wider than the phone says that it scrolls (portal-ux AN-2, S-20): above the box a
hint with the number of columns; at desktop width, where the table fits, no hint.  Screenshots
in build/screenshots/wide-*.png (looked at)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.web.browser import DESKTOP, PHONE, new_page, shot, sign_in
from tests.web.conftest import ON_DUCKDB

pytestmark = pytest.mark.browser


@ON_DUCKDB
@pytest.mark.parametrize("width", [DESKTOP, PHONE])
def test_a_member_pages_wide_tables_say_that_they_scroll(live, chromium, width):
    base, tag = live.url, f"wide-{live.backend}-{width}"
    page = new_page(chromium, width)
    sign_in(page, base, "staff")
    page.goto(base + "/members")
    page.locator("#members a", has_text="合同与执行").first.click()
    page.wait_for_load_state("load")
    boxes = page.locator(".scroll")
    assert boxes.count() >= 2
    wide = page.evaluate("[...document.querySelectorAll('.scroll')].map(b => b.scrollWidth > b.clientWidth + 1)")
    hints = page.locator(".scroll-hint")
    shot(page, tag)
    if width == PHONE:
        assert any(wide), "the records' tables are wider than a phone"
        assert hints.count() == sum(wide)
        # 合同: 编号, 日期, 国别, 类别, 金额, 原币, 状态 (the ⇆ is drawn by the style sheet)
        assert hints.first.inner_text().endswith("表格较宽（共 7 列），可左右滑动查看")
        # each hint stands right above the box it speaks of, and the box does scroll
        first = page.evaluate("""() => { const h = document.querySelector('.scroll-hint');
            const b = h.nextElementSibling; b.scrollLeft = 200;
            return [b.classList.contains('scroll'), b.classList.contains('overflows'), b.scrollLeft > 0]; }""")
        assert first == [True, True, True]
    else:
        assert not any(wide) and hints.count() == 0
    # turned to a wide screen, the hints go; back to the phone, they come again (one each)
    page.set_viewport_size({"width": DESKTOP, "height": 900})
    expect(page.locator(".scroll-hint")).to_have_count(0)
    page.set_viewport_size({"width": PHONE, "height": 844})
    expect(page.locator(".scroll-hint").first).to_be_visible()
    assert page.locator(".scroll-hint").count() == page.evaluate(
        "[...document.querySelectorAll('.scroll')].filter(b => b.scrollWidth > b.clientWidth + 1).length")
