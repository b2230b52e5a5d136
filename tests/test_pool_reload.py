"""A reload swaps in a whole worker pool, and a reload asked for during another says so."""
from __future__ import annotations

import pytest

from partnergraph.graph import PartnerGraph, validate_and_build


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory):
    target = tmp_path_factory.mktemp("pool-reload") / "store"
    store, _ = validate_and_build(["data"], target=target, ontology_dir="ontology", validate=False)
    del store
    return target


def test_reload_returns_with_every_worker_and_the_reserve_started(store_dir):
    graph = PartnerGraph.build(store=str(store_dir), queries_dir="queries", workers=3)
    try:
        first = graph.runner
        graph.reload()
        fresh = graph.runner
        assert fresh is not first
        # without waiting for the pool, only its first worker exists when the swap happens
        assert len(fresh.pids()) == 3 + fresh.spares
        assert fresh._idle.qsize() == 3 and fresh._reserve.qsize() == fresh.spares
        assert graph.ask("ASK { ?s ?p ?o }")
    finally:
        graph.close()


def test_a_reload_during_a_reload_is_logged_as_not_started(store_dir, capsys):
    from partnergraph.web.app import create_app
    from partnergraph.web.views.admin import reload_data
    app = create_app({"STORE": str(store_dir), "WORKERS": 1, "ACCESS_LOG": False})
    graph = app.extensions["partnergraph"]
    try:
        with graph._reload_lock:  # a reload under way
            outcome = reload_data(app)
        assert outcome["_status"] == 409 and outcome["status"] == "busy"
        assert "reload not started: a reload is already under way" in capsys.readouterr().err
    finally:
        graph.close()
