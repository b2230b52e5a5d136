"""SPARQL machinery shared by the endpoint, the CLI and the Python API."""
