"""Validate with one SHACL engine on an rdflib graph the way `partnergraph validate --engine pyshacl`
does (the ontology plus the data files in one data graph, inference none, advanced features on) and
write the violations in the same normalised form as `partnergraph validate --format json`. (The
command's own turbo engine, pyshacl-turbo over a pyoxigraph store, is `--engine turbo`.)

    python bench/shacl_engine.py pyshacl|turbo OUT.json FILE [FILE ...]
    python bench/shacl_engine.py --w3c pyshacl|turbo OUT.json TEST.ttl [...]   # data = shapes = the test file
"""
from __future__ import annotations

import json
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def normalise(violations) -> list[list]:
    """Blank nodes get no stable names across engines: they are compared as '_:b' (a report prints
    an IRI focus bare and other terms in N-Triples form, so a blank node is the text that is neither
    a literal nor an IRI in <> and has no scheme's colon)."""
    def term(text):
        if text is None:
            return None
        if text.endswith('"^^<http://www.w3.org/2001/XMLSchema#string>'):  # RDF 1.1: the same literal as "..."
            text = text[: -len("^^<http://www.w3.org/2001/XMLSchema#string>")]
        return "_:b" if text.startswith("_:") or not (text.startswith(('"', "<", "^")) or ":" in text) else text
    return sorted(([term(v["focus"]), term(v["path"]), term(v["value"]), v["component"], v["severity"], v["message"]]
                   for v in violations), key=lambda row: [str(x) for x in row])


def engine(name: str):
    if name == "turbo":
        import pyshacl_turbo
        return pyshacl_turbo.validate
    import pyshacl
    return pyshacl.validate


def project(data_files: list[str], which: str) -> dict:
    from partnergraph.store.validation import parse_graph, rdf_files, violations_from
    started = time.perf_counter()
    combined = parse_graph(ROOT / "ontology/partnergraph.ttl")
    subject_files: dict = {}
    for f in rdf_files(data_files):
        combined += parse_graph(f)
    shapes = parse_graph(ROOT / "ontology/shapes.ttl")
    parsed = time.perf_counter()
    conforms, results, _ = engine(which)(data_graph=combined, shacl_graph=shapes, inference="none", advanced=True,
                                         allow_warnings=True, abort_on_first=False)
    validated = time.perf_counter()
    found = [v.__dict__ for v in violations_from(results, subject_files)]
    return {"engine": which, "conforms": bool(conforms), "parse_seconds": parsed - started,
            "validate_seconds": validated - parsed, "violations": normalise(found), "triples": len(combined)}


def w3c(test_files: list[str], which: str) -> dict:
    import rdflib
    from rdflib.namespace import SH
    validate = engine(which)
    out = {}
    for f in test_files:
        g = rdflib.Graph().parse(f, format="turtle")
        try:
            conforms, results, _ = validate(data_graph=g, shacl_graph=g, inference="none", advanced=True,
                                            allow_warnings=True, abort_on_first=False)
            found = []
            for r in results.subjects(rdflib.RDF.type, SH.ValidationResult):
                def s(p, results=results, r=r):
                    v = results.value(r, p)
                    return None if v is None else ("_:b" if isinstance(v, rdflib.BNode) else v.n3())
                found.append([s(SH.focusNode), s(SH.resultPath), s(SH.value), s(SH.sourceConstraintComponent),
                              s(SH.resultSeverity), s(SH.sourceShape)])
            out[f] = {"conforms": bool(conforms), "results": sorted(found, key=lambda x: [str(i) for i in x])}
        except Exception as err:  # an engine's failure on a test is a result
            out[f] = {"error": f"{type(err).__name__}: {str(err)[:200]}"}
    return out


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[0] == "--w3c":
        result = w3c(args[3:], args[1])
        Path(args[2]).write_text(json.dumps(result, indent=1))
    else:
        result = project(args[2:], args[0])
        Path(args[1]).write_text(json.dumps(result, indent=1))
