"""The W3C SPARQL 1.1 Protocol test suite, run from its manifest against a real server on
loopback: the query tests pass, the update tests are refused as a read-only endpoint must."""
from __future__ import annotations

import json

import pytest
import requests

from tests.conftest import W3C, LiveServer

SUITE = W3C / "sparql11-protocol"
pytestmark = [pytest.mark.server,
              pytest.mark.skipif(not (SUITE / "manifest.ttl").is_file(),
                                 reason="the W3C protocol suite is not in ../shared/w3c-tests/sparql11-protocol")]

MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
HT = "http://www.w3.org/2011/http#"
CNT = "http://www.w3.org/2011/content#"
RESULT_TYPES = {"application/sparql-results+json", "application/sparql-results+xml", "text/csv", "text/tab-separated-values"}
RDF_TYPES = {"text/turtle", "application/ld+json", "application/n-triples", "application/rdf+xml"}


def load_tests() -> list[dict]:
    if not (SUITE / "manifest.ttl").is_file():
        return []
    import rdflib
    from rdflib.collection import Collection
    g = rdflib.Graph().parse(SUITE / "manifest.ttl", publicID="http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/manifest")
    ns = lambda base, local: rdflib.URIRef(base + local)  # noqa: E731
    manifest = next(g.subjects(rdflib.RDF.type, ns(MF, "Manifest")))
    tests = []
    for entry in Collection(g, g.value(manifest, ns(MF, "entries"))):
        action = g.value(entry, ns(MF, "action"))
        requests_ = []
        for req in Collection(g, g.value(action, ns(HT, "requests"))):
            headers = {}
            header_list = g.value(req, ns(HT, "headers"))
            if header_list is not None:
                for header in Collection(g, header_list):
                    headers[str(g.value(header, ns(HT, "fieldName")))] = str(g.value(header, ns(HT, "fieldValue")))
            body_node = g.value(req, ns(HT, "body"))
            body = None
            if body_node is not None:
                encoding = str(g.value(body_node, ns(CNT, "characterEncoding")) or "UTF-8")
                body = str(g.value(body_node, ns(CNT, "chars"))).encode(encoding.lower().replace("utf-16", "utf-16"))
            resp = g.value(req, ns(HT, "resp"))
            statuses = {str(s).rsplit("#", 1)[-1] for s in g.objects(resp, ns(MF, "expectedStatus"))}
            expected_bool = g.value(resp, ns(MF, "expectedBoolean"))
            requests_.append({
                "method": str(g.value(req, ns(HT, "methodName"))),
                "path": str(g.value(req, ns(HT, "absolutePath"))),
                "headers": headers, "body": body, "statuses": statuses,
                "format": str(g.value(resp, ns(MF, "expectedFormat")) or "") or None,
                "boolean": None if expected_bool is None else expected_bool.toPython(),
            })
        name = str(entry).rsplit("#", 1)[-1]
        is_update = "update" in name  # the suite names its update-side tests update_* and bad_update_*
        tests.append({"id": name, "name": str(g.value(entry, ns(MF, "name"))), "requests": requests_,
                      "update": is_update})
    return tests


TESTS = load_tests()


@pytest.fixture(scope="module")
def protocol_server(tmp_path_factory):
    """A store with data1..3.nt as the named graphs the suite expects, served for real."""
    import pyoxigraph

    from partnergraph.store.embedded import EmbeddedStore, LoadItem
    from partnergraph.web.app import create_app
    directory = tmp_path_factory.mktemp("w3c-store")
    store = EmbeddedStore(directory / "store")
    for n in (1, 2, 3):
        store.load(LoadItem(str(SUITE / f"data{n}.nt"), f"http://kasei.us/2009/09/sparql/data/data{n}.rdf",
                            pyoxigraph.RdfFormat.N_TRIPLES, "data"))
    store.flush()
    del store
    app = create_app({"STORE": str(directory / "store"), "WORKERS": 1, "ACCESS_LOG": False, "QUERIES_DIR": "queries"})
    server = LiveServer(app)
    yield server
    server.stop()
    app.extensions["partnergraph"].close()


def _status_class(code: int) -> str:
    return f"StatusCode{code // 100}xx"


def _boolean(response) -> bool:
    media = response.headers.get("Content-Type", "").split(";")[0]
    if media == "application/sparql-results+json":
        return json.loads(response.content)["boolean"]
    if media == "application/sparql-results+xml":
        return b"<boolean>true</boolean>" in response.content
    return response.text.strip().lower().endswith("true")


@pytest.mark.parametrize("case", TESTS, ids=[t["id"] for t in TESTS])
def test_w3c_protocol(case, protocol_server):
    for req in case["requests"]:
        path = req["path"].replace("/sparql/", "/sparql", 1)
        response = requests.request(req["method"], protocol_server.url + path, headers=req["headers"],
                                    data=req["body"], timeout=30, allow_redirects=False)
        assert response.status_code < 500, f"{case['name']}: server error {response.status_code}"
        if case["update"]:
            # A read-only endpoint refuses every update request, whatever the suite expects of a writable one.
            assert 400 <= response.status_code < 500, f"{case['name']}: update not refused ({response.status_code})"
            break  # the requests after an update check its effect, which a read-only endpoint never has
        assert _status_class(response.status_code) in req["statuses"], \
            f"{case['name']}: got {response.status_code}, expected {req['statuses']}: {response.text[:300]}"
        media = response.headers.get("Content-Type", "").split(";")[0]
        if req["format"] == "boolean":
            assert media in RESULT_TYPES, case["name"]
            if req["boolean"] is not None:
                assert _boolean(response) == req["boolean"], case["name"]
        elif req["format"] == "tabular":
            assert media in RESULT_TYPES, case["name"]
        elif req["format"] == "RDF":
            assert media in RDF_TYPES, case["name"]
            import rdflib
            parsers = {"text/turtle": "turtle", "application/ld+json": "json-ld", "application/n-triples": "nt",
                       "application/rdf+xml": "xml"}
            rdflib.Graph().parse(data=response.content, format=parsers[media])


def test_suite_was_read():
    assert len(TESTS) == 34
    assert sum(not t["update"] for t in TESTS) == 20
