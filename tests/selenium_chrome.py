"""Selenium with Debian's chromium and chromium-driver, as the browser tests start it: installed
when missing and possible (tests/ensure_chromium.sh), skipped with the reason otherwise."""
from __future__ import annotations

import contextlib
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage", "--hide-scrollbars", "--window-size=1280,1400")


def require_chromedriver():
    """selenium.webdriver, once chromium and chromium-driver are there; else the test skips."""
    webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[test]')")
    result = subprocess.run(["sh", str(ROOT / "tests" / "ensure_chromium.sh"), "--driver"], capture_output=True,
                            text=True, timeout=900)
    if result.returncode != 0 or not Path(CHROMIUM).exists() or not Path(CHROMEDRIVER).exists():
        pytest.skip(f"chromium with chromium-driver unavailable: {result.stderr.strip() or 'ensure_chromium.sh failed'}")
    return webdriver


@contextlib.contextmanager
def chrome(*, javascript: bool = True, logs: bool = False):
    """A headless Chrome driver with its own empty profile, quit and removed afterwards."""
    webdriver = require_chromedriver()
    from selenium.webdriver.chrome.service import Service
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="pg-selenium-")
    for flag in (*FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    if not javascript:
        options.add_experimental_option("prefs", {"profile.managed_default_content_settings.javascript": 2})
    if logs:
        options.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    driver.javascript = javascript
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
