"""Running the app under waitress as a long-lived process: signals and a clean shutdown.

- SIGTERM (and Ctrl-C): stop accepting connections, let the requests in flight finish (up to the
  query time limit plus a margin), answer /healthz with 503 "draining" meanwhile, then exit 0.
- SIGHUP: reload the data (the same as POST /admin/reload); refused data changes nothing.
"""
from __future__ import annotations

import json
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable

from flask import Flask

from .web.views.admin import reload_data


class InFlight:
    """WSGI middleware that counts requests until their response body is closed, so a shutdown
    can wait for them. While draining it reports itself unhealthy, so a load balancer stops
    sending work here."""

    def __init__(self, app: Callable):
        self.app = app
        self.count = 0
        self.draining = False
        self._lock = threading.Lock()
        self._idle = threading.Condition(self._lock)

    def __call__(self, environ, start_response):
        if self.draining and environ.get("PATH_INFO") == "/healthz":
            body = json.dumps({"status": "draining"}).encode()
            start_response("503 Service Unavailable", [("Content-Type", "application/json"),
                                                       ("Content-Length", str(len(body)))])
            return [body]
        with self._lock:
            self.count += 1
            environ["partnergraph.in_flight"] = self.count   # /healthz reports it
        try:
            result = self.app(environ, start_response)
        except BaseException:
            self._done()
            raise
        return _Body(result, self._done)

    def _done(self) -> None:
        with self._idle:
            self.count -= 1
            if self.count == 0:
                self._idle.notify_all()

    def wait_idle(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._idle:
            while self.count > 0:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._idle.wait(left)
        return True


class _Body:
    """The response iterable, with a close() that also marks the request finished."""

    def __init__(self, inner: Iterable[bytes], done: Callable[[], None]):
        self.inner, self.done, self.closed = inner, done, False

    def __iter__(self):
        return iter(self.inner)

    def close(self) -> None:
        if self.closed:
            return
        self.closed = True
        try:
            if hasattr(self.inner, "close"):
                self.inner.close()
        finally:
            self.done()


def _dispatcher_idle(dispatcher) -> bool:
    """No waitress task thread is servicing a request and none is queued."""
    with dispatcher.lock:
        return dispatcher.active_count == 0 and not dispatcher.queue


def run(app: Flask, host: str, port: int, *, threads: int, log: Callable[[str], None] | None = None) -> int:
    """Serve until SIGTERM or SIGINT, then drain. Returns the exit status."""
    from waitress import wasyncore
    from waitress.server import create_server

    say = log or (lambda message: print(f"partnergraph: {message}", file=sys.stderr, flush=True))
    config = app.config
    inflight = InFlight(app.wsgi_app)
    app.wsgi_app = inflight
    server = create_server(app, host=host, port=port, threads=threads, ident="partnergraph",
                           max_request_body_size=config["MAX_REQUEST_BYTES"] + 1024,
                           channel_timeout=max(120, int(config["QUERY_TIMEOUT"]) + 30))
    grace = float(config["DRAIN_SECONDS"]) or float(config["QUERY_TIMEOUT"]) + 10
    state = {"stopping": False}

    def close_everything():  # runs in the server's loop thread (through its trigger)
        for channel in list(server._map.values()):
            channel.close()

    def drain(reason: str):
        say(f"{reason}: not accepting new connections; waiting for {inflight.count} request(s) in flight "
            f"(at most {grace:g} s)")
        started = time.monotonic()
        finished = inflight.wait_idle(grace)
        # A response counts as finished when its body is closed, but its task thread may still be
        # handing the last bytes to the loop (through the trigger, which closing would break): wait
        # until every task thread is idle and the loop has sent what they wrote.
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline and (not _dispatcher_idle(server.task_dispatcher) or any(
                getattr(ch, "total_outbufs_len", 0) for ch in list(server._map.values()))):
            time.sleep(0.02)
        say(f"stopped after {time.monotonic() - started:.2f} s" if finished else
            f"stopped after {grace:g} s with {inflight.count} request(s) unfinished")
        server.trigger.pull_trigger(close_everything)

    def stop_listening(reason: str):
        server.accepting = False
        wasyncore.dispatcher.close(server)  # the listening socket only; open connections stay
        # the drain (and its log line) starts once the socket is closed: new connections are refused by then
        threading.Thread(target=drain, args=(reason,), name="partnergraph-drain", daemon=True).start()

    def on_stop(signum, _frame):
        if state["stopping"]:
            return
        state["stopping"] = True
        inflight.draining = True
        server.trigger.pull_trigger(lambda: stop_listening(signal.Signals(signum).name))

    def on_reload(_signum, _frame):
        threading.Thread(target=reload_data, args=(app,), name="partnergraph-reload", daemon=True).start()

    signal.signal(signal.SIGTERM, on_stop)
    signal.signal(signal.SIGINT, on_stop)
    if hasattr(signal, "SIGHUP"):
        signal.signal(signal.SIGHUP, on_reload)
    say(f"serving on http://{host}:{server.effective_port}/ (SPARQL at /sparql), {config['WORKERS']} query workers, "
        f"{threads} threads, time limit {config['QUERY_TIMEOUT']:g} s; SIGHUP reloads the data, SIGTERM stops")
    try:
        server.run()
    finally:
        server.task_dispatcher.shutdown(timeout=2)
    return 0
