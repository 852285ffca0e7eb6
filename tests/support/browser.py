"""Debian's chromium driven by Playwright (never a downloaded browser): one browser for each test
process, shared by every browser test (Playwright's sync API owns the thread's event loop, so a
second ``sync_playwright()`` in the same process would fail)."""

from __future__ import annotations

from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
# no background traffic: this machine's network is closed, and a page must ask for nothing
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--no-first-run"]


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian chromium is missing: make test installs it (scripts/setup.sh)"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=ARGS)
        yield browser
        browser.close()
