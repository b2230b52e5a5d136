"""One media-type table for the Accept header, the `format` parameter, file suffixes and the CLI.

FORMATS lists what the endpoint writes; ALIASES is the one table of the ways clients name them.
A name can mean two formats: `xml` is SPARQL Results XML for a SELECT or ASK and RDF/XML for a
CONSTRUCT or DESCRIBE (SPARQLWrapper sends `format=xml` for both), `json` is SPARQL Results JSON
or JSON-LD. So a value resolves to a Choice: the format for results and the format for graphs,
either of which may be absent (`csv` has no graph format)."""
from __future__ import annotations

import functools
from dataclasses import dataclass

from pyoxigraph import QueryResultsFormat, RdfFormat


@dataclass(frozen=True)
class Format:
    name: str            # the `format` parameter and CLI value
    media_type: str      # what we send
    kind: str            # "results" (SELECT/ASK), "graph" (CONSTRUCT/DESCRIBE) or "html"
    extension: str
    oxigraph: object | None
    rdflib: str | None = None       # rdflib's name for the format (parsing, serialising)

    @property
    def content_type(self) -> str:
        textual = self.media_type.startswith("text/") or self.media_type.endswith(("json", "+xml", "triples"))
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type

    @property
    def aliases(self) -> tuple[str, ...]:
        """Every other name and media type that means this format (from ALIASES)."""
        return _aliases_of(self.name, self.media_type)


FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", "results", "srj", QueryResultsFormat.JSON),
    Format("xml", "application/sparql-results+xml", "results", "srx", QueryResultsFormat.XML),
    Format("csv", "text/csv", "results", "csv", QueryResultsFormat.CSV),
    Format("tsv", "text/tab-separated-values", "results", "tsv", QueryResultsFormat.TSV),
    Format("turtle", "text/turtle", "graph", "ttl", RdfFormat.TURTLE, "turtle"),
    Format("jsonld", "application/ld+json", "graph", "jsonld", RdfFormat.JSON_LD, "json-ld"),
    Format("ntriples", "application/n-triples", "graph", "nt", RdfFormat.N_TRIPLES, "nt"),
    Format("rdfxml", "application/rdf+xml", "graph", "rdf", RdfFormat.RDF_XML, "xml"),
    Format("html", "text/html", "html", "html", None),
    # Datasets (a default graph and named graphs), for responses that carry graphs of their own:
    # triple pattern fragments put their Hydra controls in a metadata graph.
    Format("trig", "application/trig", "dataset", "trig", RdfFormat.TRIG, "trig"),
    Format("nquads", "application/n-quads", "dataset", "nq", RdfFormat.N_QUADS, "nquads"),
    # a SELECT result drawn as a chart (/sparql?format=svg&view=BarChart); never negotiated
    Format("svg", "image/svg+xml", "view", "svg", None),
)

BY_NAME = {f.name: f for f in FORMATS}
RESULT_FORMATS = [f for f in FORMATS if f.kind == "results"]
GRAPH_FORMATS = [f for f in FORMATS if f.kind == "graph"]
DATASET_FORMATS = [f for f in FORMATS if f.kind == "dataset"]


@dataclass(frozen=True)
class Choice:
    """What one `format` value (or media type) asks for: a results format, a graph format, or both."""
    results: str | None
    graph: str | None

    def for_kind(self, kind: str) -> Format | None:
        """The format for a result of this kind ("results", "boolean" or "graph"), None if it has none."""
        if self.results == "html":
            return BY_NAME["html"]
        name = self.graph if kind == "graph" else self.results
        return BY_NAME[name] if name else None


def _same(results: str | None, graph: str | None, *names: str) -> dict[str, Choice]:
    return {name: Choice(results, graph) for name in names}


# Every spelling clients send as a `format`, `output` or `results` value, and every media type an
# Accept header may name, with the formats it means. N3 is answered in Turtle (a Turtle document
# is N3). Media types here also match Accept headers.
ALIASES: dict[str, Choice] = {
    **_same("json", "jsonld", "json", "application/json"),
    **_same("json", None, "srj", "application/sparql-results+json"),
    **_same("xml", "rdfxml", "xml", "application/xml", "text/xml"),
    **_same("xml", None, "srx", "application/sparql-results+xml"),
    **_same("csv", None, "csv", "text/csv"),
    **_same("tsv", None, "tsv", "text/tab-separated-values"),
    **_same(None, "turtle", "turtle", "ttl", "text/turtle", "application/turtle", "application/x-turtle",
            "n3", "text/n3", "text/rdf+n3", "application/n3"),
    **_same(None, "jsonld", "jsonld", "json-ld", "application/ld+json", "application/x-json+ld"),
    **_same(None, "ntriples", "ntriples", "nt", "n-triples", "application/n-triples", "text/plain"),
    **_same(None, "rdfxml", "rdfxml", "rdf", "rdf+xml", "rdf/xml", "application/rdf+xml"),
    **_same("html", "html", "html", "text/html", "application/xhtml+xml"),
    **_same(None, "trig", "trig", "application/trig", "application/x-trig"),
    **_same(None, "nquads", "nquads", "nq", "application/n-quads"),
    **_same("svg", None, "svg", "image/svg+xml"),
}


