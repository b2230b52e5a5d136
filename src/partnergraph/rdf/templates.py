"""Descriptions kept as Turtle data files (service-description.ttl, void.ttl) whose IRIs start with a
placeholder: filling one in swaps each placeholder for the URL it stands for."""
from __future__ import annotations

from pathlib import Path


def fill(path: Path, urls: dict[str, str]):
    """The rdflib Graph of the Turtle file at path with every IRI (and plain literal) that starts with
    a key of urls rewritten to start with its value instead; the file's prefixes stay bound."""
    import rdflib  # start-up: the server imports rdflib only when a client asks for a description

    def place(term):
        if isinstance(term, (rdflib.URIRef, rdflib.Literal)):
            text = str(term)
            for placeholder, url in urls.items():
                if text.startswith(placeholder):
                    text = url + text[len(placeholder):]
                    if isinstance(term, rdflib.URIRef):
                        return rdflib.URIRef(text)
                    return rdflib.Literal(text, lang=term.language, datatype=term.datatype)
        return term

    template = rdflib.Graph().parse(path, format="turtle")
    out = rdflib.Graph()
    for prefix, ns in template.namespaces():
        out.bind(prefix, ns, replace=True)
    for triple in template:
        out.add(tuple(place(t) for t in triple))
    return out
