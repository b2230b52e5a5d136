"""The build step that puts the graph into the wheel: the top-level ontology/, data/ and queries/
(the source in the repository) are copied to partnergraph/packaged/ in the build, by the globs
below, so that an installed partnergraph serves, validates and queries its own graph in any
directory (see src/partnergraph/sources.py). Everything else is in pyproject.toml."""
from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
RDF = ["**/*.ttl", "**/*.nt", "**/*.nq", "**/*.trig", "**/*.jsonld", "**/*.rdf"]
GRAPH_FILES = {"ontology": RDF + ["**/*.rq"], "data": RDF, "queries": ["**/*.rq"]}


def graph_files() -> list[tuple[Path, Path]]:
    """(source, path inside partnergraph/packaged/) for every file the globs match."""
    found = []
    for folder, patterns in GRAPH_FILES.items():
        for pattern in patterns:
            for source in sorted((ROOT / folder).glob(pattern)):
                if source.is_file() and not any(part.startswith(".") for part in source.relative_to(ROOT).parts):
                    found.append((source, source.relative_to(ROOT)))
    return sorted(set(found))


class build_with_graph(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the checkout's own folders
        target = Path(self.build_lib) / "partnergraph" / "packaged"
        shutil.rmtree(target, ignore_errors=True)
        for source, relative in graph_files():
            destination = target / relative
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, destination)

    def get_outputs(self, include_bytecode=True):
        outputs = super().get_outputs(include_bytecode)
        if getattr(self, "editable_mode", False):
            return outputs
        target = Path(self.build_lib) / "partnergraph" / "packaged"
        return outputs + [str(target / relative) for _, relative in graph_files()]


setup(cmdclass={"build_py": build_with_graph})
