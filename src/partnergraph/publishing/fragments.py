"""Triple Pattern Fragments (Hydra Community Group's TPF specification) over the graph: the
triples matching one pattern of subject, predicate and object, a page at a time, with the
hypermedia controls an LDF client such as Comunica needs: the search form (an RFC 6570 template
with the explicit representation of terms), paging links, and an estimate of the fragment's size
(hydra:totalItems, void:triples).

The store is reached only through the graph's query interface (graph.select), so the endpoint's
guards, time limit and result limit apply, and the store may be embedded or a remote endpoint.
Terms from the request are parsed into pyoxigraph terms and written back into the query by
pyoxigraph, so they cannot change the query's shape. web/fragment_views.py serves this at
/fragments."""
from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlencode

import pyoxigraph
from pyoxigraph import BlankNode, DefaultGraph, Literal, NamedNode, Quad

from .. import rq
from ..rdf import iris, namespaces
from ..rdf.namespaces import DCT, FOAF, HYDRA, RDF, VOID, XSD
from ..sparql import formats

PAGE_SIZE = 100
MAX_TERM_CHARS = 4000
PREFIXES = {**namespaces.PREFIXES, "hydra": HYDRA}
POSITIONS = ("subject", "predicate", "object")
MEDIA = [formats.BY_NAME[n] for n in ("trig", "nquads", "turtle", "jsonld", "ntriples", "rdfxml")]


class FragmentError(ValueError):
    """A pattern or page that cannot be read; the message names the parameter."""


@dataclass(frozen=True)
class Pattern:
    subject: NamedNode | None = None
    predicate: NamedNode | None = None
    object: NamedNode | Literal | None = None

    def terms(self) -> tuple:
        return self.subject, self.predicate, self.object

    def row(self) -> str:
        """The VALUES row of the pattern: terms in N-Triples syntax (pyoxigraph escapes them)."""
        return " ".join(str(t) if t is not None else "UNDEF" for t in self.terms())

    def params(self) -> dict[str, str]:
        """The pattern as the search form's parameters (explicit representation)."""
        return {name: explicit(term) for name, term in zip(POSITIONS, self.terms(), strict=True) if term is not None}


def explicit(term) -> str:
    """A term in Hydra's explicit representation: IRIs as they are, literals quoted with their
    language tag or datatype ("Växjö"@sv, "2001"^^http://www.w3.org/2001/XMLSchema#gYear)."""
    if isinstance(term, NamedNode):
        return term.value
    if term.language:
        return f'"{term.value}"@{term.language}'
    if term.datatype.value != XSD + "string":
        return f'"{term.value}"^^{term.datatype.value}'
    return f'"{term.value}"'


_LANG = re.compile(r"@([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*)")


def parse_term(text: str | None, position: str):
    """A parameter's term, or None for a variable (absent, empty, or ?name)."""
    if text is None:
        return None
    text = text.strip()
    if not text or text.startswith("?"):
        return None
    if len(text) > MAX_TERM_CHARS:
        raise FragmentError(f"{position}: the term is longer than {MAX_TERM_CHARS} characters")
    if text.startswith('"'):
        if position != "object":
            raise FragmentError(f"{position}: a literal can only be an object")
        end = text.rfind('"')
        if end == 0:
            raise FragmentError(f"{position}: the literal {text!r} has no closing quote")
        value, rest = text[1:end], text[end + 1:]
        if not rest:
            return Literal(value)
        if _LANG.fullmatch(rest):
            return Literal(value, language=rest[1:].lower())
        if rest.startswith("^^"):
            datatype = rest[2:].strip("<>")
            return Literal(value, datatype=_iri(datatype, position))
        raise FragmentError(f"{position}: after the literal's closing quote comes @language or ^^datatype, "
                            f"not {rest!r}")
    if text.startswith("_:"):
        raise FragmentError(f"{position}: blank nodes cannot be asked for; use a variable")
    return _iri(text.strip("<>") if text.startswith("<") else text, position)


