"""Resource pages read as reference entries: each value once, incoming links named from the
page's side (an inverse label for every pg: object property), each statement with its source
documents as footnotes, and a citation in plain text, BibTeX and CSL-JSON (in the page and in
the resource's data). Pages are parsed with html.parser; expectations come from the data files
and the source documents, not from the code under test."""
from __future__ import annotations

import json
import re
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS

ROOT = Path(__file__).resolve().parent.parent
BASE = "https://w3id.org/partnergraph/"
PG = rdflib.Namespace(BASE + "ontology#")
SOURCE_000 = "/page/source/000_3db2f6b1717fd080"

# The pages the issue of readability is judged on: a municipality, a partnership, a project, a
# person and an SDG goal.
PAGES = {
    "municipality": ("/page/municipality/vaxjo", BASE + "id/municipality/vaxjo"),
    "partnership": ("/page/partnership/vaxjo-vushtrri", BASE + "id/partnership/vaxjo-vushtrri"),
    "project": ("/page/project/sekos-2", BASE + "id/project/sekos-2"),
    "person": ("/page/person/bo-frank", BASE + "id/person/bo-frank"),
    "sdg": ("/sdg/11", "http://metadata.un.org/sdg/11"),
}
NOT_ROWS = {RDF.type, PROV.wasDerivedFrom, DCTERMS.source}


class Node:
    def __init__(self, tag, attrs, parent):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        for child in self.children:
            if isinstance(child, Node):
                yield child
                yield from child.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        return [n for n in self.iter() if (tag is None or n.tag == tag) and (cls is None or cls in n.classes())
                and all(n.attrs.get(k) == v for k, v in attrs.items())]

    def inside(self, tag=None, cls=None) -> bool:
        node = self.parent
        while node is not None:
            if (tag is None or node.tag == tag) and (cls is None or cls in node.classes()):
                return True
            node = node.parent
        return False


class Tree(HTMLParser):
    VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr"}

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.current = self.root
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        node = Node(tag, attrs, self.current)
        self.current.children.append(node)
        if tag not in self.VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(html: str) -> Node:
    article = Tree(html).root.find_all("article")
    assert len(article) == 1
    return article[0]


@pytest.fixture(scope="module")
def data() -> rdflib.Graph:
    g = rdflib.Graph()
    for path in sorted((ROOT / "data").glob("*.ttl")):
        g.parse(path, format="turtle")
    return g


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ROOT / "ontology" / "partnergraph.ttl", format="turtle")


@pytest.fixture(scope="module")
def pages(graph):
    """Each page in both languages, parsed (one app for the module)."""
    from partnergraph.web.app import create_app
    app = create_app({"VALIDATE": False, "WORKERS": 0, "ACCESS_LOG": False, "TESTING": True}, graph=graph)
    client = app.test_client()
    out = {}
    for name, (path, _iri) in PAGES.items():
        for lang in ("en", "sv"):
            response = client.get(f"{path}?lang={lang}")
            assert response.status_code == 200, (path, lang)
            out[name, lang] = parse(response.get_data(as_text=True))
    return out


def local_href(iri: str) -> str:
    if iri.startswith(BASE + "id/"):
        return "/page/" + iri[len(BASE + "id/"):]
    match = re.match(r"^http://metadata\.un\.org/sdg/(.+)$", iri)
    return f"/sdg/{match.group(1)}" if match else iri


def value_links(article: Node, href: str) -> list[Node]:
    """Links to href in the page's statements, leaving out footnote numbers, the source list, the
    kicker and the map (which names its places again, as a map's legend does)."""
    found = article.find_all("a", href=href) if href is not None else article.find_all("a")
    return [a for a in found
            if not a.inside("sup", "refs") and not a.inside("ol", "references") and not a.inside("p", "kicker")
            and not a.inside("section", "map-card")]


def forward_label(prop: str, lang: str, ontology: rdflib.Graph) -> str | None:
    for label in ontology.objects(rdflib.URIRef(prop), RDFS.label):
        if label.language == lang:
            return str(label)
    standard = json.loads((ROOT / "src" / "partnergraph" / "resources" / "labels.json").read_text(encoding="utf-8")).get(prop)
    return standard.get(lang) if standard else None


