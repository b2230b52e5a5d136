"""The static site: every page, data file, document and dump of the live server, rendered through
the same Flask views (the test client) and written as files that any static host can serve under
any path.

Layout of DIR (English pages at the top, Swedish pages under sv/, language-neutral files once):

    index.html                          the dashboard            sv/index.html
    page/{kind}/{slug}/index.html       a resource's page        sv/page/{kind}/{slug}/index.html
    data/{kind}/{slug}.{ttl,jsonld,nt,rdf}   its data (outgoing and incoming links)
    class/{Name}/index.html             class listings           sv/class/...
    sdg/{N}/index.html, sdg/{N.M}/      SDG goals and targets    sv/sdg/...
    ontology/index.html, ontology.{ttl,jsonld,nt,rdf}            (shapes/ likewise)
    queries/index.html, queries/{name}/index.html, queries/{name}.{srj,srx,csv,tsv,...}
    .well-known/void/index.html, .well-known/void.{ttl,jsonld,rdf,nt}
    catalog.{rdf,ttl,jsonld,nt}         the DCAT-AP catalogue for data portals (absolute IRIs)
    dumps/index.html, dumps/partnergraph.{ttl,nt.gz,jsonld,nq.gz}
    mappings/index.html, mappings/{set}/index.html, mappings/{set}.sssom.{tsv,ttl}   the SSSOM mapping sets
    graph/{name}.ttl                    the named graphs
    static/..., sdg-colours.css         stylesheets and scripts
    sparql/index.html, search/index.html   notes: these need a live server (or link to --live-url)
    nginx.conf, .htaccess               /id/ 303 redirects by Accept, media types
    .nojekyll                           so GitHub Pages publishes .well-known/

Every internal link is rewritten to a relative one (links to directories end in '/'), so the
site works at the root of a host or under any sub-path. Only href, src and action attributes of
start tags are touched; text, scripts (the JSON-LD blocks) and styles are left as rendered.
"""
from __future__ import annotations

import html
import posixpath
import re
import shutil
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

import jinja2

from .. import rq
from ..drawing import dashboard
from ..publishing import catalog, dataset
from ..resources.labels import LANGS
from ..sparql import formats

PLACEHOLDER_SITE = "http://partnergraph-export.invalid/"
HTML_ACCEPT = {"Accept": "text/html"}
RDF_EXTS = {f.extension: f for f in formats.GRAPH_FORMATS}          # ttl, jsonld, nt, rdf
DOC_PATHS = ("/ontology", "/shapes", "/.well-known/void")
FILES = Path(__file__).resolve().parent / "files"   # web-server configuration, note page

Progress = Callable[[str, int, int], None]   # (path written, done, total so far)


class ExportError(Exception):
    """The export could not produce a consistent site (a page failed to render)."""


@dataclass
class ExportSummary:
    out_dir: Path
    files: int = 0
    bytes: int = 0
    seconds: float = 0.0
    pages: int = 0
    resources: int = 0
    langs: tuple[str, ...] = LANGS
    failures: list[tuple[str, int]] = field(default_factory=list)   # (url, status) of links that failed

    def line(self) -> str:
        return (f"Exported {self.files:,} files ({self.bytes:,} bytes; {self.pages:,} pages, "
                f"{self.resources:,} resources) to {self.out_dir} in {self.seconds:.1f} s")


@dataclass(frozen=True)
class Target:
    """One file of the export: where it goes and how to ask the app for it."""
    out: str                  # path in DIR, e.g. 'sv/page/municipality/vaxjo/index.html'
    link: str                 # what a link points at: out, or its directory for index pages
    path: str                 # the request path
    query: tuple = ()         # the request's query arguments
    html: bool = False        # an HTML page (its links get rewritten)
    lang: str | None = None
    headers: tuple = ()
    note: str | None = None   # 'sparql' or 'search': a page we write ourselves


# -- the URL -> file mapping ----------------------------------------------------------------------

def _page(path: str, lang: str, query: tuple = ()) -> Target:
    """An HTML page: path/index.html, under sv/ for Swedish."""
    stem = path.strip("/")
    prefix = "" if lang == "en" else f"{lang}/"
    directory = prefix + (stem + "/" if stem else "")
    return Target(directory + "index.html", directory, path, tuple(query) + (("lang", lang),),
                  html=True, lang=lang, headers=tuple(HTML_ACCEPT.items()))


