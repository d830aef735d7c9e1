"""The curated loader against the real Neo4j, with the bundled dataset and broken files."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path
from typing import Any

import neo4j
import pytest
import yaml
from typer.testing import CliRunner

from app.core.config import Settings, get_settings
from loaders.curated import CuratedLoadError, load_curated_file, parse_file
from queries import writes
from tests.conftest import BUNDLED_DATASET
from tests.utils import counts

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "curated"


def fact(driver: neo4j.Driver, database: str, fact_id: str) -> dict[str, Any]:
    records, _, _ = driver.execute_query(
        "MATCH (s)-[r {id: $id}]->(t) WHERE r.retracted_at IS NULL "
        "RETURN s.id AS source, type(r) AS type, t.id AS target, properties(r) AS props",
        id=fact_id,
        database_=database,
    )
    assert len(records) == 1, f"expected one current version of {fact_id}, got {len(records)}"
    return records[0].data()


def test_loading_the_bundled_dataset_twice_changes_nothing(
    db: neo4j.Driver, settings: Settings
) -> None:
    load_curated_file(db, settings.neo4j_database, BUNDLED_DATASET)
    once = counts(db, settings.neo4j_database)
    summary = load_curated_file(db, settings.neo4j_database, BUNDLED_DATASET)
    assert counts(db, settings.neo4j_database) == once
    assert summary.facts_created == 0 and summary.facts_retracted == 0
    assert once["nodes"] > 0 and once["relationships"] > 0


def test_a_file_with_several_errors_reports_each_and_writes_nothing(
    db: neo4j.Driver, settings: Settings
) -> None:
    load_curated_file(db, settings.neo4j_database, BUNDLED_DATASET)
    before = counts(db, settings.neo4j_database)
    path = FIXTURES / "several-errors.yaml"
    with pytest.raises(CuratedLoadError) as raised:
        load_curated_file(db, settings.neo4j_database, path)
    problems = raised.value.problems
    found = {(p.entry.split(" ")[0], p.field) for p in problems}
    assert ("actors[2]", "-") in found or ("actors[2]", "id") in found
    assert ("facts[0]", "valid_from") in found
    assert ("facts[2]", "type") in found
    assert all(p.file == str(path) and p.line is not None for p in problems)
    by_field = {p.field: p for p in problems}
    expected_line = path.read_text().splitlines().index('    valid_from: "June 2024"') + 1
    assert by_field["valid_from"].line == expected_line
    assert counts(db, settings.neo4j_database) == before


def test_reference_errors_are_reported_after_shape_errors_are_fixed(tmp_path: Path) -> None:
    document = yaml.safe_load((FIXTURES / "several-errors.yaml").read_text())
    document["actors"][2]["id"] = "bad-id"
    document["facts"][0]["valid_from"] = "2024-06"
    document["facts"][2]["type"] = "ALLIED_WITH"
    path = tmp_path / "refs.yaml"
    path.write_text(yaml.safe_dump(document, sort_keys=False))
    with pytest.raises(CuratedLoadError) as raised:
        parse_file(path)
    messages = [str(p) for p in raised.value.problems]
    assert len(messages) == 1
    assert "facts[1] (id unknown-target)" in messages[0] and "target" in messages[0]
    assert "atlantis" in messages[0]


def test_the_pact_links_russia_and_north_korea_from_june_2024_open_ended_and_sourced(
    db: neo4j.Driver, settings: Settings
) -> None:
    load_curated_file(db, settings.neo4j_database, BUNDLED_DATASET)
    pact = fact(db, settings.neo4j_database, "rus-prk-mutual-defence-pact")
    assert {pact["source"], pact["target"]} == {"rus", "prk"}
    assert pact["type"] == "ALLIED_WITH"
    props = pact["props"]
    assert props["valid_from"].to_native() == date(2024, 6, 1)
    assert props["valid_from_precision"] == "month"
    assert props["valid_to_precision"] == "open"
    assert props["sources"], "the pact must cite its sources"
    assert props["recorded_at"].tzinfo is not None


def test_the_soldier_shipment_is_contested_between_nis_and_the_kremlin(
    db: neo4j.Driver, settings: Settings
) -> None:
    load_curated_file(db, settings.neo4j_database, BUNDLED_DATASET)
    shipment = fact(db, settings.neo4j_database, "prk-troops-to-russia-vladivostok")
    props = shipment["props"]
    assert props["status"] == "contested"
    assert "kor-nis" in props["asserted_by"]
    assert "the-kremlin" in props["denied_by"]
    records, _, _ = db.execute_query(
        "MATCH (who)-[:MADE]->(c:Claim {fact_id: $id}) RETURN who.id AS who, c.stance AS stance, "
        "c.quote AS quote",
        id="prk-troops-to-russia-vladivostok",
        database_=settings.neo4j_database,
    )
    stances = {(r["who"], r["stance"]) for r in records}
    assert ("kor-nis", "asserts") in stances and ("the-kremlin", "denies") in stances
    assert any(r["quote"] and "fake news" in r["quote"] for r in records)


def test_a_correction_retracts_the_old_version_and_keeps_it(
    db: neo4j.Driver, settings: Settings, tmp_path: Path
) -> None:
    load_curated_file(db, settings.neo4j_database, BUNDLED_DATASET)
    document = yaml.safe_load(BUNDLED_DATASET.read_text())
    pact = next(f for f in document["facts"] if f["id"] == "rus-prk-mutual-defence-pact")
    pact["confidence"] = 0.5
    dropped = document["facts"].pop(
        next(
            i
            for i, f in enumerate(document["facts"])
            if f["id"] != pact["id"]
            and not any(c.get("fact") == f["id"] for c in document["claims"])
        )
    )
    corrected = tmp_path / "corrected.yaml"
    corrected.write_text(yaml.safe_dump(document, sort_keys=False))
    summary = load_curated_file(db, settings.neo4j_database, corrected)
    assert summary.facts_created == 1 and summary.facts_retracted == 1
    versions, _, _ = db.execute_query(
        "MATCH ()-[r {id: $id}]->() RETURN r.version AS version, r.confidence AS confidence, "
        "r.retracted_at AS retracted_at, r.recorded_at AS recorded_at ORDER BY version",
        id=pact["id"],
        database_=settings.neo4j_database,
    )
    assert [v["version"] for v in versions] == [1, 2]
    assert versions[0]["retracted_at"] is not None and versions[1]["retracted_at"] is None
    assert versions[0]["retracted_at"] == versions[1]["recorded_at"]
    assert versions[1]["confidence"] == 0.5
    gone, _, _ = db.execute_query(
        "MATCH ()-[r {id: $id}]->() RETURN r.retracted_at AS at",
        id=dropped["id"],
        database_=settings.neo4j_database,
    )
    assert gone and all(r["at"] is not None for r in gone)


def test_a_load_cut_off_midway_then_rerun_equals_one_clean_load(
    db: neo4j.Driver, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    load_curated_file(db, settings.neo4j_database, BUNDLED_DATASET)
    clean = counts(db, settings.neo4j_database)
    db.execute_query("MATCH (n) DETACH DELETE n", database_=settings.neo4j_database)

    real_run_batches = writes.run_batches
    calls = {"n": 0}

    def dying_run_batches(*args: Any, **kwargs: Any) -> int:
        calls["n"] += 1
        if calls["n"] == 6:
            raise ConnectionError("simulated crash midway through the load")
        written: int = real_run_batches(*args, **kwargs)
        return written

    monkeypatch.setattr(writes, "run_batches", dying_run_batches)
    with pytest.raises(ConnectionError):
        load_curated_file(db, settings.neo4j_database, BUNDLED_DATASET)
    assert counts(db, settings.neo4j_database) != clean
    monkeypatch.setattr(writes, "run_batches", real_run_batches)
    load_curated_file(db, settings.neo4j_database, BUNDLED_DATASET)
    assert counts(db, settings.neo4j_database) == clean


def test_cli_load_lists_every_problem_and_exits_non_zero(
    db: neo4j.Driver, settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    from app.cli import app

    monkeypatch.setenv("TKG_INSTANCE", "test")
    get_settings.cache_clear()
    bad = tmp_path / "bad.yaml"
    shutil.copy(FIXTURES / "several-errors.yaml", bad)
    result = CliRunner().invoke(app, ["load", str(bad)])
    get_settings.cache_clear()
    assert result.exit_code == 1
    assert result.output.count(f"{bad}:") >= 3
    assert "nothing was written" in result.output
    assert counts(db, settings.neo4j_database)["nodes"] == 0


def test_a_claim_dropped_from_the_file_is_retracted_and_no_longer_counts(
    db: neo4j.Driver, settings: Settings, tmp_path: Path
) -> None:
    load_curated_file(db, settings.neo4j_database, BUNDLED_DATASET)
    document = yaml.safe_load(BUNDLED_DATASET.read_text())
    shipment = "prk-troops-to-russia-vladivostok"
    denials = [
        c for c in document["claims"] if c.get("fact") == shipment and c["stance"] == "denies"
    ]
    assert denials, "the bundled dataset records the Kremlin's denial"
    document["claims"] = [c for c in document["claims"] if c not in denials]
    event = next(e for e in document["events"] if e["participants"])
    dropped_participant = event["participants"].pop()["actor"]
    corrected = tmp_path / "no-denial.yaml"
    corrected.write_text(yaml.safe_dump(document, sort_keys=False))
    load_curated_file(db, settings.neo4j_database, corrected)

    props = fact(db, settings.neo4j_database, shipment)["props"]
    assert props["status"] == "asserted"
    assert props["denied_by"] == []
    retracted, _, _ = db.execute_query(
        "MATCH (c:Claim) WHERE c.id IN $ids RETURN c.retracted_at AS at",
        ids=[c["id"] for c in denials],
        database_=settings.neo4j_database,
    )
    assert len(retracted) == len(denials) and all(r["at"] is not None for r in retracted)
    participants, _, _ = db.execute_query(
        "MATCH (a:Actor)-[:PARTICIPATED_IN]->(:Event {id: $id}) RETURN a.id AS id",
        id=event["id"],
        database_=settings.neo4j_database,
    )
    assert dropped_participant not in {p["id"] for p in participants}
