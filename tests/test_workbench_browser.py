"""The query workbench in a real browser: Selenium driving Debian's chromium (chromium-driver)
against a real server on loopback. One browser for the module. Screenshots of every view, in
both languages and on a phone, go to tests/artifacts/screenshots/ (git-ignored)."""
from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlparse

import pytest

from tests.selenium_chrome import chrome, collect, wait

pytestmark = [pytest.mark.browser, pytest.mark.server]

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "tests" / "artifacts" / "screenshots"
BUNDLE = ROOT / "src" / "partnergraph" / "web" / "static" / "dist" / "workbench.js"
PREFIXES = "PREFIX pg: <https://w3id.org/partnergraph/ontology#>\n"
BAR = ("#defaultView:BarChart\n" + PREFIXES +
       "SELECT ?goal (COUNT(DISTINCT ?p) AS ?projects) WHERE { ?p a pg:Project ; pg:addressesSdg ?goal }\n"
       "GROUP BY ?goal ORDER BY DESC(?projects)")
LINE = ("#defaultView:LineChart\n" + PREFIXES +
        "SELECT ?year (COUNT(?p) AS ?projects) WHERE {\n  ?p a pg:Project ; pg:startYear ?y .\n"
        "  BIND (<http://www.w3.org/2001/XMLSchema#integer>(STR(?y)) AS ?year)\n} GROUP BY ?year ORDER BY ?year")
TIMELINE = ("#defaultView:Timeline\n" + PREFIXES +
            "SELECT ?project ?start ?end WHERE { ?project a pg:Project ; pg:startYear ?start ; pg:endYear ?end }\n"
            "ORDER BY ?start")
GRAPH = ("#defaultView:Graph\n" + PREFIXES +
         "SELECT ?partnership ?partner WHERE { ?partnership a pg:Partnership ; pg:partner ?partner }")
MAP = ("#defaultView:Map\nPREFIX geo: <http://www.opengis.net/ont/geosparql#>\n" + PREFIXES +
       "SELECT DISTINCT ?place ?wkt WHERE {\n  ?partnership a pg:Partnership ; pg:partner ?place .\n"
       "  ?place geo:hasGeometry/geo:asWKT ?wkt\n}")
VIEWS = {"BarChart": BAR, "LineChart": LINE, "Timeline": TIMELINE, "Graph": GRAPH, "Map": MAP}


@pytest.fixture(scope="module")
def browser():
    if not BUNDLE.exists():
        pytest.skip("the editor bundle is not built (make assets needs npm); the page works as a plain form")
    with chrome(logs=True) as driver:
        yield driver


@pytest.fixture(scope="module")
def server(graph, tmp_path_factory):
    from tests.conftest import live_app
    with live_app(graph, LINKS_DIR=str(tmp_path_factory.mktemp("links"))) as live:
        yield live


@pytest.fixture(scope="module")
def requested(browser):
    """Every URL the browser requested and every console message, over the whole module."""
    return {"urls": [], "console": []}


def css(selector):
    from selenium.webdriver.common.by import By
    return lambda d: d.find_elements(By.CSS_SELECTOR, selector)


def open_page(browser, requested, url, ready=".cm-editor"):
    browser.get(url)
    if ready:
        wait(browser, css(ready))
    collect(browser, requested)


def shot(browser, name: str, width: int = 1280):
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.set_window_size(width, 1400)
    height = browser.execute_script("return Math.min(document.documentElement.scrollHeight, 4000)")
    browser.set_window_size(width, max(600, height))
    browser.save_screenshot(str(SHOTS / f"{name}.png"))
    browser.set_window_size(1280, 1400)


def sparql_url(server, query, **extra):
    args = "&".join(f"{k}={quote(v)}" for k, v in extra.items())
    return f"{server.url}/sparql?query={quote(query)}" + (f"&{args}" if args else "")


def set_editor(browser, text):
    browser.execute_script("const v = window.partnergraphWorkbench.view;"
                           "v.dispatch({changes: {from: 0, to: v.state.doc.length, insert: arguments[0]},"
                           " selection: {anchor: arguments[0].length}}); v.focus();", text)


def test_editor_loads_and_highlights(browser, server, requested):
    open_page(browser, requested, server.url + "/sparql?lang=en")
    textarea_hidden = browser.execute_script("return document.getElementById('query').hidden")
    assert textarea_hidden, "the editor should replace the plain textarea"
    colours = browser.execute_script("""
        const spans = [...document.querySelectorAll('.cm-content .cm-line span')];
        const keyword = spans.find(s => s.textContent === 'SELECT');
        const plain = document.querySelector('.cm-content');
        return keyword ? [getComputedStyle(keyword).color, getComputedStyle(plain).color] : null;""")
    assert colours, "SELECT is not highlighted as a token"
    assert colours[0] != colours[1], f"SELECT has the plain text colour {colours}"
    shot(browser, "workbench-editor-en")


