"""Each graph format as its own library loads it: Cytoscape.js and graphology under Node, GEXF
through networkx and graphology-gexf.

GEXF is not checked against the GEXF 1.3 XML Schema: no package on PyPI, npm or Maven
Central ships its XSD files (gexfpy, gexf, graphology-gexf, gexf4j and Gephi's io-importer
and io-exporter plugins were opened), and third-party files come in only as declared
dependencies.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pytest
from fastapi.testclient import TestClient

from app.core.config import REPO_ROOT

pytestmark = pytest.mark.usefixtures("bundled")

WEB = REPO_ROOT / "web"
QUERY = "/v1/graph?actors=ukr&depth=2&from=2024&to=2024&include=induced&max_nodes=5000"


def node_or_skip() -> str:
    node = shutil.which("node")
    ready = node is not None and (WEB / "node_modules").is_dir()
    if not ready:
        if os.environ.get("CI"):
            pytest.fail("node and web/node_modules are needed in CI (.ci/run runs npm ci)")
        pytest.skip("node or web/node_modules missing: run `make web` (npm ci) to test formats")
    assert node is not None
    return node


def fetch(client: TestClient, query: str) -> bytes:
    response = client.get(query)
    assert response.status_code == 200, response.text
    content: bytes = response.content
    return content


@pytest.mark.parametrize("aggregate", ["pair", "pair_type", "none"])
def test_cytoscape_graphology_and_gexf_load_the_answer_whole(
    client: TestClient, tmp_path: Path, aggregate: str
) -> None:
    node = node_or_skip()
    plain = json.loads(fetch(client, f"{QUERY}&aggregate={aggregate}"))
    files = []
    for kind, fmt in (("cytoscape", "cytoscape"), ("graphology", "graphology"), ("gexf", "gexf")):
        path = tmp_path / f"{fmt}.out"
        path.write_bytes(fetch(client, f"{QUERY}&aggregate={aggregate}&format={fmt}"))
        files.append(f"{kind}={path}")
    script = WEB / "tests" / "load-formats.mjs"
    run = subprocess.run(
        [node, str(script), *files], cwd=WEB, capture_output=True, text=True, timeout=120
    )
    assert run.returncode == 0, run.stderr
    loaded = json.loads(run.stdout)
    for result in loaded.values():
        assert (result["nodes"], result["edges"]) == (len(plain["nodes"]), len(plain["edges"]))
    cyto = loaded[str(tmp_path / "cytoscape.out")]
    assert cyto["parents"] == len({n["parent"] for n in plain["nodes"] if n.get("parent")})
    assert cyto["parents"] > 0, "ukr-armed-forces is drawn inside ukr"
    assert loaded[str(tmp_path / "graphology.out")]["multi"] == (aggregate != "pair")


def test_gexf_is_dynamic_with_spells_networkx_reads(client: TestClient, tmp_path: Path) -> None:
    plain = json.loads(fetch(client, QUERY))
    path = tmp_path / "graph.gexf"
    response = client.get(f"{QUERY}&format=gexf")
    assert response.headers["content-type"].startswith("application/gexf+xml")
    path.write_bytes(response.content)
    graph = nx.read_gexf(path, version="1.3")
    assert graph.number_of_nodes() == len(plain["nodes"])
    assert graph.number_of_edges() == len(plain["edges"])
    assert graph.graph["mode"] == "dynamic"
    edge = max(plain["edges"], key=lambda e: e["count"])
    data = graph.edges[edge["source"], edge["target"]]
    assert data["weight"] == edge["count"]
    start, end = data["spells"][0][:2]
    # networkx reads an absent (open) end as the string "None".
    assert start == edge["first"] and end == (edge["last"] or "None")


def test_d3_links_name_their_ends_by_node_id(client: TestClient) -> None:
    body = json.loads(fetch(client, f"{QUERY}&format=d3"))
    ids = {n["id"] for n in body["nodes"]}
    assert body["links"] and all({x["source"], x["target"]} <= ids for x in body["links"])
