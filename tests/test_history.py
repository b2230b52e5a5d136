"""Releases: the append-only log and its refusals (bad data, nothing changed, a second writer, a
damaged log), the history of a resource and its past states, /releases and its Atom feed, the
catalogue, SPARQL's named graphs, and the commands. Every release is made in a temporary copy of
the data; the repository's own releases/ is only read."""
from __future__ import annotations

import json
import shutil
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
import rdflib

from tests.conftest import ROOT
from tests.release_copies import concept_iri, project_copy, set_concepts

BASE = "https://w3id.org/partnergraph/"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
ADMS = rdflib.Namespace("http://www.w3.org/ns/adms#")


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A data copy with two releases: the second renames one project area and removes another."""
    from partnergraph.history.record import make_release
    data, releases = project_copy(tmp_path_factory.mktemp("history"))
    set_concepts(data, {"test-one": ("Test one", "Test ett"), "test-two": ("Test two", "Test två")})
    make_release([str(data)], "ontology", releases, "first release")
    set_concepts(data, {"test-one": ("Test one, renamed", "Test ett, omdöpt")})
    make_release([str(data)], "ontology", releases, "second release")
    return data, releases


@pytest.fixture(scope="module")
def history_app(project):
    from partnergraph.web.app import create_app
    data, _releases = project
    app = create_app({"DATA_DIRS": [str(data)], "VALIDATE": False, "WORKERS": 0, "ACCESS_LOG": False, "TESTING": True,
                      "PUBLISHER_NAME": "Testkommun", "CONTACT_EMAIL": "data@example.se"})
    yield app
    app.extensions["partnergraph"].close()


@pytest.fixture
def web(history_app):
    return history_app.test_client()


def fresh_copy(tmp_path):
    """A data copy with one release, for the tests that damage or extend the log."""
    from partnergraph.history.record import make_release
    data, releases = project_copy(tmp_path)
    make_release([str(data)], "ontology", releases, "one")
    return data, releases


class Text(HTMLParser):
    """The text of a page and the targets of its links."""

    def __init__(self, html: str):
        super().__init__()
        self.parts, self.links = [], []
        self.feed(html)

    def handle_data(self, data):
        self.parts.append(data)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs).get("href"))

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.parts).split())


# -- the log -----------------------------------------------------------------------------------------

def test_a_release_records_number_time_notes_predecessor_and_changes(project):
    from partnergraph.history.releases import Log
    _data, releases = project
    log = Log(releases)
    first, second = log.releases()
    assert (first.number, first.notes, first.previous) == (1, "first release", None)
    assert second.previous == log.hash_of(1)
    assert second.timestamp > first.timestamp and second.timestamp.endswith("+00:00")
    assert second.counts == {"added": 0, "changed": 1, "removed": 1, "statements_added": 4, "statements_removed": 11}
    changes = log.changes(2)
    assert changes.resources == [concept_iri("test-one"), concept_iri("test-two")]
    assert any('"Test one, renamed"@en' in line for line in changes.added[concept_iri("test-one")])
    assert concept_iri("test-two") not in log.state(2) and concept_iri("test-two") in log.state(1)
    assert sorted(p.name for p in releases.iterdir() if not p.name.startswith(".")) == [
        "0001-added.nq", "0001-removed.nq", "0001.json", "0002-added.nq", "0002-removed.nq", "0002.json"]


def test_the_state_of_the_latest_release_is_the_data(project):
    from partnergraph.history.record import working_state
    from partnergraph.history.releases import Log
    data, releases = project
    assert Log(releases).state() == working_state([str(data)], "ontology")


def test_data_that_does_not_validate_is_refused_with_the_report(tmp_path, runner):
    from partnergraph.cli import main
    data, releases = fresh_copy(tmp_path)
    (data / "broken.ttl").write_text("@prefix pg: <https://w3id.org/partnergraph/ontology#> .\n"
                                     "<https://w3id.org/partnergraph/id/project/x> a pg:Project .\n", encoding="utf-8")
    result = runner.invoke(main, ["release", "--data", str(data), "--releases", str(releases)])
    assert result.exit_code == 1
    assert "broken.ttl" in result.output and "does not validate: no release was made" in result.output
    assert not (releases / "0002.json").exists()


def test_a_release_with_nothing_changed_is_refused(tmp_path, runner):
    from partnergraph.cli import main
    data, releases = fresh_copy(tmp_path)
    result = runner.invoke(main, ["release", "--data", str(data), "--releases", str(releases)])
    assert result.exit_code == 1 and "nothing changed since release 1" in result.output


def test_a_second_release_while_one_is_being_written_is_refused(tmp_path):
    from partnergraph.history.record import make_release
    from partnergraph.history.releases import Log, ReleaseBusy
    data, releases = fresh_copy(tmp_path)
    set_concepts(data, {"test-one": ("Test one", "Test ett")})
    with Log(releases).writing():   # another writer holds the log
        with pytest.raises(ReleaseBusy, match="a release is being written"):
            make_release([str(data)], "ontology", releases)
    assert make_release([str(data)], "ontology", releases).number == 2


@pytest.mark.parametrize("damage, named", [
    (lambda r: (r / "0001-added.nq").write_text("<x> <y> <z> <w> .\n"), "0001-added.nq was altered"),
    (lambda r: (r / "0001-removed.nq").unlink(), "0001-removed.nq is missing"),
    (lambda r: (r / "0001.json").unlink(), "0001.json is missing"),
    (lambda r: (r / "0001.json").write_text((r / "0001.json").read_text().replace('"one"', '"changed"')),
     "0001.json was altered"),
])
def test_a_damaged_log_is_reported_by_file_and_refuses_a_release(tmp_path, runner, damage, named):
    from partnergraph.cli import main
    from partnergraph.history.record import make_release
    from partnergraph.history.releases import DamagedLog, Log
    data, releases = fresh_copy(tmp_path)
    set_concepts(data, {"test-one": ("Test one", "Test ett")})
    make_release([str(data)], "ontology", releases, "two")
    damage(releases)
    with pytest.raises(DamagedLog) as refused:
        Log(releases).releases()
    assert any(named in problem for problem in refused.value.problems)
    set_concepts(data, {"test-one": ("Test one again", "Test ett igen")})
    result = runner.invoke(main, ["release", "--data", str(data), "--releases", str(releases)])
    assert result.exit_code == 1 and named in result.output
    assert not (releases / "0003.json").exists()


def test_an_interrupted_write_is_written_over(tmp_path):
    """Change files without a header are what a crash between the writes leaves: not a release."""
    from partnergraph.history.record import make_release
    from partnergraph.history.releases import Log
    data, releases = fresh_copy(tmp_path)
    (releases / "0002-added.nq").write_text("<x> <y> <z> <w> .\n")
    assert [r.number for r in Log(releases).releases()] == [1]
    set_concepts(data, {"test-one": ("Test one", "Test ett")})
    assert make_release([str(data)], "ontology", releases).number == 2
    assert "<x>" not in (releases / "0002-added.nq").read_text()


def test_the_shipped_history_has_several_releases_from_git():
    """releases/ was built by 'partnergraph release --from-git' from the repository's history of data/."""
    from partnergraph.history.releases import Log
    releases = Log(ROOT / "releases").releases()
    assert len(releases) >= 3
    assert all(r.commit and len(r.commit) == 40 for r in releases)
    assert [r.timestamp for r in releases] == sorted(r.timestamp for r in releases)


