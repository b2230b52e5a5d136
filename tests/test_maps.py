"""The SVG maps: well-formed, accessible, every place a point inside the drawing, an equal-area
projection, country outlines that never streak across the map, and a usable map without them."""
from __future__ import annotations

import itertools
import logging
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from partnergraph.drawing import maps
from partnergraph.drawing.maps import Link, Place

SVG = "{http://www.w3.org/2000/svg}"
ROOT = Path(__file__).resolve().parent.parent
EVIL = '<script>alert("x")</script> & "q"'

PLACES = [Place("https://w3id.org/partnergraph/id/municipality/vaxjo", "Växjö", 14.81, 56.88,
                "/page/municipality/vaxjo", "sweden"),
          Place("https://example.org/kalush", "Kalush", 24.37, 49.01, None, "abroad"),
          Place("https://example.org/hangzhou", EVIL, 120.16, 30.29, "/x?a=1&b=2", "abroad"),
          Place("https://example.org/omaruru", "Omaruru", 15.93, -21.43, None, "abroad")]


@pytest.fixture(scope="module")
def outlines() -> Path:
    """The built outline file (a build artifact: make map-data, which make test runs first)."""
    if not maps.OUTLINES.exists():
        pytest.skip(f"the country outlines are not built at {maps.OUTLINES} (make map-data builds them; make test does)")
    return maps.OUTLINES


def parse(svg: str) -> ET.Element:
    return ET.fromstring(str(svg))


def places_of(root: ET.Element) -> list[ET.Element]:
    return [g for g in root.iter(f"{SVG}g") if "place" in (g.get("class") or "").split()]


def path_points(d: str) -> list[list[tuple[float, float]]]:
    subpaths: list[list[tuple[float, float]]] = []
    for op, x, y in re.findall(r"([ML])(-?[\d.]+),(-?[\d.]+)", d):
        if op == "M":
            subpaths.append([])
        subpaths[-1].append((float(x), float(y)))
    return subpaths


def test_every_place_is_a_labelled_point_inside_the_drawing(outlines):
    svg = maps.world_map(PLACES, [Link(PLACES[0].iri, PLACES[1].iri, "Växjö – Kalush"),
                                  Link(PLACES[0].iri, "https://example.org/not-on-the-map")],
                         title="Partnerships <all>", description="Where & with whom", element_id="m 1",
                         kind_labels={"sweden": "Sweden", "abroad": "Abroad"})
    root = parse(svg)
    width, height = float(root.get("width")), float(root.get("height"))
    assert root.get("role") == "img" and root.get("aria-labelledby") == "m-1-title m-1-desc"
    assert root.find(f"{SVG}title").text == "Partnerships <all>"
    assert root.find(f"{SVG}desc").text == "Where & with whom"
    found = places_of(root)
    assert [g.get("data-iri") for g in found] == [p.iri for p in PLACES]
    for g, place in zip(found, PLACES, strict=True):
        assert g.find(f"{SVG}title").text == place.label and g.get("aria-label") == place.label
        circle = next(g.iter(f"{SVG}circle"))
        assert 0 <= float(circle.get("cx")) <= width and 0 <= float(circle.get("cy")) <= height
    ids = [e.get("id") for e in root.iter() if e.get("id")]
    assert len(ids) == len(set(ids)) and all(i.startswith("m-1") for i in ids)
    links = [p for p in root.iter(f"{SVG}path") if p.get("class") == "link"]
    assert len(links) == 1 and links[0].find(f"{SVG}title").text == "Växjö – Kalush"
    assert "<script>" not in str(svg)
    assert any(a.get("href") == "/x?a=1&b=2" for a in root.iter(f"{SVG}a"))
    assert [t.text for t in root.iter(f"{SVG}text") if t.text in ("Sweden", "Abroad")] == ["Sweden", "Abroad"]
    assert len([p for p in root.iter(f"{SVG}path") if p.get("class") == "country"]) > 20


def test_north_is_up_and_east_is_right():
    root = parse(maps.world_map(PLACES, title="t", description="d", element_id="m", outlines=Path("/nonexistent")))
    at = {g.get("data-iri"): next(g.iter(f"{SVG}circle")) for g in places_of(root)}
    vaxjo, kalush, omaruru = (at[p.iri] for p in (PLACES[0], PLACES[1], PLACES[3]))
    assert float(kalush.get("cx")) > float(vaxjo.get("cx"))
    assert float(omaruru.get("cy")) > float(vaxjo.get("cy"))


