"""Pages of the portal in the shared chromium (tests/support/browser.py) at desktop and phone
width, and where their screenshots go (build/screenshots/, to be looked at)."""

from __future__ import annotations

from tests.conftest import REPO
from tests.web.conftest import PASSWORD

SHOTS = REPO / "build" / "screenshots"
DESKTOP, PHONE = 1280, 390


def new_page(chromium, width: int):
    context = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-CN",
                                   accept_downloads=True)
    page = context.new_page()
    page.set_default_timeout(30_000)
    return page


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page, base: str, name: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("用户名").fill(name)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    assert "/login" not in page.url, page.content()[:500]
