"""HTTP caching (ETag, 304, Cache-Control, Vary) and the result cache, through the Flask test
client and on the pure core (partnergraph.sparql.cache)."""
from __future__ import annotations

import dataclasses
import threading
from urllib.parse import quote

import pytest

from partnergraph.sparql.cache import ResultCache, none_match, parse_if_none_match, validator, weak
from partnergraph.sparql.executor import QueryOutcome

PG = "PREFIX pg: <https://w3id.org/partnergraph/ontology#>\n"
COUNT = PG + "SELECT (COUNT(DISTINCT ?m) AS ?n) WHERE { ?m a pg:Municipality }"
JSON = {"Accept": "application/sparql-results+json"}


def sparql_url(text: str) -> str:
    return "/sparql?query=" + quote(text)


# -- the pure core ------------------------------------------------------------------------------

@pytest.mark.parametrize("header, tags", [
    (None, None),
    ("", None),
    ("*", ["*"]),
    ('"a"', ['"a"']),
    ('"a", W/"b",  "c"', ['"a"', 'W/"b"', '"c"']),
    ('"a,b", "c"', ['"a,b"', '"c"']),           # a comma inside a tag is part of it
    ('nonsense, "a"', ['"a"']),                 # what is not a tag is skipped
    ('"unterminated', []),
])
def test_if_none_match_is_read_by_its_quotes(header, tags):
    assert parse_if_none_match(header) == tags


@pytest.mark.parametrize("sent, current, matches", [
    (['"x"'], '"x"', True),
    (['W/"x"'], '"x"', True),                   # If-None-Match compares weakly (RFC 9110 13.1.2)
    (['"x"'], 'W/"x"', True),
    (['"y"', '"x"'], '"x"', True),
    (['"y"'], '"x"', False),
    (["*"], '"x"', True),
    ([], '"x"', False),
    (None, '"x"', False),
])
def test_weak_comparison(sent, current, matches):
    assert bool(none_match(sent, current)) is matches


def test_validator_depends_on_every_part():
    base = validator("t", 1, ["GET", "/sparql", "q"])
    assert base.startswith('"') and base.endswith('"') and not base.startswith("W/")
    assert base == validator("t", 1, ["GET", "/sparql", "q"])
    others = {validator("u", 1, ["GET", "/sparql", "q"]), validator("t", 2, ["GET", "/sparql", "q"]),
              validator("t", 1, ["GET", "/sparql", "r"]), validator("t", 1, ["GET", "/sparqlq", ""]),
              validator("t", 1, ["GET", "/sparql", "q", ""])}
    assert base not in others and len(others) == 5
    assert weak(base) == "W/" + base and weak(weak(base)) == "W/" + base


def outcome(body: bytes, status: int = 200) -> QueryOutcome:
    return QueryOutcome(status, "results" if status == 200 else "error", "json", body)


def test_result_cache_least_recently_used_out_first_within_its_bytes():
    cache = ResultCache(8 * 2000)
    keys = [ResultCache.key(1, f"q{i}", "json", "turtle", [], [], None, None) for i in range(20)]
    for key in keys[:3]:
        assert cache.put(key, outcome(b"x" * 1500))
    assert cache.get(keys[0]) is not None          # q0 is now the most recently used
    for key in keys[3:12]:
        cache.put(key, outcome(b"x" * 1500))
    stats = cache.stats()
    assert stats.bytes <= stats.capacity and stats.entries < 12
    assert cache.get(keys[1]) is None               # the least recently used went first
    kept = [k for k in keys[:12] if cache.get(k) is not None]
    assert kept and kept[-1] == keys[11]


def test_result_cache_keeps_only_whole_answers_of_the_current_generation():
    cache = ResultCache(80_000)
    key = ResultCache.key(2, "q", "json", "turtle", [], [], None, None)
    assert not cache.put(key, outcome(b"", 503))                     # errors never
    assert not cache.put(key, outcome(b"x" * 10_001))                # over an eighth of the cache
    assert cache.get(key) is None
    assert cache.put(key, outcome(b"ok"))
    cache.clear(3)                                                   # a reload to generation 3
    assert cache.stats().entries == 0 and cache.get(key) is None
    assert not cache.put(key, outcome(b"ok"))                        # finished on the old graph: dropped
    assert ResultCache(0).put(key, outcome(b"ok")) is False          # 0 turns it off
    with pytest.raises(ValueError, match="0 or more"):
        ResultCache(-1)


