"""The explorer in a real browser (Debian's chromium through Playwright): what it draws agrees
with the API's answers, and an edge opens its facts and sources."""

from __future__ import annotations

import os
import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn

from app.core.config import REPO_ROOT, Settings
from app.main import create_app

pytestmark = pytest.mark.usefixtures("bundled")

CHROMIUM = Path("/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = REPO_ROOT / "tests" / "artifacts"


def missing(reason: str) -> None:
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (CI installs it: .ci/run)")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server(settings: Settings) -> Iterator[str]:
    """The API with the built explorer, on a free local port, for a real browser."""
    if not (settings.explorer_dir / "index.html").is_file():
        missing("the explorer is not built: run `make web` (needs Node and npm)")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(create_app(settings), host="127.0.0.1", port=port, log_level="warning")
    instance = uvicorn.Server(config)
    thread = threading.Thread(target=instance.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not instance.started:
        assert time.monotonic() < deadline, "API did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    instance.should_exit = True
    thread.join(timeout=10)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.exists() or shutil.which("chromium") is None:
        missing("Debian's chromium is not installed: apt-get install -y chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


def graph_answer(server: str, **params: Any) -> dict[str, Any]:
    """What the API answers for the explorer's default view with these parameters."""
    query = {"depth": 1, "max_nodes": 150, "include": "induced", **params}
    body: dict[str, Any] = httpx.get(f"{server}/v1/graph", params=query, timeout=30).json()
    return body


def api_counts(server: str, **params: Any) -> tuple[int, int]:
    body = graph_answer(server, **params)
    return len(body["nodes"]), len(body["edges"])


def open_page(browser: Any) -> tuple[Any, list[str]]:
    """A page that records console errors and uncaught exceptions."""
    page = browser.new_page(viewport={"width": 1400, "height": 860})
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda error: problems.append(str(error)))
    return page, problems


def drawn(page: Any) -> tuple[int, int]:
    counts = page.locator("#counts")
    return int(counts.get_attribute("data-nodes")), int(counts.get_attribute("data-edges"))


def wait_for(page: Any, counter: str, above: int, timeout: float = 30.0) -> None:
    # Polled from here rather than with wait_for_function, whose in-page predicate is an
    # eval that the API's Content-Security-Policy (script-src 'self') rightly refuses.
    ready = (
        f"() => Boolean(window.explorer && window.explorer.{counter} > {above} "
        "&& !window.explorer.busy)"
    )
    deadline = time.monotonic() + timeout
    while not page.evaluate(ready):
        if time.monotonic() > deadline:
            raise AssertionError(f"explorer.{counter} never passed {above} in {timeout:g} s")
        page.wait_for_timeout(100)


def click_element(page: Any, selector: str) -> None:
    """Click a node or edge of the Cytoscape canvas where it is drawn. An edge is clicked
    at a point of its line that no other node covers: the layout may put a node on its
    midpoint, and the click would then pick the node."""
    box = page.locator("#graph").bounding_box()
    x, y = page.evaluate(
        f"""() => {{
            const cy = window.explorer.view.cy;
            const element = cy.$({selector!r})[0];
            if (element.isNode()) {{
                const p = element.renderedPosition();
                return [p.x, p.y];
            }}
            const a = element.source().renderedPosition();
            const b = element.target().renderedPosition();
            const covered = (x, y) => cy.nodes().some(node => {{
                const box = node.renderedBoundingBox({{includeLabels: false}});
                const inside = x >= box.x1 && x <= box.x2 && y >= box.y1 && y <= box.y2;
                // Its own ends and the boxes it crosses to reach them do not count.
                return inside && !node.isParent() && !element.connectedNodes().contains(node);
            }});
            for (const t of [0.5, 0.4, 0.6, 0.3, 0.7, 0.2, 0.8]) {{
                const x = a.x + t * (b.x - a.x), y = a.y + t * (b.y - a.y);
                if (!covered(x, y)) return [x, y];
            }}
            const m = element.renderedMidpoint();
            return [m.x, m.y];
        }}"""
    )
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_search_window_expand_and_edge_facts_agree_with_the_api(server: str, browser: Any) -> None:
    page, problems = open_page(browser)

    page.goto(f"{server}/explorer/?actors=prk&from=2024-01&to=2024-12")
    wait_for(page, "draws", 0)
    assert drawn(page) == api_counts(server, actors="prk", **{"from": "2024-01", "to": "2024-12"})

    # Search: Russia joins North Korea as a centre.
    draws = page.evaluate("window.explorer.draws")
    page.fill("#search", "Russia")
    page.wait_for_selector("#suggestions li[data-id='rus']")
    page.click("#suggestions li[data-id='rus']")
    wait_for(page, "draws", draws)
    window = page.evaluate("[window.explorer.state.from, window.explorer.state.to]")
    with_russia = api_counts(server, actors="prk,rus", **{"from": window[0], "to": window[1]})
    assert drawn(page) == with_russia
    assert "actors=prk%2Crus" in page.url or "actors=prk,rus" in page.url

    # A narrower window: June 2024 alone.
    draws = page.evaluate("window.explorer.draws")
    page.evaluate(
        """() => {
            const index = [...document.querySelectorAll('#histogram rect')]
                .findIndex(r => r.textContent.startsWith('2024-06'));
            for (const id of ['start', 'end']) {
                const input = document.getElementById(id);
                input.value = String(index);
                input.dispatchEvent(new Event('input'));
            }
        }"""
    )
    wait_for(page, "draws", draws)
    june = api_counts(server, actors="prk,rus", **{"from": "2024-06", "to": "2024-06"})
    assert drawn(page) == june and june != with_russia
    assert "from=2024-06" in page.url and "to=2024-06" in page.url

    # Expand a node: its neighbours not yet drawn come in, as the API lists them.
    before = drawn(page)
    held = page.evaluate("window.explorer.view.ids()")
    target = "ukr" if "ukr" in held else sorted(set(held) - {"prk", "rus"})[0]
    expected = httpx.get(
        f"{server}/v1/actors/{target}/neighbours",
        params={"from": "2024-06", "to": "2024-06", "exclude": ",".join(held), "limit": 15},
        timeout=30,
    ).json()
    click_element(page, f"#{target}")
    wait_for(page, "expansions", 0)
    assert drawn(page)[0] == before[0] + len(expected["data"])

    # Click an edge: its facts with dates and sources.
    edge = page.evaluate(
        "window.explorer.view.cy.edges().sort((a, b) => b.data('count') - a.data('count'))[0].id()"
    )
    click_element(page, f"edge[id = {edge!r}]")
    page.wait_for_selector("#details .fact .sources")
    source, target_id = edge.split("|")[:2]
    facts = httpx.get(
        f"{server}/v1/relationships",
        params={"a": source, "b": target_id, "from": "2024-06", "to": "2024-06", "limit": 50},
        timeout=30,
    ).json()["data"]
    text = page.inner_text("#details")
    named = [s for fact in facts for s in fact["sources"]]
    assert named and any(name in text for name in named)

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "explorer.png"))
    assert problems == [], problems
    page.close()


