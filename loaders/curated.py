"""Load a curated dataset: validate the whole file, then write it idempotently.

Nothing is written unless the whole file is valid. Writes MERGE on stable ids, so a reload
changes nothing and a load cut off midway, run again, ends where one clean load would.
Facts keep transaction time: a fact whose content changed between loads is retracted
(`retracted_at`) and recorded anew as the next version, and a fact the file no longer holds
is retracted, so "what did the graph hold on day X" stays answerable.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

import neo4j
import yaml
from pydantic import BaseModel, ValidationError
from rich.progress import Progress
from yaml._yaml import CParser
from yaml.composer import Composer
from yaml.constructor import SafeConstructor
from yaml.resolver import Resolver

from graph_schema.errors import TkgError
from graph_schema.temporal import OPEN_END, OPEN_START, PartialDate, Precision
from graph_schema.vocabulary import (
    FACT_CLASS_BY_TYPE,
    Stance,
    alias_key,
    derive_status,
    is_generic_name,
)
from loaders.curated_format import (
    ActorEntry,
    ClaimEntry,
    CuratedDataset,
    EventEntry,
    FactEntry,
    check_references,
)
from loaders.load_record import LoadCounts, LoadRecorder
from queries import writes
from queries.loads import WriteStamp

Loc = tuple[str | int, ...]


class Problem(BaseModel):
    """One thing wrong with an input file, located as precisely as the file allows."""

    file: str
    line: int | None
    entry: str
    field: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.entry}: {self.field}: {self.message}"


class CuratedLoadError(TkgError):
    """The file is invalid; every problem is listed and nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the input")
        self.problems = problems


@dataclass
class LoadSummary:
    dataset: str
    counts: dict[str, int] = field(default_factory=dict)
    facts_created: int = 0
    facts_unchanged: int = 0
    facts_retracted: int = 0
    facts_versioned: int = 0

    def render(self) -> str:
        parts = ", ".join(f"{count} {name}" for name, count in self.counts.items())
        return (
            f"loaded {self.dataset}: {parts}; facts: {self.facts_created} recorded, "
            f"{self.facts_unchanged} unchanged, {self.facts_retracted} retracted"
        )


# -- reading and validation ------------------------------------------------------------


def _yaml_lines(node: yaml.Node, path: Loc, lines: dict[Loc, int]) -> None:
    lines[path] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            lines[(*path, key.value)] = key.start_mark.line + 1
            _yaml_lines(value, (*path, key.value), lines)
    elif isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            _yaml_lines(item, (*path, index), lines)


# A curated file is written by hand and read whole: these bound what reading it may cost
# (a 50 MB YAML file took 5 GB to parse). Larger data goes through the bulk loaders.
MAX_FILE_BYTES = 4 * 1024 * 1024
MAX_DEPTH = 32


class BoundedLoader(Composer, CParser, SafeConstructor, Resolver):
    """A safe loader, less what makes a small file cost without bound or mean two things:
    anchors and aliases (577 bytes of nested aliases expand to gigabytes), a key given
    twice in one mapping (the last would silently win), and nesting deeper than MAX_DEPTH
    (the composer recurses).

    libyaml scans and parses (4 times faster than PyYAML's Python parser, and leaner);
    PyYAML's Python composer builds the nodes, so that it can refuse those as it goes.
    """

    def __init__(self, stream: str) -> None:
        CParser.__init__(self, stream)
        Composer.__init__(self)
        SafeConstructor.__init__(self)
        Resolver.__init__(self)
        self.depth = 0

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()
        if isinstance(event, yaml.AliasEvent):
            self._refuse("aliases (*name) are not accepted: write the value out", event)
        if getattr(event, "anchor", None) is not None:
            self._refuse("anchors (&name) are not accepted: write the value out", event)
        self.depth += 1
        if self.depth > MAX_DEPTH:
            self._refuse(f"nested deeper than {MAX_DEPTH} levels", event)
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1

    def compose_mapping_node(self, anchor: Any) -> yaml.MappingNode:
        node: yaml.MappingNode = super().compose_mapping_node(anchor)
        first_line: dict[str, int] = {}
        for key, _ in node.value:
            if not isinstance(key, yaml.ScalarNode):
                continue
            if key.value in first_line:
                raise yaml.composer.ComposerError(
                    None,
                    None,
                    f"key {key.value!r} given twice in one mapping "
                    f"(first on line {first_line[key.value]})",
                    key.start_mark,
                )
            first_line[key.value] = key.start_mark.line + 1
        return node

    @staticmethod
    def _refuse(message: str, event: Any) -> None:
        raise yaml.composer.ComposerError(None, None, message, event.start_mark)


