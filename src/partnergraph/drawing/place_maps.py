"""What a map shows: the places of the dashboard (every partnership) or of one resource, with
their points from the graph (geo:hasGeometry/geo:asWKT) and a line per partnership between a
Swedish partner and a partner abroad. No Flask: views give labels, links and words, maps.py draws."""
from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from markupsafe import Markup

from .. import rq
from ..rdf import iris
from . import maps

_POINT = re.compile(r"^\s*POINT\s*\(\s*(-?[0-9.]+)\s+(-?[0-9.]+)\s*\)\s*$", re.IGNORECASE)
HOME, ABROAD = "home", "abroad"


def parse_point(wkt: str) -> tuple[float, float] | None:
    """(lon, lat) of a WKT POINT in GeoSPARQL's default CRS84, or None for anything else."""
    match = _POINT.match(wkt)
    if not match:
        return None
    lon, lat = float(match.group(1)), float(match.group(2))
    return (lon, lat) if -180 <= lon <= 180 and -90 <= lat <= 90 else None


class Points(dict):
    """{place IRI: (lon, lat)}; `areas` holds the places whose point is a region's approximate
    centre (geo:hasCentroid) rather than a town's point (geo:hasGeometry)."""

    def __init__(self, *args, areas: frozenset[str] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.areas = areas


def points(graph) -> Points:
    """Every place's point, a town's before a region's centre where a place has both."""
    found, areas = {}, set()
    for row in graph.select(rq.load("place-points")):
        point = parse_point(row["wkt"]["value"])
        if point and row["place"]["type"] == "uri" and row["place"]["value"] not in found:
            found[row["place"]["value"]] = point
            if row.get("centre", {}).get("value") == "true":
                areas.add(row["place"]["value"])
    return Points(found, areas=frozenset(areas))


@dataclass
class MapData:
    places: list[maps.Place] = field(default_factory=list)     # with a point
    links: list[maps.Link] = field(default_factory=list)
    missing: list[tuple[str, str]] = field(default_factory=list)   # (IRI, label) of places without a point

    def __bool__(self) -> bool:
        return bool(self.places or self.missing)


def _assemble(partners_of: Mapping[str, set[str]], extra: set[str], country_of: Mapping[str, str],
              first: str | None, points_by_iri: Mapping[str, tuple[float, float]], labels: Mapping[str, str],
              href: Callable[[str], str], home_country: str) -> MapData:
    everyone = set(extra).union(*partners_of.values()) if partners_of else set(extra)
    order = sorted(everyone, key=lambda p: (p != first, country_of.get(p) != home_country,
                                            labels.get(p, p).casefold(), p))
    data = MapData()
    for iri in order:
        label = labels.get(iri, iri)
        if iri in points_by_iri:
            lon, lat = points_by_iri[iri]
            kind = HOME if country_of.get(iri) == home_country else ABROAD
            area = iri in getattr(points_by_iri, "areas", ())
            data.places.append(maps.Place(iri, label, lon, lat, href(iri), kind, area=area))
        else:
            data.missing.append((iri, label))
    joined: dict[tuple[str, str], list[str]] = {}
    for partnership, partners in sorted(partners_of.items()):
        here = sorted(p for p in partners if country_of.get(p) == home_country and p in points_by_iri)
        there = sorted(p for p in partners if country_of.get(p) != home_country and p in points_by_iri)
        for a in here:
            for b in there:
                joined.setdefault((a, b), []).append(labels.get(partnership, partnership))
    data.links = [maps.Link(a, b, "; ".join(sorted(set(names)))) for (a, b), names in sorted(joined.items())]
    return data


def partnerships_map(graph, labels: Mapping[str, str], href: Callable[[str], str],
                     base: str = iris.DEFAULT_BASE, points_by_iri: Mapping | None = None) -> MapData:
    """Every partnership's partners, Swedish and abroad, with a line for each partnership."""
    points_by_iri = points(graph) if points_by_iri is None else points_by_iri
    partners_of: dict[str, set[str]] = {}
    country_of: dict[str, str] = {}
    for row in graph.select(rq.load("partner-network")):
        partner = row["partner"]["value"]
        partners_of.setdefault(row["partnership"]["value"], set()).add(partner)
        if "country" in row:
            country_of[partner] = row["country"]["value"]
    return _assemble(partners_of, set(), country_of, None, points_by_iri, labels, href,
                     iris.resource_iri("country", "sweden", base))


def resource_map(graph, iri: str, labels: Mapping[str, str], href: Callable[[str], str],
                 base: str = iris.DEFAULT_BASE, points_by_iri: Mapping | None = None) -> MapData:
    """The places of one resource (rq/map-places.rq says which), its own first."""
    points_by_iri = points(graph) if points_by_iri is None else points_by_iri
    partners_of: dict[str, set[str]] = {}
    extra: set[str] = set()
    country_of: dict[str, str] = {}
    for row in graph.select(rq.load("map-places"), {"resource": ("iri", iri)}):
        place = row["place"]["value"]
        country_of[place] = row["country"]["value"]
        if "partnership" in row:
            partners_of.setdefault(row["partnership"]["value"], set()).add(place)
        else:
            extra.add(place)
    return _assemble(partners_of, extra, country_of, iri, points_by_iri, labels, href,
                     iris.resource_iri("country", "sweden", base))


# Where the Swedish partners crowd each other on a map of the world: Gothenburg to Stockholm, Malmö to Borlänge.
SOUTHERN_SWEDEN = (10.5, 55.2, 19.2, 60.9)


def render(data: MapData, *, title: str, description: str, element_id: str, lang: str,
           kind_labels: Mapping[str, str], width: int = 960, inset_title: str = "", area_label: str = "") -> Markup:
    inset = maps.Inset(*SOUTHERN_SWEDEN, title=inset_title) if inset_title else None
    return maps.world_map(data.places, data.links, title=title, description=description,
                          element_id=element_id, lang=lang, width=width, kind_labels=kind_labels,
                          inset=inset, area_label=area_label)
