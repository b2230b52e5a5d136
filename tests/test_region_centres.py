"""The partner regions' approximate centres: data/region-centres.ttl is what `partnergraph
region-centres` makes from ../shared/vocab/places/regions_dr5hn-states.csv, each point a GeoSPARQL
centroid with its source and licence, and no place gets a point that no row gives."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from partnergraph.cli import main
from partnergraph.publishing import region_centres

ROOT = Path(__file__).resolve().parent.parent
REGIONS = ROOT.parent / "shared" / "vocab" / "places" / "regions_dr5hn-states.csv"
GEO = rdflib.Namespace("http://www.opengis.net/ont/geosparql#")
ID = "https://w3id.org/partnergraph/id/"
needs_shared = pytest.mark.skipif(not REGIONS.exists(), reason="../shared/vocab/places/ is not beside the project")


@needs_shared
def test_the_committed_file_is_what_the_command_writes(tmp_path):
    out = tmp_path / "centres.ttl"
    result = CliRunner().invoke(main, ["region-centres", "--data-dir", str(ROOT / "data"), "--regions", str(REGIONS),
                                       "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8") == (ROOT / "data" / region_centres.OUTPUT).read_text(encoding="utf-8")


@needs_shared
def test_every_centre_is_a_row_of_the_regions_file():
    with open(REGIONS, newline="", encoding="utf-8") as handle:
        rows = {(row["longitude"], row["latitude"]) for row in csv.DictReader(handle)}
    g = rdflib.Graph().parse(ROOT / "data" / region_centres.OUTPUT)
    found = {}
    for place, geometry in g.subject_objects(GEO.hasCentroid):
        lon, lat = str(g.value(geometry, GEO.asWKT)).removeprefix("POINT(").removesuffix(")").split()
        assert any(float(lon) == float(a) and float(lat) == float(b) for a, b in rows), place
        assert str(g.value(geometry, rdflib.DCTERMS.source)) == region_centres.source_iri()
        found[str(place)] = (float(lon), float(lat))
    # ../shared/vocab/README.md: Chobe District (BW-CH) is given as -18.5, 25.0; An Giang VN-44; Kronoberg SE-G
    assert found[ID + "municipality/chobe"] == (25.0, -18.5)
    assert set(found) == {ID + "municipality/chobe", ID + "municipality/an-giang", ID + "region/kronoberg"}
    source = rdflib.URIRef(region_centres.source_iri())
    assert g.value(source, rdflib.DCTERMS.license) == rdflib.URIRef(region_centres.ODBL)


def test_matching_by_wikidata_and_by_region_name():
    pg, wd = rdflib.Namespace("https://w3id.org/partnergraph/ontology#"), "http://www.wikidata.org/entity/"
    g = rdflib.Graph()
    se, za = rdflib.URIRef(ID + "country/sweden"), rdflib.URIRef(ID + "country/south-africa")
    g.add((se, rdflib.RDFS.label, rdflib.Literal("Sweden", lang="en")))
    g.add((za, rdflib.RDFS.label, rdflib.Literal("South Africa", lang="en")))
    region, council, town = (rdflib.URIRef(ID + x) for x in ("region/kronoberg", "municipality/chobe", "municipality/jb-marks"))
    for node, cls, label, country in ((region, "Region", "Region Kronoberg", se), (council, "DistrictCouncil", "Chobe", None),
                                      (town, "Municipality", "JB Marks", za)):
        g.add((node, rdflib.RDF.type, pg[cls]))
        g.add((node, rdflib.RDFS.label, rdflib.Literal(label, lang="en")))
        if country is not None:
            g.add((node, pg.country, country))
    g.add((council, region_centres.SCHEMA.areaServed, rdflib.URIRef(wd + "Q165536")))
    rows = [{"name": "Kronoberg", "country_code": "SE", "country_name": "Sweden", "type": "county", "iso3166_2": "SE-G",
             "wikiDataId": "Q104746", "longitude": "14.41116100", "latitude": "56.80067810"},
            {"name": "Chobe", "country_code": "BW", "country_name": "Botswana", "type": "district", "iso3166_2": "BW-CH",
             "wikiDataId": "Q165536", "longitude": "25.00000000", "latitude": "-18.50000000"},
            {"name": "North West", "country_code": "ZA", "country_name": "South Africa", "type": "province",
             "iso3166_2": "ZA-NW", "wikiDataId": "Q165956", "longitude": "25.65467290", "latitude": "-26.13478190"}]
    centres, misses = region_centres.match(g, rows)
    by_place = {c.place: c for c in centres}
    assert by_place[str(region)].matched_by == "name" and by_place[str(region)].wkt == "POINT(14.411161 56.8006781)"
    assert by_place[str(council)].matched_by == "wikidata" and by_place[str(council)].wkt == "POINT(25 -18.5)"
    assert misses == [str(town)]     # the province it lies in is not the municipality
