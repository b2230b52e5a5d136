"""A real caching proxy in front of a real server: Debian's nginx with proxy_cache and
proxy_cache_revalidate, before `partnergraph serve`, both on loopback. Repeats are answered by the
proxy (X-Cache-Status: HIT, and the server never sees them), an expired answer is revalidated
with If-None-Match (304 from the server), and after a reload the changed ETag brings the new
answer through."""
from __future__ import annotations

import shutil
import signal
import subprocess
import threading
from pathlib import Path

import pytest
import requests

from tests.conftest import ROOT, free_port
from tests.external_stores import stop_process
from tests.test_reliability import LABEL, ServeProcess

pytestmark = pytest.mark.server

NGINX = shutil.which("nginx") or shutil.which("/usr/sbin/nginx")
QUERY = {"query": LABEL}
JSON = {"Accept": "application/sparql-results+json"}


def nginx_config(tmp: Path, port: int, upstream: int) -> str:
    # one process as this user (no workers switching to another user), every file in tmp
    return f"""daemon off;
master_process off;
error_log {tmp}/error.log warn;
pid {tmp}/nginx.pid;
events {{ worker_connections 64; }}
http {{
  access_log off;
  client_body_temp_path {tmp}/body;
  proxy_temp_path {tmp}/proxy;
  fastcgi_temp_path {tmp}/fastcgi;
  uwsgi_temp_path {tmp}/uwsgi;
  scgi_temp_path {tmp}/scgi;
  proxy_cache_path {tmp}/cache levels=1:2 keys_zone=partnergraph:1m max_size=20m inactive=10m use_temp_path=off;
  server {{
    listen 127.0.0.1:{port};
    location / {{
      proxy_pass http://127.0.0.1:{upstream};
      proxy_set_header Host $http_host;
      proxy_cache partnergraph;
      proxy_cache_revalidate on;
      add_header X-Cache-Status $upstream_cache_status always;
    }}
  }}
}}
"""


