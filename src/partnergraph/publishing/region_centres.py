"""Approximate centres for the partner places that are regions, not towns, from the rows of
dr5hn/countries-states-cities-database that ../shared/vocab/places/regions_dr5hn-states.csv holds.

`partnergraph region-centres` writes data/region-centres.ttl: for each place of the graph that a
row describes, a GeoSPARQL centroid (geo:hasCentroid, not geo:hasGeometry: the point stands for an
area, and maps draw it as one) with its source, licence and a note saying how rough it is. A row
describes a place when its Wikidata item is the place's (owl:sameAs) or the area the place governs
(schema:areaServed), or, in the place's country, when its name is one of the place's names or, for
a Swedish county, the name of the region that governs it ("Region Kronoberg"). No coordinate comes
from anywhere else; a place no row describes (JB Marks) gets none and stays listed under the maps.
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import OWL, RDFS, SKOS

from ..rdf.namespaces import WIKIDATA
from .geonames import PG, PLACE_CLASSES, GeonamesError, read_data

SCHEMA = rdflib.Namespace("https://schema.org/")
OUTPUT = "region-centres.ttl"
DEFAULT_CSV = Path("../shared/vocab/places/regions_dr5hn-states.csv")
SOURCE = "https://github.com/dr5hn/countries-states-cities-database"
COMMIT = "9070bca"
ATTRIBUTION = "countries-states-cities-database by dr5hn"
ODBL = "https://opendatacommons.org/licenses/odbl/1-0/"
TITLE = "countries-states-cities-database: states.csv (regions of countries with approximate centres)"


@dataclass(frozen=True)
class Centre:
    place: str            # IRI
    name: str             # the row's name of the region
    kind: str             # the row's type: district, province, county
    code: str             # ISO 3166-2
    wikidata: str         # Q-number
    lon: str              # as the row gives them, decimal degrees
    lat: str
    matched_by: str       # "wikidata" or "name"

    @property
    def wkt(self) -> str:
        """WKT in GeoSPARQL's default CRS (CRS84), longitude first, the row's figures unrounded."""
        return f"POINT({_plain(self.lon)} {_plain(self.lat)})"


def _plain(figure: str) -> str:
    return figure.rstrip("0").rstrip(".") if "." in figure else figure


def source_iri() -> str:
    return f"{SOURCE}/blob/{COMMIT}/csv/states.csv"


def read_rows(path: Path | str) -> list[dict[str, str]]:
    try:
        with open(path, newline="", encoding="utf-8") as handle:
            return list(csv.DictReader(handle))
    except FileNotFoundError as err:
        raise GeonamesError(f"{path}: not found (the regions file of ../shared/vocab/places/)") from err


def _names(graph: rdflib.Graph, place) -> set[str]:
    return {str(o) for p in (RDFS.label, SKOS.altLabel) for o in graph.objects(place, p)}


def match(graph: rdflib.Graph, rows: list[dict[str, str]]) -> tuple[list[Centre], list[str]]:
    """(centres, places without one) for the places of the graph's local governments and regions
    that have no point of their own."""
    places = sorted({s for name in PLACE_CLASSES for s in graph.subjects(rdflib.RDF.type, PG[name])
                     if isinstance(s, URIRef)} - set(graph.subjects(URIRef("http://www.opengis.net/ont/geosparql#hasGeometry"))))
    centres, misses = [], []
    for place in places:
        items = {str(o).removeprefix(WIKIDATA) for p in (OWL.sameAs, SCHEMA.areaServed) for o in graph.objects(place, p)
                 if str(o).startswith(WIKIDATA)}
        country = graph.value(place, PG.country)
        country_names = {str(o) for o in graph.objects(country, RDFS.label)} if country is not None else set()
        names = _names(graph, place)
        found = None
        for row in rows:
            if row["wikiDataId"] and row["wikiDataId"] in items:
                found = (row, "wikidata")
                break
            region_names = {row["name"]}
            if row["country_code"] == "SE" and row["type"] == "county":    # the region that governs the county
                region_names.add(f"Region {row['name']}")
            if row["country_name"] in country_names and names & region_names:
                found = (row, "name")
                break
        if found is None:
            misses.append(str(place))
            continue
        row, how = found
        centres.append(Centre(str(place), row["name"], row["type"], row["iso3166_2"], row["wikiDataId"],
                              row["longitude"].strip(), row["latitude"].strip(), how))
    return centres, misses


def _note(c: Centre, lang: str) -> str:
    if lang == "sv":
        kind = {"district": "distriktet", "province": "provinsen", "county": "länet"}.get(c.kind, c.kind)
        return (f"Ungefärlig mittpunkt för {kind} {c.name} ({c.code}, Wikidata {c.wikidata}), området som platsen "
                f"omfattar eller styr: en region, inte en ort. Ur en enda folkunderhållen källa ({ATTRIBUTION}, ODbL 1.0); "
                f"duger för att placera regionen på en karta i liten skala, inte för mätning.")
    return (f"The approximate centre of the {c.kind} of {c.name} ({c.code}, Wikidata {c.wikidata}), the area the place "
            f"covers or governs: a region, not a town. From a single crowd-maintained source ({ATTRIBUTION}, ODbL 1.0); "
            f"fit for placing the region on a small-scale map, not for measuring.")


def to_turtle(centres: list[Centre], misses: list[str]) -> str:
    source = source_iri()
    lines = [
        "@prefix geo:     <http://www.opengis.net/ont/geosparql#> .",
        "@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "",
        "# Generated by `partnergraph region-centres` from ../shared/vocab/places/regions_dr5hn-states.csv:",
        "# do not edit by hand. Each point is a region's approximate centre (geo:hasCentroid), not a town.",
        f"# Data: {ATTRIBUTION}, Open Database License (ODbL) 1.0, {ODBL}",
    ]
    if misses:
        lines.append("# Places without a point of their own that no row describes, so without a centre:")
        lines.extend(f"#   {iri}" for iri in misses)
    lines += [
        "",
        f"<{source}>",
        f"    rdfs:label {Literal(f'{ATTRIBUTION}, states.csv', lang='en').n3()} ,"
        f" {Literal(f'{ATTRIBUTION}, states.csv', lang='sv').n3()} ;",
        f"    dcterms:title {Literal(TITLE, lang='en').n3()} ;",
        f"    dcterms:hasVersion {Literal(COMMIT).n3()} ;",
        f"    dcterms:source <{SOURCE}> ;",
        f"    dcterms:license <{ODBL}> ;",
        f"    dcterms:bibliographicCitation {Literal(ATTRIBUTION).n3()} .",
    ]
    for c in sorted(centres, key=lambda c: c.place):
        lines += [
            "",
            f"<{c.place}>",
            "    geo:hasCentroid [",
            "        a geo:Geometry ;",
            f"        geo:asWKT {Literal(c.wkt).n3()}^^geo:wktLiteral ;",
            f"        dcterms:source <{source}> ;",
            f"        skos:note {Literal(_note(c, 'en'), lang='en').n3()} ,",
            f"            {Literal(_note(c, 'sv'), lang='sv').n3()}",
            "    ] .",
        ]
    return "\n".join(lines) + "\n"


def generate(data_dir: Path | str = "data", regions: Path | str = DEFAULT_CSV,
             out: Path | str | None = None) -> tuple[Path, list[Centre], list[str]]:
    """Write data/region-centres.ttl (or `out`); return it with the centres and the places left without one."""
    data_dir = Path(data_dir)
    graph = read_data(data_dir, exclude=(OUTPUT,))
    centres, misses = match(graph, read_rows(regions))
    target = Path(out) if out else data_dir / OUTPUT
    target.write_text(to_turtle(centres, misses), encoding="utf-8")
    return target, centres, misses
