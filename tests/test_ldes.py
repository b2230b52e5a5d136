"""The change feed read by a real LDES client (ldes-client, the reference client of the SEMIC
specification, from tests/ldes/package-lock.json) over a real server on loopback: replaying it
gives the served graph, resuming gives only what is new, and a full page answers 304."""
from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import rdflib
import requests

from tests.conftest import LiveServer
from tests.release_copies import concept_iri, project_copy, set_concepts

LDES = Path(__file__).resolve().parent / "ldes"
ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
BASE = "https://w3id.org/partnergraph/"
GENERATED_AT = rdflib.URIRef("http://www.w3.org/ns/prov#generatedAtTime")
DELETE = "https://www.w3.org/ns/activitystreams#Delete"


@pytest.fixture(scope="module")
def ldes_client():
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("ldes-client needs node and npm, which are not installed")
    if not (LDES / "node_modules" / "ldes-client").is_dir():
        done = subprocess.run([npm, "ci", "--no-audit", "--no-fund"], cwd=LDES, capture_output=True, text=True, timeout=600)
        if done.returncode != 0:
            pytest.skip(f"npm ci could not install ldes-client: {done.stderr.strip()[-300:]}")
    return node


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A server over a copy of the data with two releases: the second renames one resource and
    removes another."""
    from partnergraph.history.record import make_release
    from partnergraph.web.app import create_app
    data, releases = project_copy(tmp_path_factory.mktemp("ldes"))
    set_concepts(data, {"test-one": ("Test one", "Test ett"), "test-two": ("Test two", "Test två")})
    make_release([str(data)], "ontology", releases, "first")
    set_concepts(data, {"test-one": ("Test one, renamed", "Test ett, omdöpt")})
    make_release([str(data)], "ontology", releases, "second")
    app = create_app({"DATA_DIRS": [str(data)], "VALIDATE": True, "WORKERS": 0, "ACCESS_LOG": False})
    server = LiveServer(app)
    yield server, data, releases
    server.stop()
    app.extensions["partnergraph"].close()


def replay(node: str, url: str, *options: str) -> tuple[list[dict], list[dict]]:
    """(members, fetched pages) of one run of the client."""
    done = subprocess.run([node, "replay.mjs", url, *options], cwd=LDES, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    members = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    pages = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    assert not [p for p in pages if "error" in p], pages
    return members, [p for p in pages if "fragment" in p]


def served_resources(server: LiveServer, data: Path) -> dict[str, rdflib.Graph]:
    """Each resource under id/ as the endpoint serves it: its triples in the data files' graphs,
    with the blank nodes they reach."""
    graphs = " ".join(f"<{BASE}graph/{p.stem}>" for p in sorted(data.glob("*.ttl")))
    query = f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ VALUES ?g {{ {graphs} }} GRAPH ?g {{ ?s ?p ?o }} }}"
    response = requests.post(f"{server.url}/sparql", data={"query": query}, headers={"Accept": "application/n-triples"},
                             timeout=60)
    assert response.status_code == 200, response.text[:500]
    whole = rdflib.Graph().parse(data=response.text, format="nt")
    resources = {}
    for subject in set(whole.subjects()):
        if isinstance(subject, rdflib.URIRef) and str(subject).startswith(BASE + "id/"):
            resources[str(subject)] = closure(whole, subject)
    return resources


def closure(whole: rdflib.Graph, subject) -> rdflib.Graph:
    graph, todo, seen = rdflib.Graph(), [subject], set()
    while todo:
        node = todo.pop()
        if node in seen:
            continue
        seen.add(node)
        for _s, p, o in whole.triples((node, None, None)):
            graph.add((node, p, o))
            if isinstance(o, rdflib.BNode):
                todo.append(o)
    return graph


def replayed_resources(members: list[dict]) -> dict[str, rdflib.Graph]:
    """The materialised last versions as resources: the member's quads less the version's time;
    a deletion removes the resource."""
    resources = {}
    for member in members:
        flat = rdflib.Graph().parse(data=member["quads"], format="nt")   # all in the default graph
        flat.remove((None, GENERATED_AT, None))
        assert member["id"] not in resources, f"two last versions of {member['id']}"
        deleted = (rdflib.URIRef(member["id"]), rdflib.RDF.type, rdflib.URIRef(DELETE)) in flat
        resources[member["id"]] = None if deleted else flat
    return {iri: graph for iri, graph in resources.items() if graph is not None}


def test_replay_with_materialisation_and_last_versions_gives_the_served_graph(ldes_client, served):
    server, data, _releases = served
    members, pages = replay(ldes_client, f"{server.url}/feed", "--materialize", "--last-version-only")
    got, expected = replayed_resources(members), served_resources(server, data)
    assert concept_iri("test-two") not in got and concept_iri("test-two") not in expected
    assert sorted(got) == sorted(expected)
    different = [iri for iri in expected if not rdflib.compare.isomorphic(got[iri], expected[iri])]
    assert different == []
    assert {p["fragment"] for p in pages} >= {f"{server.url}/feed/1", f"{server.url}/feed/2"}


def test_a_client_resuming_from_its_state_receives_only_the_new_members(ldes_client, served, tmp_path):
    from partnergraph.history.record import make_release
    server, data, releases = served
    state = tmp_path / "state"
    first, _pages = replay(ldes_client, f"{server.url}/feed", "--materialize", "--save", str(state))
    assert {m["isVersionOf"] for m in first} >= {concept_iri("test-one"), concept_iri("test-two")}
    set_concepts(data, {"test-one": ("Test one, renamed twice", "Test ett, omdöpt två gånger"),
                        "test-three": ("Test three", "Test tre")})
    made = make_release([str(data)], "ontology", releases, "third")
    server.app.extensions["partnergraph"].reload()
    again, pages = replay(ldes_client, f"{server.url}/feed", "--materialize", "--save", str(state))
    assert sorted(m["id"] for m in again) == [concept_iri("test-one"), concept_iri("test-three")]
    assert {m["timestamp"][:19] for m in again} == {_utc(made.timestamp)}
    fetched = {p["fragment"] for p in pages}
    assert f"{server.url}/feed/3" in fetched and f"{server.url}/feed/1" not in fetched
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "ldes-resume.json").write_text(json.dumps({"first_run_members": len(first), "resumed_members": len(again),
                                                            "resumed_pages": sorted(fetched)}, indent=2))


def _utc(timestamp: str) -> str:
    from datetime import UTC, datetime
    return datetime.fromisoformat(timestamp).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")


def test_a_full_page_is_immutable_and_answers_304_to_its_etag(served):
    server, _data, _releases = served
    first = requests.get(f"{server.url}/feed/1", headers={"Accept": "text/turtle"}, timeout=30)
    assert first.status_code == 200
    assert first.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert "Accept" in first.headers["Vary"]
    again = requests.get(f"{server.url}/feed/1", headers={"Accept": "text/turtle", "If-None-Match": first.headers["ETag"]},
                         timeout=30)
    assert again.status_code == 304 and again.content == b""
    root = requests.get(f"{server.url}/feed", headers={"Accept": "text/turtle"}, timeout=30)
    assert "immutable" not in root.headers["Cache-Control"]
