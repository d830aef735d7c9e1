"""The controlled vocabulary: node labels, actor kinds, fact types, stances and statuses.

Facts are typed relationships so that notebook users can write `-[:SUPPLIED_ARMS_TO]->`.
Every type here is also an identifier that may be interpolated into Cypher, so the set is
closed and `safe_identifier` guards every interpolation.
"""

from __future__ import annotations

import re
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


def alias_key(name: str) -> str:
    """Aliases match case- and space-insensitively."""
    return " ".join(name.casefold().split())


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
