"""Bulk loading against the real Neo4j: counts, idempotency, interruption, bad rows, identity."""

from __future__ import annotations

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import neo4j
import pytest

from app.core.config import REPO_ROOT, Settings
from loaders.bulk.load import open_bulk
from loaders.bulk.writer import BulkRowError, BulkWriter, OnError
from loaders.curated import load_curated_file
from queries.actors import resolve_actors
from queries.runner import run_read
from tests.conftest import BUNDLED_DATASET
from tests.utils import consultation, counts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bulk"


def load(driver: neo4j.Driver, settings: Settings, path: Path, **options: object) -> BulkWriter:
    mentions = options.pop("mentions", ())
    records, total, _ = open_bulk(path, mentions=mentions)  # type: ignore[arg-type]
    writer = BulkWriter(driver, settings.neo4j_database, batch_size=500, **options)  # type: ignore[arg-type]
    writer.load(records, total_rows=total)
    return writer


def dataset_facts(driver: neo4j.Driver, settings: Settings, dataset: str) -> int:
    records, _, _ = driver.execute_query(
        "MATCH ()-[r]->() WHERE r.dataset = $dataset RETURN count(r) AS n",
        dataset=dataset,
        database_=settings.neo4j_database,
    )
    return int(records[0]["n"])


def icews18_slice(shared: Path, tmp_path: Path, rows: int) -> Path:
    folder = tmp_path / "icews18"
    folder.mkdir()
    for name in ("entity2id.txt", "relation2id.txt"):
        shutil.copy(shared / "icews18" / name, folder / name)
    with (
        (shared / "icews18" / "train.txt").open() as source,
        (folder / "train.txt").open("w") as out,
    ):
        for _ in range(rows):
            out.write(source.readline())
    return folder


def test_icews18_slice_loads_every_quadruple_once_and_reloads_to_the_same_counts(
    db: neo4j.Driver, settings: Settings, shared_datasets: Path, tmp_path: Path
) -> None:
    folder = icews18_slice(shared_datasets, tmp_path, 3000)
    quadruples = {
        tuple(line.split("\t")) for line in (folder / "train.txt").read_text().splitlines()
    }
    writer = load(db, settings, folder)
    assert writer.summary.events_written == len(quadruples) == writer.summary.rows_read
    assert dataset_facts(db, settings, "icews18") == len(quadruples)
    entities = {q[0] for q in quadruples} | {q[2] for q in quadruples}
    assert writer.summary.actors_created >= len(entities) * 0.9
    once = counts(db, settings.neo4j_database)
    again = load(db, settings, folder)
    assert again.summary.events_written == 0 and again.summary.actors_created == 0
    assert writer.summary.aliases_created >= len(entities) * 0.9
    assert again.summary.aliases_created == 0
    assert again.summary.events_existing == len(quadruples)
    assert counts(db, settings.neo4j_database) == once


def test_gdelt_events_with_mentions_count_what_the_file_holds(
    db: neo4j.Driver, settings: Settings, shared_datasets: Path, tmp_path: Path
) -> None:
    events = shared_datasets / "gdelt2-events" / "20150218231500.export.CSV"
    mentions = shared_datasets / "gdelt2-mentions" / "20150218231500.mentions.CSV"
    rows = [line.split("\t") for line in events.read_text().splitlines()]
    two_sided = [r for r in rows if r[5].strip() and r[15].strip()]
    mention_rows = mentions.read_text().splitlines()
    writer = load(
        db,
        settings,
        events,
        mentions=[mentions],
        on_error=OnError.SKIP,
        rejects_path=tmp_path / "rejects.tsv",
    )
    summary = writer.summary
    assert summary.rows_read == len(rows)
    assert summary.events_written == len(two_sided)
    assert summary.rows_rejected == len(rows) - len(two_sided)
    assert summary.mentions_read == len(mention_rows)
    rejects = list(csv.reader((tmp_path / "rejects.tsv").open(), delimiter="\t"))[1:]
    assert len(rejects) == summary.rows_rejected
    records, _, _ = db.execute_query(
        "MATCH (s:Source)-[:MADE]->(c:Claim) "
        "RETURN count(c) AS claims, count(DISTINCT s) AS outlets",
        database_=settings.neo4j_database,
    )
    assert records[0]["claims"] == summary.mentions_written > 0
    one = two_sided[0]
    provenance, _, _ = db.execute_query(
        "MATCH (s:Source)-[:MADE]->(c:Claim {fact_id: $id}) "
        "RETURN s.id AS source, c.confidence AS confidence",
        id=f"gdelt2:{one[0]}",
        database_=settings.neo4j_database,
    )
    expected = [m for m in mention_rows if m.split("\t")[0] == one[0]]
    assert provenance and len(provenance) <= len(expected)
    assert all(0 <= p["confidence"] <= 1 for p in provenance)