def test_result_cache_from_many_threads_stays_within_its_bytes():
    cache = ResultCache(50_000)
    errors: list[str] = []

    def worker(n: int):
        for i in range(400):
            key = ResultCache.key(1, f"q{(i * 7 + n) % 60}", "json", None, [], [], None, None)
            found = cache.get(key)
            if found is not None and found.body != b"%d" % ((i * 7 + n) % 60) * 300:
                errors.append(f"wrong body for {key[1]}")
            cache.put(key, outcome(b"%d" % ((i * 7 + n) % 60) * 300))
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stats = cache.stats()
    assert not errors and 0 < stats.bytes <= stats.capacity and stats.hits > 0
    with cache._lock:
        assert stats.bytes == sum(size for _, size in cache._entries.values())


# -- the rules, through the app -------------------------------------------------------------------

@pytest.fixture(scope="module")
def own_graph():
    """A graph of this module's own, so that reloading it leaves the session's graph alone."""
    from partnergraph.graph import PartnerGraph
    built = PartnerGraph.build(data=["data"], ontology_dir="ontology", queries_dir="queries", validate=False)
    yield built
    built.close()


@pytest.fixture(scope="module")
def own_app(own_graph):
    """One app for the module: what it computes per generation (VoID, the catalogue) is computed once."""
    from partnergraph.web.app import create_app
    return create_app({"VALIDATE": False, "WORKERS": 0, "ACCESS_LOG": False, "TESTING": True, "CACHE_MAX_AGE": 120},
                      graph=own_graph)


@pytest.fixture
def own_client(own_app):
    return own_app.test_client()


def test_a_query_answer_carries_a_strong_tag_and_its_freshness(own_client):
    response = own_client.get(sparql_url(COUNT), headers=JSON)
    assert response.status_code == 200
    tag = response.headers["ETag"]
    assert tag.startswith('"') and response.headers["Cache-Control"] == "public, max-age=120"
    assert "Accept" in response.vary
    again = own_client.get(sparql_url(COUNT), headers=JSON)
    assert again.headers["ETag"] == tag and again.data == response.data


@pytest.mark.parametrize("sent", ["{tag}", 'W/{tag}', '"other", {tag}', '"a", "b",{tag}', "*"])
def test_if_none_match_gives_304_with_the_fields_of_the_200(own_client, sent):
    first = own_client.get(sparql_url(COUNT), headers=JSON)
    tag = first.headers["ETag"]
    response = own_client.get(sparql_url(COUNT), headers={**JSON, "If-None-Match": sent.format(tag=tag)})
    assert response.status_code == 304 and response.data == b""
    assert response.headers["ETag"] == tag
    assert response.headers["Cache-Control"] == first.headers["Cache-Control"]
    assert response.headers["Vary"] == first.headers["Vary"]
    assert "Content-Type" not in response.headers


def test_another_tag_gets_the_whole_answer(own_client):
    response = own_client.get(sparql_url(COUNT), headers={**JSON, "If-None-Match": '"not-this-one", W/"nor-this"'})
    assert response.status_code == 200 and response.json["results"]["bindings"]


@pytest.mark.parametrize("change", [
    {"headers": {"Accept": "text/csv"}},
    {"query": COUNT + " LIMIT 1"},
    {"params": "&format=xml"},
    {"base": "http://other.example/"},
])
def test_the_tag_depends_on_what_is_asked(own_client, change):
    tag = own_client.get(sparql_url(COUNT), headers=JSON).headers["ETag"]
    url = sparql_url(change.get("query", COUNT)) + change.get("params", "")
    other = own_client.get(url, headers=change.get("headers", JSON), base_url=change.get("base", "http://localhost/"))
    assert other.status_code == 200 and other.headers["ETag"] != tag
    replay = own_client.get(url, headers={**change.get("headers", JSON), "If-None-Match": tag},
                            base_url=change.get("base", "http://localhost/"))
    assert replay.status_code == 200


def test_pages_vary_by_language_and_have_weak_tags(own_client):
    english = own_client.get("/page/municipality/vaxjo", headers={"Accept": "text/html", "Accept-Language": "en"})
    swedish = own_client.get("/page/municipality/vaxjo", headers={"Accept": "text/html", "Accept-Language": "sv"})
    assert english.status_code == swedish.status_code == 200
    assert "Accept-Language" in english.vary and "Cookie" in english.vary
    assert english.headers["ETag"].startswith('W/"') and english.headers["ETag"] != swedish.headers["ETag"]
    assert english.headers["Cache-Control"] == "public, max-age=120"
    replay = own_client.get("/page/municipality/vaxjo", headers={"Accept": "text/html", "Accept-Language": "en",
                                                                "If-None-Match": english.headers["ETag"]})
    assert replay.status_code == 304 and "Accept-Language" in replay.headers["Vary"]


