"""The outside links as SSSOM mapping sets: the sets and the graph agree both ways, sssom-py (the
field's own tool) accepts every set and reads back the same links from it, and /mappings, VoID's
linksets and the catalogue's distributions say the same."""
from __future__ import annotations

import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path

import pytest
import rdflib
from rdflib.namespace import DCAT, DCTERMS, RDF

from partnergraph.publishing import catalog, mappings
from tests.conftest import BASE, SHARED

ID = BASE + "id/"
WD = "http://www.wikidata.org/entity/"
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
OWL_SAME_AS = "http://www.w3.org/2002/07/owl#sameAs"
AREA_SERVED = "https://schema.org/areaServed"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SSSOM_CLI = Path(sys.executable).parent / "sssom"
AUTHOR = mappings.Agent("http://dataportal.se/organisation/SE5555555555", "Exempelkommunen")
OPERATOR = {"PUBLISHER_NAME": "Exempelkommunen", "PUBLISHER_ORG_NUMBER": "555555-5555"}

# ../shared/vocab/README.md, "places/": the Swedish municipalities, their codes and Wikidata items
# (checked against three files that agree).
SWEDISH = {"ekero": ("0125", "Q492614"), "vaxjo": ("0780", "Q500217"), "lund": ("1281", "Q505018"),
           "helsingborg": ("1283", "Q487648"), "harryda": ("1401", "Q500125"), "herrljunga": ("1466", "Q503111"),
           "vanersborg": ("1487", "Q511426"), "skovde": ("1496", "Q501452")}
# The same README: the partners abroad and the items dr5hn/countries-states-cities-database gives.
CROWD = {"Q165536", "Q36592", "Q994", "Q68929", "Q146453", "Q193965", "Q1896161", "Q11450", "Q4970"}
# ../shared/vocab/README.md, "un-sdg/": each goal carries skos:exactMatch to its Wikidata item (goal 4 = Q53581209).
GOALS = 17

# Every outside link, asked in another way than rq/mapping-links.rq: all triples of the default
# graph by the identity and mapping properties whose subject is the graph's own (or the UN's
# goal) and whose object is an IRI of another dataset; and every municipality code.
ALL_LINKS = """
SELECT DISTINCT ?s ?p ?o WHERE {
  { ?s ?p ?o .
    VALUES ?p { <http://www.w3.org/2002/07/owl#sameAs> <http://www.w3.org/2004/02/skos/core#exactMatch>
                <http://www.w3.org/2004/02/skos/core#closeMatch> <http://www.w3.org/2004/02/skos/core#broadMatch>
                <http://www.w3.org/2004/02/skos/core#narrowMatch> <http://www.w3.org/2004/02/skos/core#relatedMatch>
                <https://schema.org/areaServed> }
    FILTER (isIRI(?o) && (STRSTARTS(STR(?s), "BASE_IRI") || STRSTARTS(STR(?s), "http://metadata.un.org/sdg/"))
            && !STRSTARTS(STR(?o), "BASE_IRI") && !STRSTARTS(STR(?o), "http://metadata.un.org/")) }
  UNION
  { ?s <https://w3id.org/partnergraph/ontology#municipalityCode> ?code . BIND (STR(?code) AS ?o)
    BIND (<https://w3id.org/partnergraph/ontology#municipalityCode> AS ?p) }
}""".replace("BASE_IRI", BASE)


@pytest.fixture(scope="module")
def sets(graph):
    return {m.spec.name: m for m in mappings.build(graph, BASE, AUTHOR)}


def triples(mset) -> set[tuple[str, str, str]]:
    return {(link.subject, link.predicate, link.object) for link in mset.links}


# -- the graph and the sets agree --------------------------------------------------------------

def test_every_outside_link_is_in_exactly_one_set_and_every_mapping_is_in_the_graph(graph, sets):
    in_graph = {(r["s"]["value"], r["p"]["value"], r["o"]["value"]) for r in graph.select(ALL_LINKS)}
    membership = Counter(t for mset in sets.values() for t in triples(mset))
    assert {t for t in in_graph if membership[t] != 1} == set(), "links in no set or in several"
    assert set(membership) - in_graph == set(), "mappings the graph does not hold"
    assert mappings.unassigned(graph, BASE) == []
    print("\n" + ", ".join(f"{name}: {len(m.links)}" for name, m in sets.items()))


