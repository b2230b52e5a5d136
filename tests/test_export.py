"""partnergraph export DIR: the static site, served by a plain static server under a sub-path and
crawled from its index page: no broken links, no absolute internal links, every resource as a page
in both languages and as data in every format."""
from __future__ import annotations

import functools
import re
import shutil
import subprocess
import threading
import urllib.error
import urllib.request
from collections import deque
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urldefrag, urljoin, urlsplit

import pytest
import rdflib

from partnergraph.static_site import export

BASE = "https://w3id.org/partnergraph/"
DATA_FORMATS = {"ttl": "turtle", "jsonld": "json-ld", "nt": "nt", "rdf": "xml"}


@pytest.fixture(scope="module")
def site(graph, tmp_path_factory):
    from partnergraph.web.app import create_app
    app = create_app({"VALIDATE": False, "WORKERS": 0, "ACCESS_LOG": False}, graph=graph)
    out = tmp_path_factory.mktemp("export") / "site"
    seen = []
    summary = export.export_site(app, app.extensions["partnergraph"], out,
                                 progress=lambda path, done, total: seen.append((done, total)))
    assert seen and seen[-1][0] == seen[-1][1]
    return out, summary


class _Quiet(SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def served(site):
    """The export's parent directory on a plain static server: the site lives at /site/."""
    out, _ = site
    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out.parent)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/site/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def resources(graph):
    """Every subject under id/, computed here independently of the export."""
    rows = graph.select("SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s ?p ?o } "
                        f'FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}id/")) }}')
    found = sorted(r["s"]["value"] for r in rows)
    assert len(found) > 100
    return found


class _Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src", "action", "xlink:href") and value is not None:
                self.links.append(value)
            if name in ("id", "name") and value:
                self.ids.add(value)

    handle_startendtag = handle_starttag


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.headers.get("Content-Type", ""), response.read()
    except urllib.error.HTTPError as err:
        return err.code, "", b""


@pytest.fixture(scope="module")
def crawl(served):
    """Every URL reachable from index.html: {url: body}; plus broken links and absolute links."""
    bodies: dict[str, bytes] = {}
    broken, absolute, fragments = [], [], []
    queue = deque([served + "index.html"])
    seen = {served + "index.html"}
    ids: dict[str, set[str]] = {}
    while queue:
        url = queue.popleft()
        status, ctype, body = fetch(url)
        if status != 200:
            broken.append(url)
            continue
        bodies[url] = body
        if not ctype.startswith("text/html"):
            continue
        parser = _Links()
        parser.feed(body.decode("utf-8"))
        ids[url] = parser.ids
        for link in parser.links:
            parts = urlsplit(link)
            if parts.scheme in ("http", "https", "mailto") or link.startswith("//"):
                continue
            if link.startswith("/"):
                absolute.append((url, link))
                continue
            target, fragment = urldefrag(urljoin(url, link))
            target = target.split("?", 1)[0]
            if not target.startswith(served):
                broken.append((url, link))
                continue
            if target.endswith("/"):
                target += "index.html"
            if fragment:
                fragments.append((url, target, fragment))
            if target not in seen:
                seen.add(target)
                queue.append(target)
    return {"bodies": bodies, "broken": broken, "absolute": absolute, "fragments": fragments, "ids": ids}


def test_no_broken_links(crawl, site):
    assert crawl["broken"] == []
    assert not site[1].failures
    assert len(crawl["bodies"]) > 1000


def test_no_absolute_internal_links(crawl):
    assert crawl["absolute"] == []


def test_fragments_point_at_ids(crawl):
    missing = [(page, target, frag) for page, target, frag in crawl["fragments"]
               if target in crawl["ids"] and frag not in crawl["ids"][target]]
    assert missing == []


