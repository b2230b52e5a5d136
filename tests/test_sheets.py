"""Data entry from spreadsheets: templates, imports (validated, located errors, dry runs, re-imports),
the new data in the endpoint, pages and named queries, and the round trip through export-sheet.
Every import goes into a copy of data/ in a temporary directory; the real data/ is only read."""
from __future__ import annotations

import csv
import datetime as dt
import functools
import hashlib
import io
import json
import shutil
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
import rdflib
from rdflib import RDF, RDFS, SKOS, Literal, URIRef

from partnergraph.cli import main
from partnergraph.sheets import context, describe_text, export_rows, import_sheet, kinds, template_bytes
from partnergraph.sheets.convert import CellError, parse_date, parse_sdg
from partnergraph.sheets.mapping import load_mapping
from partnergraph.sheets.tables import read_sheet
from partnergraph.store.validation import validate_paths

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures" / "sheets"
ONTOLOGY = ROOT / "ontology"
BASE = "https://w3id.org/partnergraph/"
PG = rdflib.Namespace(BASE + "ontology#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
XSD = rdflib.Namespace("http://www.w3.org/2001/XMLSchema#")
TODAY = dt.date(2025, 3, 14)


def iri(kind: str, slug: str) -> URIRef:
    return URIRef(f"{BASE}id/{kind}/{slug}")


def run(sheet: str | Path, kind: str, data: Path, **options):
    path = sheet if isinstance(sheet, Path) else FIXTURES / sheet
    return import_sheet(path, kind, data_dir=data, ontology_dir=ONTOLOGY, today=TODAY, **options)


def snapshot(data: Path) -> dict[str, str]:
    return {str(p.relative_to(data)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(data.rglob("*")) if p.is_file()}


def load(data: Path) -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in sorted(data.rglob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@functools.cache
def shipped_context(kind: str):
    """The template context over the shipped data, read once per kind: no test changes it."""
    return context(kind, ROOT / "data", ONTOLOGY)


@pytest.fixture
def data(tmp_path) -> Path:
    copy = tmp_path / "data"
    shutil.copytree(ROOT / "data", copy)
    return copy


@pytest.fixture
def with_partnership(data) -> Path:
    """Kenya, Nakuru, the Ljungby – Nakuru partnership and its two projects, imported in order."""
    for sheet, kind in (("countries-kenya.csv", "country"), ("municipalities-nakuru.csv", "municipality"),
                        ("partnerships-ljungby-nakuru.csv", "partnership"), ("projects-ljungby-nakuru.csv", "project")):
        result = run(sheet, kind, data)
        assert result.ok, result.report()
        assert result.written
    return data


# -- templates ----------------------------------------------------------------------------------

def test_every_kind_has_a_mapping():
    assert kinds() == ["country", "municipality", "partnership", "project", "membership", "event"]


@pytest.mark.parametrize("kind", ["country", "municipality", "partnership", "project", "membership", "event"])
def test_csv_template_is_the_header_row(kind):
    ctx = shipped_context(kind)
    rows = list(csv.reader(io.StringIO(template_bytes(ctx, "csv").decode("utf-8-sig"))))
    assert rows == [ctx.mapping.names]
    assert rows[0][0] == "id"


def test_columns_take_what_the_shapes_say():
    ctx = shipped_context("partnership")
    partners = ctx.mapping.column("partners")
    assert (partners.type, partners.min_count, partners.multiple) == ("reference", 2, True)      # sh:minCount 2
    assert ctx.mapping.column("status").multiple is False                                         # sh:maxCount 1
    assert ctx.mapping.column("start_year").type == "year"                                        # sh:datatype xsd:gYear
    assert ctx.mapping.column("description_sv").required                                          # qualified @sv
    assert "A partnership needs at least one partner in Sweden." in " ".join(describe_text(ctx).splitlines())
    municipality = shipped_context("municipality").mapping
    assert municipality.column("status").multiple is True     # no sh:maxCount on a local government's status
    assert municipality.column("country").required


def test_allowed_values_come_from_the_concept_schemes():
    concepts = rdflib.Graph().parse(ROOT / "data" / "concepts.ttl")
    statuses = {str(label) for c in concepts.subjects(SKOS.inScheme, iri("concept", "statuses"))
                for label in concepts.objects(c, SKOS.prefLabel) if label.language == "en"}
    ctx = shipped_context("project")
    assert {a.label_en for a in ctx.mapping.column("status").allowed} == statuses
    assert [a.value for a in ctx.mapping.column("sdgs").allowed] == [str(n) for n in range(1, 18)]
    types = {a.term for a in shipped_context("event").mapping.column("type").allowed}
    assert types == {PG.Event, PG.Visit, PG.Meeting, PG.Workshop, PG.Award, PG.Signing}


def test_xlsx_template_carries_the_column_reference(tmp_path):
    ctx = shipped_context("project")
    path = tmp_path / "projects.xlsx"
    path.write_bytes(template_bytes(ctx, "xlsx", "sv"))
    book = openpyxl.load_workbook(path)
    assert book.sheetnames == ["projects", "lists", "kolumner"]
    assert [c.value for c in book["projects"][1]] == ctx.mapping.names
    reference = list(book["kolumner"].iter_rows(values_only=True))
    assert reference[0][:3] == ("kolumn", "obligatorisk", "värden")
    assert [row[0] for row in reference[1:]] == ctx.mapping.names
    title = next(row for row in reference if row[0] == "title")
    assert title[1] == "ja" and "Projektets namn" in title[7]


def test_docs_show_the_current_column_reference():
    docs = (ROOT / "docs" / "data-entry.md").read_text(encoding="utf-8")
    for kind in kinds():
        assert describe_text(shipped_context(kind)) in docs, f"docs/data-entry.md: regenerate {kind}"


# -- reading cells ----------------------------------------------------------------------------------

@pytest.mark.parametrize("text, datatype", [("2019-05-10", XSD.date), ("2019-05", XSD.gYearMonth),
                                            ("--05-10", XSD.gMonthDay), ("2019", XSD.gYear)])
def test_event_dates_keep_as_much_as_is_given(text, datatype):
    column = shipped_context("event").mapping.column("date")
    assert parse_date(text, column) == Literal(text, datatype=datatype)


@pytest.mark.parametrize("text", ["2019-02-30", "10 May 2019", "2019/05/10", "--13-01"])
def test_bad_dates_are_refused(text):
    with pytest.raises(CellError):
        parse_date(text, shipped_context("event").mapping.column("date"))


@pytest.mark.parametrize("text, expected", [("4", "4"), ("SDG 16", "16"), ("Mål 5", "5"), ("4.1", "4.1"), ("11.a", "11.a"),
                                            ("https://metadata.un.org/sdg/6", "6")])
def test_sdgs_are_the_uns_iris(text, expected):
    column = shipped_context("project").mapping.column("sdgs")
    assert parse_sdg(text, column) == URIRef("http://metadata.un.org/sdg/" + expected)


@pytest.mark.parametrize("text", ["0", "18", "18.1", "four", "4.1.2"])
def test_unknown_sdgs_are_refused(text):
    with pytest.raises(CellError, match="not a Sustainable Development Goal"):
        parse_sdg(text, shipped_context("project").mapping.column("sdgs"))


def test_semicolon_csv_with_byte_order_mark_is_read():
    sheet = read_sheet(FIXTURES / "municipalities-semicolon.csv")
    assert sheet.header[:3] == ["id", "name_sv", "name_en"]
    assert sheet.rows == [(2, {"id": "", "name_sv": "Växjö", "name_en": "", "type": "kommun", "country": "Sverige",
                               "region": "Region Kronoberg", "municipality_code": "0780", "status": ""})]


# -- restating what is there --------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["country", "municipality", "partnership", "project", "membership", "event"])
def test_exported_shipped_data_reimports_as_no_change(kind, data, tmp_path):
    ctx = context(kind, data, ONTOLOGY)
    sheet = tmp_path / f"{kind}.csv"
    sheet.write_bytes(template_bytes(ctx, "csv", "sv", export_rows(ctx, "sv")))
    before = snapshot(data)
    result = run(sheet, kind, data)
    assert result.ok, result.report()
    assert result.rows and all(not r.new for r in result.rows)
    assert (result.added, result.removed, result.written) == ([], [], [])
    assert snapshot(data) == before


def test_rows_restating_shipped_facts_by_name_add_nothing(data):
    before = snapshot(data)
    partnerships = run("partnerships-restated.csv", "partnership", data)
    assert partnerships.ok, partnerships.report()
    assert [r.subject for r in partnerships.rows] == [iri("partnership", "vaxjo-vushtrri"),
                                                      iri("partnership", "vanersborg-chobe")]
    municipalities = run("municipalities-semicolon.csv", "municipality", data)
    assert municipalities.ok, municipalities.report()
    assert [r.subject for r in municipalities.rows] == [iri("municipality", "vaxjo")]
    assert not partnerships.changed and not municipalities.changed
    assert snapshot(data) == before


# -- a new partnership with two projects -----------------------------------------------------------

def test_new_partnership_and_projects_are_written_as_the_sheets_say(with_partnership):
    data = with_partnership
    graph = load(data)
    partnership = iri("partnership", "ljungby-nakuru")
    water, youth = iri("project", "clean-water-in-nakuru"), iri("project", "young-peoples-voice-in-nakuru")
    nakuru, ljungby = iri("municipality", "nakuru"), iri("municipality", "ljungby")
    assert set(graph.objects(partnership, RDF.type)) == {PG.BilateralPartnership}      # two partners
    assert set(graph.objects(partnership, PG.partner)) == {ljungby, nakuru}
    assert set(graph.objects(partnership, RDFS.label)) == {Literal("Ljungby – Nakuru", lang="en"),
                                                            Literal("Ljungby – Nakuru", lang="sv")}
    assert graph.value(partnership, PG.startYear) == Literal("2024", datatype=XSD.gYear)
    assert graph.value(partnership, PG.status) == iri("concept", "status-active")
    assert graph.value(nakuru, PG.country) == iri("country", "kenya")
    assert (nakuru, RDF.type, PG.City) in graph
    # Ljungby is the resource that was there: the restated row added nothing to it.
    assert len([s for s in graph.subjects(PG.municipalityCode, Literal("0781"))]) == 1
    assert list(graph.objects(ljungby, PROV.wasDerivedFrom)) == [iri("source", "002_3b9055c6e4860be3")]
    assert set(graph.subjects(PG.partnership, partnership)) == {water, youth}
    assert set(graph.objects(water, PG.sdg)) == {URIRef("http://metadata.un.org/sdg/6"), URIRef("http://metadata.un.org/sdg/6.1")}
    assert set(graph.objects(youth, PG.sdg)) == {URIRef("http://metadata.un.org/sdg/4"), URIRef("http://metadata.un.org/sdg/16")}
    assert graph.value(youth, PG.buildsOn) == water
    assert graph.value(water, rdflib.DCTERMS.title) == Literal("Rent vatten i Nakuru", lang="sv")
    assert graph.value(water, PG.startDate) == Literal("2024-09", datatype=XSD.gYearMonth)
    assert graph.value(youth, PG.numberOfParticipants) == Literal(20)
    # Each new fact's resource cites the sheet it came from, described as a source document.
    source = graph.value(water, PROV.wasDerivedFrom)
    assert (source, RDF.type, PG.SourceDocument) in graph
    assert str(graph.value(source, PG.fileName)) == str(source).rsplit("/", 1)[-1] + ".txt"
    assert (data / "imports" / str(graph.value(source, PG.fileName))).read_text(encoding="utf-8").startswith("id,title,")
    assert graph.value(source, rdflib.DCTERMS.created) == Literal("2025-03-14", datatype=XSD.date)
    assert validate_paths([data], ONTOLOGY / "partnergraph.ttl", ONTOLOGY / "shapes.ttl").conforms


class Links(HTMLParser):
    def __init__(self):
        super().__init__()
        self.hrefs: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "a":
            self.hrefs.extend(v for k, v in attrs if k == "href" and v)


def test_new_partnership_shows_up_in_endpoint_pages_and_queries(with_partnership):
    from partnergraph.graph import PartnerGraph
    from partnergraph.web.app import create_app

    built = PartnerGraph.build(data=[str(with_partnership)], ontology_dir=str(ONTOLOGY), queries_dir=str(ROOT / "queries"))
    try:
        app = create_app({"VALIDATE": False, "WORKERS": 0, "ACCESS_LOG": False, "TESTING": True}, graph=built)
        client = app.test_client()
        query = ("PREFIX pg: <https://w3id.org/partnergraph/ontology#> SELECT ?project WHERE "
                 "{ ?project pg:partnership <https://w3id.org/partnergraph/id/partnership/ljungby-nakuru> }")
        response = client.get("/sparql", query_string={"query": query}, headers={"Accept": "application/sparql-results+json"})
        assert response.status_code == 200
        found = {b["project"]["value"] for b in json.loads(response.data)["results"]["bindings"]}
        assert found == {str(iri("project", "clean-water-in-nakuru")), str(iri("project", "young-peoples-voice-in-nakuru"))}

        page = client.get("/page/partnership/ljungby-nakuru", headers={"Accept": "text/html"})
        assert page.status_code == 200
        links = Links()
        links.feed(page.data.decode("utf-8"))
        assert any(h.endswith("/page/project/clean-water-in-nakuru") for h in links.hrefs)
        assert any(h.endswith("/page/municipality/nakuru") for h in links.hrefs)
        assert "Ljungby – Nakuru" in page.data.decode("utf-8")

        rows = built.query("partnerships-of-municipality", municipality=str(iri("municipality", "ljungby"))).rows()
        assert [(r["partnership"], r["partner"], r["countryLabel"], r["startYear"]) for r in rows] == [
            (str(iri("partnership", "ljungby-nakuru")), str(iri("municipality", "nakuru")), "Kenya", 2024)]
        by_goal = client.get("/queries/projects-by-sdg", query_string={"sdg": "6", "format": "json"})
        assert by_goal.status_code == 200
        projects = {b["project"]["value"] for b in json.loads(by_goal.data)["results"]["bindings"]}
        assert str(iri("project", "clean-water-in-nakuru")) in projects
        assert str(iri("project", "young-peoples-voice-in-nakuru")) not in projects
    finally:
        built.close()


def test_reimporting_the_same_sheet_changes_nothing(with_partnership):
    before = snapshot(with_partnership)
    for sheet, kind in (("projects-ljungby-nakuru.csv", "project"), ("partnerships-ljungby-nakuru.csv", "partnership"),
                        ("municipalities-nakuru.csv", "municipality")):
        result = run(sheet, kind, with_partnership)
        assert result.ok and not result.changed and not result.written
    assert snapshot(with_partnership) == before


def test_dry_run_shows_the_change_grouped_by_resource_and_writes_nothing(data):
    assert run("countries-kenya.csv", "country", data).ok
    assert run("municipalities-nakuru.csv", "municipality", data).ok
    before = snapshot(data)
    result = run("partnerships-ljungby-nakuru.csv", "partnership", data, dry_run=True)
    assert result.ok and result.changed and result.written == []
    assert snapshot(data) == before
    lines = result.diff().splitlines()
    start = lines.index('+ ps:ljungby-nakuru  "Ljungby – Nakuru" (row 2, new)')
    block = lines[start + 1:start + 13]
    assert all(line.startswith("    + ") for line in block)
    assert any(line.split()[1:] == ["pg:partner", "mun:nakuru"] for line in block)
    assert any(line.split()[1:] == ["a", "pg:BilateralPartnership"] for line in block)
    assert "Dry run: nothing was written." in result.summary()


# -- rows that fail ----------------------------------------------------------------------------------

def located(result) -> list[tuple]:
    return [(p.file, p.row, p.column) for p in result.problems]


def test_each_kind_of_bad_cell_is_located(data):
    before = snapshot(data)
    result = run("projects-bad-cells.csv", "project", data)
    name = "projects-bad-cells.csv"
    assert located(result) == [(name, 2, "start_year"), (name, 3, "sdgs"), (name, 4, "partnership"),
                               (name, 5, "end_date"), (name, 6, "description_sv"), (name, 7, "status")]
    messages = [p.message for p in result.problems]
    assert "'20x9' is not a year" in messages[0]
    assert "'18' is not a Sustainable Development Goal" in messages[1]
    assert "'Växjö – Atlantis' is not a partnership in the graph" in messages[2]
    assert "'2021-13-01' is not a real date" in messages[3]
    assert messages[4].startswith("empty, but every project needs a value here")
    assert "'Activ' is not one of the allowed values" in messages[5]
    assert str(result.problems[0]).startswith("projects-bad-cells.csv, row 2, column start_year: ")
    assert snapshot(data) == before


def test_header_problems_are_named(data):
    result = run("projects-bad-header.csv", "project", data)
    assert located(result) == [("projects-bad-header.csv", 1, "budget"), ("projects-bad-header.csv", 1, "description_sv")]
    assert "not a column of the projects template" in result.problems[0].message
    assert "a new project needs it" in result.problems[1].message


def test_shape_violations_are_put_at_their_row_and_column(data):
    result = run("projects-start-after-end.csv", "project", data)
    assert located(result) == [("projects-start-after-end.csv", 2, "start_year")]
    assert result.problems[0].message == "The start (2022) is after the end (2020)."
    result = run("partnerships-no-swedish-partner.csv", "partnership", data)
    assert located(result) == [("partnerships-no-swedish-partner.csv", 2, "partners"),
                               ("partnerships-no-swedish-partner.csv", 3, "partners")]
    assert result.problems[0].message == "A partnership needs at least one partner in Sweden."
    assert result.problems[1].message.startswith("A bilateral partnership has exactly two partners")
    assert not (data / "imports").exists()


def test_facts_written_by_hand_are_not_changed_by_a_sheet(data):
    result = run("projects-change-curated.csv", "project", data)
    assert located(result) == [("projects-change-curated.csv", 2, "status")]
    assert "'Granted'" in result.problems[0].message and "written by hand" in result.problems[0].message


def test_skip_invalid_imports_the_rows_that_pass(data):
    strict = run("projects-one-bad-row.csv", "project", data)
    assert located(strict) == [("projects-one-bad-row.csv", 3, "sdgs")] and not (data / "imports").exists()
    lenient = run("projects-one-bad-row.csv", "project", data, skip_invalid=True)
    assert lenient.ok and sorted(lenient.skipped) == [3]
    assert [r.subject for r in lenient.rows] == [iri("project", "archive-open-days")]
    graph = load(data)
    assert (iri("project", "archive-open-days"), RDF.type, PG.Project) in graph
    assert not list(graph.subjects(RDFS.label, Literal("Goal twenty", lang="en")))


# -- round trip ---------------------------------------------------------------------------------------

def test_export_import_export_is_stable_and_a_fixed_row_is_applied(with_partnership, tmp_path):
    data = with_partnership
    ctx = context("project", data, ONTOLOGY)
    first = tmp_path / "projects.xlsx"
    first.write_bytes(template_bytes(ctx, "xlsx", "en", export_rows(ctx, "en")))
    assert not run(first, "project", data).changed

    book = openpyxl.load_workbook(first)
    sheet = book["projects"]
    header = [c.value for c in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == "clean-water-in-nakuru":
            row[header.index("status")].value = "Pågående"
            row[header.index("sdgs")].value = "6"
    fixed = tmp_path / "projects-fixed.xlsx"
    book.save(fixed)
    result = run(fixed, "project", data)
    assert result.ok, result.report()
    water = iri("project", "clean-water-in-nakuru")
    assert sorted((str(t[1]), str(t[2])) for t, _ in result.removed) == [
        (str(PG.sdg), "http://metadata.un.org/sdg/6.1"), (str(PG.status), str(iri("concept", "status-granted")))]
    assert all("imports" in path for _, path in result.removed)
    graph = load(data)
    assert graph.value(water, PG.status) == iri("concept", "status-active")
    assert set(graph.objects(water, PG.sdg)) == {URIRef("http://metadata.un.org/sdg/6")}

    ctx = context("project", data, ONTOLOGY)
    again = template_bytes(ctx, "csv", "en", export_rows(ctx, "en"))
    (tmp_path / "again.csv").write_bytes(again)
    assert not run(tmp_path / "again.csv", "project", data).changed
    ctx = context("project", data, ONTOLOGY)
    assert template_bytes(ctx, "csv", "en", export_rows(ctx, "en")) == again


# -- the command line ---------------------------------------------------------------------------------

def test_cli_template_import_and_export_sheet(runner, data, tmp_path):
    result = runner.invoke(main, ["template", "projects", "--data", str(data)])
    assert result.exit_code == 0 and result.output.splitlines()[0].startswith("id,title,title_language,")
    out = tmp_path / "partnerships.csv"
    result = runner.invoke(main, ["template", "partnership", "-o", str(out), "--data", str(data)])
    assert result.exit_code == 0 and (tmp_path / "partnerships-columns.csv").is_file()

    bad = runner.invoke(main, ["import", str(FIXTURES / "projects-bad-cells.csv"), "--kind", "project", "--data", str(data)])
    assert bad.exit_code == 1
    assert "projects-bad-cells.csv, row 3, column sdgs: '18' is not a Sustainable Development Goal" in bad.output

    good = runner.invoke(main, ["import", str(FIXTURES / "countries-kenya.csv"), "--kind", "countries",
                                "--data", str(data), "--dry-run"])
    assert good.exit_code == 0
    assert "+ country:kenya  \"Kenya\" (row 2, new)" in good.output and not (data / "imports").exists()

    unknown = runner.invoke(main, ["import", str(FIXTURES / "countries-kenya.csv"), "--kind", "cities", "--data", str(data)])
    assert unknown.exit_code == 2

    exported = runner.invoke(main, ["export-sheet", "partnerships", "--data", str(data)])
    assert exported.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(exported.output)))
    assert {r["id"] for r in rows} >= {"vaxjo-vushtrri", "vanersborg-chobe"}
    assert next(r for r in rows if r["id"] == "vaxjo-vushtrri")["partners"] == "Vushtrri; Växjö"


def test_mappings_load_for_every_kind():
    ctx = shipped_context("project")
    for kind in kinds():
        mapping = load_mapping(kind, ctx.schema)
        assert mapping.names[0] == "id" and mapping.kind == kind
