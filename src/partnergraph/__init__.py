"""partnergraph: a knowledge graph of Swedish municipalities' international partnerships.

For notebooks:

    >>> import partnergraph
    >>> pg = partnergraph.open()                      # ./data, validated, in memory
    >>> pg.query("partnerships-of-municipality", municipality="https://w3id.org/partnergraph/id/municipality/vaxjo").to_dataframe()
"""
from __future__ import annotations

from pathlib import Path

__version__ = "1.0.0"


def open(path_or_url: str | None = None, *, ontology_dir: str = "ontology", queries_dir: str = "queries",
         validate: bool = True, vocab: list[str] | None = None):
    """A graph to query: None for ./data, a data directory or file, a store directory built by
    'partnergraph load', or the URL of a SPARQL endpoint."""
    from .graph import PartnerGraph, is_store_dir, is_url  # start-up: `import partnergraph` stays light

    if path_or_url is None:
        return PartnerGraph.build(data=["data"], ontology_dir=ontology_dir, queries_dir=queries_dir,
                                  validate=validate, vocab=vocab)
    if is_url(path_or_url) or is_store_dir(path_or_url):
        return PartnerGraph.build(store=str(path_or_url), ontology_dir=ontology_dir, queries_dir=queries_dir)
    if not Path(path_or_url).exists():
        raise FileNotFoundError(f"{path_or_url}: no such data directory, file or store")
    return PartnerGraph.build(data=[str(path_or_url)], ontology_dir=ontology_dir, queries_dir=queries_dir,
                              validate=validate, vocab=vocab)
