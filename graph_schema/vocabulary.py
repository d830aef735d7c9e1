"""The controlled vocabulary: node labels, actor kinds, fact types, stances and statuses.

Facts are typed relationships so that notebook users can write `-[:SUPPLIED_ARMS_TO]->`.
Every type here is also an identifier that may be interpolated into Cypher, so the set is
closed and `safe_identifier` guards every interpolation.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from enum import StrEnum


class Label(StrEnum):
    ACTOR = "Actor"
    ALIAS = "Alias"
    EVENT = "Event"
    SOURCE = "Source"
    LOCATION = "Location"
    WEAPON_SYSTEM = "WeaponSystem"
    CLAIM = "Claim"
    DATASET = "Dataset"
    # Transaction-time bookkeeping: one Load per `tkg load`, one Write per write transaction.
    LOAD = "Load"
    WRITE = "Write"


class ActorKind(StrEnum):
    STATE = "state"
    PERSON = "person"
    GOVERNMENT_BODY = "government_body"  # a ministry, an office, a spokesman's Kremlin
    ARMED_FORCE = "armed_force"
    INTELLIGENCE_AGENCY = "intelligence_agency"
    INTERNATIONAL_ORGANISATION = "international_organisation"
    ORGANISATION = "organisation"  # companies, universities, NGOs, media
    GROUP = "group"  # rebels, militias, protesters, other non-state collectives
    SECTOR = "sector"  # a coded sector of a country ("Police (Philippines)")


class FactType(StrEnum):
    """Relationship types between actors; each is documented in docs/schema.md."""

    ALLIED_WITH = "ALLIED_WITH"
    SIGNED_AGREEMENT_WITH = "SIGNED_AGREEMENT_WITH"
    COOPERATED_WITH = "COOPERATED_WITH"
    SUPPORTED = "SUPPORTED"
    SUPPLIED_ARMS_TO = "SUPPLIED_ARMS_TO"
    SUPPLIED_AID_TO = "SUPPLIED_AID_TO"
    TRADED_WITH = "TRADED_WITH"
    DEPLOYED_TROOPS_TO = "DEPLOYED_TROOPS_TO"
    ATTACKED = "ATTACKED"
    FOUGHT = "FOUGHT"
    AT_WAR_WITH = "AT_WAR_WITH"
    INVADED = "INVADED"
    THREATENED = "THREATENED"
    COERCED = "COERCED"
    SANCTIONED = "SANCTIONED"
    CONDEMNED = "CONDEMNED"
    ACCUSED = "ACCUSED"
    CRITICISED = "CRITICISED"
    DENIED = "DENIED"
    VETOED = "VETOED"
    VISITED = "VISITED"
    HOSTED = "HOSTED"
    MET_WITH = "MET_WITH"
    NEGOTIATED_WITH = "NEGOTIATED_WITH"
    CONSULTED = "CONSULTED"
    APPEALED_TO = "APPEALED_TO"
    PRAISED = "PRAISED"
    EXPRESSED_CONCERN_ABOUT = "EXPRESSED_CONCERN_ABOUT"
    DEMANDED = "DEMANDED"
    PROTESTED = "PROTESTED"
    INVESTIGATED = "INVESTIGATED"
    ARRESTED = "ARRESTED"
    REDUCED_RELATIONS_WITH = "REDUCED_RELATIONS_WITH"
    MONITORED = "MONITORED"
    COMMENTED_ON = "COMMENTED_ON"
    INTERACTED_WITH = "INTERACTED_WITH"  # a coded event that fits no narrower type
    HOLDS_ROLE = "HOLDS_ROLE"  # a person's office in a state or body, with its own validity
    MEMBER_OF = "MEMBER_OF"


class StructuralType(StrEnum):
    """Relationships that shape the graph rather than state a dated fact."""

    PART_OF = "PART_OF"  # sub-actor to its parent (Kremlin -> rus), used by rollup
    REFERS_TO = "REFERS_TO"  # Alias -> Actor
    PARTICIPATED_IN = "PARTICIPATED_IN"  # Actor -> Event, with a role
    OCCURRED_IN = "OCCURRED_IN"  # Event -> Location
    INVOLVED = "INVOLVED"  # Event -> WeaponSystem
    REPORTED_BY = "REPORTED_BY"  # Event -> Source
    PRODUCED_BY = "PRODUCED_BY"  # WeaponSystem -> Actor
    LOCATED_IN = "LOCATED_IN"  # Location -> Actor (its state)
    MADE = "MADE"  # Actor or Source -> Claim
    ABOUT = "ABOUT"  # Claim -> Event (claims about facts carry fact_id instead)
    CITED_IN = "CITED_IN"  # Claim -> Source that reported the claim


class Stance(StrEnum):
    ASSERTS = "asserts"
    DENIES = "denies"


class Status(StrEnum):
    """A fact's standing, derived from the claims about it (see derive_status)."""

    ASSERTED = "asserted"
    CONTESTED = "contested"
    DENIED = "denied"
    CONFIRMED = "confirmed"


