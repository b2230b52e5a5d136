"""The query workbench without a browser: completion from the graph, result views and their SVG,
short links, plain-language syntax errors, the examples with their defaults bound, and the
named queries in Swedish and English."""
from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from partnergraph.drawing import result_views
from partnergraph.sparql.errors import explain, undeclared_prefix
from partnergraph.workbench.completion import CompletionIndex, fold
from partnergraph.workbench.short_links import ShortLinkError, ShortLinks, link_id

PG = "https://w3id.org/partnergraph/ontology#"
ID = "https://w3id.org/partnergraph/id/"
HTML = {"Accept": "text/html"}
SVG = "{http://www.w3.org/2000/svg}"


@pytest.fixture(scope="module")
def index(graph):
    return CompletionIndex.build(graph)


# -- completion -----------------------------------------------------------------------------------

def test_prefixed_name_completes_to_the_ontology_terms(index):
    labels = [item["label"] for item in index.complete("pg:par")]
    assert "pg:partner" in labels and "pg:Partnership" in labels
    assert all(label.startswith("pg:") for label in labels)
    partner = next(i for i in index.complete("pg:par") if i["label"] == "pg:partner")
    assert partner["kind"] == "property" and partner["count"] > 0
    assert partner["prefixes"] == {"pg": PG}


def test_labels_in_both_languages_and_class_context(index):
    classes = index.complete("kommun", context="class", lang="sv")
    assert any(item["label"] == "pg:Municipality" for item in classes), classes
    assert all(item["kind"] == "class" for item in classes)


def test_properties_narrowed_to_the_subjects_class(index):
    for_partnership = {i["label"] for i in index.complete("pg:", context="property",
                                                          subject_class=PG + "Partnership", limit=100)}
    anywhere = {i["label"] for i in index.complete("pg:", context="property", limit=100)}
    assert "pg:partner" in for_partnership
    assert "pg:sdgNumber" in anywhere and "pg:sdgNumber" not in for_partnership


def test_resources_by_part_of_their_name(index):
    items = index.complete("vaxj")
    first = items[0]
    assert first["kind"] == "resource" and first["label"] == "Växjö"
    assert first["apply"] == f"<{ID}municipality/vaxjo>"
    assert fold("Växjö") == "vaxjo"


def test_prefixes_are_offered_with_their_namespace(index):
    item = next(i for i in index.complete("sko") if i["kind"] == "prefix")
    assert item["label"] == "skos:" and item["prefixes"] == {"skos": "http://www.w3.org/2004/02/skos/core#"}


def test_completion_route(client):
    response = client.get("/sparql/complete?q=pg:par&ctx=property")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.get_json()
    assert "pg:partner" in [i["label"] for i in body["items"]] and body["ms"] >= 0
    assert client.get("/sparql/complete?q=x&ctx=nowhere").status_code == 400


# -- result views ---------------------------------------------------------------------------------

COUNTS = """#defaultView:BarChart
PREFIX pg: <https://w3id.org/partnergraph/ontology#>
SELECT ?goal (COUNT(DISTINCT ?p) AS ?projects) WHERE { ?p a pg:Project ; pg:addressesSdg ?goal }
GROUP BY ?goal ORDER BY DESC(?projects)"""
MAP = """#defaultView:Map
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
SELECT ?place ?wkt WHERE { VALUES (?place ?wkt) {
  (<https://w3id.org/partnergraph/id/municipality/vaxjo> "POINT(14.81 56.88)"^^geo:wktLiteral)
  (<https://w3id.org/partnergraph/id/municipality/skovde> "POINT(13.85 58.39)"^^geo:wktLiteral) } }"""


def test_default_view_comment():
    assert result_views.default_view(COUNTS) == "BarChart"
    assert result_views.default_view("# defaultview: linechart\nSELECT") == "LineChart"
    assert result_views.default_view("SELECT * WHERE { ?s ?p ?o }") == "Table"
    assert result_views.default_view("#defaultView:Nonsense\nSELECT") == "Table"


def lit(value, datatype=None):
    term = {"type": "literal", "value": value}
    if datatype:
        term["datatype"] = "http://www.w3.org/2001/XMLSchema#" + datatype
    return term


