"""One media-type table for the Accept header, the `format` parameter, file suffixes and the CLI."""
from __future__ import annotations

from dataclasses import dataclass

from pyoxigraph import QueryResultsFormat, RdfFormat


@dataclass(frozen=True)
class Format:
    name: str            # the `format` parameter and CLI value
    media_type: str      # what we send
    kind: str            # "results" (SELECT/ASK), "graph" (CONSTRUCT/DESCRIBE) or "html"
    extension: str
    oxigraph: object | None
    aliases: tuple[str, ...] = ()   # other media types and names that mean the same
    rdflib: str | None = None       # rdflib's name for the format (parsing, serialising)

    @property
    def content_type(self) -> str:
        textual = self.media_type.startswith("text/") or self.media_type.endswith(("json", "+xml", "triples"))
        return f"{self.media_type}; charset=utf-8" if textual else self.media_type


FORMATS: tuple[Format, ...] = (
    Format("json", "application/sparql-results+json", "results", "srj", QueryResultsFormat.JSON,
           ("application/json", "srj")),
    Format("xml", "application/sparql-results+xml", "results", "srx", QueryResultsFormat.XML,
           ("application/xml", "text/xml", "srx")),
    Format("csv", "text/csv", "results", "csv", QueryResultsFormat.CSV),
    Format("tsv", "text/tab-separated-values", "results", "tsv", QueryResultsFormat.TSV),
    Format("turtle", "text/turtle", "graph", "ttl", RdfFormat.TURTLE,
           ("application/x-turtle", "ttl"), "turtle"),
    Format("jsonld", "application/ld+json", "graph", "jsonld", RdfFormat.JSON_LD,
           ("json-ld", "application/json"), "json-ld"),
    Format("ntriples", "application/n-triples", "graph", "nt", RdfFormat.N_TRIPLES,
           ("text/plain", "nt"), "nt"),
    Format("rdfxml", "application/rdf+xml", "graph", "rdf", RdfFormat.RDF_XML,
           ("rdf", "xml", "application/xml", "text/xml"), "xml"),
    Format("html", "text/html", "html", "html", None, ("application/xhtml+xml",)),
    # Datasets (a default graph and named graphs), for responses that carry graphs of their own:
    # triple pattern fragments put their Hydra controls in a metadata graph.
    Format("trig", "application/trig", "dataset", "trig", RdfFormat.TRIG, ("application/x-trig",)),
    Format("nquads", "application/n-quads", "dataset", "nq", RdfFormat.N_QUADS, ("nq",)),
    # a SELECT result drawn as a chart (/sparql?format=svg&view=BarChart); never negotiated
    Format("svg", "image/svg+xml", "view", "svg", None),
)

BY_NAME = {f.name: f for f in FORMATS}
RESULT_FORMATS = [f for f in FORMATS if f.kind == "results"]
GRAPH_FORMATS = [f for f in FORMATS if f.kind == "graph"]
DATASET_FORMATS = [f for f in FORMATS if f.kind == "dataset"]


class UnknownFormat(ValueError):
    pass


def by_name(name: str, kind: str | None = None) -> Format:
    """A format from its name, an alias or a media type, e.g. 'ttl', 'turtle', 'text/turtle'."""
    key = name.strip().lower()
    candidates = [f for f in FORMATS if kind in (None, f.kind)]
    for fmt in candidates:
        if key in (fmt.name, fmt.media_type, fmt.extension):
            return fmt
    for fmt in candidates:
        if key in fmt.aliases:
            return fmt
    known = ", ".join(f.name for f in candidates)
    raise UnknownFormat(f"unknown format {name!r}; known: {known}")


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


def negotiate(accept: str | None, kind: str, allow_html: bool = False) -> Format | None:
    """The best format of a kind for an Accept header, or None when nothing acceptable.
    The first format of each kind in FORMATS is the default for */*."""
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
