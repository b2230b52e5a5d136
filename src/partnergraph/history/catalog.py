"""The releases in the DCAT-AP catalogue and in VoID: each release a version of the dataset
(dcat:hasVersion, dcat:version, adms:versionNotes, dcterms:issued, its dump as a distribution).
The change feed is a dcat:DataService of publishing/catalog-services.ttl that conforms to the
LDES specification."""
from __future__ import annotations

from .feed import LDES, TREE, page_url, stream_iri
from .named_graphs import ADMS, DCAT, release_iri
from .releases import Log

IANA = "https://www.iana.org/assignments/media-types/"
EU_N_QUADS = "http://publications.europa.eu/resource/authority/file-type/RDF_N_QUADS"
LICENCE = "http://creativecommons.org/licenses/by/4.0/"
STABLE = "http://publications.europa.eu/resource/authority/planned-availability/STABLE"
SHARED = ("http://purl.org/dc/terms/spatial", "http://purl.org/dc/terms/temporal", "http://purl.org/dc/terms/publisher",
          "http://purl.org/dc/terms/accessRights", "http://purl.org/dc/terms/language", DCAT + "contactPoint",
          DCAT + "keyword", DCAT + "theme", "http://purl.org/dc/terms/license")


def dump_bytes(log: Log, number: int) -> bytes:
    """Release number's whole data as N-Quads (the default graph): its statements, one sorted line each."""
    lines = sorted(line for lines in log.state(number).values() for line in lines)
    return ("\n".join(lines) + "\n").encode("utf-8") if lines else b""


def dump_size(log: Log, number: int) -> int:
    return sum(len(line.encode("utf-8")) + 1 for lines in log.state(number).values() for line in lines)


def add_to_catalogue(g, log: Log, dataset: str, site: str) -> None:
    """Add each release to a catalogue graph (rdflib) as a version of dataset, with its dump. The
    change feed is a data service of the services template (publishing/catalog-services.ttl)."""
    import rdflib
    from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

    dcat, adms = rdflib.Namespace(DCAT), rdflib.Namespace(ADMS)
    ds = rdflib.URIRef(dataset)
    releases = log.releases()
    if not releases:
        return
    g.bind("adms", ADMS)
    g.add((ds, dcat.version, rdflib.Literal(str(releases[-1].number))))
    for release in releases:
        version = rdflib.URIRef(site + f"releases#release-{release.number}")
        g.add((ds, dcat.hasVersion, version))
        g.add((version, RDF.type, dcat.Dataset))
        g.add((version, DCTERMS.identifier, rdflib.Literal(release_iri(release.number))))
        g.add((version, DCTERMS.title, rdflib.Literal(f"partnergraph, release {release.number}", lang="en")))
        g.add((version, DCTERMS.title, rdflib.Literal(f"partnergraph, utgåva {release.number}", lang="sv")))
        counts = release.counts
        g.add((version, DCTERMS.description, rdflib.Literal(
            f"The data as release {release.number} recorded it: {counts.get('added', 0)} resources added, "
            f"{counts.get('changed', 0)} changed and {counts.get('removed', 0)} removed.", lang="en")))
        g.add((version, DCTERMS.description, rdflib.Literal(
            f"Data så som utgåva {release.number} tog upp dem: {counts.get('added', 0)} resurser tillagda, "
            f"{counts.get('changed', 0)} ändrade och {counts.get('removed', 0)} borttagna.", lang="sv")))
        g.add((version, dcat.version, rdflib.Literal(str(release.number))))
        g.add((version, DCTERMS.issued, rdflib.Literal(release.timestamp, datatype=XSD.dateTime)))
        g.add((version, DCTERMS.isVersionOf, ds))
        if release.notes:
            g.add((version, adms.versionNotes, rdflib.Literal(release.notes, lang="en")))
        if release.number > 1:
            g.add((version, dcat.previousVersion, rdflib.URIRef(site + f"releases#release-{release.number - 1}")))
        for shared in SHARED:   # what the dataset says of its coverage and terms holds for each release
            for value in g.objects(ds, rdflib.URIRef(shared)):
                g.add((version, rdflib.URIRef(shared), value))
        url = rdflib.URIRef(site + f"dumps/release/{release.number}.nq")
        dist = rdflib.URIRef(f"{url}#distribution")
        g.add((version, dcat.distribution, dist))
        g.add((dist, RDF.type, dcat.Distribution))
        g.add((dist, DCTERMS.title, rdflib.Literal(f"Release {release.number} (N-Quads)", lang="en")))
        g.add((dist, DCTERMS.description, rdflib.Literal(f"The data as release {release.number} recorded it.", lang="en")))
        g.add((dist, dcat.accessURL, url))
        g.add((dist, dcat.downloadURL, url))
        media = rdflib.URIRef(IANA + "application/n-quads")
        g.add((dist, dcat.mediaType, media))
        g.add((media, RDF.type, DCTERMS.MediaType))
        g.add((dist, DCTERMS["format"], rdflib.URIRef(EU_N_QUADS)))
        g.add((rdflib.URIRef(EU_N_QUADS), RDF.type, DCTERMS.MediaTypeOrExtent))
        g.add((rdflib.URIRef(EU_N_QUADS), SKOS.inScheme, rdflib.URIRef(EU_N_QUADS.rsplit("/", 1)[0])))
        g.add((dist, dcat.byteSize, rdflib.Literal(str(dump_size(log, release.number)), datatype=XSD.decimal)))
        g.add((dist, DCTERMS.license, rdflib.URIRef(LICENCE)))
        g.add((dist, rdflib.URIRef("http://data.europa.eu/r5r/availability"), rdflib.URIRef(STABLE)))


def add_to_void(g, log: Log, dataset: str, site: str) -> None:
    """Point VoID's dataset at the change feed and the latest release."""
    import rdflib
    from rdflib.namespace import RDF, RDFS

    releases = log.releases()
    if not releases:
        return
    ds, stream = rdflib.URIRef(dataset), rdflib.URIRef(stream_iri(site))
    g.add((ds, RDFS.seeAlso, stream))
    g.add((ds, rdflib.URIRef(DCAT + "version"), rdflib.Literal(str(releases[-1].number))))
    g.add((stream, RDF.type, rdflib.URIRef(LDES + "EventStream")))
    g.add((stream, rdflib.URIRef(TREE + "view"), rdflib.URIRef(page_url(site))))