def _file(out: str, path: str, query: tuple = ()) -> Target:
    return Target(out, out, path, tuple(query))


def target_for(url: str, lang: str, live_url: str | None = None, langs=LANGS) -> Target | str | None:
    """The export file for an internal URL ('/page/x/y?lang=sv') linked from a page in lang; a
    string when the link should point elsewhere (the live server); None when it is not a site URL
    (external, fragment). A link to a language not exported stays in lang."""
    parts = urlsplit(url)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return None
    path = parts.path
    args = dict(parse_qsl(parts.query, keep_blank_values=True))
    chosen = args.pop("lang", None)
    if chosen not in langs:
        chosen = None
    lang = chosen or lang
    fmt = args.pop("format", None)

    if path in ("/sparql", "/search", "/builder") or path.startswith(("/sparql/", "/search/", "/builder/")):
        if live_url:
            return live_url.rstrip("/") + url
        name = path.strip("/").split("/")[0]
        target = _page("/" + name, lang)
        return Target(target.out, target.link, target.path, (), html=True, lang=lang, note=name)
    if path.startswith("/static/") or path == "/sdg-colours.css":
        return _file(path.lstrip("/"), path)
    if path.startswith("/id/"):
        rest = path[len("/id/"):]
        stem, _, ext = rest.rpartition(".")
        if stem and ext in RDF_EXTS:
            return _file(f"data/{rest}", f"/data/{rest}")
        return _page("/page/" + rest.strip("/"), lang)
    if path.startswith("/data/"):
        return _file(path.lstrip("/"), path)
    if path in DOC_PATHS:
        if fmt and fmt != "html":
            ext = formats.by_name(fmt, "graph").extension
            return _file(f"{path.lstrip('/')}.{ext}", path, (("format", fmt),))
        return _page(path, lang)
    if path == "/catalog":
        ext = formats.by_name(fmt or "rdfxml", "graph").extension
        return _file(f"catalog.{ext}", path, (("format", fmt or "rdfxml"),))
    if path.startswith("/dumps/") and path != "/dumps/":
        return _file(path.lstrip("/"), path)
    if path.startswith("/mappings/") and ".sssom." in path:
        return _file(path.lstrip("/"), path)
    if (path == "/mappings" or path.startswith("/mappings/")) and fmt and fmt != "html":
        return _file(f"{path.strip('/')}.{formats.by_name(fmt).extension}", path, (("format", fmt),))
    if path.startswith("/graph/"):
        name = path[len("/graph/"):]
        out = name if name.rpartition(".")[2] in RDF_EXTS else name + ".ttl"
        return _file("graph/" + out, path)
    if path.startswith("/queries/") and fmt and fmt != "html":
        name = path[len("/queries/"):].strip("/")
        ext = formats.by_name(fmt).extension
        prefix = "" if lang == "en" else f"{lang}/"
        query = tuple(sorted(args.items())) + (("format", fmt),)
        if chosen:
            query += (("lang", chosen),)
        return _file(f"{prefix}queries/{name}.{ext}", path, query)
    if path.startswith(("/browse", "/class/")):
        # facet choices, sorting and pages are states only a live server computes; the unfiltered
        # table (HTML, JSON, CSV) of every kind and class is exported
        if args:
            if live_url:
                return live_url.rstrip("/") + url
            target = _page("/browse/choices", lang)
            return Target(target.out, target.link, "/browse", (), html=True, lang=lang, note="browse")
        stem, dot, ext = path.rpartition(".")
        if dot and ext in ("json", "csv"):
            prefix = "" if lang == "en" else f"{lang}/"
            return _file(f"{prefix}{path.lstrip('/')}", path, (("lang", lang),))
    # everything else is a page: /, /page/..., /class/..., /sdg/..., /dumps/, /queries, /queries/x
    return _page(path, lang)


def relative(link: str, from_dir: str, explicit_index: bool = False) -> str:
    """A relative URL from the directory from_dir ('' or 'a/b/') to link ('x/y/' or 'x/y.ttl')."""
    is_dir = link == "" or link.endswith("/")
    rel = posixpath.relpath(link.rstrip("/") or ".", from_dir.rstrip("/") or ".")
    if is_dir:
        rel = "./" if rel == "." else rel + "/"
        if explicit_index:
            rel += "index.html"
    return rel


# -- link rewriting -------------------------------------------------------------------------------

