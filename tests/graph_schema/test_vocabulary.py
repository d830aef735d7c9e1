"""The vocabulary's pure functions: name folding, generic names, fact classes."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graph_schema.vocabulary import (
    FACT_CLASS_BY_TYPE,
    FactClass,
    FactType,
    alias_key,
    fact_class,
    is_generic_name,
)


@pytest.mark.parametrize(
    ("spellings", "key"),
    [
        (["Kim Jong-Un", "kim jong un", "KIM  JONG UN", " Kim Jong Un "], "kim jong un"),
        (["Moon Jae-in", "Moon Jae In", "moon jae-in"], "moon jae in"),
        (["Foreign Affairs (Russia)", "foreign affairs russia", "Foreign Affairs, Russia"], None),
        (["Wałęsa", "Walesa", "WAŁĘSA"], "walesa"),
        (["Zelenskyy", "ZELENSKYY"], "zelenskyy"),
        (["Keïta", "Keita"], "keita"),
        (["People's Party", "Peoples Party", "People’s Party"], "peoples party"),
        (["D.P.R.K.", "DPRK", "d.p.r.k"], "dprk"),
        (["U.S.", "US"], "us"),
        (["St. Petersburg", "St Petersburg"], "st petersburg"),
        (["Søren Ørsted", "Soren Orsted"], "soren orsted"),
        (["Straße", "Strasse"], "strasse"),
        (["AT&T", "at and t"], "at and t"),
    ],
)
def test_spellings_of_one_name_share_a_key(spellings: list[str], key: str | None) -> None:
    keys = {alias_key(spelling) for spelling in spellings}
    assert len(keys) == 1, keys
    if key is not None:
        assert keys == {key}


def test_different_names_keep_different_keys() -> None:
    assert alias_key("North Korea") != alias_key("South Korea")
    assert alias_key("Путин") == "путин"  # other scripts stay, folded in case
    assert alias_key("Путин") != alias_key("Putin")


@given(st.text())
def test_a_key_is_its_own_key(text: str) -> None:
    key = alias_key(text)
    assert alias_key(key) == key


@given(st.text())
def test_keys_hold_only_folded_letters_digits_and_single_spaces(text: str) -> None:
    key = alias_key(text)
    assert key == key.strip()
    assert "  " not in key
    assert all(char == " " or char.isalnum() for char in key)
    assert not any(unicodedata.combining(char) for char in key)
    assert key == key.casefold()


WORDS = st.lists(
    st.text(
        alphabet="abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789éłø", min_size=1
    ),
    min_size=1,
    max_size=5,
)


@given(WORDS, st.sampled_from(["-", ". ", "(", ")", " ", "  ", "\t", ",", "/", " - ", ") ("]))
def test_punctuation_case_and_accents_never_change_a_key(words: list[str], mark: str) -> None:
    plain = " ".join(words).lower().replace("é", "e").replace("ł", "l").replace("ø", "o")
    assert alias_key(mark.join(words)) == plain
    assert alias_key(mark.join(words).upper()) == plain
    assert alias_key(f"({mark.join(words)})") == plain


@pytest.mark.parametrize(
    "name",
    [
        "Unspecified Actor",
        "Unidentified State Actor",
        "Citizen (Unidentified State Actor)",
        "Unidentified Forces (South Korea)",
        "Citizen (India)",
        "Civilians (Ukraine)",
        "Protesters (Ukraine)",
        "Other Authorities / Officials (North Korea)",
        "Business (South Korea)",
        "Men (South Korea)",
    ],
)
def test_catch_all_names_are_generic(name: str) -> None:
    assert is_generic_name(name)


@pytest.mark.parametrize(
    "name",
    [
        "Russia",
        "Government (Russia)",
        "Police (India)",
        "Military (North Korea)",
        "Foreign Affairs (Russia)",
        "Kim Jong-Un",
        "Citizens United",
        "National Intelligence Service (South Korea)",
    ],
)
def test_named_actors_and_institutions_are_not_generic(name: str) -> None:
    assert not is_generic_name(name)


def test_every_fact_type_has_a_class_and_quad_classes_win() -> None:
    assert set(FACT_CLASS_BY_TYPE) == set(FactType)
    assert fact_class(FactType.ATTACKED) is FactClass.MATERIAL_CONFLICT
    assert fact_class(FactType.COMMENTED_ON) is FactClass.VERBAL_COOPERATION
    # A CAMEO 012 pessimistic comment is EXPRESSED_CONCERN_ABOUT but quad class 1.
    assert fact_class(FactType.EXPRESSED_CONCERN_ABOUT, 1) is FactClass.VERBAL_COOPERATION
    assert fact_class(FactType.EXPRESSED_CONCERN_ABOUT) is FactClass.VERBAL_CONFLICT
    assert [fact_class(FactType.INTERACTED_WITH, q) for q in (1, 2, 3, 4)] == list(FactClass)