def test_every_resource_has_pages_in_both_languages_and_data_in_every_format(crawl, served, resources):
    bodies = crawl["bodies"]
    for iri in resources:
        rest = iri[len(BASE + "id/"):]
        for page in (f"{served}page/{rest}/index.html", f"{served}sv/page/{rest}/index.html"):
            assert page in bodies, f"{iri}: no page {page}"
        assert b'lang="sv"' in bodies[f"{served}sv/page/{rest}/index.html"][:200]
        for ext, rdflib_format in DATA_FORMATS.items():
            url = f"{served}data/{rest}.{ext}"
            assert url in bodies, f"{iri}: no {ext} data linked"
            g = rdflib.Graph()
            g.parse(data=bodies[url], format=rdflib_format, publicID=url)
            assert (rdflib.URIRef(iri), None, None) in g, f"{url} does not describe {iri}"


def test_pages_match_the_live_views(site, app, client):
    """The exported page is the view's page with only its links rewritten."""
    out, _ = site
    live = client.get("/page/municipality/vaxjo?lang=sv", headers={"Accept": "text/html"}).get_data(as_text=True)
    static = (out / "sv/page/municipality/vaxjo/index.html").read_text(encoding="utf-8")
    strip = lambda text: re.sub(r'\s(href|src|action)="[^"]*"', "", text)  # noqa: E731
    assert strip(live) == strip(static)


def test_documents_dumps_and_void(crawl, served, site):
    bodies = crawl["bodies"]
    for path in ("ontology/index.html", "sv/ontology/index.html", "shapes/index.html", "ontology.ttl",
                 "shapes.ttl", "queries/index.html", ".well-known/void/index.html", "dumps/index.html",
                 "dumps/partnergraph.ttl", "dumps/partnergraph.nt.gz", "class/Municipality/index.html",
                 "sdg/4/index.html", "sv/sdg/4/index.html", "static/style.css", "sdg-colours.css"):
        assert served + path in bodies, path
    for name in ("ontology", "shapes"):
        rdflib.Graph().parse(data=bodies[f"{served}{name}.ttl"], format="turtle")
    void_url = served + ".well-known/void.ttl"
    assert void_url in bodies
    void = rdflib.Graph().parse(data=bodies[void_url], format="turtle", publicID=void_url)
    dumps = [str(o) for o in void.objects(None, rdflib.URIRef("http://rdfs.org/ns/void#dataDump"))]
    assert dumps and all(d.startswith(served + "dumps/") for d in dumps)
    for dump in dumps:
        assert fetch(dump)[0] == 200
    assert not list(void.objects(None, rdflib.URIRef("http://rdfs.org/ns/void#sparqlEndpoint")))


def test_mapping_sets_exported(crawl, served, client):
    from partnergraph.publishing import mappings
    bodies = crawl["bodies"]
    assert served + "mappings/index.html" in bodies and served + "sv/mappings/index.html" in bodies
    for name in mappings.BY_NAME:
        for suffix in (".sssom.tsv", ".sssom.ttl"):
            url = f"{served}mappings/{name}{suffix}"
            assert fetch(url)[2] == client.get(f"/mappings/{name}{suffix}").data, url


def test_named_queries_exported_with_results(crawl, served, graph):
    bodies = crawl["bodies"]
    for name in graph.queries:
        page = f"{served}queries/{name}/index.html"
        assert page in bodies, name
        assert b"query-text" in bodies[page]
        assert f"{served}sv/queries/{name}/index.html" in bodies


def test_sparql_and_search_are_note_pages(crawl, served):
    for path in ("sparql/index.html", "sv/sparql/index.html", "search/index.html"):
        assert served + path in crawl["bodies"]
    assert b"static copy" in crawl["bodies"][served + "sparql/index.html"]


def test_server_configs(site):
    out, _ = site
    nginx = (out / "nginx.conf").read_text()
    htaccess = (out / ".htaccess").read_text()
    for text in (nginx, htaccess):
        assert "303" in text and "text/turtle" in text and "application/ld+json" in text
        assert "application/n-triples" in text and "application/rdf+xml" in text and "application/gzip" in text
        assert "Vary" in text
    assert "id/" in nginx and "R=303" in htaccess


