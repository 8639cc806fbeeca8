"""Debian's chromium driven by Playwright, for every test that looks at Airflow 3's React UI.

The browser is the `chromium` package (`make test-packages` installs it), never Playwright's
own download. Without it, or without the playwright package, browser tests skip, unless
MINIMAX_UI_REQUIRED=1 (set by `make test-ui` and CI) asks for them: then they fail, naming
what to install. MINIMAX_UPDATE_SCREENSHOT=1 lets a test rewrite its screenshot in docs/img.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import struct
from collections.abc import Iterator
from pathlib import Path

import pytest

try:
    from playwright.sync_api import Browser, Page, expect, sync_playwright
except ImportError:  # the `ui` extra: without it the browser tests skip like without chromium
    sync_playwright = None  # type: ignore[assignment]

CHROMIUM = Path("/usr/bin/chromium")
# No sandbox: tests run as root in containers. Without the background-networking flags Chromium
# waits on refused connections to Google's services where there is no internet.
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TIMEOUT_MS = 20_000
LAUNCH_TIMEOUT_MS = 30_000
DOCS_IMG = Path(__file__).resolve().parents[2] / "docs" / "img"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def missing_browser() -> str | None:
    """What to install before a browser test can run; None when nothing is missing."""
    if not CHROMIUM.exists():
        return f"no {CHROMIUM}: `make test-packages` installs Debian's chromium"
    if sync_playwright is None:
        return "no playwright (the Python driver for chromium): `make install` (the `ui` extra)"
    return None


def browser_required() -> bool:
    return os.environ.get("MINIMAX_UI_REQUIRED") == "1"


def skip_or_fail_without_browser(missing: str) -> None:
    """Skip the test for want of `missing`, or fail it when MINIMAX_UI_REQUIRED=1."""
    if browser_required():
        pytest.fail(f"MINIMAX_UI_REQUIRED=1 but no browser: {missing}")
    pytest.skip(missing)


@contextlib.contextmanager
def chromium() -> Iterator[Browser]:
    """A headless chromium; the caller has checked missing_browser()."""
    assert sync_playwright is not None, missing_browser()
    with sync_playwright() as playwright:
        # Playwright gives each launch a new, empty profile directory of its own.
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            args=CHROMIUM_FLAGS,
            headless=True,
            timeout=LAUNCH_TIMEOUT_MS,
        )
        try:
            yield browser
        finally:
            browser.close()


@contextlib.contextmanager
def new_page(browser: Browser, width: int, height: int) -> Iterator[Page]:
    page = browser.new_page(viewport={"width": width, "height": height})
    page.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    try:
        yield page
    finally:
        page.close()


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data.startswith(PNG_SIGNATURE), f"{path} is not a PNG"
    width, height = struct.unpack(">II", data[16:24])  # IHDR, the first chunk
    return width, height


def update_screenshot(shot: Path, name: str) -> bool:
    """Copy a screenshot to docs/img/<name> when MINIMAX_UPDATE_SCREENSHOT=1; whether it did."""
    if os.environ.get("MINIMAX_UPDATE_SCREENSHOT") != "1":
        return False
    DOCS_IMG.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, DOCS_IMG / name)
    return True
