"""/builder: the visual query builder (Sparnatural) configured from the SHACL shapes, its
configuration (/builder/config.ttl) and its results as the workbench's result views
(/builder/results, a fragment the page places under the builder). Thin views over
workbench/builder.py and drawing/result_views.py."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, render_template, request

from ...drawing import result_views
from ...publishing import ontology_docs
from ...resources.labels import all_labels
from ...resources.sdg import sdg_goals
from ...sparql.results import result_table
from ..context import app_cache, base_iri, graph_of
from ..errors import PartnergraphError
from ..helpers import current_lang, href, translate

bp = Blueprint("builder", __name__)
BUNDLE = ("dist", "builder.js")


@bp.route("/builder")
def page():
    bundle = Path(current_app.static_folder, *BUNDLE).is_file()
    response = Response(render_template("builder.html", bundle=bundle), content_type="text/html; charset=utf-8")
    # Sparnatural and the libraries it carries add <style> elements and style attributes as they draw;
    # styles only: scripts stay limited to this origin's files
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
    return response


def _config_turtle() -> bytes:
    from ...workbench import builder  # start-up: rdflib only when the builder's configuration is asked for
    graph = graph_of()
    return app_cache("builder-config", lambda: builder.config_turtle(
        ontology_docs.named_graph(graph, f"{base_iri()}graph/shapes", "ntriples")))


@bp.route("/builder/config.ttl")
def config():
    return Response(_config_turtle(), content_type="text/turtle; charset=utf-8")  # ETag and 304: web/caching.py


@bp.route("/builder/results", methods=["GET", "POST"])
def results():
    """The built query's answer as the workbench shows it: a table, or the chosen chart or map."""
    text = request.values.get("query", "")
    if not text.strip():
        raise PartnergraphError(400, "Give the built query as query=.")
    graph, lang = graph_of(), current_lang()
    outcome = graph.run(text, results_format="json", graph_format="ntriples")
    if outcome.status != 200:
        return render_template("_builder_results.html", error=outcome.error, result=None), outcome.status
    result = result_table(outcome, current_app.config["MAX_RESULT_ROWS"])
    labels = app_cache(f"labels-{lang}", lambda: all_labels(graph, lang))
    chosen = result_views.view_name(request.values.get("view")) or "Table"
    chart, view_error = None, None
    if chosen != "Table" and result["kind"] == "results":
        goals = app_cache("sdg-goals", lambda: sdg_goals(graph))
        colours = {g["iri"]: g["colour"] for g in goals.values() if g.get("colour")}
        try:
            drawn = result_views.build(chosen, result["vars"], result["rows"], labels=labels, href=href,
                                       colours=colours, lang=lang)
            chart = result_views.render(drawn, "builder-view", lang=lang)
        except result_views.ViewError as err:
            view_error = str(err)
        except ImportError:
            view_error = "The map view is not available on this server."
    turtle = _config_turtle()      # first: app_cache's lock is not re-entrant, so no cached value builds another
    from ...workbench import builder  # start-up: as above
    shapes = app_cache("builder-config-graph", lambda: builder.parse_config(turtle))
    headers = builder.column_titles(shapes, result.get("vars", []), lang, translate("builder_name_column", lang))
    return render_template("_builder_results.html", result=result, labels=labels, views=result_views.VIEWS,
                           view=chosen, chart=chart, view_error=view_error, error=None, seconds=outcome.seconds,
                           headers=headers)
