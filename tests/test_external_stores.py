"""partnergraph in front of real engines: the graph is published with the Graph Store Protocol
into the Oxigraph server and into Virtuoso, then the endpoint, the named queries and the pages
are served from each and must answer as the embedded store does."""
from __future__ import annotations

import json
import os
import time

import pytest

from partnergraph.cli import main
from tests.conftest import ROOT
from tests.external_stores import oxigraph_binary, start_oxigraph, start_virtuoso, virtuoso_binary

pytestmark = pytest.mark.server
ARTIFACTS = ROOT / "tests" / "artifacts"

ENGINES = {
    "oxigraph": (start_oxigraph, oxigraph_binary, "pip install oxigraph (the test extra)"),
    "virtuoso": (start_virtuoso, virtuoso_binary, "apt-get install virtuoso-opensource (done by .ci/run)"),
}


@pytest.fixture(scope="module", params=list(ENGINES))
def engine(request, tmp_path_factory):
    start, find, how = ENGINES[request.param]
    if find() is None:
        pytest.skip(f"{request.param} is not installed: {how}")
    store = start(tmp_path_factory.mktemp(request.param))
    yield store
    store.stop()


@pytest.fixture(scope="module")
def published(engine):
    """The shipped data, published into the engine (twice: the second must replace)."""
    from click.testing import CliRunner
    runner = CliRunner()
    env = {**os.environ, **engine.env}
    dry = runner.invoke(main, ["publish", "--to", engine.graph_store_url, "--dry-run"], env=env)
    assert dry.exit_code == 0, dry.output
    assert "Would publish" in dry.output
    started = time.perf_counter()
    first = runner.invoke(main, ["publish", "--to", engine.graph_store_url], env=env)
    seconds = time.perf_counter() - started
    assert first.exit_code == 0, first.output
    second = runner.invoke(main, ["publish", "--to", engine.graph_store_url], env=env)
    assert second.exit_code == 0, second.output
    assert "MISMATCH" not in second.output and second.output.count("verified") == first.output.count("verified") > 5
    return {"seconds": seconds, "output": first.output}


@pytest.fixture(scope="module")
def remote_app(engine, published):
    from partnergraph.web.app import create_app
    app = create_app({"STORE": engine.query_url, "ACCESS_LOG": False, "QUERY_TIMEOUT": 30})
    yield app
    app.extensions["partnergraph"].close()


def _key(result):
    """Rows compared as sets of plain values; engines differ in row order within equal sort keys,
    in blank node labels and in integer vs decimal lexical forms."""
    from partnergraph.graph import _plain
    def norm(term):
        if term.get("type") == "bnode":
            return "_:b"
        value = _plain({**term, "type": "literal" if term.get("type") == "typed-literal" else term.get("type")})
        if isinstance(value, bool):  # Virtuoso answers EXISTS with 1 / 0
            return int(value)
        return int(value) if isinstance(value, float) and value.is_integer() else value
    return sorted(json.dumps({k: norm(v) for k, v in sorted(r.items())}, sort_keys=True, ensure_ascii=False)
                  for r in result.bindings())


def test_named_queries_answer_as_the_embedded_store_does(remote_app, graph):
    remote = remote_app.extensions["partnergraph"]
    differing = []
    for name in sorted(graph.queries):
        ours = graph.query(name)
        theirs = remote.query(name)
        if ours.kind == "graph":
            if len(ours.to_graph()) != len(theirs.to_graph()):
                differing.append(name)
        elif _key(ours) != _key(theirs):
            differing.append(name)
    assert differing == []


def test_endpoint_forms_through_the_engine(remote_app, graph):
    client = remote_app.test_client()
    query = "SELECT ?p WHERE { ?p a <https://w3id.org/partnergraph/ontology#Partnership> } ORDER BY ?p"
    response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
    assert response.status_code == 200
    assert len(response.get_json()["results"]["bindings"]) == len(graph.select(query)) == 10
    ask = client.get("/sparql", query_string={"query": "ASK { ?s ?p ?o }", "format": "json"})
    assert ask.get_json()["boolean"] is True
    construct = client.get("/sparql", query_string={"query": "CONSTRUCT { ?p a ?t } WHERE { ?p a ?t } LIMIT 5"},
                           headers={"Accept": "text/turtle"})
    assert construct.status_code == 200
    import rdflib
    assert len(rdflib.Graph().parse(data=construct.data, format="turtle")) == 5


def test_same_guards_in_front_of_the_engine(remote_app):
    client = remote_app.test_client()
    refused = client.get("/sparql", query_string={"query": "SELECT * { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"})
    assert refused.status_code == 400
    update = client.post("/sparql", data={"update": "DROP ALL"})
    assert update.status_code == 403
    syntax = client.get("/sparql", query_string={"query": "SELEC"})
    assert syntax.status_code == 400


def test_pages_from_the_engine(remote_app):
    client = remote_app.test_client()
    assert client.get("/healthz").status_code == 200
    page = client.get("/page/municipality/vaxjo", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "Växjö" in page.get_data(as_text=True)
    assert client.get("/").status_code == 200


def test_publish_time_is_reported(engine, published):
    """The command says what it published; how long it took is a figure (tests/artifacts/), not an assertion."""
    assert "Published" in published["output"]
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"publish-{engine.name}.json").write_text(json.dumps({"seconds": round(published["seconds"], 2)}, indent=2))
