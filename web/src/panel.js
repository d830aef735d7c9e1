// The side panel: the facts behind an edge, or what a node is.

function el(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function dated(fact) {
  const from = fact.valid_from ?? "…";
  const to = fact.valid_to ?? "ongoing";
  const span = from === to ? from : `${from} – ${to}`;
  const precisions = new Set([fact.precision.valid_from, fact.precision.valid_to]);
  precisions.delete("open");
  return `${span} (${[...precisions].join("/") || "open"} precision)`;
}

export function showLoading(box, title) {
  box.replaceChildren(el("h2", "", title), el("p", "hint", "Loading facts…"));
}

export function showFacts(box, edge, page) {
  const header = el("h2", "", `${edge.source} — ${edge.target}`);
  const summary = el(
    "p",
    "summary",
    `${edge.count} fact${edge.count === 1 ? "" : "s"}, ${edge.first ?? "…"} to ${edge.last ?? "ongoing"}`,
  );
  const list = el("ol", "facts");
  for (const fact of page.data) {
    const item = el("li", `fact ${fact.status}`);
    item.dataset.factId = fact.id;
    const head = el("div", "fact-head");
    head.append(el("span", "type", fact.type.replaceAll("_", " ").toLowerCase()), el("span", `status ${fact.status}`, fact.status));
    item.append(head);
    item.append(el("div", "parties", `${fact.source_name ?? fact.source} → ${fact.target_name ?? fact.target}`));
    item.append(el("div", "when", dated(fact)));
    if (fact.description) item.append(el("div", "desc", fact.description));
    if (fact.code_text) item.append(el("div", "desc", fact.code_text));
    const sources = el("div", "sources");
    sources.append(el("b", "", "Sources: "), document.createTextNode(fact.sources.length ? fact.sources.join(", ") : "none recorded"));
    item.append(sources);
    if (fact.asserted_by.length) item.append(el("div", "claims", `Claimed by ${fact.asserted_by.join(", ")}`));
    if (fact.denied_by.length) item.append(el("div", "denials", `Denied by ${fact.denied_by.join(", ")}`));
    if (fact.confidence !== null && fact.confidence !== undefined) {
      item.append(el("div", "confidence", `Confidence ${Math.round(fact.confidence * 100)}%`));
    }
    list.append(item);
  }
  const more = page.next ? el("p", "hint", `Showing the first ${page.data.length}.`) : null;
  box.replaceChildren(header, summary, list, ...(more ? [more] : []));
}

export function showNode(box, node, added) {
  box.replaceChildren(
    el("h2", "", node.name),
    el("p", "summary", `${node.kind.replaceAll("_", " ")} · ${node.id}`),
    el("p", "", `${node.weight} facts on ${node.degree} drawn edges, ${node.depth} hop${node.depth === 1 ? "" : "s"} from the centre.`),
    el("p", "hint", added === null ? "Expanding…" : `Expanded: ${added} new neighbour${added === 1 ? "" : "s"} drawn.`),
  );
}

export function showError(box, error) {
  const problem = error.problem || { title: "Error", detail: String(error) };
  box.replaceChildren(el("strong", "", problem.title || "Error"), el("span", "", ` ${problem.detail || ""}`));
  if (problem.type && problem.type.startsWith("http")) {
    const link = el("a", "", "what this means");
    link.href = problem.type;
    link.target = "_blank";
    box.append(document.createTextNode(" · "), link);
  }
  box.hidden = false;
}