@pytest.mark.parametrize("path, headers", [
    ("/data/municipality/vaxjo.ttl", {}),
    ("/.well-known/void", {"Accept": "text/turtle"}),
    ("/dumps/partnergraph.nt.gz", {}),
    ("/catalog", {}),
    ("/queries/partner-countries", {"Accept": "text/html"}),
    ("/fragments", {"Accept": "text/turtle"}),
    ("/browse/projects", {"Accept": "text/html"}),
    ("/", {"Accept": "text/html"}),
])
def test_every_read_only_route_answers_conditional_requests(own_client, path, headers):
    first = own_client.get(path, headers=headers)
    assert first.status_code == 200, first.data[:300]
    assert first.headers["Cache-Control"].startswith("public, max-age=")
    replay = own_client.get(path, headers={**headers, "If-None-Match": first.headers["ETag"]})
    assert replay.status_code == 304 and replay.data == b""


def test_post_queries_are_validated_too(own_client):
    """A POST carries its tag; a matching If-None-Match gets 412, as RFC 9110 13.1.2 has it for
    methods other than GET and HEAD."""
    form = own_client.post("/sparql", data={"query": COUNT}, headers=JSON)
    direct = own_client.post("/sparql", data=COUNT, content_type="application/sparql-query", headers=JSON)
    assert form.status_code == direct.status_code == 200
    assert form.headers["ETag"] != direct.headers["ETag"] and form.headers["Cache-Control"].startswith("public")
    for response, kwargs in ((form, {"data": {"query": COUNT}}),
                             (direct, {"data": COUNT, "content_type": "application/sparql-query"})):
        for sent in (response.headers["ETag"], "*"):
            again = own_client.post("/sparql", headers={**JSON, "If-None-Match": sent}, **kwargs)
            assert again.status_code == 412 and again.headers["Cache-Control"] == "no-store"
            assert again.json["error"]["status"] == 412 and "304" in again.json["error"]["message"]
    other = own_client.post("/sparql", data={"query": COUNT + " LIMIT 1"},
                            headers={**JSON, "If-None-Match": form.headers["ETag"]})
    assert other.status_code == 200


def test_errors_admin_and_health_are_never_stored(own_client):
    bad = own_client.get(sparql_url("SELECT * WHERE { ?s ?p }"), headers={**JSON, "If-None-Match": "*"})
    missing = own_client.get("/page/municipality/nowhere-at-all", headers={"If-None-Match": "*"})
    health = own_client.get("/healthz")
    admin = own_client.post("/admin/reload", headers={"Origin": "http://evil.example"})
    for response, status in ((bad, 400), (missing, 404), (health, 200), (admin, 403)):
        assert response.status_code == status
        assert response.headers["Cache-Control"] == "no-store" and "ETag" not in response.headers


def test_a_cookie_or_a_nonce_keeps_an_answer_out_of_shared_caches(own_graph):
    from flask import g

    from partnergraph.web.app import create_app
    app = create_app({"VALIDATE": False, "WORKERS": 0, "ACCESS_LOG": False, "TESTING": True}, graph=own_graph)

    @app.route("/test-nonce")
    def with_nonce():
        g.style_nonce = "abc"
        return "<p>nonce</p>"
    client = app.test_client()
    chosen = client.get("/?lang=sv", headers={"Accept": "text/html"})
    assert "Set-Cookie" in chosen.headers and chosen.headers["Cache-Control"] == "private, no-cache"
    nonce = client.get("/test-nonce")
    assert nonce.headers["Cache-Control"] == "no-store" and "ETag" not in nonce.headers


def test_an_external_store_gets_no_tags(own_graph):
    from partnergraph.web.app import create_app
    remote = dataclasses.replace(own_graph, endpoint="http://127.0.0.1:9/sparql")
    app = create_app({"VALIDATE": False, "WORKERS": 0, "ACCESS_LOG": False, "TESTING": True}, graph=remote)
    response = app.test_client().get(sparql_url(COUNT), headers=JSON)
    assert response.status_code == 200 and "ETag" not in response.headers
    assert response.headers["Cache-Control"].startswith("public")


