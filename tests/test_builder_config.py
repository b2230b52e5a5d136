"""The query builder's configuration (/builder/config.ttl), derived from ontology/shapes.ttl: every
class a person asks about, with its properties in both directions, named in English and Swedish,
each leading to another class of the builder or to a value with a widget; the results fragment."""
from __future__ import annotations

import rdflib
from rdflib.namespace import RDF, RDFS, SH

from partnergraph.workbench import builder, short_links

DASH = rdflib.Namespace("http://datashapes.org/dash#")
PG = rdflib.Namespace("https://w3id.org/partnergraph/ontology#")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
B = builder.BUILDER
CLASSES = ("Municipality", "Region", "Country", "Partnership", "Project", "Goal", "Target", "Network", "Membership",
           "Event", "Organisation", "Person", "Source")


def config(client) -> rdflib.Graph:
    response = client.get("/builder/config.ttl")
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    return rdflib.Graph().parse(data=response.data, format="turtle")


def langs(g, node, prop) -> set[str]:
    return {o.language for o in g.objects(node, prop)}


def test_every_class_with_names_in_both_languages(client):
    g = config(client)
    shapes = set(g.subjects(RDF.type, SH.NodeShape))
    assert shapes == {B[c] for c in CLASSES}
    assert not list(g.triples((None, SH.deactivated, None)))       # active for the builder, unlike in the shapes file
    for shape in shapes:
        assert langs(g, shape, RDFS.label) == {"en", "sv"}, shape
        assert g.value(shape, SH.targetClass) is not None or g.value(shape, SH.target) is not None, shape
        for prop in g.objects(shape, SH.property):
            assert langs(g, prop, SH.name) == {"en", "sv"}, (shape, g.value(prop, SH.path))
            assert g.value(prop, SH.order) is not None and g.value(prop, DASH.searchWidget) is not None
            target = g.value(prop, SH.node)
            assert target is None or target in shapes, (shape, target)
        # a label to show instead of a bare IRI
        assert any(g.value(p, DASH.propertyRole) == DASH.LabelRole for p in g.objects(shape, SH.property)), shape


def test_links_in_both_directions(client):
    g = config(client)

    def paths(shape):
        out = set()
        for prop in g.objects(B[shape], SH.property):
            path = g.value(prop, SH.path)
            inverse = g.value(path, SH.inversePath)
            out.add(("^", inverse, g.value(prop, SH.node)) if inverse is not None else (path, g.value(prop, SH.node)))
        return out
    for forward_shape, prop, back_shape in (("Partnership", PG.partner, "Municipality"), ("Project", PG.sdg, "Goal"),
                                            ("Project", PG.partnership, "Partnership"),
                                            ("Membership", ORG.organization, "Network"),
                                            ("Event", PG.participant, "Person"), ("Partnership", PROV.wasDerivedFrom, "Source")):
        assert (prop, B[back_shape]) in paths(forward_shape), (forward_shape, prop)
        assert ("^", prop, B[forward_shape]) in paths(back_shape), (back_shape, prop)


def test_widgets(client):
    g = config(client)
    core = rdflib.Namespace("http://data.sparna.fr/ontologies/sparnatural-config-core#")
    widget = {(g.value(p, SH.path), s, g.value(p, SH.node)): g.value(p, DASH.searchWidget)
              for s in g.subjects(RDF.type, SH.NodeShape) for p in g.objects(s, SH.property)}
    assert widget[(PG.sdg, B.Project, B.Goal)] == core.ListProperty            # the 17 goals as a list
    assert widget[(PG.startYear, B.Project, None)] == core["TimeProperty-Year"]
    assert widget[(rdflib.URIRef("http://purl.org/dc/terms/title"), B.Project, None)] == core.SearchProperty
    assert widget[(PG.partner, B.Partnership, B.Municipality)] == core.AutocompleteProperty


