"""/alignment/FILE: the alignment exports of alignment.py."""
from __future__ import annotations

from flask import Blueprint, Response

from ...named_queries import UnknownQuery
from ...publishing.alignment import EXPORTS, export_bytes
from ..context import graph_of
from ..errors import PartnergraphError

bp = Blueprint("alignment", __name__)


@bp.route("/alignment/<filename>")
def alignment(filename: str):
    if filename not in EXPORTS:
        raise PartnergraphError(404, f"No alignment export {filename!r}; known: {', '.join(EXPORTS)}")
    try:
        body, content_type = export_bytes(graph_of(), filename)
    except UnknownQuery as err:
        raise PartnergraphError(404, str(err)) from None
    response = Response(body, content_type=content_type)
    response.headers["Content-Disposition"] = f'attachment; filename="partnergraph-{filename}"'
    return response
