"""The query builder's annotations in ontology/shapes.ttl change nothing that validation reports:
the report on the shipped data and on the invalid fixtures is, to the byte, what the shapes as they
were before the builder's section (commit 2fd0259) report."""
from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from partnergraph.store.validation import validate_paths

ROOT = Path(__file__).resolve().parent.parent
BEFORE = "2fd0259"      # the shapes before the query builder's annotations
INVALID = sorted((ROOT / "tests" / "fixtures" / "invalid").glob("*.ttl"))
BLANK = re.compile(r"\b(_:)?[nN]?[0-9a-f]{20,}\b|\bb[0-9]+\b")


def _shapes_before(tmp_path: Path) -> Path:
    try:
        text = subprocess.run(["git", "show", f"{BEFORE}:ontology/shapes.ttl"], cwd=ROOT, check=True,
                              capture_output=True, text=True).stdout
    except (OSError, subprocess.CalledProcessError) as err:
        pytest.skip(f"the shapes as of {BEFORE} are not in this checkout's history: {err}")
    path = tmp_path / "shapes-before.ttl"
    path.write_text(text, encoding="utf-8")
    return path


def _report(paths: list[Path], shapes: Path, engine: str) -> str:
    """The report as text and as JSON, without the blank node names a parser invents anew each time."""
    report = validate_paths([str(p) for p in paths], ontology=ROOT / "ontology" / "partnergraph.ttl", shapes=shapes,
                            engine=engine)
    rows = sorted(BLANK.sub("_:b", str(v)) + " | " + v.component + " | " + BLANK.sub("_:b", v.shape or "")
                  for v in report.violations)
    return report.to_text().split("\n")[-1] + "\n" + "\n".join(rows)


@pytest.mark.parametrize("engine", ["turbo", "pyshacl"])
def test_shipped_data_and_fixtures_report_as_before(tmp_path, engine):
    if engine == "turbo":
        pytest.importorskip("pyshacl_turbo", reason="pyshacl-turbo is not installed")
    before = _shapes_before(tmp_path)
    data = ROOT / "data"
    # every fixture beside the shipped data, as test_validate checks them, in one graph per engine run
    fixtures = tmp_path / "fixtures"
    fixtures.mkdir()
    for fixture in INVALID:
        shutil.copy(fixture, fixtures / fixture.name)
    for paths in ([data], [data, fixtures]):
        old, new = _report(paths, before, engine), _report(paths, ROOT / "ontology" / "shapes.ttl", engine)
        assert new == old
        assert old.count("\n") > (0 if len(paths) == 1 else 100)    # the fixtures' violations were all there
