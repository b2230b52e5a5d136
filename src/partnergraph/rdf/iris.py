"""The IRI scheme in one place: slugs, resource kinds, base IRI <-> local URL paths."""
from __future__ import annotations

import re
from pathlib import Path

from .namespaces import PG, PREFIXES, SDG, SDG_HTTPS
from .text import fold

DEFAULT_BASE = "https://w3id.org/partnergraph/"

KINDS = (
    "municipality", "region", "country", "organisation", "person", "partnership",
    "project", "network", "membership", "event", "concept", "source",
)

_SLUG_RE = re.compile(r"^[a-z0-9_]+(-[a-z0-9_]+)*$")
_SDG_RE = re.compile(r"^([1-9]|1[0-7])(\.([0-9]+|[a-z]))?$")


def slugify(name: str) -> str:
    """ASCII lower-case slug with hyphens, diacritics folded: 'Växjö kommun' -> 'vaxjo-kommun'."""
    folded = fold(name).encode("ascii", "ignore").decode("ascii")    # letters with no ASCII form go
    return re.sub(r"[^a-z0-9]+", "-", folded).strip("-")


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
    if iri.startswith(PG):
        return "/ontology#" + iri[len(PG):]
    code = sdg_code(iri)
    return f"/sdg/{code}" if code else None


def normalise_sdg_iri(iri: str) -> str:
    """Accept the https:// form of the UN's SDG IRIs on input; the UN's data uses http://."""
    if iri.startswith(SDG_HTTPS):
        return SDG + iri[len(SDG_HTTPS):]
    return iri


def normalise_sdg_text(text: str) -> str:
    """Rewrite every https://metadata.un.org/sdg/ occurrence in a query or search string."""
    return text.replace(SDG_HTTPS, SDG)


def sdg_code(iri: str) -> str | None:
    """'4' or '4.1' for a UN goal or target IRI, else None."""
    iri = normalise_sdg_iri(iri)
    if iri.startswith(SDG):
        code = iri[len(SDG):]
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
ONTOLOGY_GRAPH = "graph/ontology"


def compact_iri(iri: str, base: str = DEFAULT_BASE) -> str:
    for prefix, ns in PREFIXES.items():
        if iri.startswith(ns) and len(iri) > len(ns):
            return f"{prefix}:{iri[len(ns):]}"
    if iri.startswith(base + "id/"):
        return iri[len(base):]
    return f"<{iri}>"