_LINK_ATTRS = ("href", "src", "action", "xlink:href")
_ATTR_RE = re.compile(r"""(\s(?:xlink:href|href|src|action)\s*=\s*)("[^"]*"|'[^']*'|[^\s"'=<>`]+)""", re.I)


class _TagFinder(HTMLParser):
    """Finds the start tags (with their offsets) that carry a link attribute."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.lines = [0]
        for line in text.splitlines(keepends=True):
            self.lines.append(self.lines[-1] + len(line))
        self.tags: list[tuple[int, str]] = []

    def handle_starttag(self, tag, attrs):
        if any(name in _LINK_ATTRS for name, _ in attrs):
            line, col = self.getpos()
            self.tags.append((self.lines[line - 1] + col, self.get_starttag_text()))

    handle_startendtag = handle_starttag


def rewrite_links(text: str, rewrite: Callable[[str], str]) -> str:
    """text with every href/src/action value of every start tag replaced by rewrite(value)."""
    finder = _TagFinder(text)
    finder.feed(text)
    finder.close()
    out, last = [], 0
    for offset, raw in finder.tags:
        if text[offset:offset + len(raw)] != raw:      # defensive: never splice a mismatch
            continue

        def attr(match):
            quoted = match.group(2)
            value = html.unescape(quoted[1:-1] if quoted[0] in "\"'" else quoted)
            return f'{match.group(1)}"{html.escape(rewrite(value), quote=True)}"'
        out.append(text[last:offset])
        out.append(_ATTR_RE.sub(attr, raw))
        last = offset + len(raw)
    out.append(text[last:])
    return "".join(out)


def links_in(text: str) -> list[str]:
    """Every href/src/action value of the page's start tags."""
    found: list[str] = []
    rewrite_links(text, lambda value: found.append(value) or value)
    return found


# -- the export -----------------------------------------------------------------------------------

def resource_iris(graph, base: str) -> list[str]:
    """Every IRI under {base}id/ that is the subject of a triple."""
    rows = graph.select(rq.load("resource-iris"), {"prefix": ("literal", base + "id/", None, None)})
    return [r["s"]["value"] for r in rows]


def seed_urls(app, graph) -> list[str]:
    """What the export starts from; links found in the pages add the rest."""
    base = app.config["BASE_IRI"]
    urls = ["/", "/sdg-colours.css", "/queries", "/dumps/", "/mappings"]
    for path in DOC_PATHS:
        urls.append(path)
        urls.extend(f"{path}?format={f.name}" for f in formats.GRAPH_FORMATS)
    urls.extend(f"/dumps/{d.filename}" for d in dataset.DUMP_FORMATS)
    urls.extend(f"/catalog?format={f.name}" for f in formats.GRAPH_FORMATS)
    urls.extend(f"/class/{name}" for name in dashboard.DASHBOARD_CLASSES)
    urls.extend(f"/sdg/{n}" for n in range(1, 18))
    urls.extend(f"/queries/{name}" for name in sorted(graph.queries))
    static = Path(app.static_folder)
    urls.extend("/static/" + p.relative_to(static).as_posix() for p in sorted(static.rglob("*")) if p.is_file())
    for iri in resource_iris(graph, base):
        rest = iri[len(base) + len("id/"):]
        urls.append("/page/" + rest)
        urls.extend(f"/data/{rest}.{f.extension}" for f in formats.GRAPH_FORMATS)
    return urls