def test_an_imported_vocabulary_brings_its_own_mappings_not_the_graphs(sets):
    """The UN's SDG KOS (../shared/vocab/un-sdg/) maps goals, targets and indicators to other
    vocabularies itself: imported with --vocab, those stay the UN's, and the sets are unchanged."""
    from partnergraph.graph import PartnerGraph
    from tests.conftest import UN_SDG
    if not UN_SDG.is_file():
        pytest.skip(f"the UN SDG KOS is not at {UN_SDG} (../shared is absent)")
    with_vocab = PartnerGraph.build(data=["data"], ontology_dir="ontology", queries_dir="queries", validate=False,
                                    vocab=[str(UN_SDG)])
    try:
        again = {m.spec.name: triples(m) for m in mappings.build(with_vocab, BASE, AUTHOR)}
        assert again == {name: triples(m) for name, m in sets.items()}
        assert mappings.unassigned(with_vocab, BASE) == []
    finally:
        with_vocab.close()


def test_the_sets_hold_what_the_vocabulary_files_give(sets):
    assert triples(sets["municipalities-wikidata"]) == {
        (ID + "municipality/" + slug, OWL_SAME_AS, WD + item) for slug, (_, item) in SWEDISH.items()}
    assert {(ID + "municipality/" + slug, code) for slug, (code, _) in SWEDISH.items()} <= {
        (link.subject, link.object) for link in sets["municipality-codes"].links}
    # ../shared/vocab/README.md: "JB Marks Local Municipality has the South African municipal code NW405"
    assert triples(sets["south-african-municipality-codes"]) == {
        (ID + "municipality/jb-marks", mappings.CODE_PREDICATE, "NW405")}
    assert {link.object[len(WD):] for link in sets["places-wikidata"].links} == CROWD
    assert {link.predicate for link in sets["places-wikidata"].links} == {OWL_SAME_AS, AREA_SERVED}
    goals = sets["sdg-wikidata"]
    assert len(goals.links) == GOALS
    assert ("http://metadata.un.org/sdg/4", "http://www.w3.org/2004/02/skos/core#exactMatch", WD + "Q53581209") \
        in triples(goals)
    assert all(link.object.startswith(mappings.GEONAMES) for link in sets["places-geonames"].links)


