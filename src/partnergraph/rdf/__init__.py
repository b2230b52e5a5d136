"""The bottom layer: IRIs, namespaces, RDF files, where the graph's files are, the parser lock."""
