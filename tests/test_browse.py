"""Faceted browsing: facet counts against counts made here with rdflib over data/ (not with the
SPARQL browse.py writes), answers taken from the source documents, the URL rules, and the pages,
JSON and CSV of /browse/{kind} and /class/NAME."""
from __future__ import annotations

import csv
import io
import json
import threading
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
import rdflib
from rdflib.namespace import RDF, RDFS

from partnergraph.browse import facets

ROOT = Path(__file__).resolve().parent.parent
PG = rdflib.Namespace("https://w3id.org/partnergraph/ontology#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
ID = "https://w3id.org/partnergraph/id/"
SDG = "http://metadata.un.org/sdg/"
PLACE_TYPES = {PG.Municipality, PG.City, PG.Province, PG.DistrictCouncil, PG.LocalGovernment, PG.Region}


@pytest.fixture(scope="module")
def data() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted((ROOT / "data").glob("*.ttl")):
        graph.parse(path)
    graph.parse(ROOT / "ontology" / "partnergraph.ttl")
    return graph


@pytest.fixture(scope="module")
def browser(graph) -> facets.Browser:
    return facets.Browser(graph)


def run(browser, kind: str, query: str = "", **kw) -> facets.Browse:
    args = [(k, v) for k, values in parse_qs(query).items() for v in values]
    return browser.browse(browser.defs.kind(kind), args, lang="en", path=f"/browse/{kind}",
                          all_items=True, **kw)


# --- independent counts with rdflib ----------------------------------------------------------------

def instances(data, cls) -> set:
    classes = set(data.transitive_subjects(RDFS.subClassOf, cls))
    return {s for c in classes for s in data.subjects(RDF.type, c)}


def slug(iri) -> str:
    return str(iri).rsplit("/", 1)[-1]


def tally(items: dict) -> dict[str, int]:
    """{item: set of keys} -> {key: number of items}."""
    return dict(Counter(key for keys in items.values() for key in set(keys)))


def project_countries(data, project) -> set[str]:
    places = {p for ps in data.objects(project, PG.partnership) for p in data.objects(ps, PG.partner)}
    places |= set(data.objects(project, PG.participant)) | set(data.objects(project, PG.projectOwner))
    return {slug(c) for p in places for c in data.objects(p, PG.country)}


def project_goals(data, project) -> set[str]:
    return {str(s)[len(SDG):].split(".")[0] for s in data.objects(project, PG.sdg)}


def project_years(data, project) -> set[str]:
    start = next(iter(data.objects(project, PG.startYear)), None)
    end = next(iter(data.objects(project, PG.endYear)), None)
    if start is None and end is None:
        return set()
    s, e = int(str(start or end)[:4]), int(str(end or start)[:4])
    return {str(y) for y in range(s, e + 1)}


def test_project_facets_match_rdflib(data, browser):
    projects = instances(data, PG.Project)
    counts = facets.counts_by_key(run(browser, "projects"))
    assert counts["sdg"] == tally({p: project_goals(data, p) for p in projects})
    assert counts["country"] == tally({p: project_countries(data, p) for p in projects})
    assert counts["year"] == tally({p: project_years(data, p) for p in projects})
    assert counts["area"] == tally({p: {slug(a) for a in data.objects(p, PG.projectArea)} for p in projects})
    assert counts["topic"] == tally({p: {slug(a) for a in data.objects(p, PG.topic)} for p in projects})
    assert counts["status"] == tally({p: {slug(a) for a in data.objects(p, PG.status)} for p in projects})
    assert counts["source"] == tally({p: {slug(a) for a in data.objects(p, PROV.wasDerivedFrom)} for p in projects})
    continents = {p: {slug(k) for c in project_countries(data, p)
                      for k in data.objects(rdflib.URIRef(ID + "country/" + c), PG.continent)} for p in projects}
    assert counts["continent"] == tally(continents)


def test_partnership_and_municipality_facets_match_rdflib(data, browser):
    partnerships = instances(data, PG.Partnership)
    counts = facets.counts_by_key(run(browser, "partnerships"))
    countries = {p: {slug(c) for x in data.objects(p, PG.partner) for c in data.objects(x, PG.country)}
                 for p in partnerships}
    assert counts["country"] == tally(countries)
    assert counts["status"] == tally({p: {slug(s) for s in data.objects(p, PG.status)} for p in partnerships})
    assert counts["since"] == tally({p: {str(y)[:4] for y in data.objects(p, PG.startYear)} for p in partnerships})
    places = instances(data, PG.LocalGovernment) | instances(data, PG.Region)
    counts = facets.counts_by_key(run(browser, "municipalities"))
    assert counts["country"] == tally({p: {slug(c) for c in data.objects(p, PG.country)} for p in places})
    networks = {p: {slug(m_org) for m in data.subjects(ORG.member, p) for m_org in data.objects(m, ORG.organization)}
                for p in places}
    assert counts["network"] == tally(networks)


def test_and_across_facets_or_within(data, browser):
    projects = instances(data, PG.Project)
    both = run(browser, "projects", "sdg=4&country=kosovo")
    expected = {str(p) for p in projects if "4" in project_goals(data, p) and "kosovo" in project_countries(data, p)}
    assert {i.iri for i in both.items} == expected and both.total == len(expected)
    either = run(browser, "projects", "sdg=4,8")
    assert {i.iri for i in either.items} == {str(p) for p in projects if project_goals(data, p) & {"4", "8"}}
    # repeating the parameter means the same as a comma
    assert {i.iri for i in run(browser, "projects", "sdg=4&sdg=8").items} == {i.iri for i in either.items}
    # a facet's own counts ignore its own choice (so that more values can be added) ...
    assert facets.counts_by_key(either)["sdg"] == facets.counts_by_key(run(browser, "projects"))["sdg"]
    # ... and follow the other facets' choices
    in_kosovo = [p for p in projects if "kosovo" in project_countries(data, p)]
    assert facets.counts_by_key(run(browser, "projects", "country=kosovo"))["sdg"] == \
        tally({p: project_goals(data, p) for p in in_kosovo})


def test_a_project_counts_in_every_year_of_its_period(data, browser):
    projects = instances(data, PG.Project)
    in_2020 = {str(p) for p in projects if "2020" in project_years(data, p)}
    assert {i.iri for i in run(browser, "projects", "year=2020").items} == in_2020
    assert in_2020 and not {i.iri for i in run(browser, "projects", "year=1900").items}


def test_answers_from_the_documents(browser):
    """Facts the documents state plainly (README of the seeds, and the texts), written before running."""
    # partner countries: Kosovo, Ukraine, South Africa, Vietnam (000); Namibia, Botswana (003);
    # Ukraine and Lithuania, Georgia (Tbilisi), Indonesia, China (004); and Sweden, home of every partnership
    countries = set(facets.counts_by_key(run(browser, "partnerships"))["country"])
    assert countries == {"sweden", "kosovo", "ukraine", "south-africa", "vietnam", "namibia", "botswana",
                         "lithuania", "georgia", "indonesia", "china"}
    # 003: Vänersborg partners with Omaruru since 2001 and with Chobe District Council since 2012
    vanersborg = run(browser, "partnerships", "municipality=vanersborg")
    assert vanersborg.total == 2
    assert {"2001", "2012"} <= {v.key for f in vanersborg.facets if f.name == "since" for v in f.values}
    # 000: Växjö's partnerships are with Vushtrri, Kalush, JB Marks and An Giang
    assert run(browser, "partnerships", "municipality=vaxjo").total == 4
    # Africa: Växjö-JB Marks (000, 001), Vänersborg-Omaruru and Vänersborg-Chobe (003)
    assert run(browser, "partnerships", "continent=continent-africa").total == 3


def test_bad_requests_say_what_is_wrong(browser):
    with pytest.raises(facets.BrowseError, match="'colour' is not a facet of projects"):
        run(browser, "projects", "colour=red")
    with pytest.raises(facets.BrowseError, match="country='atlantis' is not a value"):
        run(browser, "projects", "country=atlantis")
    with pytest.raises(facets.BrowseError, match="a year is a number"):
        run(browser, "projects", "year=soon")
    with pytest.raises(facets.BrowseError, match="no browsable kind"):
        browser.defs.kind("spaceships")
    with pytest.raises(facets.BrowseError, match="_sort"):
        run(browser, "projects", "_sort=colour")


def test_definitions_are_checked(tmp_path):
    bad = tmp_path / "browse.toml"
    bad.write_text('[kinds.x]\nclasses = ["pg:Project"]\nfacets = ["nope"]\n', encoding="utf-8")
    with pytest.raises(ValueError, match="undefined facet 'nope'"):
        facets.load(bad)


def test_toggle_urls_add_and_remove(browser):
    result = run(browser, "projects", "sdg=4")
    sdg = next(f for f in result.facets if f.name == "sdg")
    four = next(v for v in sdg.values if v.key == "4")
    assert four.selected and four.toggle == "/browse/projects"
    eight = next(v for v in sdg.values if v.key == "8")
    assert not eight.selected and parse_qs(urlsplit(eight.toggle).query) == {"sdg": ["4", "8"]}
    country = next(f for f in result.facets if f.name == "country")
    assert all(parse_qs(urlsplit(v.toggle).query)["sdg"] == ["4"] for v in country.values)


# --- the web views -------------------------------------------------------------------------------

class Facets(HTMLParser):
    """Facet values (data-key, data-count) per facet section, and the table's rows."""

    def __init__(self):
        super().__init__()
        self.facets: dict[str, dict[str, int]] = {}
        self.rows: list[str] = []
        self.current = None
        self.total = None
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "section" and "data-facet" in a:
            self.current = self.facets.setdefault(a["data-facet"], {})
        if tag == "a" and "data-key" in a and self.current is not None:
            self.current[a["data-key"]] = int(a["data-count"])
        if tag == "a" and "href" in a:
            self.links.append(a["href"])
        if tag == "tr" and "data-iri" in a:
            self.rows.append(a["data-iri"])
        if tag == "span" and "data-total" in a:
            self.total = int(a["data-total"])


def parse(html: str) -> Facets:
    parser = Facets()
    parser.feed(html)
    return parser


@pytest.mark.parametrize("lang", ["en", "sv"])
def test_browse_page_json_and_csv_agree(client, browser, lang):
    query = "sdg=4&country=kosovo"
    page = client.get(f"/browse/projects?{query}&lang={lang}")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    found = parse(html)
    expected = run(browser, "projects", query)
    assert found.total == expected.total and sorted(found.rows) == sorted(i.iri for i in expected.items)
    assert found.facets == facets.counts_by_key(expected)
    assert ("Visa som SPARQL" if lang == "sv" else "Show as SPARQL") in html
    data = json.loads(client.get(f"/browse/projects.json?{query}").get_data(as_text=True))
    assert {i["iri"] for i in data["items"]} == {i.iri for i in expected.items}
    assert all(i["label"] and i["url"].startswith("/page/") for i in data["items"])
    assert {f["name"]: {v["key"]: v["count"] for v in f["values"]} for f in data["facets"]} == found.facets
    rows = list(csv.reader(io.StringIO(client.get(f"/browse/projects.csv?{query}").get_data(as_text=True))))
    assert rows[0][:2] == ["iri", "label"] and {r[0] for r in rows[1:]} == {i.iri for i in expected.items}


def test_show_as_sparql_gives_the_same_items(client, graph):
    html = client.get("/browse/projects?sdg=4&country=kosovo").get_data(as_text=True)
    link = next(h for h in parse(html).links if h.startswith("/sparql?"))
    text = parse_qs(urlsplit(link).query)["query"][0]
    rows = graph.select(text)
    listed = set(parse(html).rows)
    assert {r["item"]["value"] for r in rows} == listed and listed


def test_class_pages_are_browse_tables(client, data):
    for name in ("Project", "City", "Person", "Country"):
        members = {str(s) for s in instances(data, PG[name])}
        page = parse(client.get(f"/class/{name}").get_data(as_text=True))
        assert set(page.rows) == members, name
        rows = list(csv.reader(io.StringIO(client.get(f"/class/{name}.csv").get_data(as_text=True))))
        assert {r[0] for r in rows[1:]} == members
    # sortable: by name, both ways
    forward = parse(client.get("/class/Project?_sort=label").get_data(as_text=True)).rows
    backward = parse(client.get("/class/Project?_sort=-label").get_data(as_text=True)).rows
    assert forward == list(reversed(backward))
    assert client.get("/class/NoSuchClass").status_code == 404


def test_bad_browse_urls_get_the_error_shape(client):
    response = client.get("/browse/projects.json?country=atlantis")
    assert response.status_code == 400
    assert "atlantis" in response.get_json()["error"]["message"]
    assert client.get("/browse/spaceships").status_code == 404


def test_static_export_maps_browse_urls():
    from partnergraph.static_site.export import target_for
    chosen = target_for("/browse/projects?sdg=4", "en")
    assert chosen.note == "browse" and chosen.out == "browse/choices/index.html"
    assert target_for("/class/Project?_sort=-label", "sv").out == "sv/browse/choices/index.html"
    assert target_for("/browse/projects?sdg=4", "en", live_url="https://example.org/pg") == \
        "https://example.org/pg/browse/projects?sdg=4"
    assert target_for("/browse/projects.csv?lang=sv", "en").out == "sv/browse/projects.csv"
    assert target_for("/class/Project.json?lang=en", "sv").out == "class/Project.json"
    assert target_for("/browse/projects", "sv").out == "sv/browse/projects/index.html"


def test_an_empty_state_has_empty_downloads(client):
    data = client.get("/browse/projects.json?year=1900").get_json()
    assert data["total"] == 0 and data["items"] == [] and data["pages"] == 1
    assert client.get("/browse/projects.csv?year=1900").get_data(as_text=True).strip() == \
        "iri,label,municipality,country,sdg,year"


# --- facets combined, and the index ----------------------------------------------------------------

def test_three_facets_combine_with_counts_from_rdflib(data, browser):
    projects = instances(data, PG.Project)
    goals = {p: project_goals(data, p) for p in projects}
    countries = {p: project_countries(data, p) for p in projects}
    years = {p: project_years(data, p) for p in projects}
    statuses = {p: {slug(s) for s in data.objects(p, PG.status)} for p in projects}
    sdg, country, year = "4", "kosovo", "2020"
    result = run(browser, "projects", f"sdg={sdg}&country={country}&year={year}")
    both = lambda p, skip: all(key in table[p] for name, table, key in  # noqa: E731
                               (("sdg", goals, sdg), ("country", countries, country), ("year", years, year))
                               if name != skip)
    expected = {str(p) for p in projects if both(p, None)}
    assert expected and {i.iri for i in result.items} == expected and result.total == len(expected)
    counts = facets.counts_by_key(result)
    # each facet counted over the items the other two select; status over all three
    assert counts["sdg"] == tally({p: goals[p] for p in projects if both(p, "sdg")})
    assert counts["country"] == tally({p: countries[p] for p in projects if both(p, "country")})
    assert counts["year"] == tally({p: years[p] for p in projects if both(p, "year")})
    assert counts["status"] == tally({p: statuses[p] for p in projects if both(p, None)})


def test_two_facets_of_partnerships_and_a_sorted_page(data, browser):
    partnerships = instances(data, PG.Partnership)
    statuses = {p: {slug(s) for s in data.objects(p, PG.status)} for p in partnerships}
    countries = {p: {slug(c) for x in data.objects(p, PG.partner) for c in data.objects(x, PG.country)}
                 for p in partnerships}
    status = Counter(s for v in statuses.values() for s in v).most_common(1)[0][0]
    country = Counter(c for p in partnerships if status in statuses[p] for c in countries[p] - {"sweden"}
                      ).most_common(1)[0][0]
    result = run(browser, "partnerships", f"status={status}&country={country}")
    expected = {str(p) for p in partnerships if status in statuses[p] and country in countries[p]}
    assert expected and {i.iri for i in result.items} == expected
    assert facets.counts_by_key(result)["country"] == tally({p: countries[p] for p in partnerships
                                                             if status in statuses[p]})
    # sorted by a column and paged: page 2 of size 3 continues page 1, in the column's order
    whole = run(browser, "partnerships", "_sort=since")
    kind = browser.defs.kind("partnerships")
    pages = [browser.browse(kind, [("_sort", "since"), ("_size", "3"), ("_page", str(n))], lang="en",
                            path="/browse/partnerships").items for n in (1, 2)]
    assert [i.iri for i in pages[0] + pages[1]] == [i.iri for i in whole.items][:6]
    since = [i.columns.get("since", ["~"])[0] for i in whole.items]
    assert since == sorted(since)


class Gate:
    """A graph whose facet queries wait until the test opens the gate (to see a build under way)."""

    def __init__(self, graph):
        self.graph, self.open = graph, threading.Event()

    def run(self, text, **kw):
        if "SELECT DISTINCT ?item ?value" in text:
            self.open.wait(60)
        return self.graph.run(text, **kw)


def test_a_state_waits_for_the_index_or_says_it_is_being_built(graph):
    gate = Gate(graph)
    slow = facets.Browser(gate, wait=0.0)
    kind = slow.defs.kind("networks")
    with pytest.raises(facets.BrowseError, match="being built") as refused:
        slow.browse(kind, [], lang="en", path="/browse/networks")
    assert refused.value.status == 503 and refused.value.headers["Retry-After"]
    gate.open.set()
    slow.wait = 60.0
    result = slow.browse(kind, [], lang="en", path="/browse/networks")
    assert result.total == len(facets.Browser(graph).browse(kind, [], lang="en", path="/x", all_items=True).items)


class FailingFacet:
    """A graph on which the index's query for one facet times out."""

    def __init__(self, graph, marker):
        self.graph, self.marker = graph, marker

    def run(self, text, **kw):
        if "SELECT DISTINCT ?item ?value" in text and self.marker in text:
            from types import SimpleNamespace
            return SimpleNamespace(status=504, error="the query passed its time limit", body=b"")
        return self.graph.run(text, **kw)


def test_a_facet_whose_query_fails_is_unavailable_and_the_rest_still_right(graph, browser):
    flaky = facets.Browser(FailingFacet(graph, "pg:status"))
    result = flaky.browse(flaky.defs.kind("projects"), [("sdg", "4")], lang="en", path="/browse/projects",
                          all_items=True)
    status = next(f for f in result.facets if f.name == "status")
    assert status.error == "the query passed its time limit" and not status.values
    expected = run(browser, "projects", "sdg=4")
    assert {i.iri for i in result.items} == {i.iri for i in expected.items}
    assert {k: v for k, v in facets.counts_by_key(result).items() if k != "status"} == \
        {k: v for k, v in facets.counts_by_key(expected).items() if k != "status"}
    with pytest.raises(facets.BrowseError, match="unavailable") as refused:
        flaky.browse(flaky.defs.kind("projects"), [("status", "status-active")], lang="en", path="/browse/projects")
    assert refused.value.status == 503
