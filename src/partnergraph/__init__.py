"""partnergraph: a knowledge graph of Swedish municipalities' international partnerships.

For notebooks:

    >>> import partnergraph
    >>> pg = partnergraph.open()                      # ./data, validated, in memory
    >>> pg.query("partnerships-of-municipality", municipality="https://w3id.org/partnergraph/id/municipality/vaxjo").to_dataframe()
"""
from __future__ import annotations

from pathlib import Path

from .version import __version__

__all__ = ["__version__", "open", "PackagedGraph"]


def open(path_or_url: str | None = None, *, ontology_dir: str = "ontology", queries_dir: str = "queries",
         validate: bool = True, vocab: list[str] | None = None):
    """A graph to query: None for ./data (or, where there is none, the graph that comes with the
    package), a data directory or file, a store directory built by 'partnergraph load', or the URL
    of a SPARQL endpoint. The URL of a partnergraph server brings its named queries along."""
    import warnings

    # start-up: `import partnergraph` stays light
    from .graph import PartnerGraph, is_store_dir, is_url
    from .history.named_graphs import beside as history_beside  # start-up: as above
    from .rdf.files import ValidationSetupError

    if path_or_url is None:
        kwargs = dict(data=["data"], validate=validate, vocab=vocab)
    elif is_url(path_or_url) or is_store_dir(path_or_url):
        kwargs = dict(store=str(path_or_url))
    elif not Path(path_or_url).exists():
        raise FileNotFoundError(f"partnergraph.open({str(path_or_url)!r}): no such data directory, file or store")
    else:
        kwargs = dict(data=[str(path_or_url)], validate=validate, vocab=vocab)
    try:
        graph = PartnerGraph.build(ontology_dir=ontology_dir, queries_dir=queries_dir, side_graph=history_beside, **kwargs)
    except ValidationSetupError as err:
        raise ValidationSetupError(f"{err}; give partnergraph.open(ontology_dir=...) the directory holding "
                                   "partnergraph.ttl and shapes.ttl, or validate=False") from None
    if graph.sources and graph.sources.notice:
        warnings.warn(graph.sources.notice, PackagedGraph, stacklevel=2)
    return graph


class PackagedGraph(UserWarning):
    """open() found no ./data, ./ontology or ./queries and uses the graph that comes with the package."""
