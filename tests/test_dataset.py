"""VoID and the dumps describe exactly what the endpoint serves: every named graph a subset with
its counts, the dataset's void:triples the endpoint's own count of its default graph, the dumps
holding every graph (the shapes too), with the same bytes for the same graph."""
from __future__ import annotations

import gzip

import pytest
import rdflib

from tests.conftest import BACKEND, BASE

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
SD_NAME = rdflib.URIRef("http://www.w3.org/ns/sparql-service-description#name")


def endpoint_rows(client, query: str) -> list[dict]:
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200, response.data[:300]
    return response.get_json()["results"]["bindings"]


@pytest.fixture
def void(client):
    response = client.get("/.well-known/void", headers={"Accept": "text/turtle"})
    return rdflib.Graph().parse(data=response.data, format="turtle")


def test_void_triples_is_the_endpoint_count(client, void):
    ds = next(void.subjects(VOID.sparqlEndpoint, None))
    count = int(endpoint_rows(client, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")[0]["n"]["value"])
    assert int(void.value(ds, VOID.triples)) == count


def test_every_named_graph_is_a_subset_with_its_counts(client, void):
    served = {row["g"]["value"]: int(row["n"]["value"]) for row in endpoint_rows(
        client, "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g")}
    ds = next(void.subjects(VOID.sparqlEndpoint, None))
    # the other subsets are the linksets (publishing/mappings.py), which are not named graphs
    assert {sub for sub in void.objects(ds, VOID.subset) if void.value(sub, SD_NAME) is None} == \
        set(void.subjects(rdflib.RDF.type, VOID.Linkset))
    subsets = {str(void.value(sub, SD_NAME)): sub for sub in void.objects(ds, VOID.subset)
               if void.value(sub, SD_NAME) is not None}
    assert set(subsets) == set(served)
    assert BASE + "graph/shapes" in subsets and BASE + "graph/ontology" in subsets and BASE + "graph/inferred" in subsets
    for name, count in served.items():
        sub = subsets[name]
        assert int(void.value(sub, VOID.triples)) == count, name
        subjects = endpoint_rows(client, f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{name}> {{ ?s ?p ?o }} }}")
        assert int(void.value(sub, VOID.distinctSubjects)) == int(subjects[0]["n"]["value"]), name
        assert int(void.value(sub, VOID.properties)) >= 1


def test_dumps_hold_what_the_endpoint_serves(client, void):
    quads = gzip.decompress(client.get("/dumps/partnergraph.nq.gz").data).decode("utf-8").splitlines()
    ds = next(void.subjects(VOID.sparqlEndpoint, None))
    assert len(quads) == int(void.value(ds, VOID.triples))
    per_graph: dict[str, int] = {}
    for line in quads:
        name = line.rstrip(" .").rsplit(" ", 1)[1].strip("<>")
        per_graph[name] = per_graph.get(name, 0) + 1
    assert per_graph[BASE + "graph/shapes"] == int(void.value(
        next(s for s in void.objects(ds, VOID.subset) if str(void.value(s, SD_NAME)) == BASE + "graph/shapes"), VOID.triples))
    distinct_query = "SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o WHERE { ?s ?p ?o } }"
    distinct = int(endpoint_rows(client, distinct_query)[0]["n"]["value"])
    for filename, fmt in (("partnergraph.ttl", "turtle"), ("partnergraph.jsonld", "json-ld")):
        assert len(rdflib.Graph().parse(data=client.get(f"/dumps/{filename}").data, format=fmt)) == distinct, filename
    nt = gzip.decompress(client.get("/dumps/partnergraph.nt.gz").data).decode("utf-8").splitlines()
    assert len(nt) == distinct and nt == sorted(nt)


@pytest.mark.skipif(BACKEND != "embedded", reason="rebuilds the embedded store")
def test_dumps_have_the_same_bytes_for_the_same_graph(client):
    """A rebuild of the same files gives new blank-node ids in the store, and the same dump bytes."""
    from partnergraph.graph import PartnerGraph
    from partnergraph.web.app import create_app
    again = PartnerGraph.build(data=["data"], validate=False)
    try:
        other = create_app({"VALIDATE": False, "WORKERS": 0, "ACCESS_LOG": False, "TESTING": True}, graph=again).test_client()
        bnodes = "SELECT ?b WHERE { ?b ?p ?o FILTER isBlank(?b) } ORDER BY ?b LIMIT 1"
        assert endpoint_rows(client, bnodes) != endpoint_rows(other, bnodes)   # the store's own labels differ
        for filename in ("partnergraph.ttl", "partnergraph.nt.gz", "partnergraph.jsonld", "partnergraph.nq.gz"):
            assert client.get(f"/dumps/{filename}").data == other.get(f"/dumps/{filename}").data, filename
    finally:
        again.close()


def test_void_and_service_description_fill_every_placeholder(client, void):
    """The fixed parts are Turtle templates (void.ttl, service-description.ttl): once filled, no IRI
    or literal still points at the placeholder host, and the endpoint is the one serving them."""
    sd = rdflib.Graph().parse(data=client.get("/sparql", headers={"Accept": "text/turtle"}).data, format="turtle")
    for described in (void, sd):
        leftovers = [t for triple in described for t in triple if "partnergraph.invalid" in str(t)]
        assert not leftovers, leftovers[:3]
    ds = next(void.subjects(VOID.sparqlEndpoint, None))
    assert str(void.value(ds, VOID.sparqlEndpoint)) == "http://localhost/sparql"
    assert str(void.value(ds, VOID.uriSpace)) == BASE + "id/"
    endpoints = {str(o) for o in sd.objects(None, rdflib.URIRef("http://www.w3.org/ns/sparql-service-description#endpoint"))}
    assert endpoints == {"http://localhost/sparql"}
