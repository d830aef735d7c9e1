"""The temporal index: a derived, in-process read model of the facts for path searches.

Neo4j stays the record. The index is built from it (`tindex.build`), kept at the graph
version of the answers it gives (`tindex.service`), and answers /v1/paths
(`tindex.paths`) with the semantics of the Cypher search in queries/paths.py.
"""
