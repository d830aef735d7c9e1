// Loads the API's own answers with the real libraries (run by tests/api/test_formats.py):
// prints, per file, how many nodes and edges each library ended up with, or fails loudly.
import { readFileSync } from "node:fs";
import cytoscape from "cytoscape";
import Graph from "graphology";
import { parse as parseGexf } from "graphology-gexf";

const loaders = {
  cytoscape(text) {
    const body = JSON.parse(text);
    const cy = cytoscape({ headless: true, elements: body.elements });
    const parents = cy.nodes().filter((n) => n.isParent()).length;
    return { nodes: cy.nodes().length, edges: cy.edges().length, parents };
  },
  graphology(text) {
    const graph = Graph.from(JSON.parse(text));
    return { nodes: graph.order, edges: graph.size, multi: graph.multi, type: graph.type };
  },
  gexf(text) {
    const graph = parseGexf(Graph, text, { allowUndeclaredAttributes: true });
    return { nodes: graph.order, edges: graph.size };
  },
};

const results = {};
for (const argument of process.argv.slice(2)) {
  const [kind, path] = argument.split("=");
  results[path] = { kind, ...loaders[kind](readFileSync(path, "utf8")) };
}
process.stdout.write(JSON.stringify(results));
