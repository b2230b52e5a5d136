"""The query builder (/builder) in Debian's chromium: questions built by clicks and typing only,
answered on the same page; Swedish labels; nothing from another origin and no console errors; the
address and a short link restore the built query; screenshots in tests/artifacts/screenshots."""
from __future__ import annotations

import json
import time
from pathlib import Path
from urllib.parse import urlparse

import pytest

from tests.selenium_chrome import chrome

pytestmark = [pytest.mark.browser, pytest.mark.server]

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "tests" / "artifacts" / "screenshots"
TIMINGS = ROOT / "tests" / "artifacts" / "builder-timings.json"
BUNDLE = ROOT / "src" / "partnergraph" / "web" / "static" / "dist" / "builder.js"
SHAPE = "https://w3id.org/partnergraph/shapes#"
ID = "https://w3id.org/partnergraph/id/"


@pytest.fixture(scope="module")
def browser():
    if not BUNDLE.exists():
        pytest.skip("the builder bundle is not built (make assets needs npm)")
    with chrome(logs=True) as driver:
        yield driver


@pytest.fixture(scope="module")
def server(graph, tmp_path_factory):
    from conftest import LiveServer

    from partnergraph.web.app import create_app
    application = create_app({"VALIDATE": False, "WORKERS": 0, "ACCESS_LOG": False,
                              "LINKS_DIR": str(tmp_path_factory.mktemp("links"))}, graph=graph)
    live = LiveServer(application)
    yield live
    live.stop()


@pytest.fixture(scope="module")
def requested():
    return {"urls": [], "console": [], "timings": {}}


def collect(browser, requested):
    for entry in browser.get_log("performance"):
        message = json.loads(entry["message"])["message"]
        if message.get("method") == "Network.requestWillBeSent":
            requested["urls"].append(message["params"]["request"]["url"])
    requested["console"].extend(browser.get_log("browser"))


def wait(browser, condition, timeout=30):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(browser, timeout).until(condition)


def visible(selector):
    from selenium.webdriver.common.by import By
    return lambda d: [e for e in d.find_elements(By.CSS_SELECTOR, selector) if e.is_displayed()]


def click(browser, selector):
    element = wait(browser, visible(selector))[0]
    browser.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    element.click()


def open_builder(browser, requested, url, ready=f'.StartClassGroup li[data-id="{SHAPE}BuilderProject"] .item-sel'):
    """Open the page and wait until the builder has drawn itself from its configuration."""
    started = time.perf_counter()
    browser.get(url)
    wait(browser, visible(ready))
    requested["timings"].setdefault(url.split("/", 3)[-1], round(time.perf_counter() - started, 3))
    collect(browser, requested)


def choose(browser, group, shape):
    click(browser, f'.{group} li[data-id="{SHAPE}{shape}"] .item-sel')


def run_and_read(browser, requested):
    """Press play; the rows of the answer's table: {column: shown text}."""
    from selenium.webdriver.common.by import By
    click(browser, ".playBtn")
    table = wait(browser, visible("#builder-results table.results-table"))[0]
    heads = [th.text for th in table.find_elements(By.CSS_SELECTOR, "thead th")]
    rows = [[td for td in tr.find_elements(By.CSS_SELECTOR, "td")] for tr in table.find_elements(By.CSS_SELECTOR, "tbody tr")]
    collect(browser, requested)
    return heads, [{h: (td.text, td.find_elements(By.CSS_SELECTOR, "a")[0].get_attribute("title")
                        if td.find_elements(By.CSS_SELECTOR, "a") else None) for h, td in zip(heads, row, strict=True)}
                   for row in rows]


def shot(browser, name: str, width: int = 1280):
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.set_window_size(width, 1400)
    height = browser.execute_script("return Math.min(document.documentElement.scrollHeight, 4000)")
    browser.set_window_size(width, max(700, height))
    browser.save_screenshot(str(SHOTS / f"{name}.png"))
    browser.set_window_size(1280, 1400)


def test_projects_that_address_quality_education(browser, server, requested):
    open_builder(browser, requested, server.url + "/builder?lang=en")
    choose(browser, "StartClassGroup", "BuilderProject")
    choose(browser, "EndClassGroup", "BuilderGoal")
    click(browser, ".EditComponents .select2-selection")
    options = wait(browser, visible(".select2-results__option"))
    next(o for o in options if o.text == "Quality education").click()
    heads, rows = run_and_read(browser, requested)
    # ../shared/seeds: SEKOS 2 (Social Entrepreneurship), the sustainability-education project and the
    # skill-gaps project are the three projects the documents say address goal 4 (data/projects.ttl, pg:sdg sdg:4)
    projects = {iri for row in rows for text, iri in row.values() if iri and iri.startswith(ID + "project/")}
    assert len(projects) == 3, rows
    shown = " | ".join(text for row in rows for text, _ in row.values())
    assert "SEKOS 2" in shown and "skill" in shown.lower(), shown
    assert not any(text.startswith("http") for row in rows for text, _ in row.values())    # labels, not bare IRIs
    shot(browser, "builder-quality-education")
    # the address restores it: a reload draws the same question
    open_builder(browser, requested, browser.current_url, ready=".EndClassGroup .current.selected")
    wait(browser, lambda d: "Quality education" in d.find_element("css selector", ".CriteriaGroup").text)
    assert run_and_read(browser, requested)[1] == rows
