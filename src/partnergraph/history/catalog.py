"""The releases in the DCAT-AP catalogue and in VoID: each release a version of the dataset
(dcat:hasVersion, dcat:version, adms:versionNotes, dcterms:issued, its dumps as distributions),
and the change feed a dcat:DataService that conforms to the LDES specification."""
from __future__ import annotations

from .feed import LDES, TREE, page_url, stream_iri
from .named_graphs import ADMS, DCAT, release_iri
from .releases import Log

LDES_SPECIFICATION = "https://w3id.org/ldes/specification"
IANA = "https://www.iana.org/assignments/media-types/"
LICENCE = "http://creativecommons.org/licenses/by/4.0/"
DUMPS = (("ttl", "text/turtle", "Turtle"), ("nq", "application/n-quads", "N-Quads"))


def add_to_catalogue(g, log: Log, dataset: str, site: str) -> None:
    """Add the releases and the feed to a catalogue graph (rdflib) whose dataset is dataset."""
    import rdflib
    from rdflib.namespace import DCTERMS, RDF, XSD

    dcat, adms = rdflib.Namespace(DCAT), rdflib.Namespace(ADMS)
    ds = rdflib.URIRef(dataset)
    releases = log.releases()
    if not releases:
        return
    g.bind("adms", ADMS)
    publisher = g.value(ds, DCTERMS.publisher)
    latest = releases[-1]
    g.add((ds, dcat.version, rdflib.Literal(str(latest.number))))
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
        g.add((version, dcat.version, rdflib.Literal(str(release.number))))
        g.add((version, DCTERMS.issued, rdflib.Literal(release.timestamp, datatype=XSD.dateTime)))
        g.add((version, DCTERMS.isVersionOf, ds))
        if release.notes:
            g.add((version, adms.versionNotes, rdflib.Literal(release.notes, lang="en")))
        if release.number > 1:
            g.add((version, dcat.previousVersion, rdflib.URIRef(site + f"releases#release-{release.number - 1}")))
        if publisher is not None:
            g.add((version, DCTERMS.publisher, publisher))
        for shared in (DCTERMS.spatial, DCTERMS.temporal, dcat.contactPoint, dcat.keyword, dcat.theme):
            for value in g.objects(ds, shared):   # what the dataset says of its coverage holds for each release
                g.add((version, shared, value))
        for extension, media_type, name in DUMPS:
            url = rdflib.URIRef(site + f"dumps/release/{release.number}.{extension}")
            dist = rdflib.URIRef(f"{url}#distribution")
            g.add((version, dcat.distribution, dist))
            g.add((dist, RDF.type, dcat.Distribution))
            g.add((dist, DCTERMS.title, rdflib.Literal(f"Release {release.number} ({name})", lang="en")))
            g.add((dist, dcat.accessURL, url))
            g.add((dist, dcat.downloadURL, url))
            media = rdflib.URIRef(IANA + media_type)
            g.add((dist, dcat.mediaType, media))
            g.add((media, RDF.type, DCTERMS.MediaType))
            g.add((dist, DCTERMS.license, rdflib.URIRef(LICENCE)))

    service = rdflib.URIRef(page_url(site) + "#service")
    catalog = rdflib.URIRef(site + "catalog")
    g.add((catalog, dcat.service, service))
    g.add((service, RDF.type, dcat.DataService))
    g.add((service, DCTERMS.title, rdflib.Literal("partnergraph change feed (Linked Data Event Stream)", lang="en")))
    g.add((service, DCTERMS.title, rdflib.Literal("partnergraphs ändringsflöde (Linked Data Event Stream)", lang="sv")))
    g.add((service, DCTERMS.description, rdflib.Literal(
        "The versions of every resource, release by release, as a Linked Data Event Stream paged by time.", lang="en")))
    g.add((service, dcat.endpointURL, rdflib.URIRef(page_url(site))))
    specification = rdflib.URIRef(LDES_SPECIFICATION)
    g.add((service, DCTERMS.conformsTo, specification))
    g.add((specification, RDF.type, DCTERMS.Standard))
    g.add((specification, DCTERMS.title, rdflib.Literal("Linked Data Event Streams (SEMIC)", lang="en")))
    g.add((service, dcat.servesDataset, ds))
    g.add((service, DCTERMS.license, rdflib.URIRef(LICENCE)))
    if publisher is not None:
        g.add((service, DCTERMS.publisher, publisher))
    for contact in g.objects(ds, dcat.contactPoint):
        g.add((service, dcat.contactPoint, contact))


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
