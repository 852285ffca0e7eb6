"""Playwright driving Debian's chromium (never a downloaded browser) for the browser tests,
and where their screenshots go (build/screenshots/, to be looked at)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import REPO
from tests.web.conftest import PASSWORD

CHROMIUM = Path("/usr/bin/chromium")
SHOTS = REPO / "build" / "screenshots"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
        "--disable-dev-shm-usage", "--no-first-run"]
DESKTOP, PHONE = 1280, 390


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian chromium is missing: make test installs it (scripts/setup.sh)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield browser
        browser.close()


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