class Nginx:
    def __init__(self, tmp: Path, upstream: int):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        conf = tmp / "nginx.conf"
        conf.write_text(nginx_config(tmp, self.port, upstream))
        self.process = subprocess.Popen([NGINX, "-c", str(conf), "-p", str(tmp)], stdout=subprocess.DEVNULL,
                                        stderr=subprocess.PIPE, text=True)
        self.error_log = tmp / "error.log"

    def wait_ready(self, attempts: int = 300) -> None:
        """Until /healthz answers through the proxy (it is never cached, so it reaches the server)."""
        stopped = threading.Event()
        for _ in range(attempts):
            if self.process.poll() is not None:
                raise AssertionError(f"nginx exited: {self.process.stderr.read()}")
            try:
                if requests.get(self.url + "/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            stopped.wait(0.1)
        raise AssertionError("nginx did not answer")

    def stop(self) -> None:
        stop_process(self.process)


@pytest.fixture(scope="module")
def stack(tmp_path_factory):
    if not NGINX:
        pytest.skip("nginx is not installed (Debian package nginx-light; .ci/run installs it)")
    tmp = tmp_path_factory.mktemp("proxy")
    data = tmp / "data"
    shutil.copytree(ROOT / "data", data)
    server = ServeProcess(env={"PARTNERGRAPH_DATA_DIRS": str(data), "PARTNERGRAPH_WORKERS": "1",
                               "PARTNERGRAPH_VALIDATE": "false", "PARTNERGRAPH_ACCESS_LOG": "1",
                               "PARTNERGRAPH_CACHE_MAX_AGE": "1"})
    proxy = Nginx(tmp, server.port)
    try:
        proxy.wait_ready()
        yield server, proxy, data
    finally:
        proxy.stop()
        server.stop()


def through(proxy: Nginx, path: str = "/sparql", **kwargs) -> requests.Response:
    return requests.get(proxy.url + path, params=kwargs.pop("params", QUERY), headers=kwargs.pop("headers", JSON),
                        timeout=60, **kwargs)


def label_of(response: requests.Response) -> str:
    return response.json()["results"]["bindings"][0]["label"]["value"]


def logged_mark(server: ServeProcess) -> int:
    """A mark in the server's access log taken once a marker request sent now has been read back: the
    lines of every request answered before it, which may still be in the pipe, are read by then."""
    before = server.mark()
    marker = f"/healthz?marker={before}"
    requests.get(server.url + marker, timeout=30)
    server.wait_for_log(marker + '"', after=before)
    return server.mark()


def upstream_lines(server: ServeProcess, after: int, path: str = "/sparql?") -> list[str]:
    """The server's access-log lines for path since `after`, once what the proxy forwarded until
    now is in the log."""
    end = logged_mark(server)
    return [line for line in server.lines[after:end] if f'"GET {path}' in line]


def poll_until(proxy: Nginx, done, attempts: int = 200, **kwargs) -> list[requests.Response]:
    """Ask through the proxy until done(response); a pause between asks, at most `attempts`."""
    seen, pause = [], threading.Event()
    for _ in range(attempts):
        response = through(proxy, **kwargs)
        seen.append(response)
        if done(response):
            return seen
        pause.wait(0.05)
    raise AssertionError(f"never seen: {[r.headers.get('X-Cache-Status') for r in seen]}")


def test_repeats_are_answered_by_the_proxy(stack):
    server, proxy, _ = stack
    first = through(proxy)
    assert first.status_code == 200 and label_of(first) == "Växjö"
    assert first.headers["Cache-Control"] == "public, max-age=1" and first.headers["ETag"].startswith('"')
    for _ in range(50):  # until a repeat is still fresh in the proxy (max-age is 1 s)
        mark = logged_mark(server)   # the line of the request before is not counted as this one's
        repeat = through(proxy)
        assert repeat.status_code == 200 and repeat.content == first.content
        if repeat.headers["X-Cache-Status"] == "HIT":
            assert upstream_lines(server, mark) == []   # the server never saw it
            return
    raise AssertionError("no repeat was answered by the proxy")


def test_an_expired_answer_is_revalidated_with_its_etag(stack):
    server, proxy, _ = stack
    through(proxy)
    mark = server.mark()
    seen = poll_until(proxy, lambda r: r.headers["X-Cache-Status"] == "REVALIDATED")
    assert label_of(seen[-1]) == "Växjö"
    statuses = [line.rsplit('" ', 1)[1].split()[0] for line in upstream_lines(server, mark)]
    assert statuses and set(statuses) == {"304"}   # the server answered If-None-Match, sent no body


def test_health_is_never_served_from_the_proxy(stack):
    _, proxy, _ = stack
    for _ in range(3):
        response = requests.get(proxy.url + "/healthz", timeout=30)
        assert response.status_code == 200 and response.headers["X-Cache-Status"] != "HIT"
        assert response.headers["Cache-Control"] == "no-store"


def test_a_page_is_cached_per_language(stack):
    _, proxy, _ = stack
    english = poll_until(proxy, lambda r: r.headers["X-Cache-Status"] == "HIT", path="/page/municipality/vaxjo",
                         params={}, headers={"Accept": "text/html", "Accept-Language": "en"})[-1]
    swedish = through(proxy, path="/page/municipality/vaxjo", params={},
                      headers={"Accept": "text/html", "Accept-Language": "sv"})
    assert 'lang="en"' in english.text and 'lang="sv"' in swedish.text  # Vary kept the readers apart


def test_a_reload_is_seen_through_the_proxy(stack):
    server, proxy, data = stack
    poll_until(proxy, lambda r: r.headers["X-Cache-Status"] == "HIT")
    old_tag = through(proxy).headers["ETag"]
    places = data / "places.ttl"
    places.write_text(places.read_text(encoding="utf-8").replace('"Växjö"@en', '"Växjö Municipality"@en'),
                      encoding="utf-8")
    mark = server.mark()
    server.process.send_signal(signal.SIGHUP)
    server.wait_for_log("reloaded: generation 2", after=mark)
    seen = poll_until(proxy, lambda r: label_of(r) == "Växjö Municipality")
    fresh = seen[-1]
    assert all(r.headers["X-Cache-Status"] == "HIT" for r in seen[:-1])  # only while still fresh: the old answer
    assert fresh.headers["X-Cache-Status"] in ("EXPIRED", "MISS") and fresh.headers["ETag"] != old_tag
    statuses = [line.rsplit('" ', 1)[1].split()[0] for line in upstream_lines(server, mark)]
    assert "200" in statuses   # the old ETag no longer matched: the server sent the new answer
