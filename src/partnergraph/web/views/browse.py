"""Faceted browsing (/browse/{kind}[.json|.csv]) and the class pages (/class/NAME[.json|.csv]),
which are the same tables. Thin views over browse.py."""
from __future__ import annotations

import csv
import io

from flask import Blueprint, Response, render_template, request

from ...browse import facets
from ...rdf import iris
from ...rdf.namespaces import PG
from ...resources.data import exists
from ...resources.sdg import sdg_goals
from ...sparql import formats
from ..context import app_cache, graph_of
from ..errors import PartnergraphError
from ..helpers import current_lang, href, translate
from ..responses import safe_json

bp = Blueprint("browse", __name__)
SUFFIXES = ("json", "csv")


def browser() -> facets.Browser:
    graph = graph_of()
    return app_cache("browser", lambda: facets.Browser(graph))


def _split(name: str) -> tuple[str, str | None]:
    stem, dot, ext = name.rpartition(".")
    return (stem, ext) if dot and ext in SUFFIXES else (name, None)


def _label_of(lang):
    """SDG goals by number and title; other values take their label from the graph (None)."""
    goals = app_cache("sdg-goals-browse", lambda: sdg_goals(graph_of()))

    def label(facet: facets.FacetDef, value) -> str | None:
        if facet.value == "sdg":
            code = iris.sdg_code(str(value)) or str(value)
            goal = goals.get(code) or {}
            name = (goal.get("labels") or {}).get(lang) or (goal.get("labels") or {}).get("en")
            return f"{code}. {name}" if name else f"SDG {code}"
        return str(value) if facet.value == "period" else None
    return label


def _respond(kind: facets.Kind, path: str, ext: str | None, title: str, extra: dict | None = None):
    lang = current_lang()
    try:
        result = browser().browse(kind, list(request.args.items(multi=True)), lang=lang, path=path,
                                  label_of=_label_of(lang), all_items=ext is not None)
    except facets.BrowseError as err:
        raise PartnergraphError(err.status, err.message, headers=err.headers) from None
    if ext == "json":
        return safe_json(dict(result.to_json(), items=[dict(i, url=href(i["iri"])) for i in result.to_json()["items"]]))
    if ext == "csv":
        out = io.StringIO()
        csv.writer(out, lineterminator="\r\n").writerows(result.csv_rows())
        response = Response(out.getvalue(), content_type=formats.BY_NAME["csv"].media_type + "; charset=utf-8")
        response.headers["Content-Disposition"] = f'inline; filename="{kind.name}.csv"'
        return response
    sparql_link = "/sparql?" + facets.url("", {}, {"query": result.sparql}).lstrip("?")
    return render_template("browse.html", b=result, title=title, kinds=browser().defs.kinds,
                           sparql_link=sparql_link, href=href, **(extra or {}))


@bp.route("/browse")
@bp.route("/browse/")
def browse_index():
    lang = current_lang()
    kinds = browser().defs.kinds
    return render_template("browse_index.html", kinds=kinds, title=translate("browse_title", lang))


@bp.route("/browse/<name>")
def browse_kind(name: str):
    stem, ext = _split(name)
    try:
        kind = browser().defs.kind(stem)
    except facets.BrowseError as err:
        raise PartnergraphError(err.status, err.message) from None
    return _respond(kind, f"/browse/{stem}", ext, kind.label(current_lang()), {"browse_kind": stem})


@bp.route("/class/<name>")
def class_listing(name: str):
    """A class's members as a browse table: the facets of the kind the class belongs to, if any."""
    stem, ext = _split(name)
    graph = graph_of()
    lang = current_lang()
    class_iri = PG + stem
    if not stem.replace("_", "").isalnum() or not exists(graph, class_iri):
        raise PartnergraphError(404, f"There is no class pg:{stem} in the ontology.")
    title = translate("class_" + stem, lang)
    if title == "class_" + stem:
        title = browser().label(class_iri, lang)
    kind = browser().defs.for_class(class_iri, browser().superclasses(class_iri), {lang: title})
    return _respond(kind, f"/class/{stem}", ext, title, {"class_iri": class_iri, "class_name": stem})



