"""The knowledge graph: ontology, entity resolution, building."""
