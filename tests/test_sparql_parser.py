"""Threads that parse their first SPARQL queries at the same moment (a server with an external
store checks each query with rdflib's parser in its request threads): every one parses. Without
the lock in rdf/sparql_parser.py, pyparsing's first calls of a parse action race and all of them fail."""
from __future__ import annotations

import subprocess
import sys

from tests.conftest import ROOT

RACE = r'''
import threading
from partnergraph.rdf import sparql_parser
from partnergraph.sparql import guard
QUERY = ('PREFIX pg: <https://w3id.org/partnergraph/ontology#> SELECT ?v (COUNT(DISTINCT ?i) AS ?n) WHERE { '
         'VALUES ?t { pg:X } ?i a ?t . { ?i pg:a|pg:b ?p . ?p pg:c ?v } UNION { ?i pg:d ?v } FILTER(isIRI(?v)) } '
         'GROUP BY ?v ORDER BY DESC(?n) LIMIT 31')
barrier, errors = threading.Barrier(8), []

def check(n):
    barrier.wait()
    try:
        if n % 2:
            sparql_parser.parse_query(QUERY)
        else:
            guard.require_query(QUERY + " " * n)   # the guard's own path, not served from its memory
    except Exception as err:
        errors.append(repr(err))

threads = [threading.Thread(target=check, args=(n,)) for n in range(8)]
for t in threads:
    t.start()
for t in threads:
    t.join()
print(len(errors), errors[:1])
'''


def test_first_queries_parsed_at_once_all_parse():
    # a fresh interpreter: the race is in the parser's first calls only
    done = subprocess.run([sys.executable, "-c", RACE], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "0 []", done.stdout