def test_acled_rows_are_written_or_rejected_never_lost(
    db: neo4j.Driver, settings: Settings, shared_datasets: Path, tmp_path: Path
) -> None:
    path = shared_datasets / "acled" / "UkraineACLED.csv"
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    writer = load(db, settings, path, on_error=OnError.SKIP, rejects_path=tmp_path / "r.tsv")
    summary = writer.summary
    assert summary.rows_read == len(rows)
    assert summary.events_written + summary.rows_rejected + summary.duplicate_rows == len(rows)
    assert dataset_facts(db, settings, "acled") == summary.events_written
    precisions, _, _ = db.execute_query(
        "MATCH ()-[r]->() WHERE r.dataset = 'acled' RETURN DISTINCT r.valid_from_precision AS p",
        database_=settings.neo4j_database,
    )
    expected = {"day"} | (
        {"month"} if any(r["time_precision"] in ("2", "3") for r in rows) else set()
    )
    assert {p["p"] for p in precisions} == expected


def test_a_bad_row_fails_with_file_and_line_and_its_batch_is_not_written(
    db: neo4j.Driver, settings: Settings, tmp_path: Path
) -> None:
    source = FIXTURES / "icews_mini.tab"
    lines = source.read_text().splitlines()
    bad = tmp_path / "bad.tab"
    broken = lines[:3] + ["12345\tnot-a-date\tRussia\t\tRussia\tConsult\t040\t1\tChina"] + lines[3:]
    bad.write_text("\n".join(broken) + "\n")
    records, total, _ = open_bulk(bad)
    writer = BulkWriter(db, settings.neo4j_database, batch_size=1000)
    with pytest.raises(BulkRowError) as raised:
        writer.load(records, total_rows=total)
    assert raised.value.row.path == str(bad) and raised.value.row.line == 4
    assert str(bad) in str(raised.value) and ":4:" in str(raised.value)
    assert dataset_facts(db, settings, "icews") == 0

    records, total, _ = open_bulk(bad)
    skipping = BulkWriter(
        db, settings.neo4j_database, on_error=OnError.SKIP, rejects_path=tmp_path / "rejects.tsv"
    )
    summary = skipping.load(records, total_rows=total)
    listed = list(csv.reader((tmp_path / "rejects.tsv").open(), delimiter="\t"))[1:]
    assert [int(row[1]) for row in listed if row[0] == str(bad)][:1] == [4]
    assert summary.rows_read == len(broken) - 1
    assert (
        summary.events_written + summary.rows_rejected + summary.duplicate_rows == summary.rows_read
    )
    assert dataset_facts(db, settings, "icews") == summary.events_written


def test_an_event_repeated_in_batches_written_at_once_becomes_one_fact(
    db: neo4j.Driver, settings: Settings
) -> None:
    # Each batch of 10 is followed by a batch repeating it: with two writers both are in
    # flight together, and neither sees the other's uncommitted facts in the graph.
    events = [consultation(n, "repeat") for n in range(40)]
    stream = [e for start in range(0, 40, 10) for e in events[start : start + 10] * 2]
    writer = BulkWriter(db, settings.neo4j_database, batch_size=10, workers=2)
    summary = writer.load(stream)
    assert dataset_facts(db, settings, "icews") == 40
    assert summary.events_written == 40
    assert summary.events_existing + summary.duplicate_rows == 40
    assert summary.rows_read == len(stream) == 80


