// The network on screen: Cytoscape.js, styled from the edges' and nodes' own attributes.
import cytoscape from "cytoscape";
import fcose from "cytoscape-fcose";

cytoscape.use(fcose);

// Until every fact carries its CAMEO quad class (`fact_class`), its type says which side
// of the cooperation/conflict line it falls on.
const CONFLICT_TYPES = new Set([
  "ATTACKED", "FOUGHT", "AT_WAR_WITH", "INVADED", "THREATENED", "COERCED", "SANCTIONED",
  "CONDEMNED", "ACCUSED", "CRITICISED", "DENIED", "VETOED", "DEMANDED", "PROTESTED",
  "INVESTIGATED", "ARRESTED", "REDUCED_RELATIONS_WITH", "EXPRESSED_CONCERN_ABOUT",
]);

export const KIND_COLOURS = {
  state: "#2f5d8a",
  person: "#b5651d",
  government_body: "#5b8c5a",
  armed_force: "#7a3b3b",
  intelligence_agency: "#6c4f8c",
  international_organisation: "#2a8c8c",
  organisation: "#8c7a2a",
  group: "#a14f7a",
  sector: "#7d8590",
};

function tone(edge) {
  let conflict = 0;
  let total = 0;
  const classes = edge.classes || {};
  if (Object.keys(classes).length) {
    for (const [name, n] of Object.entries(classes)) {
      total += n;
      if (name.endsWith("conflict")) conflict += n;
    }
  } else {
    for (const [type, n] of Object.entries(edge.types || {})) {
      total += n;
      if (CONFLICT_TYPES.has(type)) conflict += n;
    }
  }
  const share = total ? conflict / total : 0;
  return share >= 0.67 ? "conflict" : share <= 0.33 ? "coop" : "mixed";
}

function contested(edge) {
  const statuses = edge.statuses || {};
  return (statuses.contested || 0) + (statuses.denied || 0) > 0;
}

// Sizes are relative to the heaviest in view, so a graph of a few facts and one of
// thousands both read well; only the heaviest nodes are labelled until hovered.
const LABELLED = 30;

// A node whose `parent` (the actor it is PART_OF, e.g. a ministry beside its state under
// rollup=country) is drawn too sits inside it: a Cytoscape compound node. Cytoscape cannot
// nest a node in one that does not exist, so the API's parent is kept as `partOf` and used
// once both are on screen (see nest()).
export function toElements(graph, scale = {}) {
  const maxWeight = scale.maxWeight ?? Math.max(1, ...graph.nodes.map((n) => n.weight));
  const maxCount = scale.maxCount ?? Math.max(1, ...graph.edges.map((e) => e.count));
  const labelled = new Set(
    [...graph.nodes].sort((a, b) => b.weight - a.weight).slice(0, LABELLED).map((n) => n.id),
  );
  const ids = new Set(graph.nodes.map((n) => n.id));
  const parentOf = (node) => (node.parent && node.parent !== node.id && ids.has(node.parent) ? node.parent : undefined);
  const parents = new Set(graph.nodes.map(parentOf).filter(Boolean));
  const nodes = graph.nodes.map((node) => ({
    group: "nodes",
    data: { ...node, label: node.name, partOf: node.parent, parent: parentOf(node), size: 12 + 36 * Math.sqrt(node.weight / maxWeight) },
    classes: [
      node.depth === 0 ? "centre" : "",
      labelled.has(node.id) || node.depth === 0 || parents.has(node.id) ? "" : "minor",
    ].join(" "),
  }));
  const edges = graph.edges.map((edge) => ({
    group: "edges",
    data: {
      ...edge,
      width: 0.8 + 7 * Math.sqrt(edge.count / maxCount),
      alpha: 0.25 + 0.65 * Math.sqrt(edge.count / maxCount),
    },
    classes: `${tone(edge)}${contested(edge) ? " contested" : ""}`,
  }));
  return [...nodes, ...edges];
}

