"""Parameters written into the query text for an external store (sparql/remote.substitute) mean
what pyoxigraph's substitutions mean: both are evaluated on the same embedded store and must give
the same rows, subqueries included."""
from __future__ import annotations

import pyoxigraph
import pytest

from partnergraph import rq
from partnergraph.sparql.remote import substitute

VAXJO = "https://w3id.org/partnergraph/id/municipality/vaxjo"
PG = "PREFIX pg: <https://w3id.org/partnergraph/ontology#>\n"

QUERIES = {
    "describe-labels": rq.load("describe-labels"),
    "subquery projects the parameter and more": PG + """
        SELECT ?s ?ps ?n WHERE {
          { SELECT DISTINCT ?s ?ps WHERE { ?ps pg:partner ?s } }
          OPTIONAL { ?ps pg:hasProject ?project }
          BIND (1 AS ?n)
        }""",
    "subquery projects only the parameter": PG + """
        SELECT ?s ?ps WHERE {
          ?ps pg:partner ?s .
          { SELECT ?s WHERE { ?s a pg:Municipality } LIMIT 1 }
        }""",
    "parameter in a subquery's aggregate": PG + """
        SELECT ?s ?n WHERE {
          { SELECT ?s (COUNT(?ps) AS ?n) WHERE { ?ps pg:partner ?s } GROUP BY ?s }
        }""",
}


def rows(results) -> set[tuple]:
    return {tuple(str(row[v]) if row[v] is not None else None for v in results.variables) for row in results}


@pytest.mark.parametrize("name", sorted(QUERIES))
def test_text_substitution_gives_the_rows_pyoxigraph_gives(graph, name):
    store = getattr(graph.store, "store", None)
    if not isinstance(store, pyoxigraph.Store):
        pytest.skip("compares with the embedded store's substitutions")
    text = QUERIES[name]
    bound = store.query(text, substitutions={pyoxigraph.Variable("s"): pyoxigraph.NamedNode(VAXJO)},
                        use_default_graph_as_union=True)
    written = store.query(substitute(text, {"s": ("iri", VAXJO)}), use_default_graph_as_union=True)
    expected = rows(bound)
    assert expected, "the query should find something about Växjö"
    assert rows(written) == expected


def test_a_subquery_projection_loses_the_parameter_but_keeps_a_column():
    text = "SELECT ?s ?x WHERE { { SELECT ?s ?x WHERE { ?s ?p ?x } } { SELECT ?s WHERE { ?s ?q ?y } } }"
    written = substitute(text, {"s": ("iri", VAXJO)})
    assert written.count(f"(<{VAXJO}> AS ?s)") == 1                 # the outer column
    assert written.count(f"(<{VAXJO}> AS ?s_param)") == 1           # the second subquery's only column
    assert "?s " not in written and "?s}" not in written