def test_map_zooms_to_its_places():
    world = parse(maps.world_map([], title="t", description="d", element_id="w", outlines=Path("/nonexistent")))
    one = parse(maps.world_map(PLACES[:1], title="t", description="d", element_id="o", outlines=Path("/nonexistent")))
    circle = next(one.iter(f"{SVG}circle"))
    width, height = float(one.get("width")), float(one.get("height"))
    # the single place sits in the middle of its map
    assert abs(float(circle.get("cx")) - width / 2) < 1 and abs(float(circle.get("cy")) - height / 2) < 1
    # and the sphere's outline (the edge of the world) is far larger than the drawing
    sphere = next(p for p in one.iter(f"{SVG}path") if p.get("class") == "sphere")
    xs = [x for sub in path_points(sphere.get("d")) for x, _ in sub]
    assert max(xs) - min(xs) > 5 * width
    world_sphere = next(p for p in world.iter(f"{SVG}path") if p.get("class") == "sphere")
    xs = [x for sub in path_points(world_sphere.get("d")) for x, _ in sub]
    assert min(xs) >= -0.5 and max(xs) <= float(world.get("width")) + 0.5


def test_equal_area():
    """The projection's area scale (Jacobian determinant over cos(latitude)) is the same everywhere."""
    def area_scale(lon, lat, h=1e-4):
        x1, y1 = maps.project(lon + h, lat)
        x0, y0 = maps.project(lon - h, lat)
        x3, y3 = maps.project(lon, lat + h)
        x2, y2 = maps.project(lon, lat - h)
        dxl, dyl = (x1 - x0) / (2 * h), (y1 - y0) / (2 * h)
        dxp, dyp = (x3 - x2) / (2 * h), (y3 - y2) / (2 * h)
        return abs(dxl * dyp - dxp * dyl) / math.cos(math.radians(lat))
    scales = [area_scale(lon, lat) for lon in (-150, -20, 0, 60, 170) for lat in (-75, -40, 0, 10, 45, 80)]
    assert max(scales) / min(scales) < 1.0001
    assert maps.project(0, 0) == (0.0, 0.0)


def test_outlines_never_jump_across_the_world(outlines):
    root = parse(maps.world_map([], title="t", description="d", element_id="w"))
    width, height = float(root.get("width")), float(root.get("height"))
    countries = [p for p in root.iter(f"{SVG}path") if p.get("class") == "country"]
    assert {"Russia", "Fiji", "Antarctica", "Sweden"} <= {p.get("data-name") for p in countries}
    for path in countries:
        for sub in path_points(path.get("d")):
            for (xa, ya), (xb, yb) in itertools.pairwise(sub):
                along_south_pole = ya > height - 1 and yb > height - 1     # Equal Earth's poles are lines
                assert abs(xa - xb) < width / 4 or along_south_pole, path.get("data-name")


def test_without_outlines_points_and_lines_remain(caplog, tmp_path):
    maps._load_outlines.cache_clear()
    with caplog.at_level(logging.WARNING, logger="partnergraph.drawing.maps"):
        root = parse(maps.world_map(PLACES, [Link(PLACES[0].iri, PLACES[3].iri)], title="t", description="d",
                                    element_id="m", outlines=tmp_path / "missing.json"))
    assert "make map-data" in caplog.text
    assert not [p for p in root.iter(f"{SVG}path") if p.get("class") == "country"]
    assert len(places_of(root)) == len(PLACES)
    assert [p for p in root.iter(f"{SVG}path") if p.get("class") == "link"]


@pytest.mark.parametrize("lon, lat", [(181, 0), (0, -91), (float("nan"), 0)])
def test_a_place_off_the_globe_is_refused(lon, lat):
    with pytest.raises(ValueError, match="longitude|latitude"):
        Place("https://example.org/x", "x", lon, lat)


def test_great_circle_crossing_the_antimeridian_is_broken_not_streaked():
    a, b = Place("a", "Suva", 178.44, -18.14), Place("b", "Apia", -171.76, -13.83)
    root = parse(maps.world_map([a, b], [Link("a", "b")], title="t", description="d", element_id="m",
                                outlines=Path("/nonexistent")))
    width = float(root.get("width"))
    link = next(p for p in root.iter(f"{SVG}path") if p.get("class") == "link")
    for sub in path_points(link.get("d")):
        for (xa, _), (xb, _) in itertools.pairwise(sub):
            assert abs(xa - xb) < width / 2
