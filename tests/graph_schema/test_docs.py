"""The docs stay true to the graph.

Every recipe in docs/schema.md runs, read-only, against the bundled dataset and must return
what the article says; docs/curated-format.schema.json must equal the schema generated from
the model; and docs/schema.md must name every label, type, kind, status and index.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import neo4j
import neo4j.time
import networkx as nx
import pytest
import yaml

from app.core.config import REPO_ROOT, Settings
from graph_schema.ddl import FACT_INDEXED_PROPERTIES, schema_statements
from graph_schema.vocabulary import (
    FACT_CLASS_BY_TYPE,
    FACT_TYPES,
    ActorKind,
    FactClass,
    FactType,
    Label,
    Status,
    StructuralType,
)
from loaders.curated import parse_file, write_dataset
from loaders.curated_format import CuratedDataset
from tests.conftest import BUNDLED_DATASET

DOCS = REPO_ROOT / "docs"
SCHEMA_DOC = DOCS / "schema.md"
FORMAT_DOC = DOCS / "curated-format.md"
FORMAT_SCHEMA = DOCS / "curated-format.schema.json"
REGENERATE = (
    ".venv/bin/python -c 'import json; from loaders.curated_format import CuratedDataset; "
    "print(json.dumps(CuratedDataset.model_json_schema(), indent=2, sort_keys=True))' "
    "> docs/curated-format.schema.json"
)

Row = dict[str, Any]
Check = Callable[[list[Row]], None]

_RECIPE = re.compile(
    r"^<!-- recipe: (?P<name>[a-z0-9-]+) params: (?P<params>\{[^\n]*\}) -->\n"
    r"```cypher\n(?P<cypher>.*?)^```",
    re.MULTILINE | re.DOTALL,
)


@dataclass(frozen=True)
class Recipe:
    name: str
    params: dict[str, Any]
    cypher: str


def parse_recipes(text: str) -> list[Recipe]:
    """Every `<!-- recipe: NAME params: {...} -->` comment with the cypher block under it."""
    return [
        Recipe(match["name"], json.loads(match["params"]), match["cypher"])
        for match in _RECIPE.finditer(text)
    ]


DOC_TEXT = SCHEMA_DOC.read_text(encoding="utf-8")
RECIPES = parse_recipes(DOC_TEXT)
RECIPES_BY_NAME = {recipe.name: recipe for recipe in RECIPES}


def plain(value: Any) -> Any:
    """Neo4j temporal values as Python ones, inside lists and maps too."""
    if isinstance(value, neo4j.time.Date | neo4j.time.DateTime):
        return value.to_native()
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def run_read(driver: neo4j.Driver, database: str, cypher: str, params: dict[str, Any]) -> list[Row]:
    """Run in a read transaction, so a recipe that writes fails."""
    with driver.session(database=database, default_access_mode=neo4j.READ_ACCESS) as session:
        return session.execute_read(
            lambda tx: [plain(record.data()) for record in tx.run(cypher, params)]
        )


def ids(rows: list[Row], key: str = "id") -> set[str]:
    return {row[key] for row in rows}


# -- what each recipe must say about the bundled dataset ---------------------------------


def check_as_of(rows: list[Row]) -> None:
    by_type = {row["type"]: row for row in rows}
    # The mutual defence pact, signed in June 2024, is in force on 2024-07-01.
    assert "ALLIED_WITH" in by_type, by_type
    pact = by_type["ALLIED_WITH"]
    assert pact["id"] == "rus-prk-mutual-defence-pact"
    assert pact["valid_from"] == date(2024, 6, 1) and pact["from_precision"] == "month"
    assert pact["to_precision"] == "open"
    # Arms shipments since September 2023, asserted and denied.
    arms = by_type["SUPPLIED_ARMS_TO"]
    assert (arms["source"], arms["target"], arms["status"]) == ("prk", "rus", "contested")
    # The signing itself is June 2024 (month precision), so it ended on 2024-06-30.
    assert "SIGNED_AGREEMENT_WITH" not in by_type


def check_window(rows: list[Row]) -> None:
    found = ids(rows)
    assert {
        "prk-troops-to-russia-vladivostok",  # NIS: soldiers shipped 2024-10-08..13
        "zelenskyy-accused-prk-video-address",  # Sunday 2024-10-13
        "zelenskyy-accused-prk-parliament",  # Wednesday 2024-10-16
        "usa-monitors-prk-sanctions",  # the new monitoring team, 2024-10-16
        "rus-prk-mutual-defence-pact",  # ongoing
        "prk-supplied-arms-to-rus",  # ongoing
    } <= found, found
    assert "putin-visited-prk" not in found  # June 2024
    for row in rows:
        assert row["valid_from"] <= date(2024, 10, 31) and row["valid_to"] >= date(2024, 10, 1)


def check_as_recorded(rows: list[Row]) -> None:
    bundled_facts = {fact.id for fact in parse_file(BUNDLED_DATASET).facts}
    assert bundled_facts <= ids(rows), bundled_facts - ids(rows)
    for row in rows:
        if row["id"] in bundled_facts:
            assert row["version"] == 1 and row["retracted_at"] is None, row
            assert row["recorded_at"].tzinfo is not None


def check_fact_history(rows: list[Row]) -> None:
    assert len(rows) == 1, rows
    (only,) = rows
    assert only["version"] == 1 and only["retracted_at"] is None
    assert (only["type"], only["source"], only["target"]) == ("SUPPLIED_ARMS_TO", "prk", "rus")
    assert only["valid_from"] == date(2023, 9, 1)  # "since September 2023"
    assert only["status"] == "contested"


def check_claims(rows: list[Row]) -> None:
    stances = {(row["claimant"], row["stance"]) for row in rows}
    assert ("kor-nis", "asserts") in stances, stances
    assert ("the-kremlin", "denies") in stances, stances
    assert ("volodymyr-zelenskyy", "asserts") in stances, stances
    assert ("ukr-intelligence", "asserts") in stances, stances
    # The US voiced concern but has not made the accusation itself.
    assert not any(row["claimant"] == "usa" for row in rows)
    (denial,) = [row for row in rows if row["stance"] == "denies"]
    assert "fake news" in denial["quote"]
    assert (denial["date"], denial["date_precision"]) == (date(2024, 10, 1), "month")
    (nis,) = [row for row in rows if row["claimant"] == "kor-nis"]
    assert nis["date"] == date(2024, 10, 18)
    assert "kor-nis-statement" in nis["reported_in"]


def check_roles(rows: list[Row]) -> None:
    holders = {(row["person"], row["role"], row["office_in"]) for row in rows}
    # "On February 27, then-South Korean defence minister Shin Won-sik told reporters ..."
    assert ("shin-won-sik", "Defence minister", "kor") in holders, holders


def check_alias(rows: list[Row]) -> None:
    assert [(row["id"], row["kind"]) for row in rows] == [("prk", "state")]


def check_alias_search(rows: list[Row]) -> None:
    assert rows[0]["id"] == "the-kremlin", rows


def check_rollup(rows: list[Row]) -> None:
    by_id = {row["id"]: row for row in rows}
    # The Kursk incursion and the Bryansk strike are the army's, rolled up to Ukraine.
    assert by_id["ukr-attacked-rus-kursk"]["source"] == "ukr-armed-forces"
    assert by_id["ukr-attacked-rus-kursk"]["valid_from"] == date(2024, 8, 6)
    assert by_id["ukr-attacked-rus-bryansk-arsenal"]["source"] == "ukr-armed-forces"
    assert {"rus-at-war-with-ukr", "rus-invaded-ukr"} <= set(by_id)
    # A person is not a part: Zelenskyy's own accusations stay his.
    assert "zelenskyy-accused-prk-parliament" not in by_id


def check_contested(rows: list[Row]) -> None:
    by_id = {row["id"]: row for row in rows}
    assert set(by_id) == {"prk-supplied-arms-to-rus", "prk-troops-to-russia-vladivostok"}
    # "the US, Ukraine and South Korea say so while the Kremlin and Pyongyang deny it"
    arms = by_id["prk-supplied-arms-to-rus"]
    assert {"usa", "kor", "ukr-armed-forces", "volodymyr-zelenskyy"} <= set(arms["asserted_by"])
    assert arms["denied_by"] == ["prk", "the-kremlin"]
    troops = by_id["prk-troops-to-russia-vladivostok"]
    assert {"kor-nis", "ukr-intelligence"} <= set(troops["asserted_by"])
    assert troops["denied_by"] == ["the-kremlin"]


def check_event(rows: list[Row]) -> None:
    (event,) = rows
    assert (event["location"], event["country"]) == ("vladivostok", "rus")
    assert (event["date_from"], event["date_to"]) == (date(2024, 10, 8), date(2024, 10, 13))
    participants = {(p["actor"], p["role"]) for p in event["participants"]}
    assert ("rus-navy", "transporter") in participants, participants
    assert ("prk-armed-forces", "transferred troops") in participants, participants
    assert "kor-nis-statement" in event["sources"]
    assert [fact["id"] for fact in event["facts"]] == ["prk-troops-to-russia-vladivostok"]
    claims = {(claim["claimant"], claim["stance"]) for claim in event["claims"]}
    assert {("kor-nis", "asserts"), ("the-kremlin", "denies")} <= claims, claims


def check_weapons_of(rows: list[Row]) -> None:
    sightings = {(row["weapon"], row["event"], row["location"], row["date_from"]) for row in rows}
    assert (
        "hwasong-11",
        "kharkiv-hwasong-11-strike",
        "kharkiv",
        date(2024, 1, 2),
    ) in sightings, sightings
    assert (
        "prk-weapons-unspecified",
        "zaporizhia-north-korean-weapon-strike",
        "zaporizhia-region",
        date(2023, 12, 30),
    ) in sightings, sightings
    assert "bryansk-arsenal-strike" in ids(rows, "event")


def check_claims_by(rows: list[Row]) -> None:
    said = {(row["speaker"], row["stance"], row["fact"]) for row in rows}
    assert ("the-kremlin", "denies", "prk-supplied-arms-to-rus") in said, said
    assert ("the-kremlin", "denies", "prk-troops-to-russia-vladivostok") in said, said
    assert any(
        row["fact"] == "rus-prk-mutual-defence-pact" and row["quote"] == "quite unambiguous"
        for row in rows
    )
    # Only Russia and its parts: Pyongyang's denial is its own.
    assert ids(rows, "speaker") <= {"rus", "the-kremlin", "rus-navy"}


def check_loads(rows: list[Row]) -> None:
    # The fixture loaded the bundled file once: one finished load that recorded every fact.
    data = yaml.safe_load(BUNDLED_DATASET.read_text(encoding="utf-8"))
    newest = rows[0]
    assert newest["status"] == "finished" and newest["format"] == "curated"
    assert newest["file"].endswith(BUNDLED_DATASET.name)
    assert newest["created"] == len(data["facts"]) and newest["retracted"] == 0
    assert newest["started_at"] <= newest["finished_at"]


def check_class_months(rows: list[Row]) -> None:
    months = {row["month"] for row in rows}
    assert min(months) >= date(2023, 6, 1) and max(months) <= date(2024, 12, 1)
    by_key = {(row["month"], row["class"]): row["facts"] for row in rows}
    # Arms since September 2023: material cooperation from that month on, not before.
    assert by_key.get((date(2023, 9, 1), "material_cooperation"), 0) >= 1
    assert (
        by_key.get((date(2023, 8, 1), "material_cooperation"), 0)
        < by_key[(date(2023, 9, 1), "material_cooperation")]
    )


def window_pairs() -> list[tuple[str, str]]:
    """(source, target) of every VISITED, CONDEMNED or ACCUSED fact valid in 2024, from the
    dataset file: the window of the top-counterparts and pagerank recipes."""
    wanted = {"VISITED", "CONDEMNED", "ACCUSED"}
    lo, hi = date(2024, 1, 1), date(2024, 12, 31)
    pairs = []
    for fact in parse_file(BUNDLED_DATASET).facts:
        start = fact.valid_from.first_day if fact.valid_from else date.min
        end = fact.valid_to.last_day if fact.valid_to else date.max
        if fact.type.value in wanted and start <= hi and end >= lo and fact.source != fact.target:
            pairs.append((fact.source, fact.target))
    return pairs


def check_top_counterparts(rows: list[Row]) -> None:
    # The same count, worked out from the dataset file.
    counterparts: dict[str, set[str]] = {}
    for source, target in window_pairs():
        counterparts.setdefault(source, set()).add(target)
        counterparts.setdefault(target, set()).add(source)
    assert 0 < len(rows) <= 10
    for row in rows:
        assert row["counterparts"] == len(counterparts[row["id"]]), row
    assert [row["counterparts"] for row in rows] == sorted(
        (row["counterparts"] for row in rows), reverse=True
    )
    assert rows[0]["counterparts"] == max(len(c) for c in counterparts.values())


def check_pagerank(rows: list[Row]) -> None:
    # networkx on the same projection: undirected, each pair weighted by its facts.
    graph = nx.Graph()
    for source, target in window_pairs():
        weight = graph.get_edge_data(source, target, {"weight": 0})["weight"]
        graph.add_edge(source, target, weight=weight + 1)
    expected = nx.pagerank(graph, weight="weight", tol=1.0e-9, max_iter=1000)
    assert {row["id"] for row in rows} == set(expected), "top is past the window's actors"
    total = sum(row["score"] for row in rows)
    for row in rows:
        assert row["score"] / total == pytest.approx(expected[row["id"]], abs=1.0e-4), row
    assert [row["score"] for row in rows] == sorted((row["score"] for row in rows), reverse=True)


CHECKS: dict[str, Check] = {
    "as-of": check_as_of,
    "window": check_window,
    "as-recorded": check_as_recorded,
    "fact-history": check_fact_history,
    "claims": check_claims,
    "roles": check_roles,
    "alias": check_alias,
    "alias-search": check_alias_search,
    "rollup": check_rollup,
    "contested": check_contested,
    "event": check_event,
    "weapons-of": check_weapons_of,
    "claims-by": check_claims_by,
    "class-months": check_class_months,
    "top-counterparts": check_top_counterparts,
    "pagerank": check_pagerank,
    "loads": check_loads,
}


# -- the recipes -------------------------------------------------------------------------


def test_every_recipe_has_a_check_and_every_check_a_recipe() -> None:
    names = [recipe.name for recipe in RECIPES]
    assert len(names) == len(set(names)), f"recipe names repeat: {names}"
    assert set(names) == set(CHECKS), (
        f"recipes without a check: {sorted(set(names) - set(CHECKS))}; "
        f"checks without a recipe: {sorted(set(CHECKS) - set(names))}"
    )
    # Every cypher block is a recipe, and every recipe comment was parsed.
    assert DOC_TEXT.count("```cypher") == len(RECIPES)
    assert DOC_TEXT.count("<!-- recipe:") == len(RECIPES)


@pytest.mark.parametrize("recipe", RECIPES, ids=[recipe.name for recipe in RECIPES])
def test_recipe_answers_what_the_article_says(
    recipe: Recipe, bundled: neo4j.Driver, settings: Settings
) -> None:
    check = CHECKS.get(recipe.name)
    assert check is not None, f"recipe {recipe.name!r} in docs/schema.md has no check in CHECKS"
    rows = run_read(bundled, settings.neo4j_database, recipe.cypher, recipe.params)
    assert rows, f"recipe {recipe.name!r} returned no rows with {recipe.params}"
    check(rows)


# -- transaction time, with a correction recorded at known instants -----------------------

CHECK_DATASET = "docs-recipe-check"
CHECK_FACT = "docs-check-cooperation"


def _check_dataset(confidence: float) -> CuratedDataset:
    return CuratedDataset.model_validate(
        {
            "format": "tkg-curated/1",
            "dataset": {"id": CHECK_DATASET, "title": "Transaction-time check of the docs"},
            "sources": [{"id": "docs-check-wire", "name": "Check wire", "kind": "news_media"}],
            "actors": [
                {"id": "docs-check-a", "name": "Docs check actor A", "kind": "organisation"},
                {"id": "docs-check-b", "name": "Docs check actor B", "kind": "organisation"},
            ],
            "facts": [
                {
                    "id": CHECK_FACT,
                    "type": "COOPERATED_WITH",
                    "source": "docs-check-a",
                    "target": "docs-check-b",
                    "valid_from": "2000-01",
                    "sources": ["docs-check-wire"],
                    "confidence": confidence,
                }
            ],
        }
    )


@pytest.fixture
def check_data(bundled: neo4j.Driver, settings: Settings) -> Iterator[neo4j.Driver]:
    """The bundled graph plus a small dataset of its own, removed again afterwards."""
    try:
        yield bundled
    finally:
        bundled.execute_query(
            "MATCH (alias:Alias)-[:REFERS_TO]->(:Actor {dataset: $dataset}) DETACH DELETE alias",
            dataset=CHECK_DATASET,
            database_=settings.neo4j_database,
        )
        bundled.execute_query(
            "MATCH (n) WHERE n.dataset = $dataset OR (n:Dataset AND n.id = $dataset) "
            "DETACH DELETE n",
            dataset=CHECK_DATASET,
            database_=settings.neo4j_database,
        )


def test_transaction_time_recipes_see_a_correction(
    check_data: neo4j.Driver, settings: Settings
) -> None:
    database = settings.neo4j_database
    recorded = datetime(2001, 1, 1, tzinfo=UTC)
    corrected = datetime(2001, 2, 1, tzinfo=UTC)
    write_dataset(check_data, database, _check_dataset(confidence=0.9), now=recorded)
    write_dataset(check_data, database, _check_dataset(confidence=0.5), now=corrected)

    def held_at(moment: datetime) -> dict[str, Row]:
        recipe = RECIPES_BY_NAME["as-recorded"]
        rows = run_read(check_data, database, recipe.cypher, {"known_at": moment.isoformat()})
        return {row["id"]: row for row in rows}

    assert held_at(recorded - timedelta(seconds=1)) == {}
    between = held_at(recorded + timedelta(days=1))
    assert set(between) == {CHECK_FACT}, "the bundled facts were recorded later"
    assert between[CHECK_FACT]["version"] == 1
    assert between[CHECK_FACT]["retracted_at"] == corrected
    assert held_at(corrected)[CHECK_FACT]["version"] == 2
    assert held_at(corrected)[CHECK_FACT]["retracted_at"] is None

    recipe = RECIPES_BY_NAME["fact-history"]
    history = run_read(check_data, database, recipe.cypher, {"fact_id": CHECK_FACT})
    assert [row["version"] for row in history] == [1, 2]
    assert [row["confidence"] for row in history] == [0.9, 0.5]
    assert history[0]["recorded_at"] == recorded
    assert history[0]["retracted_at"] == history[1]["recorded_at"] == corrected


# -- the format reference ------------------------------------------------------------------


def test_the_json_schema_is_generated_from_the_model() -> None:
    expected = json.dumps(CuratedDataset.model_json_schema(), indent=2, sort_keys=True) + "\n"
    actual = FORMAT_SCHEMA.read_text(encoding="utf-8") if FORMAT_SCHEMA.exists() else ""
    assert actual == expected, (
        f"{FORMAT_SCHEMA.relative_to(REPO_ROOT)} is stale; regenerate it from the repo root "
        f"with:\n  {REGENERATE}"
    )


def test_the_format_example_is_a_valid_dataset(tmp_path: Path) -> None:
    blocks = re.findall(r"^```yaml\n(.*?)^```", FORMAT_DOC.read_text(encoding="utf-8"), re.M | re.S)
    assert blocks, "docs/curated-format.md has no yaml example"
    for index, block in enumerate(blocks):
        path = tmp_path / f"example-{index}.yaml"
        path.write_text(block, encoding="utf-8")
        parse_file(path)


# -- the vocabulary is documented --------------------------------------------------------


def test_schema_doc_names_every_label_type_kind_status_and_index() -> None:
    terms = [
        *(label.value for label in Label),
        *(fact_type.value for fact_type in FactType),
        *(structural.value for structural in StructuralType),
        *(kind.value for kind in ActorKind),
        *(status.value for status in Status),
        *(fact_class.value for fact_class in FactClass),
    ]
    fact_indexes = {
        f"rel_{fact_type.value.lower()}_{prop}"
        for fact_type in FactType
        for prop in FACT_INDEXED_PROPERTIES
    }
    # Per-type relationship indexes are documented by their pattern, the rest by name.
    terms += [s.name for s in schema_statements() if s.name not in fact_indexes]
    missing = [term for term in terms if f"`{term}`" not in DOC_TEXT]
    assert not missing, f"docs/schema.md does not mention: {missing}"
    for prop in FACT_INDEXED_PROPERTIES:
        assert f"rel_<type>_{prop}" in DOC_TEXT


def test_schema_doc_lists_the_class_of_every_fact_type() -> None:
    missing = [
        f"{fact_type.value} -> {fact_class.value}"
        for fact_type, fact_class in FACT_CLASS_BY_TYPE.items()
        if f"| `{fact_type.value}` | `{fact_class.value}` |" not in DOC_TEXT
    ]
    assert not missing, f"docs/schema.md lacks the class of: {missing}"


# -- recipes are bound to indexes ----------------------------------------------------------

# Plan operators that read every fact: every relationship (of a type), or every actor and
# then all of their relationships. A label scan over a small label (Load) is no such thing.
RELATIONSHIP_SCANS = {
    "DirectedAllRelationshipsScan",
    "UndirectedAllRelationshipsScan",
    "DirectedRelationshipTypeScan",
    "UndirectedRelationshipTypeScan",
}
# Recipes with no actor to start from: one UNION ALL branch per fact type, each a seek.
EVERY_TYPE_RECIPES = {"as-recorded", "fact-history", "contested", "event"}


def fact_scans(plan: dict[str, Any]) -> Iterator[str]:
    operator = str(plan["operatorType"]).split("@")[0]
    details = str(plan.get("args", {}).get("Details", ""))
    if operator in RELATIONSHIP_SCANS or operator == "AllNodesScan":
        yield operator
    elif operator == "NodeByLabelScan" and ":Actor" in details:
        yield f"{operator} {details}"
    for child in plan.get("children", []):
        yield from fact_scans(child)


@pytest.mark.parametrize("recipe", RECIPES, ids=[recipe.name for recipe in RECIPES])
def test_recipe_seeks_an_index_instead_of_scanning(
    recipe: Recipe, bundled: neo4j.Driver, settings: Settings
) -> None:
    with bundled.session(database=settings.neo4j_database) as session:
        result = session.run("PROFILE " + recipe.cypher, recipe.params)
        profile = result.consume().profile
    assert profile is not None
    scans = set(fact_scans(profile))
    assert not scans, f"recipe {recipe.name!r} scans: {sorted(scans)}"


@pytest.mark.parametrize("name", sorted(EVERY_TYPE_RECIPES))
def test_a_recipe_over_every_fact_type_names_each_one(name: str) -> None:
    # A type left out of the branches is a silent gap in the answer, e.g. after a new
    # fact type joins the vocabulary.
    named = re.findall(r"-\[r:([A-Z_]+)\b", RECIPES_BY_NAME[name].cypher)
    assert sorted(named) == sorted(FACT_TYPES), (
        f"{name}: missing {sorted(FACT_TYPES - set(named))}, "
        f"repeated {sorted({t for t in named if named.count(t) > 1})}"
    )


# Each recipe on a slice of ICEWS18 (every 150th event) within this budget, enforced as
# the transaction's timeout: a recipe that scans instead of seeking runs past it. Recipes
# about curated things (claims, roles, aliases, weapons) run with their own parameters:
# event data has none of these, but they must not read it all to find that out.
ICEWS18_RECIPE_BUDGET_SECONDS = 10.0
ICEWS18_PARAMS: dict[str, dict[str, Any]] = {
    "as-of": {"a": "usa", "b": "chn", "day": "2018-06-15"},
    "window": {"actor": "rus", "window_from": "2018-06-01", "window_to": "2018-06-30"},
    "rollup": {"actor": "usa"},
    "class-months": {"a": "usa", "b": "chn", "from": "2018-01-01", "to": "2018-10-31"},
    "top-counterparts": {"from": "2018-06-01", "to": "2018-06-30", "top": 10},
    "pagerank": {"from": "2018-06-01", "to": "2018-06-30", "top": 10},
    "as-recorded": {"known_at": "2999-12-31"},
    "fact-history": {},  # the id of a fact of the slice, filled in below
    "contested": {"status": "contested"},
    "event": {"event": "prk-soldiers-shipped-to-vladivostok"},
}


def test_recipes_answer_on_an_icews18_slice_within_their_budget(
    db: neo4j.Driver, settings: Settings, shared_datasets: Path, tmp_path: Path
) -> None:
    from loaders.bulk.icews18 import parse_icews18
    from loaders.bulk.writer import BulkWriter
    from tests.api.test_crosscheck import icews18_slice

    days = icews18_slice(shared_datasets, tmp_path / "icews18")
    BulkWriter(db, settings.neo4j_database, batch_size=1000).load(
        parse_icews18(tmp_path / "icews18")
    )
    one_fact = min(days)
    answered = {}
    for recipe in RECIPES:
        name = recipe.name
        params = ICEWS18_PARAMS.get(name, recipe.params)
        if name == "fact-history":
            params = {"fact_id": one_fact}
        work = neo4j.unit_of_work(timeout=ICEWS18_RECIPE_BUDGET_SECONDS)(
            lambda tx, recipe=recipe, params=params: list(tx.run(recipe.cypher, params))
        )
        with db.session(database=settings.neo4j_database) as session:
            answered[name] = len(session.execute_read(work))
            # On bulk-sized data too: the planner could prefer a scan where statistics
            # say a seek keeps most rows (every fact recorded before 2999).
            profiled = session.run("PROFILE " + recipe.cypher, params)
            list(profiled)
            profile = profiled.consume().profile
        assert profile is not None
        assert not set(fact_scans(profile)), f"{name} scans on ICEWS18"
    assert answered["top-counterparts"] == 10 and answered["class-months"] > 0, answered
    assert answered["pagerank"] > 0, answered
    # Every fact of the slice is held now, once; one fact has one version.
    assert answered["as-recorded"] == len(days), answered
    assert answered["fact-history"] == 1, answered
