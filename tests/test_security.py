"""Security review as tests: every route (read from the app's url_map, so a new route is covered
without listing it here) with hostile text in every parameter and path segment, path traversal
on every route that takes a path, the security headers on every kind of response, and error
bodies that never show a traceback, a file path or an exception class."""
from __future__ import annotations

import html
import http.client
import json
import re
from html.parser import HTMLParser
from urllib.parse import quote, unquote

import pytest
import requests

MARK = "pgxss"
HOSTILE = [
    f'<script>alert("{MARK}")</script>',
    f'"><svg onload=alert(1)>{MARK}',
    f"'><img src=x onerror=alert(1)>{MARK}",
    f"</script><script>alert(1)</script>{MARK}",
    f"{{{{7*7}}}}{MARK}${{7*7}}<%= 7*7 %>",
    "javascript:alert(1)",
    f"\u202e<script>\u200b{MARK}\u2028",
    f"\uff1cscript\uff1ealert(1)\uff1c/script\uff1e{MARK}",
    f"%3Cscript%3E{MARK}%253Cscript%253E",
    f"\x00<b>{MARK}</b>\x1b",
    f'" onmouseover="alert(1)" x="{MARK}',
    f"<!--{MARK}]]><![CDATA[",
    f"\U0001F600{MARK}\u0301\ufeff",
]
# What a reflected payload would look like had it not been escaped or had a template evaluated it.
RAW = ["<script>alert", "<svg onload", "<img src=x", "</script><script>", "<b>" + MARK, "49" + MARK,
       'onmouseover="alert', "<!--" + MARK]

# Values that make each route answer normally, so that parameters are reflected in a real page.
SAMPLES = {
    "rest": "municipality/vaxjo", "code": "4", "filename": None, "name": None,
}


def sample_args(rule, app) -> dict[str, str]:
    graph = app.extensions["partnergraph"]
    args = {}
    for arg in rule.arguments:
        value = SAMPLES.get(arg)
        if rule.rule.startswith("/static/"):
            value = "style.css"
        elif rule.rule.startswith("/dumps/"):
            value = "partnergraph.ttl"
        elif rule.rule.startswith("/alignment/"):
            value = "project-sdg.csv"
        elif rule.rule.startswith("/class/"):
            value = "Partnership"
        elif rule.rule.startswith("/queries/"):
            value = "projects-by-sdg" if "projects-by-sdg" in graph.queries else sorted(graph.queries)[0]
        elif rule.rule.startswith("/graph/"):
            value = "partnerships"
        args[arg] = value or "x"
    return args


def build(rule, args: dict[str, str]) -> str:
    path = rule.rule
    for arg, value in args.items():
        path = re.sub(r"<(?:[^:<>]+:)?" + re.escape(arg) + ">", lambda _, value=value: value, path)
    return path


def routes(app):
    """(rule, methods) for every route but the admin commands, which change state."""
    for rule in app.url_map.iter_rules():
        methods = sorted(m for m in rule.methods if m in ("GET", "POST"))
        yield rule, methods


# -- parsing what a browser would run ----------------------------------------------------------