def test_a_load_killed_midway_then_rerun_equals_one_clean_load(
    db: neo4j.Driver, settings: Settings, shared_datasets: Path, tmp_path: Path
) -> None:
    folder = icews18_slice(shared_datasets, tmp_path, 8000)
    load(db, settings, folder)
    clean = counts(db, settings.neo4j_database)
    db.execute_query("MATCH (n) DETACH DELETE n", database_=settings.neo4j_database)

    env = {
        **os.environ,
        "NEO4J_URI": settings.bolt_uri,
        "NEO4J_PASSWORD": settings.neo4j_password.get_secret_value(),
        "NEO4J_DATABASE": settings.neo4j_database,
    }
    command = [sys.executable, "-m", "app.cli", "load", str(folder), "--batch-size", "500"]
    process = subprocess.Popen(
        command, cwd=REPO_ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    while dataset_facts(db, settings, "icews18") < 1000 and time.monotonic() < deadline:
        assert process.poll() is None, "the load finished before it could be killed"
        time.sleep(0.05)
    process.send_signal(signal.SIGKILL)
    process.wait()
    partial = dataset_facts(db, settings, "icews18")
    assert 0 < partial < 8000
    load(db, settings, folder)
    assert counts(db, settings.neo4j_database) == clean


def load_curated_icews_and_gdelt(db: neo4j.Driver, settings: Settings, shared: Path) -> None:
    """The bundled data, the raw ICEWS fixture and a GDELT 2.0 slice, each naming Russia."""
    load_curated_file(db, settings.neo4j_database, BUNDLED_DATASET)
    for path in (
        FIXTURES / "icews_mini.tab",
        shared / "gdelt2-events" / "20191024143000.export.CSV",
    ):
        load(db, settings, path, on_error=OnError.SKIP, rejects_path=Path(os.devnull))


def test_icews_gdelt_and_curated_russia_are_one_actor(
    db: neo4j.Driver, settings: Settings, shared_datasets: Path
) -> None:
    load_curated_icews_and_gdelt(db, settings, shared_datasets)
    records, _, _ = db.execute_query(
        "MATCH (a:Actor) WHERE a.id = 'rus' OR toLower(a.name) IN ['russia', 'russian federation'] "
        "RETURN a.id AS id",
        database_=settings.neo4j_database,
    )
    assert [r["id"] for r in records] == ["rus"]
    datasets, _, _ = db.execute_query(
        "MATCH (:Actor {id: 'rus'})-[r]-() RETURN collect(DISTINCT r.dataset) AS datasets",
        database_=settings.neo4j_database,
    )
    assert {"north-korea-russia-2024", "gdelt2"} <= set(datasets[0]["datasets"])
    ministry, _, _ = db.execute_query(
        "MATCH (m:Actor {name: 'Foreign Affairs (Russia)'})-[:PART_OF]->(c:Actor) "
        "RETURN c.id AS country",
        database_=settings.neo4j_database,
    )
    assert [r["country"] for r in ministry] == ["rus"]


def test_gdelt_words_for_an_actor_resolve_but_never_outrank_its_names(
    db: neo4j.Driver, settings: Settings, shared_datasets: Path
) -> None:
    load_curated_icews_and_gdelt(db, settings, shared_datasets)

    def resolved(names: list[str]) -> list[list[str]]:
        found = run_read(db, settings.neo4j_database, 30, lambda tx: resolve_actors(tx, names))
        return [[actor.id for actor in actors] for actors in found]

    # GDELT calls USA, USAGOV, USAJUD and USACOP "UNITED STATES" and RUSGOV "VLADIMIR
    # PUTIN": the states' and the person's own names win; codes name their actors.
    assert resolved(["United States", "united-states", "Vladimir Putin", "RUSGOV", "usagov"]) == [
        ["usa"],
        ["usa"],
        ["vladimir-putin"],
        ["rus-government"],
        ["usa-government"],
    ]
    words, _, _ = db.execute_query(
        "MATCH (:Alias {key: 'united states'})-[r:REFERS_TO]->(a:Actor) "
        "RETURN a.id AS id, r.rank AS rank ORDER BY id",
        database_=settings.neo4j_database,
    )
    ranks = {row["id"]: row["rank"] for row in words}
    assert ranks["usa"] == 0 and ranks["usa-government"] == 1
    generic, _, _ = db.execute_query(
        "MATCH (a:Actor) WHERE a.id STARTS WITH 'cameo-' RETURN collect(a.generic) AS flags",
        database_=settings.neo4j_database,
    )
    assert generic[0]["flags"] and all(generic[0]["flags"])
