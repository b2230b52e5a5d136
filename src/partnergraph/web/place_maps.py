"""The maps of the dashboard and the resource pages, for the templates: placemap.py's data drawn by
maps.py with the reader's words. A helper of the views, like responses.py; not a view itself."""
from __future__ import annotations

from ..drawing import place_maps
from ..resources.labels import all_labels
from .context import app_cache, base_iri, graph_of
from .helpers import href, translate


def _labels(lang: str) -> dict[str, str]:
    graph = graph_of()
    return app_cache(f"labels-{lang}", lambda: all_labels(graph, lang))


def _points() -> dict:
    graph = graph_of()
    return app_cache("place-points", lambda: place_maps.points(graph))


def _template_values(data: place_maps.MapData, title: str, description: str, element_id: str, lang: str) -> dict:
    kinds = {place_maps.HOME: translate("in_sweden", lang), place_maps.ABROAD: translate("abroad", lang)}
    svg = place_maps.render(data, title=title, description=description, element_id=element_id, lang=lang,
                            kind_labels=kinds, inset_title=translate("map_inset_title", lang),
                            area_label=translate("map_area_legend", lang)) if data.places else None
    return {"svg": svg, "title": title, "places": data.places, "missing": data.missing, "id": element_id,
            "areas": any(p.area for p in data.places)}


def dashboard_map(lang: str) -> dict:
    """All partnerships: the value the dashboard's map card renders."""
    labels, points = _labels(lang), _points()     # app_cache's lock is not re-entrant: fetch these first

    def build():
        data = place_maps.partnerships_map(graph_of(), labels, href, base_iri(), points)
        description = translate("map_partnerships_desc", lang).format(places=len(data.places), links=len(data.links))
        return _template_values(data, translate("map_partnerships_title", lang), description, "map-partnerships", lang)
    return app_cache(f"dashboard-map-{lang}", build)


def resource_map(iri: str, lang: str) -> dict | None:
    """The places of one resource, or None when it has none."""
    labels = _labels(lang)
    data = place_maps.resource_map(graph_of(), iri, labels, href, base_iri(), _points())
    if not data:
        return None
    title = translate("map_resource_title", lang).format(label=labels.get(iri, iri))
    description = translate("map_resource_desc", lang).format(places=len(data.places), links=len(data.links))
    return _template_values(data, title, description, "map-resource", lang)
