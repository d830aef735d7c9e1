"""The temporal index: a derived, in-process read model of the facts for path searches.

Neo4j stays the record. The index is built from it (`tindex.build`), kept at the graph
version of the answers it gives (`tindex.service`), and answers /v1/paths
(`tindex.paths`) with the semantics of the Cypher search in queries/paths.py.

The analytics are computed here too (`tindex.analytics`, `tindex.measures`), over the
window's pairs from the index when there is one, else from the Cypher pull of
queries/analytics.py.
"""
