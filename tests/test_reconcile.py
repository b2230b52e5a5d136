"""The one name matcher and the Reconciliation Service API 0.2 at /reconcile. Every answer of the
service is validated against the W3C Entity Reconciliation CG's JSON Schemas in
../shared/w3c-tests/reconciliation-0.2/."""
from __future__ import annotations

import json
from html.parser import HTMLParser
from pathlib import Path

import pytest

from partnergraph.names import matcher
from tests.conftest import BASE, W3C

SCHEMAS = W3C / "reconciliation-0.2"
ID = BASE + "id/"
PG = BASE + "ontology#"

# -- folding ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("a, b", [
    ("Växjö", "VAXJO"), ("Ukmergė", "ukmerge"), ("Nürnberg", "Nurnberg"), ("Città del bio", "citta del bio"),
    ("Kamianets-Podilskyi", "Kamianets–Podilskyi"), ("Kamianets-Podilskyi", "Kamianets Podilskyi"),
    ("Skövde – Tbilisi", "Skovde-Tbilisi"), ("J.B. Marks", "JB Marks"), ("Wåhlin", "WAHLIN"),
    ("Łódź", "lodz"), ("Ærø", "aero"), ("  Region   Kronoberg ", "region kronoberg"),
])
def test_names_that_fold_to_one_key(a, b):
    assert matcher.key(a) == matcher.key(b)


@pytest.mark.parametrize("a, b", [("Lund", "Lunds"), ("Ale", "Alvesta"), ("Växjö", "Växjö Energi")])
def test_names_that_stay_apart(a, b):
    assert matcher.key(a) != matcher.key(b)


@pytest.mark.parametrize("name, core", [
    ("Växjö kommun", "vaxjo"), ("Vänersborgs kommun", "vanersborg"), ("Helsingborgs stad", "helsingborg"),
    ("Municipality of Växjö", "vaxjo"), ("Chobe District Council", "chobe"), ("An Giang Province", "an giang"),
    ("Region Kronoberg", "kronoberg"), ("Komuna Vushtrri", "vushtrri"), ("JB Marks Local Municipality", "jb marks"),
])
def test_designators_left_out(name, core):
    assert core in matcher.core_keys(name)


def test_no_designator_no_core():
    assert matcher.core_keys("Växjö") == set()
    assert matcher.core_keys("Kommun") == set()


def test_matcher_needs_a_clear_winner():
    names = matcher.Matcher()
    names.add("a", "Lund")
    names.add("b", "Lund")
    names.add("c", "Ale")
    assert [c.match for c in names.candidates("Lund")] == [False, False]
    assert names.clear_match("ale") == "c"
    assert names.clear_match("Alle") is None          # fuzzy: a candidate, never a match
    assert names.candidates("Alle")[0].iri == "c"


# -- matching quality on names as people write them ------------------------------------------------