def test_nginx_config_syntax(site, tmp_path):
    nginx = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")
    if not nginx:
        pytest.skip("nginx is not installed (Debian package nginx); the snippet's syntax is not checked")
    out, _ = site
    import socket
    with socket.socket() as probe:  # nginx refuses port 0; -t checks the file and binds nothing
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    conf = tmp_path / "nginx-test.conf"
    conf.write_text(f"""error_log {tmp_path}/error.log; pid {tmp_path}/nginx.pid;
events {{}}
http {{
  access_log off;
  server {{ listen 127.0.0.1:{port}; root {out.parent}; include {out}/nginx.conf; }}
}}
""")
    result = subprocess.run([nginx, "-t", "-c", str(conf), "-p", str(tmp_path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_rewrite_links_touches_attributes_only():
    text = ('<p>See href="/page/x" and <code>/page/y</code></p><a class="a" href="/page/a/b?lang=sv#f">x</a>'
            '<script type="application/ld+json">{"@id": "/page/z", "h": "<a href=\\"/q\\">"}</script>'
            "<img src='/static/x.png' alt=\"/x\">")
    out = export.rewrite_links(text, lambda v: "R(" + v + ")")
    assert '<a class="a" href="R(/page/a/b?lang=sv#f)">' in out
    assert '<img src="R(/static/x.png)" alt="/x">' in out
    assert 'See href="/page/x" and <code>/page/y</code>' in out
    assert '{"@id": "/page/z", "h": "<a href=\\"/q\\">"}' in out


def test_url_mapping():
    t = export.target_for("/page/municipality/vaxjo?lang=sv", "en")
    assert t.out == "sv/page/municipality/vaxjo/index.html" and t.link == "sv/page/municipality/vaxjo/"
    assert export.target_for("/id/municipality/vaxjo", "en").out == "page/municipality/vaxjo/index.html"
    assert export.target_for("/id/municipality/vaxjo.nt", "sv").out == "data/municipality/vaxjo.nt"
    assert export.target_for("/ontology?format=jsonld", "sv").out == "ontology.jsonld"
    assert export.target_for("/.well-known/void?format=turtle", "en").out == ".well-known/void.ttl"
    assert export.target_for("/sparql?query=x", "en", "https://example.org/").startswith("https://example.org/sparql")
    assert export.target_for("https://example.org/x", "en") is None
    assert export.relative("page/a/b/", "sv/page/c/d") == "../../../../page/a/b/"
    assert export.relative("", "page/a/b") == "../../../"
    assert export.relative("data/a/b.ttl", "") == "data/a/b.ttl"
    assert export.relative("page/a/b/", "page/a/b", explicit_index=True) == "./index.html"


# The command's wiring over two data files (the whole site's export is the `site` fixture's).
SMALL = ["--data", "data/places.ttl", "--data", "data/sources.ttl"]


def test_cli_export(runner, tmp_path):
    from partnergraph.cli import main
    out = tmp_path / "site"
    result = runner.invoke(main, ["export", str(out), *SMALL, "--lang", "en", "--no-validate",
                                  "--base-url", "https://example.org/pg/"])
    assert result.exit_code == 0, result.output
    assert re.search(r"Exported [\d,]+ files \([\d,]+ bytes; .*\) to .* in [\d.]+ s", result.output)
    assert (out / "page/municipality/vaxjo/index.html").is_file()
    assert not (out / "sv").exists()
    void = (out / ".well-known/void.nt").read_text()
    assert "<https://example.org/pg/dumps/partnergraph.ttl>" in void
    # a second export into the same directory replaces the first; a foreign directory is refused
    assert runner.invoke(main, ["export", str(out), *SMALL, "--lang", "en", "--no-validate"]).exit_code == 0
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "keep.txt").write_text("mine")
    result = runner.invoke(main, ["export", str(foreign), *SMALL, "--no-validate"])
    assert result.exit_code == 1 and (foreign / "keep.txt").exists()
