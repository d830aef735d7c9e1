// The API, same origin; a failed answer becomes an ApiError carrying its RFC 9457 problem body.

export class ApiError extends Error {
  constructor(problem) {
    super(problem.detail || problem.title || "request failed");
    this.problem = problem;
  }
}

export async function getJson(path, params = {}) {
  const query = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === "") continue;
    for (const item of Array.isArray(value) ? value : [value]) query.append(name, item);
  }
  const url = query.size ? `${path}?${query}` : path;
  let response;
  try {
    response = await fetch(url, { headers: { Accept: "application/json" } });
  } catch (error) {
    throw new ApiError({ title: "API unreachable", detail: String(error), status: 0 });
  }
  const body = await response.json().catch(() => ({}));
  if (!response.ok) {
    throw new ApiError({ status: response.status, title: response.statusText, ...body });
  }
  return body;
}

export const api = {
  searchActors: (q) => getJson("/v1/actors", { q, limit: 8 }),
  graph: (params) => getJson("/v1/graph", params),
  neighbours: (id, params) => getJson(`/v1/actors/${encodeURIComponent(id)}/neighbours`, params),
  extent: () => getJson("/v1/time/extent"),
  histogram: (params) => getJson("/v1/time/histogram", params),
  facts: (url) => getJson(url),
};
