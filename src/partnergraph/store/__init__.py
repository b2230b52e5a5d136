"""Stores behind one interface: the embedded pyoxigraph store, or any SPARQL 1.1 endpoint."""
from .embedded import EmbeddedStore, build_store, load_plan, LoadItem  # noqa: F401
