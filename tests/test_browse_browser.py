"""The maps and the faceted browse pages in a real browser: Selenium driving Debian's chromium
(chromium-driver) against a real server on loopback, at a desktop width (1280) and a phone width
(390), in English and Swedish, with JavaScript on and off. Screenshots go to
tests/artifacts/screenshots/ (git-ignored)."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

from partnergraph.browse import facets
from tests.selenium_chrome import chrome as start_chrome

pytestmark = [pytest.mark.browser, pytest.mark.server]

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "tests" / "artifacts" / "screenshots"
WIDTHS = {"desktop": 1280, "phone": 390}


@pytest.fixture(scope="module")
def chrome():
    with start_chrome() as driver:
        yield driver


@pytest.fixture(scope="module")
def nojs():
    with start_chrome(javascript=False) as driver:
        yield driver


@pytest.fixture(scope="module")
def server(graph):
    from tests.conftest import live_app
    with live_app(graph) as live:
        yield live


def overflow(driver) -> int:
    """How far the page reaches beyond the window's width, in CSS pixels (0: no sideways scroll)."""
    return int(driver.execute_script("return document.documentElement.scrollWidth - document.documentElement.clientWidth"))


def rect(element) -> dict:
    return element.rect   # x, y, width, height in CSS pixels


def shot(driver, name: str, width: int) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    driver.set_window_size(width, 1000)
    height = driver.execute_script("return Math.min(document.documentElement.scrollHeight, 4000)")
    driver.set_window_size(width, max(600, height))
    target = SHOTS / f"{name}.png"
    driver.save_screenshot(str(target))
    driver.set_window_size(width, 1000)
    return target


def map_places(driver, scope: str) -> list[str]:
    """The labels of the places drawn inside the map's visible SVG in scope (a CSS selector)."""
    from selenium.webdriver.common.by import By
    svg = driver.find_element(By.CSS_SELECTOR, f"{scope} svg[role=img]")
    box = rect(svg)
    assert svg.is_displayed() and box["width"] > 200 and box["height"] > 100, f"map not visible: {box}"
    assert box["x"] >= 0 and box["x"] + box["width"] <= driver.execute_script("return document.documentElement.clientWidth") + 1
    places = svg.find_elements(By.CSS_SELECTOR, "g.place")
    inside = [p for p in places if p.find_element(By.CSS_SELECTOR, "circle").rect["width"] > 0]
    assert inside, "no place drawn"
    return [p.get_attribute("aria-label") for p in inside]


def check_dashboard_map(chrome, server, lang, device):
    chrome.set_window_size(WIDTHS[device], 1000)
    chrome.get(f"{server.url}/?lang={lang}")
    names = map_places(chrome, ".map-card")
    # 000_3db2f6b1717fd080.txt: Växjö partners with Vushtrri, Kalush, JB Marks and An Giang
    assert {"Växjö", "Vushtrri", "Kalush"} <= set(names), names
    assert overflow(chrome) == 0
    shot(chrome, f"browse-dashboard-map-{lang}-{device}" + ("" if chrome.javascript else "-nojs"), WIDTHS[device])


def check_municipality_map(chrome, server, lang, device):
    chrome.set_window_size(WIDTHS[device], 1000)
    chrome.get(f"{server.url}/page/municipality/vaxjo?lang={lang}")
    names = map_places(chrome, ".map-card")
    assert {"Växjö", "Vushtrri"} <= set(names), names
    assert overflow(chrome) == 0
    shot(chrome, f"browse-vaxjo-map-{lang}-{device}" + ("" if chrome.javascript else "-nojs"), WIDTHS[device])


def click_value(driver, facet: str, key: str) -> None:
    from selenium.webdriver.common.by import By
    link = driver.find_element(By.CSS_SELECTOR, f'section[data-facet="{facet}"] a[data-key="{key}"]')
    box, width = rect(link), driver.execute_script("return document.documentElement.clientWidth")
    assert link.is_displayed() and box["width"] > 0 and box["x"] >= 0 and box["x"] + box["width"] <= width + 1, \
        f"{facet}={key} is not within the window: {box}"
    link.click()


