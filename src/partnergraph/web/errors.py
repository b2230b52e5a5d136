"""One exception type that carries an HTTP status, one handler, one JSON error shape:

    {"error": {"status": 400, "title": "Bad Request", "message": "...", "line": 1, "column": 8}}

Browsers get the same as a page."""
from __future__ import annotations

from flask import Flask, Response, g, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from ..sparql.executor import QueryError
from ..sparql.formats import wants_html


class PartnergraphError(Exception):
    def __init__(self, status: int, message: str, *, line: int | None = None, column: int | None = None,
                 headers: dict | None = None):
        super().__init__(message)
        self.status, self.message, self.line, self.column = status, message, line, column
        self.headers = headers or {}


def escape_json(text: str) -> str:
    """<, > and & as \\u escapes: reflected text never reads as markup, '</script>' cannot occur."""
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


TITLES = {400: "Bad Request", 403: "Forbidden", 404: "Not Found", 405: "Method Not Allowed",
          406: "Not Acceptable", 412: "Precondition Failed", 413: "Payload Too Large", 414: "URI Too Long",
          415: "Unsupported Media Type",
          500: "Internal Server Error", 502: "Bad Gateway", 503: "Service Unavailable", 507: "Insufficient Storage"}


def error_payload(status: int, message: str, line=None, column=None) -> dict:
    error = {"status": status, "title": TITLES.get(status, "Error"), "message": message}
    if line is not None:
        error["line"] = line
    if column is not None:
        error["column"] = column
    return {"error": error}


def error_response(status: int, message: str, line=None, column=None, headers=None) -> Response:
    # a message may quote the request; what cannot be encoded (lone surrogates) is replaced
    message = message.encode("utf-8", "replace").decode("utf-8")
    g.vary_accept = True  # an error is a page or JSON by the Accept header
    if wants_html(request.headers.get("Accept")):
        response = Response(render_template("error.html", status=status, title=TITLES.get(status, "Error"),
                                            message=message, line=line, column=column), status=status)
    else:
        response = jsonify(error_payload(status, message, line, column))
        response.status_code = status
        # a reflected path or parameter never appears as raw markup, even in JSON
        response.set_data(escape_json(response.get_data(as_text=True)))
    for key, value in (headers or {}).items():
        response.headers[key] = value
    return response


def register(app: Flask) -> None:
    @app.errorhandler(PartnergraphError)
    def handle_partnergraph_error(err: PartnergraphError):
        return error_response(err.status, err.message, err.line, err.column, err.headers)

    @app.errorhandler(QueryError)
    def handle_query_error(err: QueryError):
        outcome = err.outcome
        return error_response(outcome.status, outcome.error or "The query failed.", outcome.line, outcome.column,
                              {"Retry-After": "5"} if outcome.status == 503 else None)

    @app.errorhandler(HTTPException)
    def handle_http_error(err: HTTPException):
        message = err.description or TITLES.get(err.code or 500, "Error")
        if err.code == 413:
            message = f"The request is larger than the limit of {app.config['MAX_REQUEST_BYTES']:,} bytes."
        if err.code == 404:
            message = f"Nothing is published at {request.path}."
        headers = {"Allow": ", ".join(err.valid_methods)} if getattr(err, "valid_methods", None) else None
        return error_response(err.code or 500, message, headers=headers)
