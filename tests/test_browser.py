"""Pages rendered by a real headless Chromium against a real server on loopback; screenshots are
saved under tests/artifacts/screenshots/ (gitignored) for people to look at."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.server]

ROOT = Path(__file__).resolve().parent.parent
SHOTS = ROOT / "tests" / "artifacts" / "screenshots"
CHROMIUM = "/usr/bin/chromium"


@pytest.fixture(scope="module")
def chromium() -> str:
    """Debian's chromium; the tests install nothing (.ci/run does, and under CI=true this skip fails the run)."""
    if not Path(CHROMIUM).is_file():
        pytest.skip(f"{CHROMIUM} not installed (Debian package chromium; .ci/run installs it)")
    return CHROMIUM


@pytest.fixture(scope="module")
def server(graph):
    from tests.conftest import live_app
    with live_app(graph) as live:
        yield live


def screenshot(chromium: str, url: str, name: str, width: int = 1280, height: int = 2000) -> Path:
    SHOTS.mkdir(parents=True, exist_ok=True)
    target = SHOTS / f"{name}.png"
    target.unlink(missing_ok=True)
    profile = tempfile.mkdtemp(prefix="pg-chromium-")
    try:
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                        "--disable-background-networking", "--disable-component-update", "--disable-sync",
                        "--hide-scrollbars", f"--user-data-dir={profile}", f"--window-size={width},{height}",
                        f"--screenshot={target}", url], capture_output=True, timeout=120, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return target


def dump_dom(chromium: str, url: str) -> str:
    profile = tempfile.mkdtemp(prefix="pg-chromium-")
    try:
        result = subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
                                 "--no-first-run", "--disable-background-networking", "--disable-component-update",
                                 "--disable-sync", f"--user-data-dir={profile}", "--dump-dom", url],
                                capture_output=True, text=True, timeout=120, check=False)
    finally:
        shutil.rmtree(profile, ignore_errors=True)
    return result.stdout


PAGES = [
    ("dashboard", "/?lang=en", 1280),
    ("municipality-vaxjo", "/page/municipality/vaxjo?lang=sv", 1280),
    ("project-sekos-2", "/page/project/sekos-2?lang=en", 1280),
    ("partnership-vaxjo-vushtrri", "/page/partnership/vaxjo-vushtrri?lang=en", 1280),
    ("query-page", "/sparql?query=" + quote("SELECT ?s ?label WHERE { ?s a <https://w3id.org/partnergraph/ontology#Project> ; "
                                            "<http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(LANG(?label)='en') } "
                                            "ORDER BY ?label LIMIT 20"), 1280),
    ("search-vaxjo", "/search?q=vaxjo", 1280),
    ("dashboard-phone", "/?lang=sv", 390),
    ("project-phone", "/page/project/sekos-2?lang=sv", 390),
]


@pytest.mark.parametrize("name, path, width", PAGES, ids=[p[0] for p in PAGES])
def test_screenshots(chromium, server, name, path, width):
    shot = screenshot(chromium, server.url + path, name, width=width)
    assert shot.exists() and shot.stat().st_size > 10_000, f"no screenshot of {path}"


def test_rendered_dom_has_the_charts(chromium, server):
    dom = dump_dom(chromium, server.url + "/?lang=en")
    for chart_id in ("chart-sdg", "chart-country", "chart-years", "chart-network"):
        assert f'id="{chart_id}"' in dom
    dom = dump_dom(chromium, server.url + "/search?q=UKMERGE")
    assert "<mark>Ukmergė</mark>" in dom