def derive_status(stances: Iterable[tuple[Stance, bool]]) -> Status:
    """Fold the claims about a fact into its status.

    Args:
        stances: one (stance, claimant_is_party) pair per claim; claimant_is_party is
            true when the claimant is one of the fact's own actors (or part of one).

    A fact with no claims stands on its sources alone: asserted. Any assertion and any
    denial together make it contested: both stay recorded. Only denials: denied. An
    assertion by a party to the fact itself, undenied, confirms it.
    """
    asserted = denied = confirmed_by_party = False
    for stance, claimant_is_party in stances:
        if stance is Stance.DENIES:
            denied = True
        else:
            asserted = True
            confirmed_by_party = confirmed_by_party or claimant_is_party
    if asserted and denied:
        return Status.CONTESTED
    if denied:
        return Status.DENIED
    if confirmed_by_party:
        return Status.CONFIRMED
    return Status.ASSERTED


class FactClass(StrEnum):
    """CAMEO's quad classes: is a fact talk or deed, cooperative or hostile."""

    VERBAL_COOPERATION = "verbal_cooperation"  # quad class 1 (CAMEO roots 01-05)
    MATERIAL_COOPERATION = "material_cooperation"  # 2 (06-09)
    VERBAL_CONFLICT = "verbal_conflict"  # 3 (10-14)
    MATERIAL_CONFLICT = "material_conflict"  # 4 (15-20)


FACT_CLASS_BY_QUAD: dict[int, FactClass] = {
    1: FactClass.VERBAL_COOPERATION,
    2: FactClass.MATERIAL_COOPERATION,
    3: FactClass.VERBAL_CONFLICT,
    4: FactClass.MATERIAL_CONFLICT,
}

# Each type's class where no quad class says otherwise (curated facts, ACLED); types that
# CAMEO codes follow the class of the CAMEO root they come from. Standing ties (offices,
# memberships, alliances) count as material cooperation.
FACT_CLASS_BY_TYPE: dict[FactType, FactClass] = {
    FactType.ALLIED_WITH: FactClass.MATERIAL_COOPERATION,
    FactType.SIGNED_AGREEMENT_WITH: FactClass.VERBAL_COOPERATION,
    FactType.COOPERATED_WITH: FactClass.MATERIAL_COOPERATION,
    FactType.SUPPORTED: FactClass.VERBAL_COOPERATION,
    FactType.SUPPLIED_ARMS_TO: FactClass.MATERIAL_COOPERATION,
    FactType.SUPPLIED_AID_TO: FactClass.MATERIAL_COOPERATION,
    FactType.TRADED_WITH: FactClass.MATERIAL_COOPERATION,
    FactType.DEPLOYED_TROOPS_TO: FactClass.MATERIAL_COOPERATION,
    FactType.ATTACKED: FactClass.MATERIAL_CONFLICT,
    FactType.FOUGHT: FactClass.MATERIAL_CONFLICT,
    FactType.AT_WAR_WITH: FactClass.MATERIAL_CONFLICT,
    FactType.INVADED: FactClass.MATERIAL_CONFLICT,
    FactType.THREATENED: FactClass.VERBAL_CONFLICT,
    FactType.COERCED: FactClass.MATERIAL_CONFLICT,
    FactType.SANCTIONED: FactClass.MATERIAL_CONFLICT,
    FactType.CONDEMNED: FactClass.VERBAL_CONFLICT,
    FactType.ACCUSED: FactClass.VERBAL_CONFLICT,
    FactType.CRITICISED: FactClass.VERBAL_CONFLICT,
    FactType.DENIED: FactClass.VERBAL_CONFLICT,
    FactType.VETOED: FactClass.VERBAL_CONFLICT,
    FactType.VISITED: FactClass.VERBAL_COOPERATION,
    FactType.HOSTED: FactClass.VERBAL_COOPERATION,
    FactType.MET_WITH: FactClass.VERBAL_COOPERATION,
    FactType.NEGOTIATED_WITH: FactClass.VERBAL_COOPERATION,
    FactType.CONSULTED: FactClass.VERBAL_COOPERATION,
    FactType.APPEALED_TO: FactClass.VERBAL_COOPERATION,
    FactType.PRAISED: FactClass.VERBAL_COOPERATION,
    FactType.EXPRESSED_CONCERN_ABOUT: FactClass.VERBAL_CONFLICT,
    FactType.DEMANDED: FactClass.VERBAL_CONFLICT,
    FactType.PROTESTED: FactClass.VERBAL_CONFLICT,
    FactType.INVESTIGATED: FactClass.MATERIAL_COOPERATION,
    FactType.ARRESTED: FactClass.MATERIAL_CONFLICT,
    FactType.REDUCED_RELATIONS_WITH: FactClass.MATERIAL_CONFLICT,
    FactType.MONITORED: FactClass.MATERIAL_COOPERATION,
    FactType.COMMENTED_ON: FactClass.VERBAL_COOPERATION,
    FactType.INTERACTED_WITH: FactClass.VERBAL_COOPERATION,
    FactType.HOLDS_ROLE: FactClass.MATERIAL_COOPERATION,
    FactType.MEMBER_OF: FactClass.MATERIAL_COOPERATION,
}


