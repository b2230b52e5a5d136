"""Triple Pattern Fragments at /fragments: terms, Hydra controls, paging, negotiation, and a real
LDF client (Comunica) answering SPARQL over the fragments of a real server with /sparql's answers."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from urllib.parse import urlencode

import pytest
import rdflib
from pyoxigraph import Literal, NamedNode

from partnergraph.publishing import fragments
from tests.conftest import BASE

HYDRA = rdflib.Namespace("http://www.w3.org/ns/hydra/core#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
LUND = BASE + "id/municipality/lund"
COMUNICA = Path(__file__).resolve().parent / "comunica"
# rdflib's TriG and JSON-LD parsers still build ConjunctiveGraphs inside
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.mark.parametrize("text, term", [
    (None, None), ("", None), ("?s", None),
    (LUND, NamedNode(LUND)), (f"<{LUND}>", NamedNode(LUND)),
    ('"Lund"', Literal("Lund")), ('"Växjö"@sv', Literal("Växjö", language="sv")),
    ('"2001"^^http://www.w3.org/2001/XMLSchema#gYear',
     Literal("2001", datatype=NamedNode("http://www.w3.org/2001/XMLSchema#gYear"))),
    ('"say "hi""@en', Literal('say "hi"', language="en")),
])
def test_terms_in_explicit_representation(text, term):
    assert fragments.parse_term(text, "object") == term


@pytest.mark.parametrize("position, text, words", [
    ("subject", '"Lund"', "only be an object"), ("object", "_:b0", "blank nodes"),
    ("predicate", "label", "not an absolute IRI"), ("object", '"Lund"fr', "after the literal"),
    ("object", "http://exa mple.org/", "not a valid IRI"),
])
def test_bad_terms(position, text, words):
    with pytest.raises(fragments.FragmentError, match=words):
        fragments.parse_term(text, position)


def _dataset(response) -> rdflib.Dataset:
    data = rdflib.Dataset()
    data.parse(data=response.data, format={"application/trig": "trig", "application/ld+json": "json-ld"}[response.mimetype])
    return data


def test_fragment_with_controls_in_a_metadata_graph(client, graph):
    response = client.get("/fragments", query_string={"subject": LUND}, headers={"Accept": "application/trig"})
    assert response.status_code == 200 and response.mimetype == "application/trig"
    data = _dataset(response)
    [meta] = [g for g in data.graphs() if str(g.identifier).endswith("#metadata")]
    page = meta.value(meta.identifier, rdflib.FOAF.primaryTopic)
    assert str(page).startswith("http://localhost/fragments?subject=")
    triples = set(data.default_graph)
    expected = graph.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ <{LUND}> ?p ?o }}")[0]["n"]["value"]
    assert len(triples) == int(expected) and all(s == rdflib.URIRef(LUND) for s, _, _ in triples)
    assert int(meta.value(page, HYDRA.totalItems)) == int(expected) == int(meta.value(page, VOID.triples))
    form = meta.value(rdflib.URIRef("http://localhost/fragments#dataset"), HYDRA.search)
    assert str(meta.value(form, HYDRA.template)) == "http://localhost/fragments{?subject,predicate,object}"
    mappings = {str(meta.value(m, HYDRA.variable)): meta.value(m, HYDRA.property) for m in meta.objects(form, HYDRA.mapping)}
    assert mappings == {"subject": rdflib.RDF.subject, "predicate": rdflib.RDF.predicate, "object": rdflib.RDF.object}
    assert meta.value(form, HYDRA.variableRepresentation) == HYDRA.ExplicitRepresentation
    assert meta.value(page, HYDRA.next) is None


class _AsRemote:
    """The graph as a remote store looks to fragments.py (pages are then sorted by the query)."""
    endpoint = "http://127.0.0.1:1/sparql"

    def __init__(self, graph):
        self.graph = graph

    def select(self, text, bindings=None):
        return self.graph.select(text, bindings)


@pytest.mark.parametrize("remote", [False, True], ids=["engine-order", "sorted"])
def test_paging_covers_the_fragment_once(graph, remote):
    rdfs_label = "http://www.w3.org/2000/01/rdf-schema#label"
    source = _AsRemote(graph) if remote else graph
    pattern = fragments.Pattern(predicate=NamedNode(rdfs_label))
    seen, page = [], 1
    while True:
        fetched = fragments.fetch(source, pattern, page, 7)
        seen += fetched.triples[:7]
        if not fetched.has_next:
            break
        page += 1
    expected = int(graph.select(f"SELECT (COUNT(DISTINCT *) AS ?n) WHERE {{ ?s <{rdfs_label}> ?o }}")[0]["n"]["value"])
    assert len(seen) == len(set(seen)) == expected and page == -(-expected // 7)
    assert fetched.total == expected


def test_paging_links(graph):
    """A client that follows hydra:next from the first page sees the fragment once."""
    from partnergraph.web.app import create_app
    app = create_app({"VALIDATE": False, "WORKERS": 0, "ACCESS_LOG": False, "TESTING": True,
                      "FRAGMENT_PAGE_SIZE": 7}, graph=graph)
    client = app.test_client()
    country = BASE + "ontology#country"
    url, seen, pages, previous = "/fragments?" + urlencode({"predicate": country}), [], 0, []
    while url:
        data = _dataset(client.get(url, headers={"Accept": "application/trig"}))
        seen += list(data.default_graph)
        pages += 1
        [meta] = [g for g in data.graphs() if str(g.identifier).endswith("#metadata")]
        previous.append(next(meta.objects(None, HYDRA.previous), None))
        following = next(meta.objects(None, HYDRA.next), None)
        url = str(following).replace("http://localhost", "") if following else None
    expected = int(graph.select(f"SELECT (COUNT(DISTINCT *) AS ?n) WHERE {{ ?s <{country}> ?o }}")[0]["n"]["value"])
    assert len(seen) == len(set(seen)) == expected and pages == -(-expected // 7) > 1
    assert previous[0] is None and all(str(p).endswith(f"&page={i}") for i, p in enumerate(previous[1:], 1))


@pytest.mark.parametrize("accept, media", [("text/turtle", "text/turtle"), ("application/ld+json", "application/ld+json"),
                                           ("application/n-triples", "application/n-triples"), ("*/*", "application/trig")])
def test_negotiation(client, accept, media):
    response = client.get("/fragments", query_string={"object": '"Växjö"@sv'}, headers={"Accept": accept})
    assert response.status_code == 200 and response.mimetype == media
    parsed = rdflib.Dataset()
    parsed.parse(data=response.data, format={"text/turtle": "turtle", "application/ld+json": "json-ld",
                                             "application/n-triples": "nt", "application/trig": "trig"}[media])
    assert (rdflib.URIRef(BASE + "id/municipality/vaxjo"), rdflib.RDFS.label, rdflib.Literal("Växjö", lang="sv")) in \
        set(parsed.triples((None, None, None)))
    assert client.get("/fragments", headers={"Accept": "image/png"}).status_code == 406


def test_errors_and_conditional_requests(client):
    bad = client.get("/fragments", query_string={"subject": '"Lund"'})
    assert bad.status_code == 400 and "subject" in bad.get_json()["error"]["message"]
    assert client.get("/fragments?page=0").status_code == 400
    first = client.get("/fragments", query_string={"subject": LUND})
    again = client.get("/fragments", query_string={"subject": LUND}, headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and "max-age" in first.headers["Cache-Control"]


# -- Comunica ---------------------------------------------------------------------------------------

QUERIES = [
    f"SELECT ?p ?o WHERE {{ <{LUND}> ?p ?o }}",
    "PREFIX pg: <https://w3id.org/partnergraph/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "SELECT ?m WHERE { ?m a pg:Municipality ; pg:country ?c . ?c rdfs:label \"Sweden\"@en }",
    "PREFIX pg: <https://w3id.org/partnergraph/ontology#> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> "
    "SELECT ?partnership ?label WHERE { ?partnership pg:partner <https://w3id.org/partnergraph/id/municipality/vanersborg> ; "
    "pg:partner ?other . ?other rdfs:label ?label FILTER (lang(?label) = \"en\") }",
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?s WHERE { ?s rdfs:label \"Växjö\"@sv }",
    "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT (COUNT(*) AS ?n) WHERE { ?s rdfs:label ?l }",
]


@pytest.fixture(scope="module")
def comunica():
    """Node and Comunica from tests/comunica's lockfile; the tests install nothing (.ci/run runs
    npm ci there, and under CI=true this skip fails the run)."""
    node = shutil.which("node")
    if not node:
        pytest.skip("Comunica needs Node.js, which is not installed")
    if not (COMUNICA / "node_modules" / "@comunica" / "query-sparql").is_dir():
        pytest.skip("Comunica is not installed: run npm ci in tests/comunica (.ci/run does)")
    return node


def _nt(term: dict) -> str:
    """A SPARQL JSON term in N-Triples form; blank nodes as _:b (their labels differ by server)."""
    if term["type"] == "uri":
        return f"<{term['value']}>"
    if term["type"] == "bnode":
        return "_:b"
    value = json.dumps(term["value"], ensure_ascii=False)
    if "xml:lang" in term:
        return f"{value}@{term['xml:lang']}"
    if term.get("datatype") and term["datatype"] != "http://www.w3.org/2001/XMLSchema#string":
        return f"{value}^^<{term['datatype']}>"
    return value


@pytest.mark.server
def test_comunica_answers_as_the_endpoint_does(comunica, live_server):
    import requests
    given = json.dumps({"source": live_server.url + "/fragments", "queries": QUERIES})
    done = subprocess.run([comunica, "query.mjs"], cwd=COMUNICA, input=given, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    answers = json.loads(done.stdout)
    for query, answer in zip(QUERIES, answers, strict=True):
        assert "error" not in answer, f"{query}: {answer.get('error')}"
        response = requests.post(live_server.url + "/sparql", data={"query": query},
                                 headers={"Accept": "application/sparql-results+json"}, timeout=60)
        rows = response.json()["results"]["bindings"]
        expected = sorted(json.dumps({k: _nt(v) for k, v in row.items()}, sort_keys=True, ensure_ascii=False) for row in rows)
        got = sorted(json.dumps({k: "_:b" if v.startswith("_:") else v for k, v in row.items()}, sort_keys=True,
                                ensure_ascii=False) for row in answer["rows"])
        assert expected and got == expected, query