# -- the ontology: an inverse label for every object property ------------------------------------

def test_every_pg_object_property_has_an_inverse_label_in_both_languages(ontology):
    properties = set(ontology.subjects(RDF.type, OWL.ObjectProperty))
    assert len(properties) >= 30
    missing = []
    for prop in sorted(properties):
        langs = {label.language: str(label) for label in ontology.objects(prop, PG.inverseLabel)}
        for lang in ("en", "sv"):
            if not langs.get(lang):
                missing.append(f"{prop} @{lang}")
            elif langs[lang] == str(next((label for label in ontology.objects(prop, RDFS.label) if label.language == lang), "")):
                missing.append(f"{prop} @{lang}: the inverse label repeats the label")
    assert not missing, missing
    assert (PG.inverseLabel, RDF.type, OWL.AnnotationProperty) in ontology
    assert {comment.language for comment in ontology.objects(PG.inverseLabel, RDFS.comment)} == {"en", "sv"}


def test_declared_inverses_agree_with_the_inverse_labels(ontology):
    """Where owl:inverseOf pairs two properties, each one's inverse label is the other's label."""
    pairs = list(ontology.subject_objects(OWL.inverseOf))
    assert pairs
    for a, b in pairs:
        for one, other in ((a, b), (b, a)):
            for lang in ("en", "sv"):
                inverse = {text.language: str(text) for text in ontology.objects(one, PG.inverseLabel)}[lang]
                label = {text.language: str(text) for text in ontology.objects(other, RDFS.label)}[lang]
                assert inverse == label, (one, lang)


# -- one statement, one place --------------------------------------------------------------------

@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("lang", ["en", "sv"])
def test_each_stated_value_appears_once(pages, data, name, lang):
    article = pages[name, lang]
    iri = rdflib.URIRef(PAGES[name][1])
    checked = 0
    for p, o in data.predicate_objects(iri):
        if p in NOT_ROWS or not isinstance(o, rdflib.URIRef) or not local_href(o).startswith("/"):
            continue
        found = value_links(article, local_href(o))
        assert len(found) == 1, (name, lang, str(p), str(o), len(found))
        checked += 1
    for s, p in data.subject_predicates(iri):
        if p in NOT_ROWS or not isinstance(s, rdflib.URIRef):
            continue
        found = value_links(article, local_href(s))
        assert len(found) == 1, (name, lang, "incoming", str(p), str(s), len(found))
        checked += 1
    assert checked >= 1, name
    # Derived links too: no resource is linked twice from the rows, the timeline and the lists.
    hrefs = [a.attrs["href"] for a in value_links(article, None) if a.attrs.get("href", "").startswith("/page/")]
    assert len(hrefs) == len(set(hrefs)), sorted(h for h in set(hrefs) if hrefs.count(h) > 1)
    literals = [n.text().strip() for n in article.find_all("span", "literal")]
    assert len(literals) == len(set(literals)), sorted(t for t in literals if literals.count(t) > 1)


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("lang", ["en", "sv"])
def test_title_and_description_once(pages, data, name, lang):
    article = pages[name, lang]
    iri = rdflib.URIRef(PAGES[name][1])
    text = article.text()
    summaries = [str(d) for prop in (DCTERMS.description, SKOS.definition) for d in data.objects(iri, prop)
                 if d.language == lang]
    for summary in summaries[:1]:
        assert text.count(summary) == 1, (name, lang)
    h1 = article.find_all("h1")[0].text().strip()
    rows = " ".join(n.text() for n in article.find_all("dd"))
    label = next((str(text) for text in data.objects(iri, RDFS.label) if text.language == lang), None)
    if label:
        assert label in h1
        assert label not in [n.text().strip() for n in article.find_all("span", "literal")], (name, lang)
    for alt in data.objects(iri, SKOS.altLabel):
        if str(alt) == label:
            assert str(alt) not in rows, (name, lang, "alternative label repeats the label")


def test_a_project_shows_its_goal_once(pages):
    """SEKOS 2 addresses goal 4 (000_3db2f6b1717fd080: 'SDG 4'): one badge, not three."""
    for lang in ("en", "sv"):
        assert len(value_links(pages["project", lang], "/sdg/4")) == 1


