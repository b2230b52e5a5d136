"""HTTP caching for every view, in one place: entity tags from the graph's generation and the
request (partnergraph.sparql.cache.validator), 304 on If-None-Match, Cache-Control and the fields a 304
must repeat.

- Read-only public requests (GET and HEAD anywhere but the deny list; POST queries to /sparql
  and /reconcile) get `ETag` and `Cache-Control: public, max-age=CACHE_MAX_AGE` on a 200. The
  tag is strong for data (the same request under the same generation gives the same bytes) and
  weak for HTML pages, which show how long their queries took.
- A GET or HEAD whose If-None-Match holds the tag this process issued for it is answered 304
  before the view runs, with the fields its 200 carried (Cache-Control, Vary, Content-Location),
  kept per tag for that; a POST query gets 412 instead, as RFC 9110 has it for other methods.
  `*`, and tags whose fields are no longer kept, are compared after the view.
- Errors, admin routes, /healthz, writes and pages with a per-response secret (a CSP nonce) get
  `no-store` and no tag; an answer that sets a cookie is `private, no-cache`.
- A reload adds one to the generation, so every tag changes at once. Over an external store
  the generation says nothing about its data: no tags there, only Cache-Control.
"""
from __future__ import annotations

import json
import threading
from collections import OrderedDict

from flask import Flask, Response, g, request

from ..sparql.cache import none_match, parse_if_none_match, process_token, validator, weak
from .context import EXTENSION, graph_of
from .errors import error_payload, escape_json
from .helpers import reader_lang

NEVER_CACHED = frozenset({"pages.healthz", "admin.reload_view", "workbench.create_link"})
"""Endpoints whose answers say something about this moment or change state."""
POST_QUERIES = frozenset({"sparql.sparql", "reconcile.service"})
"""Endpoints whose POST only reads (a query in the body)."""
TIMED_BODIES = frozenset({"workbench.complete"})
"""Non-HTML answers whose body includes how long they took: weak tags."""
REPEATED_FIELDS = ("Cache-Control", "Vary", "Content-Location")
"""What a 304 repeats of the 200 it stands for (RFC 9110 15.4.5; Date and ETag come anyway)."""
KEPT_TAGS = 20_000


class IssuedTags:
    """The fields of the 200s behind the tags issued lately, for answering 304 without the view;
    bounded, oldest out first, emptied when the generation changes."""

    def __init__(self, size: int = KEPT_TAGS):
        self.size = size
        self._fields: OrderedDict[str, list[tuple[str, str]]] = OrderedDict()
        self._generation = None
        self._lock = threading.Lock()

    def remember(self, generation: int, tag: str, fields: list[tuple[str, str]]) -> None:
        with self._lock:
            if generation != self._generation:
                self._fields.clear()
                self._generation = generation
            self._fields[tag] = fields
            self._fields.move_to_end(tag)
            while len(self._fields) > self.size:
                self._fields.popitem(last=False)

    def fields(self, generation: int, tag: str) -> list[tuple[str, str]] | None:
        with self._lock:
            return self._fields.get(tag) if generation == self._generation else None


def request_parts() -> list[str | bytes]:
    """What a read-only answer's bytes depend on: where it was asked (scheme, host, script root,
    path and query string as sent), what it accepts, the reader's language, and a POST's body.
    Read from the WSGI environ as sent: cheaper than werkzeug's decoded URLs, and as exact."""
    environ = request.environ
    parts: list[str | bytes] = ["POST" if request.method == "POST" else "GET", environ.get("wsgi.url_scheme", ""),
                                environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}",
                                environ.get("SCRIPT_NAME", ""), environ.get("PATH_INFO", ""),
                                environ.get("QUERY_STRING", ""), environ.get("HTTP_ACCEPT", ""), reader_lang()]
    if request.method == "POST":
        parts += [environ.get("CONTENT_TYPE", ""), request.get_data(cache=True, parse_form_data=False)]
    return parts