def test_views_from_rows():
    rows = [{"x": {"type": "uri", "value": ID + "project/a"}, "xLabel": lit("A"), "start": lit("2019", "gYear"),
             "end": lit("2021-06-30", "date"), "n": lit("3", "integer")},
            {"x": {"type": "uri", "value": ID + "project/b"}, "xLabel": lit("B"), "start": lit("2020", "gYear"),
             "end": lit("2020-12-31", "date"), "n": lit("5", "integer")}]
    variables = ["x", "xLabel", "start", "end", "n"]
    bars = result_views.build("BarChart", variables, rows)
    assert [(b.label, b.value) for b in bars.items] == [("A", 3), ("B", 5)]
    spans = result_views.build("Timeline", variables, rows).items
    assert [(s.label, s.start, round(s.end, 2)) for s in spans] == [("A", 2019, 2021.5), ("B", 2020, 2021.0)]
    line = result_views.build("LineChart", variables, rows)
    assert line.x_label == "start" and line.y_label == "n"
    with pytest.raises(result_views.ViewError, match="two columns of IRIs"):
        result_views.build("Graph", variables, rows)
    with pytest.raises(result_views.ViewError, match="WKT"):
        result_views.build("Map", variables, rows)
    assert result_views.point(lit("POINT(14.8 56.9)")) == (14.8, 56.9)
    assert result_views.point(lit("POINT(200 56.9)")) is None


def svg_root(body: bytes) -> ET.Element:
    return ET.fromstring(body)


@pytest.mark.parametrize("view, query, element", [
    ("BarChart", COUNTS, "bar"),
    ("Map", MAP, "place"),
])
def test_standalone_svg(client, view, query, element):
    response = client.get("/sparql", query_string={"query": query, "format": "svg", "view": view})
    assert response.status_code == 200 and response.mimetype == "image/svg+xml"
    root = svg_root(response.data)
    assert root.tag == SVG + "svg" and root.find(SVG + "title").text
    groups = [g for g in root.iter(SVG + "g") if element in (g.get("class") or "").split()]
    assert groups, f"no {element} in the {view} SVG"


def test_graph_and_line_views_draw(client):
    graph_query = """PREFIX pg: <https://w3id.org/partnergraph/ontology#>
SELECT ?partnership ?partner WHERE { ?partnership a pg:Partnership ; pg:partner ?partner }"""
    response = client.get("/sparql", query_string={"query": graph_query, "format": "svg", "view": "Graph"})
    root = svg_root(response.data)
    assert any(g.get("class") == "edge" for g in root.iter(SVG + "g"))
    line_query = """PREFIX pg: <https://w3id.org/partnergraph/ontology#>
SELECT ?year (COUNT(?p) AS ?projects) WHERE { ?p a pg:Project ; pg:startYear ?y BIND (xsd:integer(STR(?y)) AS ?year) }
GROUP BY ?year ORDER BY ?year""".replace("xsd:integer", "<http://www.w3.org/2001/XMLSchema#integer>")
    response = client.get("/sparql", query_string={"query": line_query, "format": "svg", "view": "LineChart"})
    assert response.status_code == 200, response.data[:300]
    assert any(g.get("class") == "point" for g in svg_root(response.data).iter(SVG + "g"))


def test_view_errors_are_explained(client):
    response = client.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s a ?c } LIMIT 3", "format": "svg",
                                                   "view": "BarChart"})
    assert response.status_code == 400 and "column of numbers" in response.get_json()["error"]["message"]
    page = client.get("/sparql", query_string={"query": "SELECT ?s WHERE { ?s a ?c } LIMIT 3", "view": "BarChart"},
                      headers=HTML).get_data(as_text=True)
    assert "column of numbers" in page and "<table" in page


def test_page_tabs_and_embed(client):
    page = client.get("/sparql", query_string={"query": COUNTS}, headers=HTML).get_data(as_text=True)
    assert 'class="result-view" data-view="BarChart"' in page and 'class="bar"' in page
    for view in result_views.VIEWS:
        assert f'data-view="{view}"' in page
    assert "format=svg" in page and "&lt;img src=" in page


