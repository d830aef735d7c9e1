// What is on screen lives in the URL, so a view can be shared and reloaded.

const DEFAULTS = { actors: ["prk"], depth: 1, maxNodes: 150, induced: true, rollup: false };

export function readState(search = window.location.search) {
  const query = new URLSearchParams(search);
  const actors = (query.get("actors") || "").split(",").filter(Boolean);
  return {
    actors: actors.length ? actors : DEFAULTS.actors,
    depth: Number(query.get("depth")) || DEFAULTS.depth,
    maxNodes: Number(query.get("max_nodes")) || DEFAULTS.maxNodes,
    induced: query.has("induced") ? query.get("induced") === "1" : DEFAULTS.induced,
    rollup: query.get("rollup") === "country",
    from: query.get("from") || null,
    to: query.get("to") || null,
  };
}

export function writeState(state) {
  const query = new URLSearchParams();
  query.set("actors", state.actors.join(","));
  query.set("depth", String(state.depth));
  query.set("max_nodes", String(state.maxNodes));
  query.set("induced", state.induced ? "1" : "0");
  if (state.rollup) query.set("rollup", "country");
  if (state.from) query.set("from", state.from);
  if (state.to) query.set("to", state.to);
  window.history.replaceState(null, "", `${window.location.pathname}?${query}`);
}

// The API's own parameters for the graph in view.
export function graphParams(state) {
  return {
    actors: state.actors.join(","),
    depth: state.depth,
    max_nodes: state.maxNodes,
    include: state.induced ? "induced" : undefined,
    rollup: state.rollup ? "country" : undefined,
    from: state.from,
    to: state.to,
  };
}