class Page(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[tuple[dict, str]] = []
        self._in_script: dict | None = None
        self._script_text: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = {k.lower(): (v or "") for k, v in attrs}
        self.tags.append((tag.lower(), attributes))
        if tag.lower() == "script":
            self._in_script, self._script_text = attributes, []

    def handle_data(self, data):
        if self._in_script is not None:
            self._script_text.append(data)

    def handle_endtag(self, tag):
        if tag.lower() == "script" and self._in_script is not None:
            self.scripts.append((self._in_script, "".join(self._script_text)))
            self._in_script = None


def _scheme(url: str) -> str:
    cleaned = re.sub(r"[\x00-\x20\u200b\u202e]", "", url).lower()
    return cleaned.split(":", 1)[0] if ":" in cleaned.split("/", 1)[0] else ""


def assert_safe_html(body: str, where: str) -> None:
    page = Page()
    page.feed(body)
    page.close()
    for tag, attrs in page.tags:
        handlers = [a for a in attrs if a.startswith("on")]
        assert not handlers, f"{where}: <{tag}> has event handler attributes {handlers}"
        for attr in ("href", "src", "action", "formaction", "xlink:href"):
            if attr in attrs:
                assert _scheme(attrs[attr]) not in ("javascript", "vbscript", "data") or tag == "img", \
                    f"{where}: <{tag} {attr}={attrs[attr]!r}>"
        assert tag not in ("iframe", "object", "embed", "base"), f"{where}: <{tag}> in the page"
    for attrs, text in page.scripts:
        if attrs.get("type") == "application/ld+json":
            json.loads(text)  # data only, and it parsed as one JSON document: nothing broke out
        else:
            assert attrs.get("src", "").startswith("/static/") and not text.strip(), \
                f"{where}: an inline or foreign script {attrs} {text[:80]!r}"
    for raw in RAW:
        assert raw not in body, f"{where}: {raw!r} reflected unescaped"


# -- errors a client sees ---------------------------------------------------------------------

LEAKS = re.compile(r"Traceback|File \"|\.py\b|/work/|/tmp/|/home/|/root/|/usr/|site-packages|"
                   r"\b(?:[A-Z][a-z]+)+(?:Error|Exception)\b|werkzeug\.|jinja2\.|pyoxigraph\.|rdflib\.")


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)]


def assert_clean_error(response_text: str, status: int, where: str, sent: tuple[str, ...] = ()) -> None:
    """No internals in an error body; what the client sent itself (a path it asked for) may be
    quoted back, so it is taken out before looking."""
    text = html.unescape(response_text)
    try:
        text = " | ".join(_strings(json.loads(text)))
    except ValueError:
        pass
    for item in sent:
        decoded = {item, unquote(item), unquote(unquote(item))}
        for form in decoded | {repr(d)[1:-1] for d in decoded}:
            for part in sorted([form] + form.split("/"), key=len, reverse=True):
                text = text.replace(part, "") if len(part) > 2 else text
    leak = LEAKS.search(text)
    assert leak is None, f"{where}: the {status} error shows {leak.group()!r}: {response_text[:300]!r}"


def check_response(response, where: str, sent: tuple[str, ...] = ()) -> None:
    """The rules every response obeys, whatever was sent."""
    assert response.status_code < 500 or response.status_code in (503, 507), \
        f"{where}: {response.status_code} {response.get_data(as_text=True)[:300]!r}"
    body = response.get_data(as_text=True)
    if response.mimetype == "text/html":
        assert_safe_html(body, where)
    elif "json" in (response.mimetype or ""):
        assert "<script" not in body.lower() and "<svg" not in body.lower(), f"{where}: markup in JSON"
    if response.status_code >= 400:
        assert_clean_error(body, response.status_code, where, sent)
        if "json" in (response.mimetype or ""):
            error = json.loads(body)["error"]
            assert error["status"] == response.status_code and error["title"] and error["message"]
    assert response.headers.get("X-Content-Type-Options") == "nosniff", where
    assert response.headers.get("Referrer-Policy"), where


# -- hostile input on every route ------------------------------------------------------------

PARAMS = ("q", "query", "lang", "default-graph-uri", "named-graph-uri", "sdg", "municipality", "x")
BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_every_route_is_covered(app):
    """The sweep below reaches every route of the app (a route added later is swept too)."""
    swept = {rule.rule for rule, methods in routes(app) if methods}
    assert {"/sparql", "/page/<path:rest>", "/search", "/queries/<name>", "/static/<path:filename>"} <= swept
    assert len(swept) == len([r for r in app.url_map.iter_rules()])