const STYLE = [
  {
    selector: "node",
    style: {
      "background-color": (n) => KIND_COLOURS[n.data("kind")] || "#888",
      width: "data(size)",
      height: "data(size)",
      label: "data(label)",
      "font-size": 10,
      "font-family": "system-ui, sans-serif",
      color: "#1d2733",
      "text-valign": "bottom",
      "text-margin-y": 3,
      "text-outline-color": "#fff",
      "text-outline-width": 2,
      "min-zoomed-font-size": 7,
    },
  },
  {
    selector: ":parent",
    style: {
      shape: "round-rectangle",
      "background-opacity": 0.08,
      "border-width": 1.5,
      "border-style": "dashed",
      "border-color": (n) => KIND_COLOURS[n.data("kind")] || "#888",
      "text-valign": "top",
      "text-margin-y": -3,
      "font-weight": "bold",
      padding: 14,
    },
  },
  { selector: "node.centre", style: { "border-width": 3, "border-color": "#f2b705", "font-weight": "bold", "font-size": 12 } },
  { selector: "node.minor", style: { "text-opacity": 0 } },
  { selector: "node.minor.near, node.minor:selected", style: { "text-opacity": 1 } },
  { selector: "node:selected", style: { "border-width": 3, "border-color": "#e4572e" } },
  {
    selector: "edge",
    style: {
      width: "data(width)",
      "curve-style": "haystack",
      "line-color": "#9aa5b1",
      opacity: "data(alpha)",
    },
  },
  { selector: "edge.coop", style: { "line-color": "#3a8d5c" } },
  { selector: "edge.conflict", style: { "line-color": "#c8423b" } },
  { selector: "edge.mixed", style: { "line-color": "#d08c2b" } },
  { selector: "edge.contested", style: { "line-style": "dashed", "curve-style": "straight" } },
  { selector: "edge.compound", style: { "curve-style": "straight" } },
  { selector: "edge:selected", style: { opacity: 1, "line-color": "#1d2733", "z-index": 10 } },
  { selector: ".faded", style: { opacity: 0.12 } },
];

export function createView(container, { onEdge, onNode }) {
  const cy = cytoscape({ container, style: STYLE, minZoom: 0.1, maxZoom: 4 });
  cy.on("tap", "edge", (event) => onEdge(event.target.data()));
  cy.on("tap", "node", (event) => onNode(event.target.data()));
  cy.on("mouseover", "node", (event) => {
    const hood = event.target.closedNeighborhood();
    cy.elements().not(hood).addClass("faded");
    hood.nodes().addClass("near");
  });
  cy.on("mouseout", "node", () => cy.elements().removeClass("faded near"));

  // Parts whose whole came in later (by expansion) move into it. Haystack edges cannot
  // end on a compound node, so the edges of every box are drawn straight.
  function nest() {
    cy.nodes().forEach((node) => {
      const whole = node.data("partOf");
      if (!whole || whole === node.id() || node.isChild()) return;
      const box = cy.getElementById(whole);
      if (!box.empty() && !box.ancestors().contains(node)) node.move({ parent: whole });
    });
    cy.edges(".compound").removeClass("compound");
    cy.nodes(":parent").connectedEdges().addClass("compound");
  }

  function layout(fit = true) {
    cy.layout({
      name: "fcose",
      quality: "default",
      randomize: fit,
      animate: !fit,
      animationDuration: 400,
      fit,
      padding: 30,
      nodeRepulsion: 12000,
      idealEdgeLength: 110,
      nodeSeparation: 90,
    }).run();
  }

  return {
    cy,
    replace(graph) {
      cy.batch(() => {
        cy.elements().remove();
        cy.add(toElements(graph));
        nest();
      });
      layout(true);
    },
    add(graph) {
      const scale = {
        maxWeight: Math.max(1, ...cy.nodes().map((n) => n.data("weight"))),
        maxCount: Math.max(1, ...cy.edges().map((e) => e.data("count"))),
      };
      const fresh = toElements(graph, scale).filter((element) => cy.getElementById(element.data.id).empty());
      cy.batch(() => {
        cy.add(fresh);
        nest();
      });
      layout(false);
      return fresh.length;
    },
    ids: () => cy.nodes().map((node) => node.id()),
    counts: () => ({ nodes: cy.nodes().length, edges: cy.edges().length }),
    // Each drawn compound: the parent's id and its children's ids.
    compounds: () =>
      Object.fromEntries(cy.nodes(":parent").map((p) => [p.id(), p.children().map((c) => c.id()).sort()])),
  };
}