# -- SPARQL ------------------------------------------------------------------------------------------

def test_the_default_graph_is_the_current_data_and_the_history_is_in_named_graphs(project, history_app):
    from partnergraph.graph import PartnerGraph
    data, _releases = project
    with_history = history_app.extensions["partnergraph"]
    plain = PartnerGraph.build(data=[str(data / p.name) for p in sorted(data.glob("*.ttl"))], validate=False)
    try:
        for query in ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
                      "SELECT (COUNT(DISTINCT ?g) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }",
                      f"SELECT (COUNT(*) AS ?n) WHERE {{ <{concept_iri('test-two')}> ?p ?o }}"):
            assert with_history.select(query) == plain.select(query), query
    finally:
        plain.close()
    version = f"<{BASE}version/2/concept/area-test-two>"
    removed = f"<https://w3id.org/partnergraph/ontology#removedStatement> <<( <{concept_iri('test-two')}> ?p ?o )>>"
    rows = with_history.select(f"SELECT ?p ?o WHERE {{ GRAPH <{BASE}graph/history> {{ {version} {removed} }} }}")
    assert len(rows) == 7   # type, scheme, two preferred labels, two labels, source


def test_named_queries_what_changed_since_and_history_of_a_resource(history_app):
    graph = history_app.extensions["partnergraph"]
    since = graph.query("changes-since", since=1).rows()
    assert {(r["resource"], r["change"]) for r in since} == {(concept_iri("test-one"), "Update"),
                                                             (concept_iri("test-two"), "Delete")}
    rows = graph.query("resource-history", resource=concept_iri("test-one")).rows()
    assert {(r["release"], r["sign"], r["value"]) for r in rows if r["property"].endswith("#label")} == {
        (1, "+", "Test one"), (1, "+", "Test ett"), (2, "-", "Test one"), (2, "-", "Test ett"),
        (2, "+", "Test one, renamed"), (2, "+", "Test ett, omdöpt")}