def _parse_yaml(text: str, lines: dict[Loc, int]) -> Any:
    loader = BoundedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _yaml_lines(node, (), lines)
        return loader.construct_document(node)
    finally:
        loader.dispose()


class _JsonShapeError(ValueError):
    def __init__(self, message: str, line: int | None) -> None:
        super().__init__(message)
        self.lineno = line


_JSON_STRING_OR_BRACKET = re.compile(r'"(?:[^"\\\n]|\\.)*"|[\[{\]}\n]')


def _parse_json(text: str) -> Any:
    depth, line = 0, 1
    for match in _JSON_STRING_OR_BRACKET.finditer(text):
        char = match.group()
        if char == "\n":
            line += 1
        elif char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                raise _JsonShapeError(f"nested deeper than {MAX_DEPTH} levels", line)
        elif char in "]}":
            depth -= 1

    def no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key, value in pairs:
            if key in result:
                raise _JsonShapeError(f"key {key!r} given twice in one object", None)
            result[key] = value
        return result

    return json.loads(text, object_pairs_hook=no_duplicates)


def read_document(path: Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[Any, dict[Loc, int]]:
    """Parse YAML or JSON, with the line of every key and item where YAML gives it.

    Raises:
        CuratedLoadError: the file cannot be read or parsed, is over `max_bytes`, or uses
            anchors, aliases, a key twice or deep nesting.
    """

    def problem(line: int | None, message: str) -> CuratedLoadError:
        return CuratedLoadError(
            [Problem(file=str(path), line=line, entry="file", field="-", message=message)]
        )

    try:
        size = path.stat().st_size
        if size > max_bytes:
            raise problem(
                None,
                f"{size / 2**20:.1f} MiB is over the {max_bytes / 2**20:g} MiB limit of a "
                "curated file; split it, or load bulk data with `tkg load --format`",
            )
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise problem(None, f"cannot read: {error}") from error
    lines: dict[Loc, int] = {}
    try:
        if path.suffix.lower() == ".json":
            return _parse_json(text), lines
        return _parse_yaml(text, lines), lines
    except (yaml.YAMLError, json.JSONDecodeError, _JsonShapeError) as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else getattr(error, "lineno", None)
        raise problem(line, f"not valid {path.suffix.lstrip('.')}: {error}") from error


def _locate(path: Path, raw: Any, loc: Loc, lines: dict[Loc, int], message: str) -> Problem:
    # The entry is the first two parts of loc (section, index); the rest is the field.
    entry = str(loc[0]) if loc else "document"
    field_loc = loc[1:]
    if len(loc) >= 2 and isinstance(loc[1], int):
        entry = f"{loc[0]}[{loc[1]}]"
        field_loc = loc[2:]
        try:
            entry_id = raw[loc[0]][loc[1]].get("id")
        except (KeyError, IndexError, TypeError, AttributeError):
            entry_id = None
        if entry_id:
            entry += f" (id {entry_id})"
    line = None
    for cut in range(len(loc), -1, -1):
        if loc[:cut] in lines:
            line = lines[loc[:cut]]
            break
    field_name = ".".join(str(part) for part in field_loc) or "-"
    return Problem(file=str(path), line=line, entry=entry, field=field_name, message=message)


def validate_document(path: Path, raw: Any, lines: dict[Loc, int]) -> CuratedDataset:
    """Validate the whole document; every problem is reported, not only the first.

    Raises:
        CuratedLoadError: at least one problem.
    """
    try:
        data = CuratedDataset.model_validate(raw)
    except ValidationError as error:
        problems = [
            _locate(
                path,
                raw,
                tuple(item["loc"]),
                lines,
                item["msg"]
                + (
                    f" (got {item['input']!r})"
                    if item["type"] != "missing" and not isinstance(item["input"], dict | list)
                    else ""
                ),
            )
            for item in error.errors()
        ]
        raise CuratedLoadError(problems) from error
    problems = [_locate(path, raw, p.loc, lines, p.msg) for p in check_references(data)]
    problems += [_locate(path, raw, loc, lines, msg) for loc, msg in _alias_conflicts(data.actors)]
    if problems:
        raise CuratedLoadError(problems)
    return data


def _alias_conflicts(actors: list[ActorEntry]) -> list[tuple[Loc, str]]:
    owner: dict[str, str] = {}
    conflicts: list[tuple[Loc, str]] = []
    for index, actor in enumerate(actors):
        for alias_index, alias in enumerate(actor.aliases):
            key = alias_key(alias)
            if owner.setdefault(key, actor.id) != actor.id:
                conflicts.append(
                    (
                        (("actors", index, "aliases", alias_index)),
                        f"alias {alias!r} already names {owner[key]!r}",
                    )
                )
    return conflicts


def parse_file(path: Path) -> CuratedDataset:
    raw, lines = read_document(path)
    return validate_document(path, raw, lines)


# -- mapping to graph rows --------------------------------------------------------------


def _bounds(start: PartialDate | None, end: PartialDate | None) -> dict[str, Any]:
    return {
        "valid_from": start.first_day if start else OPEN_START,
        "valid_from_precision": str(start.precision) if start else str(Precision.OPEN),
        "valid_to": end.last_day if end else OPEN_END,
        "valid_to_precision": str(end.precision) if end else str(Precision.OPEN),
    }


def fact_props(fact: FactEntry, dataset: str) -> dict[str, Any]:
    props: dict[str, Any] = {
        "id": fact.id,
        "dataset": dataset,
        **_bounds(fact.valid_from, fact.valid_to),
        "event_id": fact.event,
        "sources": list(fact.sources),
        "confidence": fact.confidence,
        "role": fact.role,
        "description": fact.description or None,
    }
    canonical = json.dumps(
        {"type": fact.type.value, "source": fact.source, "target": fact.target, **props},
        sort_keys=True,
        default=str,
    )
    props["content_hash"] = hashlib.sha256(canonical.encode()).hexdigest()
    props["status"] = "asserted"
    # Outside the hash: the class follows from the type, which the hash already covers.
    props["fact_class"] = FACT_CLASS_BY_TYPE[fact.type].value
    props["retracted_at"] = None
    return {key: value for key, value in props.items() if value is not None}


def _event_row(event: EventEntry, dataset: str) -> dict[str, Any]:
    props = {
        "name": event.name,
        "kind": event.kind.value,
        "dataset": dataset,
        "date_from": event.date.first_day,
        "date_precision": str(event.date.precision),
        "date_to": (event.end or event.date).last_day,
        "date_to_precision": str((event.end or event.date).precision),
        "description": event.description,
    }
    return {
        "id": event.id,
        "props": props,
        "location": event.location,
        "participants": [p.model_dump() for p in event.participants],
        "sources": list(event.sources),
        "weapons": list(event.weapons),
    }


def _claim_row(claim: ClaimEntry, dataset: str, actor_ids: set[str]) -> dict[str, Any]:
    props = {
        "stance": claim.stance.value,
        "fact_id": claim.fact,
        "event_id": claim.event,
        "date": claim.date.first_day,
        "date_precision": str(claim.date.precision),
        "quote": claim.quote,
        "dataset": dataset,
        "claimant_id": claim.claimant,
        "reported_in": list(claim.reported_in),
    }
    return {
        "id": claim.id,
        "props": {k: v for k, v in props.items() if v is not None},
        "claimant": claim.claimant,
        "claimant_kind": "actor" if claim.claimant in actor_ids else "source",
        "event": claim.event,
        "reported_in": list(claim.reported_in),
    }


# -- writing ----------------------------------------------------------------------------


def write_dataset(
    driver: neo4j.Driver,
    database: str,
    data: CuratedDataset,
    *,
    batch_size: int = 1000,
    progress: bool = False,
    now: datetime | None = None,
    file: Path | str = "-",
) -> LoadSummary:
    """Write a validated dataset, recorded as one load. Safe to repeat, and to rerun after
    an interrupted run."""
    ds = data.dataset.id
    recorder = LoadRecorder(driver, database, file=file, data_format="curated", dataset=ds, now=now)
    stamp = recorder.start()
    try:
        summary = _write_dataset(driver, database, data, batch_size, progress, stamp)
    except BaseException as error:
        recorder.fail(LoadCounts(rows=_entry_count(data)), error)
        raise
    recorder.finish(
        LoadCounts(
            rows=_entry_count(data),
            created=summary.facts_created - summary.facts_versioned,
            updated=summary.facts_versioned,
            retracted=summary.facts_retracted,
        )
    )
    return summary


def _entry_count(data: CuratedDataset) -> int:
    return sum(
        len(section)
        for section in (
            data.sources,
            data.actors,
            data.locations,
            data.weapon_systems,
            data.events,
            data.facts,
            data.claims,
        )
    )


def _write_dataset(
    driver: neo4j.Driver,
    database: str,
    data: CuratedDataset,
    batch_size: int,
    progress: bool,
    stamp: WriteStamp,
) -> LoadSummary:
    ds = data.dataset.id
    summary = LoadSummary(dataset=ds)
    actor_ids = {actor.id for actor in data.actors}

    steps: list[tuple[str, Any, list[dict[str, Any]]]] = [
        (
            "sources",
            writes.MERGE_SOURCES,
            [
                {
                    "id": s.id,
                    "props": {
                        "name": s.name,
                        "kind": s.kind.value,
                        "url": s.url,
                        "published": s.published.first_day if s.published else None,
                        "description": s.description,
                        "dataset": ds,
                    },
                }
                for s in data.sources
            ],
        ),
        (
            "actors",
            writes.MERGE_ACTORS,
            [
                {
                    "id": a.id,
                    "props": {
                        "name": a.name,
                        "kind": a.kind.value,
                        "aliases": a.aliases,
                        "description": a.description,
                        "dataset": ds,
                        "generic": is_generic_name(a.name),
                    },
                }
                for a in data.actors
            ],
        ),
        (
            "part_of",
            writes.MERGE_PART_OF,
            [{"child": a.id, "parent": a.part_of} for a in data.actors if a.part_of],
        ),
        (
            "aliases",
            writes.MERGE_ALIASES,
            [
                {"actor": a.id, "key": alias_key(name), "name": name, "rank": 0}
                for a in data.actors
                for name in [a.name, *a.aliases]
                if alias_key(name)
            ],
        ),
        (
            "locations",
            writes.MERGE_LOCATIONS,
            [
                {
                    "id": loc.id,
                    "country": loc.country,
                    "props": {
                        "name": loc.name,
                        "kind": loc.kind,
                        "aliases": loc.aliases,
                        "dataset": ds,
                    },
                }
                for loc in data.locations
            ],
        ),
        (
            "weapon_systems",
            writes.MERGE_WEAPONS,
            [
                {
                    "id": w.id,
                    "produced_by": w.produced_by,
                    "props": {"name": w.name, "kind": w.kind, "dataset": ds},
                }
                for w in data.weapon_systems
            ],
        ),
        ("events", writes.MERGE_EVENTS, [_event_row(e, ds) for e in data.events]),
        ("claims", writes.MERGE_CLAIMS, [_claim_row(c, ds, actor_ids) for c in data.claims]),
    ]
    total = sum(len(rows) for _, _, rows in steps) + len(data.facts)
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task(f"loading {ds}", total=total)
        writes.write_one(
            driver,
            database,
            stamp,
            writes.MERGE_DATASET,
            id=ds,
            title=data.dataset.title,
            description=data.dataset.description,
            published=data.dataset.published,
            source_document=data.dataset.source_document,
        )
        for name, cypher, rows in steps:
            writes.run_batches(driver, database, cypher, rows, batch_size, stamp)
            summary.counts[name] = len(rows)
            bar.advance(task, len(rows))
            if name == "part_of":
                writes.write_one(driver, database, stamp, writes.SET_COUNTRIES)
        writes.write_one(
            driver,
            database,
            stamp,
            writes.RETRACT_DATASET_EVENTS,
            dataset=ds,
            ids=[e.id for e in data.events],
        )
        writes.write_one(
            driver,
            database,
            stamp,
            writes.RETRACT_DATASET_CLAIMS,
            dataset=ds,
            ids=[c.id for c in data.claims],
        )
        _write_facts(driver, database, data, ds, batch_size, stamp, summary)
        bar.advance(task, len(data.facts))
    summary.counts["facts"] = len(data.facts)
    refresh_status(driver, database, data.facts, batch_size, stamp)
    return summary


def _write_facts(
    driver: neo4j.Driver,
    database: str,
    data: CuratedDataset,
    ds: str,
    batch_size: int,
    stamp: WriteStamp,
    summary: LoadSummary,
) -> None:
    wanted = {fact.id: fact for fact in data.facts}
    ids = list(wanted)
    current, recorded = writes.current_facts(driver, database, ids, ds)
    stale_by_type: dict[str, list[str]] = defaultdict(list)
    for fact_id, fact_type in recorded:
        if fact_id not in wanted:
            stale_by_type[fact_type].append(fact_id)

    create_by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for fact in data.facts:
        props = fact_props(fact, ds)
        old = current.get(fact.id)
        if (
            old is not None
            and old["content_hash"] == props["content_hash"]
            and old["type"] == fact.type.value
        ):
            summary.facts_unchanged += 1
            continue
        if old is not None:
            stale_by_type[old["type"]].append(fact.id)
        version = (old["version"] + 1) if old is not None else 1
        create_by_type[fact.type.value].append(
            {"source": fact.source, "target": fact.target, "props": props, "version": version}
        )

    for stale_type, stale in stale_by_type.items():
        writes.write_one(driver, database, stamp, writes.retract_facts_query(stale_type), ids=stale)
        summary.facts_retracted += len([i for i in stale if i not in wanted])
    for new_type, rows in create_by_type.items():
        writes.run_batches(
            driver, database, writes.create_facts_query(new_type), rows, batch_size, stamp
        )
        summary.facts_created += len(rows)
        summary.facts_versioned += sum(1 for row in rows if row["version"] > 1)


def refresh_status(
    driver: neo4j.Driver,
    database: str,
    facts: list[FactEntry],
    batch_size: int,
    stamp: WriteStamp,
) -> None:
    """Derive each fact's status from every claim about it that the graph holds."""
    by_id = {fact.id: fact for fact in facts}
    claims = writes.read_rows(driver, database, writes.CLAIMS_FOR_FACTS, ids=list(by_id))
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for claim in claims:
        grouped[claim["fact_id"]].append(claim)
    rows_by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for fact_id, fact in by_id.items():
        parties = {fact.source, fact.target}
        fact_claims = grouped.get(fact_id, [])
        stances = [
            (Stance(c["stance"]), bool(parties & set(c["claimant_wholes"]))) for c in fact_claims
        ]
        rows_by_type[fact.type.value].append(
            {
                "id": fact_id,
                "fact_class": FACT_CLASS_BY_TYPE[fact.type].value,
                "status": derive_status(stances).value,
                "asserted_by": sorted(
                    {c["claimant"] for c in fact_claims if c["stance"] == Stance.ASSERTS}
                ),
                "denied_by": sorted(
                    {c["claimant"] for c in fact_claims if c["stance"] == Stance.DENIES}
                ),
            }
        )
    for fact_type, rows in rows_by_type.items():
        writes.run_batches(
            driver, database, writes.set_fact_status_query(fact_type), rows, batch_size, stamp
        )


def load_curated_file(
    driver: neo4j.Driver,
    database: str,
    path: Path,
    *,
    batch_size: int = 1000,
    progress: bool = False,
) -> LoadSummary:
    """Validate `path` whole, then write it.

    Raises:
        CuratedLoadError: the file has problems; all are listed and nothing is written.
    """
    data = parse_file(path)
    return write_dataset(
        driver, database, data, batch_size=batch_size, progress=progress, file=path
    )
