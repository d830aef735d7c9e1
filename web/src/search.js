// Search an actor by name and add it as a centre.
import { api } from "./api.js";

export function createSearch(input, list, onPick) {
  let token = 0;
  async function suggest() {
    const q = input.value.trim();
    const mine = ++token;
    if (q.length < 2) {
      list.hidden = true;
      return;
    }
    const hits = await api.searchActors(q).catch(() => ({ data: [] }));
    if (mine !== token) return;
    list.replaceChildren(
      ...hits.data.map((hit) => {
        const item = document.createElement("li");
        item.innerHTML = `<b></b> <small></small>`;
        item.querySelector("b").textContent = hit.name;
        item.querySelector("small").textContent = `${hit.kind} · ${hit.id}`;
        item.dataset.id = hit.id;
        item.addEventListener("mousedown", (event) => {
          event.preventDefault();
          pick(hit.id);
        });
        return item;
      }),
    );
    list.hidden = hits.data.length === 0;
  }
  function pick(id) {
    input.value = "";
    list.hidden = true;
    onPick(id);
  }
  let debounce = null;
  input.addEventListener("input", () => {
    clearTimeout(debounce);
    debounce = setTimeout(suggest, 200);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "Enter") {
      const first = list.querySelector("li");
      if (first) pick(first.dataset.id);
    }
    if (event.key === "Escape") list.hidden = true;
  });
  input.addEventListener("blur", () => setTimeout(() => (list.hidden = true), 150));
}