# -- short links ----------------------------------------------------------------------------------

def test_short_links_are_content_addressed_and_survive(tmp_path):
    store = ShortLinks(tmp_path)
    ident = store.put("SELECT * WHERE { ?s ?p ?o }")
    assert ident == link_id("SELECT * WHERE { ?s ?p ?o }") and store.put("SELECT * WHERE { ?s ?p ?o }") == ident
    assert ShortLinks(tmp_path).get(ident) == "SELECT * WHERE { ?s ?p ?o }"
    with pytest.raises(ShortLinkError) as err:
        ShortLinks(tmp_path).get("0" * 12)
    assert err.value.status == 404
    with pytest.raises(ShortLinkError) as err:
        ShortLinks(tmp_path).get("../../etc/passwd")
    assert err.value.status == 404


def test_a_full_store_refuses_politely_and_keeps_its_links(tmp_path):
    store = ShortLinks(tmp_path, max_links=2)
    first = store.put("ASK {}")
    store.put("ASK { ?s ?p ?o }")
    with pytest.raises(ShortLinkError) as err:
        store.put("SELECT * {}")
    assert err.value.status == 507 and "full" in err.value.message and "long link" in err.value.message
    assert store.get(first) == "ASK {}" and store.put("ASK {}") == first


def test_short_link_routes(graph, tmp_path):
    from partnergraph.web.app import create_app
    app = create_app({"VALIDATE": False, "WORKERS": 0, "ACCESS_LOG": False, "LINKS_DIR": str(tmp_path),
                      "LINKS_MAX": 1}, graph=graph)
    client = app.test_client()
    response = client.post("/q", data={"query": COUNTS}, headers={"Accept": "application/json"})
    assert response.status_code == 201
    url = response.get_json()["url"]
    assert client.get(url + "?format=json").get_json()["query"] == COUNTS
    opened = client.get(url)
    assert opened.status_code == 303 and opened.location.startswith("/sparql?query=")
    form = client.post("/q", data={"query": COUNTS})
    assert form.status_code == 303 and form.location == url
    full = client.post("/q", data={"query": MAP}, headers={"Accept": "application/json"})
    assert full.status_code == 507 and "full" in full.get_json()["error"]["message"]
    assert client.get("/q/nothing").status_code == 404


# -- errors in plain words ------------------------------------------------------------------------

def test_undeclared_prefix_names_the_prefix_and_its_line(client):
    response = client.get("/sparql", query_string={"query": "SELECT * WHERE { ?s skos:prefLabel ?o }"},
                          headers={"Accept": "application/sparql-results+json"})
    error = response.get_json()["error"]
    assert response.status_code == 400 and error["line"] == 1 and error["column"]
    assert "skos:" in error["message"] and "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>" in error["message"]
    assert undeclared_prefix("PREFIX a: <x:> SELECT * { ?s a:b b:c }")[0] == "b"
    assert "near '}'" in explain("SELECT * WHERE { ?s ?p }", "error at 1:23: expected one of LATERAL, ['_']", 1, 23).message


def test_error_marker_data_on_the_page(client):
    page = client.get("/sparql", query_string={"query": "SELECT * WHERE {\n  ?s ?p\n}"}, headers=HTML)
    html = page.get_data(as_text=True)
    assert page.status_code == 400 and 'data-error-line="3"' in html and "data-error-column=" in html


# -- examples and named queries ---------------------------------------------------------------------

def rows_of(graph, text, bindings=None):
    return graph.select(text, bindings) if bindings else graph.select(text)


@pytest.mark.parametrize("name", sorted(p.stem for p in Path("queries").glob("*.rq")) if Path("queries").is_dir()
                         else [])
def test_every_example_runs_with_its_defaults(graph, name):
    query = graph.queries[name]
    if query.text.lstrip("#").find("CONSTRUCT") >= 0 and "SELECT" not in query.text:
        assert graph.construct(query.bound_text())
        return
    example = rows_of(graph, query.bound_text())
    named = rows_of(graph, query.text, query.bindings())
    assert example, f"the example {name} returns no rows"
    assert example == named


