"""The maps in Debian's chromium: the map fills its card's width, Växjö's map shows its partners'
places (JB Marks listed under it), and screenshots of both maps go to tests/artifacts/screenshots."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.selenium_chrome import chrome

pytestmark = [pytest.mark.browser, pytest.mark.server]

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "tests" / "artifacts" / "screenshots"
ID = "https://w3id.org/partnergraph/id/"


@pytest.fixture(scope="module")
def server(graph):
    from tests.conftest import live_app
    with live_app(graph) as live:
        yield live


@pytest.mark.parametrize("path, element, name", [("/page/municipality/vaxjo?lang=en", "map-resource", "map-vaxjo"),
                                                 ("/?lang=en", "map-partnerships", "map-dashboard")])
def test_map_fills_its_card(server, path, element, name):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait
    with chrome() as browser:
        browser.get(server.url + path)
        svg = WebDriverWait(browser, 30).until(lambda d: d.find_elements(By.ID, element))[0]
        card = svg.find_element(By.XPATH, "ancestor::section[contains(@class, 'map-card')]")
        figure = svg.find_element(By.XPATH, "ancestor::figure")
        assert abs(svg.rect["width"] - figure.rect["width"]) <= 1, (svg.rect, figure.rect)
        placed = {g.get_attribute("data-iri") for g in svg.find_elements(By.CSS_SELECTOR, "g.place")}
        if element == "map-resource":
            # ../shared/seeds 000, 001: Växjö's partners abroad; JB Marks has no point in any source
            assert {ID + f"municipality/{p}" for p in ("kalush", "vushtrri", "an-giang")} <= placed
            assert "JB Marks" in card.find_element(By.CSS_SELECTOR, ".map-missing").text
        assert "dr5hn" in card.text
        SHOTS.mkdir(parents=True, exist_ok=True)
        browser.execute_script("arguments[0].scrollIntoView()", card)
        card.screenshot(str(SHOTS / f"{name}.png"))
