"""Names, search, generic actors, countries and fact classes on the bundled dataset."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from graph_schema.vocabulary import FACT_CLASS_BY_TYPE, FactType
from tests.api.test_v1 import get

pytestmark = pytest.mark.usefixtures("bundled")


def search(client: TestClient, text: str, **params: str) -> list[dict[str, Any]]:
    query = "&".join(f"{k}={quote(v)}" for k, v in {"q": text, **params}.items())
    data: list[dict[str, Any]] = get(client, f"/v1/actors?{query}")["data"]
    return data


def test_a_hyphenated_name_finds_its_actor_first(client: TestClient) -> None:
    hits = search(client, "Kim Jong-Un")
    assert hits[0]["id"] == "kim-jong-un"
    assert hits[0]["match"] == "exact"


def test_korea_ranks_both_koreas_first(client: TestClient) -> None:
    hits = search(client, "korea")
    assert {hit["id"] for hit in hits[:2]} == {"kor", "prk"}
    # Ties within a tier go to the actor with more facts.
    tiers = [hit["match"] for hit in hits]
    assert tiers == sorted(tiers, key=["exact", "words", "prefix", "fuzzy"].index)
    words = [hit for hit in hits if hit["match"] == "words"]
    assert [hit["facts"] for hit in words] == sorted((hit["facts"] for hit in words), reverse=True)


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("(The Kremlin)", "the-kremlin"),
        ('"kremlin"', "the-kremlin"),
        ("kremlin~", "the-kremlin"),
        ("kremlin^2 AND OR", "the-kremlin"),
        ("the-kremlin", "the-kremlin"),
        ("KREMLIN*", "the-kremlin"),
        ("kremlim", "the-kremlin"),  # one edit away
        ("d.p.r.k.", "prk"),
        ("Pyöngyang", "prk"),
        ("democratic peoples republic", "prk"),
    ],
)
def test_lucene_syntax_and_punctuation_never_break_a_search(
    client: TestClient, text: str, first: str
) -> None:
    hits = search(client, text)
    assert hits and hits[0]["id"] == first, hits[:3]


@pytest.mark.parametrize("text", ["(", ")", "-", "*", "~", '"', "\\", "/", "&&", "||", "[]", "'"])
def test_a_query_of_syntax_alone_is_answered(client: TestClient, text: str) -> None:
    response = client.get(f"/v1/actors?q={quote(text)}")
    assert response.status_code == 200, response.text
    assert isinstance(response.json()["data"], list)


def test_a_query_with_no_words_falls_back_to_the_text_inside_names(client: TestClient) -> None:
    # "'" folds to nothing, and the bundled names hold apostrophes ("People's").
    hits = search(client, "'")
    assert hits and all(hit["match"] == "contains" for hit in hits)
    assert "prk" in {hit["id"] for hit in hits}


@pytest.mark.parametrize(
    ("a", "b"),
    [("D.P.R.K.", "moscow"), ("north-korea", "RUSSIAN FEDERATION"), ("PRK", "Rus")],
)
def test_any_spelling_of_a_name_resolves(client: TestClient, a: str, b: str) -> None:
    by_id = get(client, "/v1/relationships?a=prk&b=rus&at=2024-07-01")
    by_name = get(client, f"/v1/relationships?a={quote(a)}&b={quote(b)}&at=2024-07-01")
    assert by_name == by_id and by_id["data"]


def test_actor_paths_take_names(client: TestClient) -> None:
    assert get(client, f"/v1/actors/{quote('Kim Jong-Un')}")["id"] == "kim-jong-un"
    assert get(client, f"/v1/actors/{quote('the kremlin')}/relationships?at=2024")["data"]


def test_an_unknown_name_is_a_404_offering_the_closest_names(client: TestClient) -> None:
    response = client.get("/v1/graph?actors=Korea&at=2024")
    assert response.status_code == 404
    problem = response.json()
    assert problem["invalid_params"][0]["name"] == "actors"
    assert {c["id"] for c in problem["candidates"][:2]} == {"kor", "prk"}
    assert all({"id", "name", "kind"} <= set(c) for c in problem["candidates"])
    for url in ("/v1/relationships?a=Korea&b=rus", "/v1/paths?source=prk&target=Korea"):
        assert client.get(url).json()["candidates"]


def test_every_state_and_its_parts_carry_its_country(client: TestClient) -> None:
    assert get(client, "/v1/actors/rus")["country"] == "rus"
    assert get(client, "/v1/actors/the-kremlin")["country"] == "rus"
    assert get(client, "/v1/actors/kor-nis")["country"] == "kor"
    states = get(client, "/v1/actors?kind=state&limit=1000")["data"]
    assert all(state["country"] == state["id"] for state in states)
    assert get(client, "/v1/actors/kim-jong-un")["country"] is None


def test_curated_actors_are_not_generic(client: TestClient) -> None:
    actors = get(client, "/v1/actors?limit=1000")["data"]
    assert actors and not any(actor["generic"] for actor in actors)


def test_every_fact_has_its_types_class_and_class_filters(client: TestClient) -> None:
    facts = get(client, "/v1/relationships?a=prk&b=rus&from=2023&to=2025&limit=1000")["data"]
    assert facts
    for fact in facts:
        assert fact["fact_class"] == FACT_CLASS_BY_TYPE[FactType(fact["type"])].value
    hostile = get(
        client,
        "/v1/relationships?a=ukr&b=rus&from=2024&to=2024&class=material_conflict&limit=1000",
    )["data"]
    assert hostile and {f["fact_class"] for f in hostile} == {"material_conflict"}
    both = get(
        client,
        "/v1/relationships?a=prk&b=rus&from=2023&to=2025&limit=1000"
        "&class=material_cooperation&class=verbal_cooperation",
    )["data"]
    assert {f["id"] for f in both} == {
        f["id"] for f in facts if f["fact_class"] in ("material_cooperation", "verbal_cooperation")
    }
    assert "ALLIED_WITH" in {f["type"] for f in both}
    response = client.get("/v1/relationships?a=prk&b=rus&class=friendly")
    assert response.status_code == 422
    assert response.json()["invalid_params"][0]["name"] == "class.0"
