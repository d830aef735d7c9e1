"""Search benchmark: `/v1/actors?q=` with names sampled from the graph's aliases, spelled as
people type them (lower case without hyphens, a first word cut short), over HTTP and
through the bare driver. `make bench` runs it with the query benchmark; alone:
`python -m bench.search_bench` times it on whatever is loaded."""

from __future__ import annotations

import argparse
from urllib.parse import quote

import neo4j

from app.core.config import Settings
from app.main import open_driver
from bench.api_bench import Case, run_api_bench
from queries.actors import search_actors
from queries.runner import records, run_read

# Alias names spread evenly over the keys: every run on the same data asks the same names.
SAMPLE_NAMES = """
MATCH (alias:Alias) WITH alias ORDER BY alias.key
WITH collect(alias.name) AS names
UNWIND range(0, $n - 1) AS i
RETURN names[(i * size(names)) / $n] AS name
"""

# The API pages 100 hits and asks for one more to know if there is more.
PAGE = 101


def typed(name: str, index: int) -> str:
    """The name as written, as typed in a hurry, or its first word cut short."""
    if index % 3 == 1:
        return name.lower().replace("-", " ").replace("(", "").replace(")", "")
    if index % 3 == 2:
        return name.split()[0][:5] if name.split() else name
    return name


def search_cases(driver: neo4j.Driver, settings: Settings, count: int) -> dict[str, list[Case]]:
    names = run_read(
        driver,
        settings.neo4j_database,
        120,
        lambda tx: [row["name"] for row in records(tx, SAMPLE_NAMES, n=count)],
    )
    cases = []
    for index, name in enumerate(names):
        text = typed(name, index)
        cases.append(
            Case("search", f"/v1/actors?q={quote(text)}", search_actors, (text, None, 0, PAGE))
        )
    return {"search": cases}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=200, help="Searches per concurrency.")
    args = parser.parse_args()
    settings = Settings()
    with open_driver(settings) as driver:
        results = run_api_bench(
            driver, settings, search_cases(driver, settings, args.requests), args.requests
        )
    for p in results:
        print(  # noqa: T201 - a command-line report
            f"{p.name} concurrency {p.concurrency} via {p.via}: {p.count} requests, "
            f"p50 {p.p50:.1f} ms, p95 {p.p95:.1f} ms, p99 {p.p99:.1f} ms"
        )


if __name__ == "__main__":
    main()
