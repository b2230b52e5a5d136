"""The IRI scheme in one place: slugs, resource kinds, base IRI <-> local URL paths."""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path

DEFAULT_BASE = "https://w3id.org/partnergraph/"
ONTOLOGY_NS = "https://w3id.org/partnergraph/ontology#"
SDG_NS = "http://metadata.un.org/sdg/"
SDG_HTTPS_NS = "https://metadata.un.org/sdg/"

KINDS = (
    "municipality", "region", "country", "organisation", "person", "partnership",
    "project", "network", "membership", "event", "concept", "source",
)

_SLUG_RE = re.compile(r"^[a-z0-9_]+(-[a-z0-9_]+)*$")
_SDG_RE = re.compile(r"^([1-9]|1[0-7])(\.([0-9]+|[a-z]))?$")

PREFIXES = {
    "pg": ONTOLOGY_NS,
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "dcterms": "http://purl.org/dc/terms/",
    "prov": "http://www.w3.org/ns/prov#",
    "org": "http://www.w3.org/ns/org#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "schema": "https://schema.org/",
    "sdg": SDG_NS,
    "sdgo": "http://metadata.un.org/sdg/ontology#",
    "sh": "http://www.w3.org/ns/shacl#",
    "void": "http://rdfs.org/ns/void#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "geo": "http://www.opengis.net/ont/geosparql#",
}


def slugify(name: str) -> str:
    """ASCII lower-case slug with hyphens, diacritics folded: 'Växjö kommun' -> 'vaxjo-kommun'."""
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")


def is_slug(text: str) -> bool:
    return bool(_SLUG_RE.match(text))


def resource_iri(kind: str, slug: str, base: str = DEFAULT_BASE) -> str:
    if kind not in KINDS:
        raise ValueError(f"unknown kind {kind!r}; expected one of {', '.join(KINDS)}")
    if not is_slug(slug):
        raise ValueError(f"not a valid slug: {slug!r}")
    return f"{base}id/{kind}/{slug}"


def iri_to_path(iri: str, base: str = DEFAULT_BASE) -> str | None:
    """The local path ('id/project/sekos-2') of an IRI under the base, or None."""
    if iri.startswith(base):
        return iri[len(base):]
    return None


def path_to_iri(path: str, base: str = DEFAULT_BASE) -> str:
    return base + path.lstrip("/")


def id_iri(rest: str, base: str = DEFAULT_BASE) -> str:
    """The resource IRI that /page/{rest}, /data/{rest}.ttl and /id/{rest} stand for."""
    return f"{base}id/{rest}"


def local_url(iri: str, base: str = DEFAULT_BASE) -> str | None:
    """Where this site shows an IRI: resources under the base at their pages, the ontology and
    shapes at their documentation, named graphs and VoID at their routes, SDGs at /sdg/N; None
    for an IRI the site does not answer for."""
    if iri.startswith(base):
        path = iri[len(base):]
        if path.startswith("id/"):
            return "/page/" + path[3:]
        for doc in ("ontology", "shapes"):
            if path == doc or path.startswith(doc + "#"):
                return "/" + path
            if path.startswith(doc + "/"):
                return "/" + doc
        if path.startswith(".well-known/void"):
            return "/.well-known/void"
        return "/" + path
    if iri.startswith(ONTOLOGY_NS):
        return "/ontology#" + iri[len(ONTOLOGY_NS):]
    code = sdg_code(iri)
    return f"/sdg/{code}" if code else None


def normalise_sdg_iri(iri: str) -> str:
    """Accept the https:// form of the UN's SDG IRIs on input; the UN's data uses http://."""
    if iri.startswith(SDG_HTTPS_NS):
        return SDG_NS + iri[len(SDG_HTTPS_NS):]
    return iri


def normalise_sdg_text(text: str) -> str:
    """Rewrite every https://metadata.un.org/sdg/ occurrence in a query or search string."""
    return text.replace(SDG_HTTPS_NS, SDG_NS)


def sdg_code(iri: str) -> str | None:
    """'4' or '4.1' for a UN goal or target IRI, else None."""
    iri = normalise_sdg_iri(iri)
    if iri.startswith(SDG_NS):
        code = iri[len(SDG_NS):]
        if _SDG_RE.match(code):
            return code
    return None


def is_sdg_code(code: str) -> bool:
    return bool(_SDG_RE.match(code))


def graph_iri_for_file(path: Path | str, base: str = DEFAULT_BASE) -> str:
    """Each data file is loaded into its own named graph: data/projects.ttl -> {base}graph/projects."""
    stem = Path(path).name.split(".")[0]
    return f"{base}graph/{slugify(stem) or 'unnamed'}"


INFERRED_GRAPH = "graph/inferred"


def compact_iri(iri: str, base: str = DEFAULT_BASE) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    if iri.startswith(base + "id/"):
        return iri[len(base):]
    return f"<{iri}>"