# -- incoming links named from the reader's side -----------------------------------------------

@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("lang", ["en", "sv"])
def test_no_incoming_row_carries_the_outgoing_label(pages, ontology, name, lang):
    for section in pages[name, lang].find_all("section", "group-incoming"):
        for dd in section.find_all("dd"):
            prop = dd.attrs["data-property"]
            dt = dd.parent.children[[i for i, c in enumerate(dd.parent.children) if c is dd][0] - 2]
            assert isinstance(dt, Node) and dt.tag == "dt"
            assert dt.text().strip() != forward_label(prop, lang, ontology), (name, lang, prop)


def test_a_project_has_participants_not_participates_in(pages):
    """SEKOS 2 is a project of the Växjö–Vushtrri partnership (000): both partners take part in it,
    shown on its page as 'has participant' under places."""
    for lang, label in (("en", "has participant"), ("sv", "har deltagare")):
        article = pages["project", lang]
        section = article.find_all("section", "group-incoming")[0]
        kinds = [h.attrs["id"] for h in section.find_all("h3")]
        assert "in-places" in kinds
        rows = {dt.text().strip(): dt for dt in section.find_all("dt")}
        assert label in rows
        dd = next(n for n in section.find_all("dd") if n.attrs["data-property"] == str(PG.participatesIn))
        assert {a.attrs["href"] for a in dd.find_all("a") if not a.inside("sup", "refs")} == {
            "/page/municipality/vaxjo", "/page/municipality/vushtrri"}


def test_incoming_groups_follow_the_kind_of_resource(pages):
    """Växjö: its people (affiliation, 002 and 000) under people, its memberships under networks."""
    section = pages["municipality", "en"].find_all("section", "group-incoming")[0]
    order = [h.attrs["id"] for h in section.find_all("h3")]
    assert order.index("in-people") < order.index("in-networks")
    people = [n for n in section.find_all("dd") if n.attrs["data-property"] == str(PG.affiliation)][0]
    assert "/page/person/bo-frank" in {a.attrs["href"] for a in people.find_all("a")}


# -- readable values -----------------------------------------------------------------------------

def test_identifiers_are_named_links(pages):
    """Växjö's Wikidata item Q500217 and municipality code 0780 (../shared/vocab/README.md), and its
    GeoNames match as data/geometries.ttl gives it."""
    import rdflib
    article = pages["municipality", "en"]
    links = [a for a in article.find_all("a", "identifier")]
    assert links[0].text() == "Wikidata: Q500217"
    assert links[0].attrs["href"] == "http://www.wikidata.org/entity/Q500217"
    geometries = rdflib.Graph().parse(ROOT / "data" / "geometries.ttl")
    match = geometries.value(rdflib.URIRef("https://w3id.org/partnergraph/id/municipality/vaxjo"),
                             rdflib.URIRef("http://www.w3.org/2004/02/skos/core#closeMatch"))
    geonames_id = str(match).rstrip("/").rsplit("/", 1)[-1]
    assert [a.text() for a in links[1:]] == [f"GeoNames: {geonames_id}"]
    refs = [r.text().strip() for r in article.find_all("ol", "references")[0].find_all("li")]
    assert any(r.startswith("sjbrg/swedish-geodata (GitHub)") for r in refs)


def test_places_and_events_carry_their_type(pages):
    article = pages["municipality", "en"]
    for href, kind in (("/page/country/sweden", "country"), ("/page/region/kronoberg", "region")):
        link = value_links(article, href)[0]
        siblings = link.parent.children
        after = siblings[siblings.index(link) + 1:]
        assert any(isinstance(n, Node) and "kind" in n.classes() and kind in n.text() for n in after), href


def test_source_titles_and_dates_in_the_page_language(pages):
    """001 is titled 'Växjö (Sweden)-JB Marks (South Africa)' and dated 30 January 2018."""
    refs = {lang: [li.text() for li in pages["municipality", lang].find_all("ol", "references")[0].find_all("li")]
            for lang in ("en", "sv")}
    assert any("Växjö (Sweden)-JB Marks (South Africa)" in r and "30 January 2018" in r for r in refs["en"])
    assert any("30 januari 2018" in r for r in refs["sv"])