# -- pages ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("lang, words", [("en", ["History", "Release 2", "changed", "Test one, renamed",
                                                "partnergraph, release 2,"]),
                                         ("sv", ["Historik", "Utgåva 2", "ändrad", "Test ett, omdöpt",
                                                 "partnergraph, utgåva 2,"])])
def test_a_resource_page_shows_its_history_in_words(web, lang, words):
    response = web.get("/page/concept/area-test-one", headers={"Accept": "text/html", "Accept-Language": lang})
    page = Text(response.get_data(as_text=True))
    section = page.text[page.text.index(words[0]):]
    for word in words:
        assert word in section
    assert "/page/concept/area-test-one?release=1" in page.links


def test_a_past_state_is_served_marked_with_a_link_to_the_current_one(web):
    data = web.get("/data/concept/area-test-one.ttl?release=1")
    graph = rdflib.Graph().parse(data=data.data, format="turtle")
    labels = set(graph.objects(rdflib.URIRef(concept_iri("test-one")), rdflib.RDFS.label))
    assert labels == {rdflib.Literal("Test one", lang="en"), rdflib.Literal("Test ett", lang="sv")}
    page = web.get("/page/concept/area-test-one?release=1", headers={"Accept": "text/html"})
    parsed = Text(page.get_data(as_text=True))
    assert "A past version" in parsed.text and "release 1" in parsed.text
    assert "/page/concept/area-test-one" in parsed.links
    assert "partnergraph, release 1," in parsed.text
    gone = web.get("/data/concept/area-test-two.ttl?release=1")
    assert gone.status_code == 200 and b"Test two" in gone.data
    assert web.get("/data/concept/area-test-two.ttl").status_code == 404
    removed = Text(web.get("/page/concept/area-test-two", headers={"Accept": "text/html"}).get_data(as_text=True))
    assert "A past version" in removed.text and "It was removed in release 2" in removed.text
    assert web.get("/page/concept/never-was", headers={"Accept": "text/html"}).status_code == 404


def test_an_unknown_release_is_a_404_that_lists_the_releases(web):
    response = web.get("/data/concept/area-test-one.ttl?release=9", headers={"Accept": "application/json"})
    assert response.status_code == 404
    assert "The releases are: 1, 2" in json.dumps(response.get_json())


