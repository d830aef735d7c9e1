"""The curated dataset format: actors, aliases, sources, events, facts and claims in YAML.

Every entry is validated by these models, and the whole file by `CuratedDataset`, which
also checks that every reference names an entry that exists. `docs/curated-format.schema.json`
is generated from `CuratedDataset`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date
from enum import StrEnum
from typing import Annotated, Literal, Protocol, Self

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

from graph_schema.temporal import PartialDateField
from graph_schema.vocabulary import ActorKind, FactType, Stance

Slug = Annotated[
    str,
    StringConstraints(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=120),
    Field(description="A stable lower-case id: letters, digits and hyphens."),
]
Confidence = Annotated[float, Field(ge=0.0, le=1.0, description="0 (doubtful) to 1 (certain).")]
# Bounds on every string and list: a file is read whole, so a 50 MB title or a million
# aliases would otherwise reach the graph as they are.
Name = Annotated[str, StringConstraints(min_length=1, max_length=300)]
Label = Annotated[str, StringConstraints(max_length=100)]
Text = Annotated[str, StringConstraints(max_length=10_000)]
Url = Annotated[str, StringConstraints(max_length=2_000)]
MAX_REFERENCES = 100
MAX_ENTRIES = 200_000
_ISO3 = re.compile(r"^[a-z]{3}$")


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", use_enum_values=False)


class SourceKind(StrEnum):
    NEWS_MEDIA = "news_media"
    GOVERNMENT = "government"
    INTELLIGENCE = "intelligence"
    INTERNATIONAL_ORGANISATION = "international_organisation"
    EXPERT = "expert"
    DATASET = "dataset"


class EventKind(StrEnum):
    AGREEMENT = "agreement"
    VISIT = "visit"
    ATTACK = "attack"
    INCURSION = "incursion"
    INVASION = "invasion"
    TRANSFER = "transfer"
    DEPLOYMENT = "deployment"
    STATEMENT = "statement"
    ACCUSATION = "accusation"
    SANCTIONS = "sanctions"
    VETO = "veto"
    DEMOLITION = "demolition"
    REPORT = "report"
    MEETING = "meeting"
    APPOINTMENT = "appointment"
    OTHER = "other"


class DatasetInfo(Entry):
    id: Slug
    title: Name
    description: Text = ""
    published: date | None = Field(
        default=None, description="When the source document was published."
    )
    source_document: Text | None = Field(default=None, description="What the dataset encodes.")


class SourceEntry(Entry):
    id: Slug
    name: Name
    kind: SourceKind
    url: Url | None = None
    published: PartialDateField | None = None
    description: Text = ""


class ActorEntry(Entry):
    id: Slug = Field(description="ISO 3166-1 alpha-3 in lower case for states; a slug otherwise.")
    name: Name
    kind: ActorKind
    aliases: list[Name] = Field(
        default_factory=list,
        max_length=MAX_REFERENCES,
        description="Other names that resolve to this actor.",
    )
    part_of: Slug | None = Field(
        default=None, description="The actor this one belongs to (PART_OF)."
    )
    description: Text = ""

    @model_validator(mode="after")
    def _states_use_iso3(self) -> Self:
        if self.kind is ActorKind.STATE and _ISO3.match(self.id) is None:
            raise ValueError(
                f"a state's id must be its ISO 3166-1 alpha-3 code in lower case, not {self.id!r}"
            )
        return self


class LocationEntry(Entry):
    id: Slug
    name: Name
    kind: Label = Field(default="place", description="city, region, port, border area ...")
    country: Slug | None = Field(default=None, description="The state actor it lies in.")
    aliases: list[Name] = Field(default_factory=list, max_length=MAX_REFERENCES)


class WeaponSystemEntry(Entry):
    id: Slug
    name: Name
    kind: Label = Field(default="weapon", description="ballistic missile, artillery shell ...")
    produced_by: Slug | None = Field(default=None, description="The actor that makes it.")


class Participant(Entry):
    actor: Slug
    role: Label = Field(default="participant", description="initiator, target, signatory, host ...")


class EventEntry(Entry):
    id: Slug
    name: Name
    kind: EventKind
    date: PartialDateField = Field(
        description="When it happened (or began): YYYY, YYYY-MM or YYYY-MM-DD."
    )
    end: PartialDateField | None = Field(default=None, description="When it ended, if it lasted.")
    location: Slug | None = None
    participants: list[Participant] = Field(default_factory=list, max_length=MAX_REFERENCES)
    weapons: list[Slug] = Field(default_factory=list, max_length=MAX_REFERENCES)
    sources: list[Slug] = Field(min_length=1, max_length=MAX_REFERENCES)
    description: Text = ""

    @model_validator(mode="after")
    def _ends_after_start(self) -> Self:
        if self.end is not None and self.end.last_day < self.date.first_day:
            raise ValueError(f"end {self.end} is before date {self.date}")
        return self


class FactEntry(Entry):
    id: Slug
    type: FactType
    source: Slug = Field(description="The actor the relationship goes from.")
    target: Slug = Field(description="The actor the relationship goes to.")
    valid_from: PartialDateField | None = Field(
        default=None, description="Start of validity; absent: unknown."
    )
    valid_to: PartialDateField | None = Field(
        default=None, description="End of validity; absent: ongoing."
    )
    event: Slug | None = Field(default=None, description="The event the fact came from.")
    sources: list[Slug] = Field(
        min_length=1, max_length=MAX_REFERENCES, description="Sources that report the fact."
    )
    confidence: Confidence = 1.0
    role: Label | None = Field(default=None, description="The office held, for HOLDS_ROLE facts.")
    description: Text = ""

    @model_validator(mode="after")
    def _coherent(self) -> Self:
        if self.valid_from and self.valid_to and self.valid_to.last_day < self.valid_from.first_day:
            raise ValueError(f"valid_to {self.valid_to} is before valid_from {self.valid_from}")
        if (self.type is FactType.HOLDS_ROLE) != (self.role is not None):
            raise ValueError("role is required on HOLDS_ROLE facts and only on them")
        return self


class ClaimEntry(Entry):
    id: Slug
    claimant: Slug = Field(description="The actor or source that makes the claim.")
    stance: Stance
    fact: Slug | None = Field(default=None, description="The fact claimed or denied.")
    event: Slug | None = Field(default=None, description="The event claimed or denied.")
    date: PartialDateField = Field(description="When the claim was made.")
    quote: Text | None = Field(
        default=None, description="The claimant's words, where the source gives them."
    )
    reported_in: list[Slug] = Field(
        min_length=1, max_length=MAX_REFERENCES, description="Sources that report the claim."
    )

    @model_validator(mode="after")
    def _about_one_thing(self) -> Self:
        if (self.fact is None) == (self.event is None):
            raise ValueError("a claim is about exactly one of fact or event")
        return self


class CuratedDataset(Entry):
    format: Literal["tkg-curated/1"] = Field(description="Format name and version.")
    dataset: DatasetInfo
    sources: list[SourceEntry] = Field(default_factory=list, max_length=MAX_ENTRIES)
    actors: list[ActorEntry] = Field(default_factory=list, max_length=MAX_ENTRIES)
    locations: list[LocationEntry] = Field(default_factory=list, max_length=MAX_ENTRIES)
    weapon_systems: list[WeaponSystemEntry] = Field(default_factory=list, max_length=MAX_ENTRIES)
    events: list[EventEntry] = Field(default_factory=list, max_length=MAX_ENTRIES)
    facts: list[FactEntry] = Field(default_factory=list, max_length=MAX_ENTRIES)
    claims: list[ClaimEntry] = Field(default_factory=list, max_length=MAX_ENTRIES)


class _Identified(Protocol):
    @property
    def id(self) -> str: ...


class ReferenceProblem(BaseModel):
    """A reference to an entry that does not exist, or an id used twice."""

    loc: tuple[str | int, ...]
    msg: str


def check_references(data: CuratedDataset) -> list[ReferenceProblem]:
    """Every id unique within its section, and every reference names an existing entry."""
    problems: list[ReferenceProblem] = []

    def ids(section: str, entries: Sequence[_Identified]) -> set[str]:
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            if entry.id in seen:
                problems.append(
                    ReferenceProblem(
                        loc=(section, index, "id"),
                        msg=f"id {entry.id!r} is used twice in {section}",
                    )
                )
            seen.add(entry.id)
        return seen

    sources = ids("sources", data.sources)
    actors = ids("actors", data.actors)
    locations = ids("locations", data.locations)
    weapons = ids("weapon_systems", data.weapon_systems)
    events = ids("events", data.events)
    facts = ids("facts", data.facts)
    ids("claims", data.claims)

    def need(known: set[str], what: str, ref: str | None, *loc: str | int) -> None:
        if ref is not None and ref not in known:
            problems.append(ReferenceProblem(loc=loc, msg=f"unknown {what} {ref!r}"))

    for i, actor in enumerate(data.actors):
        need(actors, "actor", actor.part_of, "actors", i, "part_of")
    for i, location in enumerate(data.locations):
        need(actors, "actor", location.country, "locations", i, "country")
    for i, weapon in enumerate(data.weapon_systems):
        need(actors, "actor", weapon.produced_by, "weapon_systems", i, "produced_by")
    for i, event in enumerate(data.events):
        need(locations, "location", event.location, "events", i, "location")
        for j, participant in enumerate(event.participants):
            need(actors, "actor", participant.actor, "events", i, "participants", j, "actor")
        for j, weapon_id in enumerate(event.weapons):
            need(weapons, "weapon system", weapon_id, "events", i, "weapons", j)
        for j, source_id in enumerate(event.sources):
            need(sources, "source", source_id, "events", i, "sources", j)
    for i, fact in enumerate(data.facts):
        need(actors, "actor", fact.source, "facts", i, "source")
        need(actors, "actor", fact.target, "facts", i, "target")
        need(events, "event", fact.event, "facts", i, "event")
        for j, source_id in enumerate(fact.sources):
            need(sources, "source", source_id, "facts", i, "sources", j)
    for i, claim in enumerate(data.claims):
        if claim.claimant not in actors and claim.claimant not in sources:
            problems.append(
                ReferenceProblem(
                    loc=("claims", i, "claimant"), msg=f"unknown actor or source {claim.claimant!r}"
                )
            )
        need(facts, "fact", claim.fact, "claims", i, "fact")
        need(events, "event", claim.event, "claims", i, "event")
        for j, source_id in enumerate(claim.reported_in):
            need(sources, "source", source_id, "claims", i, "reported_in", j)
    return problems
