"""The UN's SDG vocabulary as an external vocabulary in its own named graph; data/'s own file on
the 17 goals keeps everything working without it; http:// and https:// UN IRIs both accepted."""
from __future__ import annotations

import pytest

from tests.conftest import UN_SDG

PROJECT = "https://w3id.org/partnergraph/id/project/fixture-target-project"
needs_un = pytest.mark.skipif(not UN_SDG.is_file(), reason="the UN SDG KOS is not in ../shared/vocab/un-sdg")


@pytest.fixture(scope="module")
def with_un():
    from partnergraph.graph import PartnerGraph
    graph = PartnerGraph.build(data=["data", "tests/fixtures/vocab/target-project.ttl"], vocab=[str(UN_SDG)], validate=True)
    yield graph
    graph.close()


@needs_un
def test_un_vocabulary_in_its_own_graph(with_un):
    """The file's triple count is given by ../shared/vocab/README.md, section "un-sdg/: the UN's
    SDG vocabulary (SDG KOS)", line 10: "sdg-kos-goals-targets-indicators.ttl (7,624 triples)"."""
    sizes = with_un.graph_sizes()
    assert sizes["https://w3id.org/partnergraph/graph/vocab/sdg-kos-goals-targets-indicators"] == 7624


@needs_un
@pytest.mark.parametrize("cls,expected", [("Goal", 17), ("Target", 169), ("Indicator", 232)])
def test_goals_targets_indicators_queryable(with_un, cls, expected):
    """The counts: ../shared/vocab/README.md, same line: "17 goals, 169 targets, 232 indicators"."""
    rows = with_un.select(f"SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x a <http://metadata.un.org/sdg/ontology#{cls}> }}")
    assert int(rows[0]["n"]["value"]) == expected


@needs_un
def test_goal_query_finds_projects_tagged_with_its_targets(with_un):
    for sdg in ("4", "http://metadata.un.org/sdg/4", "https://metadata.un.org/sdg/4"):
        projects = {r["project"] for r in with_un.query("projects-by-sdg", sdg=sdg).rows()}
        assert PROJECT in projects
    # materialised too: the project addresses goal 4 through its target
    addresses_goal_4 = (f"ASK {{ <{PROJECT}> <https://w3id.org/partnergraph/ontology#addressesSdg> "
                        "<http://metadata.un.org/sdg/4> }")
    assert with_un.query(addresses_goal_4).boolean
    # and through the UN's own hierarchy, by property path
    assert with_un.query(f"""ASK {{ <{PROJECT}> <https://w3id.org/partnergraph/ontology#sdg>/<http://www.w3.org/2004/02/skos/core#broader>*
                               <http://metadata.un.org/sdg/4> }}""").boolean


def test_without_the_un_vocabulary_goals_have_titles_in_both_languages(graph):
    rows = graph.select("""SELECT ?goal (SAMPLE(?en) AS ?e) (SAMPLE(?sv) AS ?s) WHERE {
        ?goal <https://w3id.org/partnergraph/ontology#sdgNumber> ?n .
        OPTIONAL { ?goal <http://www.w3.org/2000/01/rdf-schema#label> ?en FILTER(LANG(?en) = "en") }
        OPTIONAL { ?goal <http://www.w3.org/2000/01/rdf-schema#label> ?sv FILTER(LANG(?sv) = "sv") }
    } GROUP BY ?goal""")
    assert len(rows) == 17
    assert all("e" in r and "s" in r for r in rows)
    by_iri = {r["goal"]["value"]: (r["e"]["value"], r["s"]["value"]) for r in rows}
    # From the documents: "4 - Quality education" (000); Swedish title from ../shared/vocab/README.md.
    assert by_iri["http://metadata.un.org/sdg/4"] == ("Quality education", "God utbildning för alla")


def test_https_form_accepted_in_queries(graph):
    https = graph.select("SELECT ?p WHERE { ?p <https://w3id.org/partnergraph/ontology#sdg> <https://metadata.un.org/sdg/4> }")
    http = graph.select("SELECT ?p WHERE { ?p <https://w3id.org/partnergraph/ontology#sdg> <http://metadata.un.org/sdg/4> }")
    assert https == http and len(http) == 3  # skills gaps, sustainability education, SEKOS 2 (000)


@needs_un
def test_goal_page_lists_targets_indicators_partnerships_and_municipalities():
    from partnergraph.web.app import create_app
    app = create_app({"VALIDATE": False, "WORKERS": 0, "ACCESS_LOG": False, "VOCAB": [str(UN_SDG)]})
    text = app.test_client().get("/sdg/4").get_data(as_text=True)
    # the UN's target 4.1 and indicator 4.1.1 under goal 4
    assert 'href="/sdg/4.1"' in text and "4.1.1" in text
    # 000: SEKOS 2 (goal 4) belongs to the Växjö–Vushtrri partnership; Växjö is its Swedish partner
    assert "SEKOS 2" in text and "Växjö – Vushtrri" in text and 'href="/page/municipality/vaxjo"' in text
    assert 'href="http://metadata.un.org/sdg/4"' in text
    app.extensions["partnergraph"].close()


def test_alignment_exports(client):
    import csv
    import io

    import rdflib
    response = client.get("/alignment/project-sdg.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    # 000 tags SEKOS 2 with goal 4 ("4 - Quality education")
    sekos = [r for r in rows if r["project"].endswith("/project/sekos-2")]
    assert sekos and sekos[0]["sdg"] == "http://metadata.un.org/sdg/4"
    assert sekos[0]["goalTitleEn"] == "Quality education" and sekos[0]["goalTitleSv"] == "God utbildning för alla"
    mapping = rdflib.Graph().parse(data=client.get("/alignment/sdg-mapping.ttl").data, format="turtle")
    assert (rdflib.URIRef("http://metadata.un.org/sdg/4"), rdflib.URIRef("http://www.w3.org/2004/02/skos/core#exactMatch"),
            rdflib.URIRef("http://www.wikidata.org/entity/Q53581209")) in mapping
    void = client.get("/.well-known/void", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert "/alignment/project-sdg.csv" in void and "Joshi" in void
