"""Stock clients against a real server on loopback: SPARQLWrapper in every return format, for
every query form, by GET and POST; rdflib's SPARQLStore; pandas.read_csv on an endpoint URL.
Each combination either gets the right bytes, labelled so that the client converts them without
a warning, or (a table format for a graph, a graph format for a table) a 406 that says why."""
from __future__ import annotations

import io
import urllib.error
import warnings

import pytest
import rdflib
import requests

pytestmark = pytest.mark.server

PG = "PREFIX pg: <https://w3id.org/partnergraph/ontology#>\n"
QUERIES = {
    "SELECT": PG + "SELECT ?p WHERE { ?p a pg:Partnership } ORDER BY ?p",
    "ASK": PG + "ASK { ?p a pg:Partnership }",
    "CONSTRUCT": PG + "CONSTRUCT { ?p a pg:Partnership } WHERE { ?p a pg:Partnership }",
    "DESCRIBE": "DESCRIBE <https://w3id.org/partnergraph/id/municipality/vaxjo>",
}
# SPARQLWrapper's return formats, by the name of its constant
RETURN_FORMATS = ("JSON", "XML", "CSV", "TSV", "TURTLE", "N3", "RDF", "RDFXML", "JSONLD")
TABLE_FORMATS = {"JSON", "XML", "CSV", "TSV"}
GRAPH_FORMATS = {"JSON", "XML", "TURTLE", "N3", "RDF", "RDFXML", "JSONLD"}   # JSON: JSON-LD, XML: RDF/XML


@pytest.fixture(scope="module")
def expected(graph):
    """What the in-process graph answers: rows for SELECT, triples for CONSTRUCT and DESCRIBE."""
    return {"SELECT": len(graph.select(QUERIES["SELECT"])),
            "CONSTRUCT": len(rdflib.Graph().parse(data=graph.construct(QUERIES["CONSTRUCT"]), format="nt")),
            "DESCRIBE": len(rdflib.Graph().parse(data=graph.construct(QUERIES["DESCRIBE"]), format="nt"))}


def _count(form: str, fmt: str, converted) -> int | bool:
    """Rows, triples or the boolean from what SPARQLWrapper's convert() gave."""
    if form == "ASK":
        if fmt == "JSON":
            return converted["boolean"]
        if fmt == "XML":
            return converted.getElementsByTagName("boolean")[0].firstChild.data == "true"
        text = converted.decode("utf-8").split()
        return text[-1] == "true"
    if form == "SELECT":
        if fmt == "JSON":
            return len(converted["results"]["bindings"])
        if fmt == "XML":
            return len(converted.getElementsByTagName("result"))
        return len(converted.decode("utf-8").strip().splitlines()) - 1
    if isinstance(converted, rdflib.Graph):
        return len(converted)
    return len(rdflib.Graph().parse(data=converted, format="turtle"))


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("form", list(QUERIES))
@pytest.mark.parametrize("fmt", RETURN_FORMATS)
def test_sparqlwrapper(live_server, expected, fmt, form, method):
    import SPARQLWrapper
    client = SPARQLWrapper.SPARQLWrapper(live_server.url + "/sparql")
    client.setQuery(QUERIES[form])
    client.setReturnFormat(getattr(SPARQLWrapper, fmt))
    client.setMethod(method)
    serves = fmt in (TABLE_FORMATS if form in ("SELECT", "ASK") else GRAPH_FORMATS)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if not serves:
            with pytest.raises(urllib.error.HTTPError) as refused:
                client.query()
            assert refused.value.code == 406
            body = refused.value.read().decode("utf-8")
            assert ("graph" in body and "results" in body), body
            return
        converted = client.query().convert()
    # SPARQLWrapper warns when the bytes are not what it asked for; none of that may happen
    complaints = [str(w.message) for w in caught
                  if issubclass(w.category, RuntimeWarning) and "Sending Accept header" not in str(w.message)]
    assert complaints == []
    answer = _count(form, fmt, converted)
    assert answer == (True if form == "ASK" else expected[form]), (fmt, form, method)