@pytest.mark.parametrize("accept", [BROWSER, {"Accept": "application/json"}, {}], ids=["browser", "json", "none"])
def test_hostile_parameters_are_never_reflected_raw(app, client, accept):
    graph = app.extensions["partnergraph"]
    named_params = sorted({p.name for q in graph.queries.values() for p in q.parameters})
    tried = 0
    for rule, methods in routes(app):
        if "GET" not in methods:
            continue
        path = build(rule, sample_args(rule, app))
        for payload in HOSTILE:
            params = {name: payload for name in PARAMS + tuple(named_params)}
            for query_string in (params, {**params, "format": payload}, {"format": "html", "q": payload}):
                if rule.rule == "/sparql" and "query" in query_string and accept is not BROWSER:
                    query_string = {**query_string, "query": f"ASK {{ FILTER(\"{payload[:20]}\" != \"\") }}"}
                response = client.get(path, query_string=query_string, headers=accept)
                check_response(response, f"GET {path} {query_string.get('format')!r} {payload!r}")
                tried += 1
    assert tried > 100


def test_hostile_headers_are_never_reflected_raw(app, client):
    for rule, methods in routes(app):
        if "GET" not in methods:
            continue
        path = build(rule, sample_args(rule, app))
        for payload in HOSTILE[:6]:
            client.set_cookie("lang", payload.encode("utf-8", "replace").decode("latin-1", "replace")[:40])
            response = client.get(path, headers={**BROWSER, "Accept-Language": "sv;q=0.5, x-" + quote(payload),
                                                 "Referer": payload.encode().decode("latin-1")})
            check_response(response, f"GET {path} with hostile headers {payload!r}")
        client.delete_cookie("lang")


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_path_segments(app, client, payload):
    for rule, methods in routes(app):
        if not rule.arguments or "GET" not in methods:
            continue
        for arg in rule.arguments:
            args = sample_args(rule, app)
            for encoded in (quote(payload, safe=""), quote(payload, safe="/:")):
                args[arg] = encoded
                path = build(rule, args)
                for headers in (BROWSER, {}):
                    response = client.get(path, headers=headers)
                    check_response(response, f"GET {path}", sent=(path,))


def test_query_results_cannot_link_to_scripts(client):
    """IRIs in a result come from the client's own query: javascript:, data: and vbscript: IRIs
    are shown as text, never made into links."""
    for query in ("SELECT ?x WHERE { VALUES ?x { <javascript:alert(1)> <JaVaScRiPt:alert(2)> <data:text/html,x> "
                  "<vbscript:x> <https://example.org/ok> } }",
                  "CONSTRUCT { <javascript:alert(1)> <data:x,y> <vbscript:z> } WHERE {}"):
        response = client.get("/sparql", query_string={"query": query}, headers=BROWSER)
        assert response.status_code == 200
        body = response.get_data(as_text=True)
        check_response(response, query)
        assert "javascript:alert(1)" in body  # shown, as text


def test_jsonld_in_pages_cannot_break_out_of_script(app):
    """The JSON-LD island in a resource page: '</script>', '<!--' and U+2028 in the data stay
    inside the JSON string."""
    from partnergraph.web.responses import script_json
    nasty = json.dumps({"@id": "x", "label": "</script><script>alert(1)</script><!-- \u2028 & '"},
                       ensure_ascii=False)
    with app.test_request_context():
        rendered = str(script_json(nasty))
    assert "</script" not in rendered.lower() and "<!--" not in rendered
    assert json.loads(rendered)["label"].startswith("</script>")
    html = f'<script type="application/ld+json">{rendered}</script>'
    assert_safe_html(html, "script_json")


# -- path traversal ------------------------------------------------------------------------

TRAVERSALS = [
    "../../../../../../etc/passwd", "..%2f..%2f..%2f..%2f..%2fetc%2fpasswd", "%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
    "%2e%2e%2f%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..%252f..%252f..%252fetc%252fpasswd", "/etc/passwd", "//etc/passwd",
    "%2fetc%2fpasswd", "....//....//....//etc/passwd", "..\\..\\..\\..\\etc\\passwd", "..%5c..%5c..%5cetc%5cpasswd",
    "%c0%ae%c0%ae/%c0%ae%c0%ae/etc/passwd", "x%00.ttl", "style.css%00.py", "%00", "..;/..;/etc/passwd",
    "file:///etc/passwd", "../app.py", "..%2fapp.py", "../templates/base.html", "../../../../pyproject.toml",
    "../../../../../../../../..{secret}", "..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f..{secret_q}", "{secret}",
]
# What would show that a file outside the published ones was served.
FOREIGN = ["root:x:0:0", "def create_app", "{% extends", "[project]", "import ", "SECRET-{token}"]


