"""Pages of the portal in the shared chromium (tests/support/browser.py) at desktop and phone
width, and where their screenshots go (build/screenshots/, to be looked at).

A walk (sign in, click, type, publish) runs once, at one width; each page it stops at is
looked at at both widths (``look``: 1280 and 390 px in turn, nothing wider than the screen, a
screenshot each), and what only a phone has (a menu, cards for tables) is checked there with
``at(page, PHONE)``.  Modules alternate the walk's own width so that taps and typing at phone
width stay exercised."""

from __future__ import annotations

from contextlib import contextmanager

from tests.conftest import REPO
from tests.web.conftest import PASSWORD

SHOTS = REPO / "build" / "screenshots"
DESKTOP, PHONE = 1280, 390
WIDTHS = (DESKTOP, PHONE)
SIZES = {DESKTOP: "desktop", PHONE: "phone"}
# after a resize: two frames, so that the page's resize handlers (charts, scroll hints) have run
FRAMES = "() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))"


def new_page(chromium, width: int):
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-CN",
                                   accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def fits(page) -> None:
    """Nothing on the page is wider than the screen (wide tables scroll in their box)."""
    wide = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert wide[0] <= wide[1], f"{page.url}: {wide[0]} px wide on a {wide[1]} px screen"


def _resize(page, width: int, height: int) -> None:
    if page.viewport_size != {"width": width, "height": height}:
        page.set_viewport_size({"width": width, "height": height})
        page.evaluate(FRAMES)


@contextmanager
def at(page, width: int):
    """The page at ``width`` for a while (what only a phone has, or only a desktop), then at
    the walk's own width again."""
    walk = page.viewport_size
    _resize(page, width, walk["height"])
    try:
        yield page
    finally:
        _resize(page, walk["width"], walk["height"])


def look(page, name: str | None, *, widths=WIDTHS, fit=WIDTHS, also=None) -> None:
    """The page at each of ``widths`` in turn (the walk's own width first): nothing wider than
    the screen (at the widths in ``fit``), ``also(page, width)`` when given, and a full-page
    screenshot ``name`` (none if None) with ``{width}`` (1280, 390) and ``{size}`` (desktop,
    phone) filled in — the names the walks at each width wrote before; then the walk's own
    width again."""
    walk = page.viewport_size["width"]
    for width in sorted(widths, key=lambda w: w != walk):
        with at(page, width):
            if width in fit:
                fits(page)
            if also is not None:
                also(page, width)
            if name is not None:
                shot(page, name.format(width=width, size=SIZES[width]))


def sign_in(page, base: str, name: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, page.content()[:500]