def test_the_municipality_example_is_about_vaxjo(graph):
    # 000_3db2f6b1717fd080.txt: Växjö's partnerships with Vushtrri and An Giang;
    # 001_60f0cfa81e0e7641.txt: Växjö, Region Kronoberg and JB Marks
    query = graph.queries["partnerships-of-municipality"]
    rows = graph.select(query.bound_text())
    assert {r["municipality"]["value"] for r in rows} == {ID + "municipality/vaxjo"}
    partners = " ".join(r["partnerLabel"]["value"] for r in rows if "partnerLabel" in r)
    for name in ("Vushtrri", "An Giang", "JB Marks"):
        assert name in partners


def test_every_named_query_speaks_both_languages(graph):
    for query in graph.queries.values():
        assert query.titles.get("sv") and query.titles["sv"] != query.title, query.name
        assert query.descriptions.get("sv"), query.name
        for param in query.parameters:
            assert param.helps.get("sv") and param.helps.get("en"), (query.name, param.name)


class Options(HTMLParser):
    def __init__(self):
        super().__init__()
        self.selects: dict[str, list[str]] = {}
        self._current = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._current = attrs.get("name")
            self.selects[self._current] = []
        elif tag == "option" and self._current:
            self.selects[self._current].append(attrs.get("value"))

    def handle_endtag(self, tag):
        if tag == "select":
            self._current = None


def test_forms_pick_values_and_speak_swedish(client, graph):
    page = client.get("/queries/partnerships-of-municipality?lang=sv", headers=HTML).get_data(as_text=True)
    assert graph.queries["partnerships-of-municipality"].titles["sv"] in page
    assert "kommunen (eller regionen)" in page
    parser = Options()
    parser.feed(page)
    assert ID + "municipality/vaxjo" in parser.selects["municipality"]
    assert parser.selects["lang"] == ["en", "sv"]
    parser = Options()
    parser.feed(client.get("/queries/projects-by-sdg", headers=HTML).get_data(as_text=True))
    assert parser.selects["sdg"] == [str(n) for n in range(1, 18)]
    parser = Options()
    parser.feed(client.get("/queries/projects-active-in-year", headers=HTML).get_data(as_text=True))
    assert "2020" in parser.selects["year"]
    listing = client.get("/queries?lang=sv", headers=HTML).get_data(as_text=True)
    assert "Projekt per globalt mål" in listing
    workbench = client.get("/sparql?lang=sv", headers=HTML).get_data(as_text=True)
    assert "Projekt per globalt mål" in workbench and "Kör frågan" in workbench


def test_example_links_bind_the_defaults(client):
    page = client.get("/sparql?example=projects-by-sdg", headers=HTML).get_data(as_text=True)
    assert "&lt;http://metadata.un.org/sdg/4&gt;" in page and 'data-total="0"' not in page
    assert client.get("/sparql?example=nothing", headers=HTML).status_code == 404


def test_svg_is_in_the_format_table():
    from partnergraph.sparql import formats
    assert formats.by_name("svg").media_type == "image/svg+xml"
    assert formats.negotiate("image/svg+xml", "results") is None
    assert json.loads(json.dumps(result_views.VIEWS))[0] == "Table"


def test_the_page_is_a_plain_form_without_the_bundle(graph, tmp_path):
    from partnergraph.web.app import create_app
    app = create_app({"VALIDATE": False, "WORKERS": 0, "ACCESS_LOG": False}, graph=graph)
    bundle = Path(app.static_folder) / "dist" / "workbench.js"
    if bundle.is_file():
        page = app.test_client().get("/sparql", headers=HTML)
        html = page.get_data(as_text=True)
        nonce = page.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
        assert f'nonce="{nonce}"' in html and "dist/workbench.js" in html
        assert "'unsafe-inline'" not in page.headers["Content-Security-Policy"]
    app.static_folder = str(tmp_path)  # as on a server where make assets could not run
    page = app.test_client().get("/sparql", headers=HTML)
    html = page.get_data(as_text=True)
    assert "dist/workbench.js" not in html and "query.js" in html and "nonce-" not in page.headers["Content-Security-Policy"]
    assert '<form class="query-form" id="query-form" method="get" action="/sparql"' in html and "<textarea" in html
