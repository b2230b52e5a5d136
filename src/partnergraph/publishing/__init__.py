"""Publishing: dumps and VoID, the DCAT-AP catalogue, alignments, the service description, fragments,
Graph Store pushes, GeoNames points, the ontology's documentation."""