def test_releases_as_html_json_turtle_and_atom(web):
    listed = web.get("/releases.json").get_json()["releases"]
    assert [(r["number"], r["notes"], r["counts"]["removed"]) for r in listed] == [(1, "first release", 0),
                                                                                    (2, "second release", 1)]
    page = Text(web.get("/releases", headers={"Accept": "text/html"}).get_data(as_text=True))
    assert "second release" in page.text and "/dumps/release/2.nq" in page.links and "/feed/2" in page.links
    turtle = rdflib.Graph().parse(data=web.get("/releases.ttl").data, format="turtle")
    assert (rdflib.URIRef(BASE + "release/2"), DCAT.previousVersion, rdflib.URIRef(BASE + "release/1")) in turtle
    atom = ET.fromstring(web.get("/releases.atom").data)
    entries = atom.findall("{http://www.w3.org/2005/Atom}entry")
    assert [e.find("{http://www.w3.org/2005/Atom}title").text for e in entries] == ["Release 2", "Release 1"]
    dump = rdflib.Graph().parse(data=web.get("/dumps/release/1.nq").data, format="nt")
    assert (rdflib.URIRef(concept_iri("test-two")), rdflib.RDFS.label, rdflib.Literal("Test two", lang="en")) in dump


def test_the_catalogue_describes_each_release_and_the_feed(web, history_app):
    from partnergraph.publishing import catalog
    g = rdflib.Graph().parse(data=web.get("/catalog", headers={"Accept": "text/turtle"}).data, format="turtle")
    dataset = rdflib.URIRef(catalog.dataset_iri(BASE))
    versions = sorted(g.objects(dataset, DCAT.hasVersion))
    assert [str(g.value(v, DCAT.version)) for v in versions] == ["1", "2"]
    assert {str(g.value(v, ADMS.versionNotes)) for v in versions} == {"first release", "second release"}
    assert all(g.value(v, rdflib.URIRef("http://purl.org/dc/terms/issued")) is not None for v in versions)
    service = next(s for s in g.subjects(rdflib.RDF.type, DCAT.DataService) if str(s).endswith("/feed#service"))
    conforms = rdflib.URIRef("http://purl.org/dc/terms/conformsTo")
    assert (service, conforms, rdflib.URIRef("https://w3id.org/ldes/specification")) in g
    report = catalog.check(g, history_app.config, ROOT.parent / "shared" / "vocab" / "dcat-ap-3.0.0")
    if not report.shapes_checked:
        pytest.skip("the DCAT-AP 3.0.0 shapes are not in ../shared/vocab")
    assert report.violations == []


def test_the_feed_is_discoverable_from_void_and_the_home_page(web):
    void = rdflib.Graph().parse(data=web.get("/.well-known/void", headers={"Accept": "text/turtle"}).data, format="turtle")
    assert (None, rdflib.RDF.type, rdflib.URIRef("https://w3id.org/ldes#EventStream")) in void
    home = Text(web.get("/", headers={"Accept": "text/html"}).get_data(as_text=True))
    assert "/feed" in home.links and "/releases" in home.links


@pytest.mark.parametrize("accept, parse", [("text/turtle", "turtle"), ("application/trig", "trig"),
                                           ("application/n-quads", "nquads"), ("application/ld+json", "json-ld")])