# Written from the source documents before the matcher was run on them: the names as the
# documents or people write them (without diacritics, with "kommun", with other dashes), and
# the resource each names.
PEOPLE_WRITE = {
    "Vaxjo": "municipality/vaxjo", "Växjö kommun": "municipality/vaxjo", "Vaxjo kommun": "municipality/vaxjo",
    "VÄXJÖ": "municipality/vaxjo", "Vänersborgs kommun": "municipality/vanersborg",
    "Vanersborg": "municipality/vanersborg", "Harryda kommun": "municipality/harryda", "Ekero": "municipality/ekero",
    "Ekerö kommun": "municipality/ekero", "Skovde": "municipality/skovde", "Lunds kommun": "municipality/lund",
    "Helsingborgs stad": "municipality/helsingborg", "Alingsas": "municipality/alingsas",
    "Borås kommun": "municipality/boras", "Molndal": "municipality/molndal", "Linkoping": "municipality/linkoping",
    "Malmö stad": "municipality/malmo", "Trollhattan": "municipality/trollhattan",
    "Karlstads kommun": "municipality/karlstad", "Lerums kommun": "municipality/lerum",
    "Lidingo": "municipality/lidingo", "Borlange": "municipality/borlange", "Ljungby kommun": "municipality/ljungby",
    "Almhult": "municipality/almhult", "Ukmerge": "municipality/ukmerge",
    "Kamianets Podilskyi": "municipality/kamianets-podilskyi",
    "Kamjanets–Podilskyj": "municipality/kamianets-podilskyi", "Tblisi": "municipality/tbilisi",
    "JB Marks Local Municipality": "municipality/jb-marks", "J.B. Marks": "municipality/jb-marks",
    "Vushtrri municipality": "municipality/vushtrri", "An Giang province": "municipality/an-giang",
    "Chobe District Council": "municipality/chobe", "Chobe": "municipality/chobe", "Nurnberg": "municipality/nurnberg",
    "Region Kronoberg": "region/kronoberg", "Region Gotland": "region/gotland",
    "Skövde-Tbilisi": "partnership/skovde-tbilisi", "Vanersborg – Omaruru": "partnership/vanersborg-omaruru",
    "Herrljunga—Kamianets-Podilskyi—Ukmerge": "partnership/herrljunga-kamianets-podilskyi-ukmerge",
    "Karin Norlin-Bogren": "person/karin-norlin-bogren", "Ingrid Palmblad Orlander": "person/ingrid-palmblad-orlander",
    "Magnus P. Wahlin": "person/magnus-p-wahlin", "Energy Cities": "network/energy-cities",
    "Borgmastaravtalet": "network/covenant-of-mayors", "Linneuniversitetet": "organisation/linnaeus-university",
    "Lansstyrelsen Jonkopings lan": "organisation/lansstyrelsen-jonkoping",
    "Samordningsforbundet Varend": "organisation/samordningsforbundet-varend",
    "Oar utan granser": "project/oar-utan-granser", "Sydafrika": "country/south-africa",
}
# The short names the documents use on their own for a resource they also name in full
# (docs/completeness.md, "Short names"): 000 line 210 'The new project – SEKOS 2 – focuses on',
# 002 line 54 'Etableringssamverkan Kronoberg tar emot deltagare', 002 'UBC', 002 line 50
# '(SPiK)', 000 line 135 '(Blue Vietnam)', 003 line 7 and 004 'ICLD'.
SHORT_NAMES = {
    "SEKOS 2": "project/sekos-2", "Etableringssamverkan Kronoberg": "project/etableringssamverkan-kronoberg-2",
    "UBC": "network/ubc", "SPiK": "project/spik", "Blue Vietnam": "project/sustainable-water-management-blue-vietnam",
    "ICLD": "organisation/icld",
}
PEOPLE_WRITE.update(SHORT_NAMES)
# Names in the documents that the graph has no resource for: never a match.
NOT_IN_GRAPH = ["Kachikau", "Almedalen", "Frida", "Pål", "Jönköping", "Östersjöregionen", "New York",
                "Kalmar kommun", "Region Kalmar", "Stockholms stad", "Göteborg"]


def quality(index) -> dict:
    hits, wrong, misses, false_matches = [], [], [], []
    for name, expected in PEOPLE_WRITE.items():
        ranked = index.matcher.candidates(name, limit=3)
        chosen = ranked[0].iri if ranked and ranked[0].match else None
        (hits if chosen == ID + expected else misses if chosen is None else wrong).append(name)
    for name in NOT_IN_GRAPH:
        ranked = index.matcher.candidates(name, limit=3)
        if ranked and ranked[0].match:
            false_matches.append(name)
    matched = len(hits) + len(wrong) + len(false_matches)
    return {"hits": hits, "wrong": wrong, "misses": misses, "false_matches": false_matches,
            "precision": len(hits) / matched if matched else 1.0, "recall": len(hits) / len(PEOPLE_WRITE)}


