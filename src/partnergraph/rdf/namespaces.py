"""The namespaces the code names, as IRI strings, and the one prefix table (queries, dumps, the
editor's completion, compact IRIs).

Plain strings, so that importing this module costs nothing: the query workers import rdf/ and stay
light. A module that builds rdflib terms wraps a namespace where it needs one
(`rdflib.Namespace(DCAT)`), inside the function that already imports rdflib.
"""
from __future__ import annotations

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
FOAF = "http://xmlns.com/foaf/0.1/"
SCHEMA = "https://schema.org/"
SH = "http://www.w3.org/ns/shacl#"
VOID = "http://rdfs.org/ns/void#"
DCAT = "http://www.w3.org/ns/dcat#"
DCATAP = "http://data.europa.eu/r5r/"
VCARD = "http://www.w3.org/2006/vcard/ns#"
SD = "http://www.w3.org/ns/sparql-service-description#"
HYDRA = "http://www.w3.org/ns/hydra/core#"
GEO = "http://www.opengis.net/ont/geosparql#"
SSSOM = "https://w3id.org/sssom/"
SEMAPV = "https://w3id.org/semapv/vocab/"
PAV = "http://purl.org/pav/"
ADMS = "http://www.w3.org/ns/adms#"
AS = "https://www.w3.org/ns/activitystreams#"
LDES = "https://w3id.org/ldes#"
TREE = "https://w3id.org/tree#"

# The outside datasets the graph links to.
WIKIDATA = "http://www.wikidata.org/entity/"
GEONAMES = "https://sws.geonames.org/"

# The project's ontology, and the UN's goals and targets (their IRIs are reused, never minted).
PG = "https://w3id.org/partnergraph/ontology#"
SDG = "http://metadata.un.org/sdg/"
SDG_HTTPS = "https://metadata.un.org/sdg/"     # the https form, accepted on input
SDGO = "http://metadata.un.org/sdg/ontology#"

RDF_TYPE = RDF + "type"

PREFIXES = {
    "pg": PG,
    "rdf": RDF,
    "rdfs": RDFS,
    "owl": OWL,
    "xsd": XSD,
    "skos": SKOS,
    "dcterms": DCT,
    "prov": PROV,
    "org": ORG,
    "foaf": FOAF,
    "schema": SCHEMA,
    "sdg": SDG,
    "sdgo": SDGO,
    "sh": SH,
    "void": VOID,
    "dcat": DCAT,
    "geo": GEO,
}