def test_a_reload_changes_every_tag_and_empties_the_result_cache(own_graph, own_client):
    query = own_client.get(sparql_url(COUNT), headers=JSON)
    page = own_client.get("/page/municipality/vaxjo", headers={"Accept": "text/html"})
    own_client.get(sparql_url(COUNT), headers=JSON)
    before = own_client.get("/healthz").json
    assert before["result_cache"]["entries"] > 0 and before["result_cache"]["hits"] > 0
    reloaded = own_client.post("/admin/reload")
    assert reloaded.status_code == 200 and reloaded.headers["Cache-Control"] == "no-store"
    after = own_client.get("/healthz").json
    assert after["generation"] == before["generation"] + 1 and after["result_cache"]["entries"] == 0
    for response, path, headers in ((query, sparql_url(COUNT), JSON),
                                    (page, "/page/municipality/vaxjo", {"Accept": "text/html"})):
        fresh = own_client.get(path, headers={**headers, "If-None-Match": response.headers["ETag"]})
        assert fresh.status_code == 200 and fresh.headers["ETag"] != response.headers["ETag"]


class CountingRunner:
    """The graph's runner, counting the queries that reach it."""

    def __init__(self, inner):
        self.inner, self.calls = inner, 0

    def run(self, job, timeout=None):
        self.calls += 1
        return self.inner.run(job, timeout)

    def __getattr__(self, name):
        return getattr(self.inner, name)


def test_a_repeated_query_is_answered_without_the_engine(own_graph):
    from partnergraph.web.app import create_app
    app = create_app({"VALIDATE": False, "WORKERS": 0, "ACCESS_LOG": False, "TESTING": True}, graph=own_graph)
    client = app.test_client()
    original = own_graph.runner
    own_graph.runner = counting = CountingRunner(original)
    try:
        text = COUNT + " # repeated"
        first = client.get(sparql_url(text), headers=JSON)
        calls = counting.calls
        second = client.get(sparql_url(text), headers=JSON)
        post = client.post("/sparql", data={"query": text}, headers=JSON)
        assert first.status_code == second.status_code == post.status_code == 200
        assert first.data == second.data == post.data and counting.calls == calls == 1
        as_csv = client.get(sparql_url(text), headers={"Accept": "text/csv"})
        assert as_csv.status_code == 200 and counting.calls == 2   # another format is another answer
        refused = client.get(sparql_url("SELECT * WHERE { ?s ?p }"), headers=JSON)
        refused_again = client.get(sparql_url("SELECT * WHERE { ?s ?p }"), headers=JSON)
        assert refused.status_code == refused_again.status_code == 400
        assert counting.calls == 4                                 # an error is never kept
        assert own_graph.ask(PG + "ASK { ?m a pg:Municipality }", cache=False)
        assert own_graph.ask(PG + "ASK { ?m a pg:Municipality }", cache=False)
        assert counting.calls == 6                                 # cache=False asks the engine
    finally:
        own_graph.runner = original


def test_an_oversized_answer_is_not_kept(own_graph):
    from partnergraph.graph import PartnerGraph
    small = PartnerGraph.build(data=["data"], validate=False, result_cache_bytes=16_000)
    try:
        big = "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 200"
        assert len(small.answer(big).body) > small.results.largest_entry
        small.answer(big)
        small.answer(COUNT)
        small.answer(COUNT)
        stats = small.results.stats()
        assert stats.entries == 1 and stats.hits == 1 and stats.bytes <= stats.capacity
    finally:
        small.close()


def test_an_answer_that_called_another_endpoint_is_not_kept(own_graph, monkeypatch):
    """SERVICE to an allowed endpoint: that endpoint's data may change without a reload here."""
    from partnergraph.sparql.guard import Checked
    monkeypatch.setattr(own_graph, "guard", lambda text: Checked(text, services=["http://example.org/sparql"]))
    text = COUNT + " # as if federated"
    before = own_graph.results.stats()
    assert own_graph.answer(text).body == own_graph.answer(text).body
    after = own_graph.results.stats()
    assert after.entries == before.entries and after.hits == before.hits


def test_vary_names_the_language_only_where_the_answer_is_in_one(own_client):
    completion = own_client.get("/sparql/complete?q=v&ctx=any", headers={"Accept-Language": "sv"})
    data = own_client.get("/data/municipality/vaxjo.ttl", headers={"Accept-Language": "sv"})
    negotiated = own_client.get("/data/municipality/vaxjo", headers={"Accept": "text/turtle"})
    assert completion.status_code == data.status_code == negotiated.status_code == 200
    assert "Accept-Language" in completion.vary and completion.headers["ETag"].startswith('W/"')
    assert "Accept-Language" not in data.vary and "Accept" not in data.vary
    assert "Accept" in negotiated.vary and "Accept-Language" not in negotiated.vary