# -- sources per statement -----------------------------------------------------------------------

@pytest.mark.parametrize("name", list(PAGES))
def test_footnotes_lead_to_the_source_list(pages, name):
    for lang in ("en", "sv"):
        article = pages[name, lang]
        ids = {li.attrs.get("id") for ol in article.find_all("ol", "references") for li in ol.find_all("li")}
        for a in article.find_all("a"):
            if a.attrs.get("href", "").startswith("#ref-"):
                assert a.attrs["href"][1:] in ids, (name, lang, a.attrs["href"])


def test_project_statements_cite_their_document(pages, data):
    """Every statement row of SEKOS 2 cites 000_3db2f6b1717fd080, the document the data says it comes from."""
    iri = rdflib.URIRef(PAGES["project"][1])
    assert set(data.objects(iri, PROV.wasDerivedFrom)) == {rdflib.URIRef(BASE + "id/source/000_3db2f6b1717fd080")}
    article = pages["project", "en"]
    number = next(li.attrs["id"] for li in article.find_all("ol", "references")[0].find_all("li")
                  if li.find_all("a", href=SOURCE_000))
    rows = [dd for dd in article.find_all("dd") if not dd.inside("section", "group-incoming")]
    assert len(rows) >= 8
    for dd in rows:
        assert dd.find_all("a", href="#" + number), dd.attrs["data-property"]


def test_derived_links_are_marked_and_cite_what_they_come_from(pages):
    """Växjö is a partner in Växjö–Kalush: the partnership states it (partnerships.ttl, from 000),
    so the derived 'partner in' row cites 000 and says it is derived."""
    article = pages["municipality", "en"]
    link = value_links(article, "/page/partnership/vaxjo-kalush")[0]
    item = link.parent
    assert item.find_all("span", "derived")
    number = next(li.attrs["id"] for li in article.find_all("ol", "references")[0].find_all("li")
                  if li.find_all("a", href=SOURCE_000))
    assert item.find_all("a", href="#" + number)


# -- cite this -----------------------------------------------------------------------------------

CSL_TYPES = {"article", "article-journal", "article-magazine", "article-newspaper", "bill", "book", "broadcast",
             "chapter", "classic", "collection", "dataset", "document", "entry", "entry-dictionary",
             "entry-encyclopedia", "event", "figure", "graphic", "hearing", "interview", "legal_case",
             "legislation", "manuscript", "map", "motion_picture", "musical_score", "pamphlet",
             "paper-conference", "patent", "performance", "periodical", "personal_communication", "post",
             "post-weblog", "regulation", "report", "review", "review-book", "software", "song", "speech",
             "standard", "thesis", "treaty", "webpage"}


def check_csl_item(item: dict) -> None:
    """The CSL-JSON schema's (csl-data.json, CSL 1.0.2) rules for the fields used here."""
    assert set(item) >= {"id", "type"}
    assert isinstance(item["id"], (str, int)) and item["type"] in CSL_TYPES
    for key in ("title", "container-title", "publisher", "version", "URL", "language"):
        assert isinstance(item.get(key), str) and item[key], key
    parts = item["accessed"]["date-parts"]
    assert isinstance(parts, list) and len(parts) in (1, 2)
    assert all(isinstance(p, int) for p in parts[0]) and 1 <= len(parts[0]) <= 3
    known = {"id", "type", "title", "container-title", "publisher", "version", "URL", "accessed", "language"}
    assert set(item) <= known, set(item) - known


@pytest.mark.parametrize("name", list(PAGES))
@pytest.mark.parametrize("lang", ["en", "sv"])
def test_citation_parses_as_bibtex_and_csl_json(pages, name, lang):
    import bibtexparser
    article = pages[name, lang]
    box = article.find_all("section", "cite")[0]
    title = article.find_all("h1")[0].text().strip()
    iri = PAGES[name][1]
    library = bibtexparser.parse_string(box.find_all("pre", "citation-bibtex")[0].text())
    assert not library.failed_blocks and len(library.entries) == 1
    entry = library.entries[0]
    assert entry.entry_type == "dataset"
    fields = {f.key: f.value for f in entry.fields}
    assert fields["url"] == iri and fields["urldate"] == date.today().isoformat()
    assert fields["language"] == {"en": "english", "sv": "swedish"}[lang]
    assert fields["title"].replace("\\", "") in title
    items = json.loads(box.find_all("pre", "citation-csl")[0].text())
    assert isinstance(items, list) and len(items) == 1
    check_csl_item(items[0])
    assert items[0]["URL"] == iri and items[0]["title"] in title
    plain = box.find_all("p", "citation")[0].text()
    assert iri in plain and ("retrieved" if lang == "en" else "hämtad") in plain