def test_the_feed_in_each_format(web, accept, parse):
    response = web.get("/feed/2", headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == accept and "Accept" in response.headers["Vary"]
    graph = rdflib.Dataset()
    graph.parse(data=response.data, format=parse)
    versions = {str(o) for _s, p, o, _g in graph.quads((None, rdflib.URIRef("https://w3id.org/tree#member"), None, None))}
    assert versions == {BASE + "version/2/concept/area-test-one", BASE + "version/2/concept/area-test-two"}
    html = web.get("/feed", headers={"Accept": "text/html"})
    assert html.mimetype == "text/html" and "/feed/2" in Text(html.get_data(as_text=True)).links


# -- the commands ------------------------------------------------------------------------------------------

def test_history_and_diff_commands(project, runner, tmp_path):
    from partnergraph.cli import main
    data, releases = project
    shown = runner.invoke(main, ["history", concept_iri("test-one"), "--releases", str(releases)])
    assert shown.exit_code == 0
    assert "release 1" in shown.output and "release 2" in shown.output and "+ rdfs:label  Test one, renamed @en" in shown.output
    between = runner.invoke(main, ["diff", "1", "2", "--data", str(data), "--releases", str(releases)])
    assert between.exit_code == 0 and '- id/concept/area-test-two  "Test two"' in between.output.replace(BASE, "")
    assert runner.invoke(main, ["diff", "latest", "--data", str(data), "--releases", str(releases)]).output.strip() == \
        "nothing changed"
    unknown = runner.invoke(main, ["diff", "7", "2", "--data", str(data), "--releases", str(releases)])
    assert unknown.exit_code == 1 and "there is no release 7" in unknown.output


def test_releases_from_git_validate_each_commit_with_its_own_shapes(tmp_path):
    """A small repository: a commit, one whose data does not validate, a merge-free fix; the log
    holds two releases, and the second's notes say why the bad commit was not released."""
    import subprocess

    from partnergraph.history.record import releases_from_git
    from partnergraph.history.releases import Log
    repo = tmp_path / "repo"
    data, _releases = project_copy(repo)
    shutil.copytree(ROOT / "ontology", repo / "ontology")

    def commit(message: str) -> None:
        subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True, capture_output=True)
        subprocess.run(["git", "-C", str(repo), "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-q",
                        "-m", message], check=True, capture_output=True)

    subprocess.run(["git", "init", "-q", str(repo)], check=True, capture_output=True)
    commit("The data")
    (data / "broken.ttl").write_text("@prefix pg: <https://w3id.org/partnergraph/ontology#> .\n"
                                     "<https://w3id.org/partnergraph/id/project/x> a pg:Project .\n", encoding="utf-8")
    commit("A project without a name")
    (data / "broken.ttl").unlink()
    set_concepts(data, {"test-one": ("Test one", "Test ett")})
    commit("A project area")
    made = releases_from_git(repo, tmp_path / "releases")
    assert [r.number for r in made] == [1, 2]
    log = Log(tmp_path / "releases")
    first, second = log.releases()
    assert first.notes.startswith("The data (commit ") and second.notes.startswith("A project area (commit ")
    assert "'A project without a name') was not released: its data does not validate" in second.notes
    assert "broken.ttl" in second.notes
    assert log.changes(2).resources == [concept_iri("test-one")]


def test_a_runaway_history_query_is_stopped_at_the_time_limit():
    """The release log's graph answers under the server's rules: a query over it that would run for
    ever is stopped at the time limit in a worker process, and the next one is answered."""
    from partnergraph.graph import PartnerGraph
    from partnergraph.history.named_graphs import beside
    graph = PartnerGraph.build(data=[str(ROOT / "data")], ontology_dir=str(ROOT / "ontology"),
                               queries_dir=str(ROOT / "queries"), validate=False, workers=1, timeout=2,
                               side_graph=beside)
    try:
        history = "<https://w3id.org/partnergraph/graph/history>"
        endless = (f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH {history} {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }} }}")
        stopped = graph.run(endless)
        assert stopped.status == 503 and "time limit" in stopped.error
        releases = graph.select(f"SELECT ?r WHERE {{ GRAPH {history} {{ ?r <http://www.w3.org/ns/dcat#version> ?v }} }}")
        assert len(releases) >= 3   # the shipped log (releases/) holds several releases
    finally:
        graph.close()