def check_facets_by_clicking(chrome, server, graph, lang, device):
    from selenium.webdriver.common.by import By
    chrome.set_window_size(WIDTHS[device], 1000)
    chrome.get(f"{server.url}/browse/projects?lang={lang}")
    assert chrome.find_element(By.CSS_SELECTOR, "h1").text == ("Projekt" if lang == "sv" else "Projects")
    click_value(chrome, "sdg", "4")
    click_value(chrome, "country", "kosovo")
    query = parse_qs(urlsplit(chrome.current_url).query)
    assert query["sdg"] == ["4"] and query["country"] == ["kosovo"]
    expected = facets.Browser(graph).browse(facets.load().kind("projects"), [("sdg", "4"), ("country", "kosovo")],
                                            lang=lang, path="/browse/projects", all_items=True)
    total = int(chrome.find_element(By.CSS_SELECTOR, "[data-total]").get_attribute("data-total"))
    rows = chrome.find_elements(By.CSS_SELECTOR, "table.browse-table tbody tr")
    assert total == expected.total and len(rows) == min(total, facets.PAGE_SIZE) and total > 0
    assert {r.get_attribute("data-iri") for r in rows} == {i.iri for i in expected.items}
    # the table is usable: its first link is on screen (scrolled into view) and leads to the project
    first = rows[0].find_element(By.CSS_SELECTOR, "td a")
    assert first.is_displayed() and rect(first)["width"] > 0
    target = first.get_attribute("href")
    # the chosen values are marked, and the page does not scroll sideways
    chosen = chrome.find_elements(By.CSS_SELECTOR, "section.facet a.selected")
    assert {a.get_attribute("data-key") for a in chosen} == {"4", "kosovo"}
    assert overflow(chrome) == 0
    # a table wider than the window scrolls inside its own box, so that every column can be reached
    wrapper = chrome.find_element(By.CSS_SELECTOR, ".browse-results .scroll-x")
    wide = chrome.execute_script("return arguments[0].scrollWidth > arguments[0].clientWidth", wrapper)
    assert not wide or wrapper.value_of_css_property("overflow-x") in ("auto", "scroll")
    shot(chrome, f"browse-projects-{lang}-{device}" + ("" if chrome.javascript else "-nojs"), WIDTHS[device])
    # a click on a chosen value removes it
    click_value(chrome, "sdg", "4")
    assert "sdg" not in parse_qs(urlsplit(chrome.current_url).query)
    chrome.get(target)
    assert urlsplit(target).path.startswith("/page/project/") and chrome.find_element(By.CSS_SELECTOR, "h1").text


CASES = [(lang, device) for lang in ("en", "sv") for device in WIDTHS]


@pytest.mark.parametrize("lang, device", CASES, ids=[f"{lang}-{device}" for lang, device in CASES])
def test_maps_and_facets(chrome, server, graph, lang, device):
    check_dashboard_map(chrome, server, lang, device)
    check_municipality_map(chrome, server, lang, device)
    check_facets_by_clicking(chrome, server, graph, lang, device)


def test_without_javascript(nojs, server, graph, lang="sv", device="phone"):
    nojs.get("data:text/html,<title>before</title><script>document.title='ran'</script>")
    assert nojs.title == "before", "the page's script ran: JavaScript is not off"
    check_dashboard_map(nojs, server, lang, device)
    check_municipality_map(nojs, server, lang, device)
    check_facets_by_clicking(nojs, server, graph, lang, device)


def test_sorting_by_a_column_by_clicking(chrome, server):
    from selenium.webdriver.common.by import By
    chrome.set_window_size(1280, 1000)
    chrome.get(f"{server.url}/browse/partnerships?lang=en")
    header = chrome.find_elements(By.CSS_SELECTOR, "table.browse-table thead th a")[3]   # since
    header.click()
    assert parse_qs(urlsplit(chrome.current_url).query)["_sort"] == ["since"]
    years = [r.find_elements(By.CSS_SELECTOR, "td")[3].text for r in
             chrome.find_elements(By.CSS_SELECTOR, "table.browse-table tbody tr")]
    filled = [y for y in years if y]
    assert filled and filled == sorted(filled) and years[:len(filled)] == filled