def export_site(app, graph, out_dir, progress: Progress | None = None, *, langs=LANGS, base_url: str | None = None,
                live_url: str | None = None, explicit_index: bool = False, clean: bool = True) -> ExportSummary:
    """Render the whole site through app's views (app serves graph) into out_dir; see the module docstring.

    base_url: the public URL of the exported site, for absolute links in VoID/DCAT (default:
    relative links, which resolve against wherever void.ttl is served). live_url: the root of a
    running partnergraph server, where the SPARQL and search links go (default: note pages).
    explicit_index: links to pages end in 'index.html' (for browsing from file://)."""
    started = time.perf_counter()
    out = Path(out_dir)
    if clean and out.exists():
        _clear(out)
    out.mkdir(parents=True, exist_ok=True)
    langs = tuple(lang for lang in LANGS if lang in langs) or ("en",)
    client = app.test_client(use_cookies=False)
    summary = ExportSummary(out, langs=langs)

    queue: deque[Target] = deque()
    seen: set[str] = set()

    def enqueue(target: Target) -> None:
        if target.out not in seen:
            seen.add(target.out)
            queue.append(target)

    for url in seed_urls(app, graph):
        for lang in langs:
            t = target_for(url, lang, live_url, langs)
            if isinstance(t, Target):
                enqueue(t)

    summary.resources = len(resource_iris(graph, app.config["BASE_IRI"]))
    done = 0
    while queue:
        target = queue.popleft()
        if target.note:
            body = note_page(target.note, target.lang or "en", target.link, explicit_index, langs).encode("utf-8")
        elif target.path == "/.well-known/void" and not target.html:
            body = void_bytes(app, graph, dict(target.query).get("format", "turtle"), base_url, live_url)
        elif target.path == "/catalog":
            body = catalog_bytes(app, graph, dict(target.query)["format"], base_url, live_url)
        else:
            response = client.get(target.path, query_string=list(target.query), headers=list(target.headers))
            if response.status_code != 200:
                summary.failures.append((target.path + ("?" + urlencode(target.query) if target.query else ""),
                                         response.status_code))
                done += 1
                continue
            body = response.get_data()
        if target.html:
            text = body.decode("utf-8")
            from_dir = posixpath.dirname(target.out)

            def rewrite(value: str, target=target, from_dir=from_dir) -> str:
                if value.startswith("#"):
                    return value
                mapped = target_for(value, target.lang or "en", live_url, langs)
                if mapped is None:
                    return value
                if isinstance(mapped, str):
                    return mapped
                enqueue(mapped)
                fragment = urlsplit(value).fragment
                return relative(mapped.link, from_dir, explicit_index) + (f"#{fragment}" if fragment else "")
            body = rewrite_links(text, rewrite).encode("utf-8")
            summary.pages += 1
        _write(out / target.out, body, summary)
        done += 1
        if progress:
            progress(target.out, done, done + len(queue))

    for name, text in server_configs().items():
        _write(out / name, text.encode("utf-8"), summary)
    _write(out / ".nojekyll", b"", summary)
    summary.seconds = time.perf_counter() - started
    if summary.failures:
        failed = ", ".join(f"{u} ({s})" for u, s in summary.failures[:10])
        raise ExportError(f"{len(summary.failures)} linked URL(s) could not be rendered: {failed}")
    return summary


def _write(path: Path, body: bytes, summary: ExportSummary) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    summary.files += 1
    summary.bytes += len(body)


def _clear(out: Path) -> None:
    """Empty an earlier export (refuse to empty a directory that does not look like one)."""
    entries = list(out.iterdir())
    if entries and not (out / "index.html").is_file() and not (out / ".nojekyll").exists():
        raise ExportError(f"{out} is not empty and does not hold an earlier export; choose an empty directory")
    for entry in entries:
        shutil.rmtree(entry) if entry.is_dir() and not entry.is_symlink() else entry.unlink()


# -- VoID with links that work on any host ----------------------------------------------------------

def void_bytes(app, graph, fmt_name: str, base_url: str | None, live_url: str | None) -> bytes:
    """The VoID/DCAT description. Its dump links are absolute under base_url, or else relative
    (they resolve against .well-known/void.ttl wherever the site is served). N-Triples cannot hold
    relative IRIs: without base_url they use the dataset's base IRI, which the host answers for.
    The SPARQL endpoint is described only when live_url names one."""
    import rdflib  # start-up: rdflib only when VoID is written
    base = app.config["BASE_IRI"]
    g = dataset.void_graph(graph, base, PLACEHOLDER_SITE, dataset.Dumps(graph, base), dashboard.class_counts(graph))
    fmt = formats.by_name(fmt_name, "graph")
    site = base_url.rstrip("/") + "/" if base_url else ("../" if fmt.name != "ntriples" else base)
    live = live_url.rstrip("/") + "/" if live_url else None
    out = rdflib.Graph()
    for prefix, ns in g.namespaces():
        out.bind(prefix, ns, replace=True)

    def fix(term):
        if isinstance(term, rdflib.URIRef) and str(term).startswith(PLACEHOLDER_SITE):
            rest = str(term)[len(PLACEHOLDER_SITE):]
            if rest.startswith("sparql"):
                return rdflib.URIRef(live + rest) if live else None
            if rest == "catalog":       # a plain static host has no /catalog, only its files
                rest = "catalog.rdf"
            return rdflib.URIRef(site + rest)
        return term
    for triple in g:
        fixed = tuple(fix(t) for t in triple)
        if None not in fixed:
            out.add(fixed)
    return out.serialize(format=fmt.rdflib, encoding="utf-8")


