"""Country names and codes from the bulk data sets, resolved to ISO 3166-1 alpha-3 (`rus`).

Everything goes through pycountry: exact (case-, accent- and spacing-insensitive) lookups
on each country's name, official name and common name, plus two variants pycountry's own
spellings imply ("Korea, Republic of" is also "Republic of Korea"; "Holy See (Vatican City
State)" is also "Holy See"). Only names pycountry cannot know are overridden below, each
with its reason. There is no fuzzy search: a wrong guess would silently merge two states.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

import pycountry

from loaders.bulk.common import fold

# Names the data sets use that pycountry does not carry, with why.
_NAME_OVERRIDES: dict[str, str] = {
    # pycountry has only "Russian Federation"; ICEWS18, ACLED and GDELT say "Russia".
    "Russia": "rus",
    # ISO renamed Turkey to "Türkiye" in 2022; every data set here predates or ignores it.
    "Turkey": "tur",
    # ISO's name is "Palestine, State of"; ICEWS and ACLED use their own wordings.
    "Palestine": "pse",
    "Occupied Palestinian Territory": "pse",
    "Palestinian Territory, Occupied": "pse",
    "Palestinian Territories": "pse",
    "West Bank": "pse",
    "Gaza Strip": "pse",
    # ICEWS drops the article that pycountry's inverted form keeps ("... of the Congo").
    "Democratic Republic of Congo": "cod",
    "DR Congo": "cod",
    "Republic of Congo": "cog",
    # ICEWS18 flattened "Holy See (Vatican City State)" and also writes the bare state name.
    "Holy See Vatican City State": "vat",
    "Vatican City State": "vat",
    "Vatican City": "vat",
    # Renamed by ISO after the data was coded (North Macedonia 2019, Eswatini 2018,
    # Cabo Verde 2013); the old names are what ICEWS and GDELT wrote.
    "Macedonia": "mkd",
    "Swaziland": "swz",
    "Cape Verde": "cpv",
    # pycountry's names carry a qualifier the data sets omit.
    "Brunei": "brn",
    "Micronesia": "fsm",
    "Falkland Islands Malvinas": "flk",
    "Saint Helena": "shn",
    "Macau": "mac",
    "East Timor": "tls",
    # FIPS 10-4 country names, used by GDELT's geography fields.
    "Burma": "mmr",
    "Ivory Coast": "civ",
    "Bosnia-Herzegovina": "bih",
    "Korea, South": "kor",
    "Korea, North": "prk",
    # Kosovo has no ISO 3166-1 code; "XKX" is the user-assigned code the EU, the IMF and
    # ACLED's iso3 column use, so states and sub-actors of Kosovo still get a 3-letter id.
    "Kosovo": "xkx",
}

# CAMEO country codes that are not ISO alpha-3 but do name one country.
_CODE_OVERRIDES: dict[str, str] = {
    "TMP": "tls",  # East Timor's pre-2002 ISO code, still used by CAMEO/GDELT
    "ROM": "rou",  # Romania's pre-2002 ISO code, used by older CAMEO dictionaries
    "ZAR": "cod",  # Zaire, CAMEO's code for the Democratic Republic of the Congo
    "WSB": "pse",  # CAMEO West Bank
    "GZS": "pse",  # CAMEO Gaza Strip
    "KSV": "xkx",  # CAMEO Kosovo (see "Kosovo" above for xkx)
    "KOS": "xkx",
    "XKX": "xkx",  # ACLED iso3 column
}

# CAMEO regional codes: actors of a region, not of a state, so they never resolve to one.
CAMEO_REGIONS: dict[str, str] = {
    "AFR": "Africa",
    "ASA": "Asia",
    "BLK": "Balkans",
    "CRB": "Caribbean",
    "CAU": "Caucasus",
    "CFR": "Central Africa",
    "CAS": "Central Asia",
    "CEU": "Central Europe",
    "EIN": "East Indies",
    "EAF": "Eastern Africa",
    "EEU": "Eastern Europe",
    "EUR": "Europe",
    "LAM": "Latin America",
    "MEA": "Middle East",
    "MDT": "Mediterranean",
    "NAF": "North Africa",
    "NMR": "North America",
    "PGS": "Persian Gulf",
    "SCN": "Scandinavia",
    "SAM": "South America",
    "SAS": "South Asia",
    "SEA": "Southeast Asia",
    "SAF": "Southern Africa",
    "WAF": "West Africa",
    "WST": "The West",
}

# Display names where pycountry's name is not what a reader expects to see.
_DISPLAY_OVERRIDES: dict[str, str] = {
    "rus": "Russia",  # pycountry has no common name for the Russian Federation
    "pse": "Palestine",  # pycountry: "Palestine, State of" / "the State of Palestine"
    "xkx": "Kosovo",  # not in pycountry at all
}

_PARENTHESES = re.compile(r"\s*\([^()]*\)")


def _key(name: str) -> str:
    key = fold(name)
    if key.startswith("the "):
        key = key[4:]
    if key.endswith(", the"):
        key = key[:-5]
    return key


def _variants(name: str) -> Iterator[str]:
    yield name
    bare = _PARENTHESES.sub("", name).strip()
    if bare and bare != name:
        yield bare
    # pycountry writes "Korea, Republic of" where the data sets write "Republic of Korea".
    if ", " in name:
        head, tail = name.split(", ", 1)
        yield f"{tail} {head}"


@lru_cache(maxsize=1)
def _name_index() -> dict[str, str]:
    index: dict[str, str] = {}
    for country in pycountry.countries:
        alpha3 = str(country.alpha_3).lower()
        for attribute in ("name", "official_name", "common_name"):
            value = getattr(country, attribute, None)
            if not value:
                continue
            for variant in _variants(str(value)):
                index.setdefault(_key(variant), alpha3)
    for name, alpha3 in _NAME_OVERRIDES.items():
        index[_key(name)] = alpha3
    return index


@lru_cache(maxsize=8192)
def country_from_name(name: str) -> str | None:
    """ISO3 (lower case) of a country name as ICEWS, ACLED or GDELT write it, else None.

    "Russian Federation", "Russia", "North Korea", "South Korea", "Occupied Palestinian
    Territory" and "Côte d'Ivoire"/"Cote d'Ivoire" all resolve; regions ("Middle East"),
    organisations and unknown names give None.
    """
    if not name:
        return None
    return _name_index().get(_key(name))


def _alpha3_exists(code: str) -> bool:
    try:
        return pycountry.countries.get(alpha_3=code) is not None
    except KeyError:  # older pycountry raised instead of returning None
        return False


@lru_cache(maxsize=4096)
def country_from_code(code: str) -> str | None:
    """ISO3 of a CAMEO/GDELT actor country code or an ISO alpha-3 code ("RUS" -> "rus").

    CAMEO regional codes ("AFR", "EUR", "WST") and ethnic or religious codes are not
    countries and give None.
    """
    code = code.strip().upper()
    if len(code) != 3 or not code.isalpha():
        return None
    if code in _CODE_OVERRIDES:
        return _CODE_OVERRIDES[code]
    if code in CAMEO_REGIONS:
        return None
    return code.lower() if _alpha3_exists(code) else None


@lru_cache(maxsize=1024)
def country_from_numeric(value: str) -> str | None:
    """ISO3 of an ISO 3166-1 numeric code (ACLED's `iso` column: "804" -> "ukr")."""
    text = value.strip()
    if not text.isdigit():
        return None
    try:
        country = pycountry.countries.get(numeric=f"{int(text):03d}")
    except KeyError:
        return None
    return None if country is None else str(country.alpha_3).lower()


@lru_cache(maxsize=1024)
def country_name(iso3: str) -> str:
    """Display name of a country id: "rus" -> "Russia", "kor" -> "South Korea".

    Raises:
        LookupError: the id is not a country this module resolves to.
    """
    iso3 = iso3.lower()
    if iso3 in _DISPLAY_OVERRIDES:
        return _DISPLAY_OVERRIDES[iso3]
    try:
        country = pycountry.countries.get(alpha_3=iso3.upper())
    except KeyError:
        country = None
    if country is None:
        raise LookupError(f"{iso3!r} is not an ISO 3166-1 alpha-3 country id")
    common = getattr(country, "common_name", None)
    if common:
        return str(common)
    name = str(country.name)
    if ", " not in name:
        return name
    official = getattr(country, "official_name", None)
    if official and not str(official).lower().startswith("the "):
        return str(official)
    head, tail = name.split(", ", 1)
    inverted = f"{tail} {head}"
    return inverted[4:] if inverted.lower().startswith("the ") else inverted


def is_country_id(value: str) -> bool:
    """Whether `value` is an id `country_name` can display (ISO3 lower case, or xkx)."""
    try:
        country_name(value)
    except LookupError:
        return False
    return True