def test_citation_in_the_data_matches_the_page(graph, pages):
    from partnergraph.resources.data import resource_graph
    iri = PAGES["municipality"][1]
    g = rdflib.Graph().parse(data=resource_graph(graph, iri, "turtle"), format="turtle")
    cited = {c.language: str(c) for c in g.objects(rdflib.URIRef(iri), DCTERMS.bibliographicCitation)}
    assert set(cited) == {"en", "sv"}
    for lang in ("en", "sv"):
        shown = pages["municipality", lang].find_all("p", "citation")[0].text().strip()
        assert cited[lang] == shown
    assert cited["sv"].startswith("Växjö. I: partnergraph: svenska kommuners internationella partnerskap")
    today = date.today()
    month = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
             "November", "December")[today.month - 1]
    assert cited["en"].endswith(f"{iri} (retrieved {today.day} {month} {today.year}).")


@pytest.mark.parametrize("iri, expected", [
    ("http://www.wikidata.org/entity/Q500217", ("Wikidata", "Q500217")),
    ("https://sws.geonames.org/2663536/", ("GeoNames", "2663536")),
    ("https://www.geonames.org/2663536/vaxjo.html", ("GeoNames", "2663536")),
    ("https://example.org/Q1", None),
])
def test_external_identifiers_are_named_by_register(iri, expected):
    from partnergraph.resources.references import external_identifier
    assert external_identifier(iri) == expected


def test_a_standard_property_without_an_inverse_label_is_not_read_forwards():
    from partnergraph.resources.labels import Labels, inverse_label
    for lang, expected in (("en", "is “see also” of"), ("sv", "är ”se även” för")):
        label = inverse_label("http://www.w3.org/2000/01/rdf-schema#seeAlso", {}, Labels(lang))
        assert label == expected


def test_bibtex_escapes_what_latex_reads():
    import bibtexparser

    from partnergraph.resources.citation import citation
    cite = citation(BASE + "id/project/x", {"en": "50% of {all} costs & fees_#1 ~ \\"}, date(2026, 1, 2))
    library = bibtexparser.parse_string(cite.bibtex("en"))
    assert not library.failed_blocks
    assert library.entries[0].fields_dict["title"].value == r"50\% of \{all\} costs \& fees\_\#1 \~{} \textbackslash{}"
    assert cite.csl("en")["accessed"] == {"date-parts": [[2026, 1, 2]]}


def test_the_ontology_page_shows_the_inverse_labels(graph):
    from partnergraph.web.app import create_app
    app = create_app({"VALIDATE": False, "WORKERS": 0, "ACCESS_LOG": False, "TESTING": True}, graph=graph)
    html = app.test_client().get("/ontology?lang=en", headers={"Accept": "text/html"}).get_data(as_text=True)
    root = Tree(html).root
    section = next(n for n in root.find_all("section") if n.attrs.get("id") == "participatesIn")
    assert section.find_all("dd", "inverse-label")[0].text() == "has participant / har deltagare"


def test_the_source_list_holds_what_the_statements_cite(pages, data):
    """Bo Frank's page: his own documents and those of the resources that state a link to him
    (people.ttl, memberships.ttl), and nothing else."""
    iri = rdflib.URIRef(PAGES["person"][1])
    expected = set(data.objects(iri, PROV.wasDerivedFrom))
    for subject in data.subjects(None, iri):
        expected |= set(data.objects(subject, PROV.wasDerivedFrom))
    expected = {local_href(str(d)) for d in expected}
    assert "/page/source/002_3b9055c6e4860be3" in expected
    for lang in ("en", "sv"):
        listed = {a.attrs["href"] for a in pages["person", lang].find_all("ol", "references")[0].find_all("a")}
        assert listed == expected, lang