def catalog_bytes(app, graph, fmt_name: str, base_url: str | None, live_url: str | None) -> bytes:
    """The DCAT-AP catalogue, as the live server builds it. Data portals need absolute IRIs: they
    are under base_url, or else the dataset's base IRI (which the host answers for). A static host
    has no data services: they are described only when live_url names a server that has them."""
    base = app.config["BASE_IRI"]
    dumps = dataset.Dumps(graph, base)
    routes = {rule.rule for rule in app.url_map.iter_rules()} if live_url else ()
    g = catalog.build(graph, app.config, base_url or base, dumps, routes=routes, services_root=live_url)
    return catalog.serialize(g, formats.by_name(fmt_name, "graph").name)


# -- pages for what a static host cannot do -----------------------------------------------------------

_NOTES = {
    "sparql": {"en": ("SPARQL endpoint", "This is a static copy of partnergraph: it has no SPARQL endpoint. "
                      "Run the queries from a live server (partnergraph serve), or download the whole graph "
                      "and query it locally."),
               "sv": ("SPARQL-gränssnitt", "Det här är en statisk kopia av partnergraph och saknar SPARQL-gränssnitt. "
                      "Kör frågorna mot en server (partnergraph serve), eller ladda ner hela grafen och fråga "
                      "lokalt.")},
    "search": {"en": ("Search", "This is a static copy of partnergraph: search needs a live server "
                      "(partnergraph serve). The class listings and the dashboard lead to every resource."),
               "sv": ("Sök", "Det här är en statisk kopia av partnergraph: sökning kräver en server "
                      "(partnergraph serve). Klasslistorna och översikten leder till varje resurs.")},
}
_NOTES["builder"] = {
    "en": ("Query builder", "This is a static copy of partnergraph: the query builder asks a SPARQL endpoint, which needs "
                           "a live server (partnergraph serve). The class listings and the named queries answer many of "
                           "the same questions."),
    "sv": ("Frågebyggare", "Det här är en statisk kopia av partnergraph: frågebyggaren frågar ett SPARQL-gränssnitt, "
                          "vilket kräver en server (partnergraph serve). Klasslistorna och de namngivna frågorna "
                          "besvarar många av samma frågor."),
}
_NOTES["browse"] = {
    "en": ("Browse", "This is a static copy of partnergraph: it holds every table without choices (as a page, "
                     "JSON and CSV). Choosing facet values, sorting and paging need a live server (partnergraph serve)."),
    "sv": ("Bläddra", "Det här är en statisk kopia av partnergraph: den har varje tabell utan val (som sida, JSON "
                      "och CSV). Att välja fasettvärden, sortera och bläddra mellan sidor kräver en server "
                      "(partnergraph serve)."),
}
_NOTE_LINKS = {"en": (("/", "Dashboard"), ("/queries", "Named queries"), ("/dumps/", "Downloads")),
               "sv": (("/", "Översikt"), ("/queries", "Namngivna frågor"), ("/dumps/", "Nedladdningar"))}


def note_page(name: str, lang: str, link: str, explicit_index: bool, langs=LANGS) -> str:
    """A page for what a static host cannot do (SPARQL, search), linking to what it can."""
    title, text = _NOTES[name][lang]
    from_dir = link.rstrip("/")

    def rel(url):
        return relative(target_for(url, lang).link, from_dir, explicit_index)
    other = "sv" if lang == "en" else "en"
    switch = {"href": rel(f"/{name}?lang={other}"), "lang": other,
              "label": "Svenska" if other == "sv" else "English"} if other in langs else None
    return _templates().get_template("note.html").render(
        lang=lang, title=title, text=text, home=rel("/"), stylesheet=rel("/static/style.css"),
        links=[(rel(u), label) for u, label in _NOTE_LINKS[lang]], switch=switch)


@lru_cache(maxsize=1)
def _templates() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(FILES), autoescape=True, keep_trailing_newline=True)


# -- server configuration -----------------------------------------------------------------------------

def server_configs() -> dict[str, str]:
    """The web-server configuration written beside the site (files in static_site/files/)."""
    return {"nginx.conf": (FILES / "nginx.conf").read_text(encoding="utf-8"),
            ".htaccess": (FILES / "htaccess").read_text(encoding="utf-8")}
