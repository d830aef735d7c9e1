// Wires the explorer: URL state -> graph, time slider, search, expand and details.
import "./style.css";
import { api } from "./api.js";
import { readState, writeState, graphParams } from "./state.js";
import { createView, KIND_COLOURS } from "./view.js";
import { createSlider } from "./slider.js";
import { createSearch } from "./search.js";
import { showFacts, showLoading, showNode, showError } from "./panel.js";

const $ = (id) => document.getElementById(id);
const state = readState();
const status = $("status");
const errorBox = $("error");
const details = $("details");
const counts = $("counts");

// What the tests (and the curious) read: the last answer and what is drawn.
const explorer = { state, lastGraph: null, drawn: { nodes: 0, edges: 0 }, busy: 0, draws: 0, expansions: 0 };
window.explorer = explorer;

function busy(delta, text) {
  explorer.busy += delta;
  status.textContent = explorer.busy > 0 ? text || "Loading…" : "";
  status.classList.toggle("on", explorer.busy > 0);
  document.body.dataset.busy = String(explorer.busy > 0);
}

function updateCounts() {
  const drawn = view.counts();
  explorer.drawn = drawn;
  counts.dataset.nodes = String(drawn.nodes);
  counts.dataset.edges = String(drawn.edges);
  const graph = explorer.lastGraph;
  const cut = graph && graph.truncated ? ` of ${graph.total_nodes} (budget)` : "";
  counts.textContent = `${drawn.nodes} actors${cut} · ${drawn.edges} relations`;
}

async function guarded(task, text) {
  errorBox.hidden = true;
  busy(1, text);
  try {
    return await task();
  } catch (error) {
    showError(errorBox, error);
    return null;
  } finally {
    busy(-1);
  }
}

const view = createView($("graph"), {
  onEdge: (edge) => openEdge(edge),
  onNode: (node) => expand(node),
});
explorer.view = view;

async function openEdge(edge) {
  showLoading(details, `${edge.source} — ${edge.target}`);
  const template = explorer.lastGraph?.facts_url;
  if (!template) return;
  const url = template.replace("{source}", encodeURIComponent(edge.source)).replace("{target}", encodeURIComponent(edge.target));
  const page = await guarded(() => api.facts(`${url}&limit=50`), "Loading facts…");
  if (page) showFacts(details, edge, page);
}

async function expand(node) {
  showNode(details, node, null);
  const params = { ...graphParams(state), limit: 15, exclude: view.ids().join(",") };
  delete params.actors;
  delete params.depth;
  delete params.max_nodes;
  delete params.include;
  const page = await guarded(() => api.neighbours(node.id, params), `Expanding ${node.name}…`);
  if (!page) return;
  const graph = {
    nodes: page.data.map((item) => ({ ...item.node, depth: node.depth + 1 })),
    edges: page.data.flatMap((item) => item.edges),
  };
  const ids = new Set([...view.ids(), ...graph.nodes.map((n) => n.id)]);
  graph.edges = graph.edges.filter((e) => ids.has(e.source) && ids.has(e.target));
  const added = view.add(graph);
  explorer.expanded = { id: node.id, nodes: graph.nodes.length, edges: graph.edges.length, added };
  explorer.expansions += 1;
  updateCounts();
  showNode(details, node, graph.nodes.length);
}

let drawSeq = 0;
async function draw() {
  writeState(state);
  renderCentres();
  const mine = ++drawSeq;
  const graph = await guarded(() => api.graph(graphParams(state)), "Drawing the network…");
  if (!graph || mine !== drawSeq) return;
  explorer.lastGraph = graph;
  view.replace(graph);
  updateCounts();
  explorer.draws += 1;
  document.body.dataset.ready = "true";
}

// The slider spans the last ten years of the data at most: facts with an unknown start
// (memberships, old alliances) would otherwise stretch it over decades of flat bars.
let sliderStart = null;

async function refreshHistogram() {
  if (sliderStart === null) {
    const extent = await guarded(() => api.extent(), "Reading the time extent…");
    const last = extent?.overall?.last;
    const first = extent?.overall?.first;
    if (last && first) {
      const tenBack = `${Number(last.slice(0, 4)) - 9}-01`;
      sliderStart = first.slice(0, 7) > tenBack ? first.slice(0, 7) : tenBack;
    }
  }
  const histogram = await guarded(
    () =>
      api.histogram({
        resolution: "month",
        actors: state.actors.join(","),
        rollup: state.rollup ? "country" : undefined,
        from: sliderStart ?? undefined,
      }),
    "Counting facts per month…",
  );
  if (!histogram) return;
  const win = slider.setHistogram(histogram, state.from, state.to);
  state.from = win.from;
  state.to = win.to;
}

const slider = createSlider(
  { svg: $("histogram"), start: $("start"), end: $("end"), play: $("play"), output: $("window") },
  (win) => {
    state.from = win.from;
    state.to = win.to;
    draw();
  },
);

function renderCentres() {
  const box = $("centres");
  box.replaceChildren(
    ...state.actors.map((id) => {
      const chip = document.createElement("button");
      chip.type = "button";
      chip.className = "chip";
      chip.textContent = `${id} ×`;
      chip.title = "Remove this centre";
      chip.addEventListener("click", async () => {
        if (state.actors.length === 1) return;
        state.actors = state.actors.filter((a) => a !== id);
        await refreshHistogram();
        draw();
      });
      return chip;
    }),
  );
}

createSearch($("search"), $("suggestions"), async (id) => {
  if (!state.actors.includes(id)) state.actors = [...state.actors, id];
  await refreshHistogram();
  draw();
});

function bindControl(id, read, write) {
  const input = $(id);
  write(input);
  input.addEventListener("change", async () => {
    const rebucket = read(input);
    if (rebucket) await refreshHistogram();
    draw();
  });
}
bindControl("depth", (i) => void (state.depth = Number(i.value)), (i) => (i.value = String(state.depth)));
bindControl("max-nodes", (i) => void (state.maxNodes = Number(i.value)), (i) => (i.value = String(state.maxNodes)));
bindControl("induced", (i) => void (state.induced = i.checked), (i) => (i.checked = state.induced));
bindControl("rollup", (i) => (state.rollup = i.checked) || true, (i) => (i.checked = state.rollup));

$("kinds").replaceChildren(
  ...Object.entries(KIND_COLOURS).map(([kind, colour]) => {
    const item = document.createElement("span");
    item.className = "kind";
    item.innerHTML = `<i style="background:${colour}"></i>`;
    item.append(kind.replaceAll("_", " "));
    return item;
  }),
);

await refreshHistogram();
await draw();
