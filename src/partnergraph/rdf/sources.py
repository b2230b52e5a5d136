"""Where the graph's files are: ./data, ./ontology and ./queries of the current directory when
they exist, otherwise the copy that comes with the package (the wheel carries ontology/, data/
and queries/ under partnergraph/packaged/; a source checkout has them at its top level).

Every command and partnergraph.open() ask here, so a `pip install`ed partnergraph serves,
validates and queries its own graph in any directory, and says that it does."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..version import __version__

PACKAGED = Path(__file__).resolve().parents[1] / "packaged"
CHECKOUT = Path(__file__).resolve().parents[3]
PARTS = ("data", "ontology", "queries")


def packaged_root() -> Path | None:
    """The directory holding the packaged ontology/, data/ and queries/, or None."""
    for root in (PACKAGED, CHECKOUT):
        if (root / "ontology" / "partnergraph.ttl").is_file() and (root / "data").is_dir():
            return root
    return None


@dataclass(frozen=True)
class Sources:
    data: list[str]
    ontology: str
    queries: str
    packaged: tuple[str, ...] = ()   # which of data, ontology, queries come from the package
    root: Path | None = None

    @property
    def shapes(self) -> str:
        return str(Path(self.ontology) / "shapes.ttl")

    @property
    def ontology_file(self) -> str:
        return str(Path(self.ontology) / "partnergraph.ttl")

    @property
    def notice(self) -> str | None:
        """What to tell the user when the packaged graph is used, or None."""
        if not self.packaged:
            return None
        here = ", ".join(f"./{part}" for part in self.packaged)
        return f"No {here} here: using the graph that comes with partnergraph {__version__} ({self.root})"


def _local(name: str | None, default: str) -> bool:
    """True when name is the default and the current directory has it."""
    return name not in (None, default) or Path(default).exists()


def locate(data: list[str] | None = None, ontology: str | None = None, queries: str | None = None,
           need_data: bool = True, need_ontology: bool = True, need_queries: bool = True) -> Sources:
    """Resolve each of data, ontology and queries: a value other than the default name is taken as
    given; the default ('data', 'ontology', 'queries', or None) is ./NAME when it exists and the
    packaged copy otherwise. A part that is not needed (need_data=False for a store or an
    endpoint) is left as it is."""
    data = [str(d) for d in data] if data else None
    root = packaged_root()
    packaged = []
    if need_data and (data is None or data == ["data"]) and not Path("data").exists() and root:
        data = [str(root / "data")]
        packaged.append("data")
    if need_ontology and not _local(ontology, "ontology") and root:
        ontology = str(root / "ontology")
        packaged.append("ontology")
    if need_queries and not _local(queries, "queries") and root:
        queries = str(root / "queries")
        packaged.append("queries")
    return Sources(data or ["data"], ontology or "ontology", queries or "queries", tuple(packaged),
                   root if packaged else None)
