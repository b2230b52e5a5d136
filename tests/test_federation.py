"""Allow-listed federation: SERVICE may call only the operator's listed endpoints, checked on
the parsed query before evaluation; every other SERVICE is refused and receives no request."""
from __future__ import annotations

import pytest
import requests

from tests.conftest import LiveServer
from tests.test_endpoint import Listener

pytestmark = pytest.mark.server


@pytest.fixture(scope="module")
def remote(tmp_path_factory):
    """A second SPARQL endpoint on loopback holding one triple."""
    import pyoxigraph

    from partnergraph.store.embedded import EmbeddedStore, LoadItem
    from partnergraph.web.app import create_app
    directory = tmp_path_factory.mktemp("remote")
    data = directory / "remote.nt"
    data.write_text('<http://example.org/remote> <http://www.w3.org/2000/01/rdf-schema#label> "from the allowed endpoint" .\n')
    store = EmbeddedStore(directory / "store")
    store.load(LoadItem(str(data), "http://example.org/g", pyoxigraph.RdfFormat.N_TRIPLES, "data"))
    store.flush()
    del store
    app = create_app({"STORE": str(directory / "store"), "WORKERS": 1, "ACCESS_LOG": False})
    server = LiveServer(app)
    yield server
    server.stop()
    app.extensions["partnergraph"].close()


@pytest.fixture(scope="module")
def federating(remote):
    from partnergraph.web.app import create_app
    app = create_app({"VALIDATE": False, "WORKERS": 1, "QUERY_TIMEOUT": 10, "ACCESS_LOG": False,
                      "SERVICE_ALLOWLIST": [remote.url + "/sparql"]})
    server = LiveServer(app)
    yield server
    server.stop()
    app.extensions["partnergraph"].close()


def test_allowed_service_is_called(federating, remote):
    query = (f"SELECT ?label WHERE {{ SERVICE <{remote.url}/sparql> "
             "{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } }")
    response = requests.get(federating.url + "/sparql", params={"query": query}, timeout=30)
    assert response.status_code == 200, response.text
    assert [b["label"]["value"] for b in response.json()["results"]["bindings"]] == ["from the allowed endpoint"]


def test_other_service_is_refused_and_receives_nothing(federating, remote):
    listener = Listener()
    try:
        query = (f"SELECT * WHERE {{ SERVICE <{remote.url}/sparql> {{ ?s ?p ?o }} "
                 f"SERVICE <{listener.url}> {{ ?a ?b ?c }} }}")
        response = requests.get(federating.url + "/sparql", params={"query": query}, timeout=30)
        assert response.status_code == 400
        assert listener.url in response.json()["error"]["message"]
        assert listener.connections() == 0
    finally:
        listener.close()


def test_default_is_closed(live_server, remote):
    query = f"SELECT * WHERE {{ SERVICE <{remote.url}/sparql> {{ ?s ?p ?o }} }}"
    response = requests.get(live_server.url + "/sparql", params={"query": query}, timeout=30)
    assert response.status_code == 400


def test_service_description_announces_federation(federating):
    import rdflib
    g = rdflib.Graph().parse(data=requests.get(federating.url + "/sparql", headers={"Accept": "text/turtle"}, timeout=30).content,
                             format="turtle")
    assert (None, rdflib.URIRef("http://www.w3.org/ns/sparql-service-description#feature"),
            rdflib.URIRef("http://www.w3.org/ns/sparql-service-description#BasicFederatedQuery")) in g
