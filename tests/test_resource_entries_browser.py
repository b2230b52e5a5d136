"""Resource pages as reference entries in a real headless Chromium: a municipality, a partnership,
a project, a person and an SDG page at desktop width (English and Swedish), two at phone width; the
rendered DOM keeps the footnotes and the citation box. Screenshots go to
tests/artifacts/screenshots/ (gitignored) for people to look at."""
from __future__ import annotations

import pytest
from test_browser import chromium, dump_dom, screenshot, server  # noqa: F401  (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.server]

PAGES = {
    "municipality": "/page/municipality/vaxjo",
    "partnership": "/page/partnership/vaxjo-vushtrri",
    "project": "/page/project/sekos-2",
    "person": "/page/person/bo-frank",
    "sdg": "/sdg/11",
}
# Desktop: each page once, the languages alternating; phone: a project and an SDG page. (The
# other combinations look the same; each Chromium start costs seconds.)
LANGS = ("sv", "en", "sv", "en", "sv")
SHOTS = [(f"entry-{name}-{lang}-desktop", f"{path}?lang={lang}", 1280)
         for (name, path), lang in zip(PAGES.items(), LANGS, strict=True)]
SHOTS += [("entry-project-en-phone", PAGES["project"] + "?lang=en", 390),
          ("entry-sdg-sv-phone", PAGES["sdg"] + "?lang=sv", 390)]


@pytest.mark.parametrize("name, path, width", SHOTS, ids=[s[0] for s in SHOTS])
def test_entry_screenshots(chromium, server, name, path, width):  # noqa: F811
    shot = screenshot(chromium, server.url + path, name, width=width, height=2600)
    assert shot.exists() and shot.stat().st_size > 10_000, f"no screenshot of {path}"


def test_rendered_entry_keeps_footnotes_and_citation(chromium, server):  # noqa: F811
    dom = dump_dom(chromium, server.url + "/page/project/sekos-2?lang=en")
    assert 'href="#ref-1"' in dom and 'id="ref-1"' in dom
    assert 'class="citation-bibtex"' in dom and "@dataset{partnergraph-project-sekos-2," in dom