@pytest.fixture(scope="module")
def index(graph):
    from partnergraph.names.reconciliation import Index
    return Index.build(graph)


def test_matching_quality_on_names_from_the_documents(index):
    q = quality(index)
    print(f"\nmatching: {len(q['hits'])} hits, {len(q['wrong'])} wrong, {len(q['misses'])} misses "
          f"of {len(PEOPLE_WRITE)}; {len(q['false_matches'])} of {len(NOT_IN_GRAPH)} absent names matched; "
          f"precision {q['precision']:.3f}, recall {q['recall']:.3f}; misses: {q['misses']}")
    assert q["wrong"] == [] and q["false_matches"] == []
    assert q["misses"] == []


def test_the_sheet_import_reads_names_with_the_same_matcher(graph):
    import rdflib

    from partnergraph.sheets.convert import Index as SheetIndex
    from partnergraph.sheets.schema import Schema
    data = rdflib.Graph()
    for path in sorted(Path("data").glob("*.ttl")):
        data.parse(path)
    sheet = SheetIndex(data, Schema.from_dirs("ontology", data), BASE)
    local_government = [rdflib.URIRef(PG + "LocalGovernment")]
    assert sheet.find("Vanersborgs kommun", local_government) == [rdflib.URIRef(ID + "municipality/vanersborg")]
    assert sheet.find("Kamjanets–Podilskyj", local_government) == [rdflib.URIRef(ID + "municipality/kamianets-podilskyi")]
    assert sheet.find("Kalmar kommun", local_government) == []


# -- the service ------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def validate():
    if not SCHEMAS.is_dir():
        pytest.skip(f"the Reconciliation API schemas are not at {SCHEMAS} (../shared is absent)")
    import jsonschema  # in the test extra
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT7
    schemas = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in SCHEMAS.glob("*.json")}
    # the schemas refer to each other (type.json) and to Swagger's (openapi.json) by their $id
    registry = Registry().with_resources(
        (s["$id"].rstrip("#"), Resource.from_contents(s, default_specification=DRAFT7)) for s in schemas.values())

    def check(data, name):
        schema = schemas[name]
        validator = jsonschema.Draft7Validator(schema, registry=registry, format_checker=jsonschema.FormatChecker())
        errors = sorted(validator.iter_errors(data), key=lambda e: list(e.path))
        assert not errors, f"{name}: " + "; ".join(f"{list(e.path)}: {e.message}" for e in errors[:5])
        return data
    return check


def test_manifest(client, validate):
    manifest = validate(client.get("/reconcile").get_json(), "manifest")
    names = {t["name"] for t in manifest["defaultTypes"]}
    assert names == {"municipality", "region", "country", "organisation", "partnership", "project", "network",
                     "event", "person"}
    assert manifest["identifierSpace"] == ID
    for service in ("entity", "type", "property"):
        assert manifest["suggest"][service]["service_path"] == f"/reconcile/suggest/{service}"
    assert "{{id}}" in manifest["preview"]["url"] and manifest["extend"]["propose_properties"]


