"""Selenium with Debian's chromium and chromium-driver, as the browser tests start it. The tests
install nothing: where the packages are missing they skip with the reason (.ci/run installs
them, and under CI=true that skip fails the run)."""
from __future__ import annotations

import contextlib
import shutil
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
    """selenium.webdriver, where chromium and chromium-driver are installed; else the test skips."""
    from selenium import webdriver  # in the test extra
    missing = [path for path in (CHROMIUM, CHROMEDRIVER) if not Path(path).is_file()]
    if missing:
        pytest.skip(f"{' and '.join(missing)} not installed "
                    "(Debian packages chromium and chromium-driver; .ci/run installs them)")
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


def collect(browser, requested: dict) -> None:
    """Add the URLs the browser requested and its console messages since the last call to
    requested["urls"] and requested["console"] (a driver started with logs=True)."""
    import json
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            requested["urls"].append(message["params"]["request"]["url"])
    requested["console"].extend(browser.get_log("browser"))


def wait(browser, condition, timeout: float = 15):
    """What condition gives once it is true, waiting up to timeout seconds."""
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(browser, timeout).until(condition)
