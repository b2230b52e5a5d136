"""The wheel as a user gets it: built from this checkout, installed with plain pip into a fresh
virtual environment, then run from an empty directory (no ./data, ./ontology or ./queries), where
`serve`, `validate`, `queries` and partnergraph.open() use the graph the wheel carries.

The one slow module of the suite (about a minute: pip installs the dependencies, from its cache
when it has them); everything is done once, in a module fixture."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import time

import pytest
import requests

from tests.conftest import ROOT, free_port

pytestmark = pytest.mark.server

VAXJO = "https://w3id.org/partnergraph/id/municipality/vaxjo"
# Växjö's partners abroad, as 000_3db2f6b1717fd080.txt names them
VAXJO_PARTNERS = ("Vushtrri", "Kalush", "JB Marks", "An Giang")


def run(args, cwd, timeout=300, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=timeout, **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(bin directory of the fresh venv, an empty working directory)."""
    base = tmp_path_factory.mktemp("wheel")
    dist, venv, empty = base / "dist", base / "venv", base / "empty"
    empty.mkdir()
    # pip builds the wheel with the setuptools of this environment (the test extra has a new
    # enough one), and installs into a venv made without its own pip: the same install, faster
    built = run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(dist),
                 str(ROOT)], cwd=base)
    assert built.returncode == 0, built.stderr[-2000:]
    wheels = list(dist.glob("partnergraph-*.whl"))
    assert len(wheels) == 1
    made = run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=base)
    assert made.returncode == 0, made.stderr
    pip = run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "-q",
               str(wheels[0])], cwd=base, timeout=600)
    assert pip.returncode == 0, pip.stderr[-2000:]
    return venv / "bin", empty


def test_the_wheel_carries_the_graph(installed):
    bin_dir, empty = installed
    listing = run([str(bin_dir / "python"), "-c", textwrap.dedent("""
        import json, pathlib, partnergraph.rdf.sources as s
        root = s.packaged_root()
        print(json.dumps({"root": str(root), "files": sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file())}))
    """)], cwd=empty)
    found = json.loads(listing.stdout)
    assert "site-packages" in found["root"]
    expected = sorted(str(p.relative_to(ROOT)) for folder, patterns in
                      {"ontology": ("**/*.ttl", "**/*.rq"), "data": ("**/*.ttl",), "queries": ("**/*.rq",),
                       "releases": ("*.json", "*.nq")}.items()
                      for pattern in patterns for p in (ROOT / folder).glob(pattern))
    assert set(expected) <= set(found["files"])
    assert {"ontology/partnergraph.ttl", "ontology/shapes.ttl", "data/projects.ttl"} <= set(found["files"])


def test_queries_and_validate_from_an_empty_directory(installed):
    bin_dir, empty = installed
    queries = run([str(bin_dir / "partnergraph"), "queries"], cwd=empty)
    assert queries.returncode == 0, queries.stderr
    assert "projects-by-sdg" in queries.stdout and "partnerships-of-municipality" in queries.stdout
    assert "packaged" not in queries.stdout and "comes with partnergraph" in queries.stderr
    validate = run([str(bin_dir / "partnergraph"), "validate", "--format", "json"], cwd=empty)
    assert validate.returncode == 0, validate.stdout[-2000:] + validate.stderr[-2000:]
    report = json.loads(validate.stdout)
    assert report["conforms"] is True and report["engine"] == "turbo"   # pyshacl-turbo comes with the package
    assert "No ./data, ./ontology here" in validate.stderr


def test_serve_and_open_from_an_empty_directory(installed):
    bin_dir, empty = installed
    port = free_port()
    log_path = empty.parent / "serve.log"
    log = open(log_path, "w")  # the server's; read back through a handle of its own
    server = subprocess.Popen([str(bin_dir / "partnergraph"), "serve", "--port", str(port), "--workers", "1"],
                              cwd=empty, stdout=log, stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "PARTNERGRAPH_ACCESS_LOG": "false"})
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:   # until it answers; it exiting, or the deadline, fails the test with its log
            assert server.poll() is None, log_path.read_text()[-3000:]
            try:
                if requests.get(url + "/healthz", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass  # not listening yet
            assert time.monotonic() < deadline, "serve did not answer /healthz within 120 s: " + log_path.read_text()[-3000:]
            time.sleep(0.2)
        ask = f"ASK {{ ?p <https://w3id.org/partnergraph/ontology#partner> <{VAXJO}> }}"
        answer = requests.get(url + "/sparql", params={"query": ask},
                              headers={"Accept": "application/sparql-results+json"}, timeout=30)
        assert answer.status_code == 200
        history = requests.get(url + "/releases.json", timeout=30).json()["releases"]   # the shipped history
        script = textwrap.dedent(f"""
            import json, warnings
            import partnergraph
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                local = partnergraph.open()
            remote = partnergraph.open({url + '/sparql'!r})
            rows = {{
                name: pg.query("partnerships-of-municipality", municipality={VAXJO!r}).rows()
                for name, pg in (("local", local), ("remote", remote))
            }}
            try:
                remote.query("partnerships-of-municipalty")
                misspelt = None
            except LookupError as err:
                misspelt = str(err)
            print(json.dumps({{"rows": rows, "warnings": [str(w.message) for w in caught], "misspelt": misspelt,
                               "remote_queries": len(remote.queries)}}))
        """)
        opened = run([str(bin_dir / "python"), "-c", script], cwd=empty)
        assert opened.returncode == 0, opened.stderr[-3000:]
        result = json.loads(opened.stdout)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(60)
        log.close()
    log_text = log_path.read_text()
    assert "comes with partnergraph" in log_text
    assert any("No ./data, ./ontology, ./queries here" in w for w in result["warnings"])
    assert result["remote_queries"] > 10
    assert len(history) >= 3 and all(release["commit"] for release in history)
    for side in ("local", "remote"):
        partners = {row["partnerLabel"] for row in result["rows"][side]}
        for name in VAXJO_PARTNERS:
            assert any(name in label for label in partners), (side, name, partners)
    assert result["rows"]["local"] == result["rows"]["remote"]
    assert "'partnerships-of-municipality'" in result["misspelt"]