def test_typing_offers_graph_terms(browser, server, requested):
    from selenium.webdriver.common.by import By
    open_page(browser, requested, server.url + "/sparql?lang=en")
    set_editor(browser, PREFIXES + "SELECT * WHERE {\n  ?partnership a pg:Partnership ;\n    ")
    browser.find_element(By.CSS_SELECTOR, ".cm-content").send_keys("pg:par")
    wait(browser, css(".cm-tooltip-autocomplete li"))
    labels = [o.text for o in browser.find_elements(By.CSS_SELECTOR, ".cm-tooltip-autocomplete .cm-completionLabel")]
    assert labels[0] == "pg:partner", labels  # the shapes' property of a partnership comes first
    shot(browser, "workbench-completion-en")
    # a prefix chosen from the list brings its PREFIX line
    from selenium.webdriver.common.keys import Keys
    set_editor(browser, "SELECT * WHERE {\n  ?s ")
    browser.find_element(By.CSS_SELECTOR, ".cm-content").send_keys("sko")
    wait(browser, lambda d: "skos:" in [o.text for o in d.find_elements(
        By.CSS_SELECTOR, ".cm-tooltip-autocomplete .cm-completionLabel")][:1])
    browser.find_element(By.CSS_SELECTOR, ".cm-content").send_keys(Keys.ENTER)
    text = browser.execute_script("return window.partnergraphWorkbench.view.state.doc.toString()")
    assert text.startswith("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n") and text.endswith("?s skos:")
    collect(browser, requested)


def test_syntax_error_is_marked(browser, server, requested):
    open_page(browser, requested, sparql_url(server, "SELECT * WHERE {\n  ?s skos:prefLabel ?o\n}"),
              ready=".cm-lintRange-error")
    marked = browser.execute_script("return document.querySelector('.cm-lintRange-error').textContent")
    assert marked.startswith("skos:prefLabel")
    assert "PREFIX skos:" in browser.find_element("css selector", ".error-box").text
    shot(browser, "workbench-error-en")


def test_every_example_returns_rows(browser, server, requested, graph):
    """Each example link of the page, followed by the page's own script (as a click would), shows
    rows; one of them is also opened in the editor."""
    from selenium.webdriver.common.by import By
    open_page(browser, requested, server.url + "/sparql?lang=en")
    links = [a.get_attribute("data-example") for a in browser.find_elements(By.CSS_SELECTOR, "a[data-example]")]
    assert sorted(links) == sorted(graph.queries)
    browser.set_script_timeout(120)
    totals = browser.execute_async_script("""
        const done = arguments[arguments.length - 1];
        const links = [...document.querySelectorAll('a[data-example]')];
        Promise.all(links.map(a => fetch(a.href, {headers: {Accept: 'text/html'}}).then(r => r.text()).then(html => {
            const page = new DOMParser().parseFromString(html, 'text/html');
            const total = page.querySelector('[data-total]');
            return [a.dataset.example, total ? parseInt(total.dataset.total, 10) : -1,
                    page.querySelectorAll('.results-table tbody tr').length];
        }))).then(done, err => done(String(err)));""")
    assert isinstance(totals, list), totals
    empty = [name for name, total, shown in totals if total <= 0 or shown <= 0]
    assert not empty, f"examples without rows: {empty}"
    browser.find_element(By.CSS_SELECTOR, "details.examples summary").click()
    browser.find_element(By.CSS_SELECTOR, 'a[data-example="partnerships-of-municipality"]').click()
    wait(browser, css(".results-table tbody tr"))
    text = browser.execute_script("return window.partnergraphWorkbench.view.state.doc.toString()")
    assert "<https://w3id.org/partnergraph/id/municipality/vaxjo>" in text
    collect(browser, requested)


@pytest.mark.parametrize("view", list(VIEWS))
def test_views_draw(browser, server, requested, view):
    open_page(browser, requested, sparql_url(server, VIEWS[view], lang="en"))
    figure = browser.find_elements("css selector", f'figure.result-view[data-view="{view}"] svg')
    assert figure, f"no {view} drawn"
    marks = {"BarChart": "g.bar rect", "LineChart": "g.point circle", "Timeline": "g.span rect",
             "Graph": "g.node circle", "Map": "g.place circle"}[view]
    drawn = browser.find_elements("css selector", f"figure.result-view {marks}")
    assert drawn, f"{view} has no {marks}"
    if view == "Map":  # 000_3db2f6b1717fd080.txt: Växjö and Vushtrri; 004_c8b3a4b9f6e514d7.txt: Skövde and Tbilisi
        names = browser.execute_script("return [...document.querySelectorAll('figure.result-view g.place')]"
                                       ".map(g => g.getAttribute('aria-label'))")
        assert {"Växjö", "Vushtrri", "Skövde", "Tbilisi"} <= set(names), names
    shot(browser, f"workbench-{view.lower()}-en")