def test_geonames_set_is_the_generated_file(sets):
    """Every skos:closeMatch that `partnergraph geonames` wrote into data/geometries.ttl."""
    written = rdflib.Graph().parse(Path("data/geometries.ttl"), format="turtle")
    closes = {(str(s), str(p), str(o)) for s, p, o in
              written.triples((None, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#closeMatch"), None))}
    assert triples(sets["places-geonames"]) == closes


def test_confidence_only_where_the_source_warrants_one(sets):
    # three files agree on each Swedish item; GeoNames places that were the only candidate of their name
    assert {sets["municipalities-wikidata"].confidence(link) for link in sets["municipalities-wikidata"].links} == {1.0}
    geonames = sets["places-geonames"]
    assert all(geonames.confidence(link) == (1.0 if mappings.ONLY_CANDIDATE in link.note else None)
               for link in geonames.links)
    # a single crowd-maintained file: no confidence
    assert {sets["places-wikidata"].confidence(link) for link in sets["places-wikidata"].links} == {None}


# -- SSSOM/TSV, checked by sssom-py --------------------------------------------------------------

@pytest.fixture(scope="module")
def tsv_files(sets, tmp_path_factory):
    folder = tmp_path_factory.mktemp("sssom")
    files = {}
    for name, mset in sets.items():
        files[name] = folder / f"{name}.sssom.tsv"
        files[name].write_text(mappings.to_tsv(mset, BASE), encoding="utf-8")
    return files


def test_sssom_validate_accepts_every_set(tsv_files):
    assert SSSOM_CLI.exists(), f"sssom-py's command is not at {SSSOM_CLI}: install the test extra"
    for name, path in tsv_files.items():
        done = subprocess.run([str(SSSOM_CLI), "validate", str(path)], capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, f"{name}: {done.stderr[-2000:]}"


def test_sssom_validate_refuses_a_wrong_set(tsv_files, tmp_path):
    """The check can fail: a justification outside SEMAPV is refused."""
    wrong = tmp_path / "wrong.sssom.tsv"
    wrong.write_text(tsv_files["sdg-wikidata"].read_text(encoding="utf-8")
                     .replace("semapv:ManualMappingCuration", "semapv:Guesswork"), encoding="utf-8")
    done = subprocess.run([str(SSSOM_CLI), "validate", str(wrong)], capture_output=True, text=True, timeout=300)
    assert done.returncode != 0


def test_sssom_py_reads_back_the_same_links_and_metadata(tsv_files, sets):
    from sssom.parsers import parse_sssom_table
    from sssom.writers import to_rdf_graph
    for name, path in tsv_files.items():
        parsed = parse_sssom_table(path)
        converted = to_rdf_graph(parsed)
        assert mappings.rdf_links(converted) == triples(sets[name]), name
        assert mappings.rdf_links(mappings.to_rdf(sets[name], BASE)) == triples(sets[name]), name
        meta = parsed.metadata
        assert meta["mapping_set_id"] == BASE + "mappings/" + name
        assert meta["license"] == sets[name].spec.licence
        frame = parsed.df
        assert set(frame["mapping_justification"]) == {sets[name].spec.justification}
        assert set(frame["author_label"]) == {AUTHOR.name}
        assert set(converted.objects(None, rdflib.URIRef(mappings.PAV + "authoredBy"))) == {rdflib.URIRef(AUTHOR.iri)}
        providers = set(frame["mapping_provider"]) if "mapping_provider" in frame else {meta["mapping_provider"]}
        assert providers == {sets[name].spec.provider}


# -- served ---------------------------------------------------------------------------------------

@pytest.fixture
def operated(graph):
    from partnergraph.web.app import create_app
    return create_app({"VALIDATE": False, "WORKERS": 0, "ACCESS_LOG": False, "TESTING": True, **OPERATOR},
                      graph=graph).test_client()


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.append(dict(attrs).get("href"))


def test_index_for_people_and_rdf_for_clients(client):
    page = client.get("/mappings", headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.mimetype == "text/html"
    parser = Links()
    parser.feed(page.get_data(as_text=True))
    for name in mappings.BY_NAME:
        assert f"/mappings/{name}.sssom.tsv" in parser.hrefs and f"/mappings/{name}.sssom.ttl" in parser.hrefs
    rdf = client.get("/mappings", headers={"Accept": "text/turtle"})
    assert rdf.mimetype == "text/turtle"
    g = rdflib.Graph().parse(data=rdf.data, format="turtle")
    assert {str(s) for s in g.subjects(RDF.type, rdflib.URIRef(mappings.SSSOM + "MappingSet"))} == {
        BASE + "mappings/" + name for name in mappings.BY_NAME}


def test_set_files_and_negotiation(operated, sets):
    tsv = operated.get("/mappings/sdg-wikidata.sssom.tsv")
    assert tsv.status_code == 200 and tsv.mimetype == "text/tab-separated-values"
    assert tsv.get_data(as_text=True) == mappings.to_tsv(sets["sdg-wikidata"], BASE)   # the author from the settings
    assert operated.get("/mappings/sdg-wikidata", headers={"Accept": "text/tab-separated-values"}).data == tsv.data
    assert operated.get("/mappings/sdg-wikidata?format=tsv").data == tsv.data
    ttl = operated.get("/mappings/places-wikidata.sssom.ttl")
    assert ttl.mimetype == "text/turtle"
    assert mappings.rdf_links(rdflib.Graph().parse(data=ttl.data, format="turtle")) == triples(sets["places-wikidata"])
    jsonld = operated.get("/mappings/places-wikidata", headers={"Accept": "application/ld+json"})
    assert jsonld.mimetype == "application/ld+json"
    page = operated.get("/mappings/places-wikidata", headers={"Accept": "text/html"})
    assert page.mimetype == "text/html" and "Q165536" in page.get_data(as_text=True)
    assert '</mappings/places-wikidata.sssom.tsv>; rel="alternate"; type="text/tab-separated-values"' in page.headers["Link"]
    assert operated.get("/mappings/nothing.sssom.tsv").status_code == 404
    assert operated.get("/mappings/sdg-wikidata.sssom.xls").status_code == 404


def test_answers_are_conditional(client):
    first = client.get("/mappings/places-geonames.sssom.tsv")
    again = client.get("/mappings/places-geonames.sssom.tsv", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and "max-age" in first.headers["Cache-Control"]


# -- VoID's linksets and the catalogue's distributions ---------------------------------------------

def test_void_linksets_pass_their_shapes_and_count_the_links(client):
    import pyshacl
    void = rdflib.Graph().parse(data=client.get("/.well-known/void", headers={"Accept": "text/turtle"}).data,
                                format="turtle")
    shapes = rdflib.Graph().parse(FIXTURES / "void-linkset-shapes.ttl", format="turtle")
    conforms, _, text = pyshacl.validate(void, shacl_graph=shapes)
    assert conforms, text
    per_target = Counter()
    for linkset in void.subjects(RDF.type, VOID.Linkset):
        target = void.value(void.value(linkset, VOID.objectsTarget), VOID.uriSpace)
        per_target[str(target)] += int(void.value(linkset, VOID.triples))
    written = rdflib.Graph().parse(Path("data/geometries.ttl"), format="turtle")
    geonames = len(set(written.triples((None, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#closeMatch"), None))))
    assert per_target == {WD: GOALS + len(SWEDISH) + len(CROWD), mappings.GEONAMES: geonames}
    predicates = {str(void.value(ls, VOID.linkPredicate)) for ls in void.subjects(RDF.type, VOID.Linkset)}
    assert {OWL_SAME_AS, AREA_SERVED} <= predicates


def test_every_set_file_is_a_catalogue_distribution_and_the_shapes_pass(graph):
    from partnergraph.publishing.dataset import Dumps
    config = {"BASE_IRI": BASE, **OPERATOR, "PUBLISHER_ORG_NUMBER": "5555555555"}
    site = "http://example.org/"
    g = catalog.build(graph, config, site, Dumps(graph, BASE), routes=None)
    dataset = rdflib.URIRef(catalog.dataset_iri(BASE))
    downloads = {str(g.value(d, DCAT.downloadURL)): d for d in g.objects(dataset, DCAT.distribution)}
    for name in mappings.BY_NAME:
        for suffix, media in ((".sssom.tsv", "text/tab-separated-values"), (".sssom.ttl", "text/turtle")):
            dist = downloads[f"{site}mappings/{name}{suffix}"]
            assert str(g.value(dist, DCAT.mediaType)) == catalog.IANA + media
            assert g.value(dist, DCTERMS.title) is not None and int(g.value(dist, DCAT.byteSize)) > 0
            # the crowd-maintained file's terms (ODbL 1.0, ../shared/vocab/README.md) go with the links taken from it
            expected = mappings.ODBL if name == "places-wikidata" else catalog.LICENCE
            assert str(g.value(dist, DCTERMS.license)) == expected
    if not (SHARED / "vocab" / "dcat-ap-3.0.0" / "shapes.ttl").is_file():
        pytest.skip("the DCAT-AP 3.0.0 shapes are not in ../shared/vocab (../shared is absent)")
    report = catalog.check(g, config, SHARED / "vocab" / "dcat-ap-3.0.0")
    assert report.shapes_checked and report.violations == []


# -- the links in numbers ----------------------------------------------------------------------------

def expected_per_dataset() -> dict[str, int]:
    written = rdflib.Graph().parse(Path("data/geometries.ttl"), format="turtle")
    geonames = len(set(written.triples((None, rdflib.URIRef("http://www.w3.org/2004/02/skos/core#closeMatch"), None))))
    return {"GeoNames": geonames, "Wikidata": GOALS + len(SWEDISH) + len(CROWD)}


def test_stats_count_the_links_to_each_dataset(runner):
    from partnergraph.cli import main
    result = runner.invoke(main, ["stats"])
    assert result.exit_code == 0, result.output
    section = result.output.split("Links to other datasets", 1)[1].split("SHACL:", 1)[0]
    counted = {line.split(None, 1)[1]: int(line.split(None, 1)[0]) for line in section.splitlines()[1:] if line.strip()}
    assert counted == expected_per_dataset()


def test_dashboard_shows_the_links_to_each_dataset(client):
    page = client.get("/", headers={"Accept": "text/html"}).get_data(as_text=True)
    for title, n in expected_per_dataset().items():
        assert f'data-linkset="{title}" data-count="{n}"' in page