def test_format_values_from_other_clients(live_server, expected):
    """The spellings that clients send as `format`, `output` or `results`, media types included."""
    url = live_server.url + "/sparql"
    cases = [("output", "json", "SELECT", "application/sparql-results+json"),
             ("results", "csv", "SELECT", "text/csv"),
             ("format", "text/tab-separated-values", "SELECT", "text/tab-separated-values"),
             ("format", "xml", "CONSTRUCT", "application/rdf+xml"),
             ("format", "xml", "SELECT", "application/sparql-results+xml"),
             ("format", "rdf+xml", "DESCRIBE", "application/rdf+xml"),
             ("format", "n3", "CONSTRUCT", "text/turtle"),
             ("format", "ttl", "CONSTRUCT", "text/turtle"),
             ("format", "text/turtle", "CONSTRUCT", "text/turtle"),
             ("format", "json-ld", "CONSTRUCT", "application/ld+json"),
             ("format", "json", "CONSTRUCT", "application/ld+json"),
             ("format", "application/n-triples", "CONSTRUCT", "application/n-triples")]
    for key, value, form, media in cases:
        response = requests.get(url, params={"query": QUERIES[form], key: value}, timeout=30)
        assert response.status_code == 200, (key, value, response.text)
        assert response.headers["Content-Type"].split(";")[0] == media, (key, value)


def test_a_value_that_names_no_format_is_406_listing_the_formats(live_server):
    response = requests.get(live_server.url + "/sparql", params={"query": QUERIES["SELECT"], "format": "yaml"},
                            timeout=30)
    assert response.status_code == 406
    message = response.json()["error"]["message"]
    assert "'yaml'" in message and all(name in message for name in ("json", "csv", "turtle", "rdfxml"))


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("return_format", ["xml", "json", "csv"])
def test_rdflib_sparqlstore(live_server, expected, method, return_format):
    from rdflib.plugins.stores.sparqlstore import SPARQLStore
    store = SPARQLStore(live_server.url + "/sparql", returnFormat=return_format, method=method)
    g = rdflib.Graph(store=store)
    assert len(list(g.query(QUERIES["SELECT"]))) == expected["SELECT"]
    if return_format != "csv":  # rdflib's CSV result parser reads tables only (CSV has no boolean form)
        assert g.query(QUERIES["ASK"]).askAnswer is True
    assert len(g.query(QUERIES["CONSTRUCT"]).graph) == expected["CONSTRUCT"]
    assert len(g.query(QUERIES["DESCRIBE"]).graph) == expected["DESCRIBE"]


def test_pandas_read_csv(live_server, expected):
    import pandas  # in the test extra
    url = live_server.url + "/sparql?" + requests.compat.urlencode({"query": QUERIES["SELECT"]})
    by_parameter = pandas.read_csv(url + "&format=csv")
    by_accept = pandas.read_csv(url, storage_options={"Accept": "text/csv"})
    tabs = pandas.read_csv(url + "&format=tsv", sep="\t")
    assert list(by_parameter.columns) == list(by_accept.columns) == ["p"]
    assert len(by_parameter) == len(by_accept) == len(tabs) == expected["SELECT"]
    assert by_parameter["p"].str.startswith("https://w3id.org/partnergraph/id/partnership/").all()
    assert tabs.iloc[0, 0].startswith("<https://w3id.org/partnergraph/id/partnership/")
    assert io  # the module reads no local files


# -- the Python API against a server ----------------------------------------------------------

def test_queries_listing_as_json(client, graph):
    listing = client.get("/queries", headers={"Accept": "application/json"}).get_json()["queries"]
    assert {q["name"] for q in listing} == set(graph.queries)
    by_name = {q["name"]: q for q in listing}
    for name, query in graph.queries.items():
        item = by_name[name]
        assert item["title"] == query.title and item["url"].endswith(f"/queries/{name}")
        assert [(p["name"], p["type"], p["default"]) for p in item["parameters"]] == \
            [(p.name, p.type, p.default) for p in query.parameters]
    assert client.get("/queries", headers={"Accept": "text/html"}).mimetype == "text/html"
    assert client.get("/queries?format=json").mimetype == "application/json"


def test_open_url_runs_the_servers_named_queries(live_server, graph):
    import partnergraph
    from partnergraph.named_queries import ParameterError, UnknownQuery
    remote = partnergraph.open(live_server.url + "/sparql")
    assert set(remote.queries) == set(graph.queries)
    def terms(result):  # blank nodes have each store's own labels
        return [{k: ("bnode",) if v["type"] == "bnode" else v for k, v in row.items()} for row in result.bindings()]
    for name in sorted(graph.queries):
        assert terms(remote.query(name)) == terms(graph.query(name)), name
    assert remote.query("projects-by-sdg", sdg="4").rows() == graph.query("projects-by-sdg", sdg="4").rows()
    with pytest.raises(UnknownQuery, match="no named query 'projects-by-sgd'; did you mean 'projects-by-sdg'"):
        remote.query("projects-by-sgd", sdg="4")
    with pytest.raises(ParameterError, match="has no parameter goal; it takes: sdg, lang"):
        remote.query("projects-by-sdg", goal="4")
    with pytest.raises(ParameterError, match="keyword arguments"):
        remote.query("SELECT * WHERE { ?s ?p ?o } LIMIT 1", sdg="4")
