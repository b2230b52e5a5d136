"""A copy of the shipped data beside an empty release log, for the tests that make releases
(the repository's own releases/ is never written by a test), and the edits they make to it."""
from __future__ import annotations

import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONCEPT = """
c:area-{slug} a skos:Concept ; skos:inScheme c:project-areas ;
    skos:prefLabel "{en}"@en , "{sv}"@sv ; rdfs:label "{en}"@en , "{sv}"@sv ;
    prov:wasDerivedFrom src:000_3db2f6b1717fd080 .
"""


def project_copy(tmp: Path) -> tuple[Path, Path]:
    """(data folder, releases folder) under tmp: the shipped data and no releases yet."""
    data = tmp / "data"
    shutil.copytree(ROOT / "data", data)
    return data, tmp / "releases"


def set_concepts(data: Path, concepts: dict[str, tuple[str, str]]) -> None:
    """Write data/extra-concepts.ttl with the given project areas (slug -> English, Swedish label);
    an empty dict removes the file."""
    target = data / "extra-concepts.ttl"
    if not concepts:
        target.unlink(missing_ok=True)
        return
    head = "\n".join(line for line in (ROOT / "data" / "concepts.ttl").read_text(encoding="utf-8").splitlines()
                     if line.startswith("@prefix"))
    body = "".join(CONCEPT.format(slug=slug, en=en, sv=sv) for slug, (en, sv) in concepts.items())
    target.write_text(head + "\n" + body, encoding="utf-8")


def concept_iri(slug: str) -> str:
    return f"https://w3id.org/partnergraph/id/concept/area-{slug}"