def _iri(text: str, position: str) -> NamedNode:
    if not re.match(r"[A-Za-z][A-Za-z0-9+.\-]*:", text):
        raise FragmentError(f"{position}: {text!r} is not an absolute IRI (nor a quoted literal)")
    try:
        return NamedNode(iris.normalise_sdg_iri(text))
    except ValueError as err:
        raise FragmentError(f"{position}: {text!r} is not a valid IRI: {err}") from None


def parse_pattern(args: dict[str, str | None]) -> Pattern:
    return Pattern(*(parse_term(args.get(name), name) for name in POSITIONS))


def parse_page(text: str | None) -> int:
    if text in (None, ""):
        return 1
    if not re.fullmatch(r"[0-9]{1,9}", text.strip()) or int(text) < 1:
        raise FragmentError(f"page: {text!r} is not a page number (1, 2, ...)")
    return int(text)


def _term(binding: dict):
    if binding["type"] == "uri":
        return NamedNode(binding["value"])
    if binding["type"] == "bnode":
        return BlankNode(binding["value"])
    if "xml:lang" in binding:
        return Literal(binding["value"], language=binding["xml:lang"])
    return Literal(binding["value"], datatype=NamedNode(binding.get("datatype", XSD + "string")))


@dataclass
class Fragment:
    pattern: Pattern
    page: int
    page_size: int
    triples: list[tuple]
    total: int

    @property
    def has_next(self) -> bool:
        return self.page * self.page_size < self.total or len(self.triples) > self.page_size


def fetch(graph, pattern: Pattern, page: int = 1, page_size: int = PAGE_SIZE) -> Fragment:
    """One page of the fragment and the estimate of its size. Raises the graph's QueryError.
    Pages of a remote store are sorted; the embedded store's own order is stable (see the .rq)."""
    row = pattern.row()
    query = "fragment-triples-sorted" if getattr(graph, "endpoint", None) else "fragment-triples"
    text = rq.load(query).replace("$row", row) + f"\nLIMIT {page_size + 1} OFFSET {(page - 1) * page_size}\n"
    rows = graph.select(text)
    triples = [(_term(r["s"]), _term(r["p"]), _term(r["o"])) for r in rows]
    shown = (page - 1) * page_size + min(len(triples), page_size)
    if len(triples) <= page_size and (page == 1 or triples):
        total = shown            # the last page: the count is exact without asking
    else:
        counted = graph.select(rq.load("fragment-count").replace("$row", row))
        total = max(int(counted[0]["n"]["value"]) if counted else 0, shown)
    return Fragment(pattern, page, page_size, triples, total)