def fact_class(fact_type: FactType, quad_class: int | None = None) -> FactClass:
    """A fact's class: its CAMEO quad class when the data codes one, else its type's."""
    if quad_class is not None and quad_class in FACT_CLASS_BY_QUAD:
        return FACT_CLASS_BY_QUAD[quad_class]
    return FACT_CLASS_BY_TYPE[fact_type]


# Letters that Unicode does not decompose into a base letter and a mark.
_UNDECOMPOSED = str.maketrans(
    {
        "ł": "l",
        "Ł": "l",
        "ø": "o",
        "Ø": "o",
        "đ": "d",
        "Đ": "d",
        "ð": "d",
        "Ð": "d",
        "þ": "th",
        "Þ": "th",
        "ß": "ss",
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "ı": "i",
        "&": " and ",
    }
)
# Apostrophes and dots join what they separate: "People's" is "peoples" in every spelling
# of the apostrophe, and "D.P.R.K." is "dprk".
_JOINERS = frozenset(".'\u2019\u2018`\u00b4\u02bc")


def alias_key(name: str) -> str:
    """The folded form of a name under which it is stored and looked up.

    Case, spacing, punctuation and diacritics do not count: "Kim Jong-Un", "kim jong un"
    and "KIM JONG UN" share the key "kim jong un"; "Wałęsa" and "Walesa" share "walesa";
    "Foreign Affairs (Russia)" is "foreign affairs russia"; "D.P.R.K." and "DPRK" share
    "dprk". Letters of other scripts stay (folded in case), so a name in Cyrillic keeps a
    key of its own.
    """
    decomposed = unicodedata.normalize("NFKD", name.translate(_UNDECOMPOSED))
    chars = []
    for char in decomposed:
        if char in _JOINERS or unicodedata.combining(char):
            continue
        chars.append(char if char.isalnum() else " ")
    return " ".join("".join(chars).casefold().split())


# A generic actor stands for nobody in particular: an unknown actor, or an unnamed
# collective of a country or region. Ranked lists, paths and graphs leave them out by
# default, since "Citizen (India)" would otherwise top every ranking of India's ties.
_GENERIC_WORDS = frozenset({"unspecified", "unidentified", "unknown", "unnamed", "anonymous"})
_GENERIC_COLLECTIVES = frozenset(
    alias_key(name)
    for name in (
        "Citizen",
        "Citizens",
        "Civilian",
        "Civilians",
        "People",
        "Population",
        "Public",
        "Resident",
        "Residents",
        "Villager",
        "Villagers",
        "Men",
        "Women",
        "Children",
        "Youth",
        "Student",
        "Students",
        "Protester",
        "Protesters",
        "Rioters",
        "Mob",
        "Crowd",
        "Criminal",
        "Criminals",
        "Refugee",
        "Refugees",
        "Migrants",
        "Worker",
        "Workers",
        "Labor",
        "Farmer",
        "Farmers",
        "Business",
        "Businessperson",
        "Industry",
        "Media",
        "Media Personnel",
        "Armed Band",
        "Armed Gang",
        "Gunmen",
        "Attacker",
        "Attackers",
        "Other Authorities / Officials",
    )
)


def is_generic_name(name: str) -> bool:
    """True for a catch-all actor name: an unknown actor ("Unspecified Actor",
    "Unidentified Forces (Russia)"), or an unnamed collective of a country or region
    ("Citizen (India)", "Protesters (Ukraine)", "Civilians"). The base name is what comes
    before a final parenthetical."""
    key = alias_key(name)
    if _GENERIC_WORDS & set(key.split()):
        return True
    base = name.rsplit("(", 1)[0] if name.rstrip().endswith(")") else name
    return alias_key(base) in _GENERIC_COLLECTIVES


FACT_TYPES: frozenset[str] = frozenset(t.value for t in FactType)
LABELS: frozenset[str] = frozenset(label.value for label in Label)
_IDENTIFIER = re.compile(r"^[A-Z][A-Z0-9_]{0,63}$|^[A-Z][A-Za-z0-9]{0,63}$")


class UnsafeIdentifierError(ValueError):
    """A label or relationship type is not in the vocabulary, so it may not enter Cypher."""


def safe_identifier(name: str, allowed: frozenset[str]) -> str:
    """Return `name` if it may be interpolated into Cypher as a label or type.

    Raises:
        UnsafeIdentifierError: it is not a plain identifier from the allowed vocabulary.
    """
    if name not in allowed or _IDENTIFIER.match(name) is None:
        raise UnsafeIdentifierError(f"{name!r} is not a known label or relationship type")
    return name
