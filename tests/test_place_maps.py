"""The maps on the dashboard and the resource pages: SVG inside the page, a point for each placed
resource (expected places computed here with rdflib over data/), inside the drawing, both languages."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import rdflib

from partnergraph.drawing import place_maps

ROOT = Path(__file__).resolve().parent.parent
SVG = "{http://www.w3.org/2000/svg}"
PG = rdflib.Namespace("https://w3id.org/partnergraph/ontology#")
GEO = rdflib.Namespace("http://www.opengis.net/ont/geosparql#")
ID = "https://w3id.org/partnergraph/id/"


@pytest.fixture(scope="module")
def data() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted((ROOT / "data").glob("*.ttl")):
        graph.parse(path)
    return graph


def the_map(html: str, element_id: str) -> ET.Element:
    match = re.search(rf'<svg [^>]*id="{element_id}".*?</svg>', html, re.S)
    assert match, f"no map {element_id} in the page"
    return ET.fromstring(match.group(0))


def placed(root: ET.Element) -> dict[str, tuple[float, float]]:
    width, height = float(root.get("width")), float(root.get("height"))
    found = {}
    for g in root.iter(f"{SVG}g"):
        if "place" in (g.get("class") or "").split() and "-inset-" not in (g.get("id") or ""):
            circle = next(g.iter(f"{SVG}circle"))
            x, y = float(circle.get("cx")), float(circle.get("cy"))
            assert 0 <= x <= width and 0 <= y <= height, g.get("data-iri")
            found[g.get("data-iri")] = (x, y)
    return found


def with_point(data) -> set[str]:
    """Places with a town's point or a region's approximate centre."""
    return {str(s) for s in data.subjects(GEO.hasGeometry, None)} | {str(s) for s in data.subjects(GEO.hasCentroid, None)}


@pytest.mark.parametrize("lang, title", [("en", "Partnerships on the map"), ("sv", "Partnerskapen på kartan")])
def test_dashboard_map_has_every_partner_with_a_point(client, data, lang, title):
    html = client.get(f"/?lang={lang}").get_data(as_text=True)
    root = the_map(html, "map-partnerships")
    assert root.find(f"{SVG}title").text == title
    partners = {str(p) for ps in data.subjects(rdflib.RDF.type, None) for p in data.objects(ps, PG.partner)}
    assert set(placed(root)) == partners & with_point(data)
    # a line for each pair of a Swedish and a foreign partner, both with points
    sweden = rdflib.URIRef(ID + "country/sweden")
    pairs = set()
    for ps in set(data.subjects(PG.partner, None)):
        members = [p for p in data.objects(ps, PG.partner) if str(p) in with_point(data)]
        home = [p for p in members if (p, PG.country, sweden) in data]
        pairs |= {(str(a), str(b)) for a in home for b in members if (b, PG.country, sweden) not in data}
    lines = {(p.get("data-a"), p.get("data-b")) for p in root.iter(f"{SVG}path") if p.get("class") == "link"}
    assert lines == pairs
    # the places without coordinates are named under the map: only JB Marks, for which no source gives a point
    # (../shared/vocab/README.md, "places/regions_dr5hn-states.csv")
    missing = re.search(r'<p class="map-missing">.*?</p>', html, re.S).group(0)
    assert "JB Marks Local Municipality" in missing and "An Giang" not in missing and "Chobe" not in missing
    # the regions are drawn as areas, credited on the map and under it
    areas = {g.get("data-iri") for g in root.iter(f"{SVG}g") if "place-area" in (g.get("class") or "").split()
             and "-inset-" not in g.get("id")}
    assert areas == {str(s) for s in data.subjects(GEO.hasCentroid, None)} & partners
    assert {ID + "municipality/chobe", ID + "municipality/an-giang", ID + "region/kronoberg"} <= areas
    credit = next(t for t in root.iter(f"{SVG}text") if t.get("class") == "credit").text
    assert "countries-states-cities-database by dr5hn" in credit and "ODbL" in credit
    assert "countries-states-cities-database by dr5hn (ODbL 1.0)" in html.split('id="map-partnerships"')[1]


def test_municipality_map(client, data):
    html = client.get("/page/municipality/vaxjo?lang=en").get_data(as_text=True)
    points = placed(the_map(html, "map-resource"))
    vaxjo = ID + "municipality/vaxjo"
    partners = {str(p) for ps in data.subjects(PG.partner, rdflib.URIRef(vaxjo)) for p in data.objects(ps, PG.partner)}
    assert set(points) == partners & with_point(data) and vaxjo in points
    # north is up: Växjö lies north of Vushtrri
    assert points[vaxjo][1] < points[ID + "municipality/vushtrri"][1]
    # all four partners abroad (../shared/seeds 000, 001): three on the map, JB Marks under it, as no source gives its point
    abroad = {ID + f"municipality/{slug}" for slug in ("kalush", "vushtrri", "an-giang", "jb-marks")}
    assert abroad <= partners and abroad - set(points) == {ID + "municipality/jb-marks"}
    assert "JB Marks Local Municipality" in re.search(r'<p class="map-missing">.*?</p>', html, re.S).group(0)


def test_crowded_swedish_places_get_an_inset(client, data):
    """Växjö and Region Kronoberg's centre, and the western Swedish partners, would cover each other on the
    world map: an inset of southern Sweden draws them apart, each labelled once."""
    for path, element in (("/page/municipality/vaxjo", "map-resource"), ("/", "map-partnerships")):
        root = the_map(client.get(path + "?lang=en").get_data(as_text=True), element)
        inset = next(g for g in root.iter(f"{SVG}g") if g.get("class") == "inset")
        assert inset.get("aria-label") == "Southern Sweden"
        inside = {g.get("data-iri"): next(g.iter(f"{SVG}circle")) for g in inset.iter(f"{SVG}g")
                  if "place" in (g.get("class") or "").split()}
        assert ID + "municipality/vaxjo" in inside and ID + "region/kronoberg" in inside
        xy = [(float(c.get("cx")), float(c.get("cy"))) for c in inside.values()]
        assert all(abs(a[0] - b[0]) + abs(a[1] - b[1]) >= 8 for i, a in enumerate(xy) for b in xy[i + 1:]), path
        labels = [t.text for t in inset.iter(f"{SVG}text")]
        assert "Växjö" in labels and labels.count("Växjö") == 1


@pytest.mark.parametrize("path, expected", [
    ("/page/network/organic-cities-network-europe", {"municipality/vaxjo", "municipality/paris", "municipality/wien"}),
    ("/page/partnership/vanersborg-omaruru", {"municipality/vanersborg", "municipality/omaruru"}),
])
def test_network_and_partnership_maps(client, path, expected):
    points = placed(the_map(client.get(path).get_data(as_text=True), "map-resource"))
    assert {ID + e for e in expected} <= set(points)


def test_a_resource_without_places_has_no_map(client):
    assert 'id="map-resource"' not in client.get("/page/concept/status-active").get_data(as_text=True)


@pytest.mark.parametrize("wkt, point", [("POINT(14.8 56.9)", (14.8, 56.9)), (" point ( -1 2 ) ", (-1.0, 2.0)),
                                        ("POINT(200 1)", None), ("LINESTRING(1 2, 3 4)", None)])
def test_parse_point(wkt, point):
    assert place_maps.parse_point(wkt) == point
