"""Search: folding of case and diacritics, ranking, highlighting, JSON, escaping."""
from __future__ import annotations

import pytest

from partnergraph.names.search import SearchIndex, fold, snippet

HTML = {"Accept": "text/html"}
BASE = "https://w3id.org/partnergraph/id/"


@pytest.mark.parametrize("text, folded", [("Växjö", "vaxjo"), ("UKMERGĖ", "ukmerge"), ("Straße", "strasse"),
                                          ("Kamianets-Podilskyi", "kamianets-podilskyi")])
def test_fold(text, folded):
    assert fold(text) == folded


def test_snippet_marks_the_original_text():
    assert snippet("Partner of Växjö kommun", ["vaxjo"]) == [("Partner of ", False), ("Växjö", True), (" kommun", False)]


@pytest.fixture(scope="module")
def index(graph):
    return SearchIndex.build(graph)


@pytest.mark.parametrize("query, iri", [("vaxjo", BASE + "municipality/vaxjo"), ("UKMERGE", BASE + "municipality/ukmerge"),
                                        ("Växjö", BASE + "municipality/vaxjo"), ("sekos", BASE + "project/sekos-2")])
def test_exact_label_ranks_first(index, query, iri):
    hits = index.search(query)
    assert hits and hits[0].iri == iri


def test_ranking_ladder(index):
    hits = index.search("vaxjo")
    scores = [h.score for h in hits]
    assert scores == sorted(scores, reverse=True)
    assert len(hits) > 3


def test_search_page_marks_matches(client):
    html = client.get("/search?q=vaxjo", headers=HTML).get_data(as_text=True)
    assert "<mark>Växjö</mark>" in html and "/page/municipality/vaxjo" in html
    html = client.get("/search?q=UKMERGE&lang=sv", headers=HTML).get_data(as_text=True)
    assert "<mark>Ukmergė</mark>" in html


def test_search_json(client):
    data = client.get("/search?q=vaxjo", headers={"Accept": "application/json"}).get_json()
    assert data["results"][0]["iri"] == BASE + "municipality/vaxjo"
    assert client.get("/search?q=vaxjo&format=json").get_json()["results"][0]["url"] == "/page/municipality/vaxjo"


def test_search_escapes(client):
    html = client.get("/search?q=%3Cscript%3Ealert(1)%3C/script%3E%20vaxjo", headers=HTML).get_data(as_text=True)
    assert "<script>alert" not in html and "&lt;script&gt;" in html
    assert client.get("/search", headers=HTML).status_code == 200