@pytest.fixture(scope="module")
def secret(tmp_path_factory):
    path = tmp_path_factory.mktemp("outside") / "secret.ttl"
    token = "a7c1e0f4"
    path.write_text(f"<urn:x> <urn:y> \"SECRET-{token}\" .\n")
    return path, token


def traversal_paths(app, secret):
    path, token = secret
    for rule, methods in routes(app):
        if not rule.arguments or "GET" not in methods:
            continue
        for arg in rule.arguments:
            for attack in TRAVERSALS:
                args = sample_args(rule, app)
                args[arg] = attack.format(secret=str(path), secret_q=quote(str(path), safe=""))
                yield build(rule, args)


def assert_nothing_foreign(status: int, body: bytes, where: str, token: str) -> None:
    text = body.decode("utf-8", "replace")
    for marker in FOREIGN:
        marker = marker.replace("{token}", token)
        assert marker not in text, f"{where}: served {marker!r} ({status})"
    assert status < 500, f"{where}: {status}"


def test_path_traversal_with_the_test_client(app, client, secret):
    count = 0
    for path in traversal_paths(app, secret):
        response = client.get(path)
        assert_nothing_foreign(response.status_code, response.data, path, secret[1])
        check_response(response, f"GET {path}", sent=(path, str(secret[0].parent)))
        count += 1
    assert count >= len(TRAVERSALS) * 6


@pytest.mark.server
def test_path_traversal_on_the_wire(live_server, pooled_app, secret):
    """The same paths sent byte for byte (no client-side normalisation of '..' or '%2f') to the
    real server."""
    count = 0
    for path in traversal_paths(pooled_app, secret):
        connection = http.client.HTTPConnection("127.0.0.1", live_server.port, timeout=30)
        try:
            connection.putrequest("GET", path, skip_accept_encoding=True)
            connection.putheader("Accept", "*/*")
            connection.endheaders()
            response = connection.getresponse()
            body = response.read()
        finally:
            connection.close()
        assert_nothing_foreign(response.status, body, path, secret[1])
        if response.status >= 400:
            assert_clean_error(body.decode("utf-8", "replace"), response.status, path,
                               sent=(path, str(secret[0].parent)))
        count += 1
    assert count >= len(TRAVERSALS) * 6
    assert requests.get(live_server.url + "/static/style.css", timeout=30).status_code == 200


# -- headers --------------------------------------------------------------------------------

HTML_CSP = re.compile(r"default-src 'self'")


