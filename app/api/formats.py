"""A graph answer in the shapes drawing libraries load as they are: Cytoscape.js elements,
graphology's serialized graph, d3's node-link, and GEXF 1.3 (dynamic, for Gephi's timeline)."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from typing import Any
from xml.etree import ElementTree as ET

from fastapi import Response

from queries.graph import Aggregate, GraphEdge, GraphNode, GraphPublic


class GraphFormat(StrEnum):
    JSON = "json"
    CYTOSCAPE = "cytoscape"
    GRAPHOLOGY = "graphology"
    D3 = "d3"
    GEXF = "gexf"


MEDIA_TYPES = {GraphFormat.GEXF: "application/gexf+xml"}

GEXF_NS = "http://gexf.net/1.3"


def _node_data(node: GraphNode) -> dict[str, Any]:
    return node.model_dump(mode="json", exclude_none=True)


def _edge_data(edge: GraphEdge) -> dict[str, Any]:
    data = edge.model_dump(mode="json", exclude_none=True, exclude={"fact"})
    if edge.fact is not None:
        data["fact"] = edge.fact.model_dump(mode="json")
    return data


def cytoscape(graph: GraphPublic) -> dict[str, Any]:
    """`cy.add(answer.elements)`: compound parents become Cytoscape's `parent` data."""
    return {
        "elements": {
            "nodes": [{"data": _node_data(n)} for n in graph.nodes],
            "edges": [{"data": _edge_data(e)} for e in graph.edges],
        },
        "data": _graph_attributes(graph),
    }


def graphology(graph: GraphPublic, aggregate: Aggregate) -> dict[str, Any]:
    """`Graph.from(answer)`: folded edges join an unordered pair (undirected, one per pair or
    per pair and type); with aggregate=none each fact keeps its direction, several per pair."""
    multi = aggregate is Aggregate.NONE
    return {
        "attributes": _graph_attributes(graph),
        "options": {
            "type": "directed" if multi else "undirected",
            "multi": multi or aggregate is Aggregate.PAIR_TYPE,
            "allowSelfLoops": False,
        },
        "nodes": [{"key": n.id, "attributes": _node_data(n)} for n in graph.nodes],
        "edges": [
            {"key": e.id, "source": e.source, "target": e.target, "attributes": _edge_data(e)}
            for e in graph.edges
        ],
    }


def d3(graph: GraphPublic) -> dict[str, Any]:
    """d3-force's node-link shape: `links` name their ends by node id."""
    return {
        "nodes": [_node_data(n) for n in graph.nodes],
        "links": [_edge_data(e) for e in graph.edges],
        "graph": _graph_attributes(graph),
    }


def _graph_attributes(graph: GraphPublic) -> dict[str, Any]:
    return graph.model_dump(mode="json", exclude={"nodes", "edges"})


NODE_ATTRIBUTES = (("kind", "string"), ("depth", "integer"), ("weight", "integer"))
EDGE_ATTRIBUTES = (("count", "integer"), ("types", "string"), ("statuses", "string"))


def gexf(graph: GraphPublic, aggregate: Aggregate) -> bytes:
    """GEXF 1.3, `mode="dynamic"`: each edge has a spell from its first to its last day of
    validity (open ends left open), so Gephi's timeline shows when each relation held.

    A folded edge gets one spell over all its facts; aggregate=none gives one spell per fact.
    """
    root = ET.Element("gexf", {"xmlns": GEXF_NS, "version": "1.3"})
    meta = ET.SubElement(root, "meta")
    ET.SubElement(meta, "creator").text = "tkg"
    ET.SubElement(meta, "description").text = "Temporal knowledge graph: actors and facts"
    element = ET.SubElement(
        root,
        "graph",
        {
            "mode": "dynamic",
            "defaultedgetype": "directed" if aggregate is Aggregate.NONE else "undirected",
            "timeformat": "date",
            "timerepresentation": "interval",
        },
    )
    for cls, attributes in (("node", NODE_ATTRIBUTES), ("edge", EDGE_ATTRIBUTES)):
        declared = ET.SubElement(element, "attributes", {"class": cls, "mode": "static"})
        for title, kind in attributes:
            ET.SubElement(declared, "attribute", {"id": title, "title": title, "type": kind})
    nodes = ET.SubElement(element, "nodes")
    for node in graph.nodes:
        item = ET.SubElement(nodes, "node", {"id": node.id, "label": node.name})
        if node.parent:
            item.set("pid", node.parent)
        values = ET.SubElement(item, "attvalues")
        for title, _ in NODE_ATTRIBUTES:
            ET.SubElement(values, "attvalue", {"for": title, "value": str(getattr(node, title))})
    edges = ET.SubElement(element, "edges")
    for edge in graph.edges:
        item = ET.SubElement(
            edges,
            "edge",
            {
                "id": edge.id,
                "source": edge.source,
                "target": edge.target,
                "weight": str(edge.count),
                "label": edge.type or ",".join(sorted(edge.types)),
            },
        )
        values = ET.SubElement(item, "attvalues")
        for title, text in (
            ("count", str(edge.count)),
            ("types", json.dumps(edge.types)),
            ("statuses", json.dumps(edge.statuses)),
        ):
            ET.SubElement(values, "attvalue", {"for": title, "value": text})
        spells = ET.SubElement(item, "spells")
        ET.SubElement(spells, "spell", _spell(edge.first, edge.last))
    data: bytes = ET.tostring(root, encoding="utf-8", xml_declaration=True)
    return data


def _spell(first: date | None, last: date | None) -> dict[str, str]:
    bounds = {"start": first, "end": last}
    return {name: day.isoformat() for name, day in bounds.items() if day is not None}


def render(graph: GraphPublic, fmt: GraphFormat, aggregate: Aggregate) -> Response | None:
    """The answer in `fmt`, or None for the API's own JSON."""
    if fmt is GraphFormat.JSON:
        return None
    if fmt is GraphFormat.GEXF:
        return Response(gexf(graph, aggregate), media_type=MEDIA_TYPES[fmt])
    if fmt is GraphFormat.CYTOSCAPE:
        body = cytoscape(graph)
    elif fmt is GraphFormat.GRAPHOLOGY:
        body = graphology(graph, aggregate)
    else:
        body = d3(graph)
    return Response(json.dumps(body, separators=(",", ":")), media_type="application/json")
