"""Every example in README.md, run as written: each ```sh block with bash, each ```python block
with this Python, each ```sparql block parsed (prefixes and all) and run against the graph. They
run in a temporary directory holding a copy of data/, ontology/ and queries/, against a server
this module starts: the examples address the default server, http://127.0.0.1:8080, and that
address (only that) is pointed at the test's server.

A block is left out only with its reason in an HTML comment on the line before it:
<!-- not run: starts a server that runs until stopped -->. Any other fenced block must be tagged
`text` (not code). Sections added to the README later are covered the same way."""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import ROOT, LiveServer

pytestmark = pytest.mark.server

README = ROOT / "README.md"
DEFAULT_SERVER = "http://127.0.0.1:8080"
RUN = {"sh", "python", "sparql"}
_FENCE = re.compile(r"^```([\w+-]*)[ \t]*\n(.*?)^```[ \t]*$", re.MULTILINE | re.DOTALL)
_OPT_OUT = re.compile(r"^<!--\s*not run:\s*(\S.*?)\s*-->$")


@dataclass(frozen=True)
class Block:
    lang: str
    text: str
    line: int
    not_run: str | None   # the reason given, when the block is left out


def readme_blocks() -> list[Block]:
    text = README.read_text(encoding="utf-8")
    found = []
    for match in _FENCE.finditer(text):
        before = text[: match.start()].rstrip("\n").splitlines()
        reason = _OPT_OUT.match(before[-1].strip()) if before else None
        found.append(Block(match.group(1), match.group(2), text[: match.start()].count("\n") + 1,
                           reason.group(1) if reason else None))
    return found


BLOCKS = readme_blocks()
TO_RUN = [b for b in BLOCKS if b.lang in RUN and not b.not_run]


def test_every_block_is_run_or_says_why():
    assert TO_RUN, "README.md has no runnable examples"
    for block in BLOCKS:
        assert block.lang in RUN | {"text"}, \
            f"README.md:{block.line}: tag the block sh, python or sparql (run by this test), or text if it is not code"
    assert len([b for b in BLOCKS if b.lang in RUN and b.not_run]) <= len(TO_RUN), "most examples must run"


@pytest.fixture(scope="module")
def workspace(tmp_path_factory):
    """A directory like a checkout's top level (copies: the examples write stores and files)."""
    place = tmp_path_factory.mktemp("readme")
    for folder in ("data", "ontology", "queries"):
        shutil.copytree(ROOT / folder, place / folder)
    return place


@pytest.fixture(scope="module")
def server(workspace):
    from partnergraph.graph import PartnerGraph
    from partnergraph.web.app import create_app
    graph = PartnerGraph.build(data=[str(workspace / "data")], ontology_dir=str(workspace / "ontology"),
                               queries_dir=str(workspace / "queries"), validate=False)
    app = create_app({"VALIDATE": False, "WORKERS": 0, "ACCESS_LOG": False}, graph=graph)
    live = LiveServer(app)
    yield live
    live.stop()
    graph.close()


def run_block(block: Block, workspace: Path, url: str) -> subprocess.CompletedProcess:
    text = block.text.replace(DEFAULT_SERVER, url)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
           "PARTNERGRAPH_ACCESS_LOG": "false"}
    args = ["bash", "-e", "-o", "pipefail", "-c", text] if block.lang == "sh" else [sys.executable, "-c", text]
    return subprocess.run(args, cwd=workspace, env=env, capture_output=True, text=True, timeout=300)


@pytest.mark.parametrize("block", [b for b in TO_RUN if b.lang != "sparql"], ids=lambda b: f"{b.lang}-line-{b.line}")
def test_example_runs(block, workspace, server):
    done = run_block(block, workspace, server.url)
    assert done.returncode == 0, f"README.md:{block.line}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}"


@pytest.mark.parametrize("block", [b for b in TO_RUN if b.lang == "sparql"], ids=lambda b: f"sparql-line-{b.line}")
def test_sparql_example(block, server):
    from rdflib.plugins.sparql import prepareQuery

    from partnergraph.sparql.guard import QueryRefused, check
    prepareQuery(block.text)   # parses, and every prefix is declared
    graph = server.app.extensions["partnergraph"]
    if re.search(r"\bSERVICE\b", block.text, re.IGNORECASE):
        # federated: refused by default, accepted for the endpoint the README allows
        with pytest.raises(QueryRefused):
            check(block.text)
        allowed = re.findall(r"PARTNERGRAPH_SERVICE_ALLOWLIST=(\S+?)`", README.read_text(encoding="utf-8"))
        assert allowed and check(block.text, tuple(allowed)).services
        return
    outcome = graph.run(block.text)
    assert outcome.status == 200, f"README.md:{block.line}: {outcome.error}"