def test_get_answers_are_conditional(client):
    first = client.get("/reconcile/suggest/entity?prefix=lund")
    again = client.get("/reconcile/suggest/entity?prefix=lund", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304 and "max-age" in first.headers["Cache-Control"]


def test_queries_by_get_and_post_form(client, validate):
    batch = {"q0": {"query": "Vanersborgs kommun"}, "q1": {"query": "Kalmar kommun"},
             "q2": {"query": "Chobe", "type": PG + "LocalGovernment", "limit": 2}}
    validate(batch, "reconciliation-query-batch")
    by_post = validate(client.post("/reconcile", data={"queries": json.dumps(batch)}).get_json(),
                       "reconciliation-result-batch")
    by_get = client.get("/reconcile", query_string={"queries": json.dumps(batch)}).get_json()
    assert by_post == by_get
    first = by_post["q0"]["result"][0]
    assert first["id"] == ID + "municipality/vanersborg" and first["match"] is True and first["name"] == "Vänersborg"
    assert not any(r["match"] for r in by_post["q1"]["result"])
    assert len(by_post["q2"]["result"]) <= 2 and by_post["q2"]["result"][0]["id"] == ID + "municipality/chobe"


def test_type_constraint(client, validate):
    batch = {"q0": {"query": "Växjö", "type": PG + "Organisation"}, "q1": {"query": "Växjö", "type": "municipality"},
             "q2": {"query": "Växjö", "type": [PG + "Region", PG + "Country"], "type_strict": "any"}}
    result = validate(client.post("/reconcile", data={"queries": json.dumps(batch)}).get_json(),
                      "reconciliation-result-batch")
    organisations = result["q0"]["result"]
    assert organisations and all(any(t["id"] == PG + "Organisation" or t["id"].startswith(PG) for t in r["type"])
                                 for r in organisations)
    assert ID + "municipality/vaxjo" not in {r["id"] for r in organisations}
    assert not any(r["match"] for r in organisations)   # "Växjö" names none of its organisations exactly
    assert result["q1"]["result"][0] == {**result["q1"]["result"][0], "id": ID + "municipality/vaxjo", "match": True}
    assert not any(r["match"] for r in result["q2"]["result"])


def test_property_constraints(client, validate):
    sweden, ukraine = ID + "country/sweden", ID + "country/ukraine"
    batch = {"agree": {"query": "Lund", "properties": [{"pid": "pg:country", "v": {"id": sweden}}]},
             "by-name": {"query": "Lund", "properties": [{"pid": PG + "country", "v": "Sverige"}]},
             "disagree": {"query": "Lund", "properties": [{"pid": "pg:country", "v": {"id": ukraine}}]},
             "code-only": {"properties": [{"pid": "pg:municipalityCode", "v": "0780"}]}}
    validate(batch, "reconciliation-query-batch")
    result = validate(client.post("/reconcile", data={"queries": json.dumps(batch)}).get_json(),
                      "reconciliation-result-batch")
    assert result["agree"]["result"][0]["id"] == ID + "municipality/lund" and result["agree"]["result"][0]["match"]
    assert result["by-name"]["result"][0]["match"]
    disagree = result["disagree"]["result"]
    assert disagree[0]["id"] == ID + "municipality/lund" and not disagree[0]["match"]
    assert disagree[0]["score"] < result["agree"]["result"][0]["score"]
    assert [r["id"] for r in result["code-only"]["result"]] == [ID + "municipality/vaxjo"]


@pytest.mark.parametrize("queries, words", [
    ("{not json", "not JSON"),
    ('["Växjö"]', "JSON object"),
    ('{"q0": {"query": 5}}', "'query' must be a string"),
    ('{"q0": {"query": "Lund", "limit": "many"}}', "'limit'"),
    ('{"q0": {"query": "Lund", "type": "not a type"}}', "neither an IRI"),
    ('{"q0": {"query": "Lund", "colour": "red"}}', "unknown field colour"),
    ('{"q0": {}}', "give a name"),
    (json.dumps({f"q{i}": {"query": "Lund"} for i in range(101)}), "the limit is 100"),
])
def test_bad_queries_get_a_clear_400(client, queries, words):
    response = client.post("/reconcile", data={"queries": queries})
    assert response.status_code == 400
    assert words in response.get_json()["error"]["message"]


def test_limit_is_capped(client, validate):
    result = client.get("/reconcile", query_string={"queries": json.dumps({"q": {"query": "a", "limit": 10_000}})})
    assert len(validate(result.get_json(), "reconciliation-result-batch")["q"]["result"]) <= 100


def test_suggest_services(client, validate):
    entities = validate(client.get("/reconcile/suggest/entity?prefix=vaxj").get_json(), "suggest-entities-response")
    assert entities["result"][0]["id"] == ID + "municipality/vaxjo"
    people = validate(client.get("/reconcile/suggest/entity", query_string={
        "prefix": "bog", "type": PG + "Person"}).get_json(), "suggest-entities-response")
    assert [r["id"] for r in people["result"]] == [ID + "person/karin-norlin-bogren"]
    types = validate(client.get("/reconcile/suggest/type?prefix=munic").get_json(), "suggest-types-response")
    assert PG + "Municipality" in {t["id"] for t in types["result"]}
    props = validate(client.get("/reconcile/suggest/property?prefix=countr").get_json(), "suggest-properties-response")
    assert PG + "country" in {p["id"] for p in props["result"]}
    assert client.get("/reconcile/suggest/colour?prefix=a").status_code == 404


class _Text(HTMLParser):
    def __init__(self):
        super().__init__()
        self.text, self.links = [], []

    def handle_data(self, data):
        self.text.append(data)

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.links.append(dict(attrs)["href"])


def test_preview_card(client):
    response = client.get("/reconcile/preview", query_string={"id": ID + "municipality/omaruru"})
    assert response.status_code == 200 and response.mimetype == "text/html"
    assert "frame-ancestors" not in response.headers["Content-Security-Policy"]
    page = _Text()
    page.feed(response.get_data(as_text=True))
    assert "Omaruru" in "".join(page.text) and page.links == ["/page/municipality/omaruru"]
    assert client.get("/reconcile/preview", query_string={"id": ID + "municipality/kalmar"}).status_code == 404


def test_data_extension(client, validate):
    proposal = validate(client.get("/reconcile/propose_properties?type=pg:Municipality").get_json(),
                        "data-extension-property-proposal")
    assert PG + "country" in {p["id"] for p in proposal["properties"]}
    request = {"ids": [ID + "municipality/vanersborg", ID + "municipality/kalmar"],
               "properties": [{"id": PG + "country"}, {"id": "pg:municipalityCode"},
                              {"id": "rdfs:label", "settings": {"limit": 1}}]}
    validate(request, "data-extension-query")
    response = validate(client.post("/reconcile", data={"extend": json.dumps(request)}).get_json(),
                        "data-extension-response")
    row = response["rows"][ID + "municipality/vanersborg"]
    assert row[PG + "country"] == [{"id": ID + "country/sweden", "name": "Sweden"}]
    assert row["pg:municipalityCode"] == [{"str": "1487"}]
    assert row["rdfs:label"] == [{"str": "Vänersborg"}]
    assert response["rows"][ID + "municipality/kalmar"] == {PG + "country": [], "pg:municipalityCode": [], "rdfs:label": []}
    assert [m["name"] for m in response["meta"]][:2] == ["country", "municipality code"]
    bad = client.post("/reconcile", data={"extend": json.dumps({"ids": "x"})})
    assert bad.status_code == 400 and "ids" in bad.get_json()["error"]["message"]


def test_the_schemas_do_refuse_a_wrong_answer(validate):
    with pytest.raises(AssertionError):
        validate({"name": "x", "identifierSpace": "x", "schemaSpace": "x"}, "manifest")   # no versions
    with pytest.raises(AssertionError):
        validate({"q0": {"result": [{"id": "x", "name": "x"}]}}, "reconciliation-result-batch")   # no score


def test_short_names_reconcile_as_a_match(client, validate):
    """OpenRefine's batch with a type, for each short name the documents use (SHORT_NAMES)."""
    kinds = {name: iri.split("/")[0] for name, iri in SHORT_NAMES.items()}
    batch = {f"q{i}": {"query": name, "type": kinds[name]} for i, name in enumerate(SHORT_NAMES)}
    result = validate(client.post("/reconcile", data={"queries": json.dumps(batch)}).get_json(),
                      "reconciliation-result-batch")
    for i, (name, expected) in enumerate(SHORT_NAMES.items()):
        first = result[f"q{i}"]["result"][0]
        assert (first["id"], first["match"]) == (ID + expected, True), (name, result[f"q{i}"]["result"][:2])
