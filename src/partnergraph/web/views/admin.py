"""Operator commands over HTTP, for this machine only: POST /admin/reload rebuilds the graph from
its sources and swaps it in; refused data leaves the serving graph as it was."""
from __future__ import annotations

import ipaddress
import sys

from flask import Blueprint, Flask, current_app, jsonify, request

from ...graph import DataRejected, ReloadBusy, ReloadRefused
from ..errors import PartnergraphError

bp = Blueprint("admin", __name__)

# A reverse proxy on this machine forwards remote clients from a loopback address; these headers
# say so, and such a request is not the operator's.
_PROXY_HEADERS = ("Forwarded", "X-Forwarded-For", "X-Real-IP", "X-Forwarded-Host")


def _from_loopback() -> bool:
    try:
        local = ipaddress.ip_address((request.remote_addr or "").split("%")[0]).is_loopback
    except ValueError:
        return False
    # A browser sends Origin on a cross-site POST: a page cannot make a local browser reload.
    return local and not any(h in request.headers for h in _PROXY_HEADERS) and "Origin" not in request.headers


@bp.route("/admin/reload", methods=["POST"])
def reload_view():
    if not _from_loopback():
        raise PartnergraphError(403, "Admin commands are accepted only from this machine (loopback), "
                                     "not through a proxy or from a web page.")
    outcome = reload_data(current_app)
    status = outcome.pop("_status")
    return jsonify(outcome), status


def reload_data(app: Flask) -> dict:
    """Reload the app's graph; the pure core of the admin route and of SIGHUP. Returns a JSON-able
    outcome with "_status": 200 swapped, 409 busy, 422 data refused, 400 nothing to reload."""
    graph = app.extensions["partnergraph"]
    try:
        summary = graph.reload()
    except DataRejected as rejected:
        _log("reload refused: the data does not validate; still serving the previous data\n"
             + rejected.report.to_text())
        return {"_status": 422, "status": "refused", "reason": "the data does not validate",
                "generation": graph.generation, "report": _report(rejected.report)}
    except ReloadBusy as busy:
        _log(f"reload not started: {busy}")
        return {"_status": 409, "status": "busy", "reason": str(busy), "generation": graph.generation}
    except ReloadRefused as refused:
        return {"_status": 400, "status": "refused", "reason": str(refused), "generation": graph.generation}
    except (OSError, SyntaxError, ValueError, RuntimeError) as err:
        _log(f"reload refused: {err}; still serving the previous data")
        return {"_status": 422, "status": "refused", "reason": _first_line(err), "generation": graph.generation}
    _log(f"reloaded: generation {summary['generation']}, {summary.get('triples', 0):,} triples "
         f"in {summary['seconds']:.2f} s")
    return {"_status": 200, "status": "reloaded", **summary}


def _report(report) -> dict:
    """The validation report for the operator (this route answers loopback only, so file names
    are the operator's own)."""
    import json
    return json.loads(report.to_json())


def _first_line(err: BaseException) -> str:
    return str(err).strip().splitlines()[0] if str(err).strip() else type(err).__name__


def _log(message: str) -> None:
    print(f"partnergraph: {message}", file=sys.stderr, flush=True)


def register(app: Flask) -> None:
    app.register_blueprint(bp)