def test_rollup_to_countries_draws_parts_inside_their_state(server: str, browser: Any) -> None:
    page, problems = open_page(browser)

    # The Kremlin is PART_OF Russia; both are centres.
    page.goto(f"{server}/explorer/?actors=rus,the-kremlin&from=2024-01&to=2024-12")
    wait_for(page, "draws", 0)
    draws = page.evaluate("window.explorer.draws")
    page.check("#rollup")
    wait_for(page, "draws", draws)
    assert "rollup=country" in page.url

    window = page.evaluate("[window.explorer.state.from, window.explorer.state.to]")
    answer = graph_answer(
        server, actors="rus,the-kremlin", rollup="country", **{"from": window[0], "to": window[1]}
    )
    expected: dict[str, list[str]] = {}
    for node in answer["nodes"]:
        if node["parent"]:
            expected.setdefault(node["parent"], []).append(node["id"])
    assert expected.get("rus") == ["the-kremlin"], expected

    def compounds() -> dict[str, list[str]]:
        drawn_boxes: dict[str, list[str]] = page.evaluate("window.explorer.view.compounds()")
        return drawn_boxes

    assert compounds() == {parent: sorted(kids) for parent, kids in expected.items()}
    # Every node and edge of the answer is drawn, the box's own edges too.
    assert drawn(page) == (len(answer["nodes"]), len(answer["edges"]))
    box_edges = page.evaluate("window.explorer.view.cy.$id('rus').connectedEdges().length")
    assert box_edges == sum("rus" in (e["source"], e["target"]) for e in answer["edges"]) > 0
    # The layout keeps each part inside its box.
    inside = page.evaluate(
        """() => window.explorer.view.cy.nodes(':child').every((child) => {
            const box = child.parent().boundingBox();
            const p = child.position();
            return p.x >= box.x1 && p.x <= box.x2 && p.y >= box.y1 && p.y <= box.y2;
        })"""
    )
    assert inside

    # The URL holds the state: opened again, it draws the same boxes.
    shared = page.url
    again, again_problems = open_page(browser)
    again.goto(shared)
    wait_for(again, "draws", 0)
    assert again.is_checked("#rollup")
    assert again.evaluate("window.explorer.view.compounds()") == compounds()

    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "explorer-rollup.png"))
    assert problems + again_problems == [], problems + again_problems
    again.close()
    page.close()


def test_a_problem_body_is_shown_to_the_user(server: str, browser: Any) -> None:
    page = browser.new_page()
    page.goto(f"{server}/explorer/?actors=atlantis&from=2024&to=2024")
    page.wait_for_selector("#error:not([hidden])")
    assert "atlantis" in page.inner_text("#error")
    page.close()