@pytest.mark.server
def test_security_headers_on_every_kind_of_response(live_server):
    base = live_server.url
    ask = "ASK { ?s ?p ?o }"
    cases = [
        ("dashboard", "GET", "/", {"headers": BROWSER}),
        ("resource page", "GET", "/page/municipality/vaxjo", {"headers": BROWSER}),
        ("query page", "GET", "/sparql", {"headers": BROWSER}),
        ("html error", "GET", "/page/no/such", {"headers": BROWSER}),
        ("json error", "GET", "/no/such/route", {}),
        ("results json", "GET", "/sparql", {"params": {"query": ask}}),
        ("results xml", "GET", "/sparql", {"params": {"query": ask, "format": "xml"}}),
        ("results csv", "POST", "/sparql", {"data": {"query": "SELECT * { ?s ?p ?o } LIMIT 1", "format": "csv"}}),
        ("turtle", "GET", "/data/municipality/vaxjo.ttl", {}),
        ("rdf/xml", "GET", "/data/municipality/vaxjo.rdf", {}),
        ("redirect", "GET", "/id/municipality/vaxjo", {"allow_redirects": False}),
        ("stylesheet", "GET", "/static/style.css", {}),
        ("script", "GET", "/static/query.js", {}),
        ("gzip dump", "GET", "/dumps/partnergraph.nt.gz", {}),
        ("preflight", "OPTIONS", "/sparql", {"headers": {"Origin": "https://example.org",
                                                         "Access-Control-Request-Method": "POST"}}),
        ("method not allowed", "PUT", "/sparql", {}),
        ("bad query", "GET", "/sparql", {"params": {"query": "SELEC"}}),
        ("unsupported type", "POST", "/sparql", {"data": b"ASK {}", "headers": {"Content-Type": "text/plain"}}),
        ("too large", "POST", "/sparql", {"data": b"#" * 200_100,
                                          "headers": {"Content-Type": "application/sparql-query"}}),
        ("health", "GET", "/healthz", {}),
    ]
    for name, method, path, kwargs in cases:
        response = requests.request(method, base + path, timeout=30, **kwargs)
        where = f"{name}: {method} {path} -> {response.status_code}"
        assert response.status_code < 500, where
        headers = response.headers
        assert headers.get("X-Content-Type-Options") == "nosniff", where
        assert headers.get("Referrer-Policy") in ("no-referrer", "same-origin", "strict-origin",
                                                  "strict-origin-when-cross-origin"), where
        server = headers.get("Server", "")
        assert not re.search(r"\d", server) and "python" not in server.lower(), f"{where}: Server: {server}"
        assert "X-Powered-By" not in headers, where
        mimetype = headers.get("Content-Type", "").split(";")[0].strip()
        if mimetype == "text/html":
            csp = headers.get("Content-Security-Policy", "")
            assert HTML_CSP.search(csp) and "frame-ancestors 'none'" in csp, where
            assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
        elif name not in ("stylesheet", "script"):
            csp = headers.get("Content-Security-Policy", "")
            assert "default-src 'none'" in csp, f"{where}: {csp!r}"
        if response.status_code >= 400:
            assert_clean_error(response.text, response.status_code, where)


# -- errors never show internals -------------------------------------------------------------

def test_an_unexpected_failure_shows_no_internals(graph):
    """A view that fails with an exception whose text holds a path: the client gets the error
    shape and none of it."""
    from partnergraph.web.app import create_app
    app = create_app({"VALIDATE": False, "WORKERS": 0, "ACCESS_LOG": False}, graph=graph)

    def boom():
        raise RuntimeError('File "/work/main/src/partnergraph/secret.py", line 1: KeyError in site-packages')
    app.add_url_rule("/boom", "boom", boom)
    client = app.test_client()
    for headers in ({}, BROWSER):
        response = client.get("/boom", headers=headers)
        assert response.status_code == 500
        assert_clean_error(response.get_data(as_text=True), 500, "/boom")
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_error_bodies_show_no_internals_for_hostile_queries(client):
    """Queries that make the parsers and the engine fail in odd ways: the messages quote the
    query at most, never the server."""
    queries = ["SELECT * WHERE { SERVICE <http://a/\\uD800> { ?s ?p ?o } }", "\x00\x01", "SELECT (",
               "PREFIX : <" + "{" * 40 + "> SELECT * {}", "ASK { FILTER(<file:///etc/passwd>) }",
               "SELECT * WHERE { ?s ?p ?o } LIMIT 99999999999999999999999",
               "SELECT * WHERE { BIND(<javascript:alert(1)> AS ?x) SERVICE ?x { } }",
               "DESCRIBE <" + "a" * 3000 + ">", "SELECT * WHERE { ?s ?p ?o FILTER(REGEX(?o, '(((')) }",
               'SELECT * WHERE { ?s ?p "\\uD800" }', "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o } LIMIT -5"]
    for query in queries:
        for headers in ({}, BROWSER):
            response = client.get("/sparql", query_string={"query": query}, headers=headers)
            check_response(response, query)


def test_admin_is_refused_from_a_web_page(client):
    response = client.post("/admin/reload", headers={"Origin": "https://evil.example"})
    assert response.status_code == 403
    check_response(response, "POST /admin/reload from a page")
