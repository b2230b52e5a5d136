"""Stores behind one interface: the embedded pyoxigraph store, or any SPARQL 1.1 endpoint."""
from .embedded import EmbeddedStore, LoadItem, build_store, load_plan  # noqa: F401