def quads(fragment: Fragment, page_url: str, dataset_url: str,
          link: Callable[[dict[str, str]], str]) -> list[Quad]:
    """The fragment's data (default graph) and its metadata and controls (a graph of their own,
    named page_url#metadata and said to be about the page, as TPF servers do). link(params) is the
    URL of the fragment with those parameters."""
    data = [Quad(s, p, o, DefaultGraph()) for s, p, o in fragment.triples[:fragment.page_size]]
    params = fragment.pattern.params()
    try:    # the URL as requested, so a client finds the controls about the page it fetched
        page = NamedNode(page_url)
    except ValueError:   # a client that sent characters an IRI cannot hold: the canonical URL
        page_url = link({**params, **({"page": str(fragment.page)} if fragment.page > 1 else {})})
        page = NamedNode(page_url)
    meta_graph, dataset = NamedNode(page_url + "#metadata"), NamedNode(dataset_url)
    fragment_node = NamedNode(link(params))
    search = BlankNode("search")
    out: list[tuple] = [
        (meta_graph, NamedNode(FOAF + "primaryTopic"), page),
        (dataset, NamedNode(RDF + "type"), NamedNode(VOID + "Dataset")),
        (dataset, NamedNode(RDF + "type"), NamedNode(HYDRA + "Collection")),
        (dataset, NamedNode(VOID + "subset"), page),
        (dataset, NamedNode(HYDRA + "search"), search),
        (search, NamedNode(HYDRA + "template"), Literal(link({}).split("?")[0] + "{?subject,predicate,object}")),
        (search, NamedNode(HYDRA + "variableRepresentation"), NamedNode(HYDRA + "ExplicitRepresentation")),
    ]
    for name, prop in zip(POSITIONS, ("subject", "predicate", "object"), strict=True):
        mapping = BlankNode(name)
        out += [(search, NamedNode(HYDRA + "mapping"), mapping),
                (mapping, NamedNode(HYDRA + "variable"), Literal(name)),
                (mapping, NamedNode(HYDRA + "property"), NamedNode(RDF + prop))]
    total = Literal(str(fragment.total), datatype=NamedNode(XSD + "integer"))
    out += [
        (page, NamedNode(RDF + "type"), NamedNode(HYDRA + "PartialCollectionView")),
        (page, NamedNode(DCT + "title"), Literal(_title(fragment.pattern), language="en")),
        (page, NamedNode(DCT + "source"), dataset),
        (page, NamedNode(HYDRA + "totalItems"), total),
        (page, NamedNode(VOID + "triples"), total),
        (page, NamedNode(HYDRA + "itemsPerPage"), Literal(str(fragment.page_size), datatype=NamedNode(XSD + "integer"))),
        (page, NamedNode(HYDRA + "first"), NamedNode(link({**params, "page": "1"}))),
    ]
    if page_url != fragment_node.value:
        out.append((fragment_node, NamedNode(VOID + "subset"), page))
    if fragment.page > 1:
        out.append((page, NamedNode(HYDRA + "previous"), NamedNode(link({**params, "page": str(fragment.page - 1)}))))
    if fragment.has_next:
        out.append((page, NamedNode(HYDRA + "next"), NamedNode(link({**params, "page": str(fragment.page + 1)}))))
    return data + [Quad(s, p, o, meta_graph) for s, p, o in out]


def _title(pattern: Pattern) -> str:
    shown = " ".join(str(t) if t is not None else f"?{n[0]}" for n, t in zip(POSITIONS, pattern.terms(), strict=True))
    return f"The triples matching {{ {shown} }}"


def serialize(items: list[Quad], fmt: formats.Format) -> bytes:
    """In a dataset format as they are; in a graph format (Turtle, N-Triples, JSON-LD without
    graphs, RDF/XML) all in one graph, which the TPF specification allows."""
    if fmt.kind != "dataset" and fmt.name != "jsonld":
        items = [Quad(q.subject, q.predicate, q.object, DefaultGraph()) for q in items]
    kwargs = {"prefixes": PREFIXES} if fmt.name in ("turtle", "trig") else {}
    return pyoxigraph.serialize(items, format=fmt.oxigraph, **kwargs)


def fragment_link(root_path: str) -> Callable[[dict[str, str]], str]:
    """URLs of fragments as the search template expands them (form-style query, RFC 6570: every
    reserved character percent-encoded)."""
    def link(params: dict[str, str]) -> str:
        ordered = [(k, params[k]) for k in (*POSITIONS, "page") if params.get(k)]
        return root_path + ("?" + urlencode(ordered, quote_via=quote) if ordered else "")
    return link


def readable_rows(fragment: Fragment, link: Callable[[dict[str, str]], str]) -> list[list[dict]]:
    """The page's triples for a person: each term as the text to show (IRIs compacted), its IRI to
    follow, and the link to the fragment that fixes that term in its position."""
    params = fragment.pattern.params()
    rows = []
    for triple in fragment.triples[:fragment.page_size]:
        row = []
        for position, term in zip(POSITIONS, triple, strict=True):
            if isinstance(term, NamedNode):
                cell = {"kind": "uri", "iri": term.value, "text": iris.compact_iri(term.value)}
            elif isinstance(term, BlankNode):
                cell = {"kind": "bnode", "text": f"_:{term.value}"}
            else:
                datatype = term.datatype.value if term.datatype and not term.language else None
                cell = {"kind": "literal", "text": term.value, "lang": term.language,
                        "datatype": None if datatype in (None, XSD + "string") else iris.compact_iri(datatype)}
            if not isinstance(term, BlankNode) and params.get(position) is None:
                cell["narrow"] = link({**params, position: explicit(term)})
            row.append(cell)
        rows.append(row)
    return rows