def _cacheable_request() -> bool:
    if request.endpoint is None or request.endpoint == "static" or request.endpoint in NEVER_CACHED:
        return False
    if request.method in ("GET", "HEAD"):
        return True
    return request.method == "POST" and request.endpoint in POST_QUERIES


def _not_modified(response: Response, tag: str, fields: list[tuple[str, str]]) -> Response:
    """response as a 304 for tag: no body, no representation fields but those the 200 carried."""
    response.status_code = 304
    response.set_data(b"")
    for name in ("Content-Type", "Content-Length", "Content-Disposition", "Content-Security-Policy", "Vary",
                 "X-Query-Seconds"):
        response.headers.pop(name, None)
    for name, value in fields:
        response.headers[name] = value
    response.headers["ETag"] = tag
    return response


def _precondition_failed(response: Response) -> Response:
    """A POST whose If-None-Match matches: RFC 9110 13.1.2 answers methods other than GET and HEAD
    with 412, not 304. The message says what the client can do with it."""
    response.status_code = 412
    response.set_data(escape_json(json.dumps(error_payload(412, POST_MATCHED), ensure_ascii=False)))
    response.headers["Content-Type"] = "application/json; charset=utf-8"
    for name in ("ETag", "Content-Disposition", "X-Query-Seconds"):
        response.headers.pop(name, None)
    response.headers["Cache-Control"] = "no-store"
    return response


POST_MATCHED = ("The answer is the one your If-None-Match names: it has not changed. A POST is answered 412 "
                "rather than 304 (RFC 9110); use the copy you have, or send the query by GET to get 304.")


def register(app: Flask) -> None:
    """Install the hooks. Register before the other after_request hooks: Flask runs those in
    reverse order, so this one runs last and sees the final Vary and Set-Cookie."""
    token = process_token()
    issued = IssuedTags()
    app.extensions[EXTENSION + ".issued-tags"] = issued

    @app.before_request
    def _answer_from_validator():
        if not _cacheable_request():
            return None
        graph = graph_of()
        if graph.endpoint:  # an external store changes without a reload: nothing to tag
            return None
        g.cache_generation = generation = graph.generation
        g.cache_tag = tag = validator(token, generation, request_parts())
        tags = [t for t in parse_if_none_match(request.headers.get("If-None-Match")) or () if t != "*"]
        if none_match(tags, tag):
            if request.method == "POST" and issued.fields(generation, tag) is not None:
                g.cache_precondition_failed = True
                return Response(status=412)
            for form in (tag, weak(tag)):
                fields = issued.fields(generation, form)
                if fields is not None:
                    g.cache_not_modified = (form, fields)
                    return Response(status=304)
        return None

    @app.after_request
    def _cache_headers(response: Response) -> Response:
        if g.get("cache_not_modified"):
            return _not_modified(response, *g.cache_not_modified)
        if g.get("cache_precondition_failed"):
            return _precondition_failed(response)
        if not _cacheable_request() or response.status_code >= 400:
            response.headers["Cache-Control"] = "no-store"
            response.headers.pop("ETag", None)
            return response
        if g.get("style_nonce"):  # the page's CSP nonce must differ every time it is sent
            response.headers["Cache-Control"] = "no-store"
            return response
        if "Set-Cookie" in response.headers:
            response.headers["Cache-Control"] = "private, no-cache"
        response.headers.setdefault("Cache-Control", f"public, max-age={app.config['CACHE_MAX_AGE']}")
        tag = g.get("cache_tag")
        if response.status_code != 200 or tag is None:
            return response
        if response.mimetype == "text/html" or request.endpoint in TIMED_BODIES:
            tag = weak(tag)
        response.headers["ETag"] = tag
        fields = [(name, value) for name in REPEATED_FIELDS if (value := response.headers.get(name))]
        issued.remember(g.cache_generation, tag, fields)
        if none_match(parse_if_none_match(request.headers.get("If-None-Match")), tag):
            return _precondition_failed(response) if request.method == "POST" else _not_modified(response, tag, fields)
        return response
