"""Content negotiation on every route of the app (swept from its url_map, so a route added later
is covered): a response that depends on the Accept header says so in `Vary`, and a route that
offers a representation by ?format= gives the same one to a client that asks by Accept."""
from __future__ import annotations

import pytest

from tests.test_security import build, routes, sample_args

ACCEPTS = [None, "*/*", "text/html", "application/json", "application/sparql-results+json",
           "application/sparql-results+xml", "text/csv", "text/turtle", "application/ld+json",
           "application/n-triples", "application/rdf+xml"]
FORMAT_NAMES = ["html", "json", "xml", "csv", "tsv", "turtle", "jsonld", "ntriples", "rdfxml"]
EXTRA = {"/sparql": ["/sparql?query=ASK%7B%7D", "/sparql?query=DESCRIBE%20%3Chttps%3A%2F%2Fw3id.org%2F"
                                                 "partnergraph%2Fid%2Fmunicipality%2Fvaxjo%3E"]}


def media(response) -> str:
    return (response.headers.get("Content-Type") or "").split(";")[0].strip()


def urls(app):
    for rule, methods in routes(app):
        if "GET" not in methods or rule.rule.startswith("/admin"):
            continue
        path = build(rule, sample_args(rule, app))
        yield from [path] + EXTRA.get(rule.rule, [])


def join(path: str, key: str, value: str) -> str:
    return f"{path}{'&' if '?' in path else '?'}{key}={value}"


def test_sweep_reaches_the_routes(app):
    swept = list(urls(app))
    assert len(swept) >= 20 and "/queries/projects-by-sdg" in swept and "/.well-known/void" in swept


@pytest.mark.parametrize("path", ["/sparql", "/queries", "/queries/projects-by-sdg", "/ontology",
                                  "/.well-known/void", "/id/municipality/vaxjo"])
def test_known_negotiated_routes_vary(client, path):
    for accept in ("text/html", "text/turtle", "application/json"):
        response = client.get(path, headers={"Accept": accept})
        assert "Accept" in response.vary, (path, accept, response.headers.get("Vary"))


def test_vary_and_accept_on_every_route(app, client):
    problems = []
    for path in urls(app):
        answers = {accept: client.get(path, headers={} if accept is None else {"Accept": accept})
                   for accept in ACCEPTS}
        shapes = {(r.status_code, media(r)) for r in answers.values()}
        if len(shapes) > 1:
            for accept, response in answers.items():
                if "Accept" not in response.vary:
                    problems.append(f"{path} (Accept: {accept}) -> {response.status_code} {media(response)} "
                                    f"without Vary: Accept, though other Accept headers get {sorted(shapes)}")
        for name in FORMAT_NAMES:
            by_format = client.get(join(path, "format", name))
            if by_format.status_code != 200 or not media(by_format):
                continue
            by_accept = client.get(path, headers={"Accept": media(by_format)})
            if (by_accept.status_code, media(by_accept)) != (200, media(by_format)):
                problems.append(f"{path}: ?format={name} gives {media(by_format)}, but Accept: {media(by_format)} "
                                f"gets {by_accept.status_code} {media(by_accept)}")
    assert problems == [], "\n".join(problems)
