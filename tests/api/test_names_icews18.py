"""Names, search, generic actors, countries and classes with ICEWS18 on top of the bundled
data: June 2018, the rows touching the actors the analysts asked about."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import neo4j
import pytest
from fastapi.testclient import TestClient

from app.core.config import Settings
from graph_schema.vocabulary import FACT_CLASS_BY_QUAD
from loaders.bulk.icews18 import parse_icews18
from loaders.bulk.writer import BulkSummary, BulkWriter
from loaders.curated import load_curated_file
from tests.api.test_v1 import get
from tests.conftest import BUNDLED_DATASET, SHARED_DATASETS
from tests.utils import counts, wipe

JUNE_2018_HOURS = range(151 * 24, 181 * 24)  # t counts hours from 2018-01-01
ASKED_ABOUT = {
    "Kim Jong-Un",
    "Moon Jae-in",
    "South Korea",
    "North Korea",
    "Russia",
    "Foreign Affairs (Russia)",
    "India",
    "Citizen (India)",
    "Unspecified Actor",
}


def june_slice(folder: Path) -> Path:
    source = SHARED_DATASETS / "icews18"
    for name in ("entity2id.txt", "relation2id.txt"):
        shutil.copy(source / name, folder / name)
    ids = set()
    for line in (source / "entity2id.txt").read_text(encoding="utf-8").splitlines():
        name, _, key = line.rpartition("\t")
        if name in ASKED_ABOUT:
            ids.add(key.strip())
    with (folder / "train.txt").open("w", encoding="utf-8") as out:
        for split in ("train.txt", "valid.txt", "test.txt"):
            for line in (source / split).read_text(encoding="utf-8").splitlines():
                s, _, o, t = line.split("\t")
                if int(t) in JUNE_2018_HOURS and (s in ids or o in ids):
                    out.write(line + "\n")
    return folder


def load_june(driver: neo4j.Driver, settings: Settings, folder: Path) -> BulkSummary:
    writer = BulkWriter(driver, settings.neo4j_database, batch_size=2000)
    return writer.load(parse_icews18(folder))


@pytest.fixture(scope="module")
def june(
    driver: neo4j.Driver, settings: Settings, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[Path, BulkSummary]]:
    if not (SHARED_DATASETS / "icews18").is_dir():
        pytest.skip(f"ICEWS18 not found under {SHARED_DATASETS}")
    wipe(driver, settings.neo4j_database)
    load_curated_file(driver, settings.neo4j_database, BUNDLED_DATASET)
    folder = june_slice(tmp_path_factory.mktemp("icews18-june"))
    yield folder, load_june(driver, settings, folder)


def search(client: TestClient, text: str) -> list[dict[str, Any]]:
    data: list[dict[str, Any]] = get(client, f"/v1/actors?q={quote(text)}")["data"]
    return data


@pytest.mark.parametrize(
    ("text", "actor"),
    [
        ("Kim Jong-Un", "kim-jong-un"),
        ("Moon Jae-in", "moon-jae-in"),
        ("Jae-in", "moon-jae-in"),
        ("Foreign Affairs (Russia)", "rus-foreign-affairs"),
        ("foreign affairs russia", "rus-foreign-affairs"),
    ],
)
def test_names_from_the_data_find_their_actor_first(
    june: Any, client: TestClient, text: str, actor: str
) -> None:
    assert search(client, text)[0]["id"] == actor


def test_korea_puts_both_koreas_first(june: Any, client: TestClient) -> None:
    hits = search(client, "korea")
    assert [hit["id"] for hit in hits[:2]] in (["kor", "prk"], ["prk", "kor"])


def test_names_the_data_uses_resolve_in_every_route(june: Any, client: TestClient) -> None:
    window = "from=2018-06&to=2018-06"
    by_id = get(client, f"/v1/relationships?a=moon-jae-in&b=prk&{window}")
    by_name = get(client, f"/v1/relationships?a={quote('Moon Jae-in')}&b=prk&{window}")
    assert by_name == by_id and by_id["data"]
    detail = get(client, f"/v1/actors/{quote('Foreign Affairs (Russia)')}")
    assert detail["id"] == "rus-foreign-affairs" and detail["country"] == "rus"
    graph = get(client, f"/v1/graph?actors={quote('Moon Jae-in')}&{window}")
    assert "moon-jae-in" in {node["id"] for node in graph["nodes"]}
    missing = client.get(f"/v1/relationships?a=Korea&b=prk&{window}")
    assert missing.status_code == 404
    assert {c["id"] for c in missing.json()["candidates"][:2]} == {"kor", "prk"}


def test_generic_counterparts_leave_the_ranking_unless_asked_for(
    june: Any, client: TestClient
) -> None:
    url = "/v1/actors/ind/relationships?from=2018-06&to=2018-06&limit=1000"
    ranked = {group["counterpart"]["id"] for group in get(client, url)["data"]}
    with_generic = {
        group["counterpart"]["id"] for group in get(client, url + "&include_generic=true")["data"]
    }
    assert "ind-citizen" in with_generic and "ind-citizen" not in ranked
    assert ranked < with_generic
    citizen = get(client, "/v1/actors/ind-citizen")
    assert citizen["generic"] and citizen["country"] == "ind"
    assert get(client, "/v1/actors/unspecified-actor")["generic"]
    assert not get(client, "/v1/actors/ind")["generic"]


def test_states_carry_their_own_country(june: Any, client: TestClient) -> None:
    assert get(client, "/v1/actors/rus")["country"] == "rus"
    assert get(client, "/v1/actors/ind")["country"] == "ind"


def test_every_icews18_fact_has_the_class_of_its_quad_class(
    june: Any, driver: neo4j.Driver, settings: Settings
) -> None:
    rows, _, _ = driver.execute_query(
        "MATCH ()-[r]->() WHERE r.dataset = 'icews18' "
        "RETURN r.quad_class AS quad, r.fact_class AS class, count(*) AS n",
        database_=settings.neo4j_database,
    )
    assert rows and all(row["class"] is not None for row in rows)
    for row in rows:
        if row["quad"] is not None:
            assert row["class"] == FACT_CLASS_BY_QUAD[row["quad"]].value


def test_every_name_in_the_slice_is_an_alias_and_a_reload_creates_nothing(
    june: tuple[Path, BulkSummary], driver: neo4j.Driver, settings: Settings
) -> None:
    folder, summary = june
    assert summary.aliases_created >= summary.actors_created > 0
    before = counts(driver, settings.neo4j_database)
    again = load_june(driver, settings, folder)
    assert (again.events_written, again.actors_created, again.aliases_created) == (0, 0, 0)
    assert counts(driver, settings.neo4j_database) == before