@functools.cache
def _aliases_of(name: str, media_type: str) -> tuple[str, ...]:
    return tuple(alias for alias, chosen in ALIASES.items()
                 if name in (chosen.results, chosen.graph) and alias not in (name, media_type))


class UnknownFormat(ValueError):
    """A format value that names no format, or none for this kind of result: a 406 at the endpoint."""


def known_formats(kind: str | None = None) -> str:
    """The format names a client may give, for messages."""
    if kind in ("results", "boolean"):
        return ", ".join(f.name for f in RESULT_FORMATS) + " (and their media types)"
    if kind == "graph":
        return ", ".join(f.name for f in GRAPH_FORMATS) + " (and their media types)"
    return (", ".join(f.name for f in RESULT_FORMATS) + " for SELECT and ASK results; "
            + ", ".join(f.name for f in GRAPH_FORMATS) + " for CONSTRUCT and DESCRIBE graphs "
            "(and their media types)")


def choice(value: str) -> Choice:
    """What a `format` value asks for: a name, an alias or a media type ('ttl', 'rdf+xml',
    'text/turtle; charset=utf-8'). UnknownFormat when it names no format."""
    key = value.split(";")[0].strip().lower()
    try:
        return ALIASES[key]
    except KeyError:
        raise UnknownFormat(f"unknown format {value.strip()!r}; the formats are {known_formats()}") from None


def by_name(name: str, kind: str | None = None) -> Format:
    """A format from its name, an alias or a media type, e.g. 'ttl', 'turtle', 'text/turtle'.
    kind "results" or "graph" picks that side of a name such as 'xml'."""
    chosen = choice(name)
    if kind == "html" or (kind is None and chosen.results == "html"):
        if chosen.results == "html":
            return BY_NAME["html"]
    elif kind is None:
        return BY_NAME[chosen.results or chosen.graph]
    else:
        fmt = chosen.for_kind(kind)
        if fmt is not None and fmt.kind != "html":
            return fmt
    raise UnknownFormat(f"{name.strip()!r} is not a format for {'graphs' if kind == 'graph' else kind}; "
                        f"the formats are {known_formats(kind)}")


def by_extension(ext: str) -> Format | None:
    for fmt in FORMATS:
        if fmt.extension == ext.lower() and fmt.kind in ("graph", "html"):
            return fmt
    return None


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """Media ranges with their q-values, best first; ties keep the client's order."""
    if not header:
        return [("*/*", 1.0)]
    ranges = []
    for position, part in enumerate(header.split(",")):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for param in fields[1:]:
            if param.lower().startswith("q="):
                try:
                    q = max(0.0, min(1.0, float(param[2:])))
                except ValueError:
                    q = 0.0
        specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        ranges.append((media, q, specificity, position))
    ranges.sort(key=lambda r: (-r[1], -r[2], r[3]))
    return [(m, q) for m, q, _, _ in ranges]


def _matches(media_range: str, fmt: Format) -> bool:
    if media_range == "*/*":
        return True
    types = (fmt.media_type,) + tuple(a for a in fmt.aliases if "/" in a)
    if media_range.endswith("/*"):
        return any(t.startswith(media_range[:-1]) for t in types)
    return media_range in types


@functools.lru_cache(maxsize=256)
def negotiate(accept: str | None, kind: str, allow_html: bool = False) -> Format | None:
    """The best format of a kind for an Accept header, or None when nothing acceptable.
    The first format of each kind in FORMATS is the default for */*. Memoised: clients send a
    handful of distinct headers, and /sparql negotiates each request three times."""
    candidates = [f for f in FORMATS if f.kind == kind or (allow_html and f.kind == "html")]
    for media_range, q in parse_accept(accept):
        if q <= 0:
            continue
        if media_range == "*/*":
            return next(f for f in candidates if f.kind == kind)
        for fmt in candidates:
            if _matches(media_range, fmt):
                return fmt
    return None


def negotiate_among(accept: str | None, candidates: list[Format]) -> Format | None:
    """The best of the given formats for an Accept header (the first for */*), or None."""
    for media_range, q in parse_accept(accept):
        if q <= 0:
            continue
        if media_range == "*/*":
            return candidates[0]
        for fmt in candidates:
            if _matches(media_range, fmt):
                return fmt
    return None


def wants_html(accept: str | None) -> bool:
    """True when a browser's Accept header prefers HTML over the RDF and results formats."""
    best = negotiate(accept, "results", allow_html=True)
    return best is not None and best.kind == "html" and accept is not None and "text/html" in accept.lower()
