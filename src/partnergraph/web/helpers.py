"""Per-request helpers for the templates and views: the reader's language, UI strings (i18n.json),
site links for IRIs, and per-app caches."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlencode

from flask import Flask, current_app, g, request

from ..rdf import iris
from ..resources.labels import LANGS
from ..resources.literals import format_literal, format_number

LINKABLE_SCHEMES = ("http://", "https://", "mailto:", "ftp://")


@lru_cache(maxsize=1)
def ui_strings() -> dict[str, dict[str, str]]:
    """i18n.json, then each feature's own web/i18n/*.json (a key defined twice is an error)."""
    here = Path(__file__).parent
    strings = json.loads((here / "i18n.json").read_text(encoding="utf-8"))
    for extra in sorted((here / "i18n").glob("*.json")):
        more = json.loads(extra.read_text(encoding="utf-8"))
        clash = sorted(set(more) & set(strings))
        if clash:
            raise ValueError(f"{extra.name} redefines UI strings: {', '.join(clash)}")
        strings.update(more)
    return strings


def current_lang() -> str:
    """?lang=, then the lang cookie, then Accept-Language, then DEFAULT_LANG. Reading it marks the
    answer as one in the reader's language: it then varies by Accept-Language and Cookie."""
    g.vary_language = True
    return reader_lang()


def reader_lang() -> str:
    """current_lang() without marking the answer (web/caching.py reads it for every request)."""
    chosen = request.args.get("lang", "")
    if chosen in LANGS:
        return chosen
    cookie = request.cookies.get("lang", "")
    if cookie in LANGS:
        return cookie
    best = request.accept_languages.best_match(LANGS)
    if best:
        return best
    default = current_app.config.get("DEFAULT_LANG", "en")
    return default if default in LANGS else "en"


def translate(key: str, lang: str | None = None) -> str:
    entry = ui_strings().get(key)
    if entry is None:
        return key
    lang = lang or current_lang()
    return entry.get(lang) or entry.get("en") or key


def href(iri: str) -> str:
    """Where a link to iri goes on this site: resources under the base to their pages, the ontology
    and shapes to their documentation, SDGs to /sdg/N; anything else to the IRI itself."""
    local = iris.local_url(iri, current_app.config["BASE_IRI"])
    if local is not None:
        return local
    if not iri.lower().startswith(LINKABLE_SCHEMES):
        return "#"  # javascript:, data:, vbscript: ... from a query result are shown, never followed
    return iri


def is_local(iri: str) -> bool:
    return href(iri).startswith("/")


def lang_switch_url(lang: str) -> str:
    args = {k: v for k, v in request.args.items(multi=False) if k != "lang"}
    args["lang"] = lang
    return request.path + "?" + urlencode(args)


def register(app: Flask) -> None:
    app.jinja_env.globals.update(local_url=href, href=href, is_local=is_local, t=translate,
                                 lang_switch_url=lang_switch_url, format_number=format_number,
                                 format_literal=format_literal)

    @app.context_processor
    def _language():
        return {"lang": current_lang()}

    @app.after_request
    def _remember_language(response):
        chosen = request.args.get("lang", "")
        if chosen in LANGS and request.cookies.get("lang") != chosen:
            response.set_cookie("lang", chosen, max_age=365 * 24 * 3600, samesite="Lax")
        if response.mimetype == "text/html" or g.get("vary_language"):
            response.vary.add("Accept-Language")
            response.vary.add("Cookie")
        return response
