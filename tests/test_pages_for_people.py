"""A browser that opens a machine route gets a readable page with the same content and links to
each RDF format; RDF clients keep getting RDF."""
from __future__ import annotations

from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import rdflib
from rdflib.namespace import DCAT, DCTERMS, RDF

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"
BASE = "https://w3id.org/partnergraph/"


class Page(HTMLParser):
    """The links, form fields, table cells and text of a page."""

    def __init__(self, html: str):
        super().__init__()
        self.links, self.inputs, self.cells, self.text, self._cell = [], {}, [], [], None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "a":
            self.links.append(a)
        elif tag == "input":
            self.inputs[a.get("name")] = a.get("value", "")
        elif tag == "td":
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "td" and self._cell is not None:
            self.cells.append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self._cell is not None:
            self._cell.append(data)


def test_catalog_page_has_the_catalogue_and_its_formats(client):
    response = client.get("/catalog", headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "Accept" in response.headers["Vary"]
    page = Page(response.get_data(as_text=True))
    turtle = client.get("/catalog", headers={"Accept": "text/turtle"})
    assert turtle.mimetype == "text/turtle"
    g = rdflib.Graph().parse(data=turtle.data, format="turtle")
    text = " ".join(page.text)
    # every title of the catalogue, its dataset and its distributions is on the page
    titles = {str(t) for s in set(g.subjects(RDF.type, DCAT.Distribution)) | set(g.subjects(RDF.type, DCAT.Dataset))
              | set(g.subjects(RDF.type, DCAT.Catalog)) for t in g.objects(s, DCTERMS.title) if t.language == "en"}
    assert titles and all(title in text for title in titles), titles - {t for t in titles if t in text}
    formats = {parse_qs(urlsplit(a["href"]).query).get("format", [""])[0] for a in page.links if a.get("rel") == "alternate"}
    assert formats == {"turtle", "jsonld", "ntriples", "rdfxml"}
    for name in formats:
        served = client.get(f"/catalog?format={name}", headers={"Accept": BROWSER})
        assert served.mimetype != "text/html", name
    assert client.get("/catalog", headers={"Accept": "*/*"}).mimetype == "application/rdf+xml"
    assert client.get("/catalog").mimetype == "application/rdf+xml"
    swedish = Page(client.get("/catalog?lang=sv", headers={"Accept": BROWSER}).get_data(as_text=True))
    assert "Datakatalog (DCAT-AP)" in " ".join(swedish.text)


def test_fragments_page_has_the_triples_and_the_form(client):
    pattern = {"object": '"Växjö"@sv'}
    response = client.get("/fragments", query_string=pattern, headers={"Accept": BROWSER})
    assert response.status_code == 200 and response.mimetype == "text/html"
    page = Page(response.get_data(as_text=True))
    assert page.inputs == {"subject": "", "predicate": "", "object": '"Växjö"@sv'}
    data = rdflib.Dataset()
    data.parse(data=client.get("/fragments", query_string=pattern, headers={"Accept": "application/trig"}).data, format="trig")
    subjects = {s for s, p, o in data.default_graph.triples((None, None, rdflib.Literal("Växjö", lang="sv")))}
    assert BASE + "id/municipality/vaxjo" in {str(s) for s in subjects}
    # one row of three cells per matching triple, each subject shown in its compact form
    assert len(page.cells) == 3 * len(subjects)
    assert "id/municipality/vaxjo" in [cell.removesuffix("⊂").strip() for cell in page.cells[0::3]]
    formats = {parse_qs(urlsplit(a["href"]).query)["format"][0] for a in page.links if a.get("rel") == "alternate"}
    assert formats == {"trig", "nquads", "turtle", "jsonld", "ntriples", "rdfxml"}
    assert client.get("/fragments", query_string=pattern, headers={"Accept": "*/*"}).mimetype == "application/trig"


def test_fragments_page_pages_like_the_controls(client):
    label = "http://www.w3.org/2000/01/rdf-schema#label"
    first = Page(client.get("/fragments", query_string={"predicate": label}, headers={"Accept": BROWSER}).get_data(as_text=True))
    following = [a["href"] for a in first.links if a.get("rel") == "next"]
    assert len(following) == 1 and "page=2" in following[0]
    second = Page(client.get(following[0], headers={"Accept": BROWSER}).get_data(as_text=True))
    assert [a for a in second.links if a.get("rel") == "prev"] and second.inputs["predicate"] == label
    assert {cell.removesuffix("⊂").strip() for cell in second.cells[1::3]} == {"rdfs:label"}


def test_reconciliation_service_page(client):
    page = client.get("/reconcile", headers={"Accept": BROWSER})
    assert page.status_code == 200 and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    manifest = client.get("/reconcile", headers={"Accept": "application/json"}).get_json()
    assert manifest["name"].replace("'", "&#39;") in text
    assert all(t["name"] in text for t in manifest["defaultTypes"])
    assert client.get("/reconcile?format=json", headers={"Accept": BROWSER}).get_json() == manifest
    assert client.get("/reconcile").mimetype == "application/json"          # OpenRefine and scripts


def test_every_machine_route_has_a_page_for_people(app, client):
    """Every GET route without parameters answers a browser with HTML, but for a health check, the
    editor's completion index, the SDG colours' stylesheet, the builder's configuration and answers, and
    the Atom feed of releases (a feed reader's document by its name; /releases is its page for people)."""
    machine_only = {"/healthz", "/sparql/complete", "/sdg-colours.css", "/builder/config.ttl", "/builder/results",
                    "/releases.atom"}
    for rule in app.url_map.iter_rules():
        if "GET" not in rule.methods or rule.arguments or rule.rule in machine_only:
            continue
        response = client.get(rule.rule, headers={"Accept": BROWSER})
        assert response.mimetype == "text/html", (rule.rule, response.status_code, response.mimetype)
