"""The change feed: a Linked Data Event Stream (LDES, on the TREE hypermedia vocabulary) of
resource versions, one version object per changed resource per release.

- the view's root, `/feed`: the ldes:EventStream (timestamp path prov:generatedAtTime, version-of
  path dcterms:isVersionOf, deletions as:Delete by rdf:type), its one tree:view, and for each
  release N a relation pair to the page `/feed/N`: tree:GreaterThanOrEqualToRelation on the
  release's time and, but for the newest, tree:LessThanRelation on the next release's time;
- the page `/feed/N`: release N's members. A member is `{base}version/N/{kind}/{slug}`: the
  resource's description at release N under the version's IRI, dcterms:isVersionOf the resource,
  prov:generatedAtTime the release's time; a resource that release N removed gets a member of
  type as:Delete with no description.

A page never changes once its release is written (immutable); the root gains a relation pair
with each release."""
from __future__ import annotations

from ..rdf import iris, namespaces
from ..rdf.namespaces import LDES, TREE
from .named_graphs import AS, DCTERMS, PROV, RDF_TYPE, XSD, release_triples, version_iri
from .releases import Log, Release, State

IMMUTABLE = "public, max-age=31536000, immutable"


def stream_iri(site: str) -> str:
    return site + "feed#stream"


def page_url(site: str, number: int | None = None) -> str:
    return site + "feed" + (f"/{number}" if number else "")


def _stream(site: str) -> list:
    import pyoxigraph as ox  # start-up: pyoxigraph only where the history is read or made
    stream = ox.NamedNode(stream_iri(site))
    return [ox.Triple(stream, ox.NamedNode(RDF_TYPE), ox.NamedNode(LDES + "EventStream")),
            ox.Triple(stream, ox.NamedNode(LDES + "timestampPath"), ox.NamedNode(PROV + "generatedAtTime")),
            ox.Triple(stream, ox.NamedNode(LDES + "versionOfPath"), ox.NamedNode(DCTERMS + "isVersionOf")),
            ox.Triple(stream, ox.NamedNode(LDES + "versionDeletePath"), ox.NamedNode(RDF_TYPE)),
            ox.Triple(stream, ox.NamedNode(LDES + "versionDeleteObject"), ox.NamedNode(AS + "Delete")),
            ox.Triple(stream, ox.NamedNode(TREE + "view"), ox.NamedNode(page_url(site)))]


def _when(release: Release):
    import pyoxigraph as ox  # start-up: pyoxigraph only where the history is read or made
    return ox.Literal(release.timestamp, datatype=ox.NamedNode(XSD + "dateTime"))


def root(log: Log, site: str) -> list:
    """The triples of the view's root: the stream and a relation pair per release."""
    import pyoxigraph as ox  # start-up: pyoxigraph only where the history is read or made
    triples = _stream(site)
    view = ox.NamedNode(page_url(site))
    triples.append(ox.Triple(view, ox.NamedNode(RDF_TYPE), ox.NamedNode(TREE + "Node")))
    releases = log.releases()
    for index, release in enumerate(releases):
        bounds = [("GreaterThanOrEqualToRelation", release)]
        if index + 1 < len(releases):
            bounds.append(("LessThanRelation", releases[index + 1]))
        for kind, at in bounds:
            relation = ox.BlankNode()
            triples += [ox.Triple(view, ox.NamedNode(TREE + "relation"), relation),
                        ox.Triple(relation, ox.NamedNode(RDF_TYPE), ox.NamedNode(TREE + kind)),
                        ox.Triple(relation, ox.NamedNode(TREE + "path"), ox.NamedNode(PROV + "generatedAtTime")),
                        ox.Triple(relation, ox.NamedNode(TREE + "value"), _when(at)),
                        ox.Triple(relation, ox.NamedNode(TREE + "node"), ox.NamedNode(page_url(site, release.number)))]
    return triples


def members(release: Release, changed: list[str], after: State, base: str = iris.DEFAULT_BASE) -> list:
    """The version objects of one release."""
    import pyoxigraph as ox  # start-up: pyoxigraph only where the history is read or made
    out = []
    when = _when(release)
    for resource in changed:
        version = ox.NamedNode(version_iri(resource, release.number, base))
        out += [ox.Triple(version, ox.NamedNode(DCTERMS + "isVersionOf"), ox.NamedNode(resource)),
                ox.Triple(version, ox.NamedNode(PROV + "generatedAtTime"), when)]
        lines = after.get(resource)
        if not lines:
            out.append(ox.Triple(version, ox.NamedNode(RDF_TYPE), ox.NamedNode(AS + "Delete")))
            continue
        subject = f"<{resource}> "
        text = "\n".join(f"<{version.value}> {line[len(subject):]}" if line.startswith(subject) else line for line in lines)
        out.extend(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_TRIPLES))
    return out


def page(log: Log, number: int, site: str, base: str = iris.DEFAULT_BASE) -> list | None:
    """The triples of page number (None when there is no such release)."""
    import pyoxigraph as ox  # start-up: pyoxigraph only where the history is read or made
    for release, changes, _before, after in log.states():
        if release.number != number:
            continue
        node = ox.NamedNode(page_url(site, number))
        stream = ox.NamedNode(stream_iri(site))
        found = members(release, changes.resources, after, base)
        triples = _stream(site)[:-1] + [ox.Triple(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(TREE + "Node")),
                                        ox.Triple(node, ox.NamedNode(LDES + "immutable"), ox.Literal(True))]
        triples += [ox.Triple(stream, ox.NamedNode(TREE + "member"), ox.NamedNode(version_iri(r, number, base)))
                    for r in changes.resources]
        return triples + found
    return None


def serialise(triples: list, fmt) -> bytes:
    """triples in a graph or dataset format of sparql/formats.py (the default graph for TriG, N-Quads)."""
    import pyoxigraph as ox  # start-up: pyoxigraph only where the history is read or made
    items = triples
    if fmt.kind == "dataset":
        items = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    prefixes = {"ldes": LDES, "tree": TREE, "prov": PROV, "dcterms": DCTERMS, "as": AS, **namespaces.PREFIXES}
    if fmt.name in ("turtle", "trig"):
        return ox.serialize(items, format=fmt.oxigraph, prefixes=prefixes)
    return ox.serialize(items, format=fmt.oxigraph)


def releases_listing(log: Log, base: str = iris.DEFAULT_BASE) -> list:
    """Every release as triples (number, time, notes, counts): /releases in RDF."""
    import pyoxigraph  # start-up: pyoxigraph's terms only when the listing is asked for in RDF

    return [pyoxigraph.Triple(*t) for r in log.releases() for t in release_triples(r, base)]
