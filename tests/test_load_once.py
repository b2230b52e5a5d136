"""A validated build parses each file once (into the store being built, validated there): the
same store and the same refusals as validating first and loading afterwards."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from partnergraph import graph
from partnergraph.graph import DataRejected, validate_and_build

ROOT = Path(__file__).resolve().parent.parent


def build(paths, once: bool, monkeypatch, target=None):
    with monkeypatch.context() as patch:
        if not once:
            patch.setattr(graph, "_validates_in_store", lambda plan: False)
        store, summary = validate_and_build([str(p) for p in paths], target=target, ontology_dir=ROOT / "ontology")
    quads = [str(q) for q in store.store]
    # blank nodes get new labels on every parse: compared by count, the rest quad by quad
    return len(quads), {q for q in quads if "_:" not in q}, summary


def refusal(paths, once: bool, monkeypatch) -> dict:
    with monkeypatch.context() as patch:
        if not once:
            patch.setattr(graph, "_validates_in_store", lambda plan: False)
        with pytest.raises(DataRejected) as caught:
            validate_and_build([str(p) for p in paths], target=None, ontology_dir=ROOT / "ontology")
    report = json.loads(caught.value.report.to_json())
    for violation in report["violations"]:
        violation.pop("shape")   # a blank node of the shapes file: a new label on every parse
    return report


def test_shipped_data_same_store_and_a_refusal_keeps_it(monkeypatch, tmp_path):
    target = tmp_path / "store"
    once = build([ROOT / "data"], True, monkeypatch, target=target)
    twice = build([ROOT / "data"], False, monkeypatch)
    assert once[:2] == twice[:2] and once[0] > 5000
    assert "files_and_validation" in once[2]["stages"]
    before = {p.name: p.stat().st_size for p in target.iterdir()}
    with pytest.raises(DataRejected):
        validate_and_build([str(ROOT / "data"), str(ROOT / "tests" / "fixtures" / "broken" / "syntax-error.ttl")],
                           target=target, ontology_dir=ROOT / "ontology")
    assert {p.name: p.stat().st_size for p in target.iterdir()} == before
    assert not [p for p in tmp_path.iterdir() if ".building-" in p.name]


@pytest.mark.parametrize("bad", ["broken/syntax-error.ttl", "invalid/administered-by-not-organisation.ttl"])
def test_same_refusal(monkeypatch, bad):
    paths = [ROOT / "data", ROOT / "tests" / "fixtures" / bad]
    assert refusal(paths, True, monkeypatch) == refusal(paths, False, monkeypatch)
