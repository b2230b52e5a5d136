"""External SPARQL engines for the tests: the Oxigraph server (PyPI `oxigraph`) and Virtuoso
open source (Debian's `virtuoso-opensource`), started on loopback and stopped afterwards."""
from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

import requests


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class ExternalStore:
    name: str
    query_url: str          # SPARQL 1.1 query endpoint
    graph_store_url: str    # SPARQL 1.1 Graph Store HTTP Protocol endpoint
    process: subprocess.Popen
    env: dict

    def stop(self) -> None:
        stop_process(self.process)


def stop_process(process: subprocess.Popen) -> None:
    """Terminate a server started by a test; kill it if it has not exited within 10 s."""
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def _wait(url: str, seconds: float, process: subprocess.Popen, auth=None) -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        try:
            requests.get(url, params={"query": "ASK {}"}, timeout=2, auth=auth)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer within {seconds} s")


def oxigraph_binary() -> str | None:
    candidate = Path(sys.executable).with_name("oxigraph")
    return str(candidate) if candidate.exists() else shutil.which("oxigraph")


def start_oxigraph(directory: Path) -> ExternalStore:
    binary = oxigraph_binary()
    if binary is None:
        raise FileNotFoundError("the oxigraph server is not installed (pip install oxigraph)")
    port = free_port()
    process = subprocess.Popen([binary, "serve", "--location", str(directory), "--bind", f"127.0.0.1:{port}",
                                "--union-default-graph"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    _wait(base + "/query", 30, process)
    return ExternalStore("oxigraph", base + "/query", base + "/store", process, {})


VIRTUOSO_INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
[Parameters]
ServerPort = {isql}
DirsAllowed = ., {dir}
NumberOfBuffers = 10000
MaxDirtyBuffers = 6000
ThreadsPerQuery = 1
AsyncQueueMaxThreads = 1
[HTTPServer]
ServerPort = {http}
ServerRoot = {dir}
ServerThreads = 4
MaxClientConnections = 4
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
DefaultGraph = http://localhost/default
"""


def virtuoso_binary() -> str | None:
    for candidate in ("/usr/bin/virtuoso-t", shutil.which("virtuoso-t") or ""):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def start_virtuoso(directory: Path) -> ExternalStore:
    binary = virtuoso_binary()
    if binary is None:
        raise FileNotFoundError("Virtuoso is not installed (Debian package virtuoso-opensource)")
    directory.mkdir(parents=True, exist_ok=True)
    http, isql = free_port(), free_port()
    (directory / "virtuoso.ini").write_text(VIRTUOSO_INI.format(dir=directory, http=http, isql=isql))
    process = subprocess.Popen([binary, "+foreground", "+configfile", str(directory / "virtuoso.ini")],
                               cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{http}"
    _wait(base + "/sparql", 120, process)
    # Give the default dba account the right to write through the graph store endpoint.
    isql_bin = shutil.which("isql-vt") or shutil.which("isql") or "/usr/bin/isql-vt"
    subprocess.run([isql_bin, str(isql), "dba", "dba", "exec=GRANT SPARQL_UPDATE TO \"SPARQL\"; "
                    "GRANT EXECUTE ON DB.DBA.SPARQL_INSERT_DICT_CONTENT TO \"SPARQL\"; "
                    "DB.DBA.RDF_DEFAULT_USER_PERMS_SET ('nobody', 7);"],
                   check=False, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)
    env = {"PARTNERGRAPH_PUBLISH_USER": "dba", "PARTNERGRAPH_PUBLISH_PASSWORD": "dba", "PARTNERGRAPH_PUBLISH_AUTH": "digest"}
    return ExternalStore("virtuoso", base + "/sparql", base + "/sparql-graph-crud-auth", process, env)


ENGINES = {"oxigraph": (start_oxigraph, oxigraph_binary), "virtuoso": (start_virtuoso, virtuoso_binary)}


def start_engine(name: str, directory: Path) -> ExternalStore:
    """Start an engine by name; pytest skips the run with the reason when it is not installed."""
    import pytest
    start, find = ENGINES[name]
    if find() is None:
        pytest.skip(f"{name} is not installed")
    return start(directory)
