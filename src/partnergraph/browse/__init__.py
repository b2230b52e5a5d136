"""Faceted browsing: the facet definitions, their SPARQL and the facet index."""
