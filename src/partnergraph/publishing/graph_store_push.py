"""Pushing the graph to an external store with the SPARQL 1.1 Graph Store HTTP Protocol.

One PUT per named graph, so a repeated publish replaces each graph rather than adding to it.
Afterwards each graph is fetched back (GET) and its triples counted against ours.

Authentication comes from the environment, never the command line:
PARTNERGRAPH_PUBLISH_TOKEN (a bearer token), or PARTNERGRAPH_PUBLISH_USER and
PARTNERGRAPH_PUBLISH_PASSWORD (basic, or digest with PARTNERGRAPH_PUBLISH_AUTH=digest, as
Virtuoso's graph store wants).
"""
from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass

import pyoxigraph
import requests

from ..sparql import formats
from ..store.embedded import EmbeddedStore


@dataclass
class GraphPush:
    graph: str
    triples: int
    status: int | None = None
    remote_triples: int | None = None
    seconds: float = 0.0

    @property
    def verified(self) -> bool | None:
        return None if self.remote_triples is None else self.remote_triples == self.triples


class PublishError(Exception):
    pass


def session_from_env(environ: dict | None = None) -> requests.Session:
    environ = os.environ if environ is None else environ
    session = requests.Session()
    token = environ.get("PARTNERGRAPH_PUBLISH_TOKEN")
    user, password = environ.get("PARTNERGRAPH_PUBLISH_USER"), environ.get("PARTNERGRAPH_PUBLISH_PASSWORD")
    if token:
        session.headers["Authorization"] = f"Bearer {token}"
    elif user:
        if environ.get("PARTNERGRAPH_PUBLISH_AUTH", "basic").lower() == "digest":
            session.auth = requests.auth.HTTPDigestAuth(user, password or "")
        else:
            session.auth = (user, password or "")
    return session


def graph_ntriples(store: EmbeddedStore, graph: str) -> bytes:
    return store.store.dump(format=pyoxigraph.RdfFormat.N_TRIPLES, from_graph=pyoxigraph.NamedNode(graph))


def count_ntriples(body: bytes) -> int:
    return sum(1 for line in body.splitlines() if line.strip() and not line.lstrip().startswith(b"#"))


def publish(store: EmbeddedStore, to: str, *, dry_run: bool = False, verify: bool = True,
            session: requests.Session | None = None, timeout: float = 300,
            progress: Callable[[GraphPush], None] | None = None) -> list[GraphPush]:
    session = session or session_from_env()
    pushes = []
    for graph in store.graphs():
        body = graph_ntriples(store, graph)
        push = GraphPush(graph, count_ntriples(body))
        if not dry_run:
            started = time.perf_counter()
            try:
                response = session.put(to, params={"graph": graph}, data=body, timeout=timeout,
                                       headers={"Content-Type": "application/n-triples"})
            except requests.RequestException as err:
                raise PublishError(f"PUT {graph} to {to} failed: {err}") from err
            push.status = response.status_code
            push.seconds = time.perf_counter() - started
            if response.status_code >= 400:
                raise PublishError(f"PUT {graph} to {to} was refused ({response.status_code}): {response.text[:300]}")
            if verify:
                push.remote_triples = remote_count(session, to, graph, timeout)
        pushes.append(push)
        if progress:
            progress(push)
    return pushes


def remote_count(session: requests.Session, to: str, graph: str, timeout: float) -> int:
    try:
        response = session.get(to, params={"graph": graph}, timeout=timeout,
                               headers={"Accept": "application/n-triples, text/plain;q=0.9"})
    except requests.RequestException as err:
        raise PublishError(f"GET {graph} from {to} failed: {err}") from err
    if response.status_code == 404:
        return 0
    if response.status_code >= 400:
        raise PublishError(f"GET {graph} from {to} failed ({response.status_code}): {response.text[:300]}")
    media = response.headers.get("Content-Type", "").split(";")[0].strip()
    if media in ("application/n-triples", "text/plain"):
        return count_ntriples(response.content)
    import rdflib  # start-up: rdflib only to count what a store sent back
    try:
        fmt = formats.by_name(media, "graph").rdflib
    except formats.UnknownFormat:
        fmt = "turtle"
    return len(rdflib.Graph().parse(data=response.content, format=fmt))