def test_results_fragment(client):
    # data/projects.ttl: three projects address goal 4 (../shared/seeds: SEKOS 2, sustainability education, skill gaps)
    query = ("SELECT ?project WHERE { ?project <https://w3id.org/partnergraph/ontology#sdg> "
             "<http://metadata.un.org/sdg/4> }")
    html = client.post("/builder/results", data={"query": query}).get_data(as_text=True)
    assert 'data-rows="3"' in html and 'data-view="Map"' in html
    bad = client.post("/builder/results", data={"query": "SELECT nothing"})
    assert bad.status_code == 400 and 'role="alert"' in bad.get_data(as_text=True)
    assert client.post("/builder/results", data={}).status_code == 400


def test_short_link_made_in_the_builder_reopens_there(client):
    state = '{"branches": []}'
    made = client.post("/q", data={"query": short_links.MARK + state + "\nSELECT * WHERE { ?s ?p ?o } LIMIT 1"},
                       headers={"Accept": "application/json"}).get_json()
    opened = client.get(made["url"])
    assert opened.status_code == 303 and opened.headers["Location"].startswith("/builder?state=")
    assert client.get(made["url"] + "?to=sparql").headers["Location"].startswith("/sparql?")
    plain = client.post("/q", data={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 2"}, headers={"Accept": "application/json"})
    assert client.get(plain.get_json()["url"]).headers["Location"].startswith("/sparql?")


def test_builder_page_without_the_bundle_points_to_the_facets(client):
    html = client.get("/builder", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert 'href="/browse"' in html and "<noscript>" in html


def test_a_built_question_with_points_draws_the_map(client):
    """What the builder writes when "lies at" is asked for (a sequence path to the WKT), as a map."""
    g = config(client)
    lies_at = next(p for p in g.objects(B.Municipality, SH.property) if str(g.value(p, SH.datatype)).endswith("wktLiteral"))
    assert rdflib.Literal("lies at", lang="en") in set(g.objects(lies_at, SH.name))
    query = ("SELECT ?Partnership_1 ?Municipality_2 ?lies_at WHERE { ?Partnership_1 "
             "<https://w3id.org/partnergraph/ontology#partner> ?Municipality_2 . ?Municipality_2 "
             "<http://www.opengis.net/ont/geosparql#hasGeometry>/<http://www.opengis.net/ont/geosparql#asWKT> ?lies_at . "
             "FILTER(?Partnership_1 = <https://w3id.org/partnergraph/id/partnership/vaxjo-kalush>) }")
    html = client.post("/builder/results", data={"query": query, "view": "Map"}).get_data(as_text=True)
    assert 'class="result-view" data-view="Map"' in html and "<svg" in html and "Kalush" in html


def test_a_static_copy_explains_that_the_builder_needs_a_server():
    from partnergraph.static_site import export
    assert export.target_for("/builder", "sv").note == "builder"
    assert export.target_for("/builder?lang=en", "sv", live_url="https://pg.example.org").startswith("https://pg.example.org/builder")


def test_the_shapes_page_lists_what_checks_and_points_to_the_builder(client):
    html = client.get("/shapes", headers={"Accept": "text/html"}).get_data(as_text=True)
    assert str(B) not in html and 'href="/builder/config.ttl"' in html
    assert "LocalGovernmentShape" in html


def test_columns_are_titled_by_their_class(client):
    g = config(client)
    names = ["Partnership_1", "Partnership_1_label", "Municipality_2", "Municipality_4", "lies_at", "count"]
    assert builder.column_titles(g, names, "sv", "namn") == {
        "Partnership_1": "Partnerskap", "Partnership_1_label": "Partnerskap (namn)", "Municipality_2": "Kommun",
        "Municipality_4": "Kommun 2"}
    query = "SELECT ?Project_1 WHERE { ?Project_1 a <https://w3id.org/partnergraph/ontology#Project> } LIMIT 1"
    html = client.post("/builder/results?lang=en", data={"query": query}).get_data(as_text=True)
    assert '<th scope="col" data-var="Project_1">Project</th>' in html