def test_views_in_swedish_and_on_a_phone(browser, server, requested):
    for view in ("BarChart", "Map", "Timeline"):
        open_page(browser, requested, sparql_url(server, VIEWS[view], lang="sv"))
        assert browser.find_elements("css selector", "figure.result-view svg")
        assert "Kör frågan" in browser.page_source
        shot(browser, f"workbench-{view.lower()}-sv")
        shot(browser, f"workbench-{view.lower()}-sv-phone", width=390)
    open_page(browser, requested, sparql_url(server, GRAPH, lang="sv"))
    shot(browser, "workbench-graph-sv")
    open_page(browser, requested, sparql_url(server, LINE, lang="sv"))
    shot(browser, "workbench-linechart-sv")
    open_page(browser, requested, server.url + "/sparql?example=partnerships-of-municipality&lang=sv")
    shot(browser, "workbench-table-sv")
    shot(browser, "workbench-table-sv-phone", width=390)


PHONE_PAGES = ["/?lang=sv", "/sparql?lang=sv", "/sparql?example=partnerships-of-municipality", "/ontology",
               "/shapes", "/queries", "/queries/partnerships-of-municipality?lang=sv", "/search?q=vaxjo",
               "/page/municipality/vaxjo", "/page/project/sekos-2?lang=sv", "/.well-known/void", "/dumps/"]


def test_no_page_scrolls_sideways_on_a_phone(browser, server, requested):
    browser.set_window_size(390, 900)
    wide = {}
    try:
        for path in PHONE_PAGES:
            browser.get(server.url + path)
            width = browser.execute_script("return document.documentElement.scrollWidth")
            if width > 390:
                wide[path] = width
            collect(browser, requested)
    finally:
        browser.set_window_size(1280, 1400)
    assert not wide, f"pages wider than 390 px: {wide}"


def test_tabs_and_history_are_kept_in_the_browser(browser, server, requested):
    from selenium.webdriver.common.by import By
    open_page(browser, requested, sparql_url(server, BAR))
    browser.find_element(By.CSS_SELECTOR, ".wb-tab-new").click()
    set_editor(browser, "ASK { ?s ?p ?o }")
    browser.find_element(By.CSS_SELECTOR, "#query-form button[type=submit]").click()
    wait(browser, css(".boolean"))
    collect(browser, requested)
    history = browser.execute_script("return JSON.parse(localStorage.getItem('partnergraph.workbench.history'))")
    tabs = browser.execute_script("return JSON.parse(localStorage.getItem('partnergraph.workbench.tabs'))")
    assert history[0]["text"] == "ASK { ?s ?p ?o }"
    assert [t["text"] for t in tabs["tabs"]][-2:] == [BAR, "ASK { ?s ?p ?o }"]
    browser.find_elements(By.CSS_SELECTOR, ".wb-tab")[-2].click()
    assert browser.execute_script("return window.partnergraphWorkbench.view.state.doc.toString()") == BAR


def test_table_sorts_and_pages(browser, server, requested):
    from selenium.webdriver.common.by import By
    query = PREFIXES + "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 120"
    open_page(browser, requested, sparql_url(server, query))
    visible = browser.execute_script("return [...document.querySelectorAll('.results-table tbody tr')]"
                                     ".filter(r => !r.hidden).length")
    assert visible == 50
    browser.find_elements(By.CSS_SELECTOR, ".wb-sort")[1].click()
    labels = browser.execute_script("return [...document.querySelectorAll('.results-table tbody tr')]"
                                    ".filter(r => !r.hidden).map(r => r.cells[1].textContent.trim().toLocaleLowerCase())")
    assert labels == sorted(labels, key=lambda s: s) or labels == sorted(labels)


def test_nothing_from_another_origin_and_no_console_errors(browser, server, requested):
    open_page(browser, requested, sparql_url(server, BAR))
    own = urlparse(server.url).netloc
    foreign = [u for u in requested["urls"] if urlparse(u).scheme in ("http", "https", "ws", "wss")
               and urlparse(u).netloc != own]
    assert requested["urls"], "no requests were recorded"
    assert not foreign, f"requests to other origins: {foreign}"
    errors = [m for m in requested["console"] if m["level"] == "SEVERE" and "favicon.ico" not in m["message"]
              and not (m["source"] == "network" and "/sparql?query=SELECT%20%2A%20WHERE%20%7B%0A%20%20%3Fs%20skos"
                       in m["message"] and "status of 400" in m["message"])]  # the syntax error's page is a 400
    assert not errors, "\n".join(m["message"][-300:] for m in errors)
