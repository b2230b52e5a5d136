"""The release log as a named graph of the store, for SPARQL: `{base}graph/history` holds each
release (`{base}release/N`: dcat:version, dcterms:issued, adms:versionNotes, dcat:previousVersion)
and each version of a resource (`{base}version/N/{kind}/{slug}`: dcterms:isVersionOf the
resource, dcterms:isPartOf the release, prov:generatedAtTime, a as:Create, as:Update or as:Delete,
and the statements it added and removed as RDF 1.2 triple terms, pg:addedStatement <<( s p o )>>
and pg:removedStatement).

The statements are triple terms, not triples about the resources, so the history shares no index
keys with the data: a query of the current data pays nothing for it. The default graph stays the
current data, and GRAPH ?g leaves this graph out but in a query that names it
(store/embedded.py, HISTORY_GRAPHS)."""
from __future__ import annotations

from pathlib import Path

from ..rdf import iris
from .releases import Log, Release

DCAT = "http://www.w3.org/ns/dcat#"
DCTERMS = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
ADMS = "http://www.w3.org/ns/adms#"
AS = "https://www.w3.org/ns/activitystreams#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD = "http://www.w3.org/2001/XMLSchema#"
GRAPH = "graph/history"


def release_iri(number: int, base: str = iris.DEFAULT_BASE) -> str:
    return f"{base}release/{number}"


def version_iri(resource: str, number: int, base: str = iris.DEFAULT_BASE) -> str:
    """{base}version/N/{kind}/{slug} for {base}id/{kind}/{slug}."""
    return f"{base}version/{number}/{resource[len(base + 'id/'):]}"


def history_graph(base: str = iris.DEFAULT_BASE) -> str:
    return base + GRAPH


def version_kind(before: bool, after: bool) -> str:
    return AS + ("Create" if not before else "Delete" if not after else "Update")


def date_time(text: str):
    import pyoxigraph as ox  # start-up: pyoxigraph only where the history is read or made
    return ox.Literal(text, datatype=ox.NamedNode(XSD + "dateTime"))


def release_triples(release: Release, base: str) -> list[tuple]:
    import pyoxigraph as ox  # start-up: pyoxigraph only where the history is read or made
    subject = ox.NamedNode(release_iri(release.number, base))
    triples = [(subject, ox.NamedNode(RDF_TYPE), ox.NamedNode(DCAT + "Dataset")),
               (subject, ox.NamedNode(DCAT + "version"), ox.Literal(str(release.number))),
               (subject, ox.NamedNode(DCTERMS + "issued"), date_time(release.timestamp)),
               (subject, ox.NamedNode(DCTERMS + "isVersionOf"), ox.NamedNode(base + "dataset"))]
    if release.notes:
        triples.append((subject, ox.NamedNode(ADMS + "versionNotes"), ox.Literal(release.notes, language="en")))
    if release.number > 1:
        triples.append((subject, ox.NamedNode(DCAT + "previousVersion"), ox.NamedNode(release_iri(release.number - 1, base))))
    return triples


def quads(log: Log, base: str = iris.DEFAULT_BASE) -> list:
    """Every quad of the history graphs."""
    import pyoxigraph as ox  # start-up: pyoxigraph only where the history is read or made
    meta = ox.NamedNode(history_graph(base))
    out = []
    for release, changes, before, after in log.states():
        out.extend(ox.Quad(*t, meta) for t in release_triples(release, base))
        when = date_time(release.timestamp)
        for resource in changes.resources:
            version = ox.NamedNode(version_iri(resource, release.number, base))
            out += [ox.Quad(version, ox.NamedNode(DCTERMS + "isVersionOf"), ox.NamedNode(resource), meta),
                    ox.Quad(version, ox.NamedNode(DCTERMS + "isPartOf"), ox.NamedNode(release_iri(release.number, base)), meta),
                    ox.Quad(version, ox.NamedNode(PROV + "generatedAtTime"), when, meta),
                    ox.Quad(version, ox.NamedNode(RDF_TYPE),
                            ox.NamedNode(version_kind(resource in before, resource in after)), meta)]
        for part, per_resource in (("added", changes.added), ("removed", changes.removed)):
            predicate = ox.NamedNode(f"{iris.ONTOLOGY_NS}{part}Statement")
            for resource, lines in per_resource.items():
                version = ox.NamedNode(version_iri(resource, release.number, base))
                for parsed in ox.parse("\n".join(lines).encode("utf-8"), format=ox.RdfFormat.N_TRIPLES):
                    out.append(ox.Quad(version, predicate, parsed.triple, meta))
    return out


def loader(folder: str | Path, base: str = iris.DEFAULT_BASE):
    """A function that adds the history graphs of the log in folder to a store being built (or
    None when there is no log). A damaged log raises DamagedLog here, before anything is served."""
    log = Log(folder)
    if not log.releases():
        return None

    def extend(store) -> None:
        store.add_quads(quads(log, base))
    return extend
