"""Query parameters shared by the v1 routes: time, filters, paging, actor names."""

from __future__ import annotations

import base64
import binascii
import json
import types
from collections import Counter
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Annotated, Any, Generic, TypeVar, Union, get_args, get_origin

import neo4j
from fastapi import Depends, Query, Request
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute
from pydantic import BaseModel, Field

from app.api.deps import SettingsDep
from app.core.config import Settings
from graph_schema.errors import AmbiguousActorError, InvalidQueryError, UnknownActorError
from graph_schema.temporal import OPEN_END, OPEN_START, PartialDate, ensure_utc
from graph_schema.vocabulary import FactClass, FactType, Status
from queries.actors import MAX_QUERY_WORDS, MAX_WORD_CHARS, resolve_actors, search_actors
from queries.graph import Aggregate
from queries.models import FactFilter, TimeScope, end_of_day
from queries.runner import run_read

T = TypeVar("T")

DATE_HELP = "YYYY, YYYY-MM or YYYY-MM-DD; a month or year means the whole of it."
# What the date parameters accept; the OpenAPI document states it too.
DATE_PATTERN = r"^([0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?)?$"
TIMESTAMP_PATTERN = (
    r"^([Nn][Oo][Ww]|[0-9]{4}(-[0-9]{2}(-[0-9]{2}(T[0-9]{2}(:[0-9]{2}(:[0-9]{2}"
    r"(\.[0-9]{1,6})?)?)?(Z|[+-][0-9]{2}:?[0-9]{2})?)?)?)?)?$"
)
# Lucene turns each word into clauses, and a long word into a large automaton: past these,
# the full-text index fails (TooManyClauses, "input automaton is too large").
MAX_SEARCH_CHARS = 200


def parse_partial(field: str, value: str | None) -> PartialDate | None:
    if value is None or value == "":
        return None
    try:
        return PartialDate.parse(value)
    except ValueError as error:
        raise InvalidQueryError(field, value, str(error)) from error


def parse_known_at(value: str | None) -> datetime | None:
    """A date means the end of that day (UTC); a full timestamp is taken as given; `now`
    (or nothing) means the current graph. Any instant up to the end of today answers with
    the current graph, since nothing later has been recorded yet; later ones are a 422."""
    if value is None or value == "" or value.lower() == "now":
        return None
    known = _parse_known_at(value)
    now = datetime.now(UTC)
    if known <= now:
        return known
    if known <= end_of_day(now.date()):
        return None
    raise InvalidQueryError("known_at", value, "is in the future")


def _parse_known_at(value: str) -> datetime:
    if "T" in value:
        try:
            return ensure_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
        except ValueError as error:
            raise InvalidQueryError(
                "known_at", value, f"not an ISO 8601 timestamp: {error}"
            ) from error
    partial = parse_partial("known_at", value)
    assert partial is not None
    return end_of_day(partial.last_day)


async def time_scope(
    at: Annotated[
        str | None,
        Query(
            description=f"Facts valid on this day (or month, or year). {DATE_HELP} "
            "Not with `from`/`to`.",
            examples=["2024-07-01"],
            pattern=DATE_PATTERN,
        ),
    ] = None,
    from_: Annotated[
        str | None,
        Query(
            alias="from",
            description=f"Start of a window: facts overlapping it count. {DATE_HELP} "
            "Not with `at`.",
            examples=["2024-10"],
            pattern=DATE_PATTERN,
        ),
    ] = None,
    to: Annotated[
        str | None,
        Query(
            description=f"End of the window (inclusive), not before `from`. {DATE_HELP} "
            "Not with `at`.",
            examples=["2024-10"],
            pattern=DATE_PATTERN,
        ),
    ] = None,
    known_at: Annotated[
        str | None,
        Query(
            description="Transaction time: answer with what the graph held then. A date means "
            "the end of that day, UTC; or an ISO timestamp; or `now` (the default). Before the "
            "first load the graph held nothing, so answers are empty.",
            examples=["2026-01-01"],
            pattern=TIMESTAMP_PATTERN,
        ),
    ] = None,
) -> TimeScope:
    """`at`, or `from`/`to`, or neither (= today)."""
    return scope_from(at, from_, to, known_at)


def scope_from(
    at: str | None, from_: str | None, to: str | None, known_at: str | None
) -> TimeScope:
    at_date = parse_partial("at", at)
    start = parse_partial("from", from_)
    end = parse_partial("to", to)
    if at_date is not None and (start is not None or end is not None):
        raise InvalidQueryError("at", at, "give either at, or from/to, not both")
    known = parse_known_at(known_at)
    if at_date is not None:
        return TimeScope(valid_from=at_date.first_day, valid_to=at_date.last_day, known_at=known)
    if start is None and end is None:
        return TimeScope.now().model_copy(update={"known_at": known})
    first = start.first_day if start else OPEN_START
    last = end.last_day if end else OPEN_END
    if first > last:
        raise InvalidQueryError("to", to, f"is before from={from_}")
    return TimeScope(valid_from=first, valid_to=last, known_at=known)


async def fact_filter(
    type_: Annotated[
        list[FactType] | None,
        Query(
            alias="type",
            description="Only these relationship types (repeat for several).",
            examples=[["ALLIED_WITH"]],
        ),
    ] = None,
    status: Annotated[
        list[Status] | None,
        Query(
            description="Only facts with these statuses (repeat for several).",
            examples=[["contested"]],
        ),
    ] = None,
    class_: Annotated[
        list[FactClass] | None,
        Query(
            alias="class",
            description="Only facts of these classes (repeat for several): verbal_cooperation, "
            "material_cooperation, verbal_conflict, material_conflict (CAMEO quad classes).",
            examples=[["material_conflict"]],
        ),
    ] = None,
    min_confidence: Annotated[
        float | None, Query(ge=0, le=1, description="Only facts at least this confident (0 to 1).")
    ] = None,
    rollup: Annotated[
        str | None,
        Query(
            description="`country`: a sub-actor's facts (ministries, forces, offices) count as its "
            "country's; `none` (the default): each actor's own.",
            examples=["country"],
            pattern="^(country|none)?$",
        ),
    ] = None,
) -> FactFilter:
    if rollup not in (None, "", "country", "none"):
        raise InvalidQueryError("rollup", rollup, "must be 'country' or 'none'")
    return FactFilter(
        types=type_,
        statuses=status,
        fact_classes=class_,
        min_confidence=min_confidence,
        rollup=rollup == "country",
    )


TimeScopeDep = Annotated[TimeScope, Depends(time_scope)]
FactFilterDep = Annotated[FactFilter, Depends(fact_filter)]


class Page(BaseModel):
    offset: int = 0
    limit: int = 100


async def page(
    settings: SettingsDep,
    cursor: Annotated[
        str | None,
        Query(
            description="The `next` value of the previous page (pages reach at most "
            "MAX_OFFSET items deep, 100,000 by default).",
            max_length=64,
            pattern="^[A-Za-z0-9_=-]*$",
        ),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Items per page.")] = 100,
) -> Page:
    if not cursor:
        return Page(offset=0, limit=limit)
    not_ours = "not a cursor this service issued"
    try:
        decoded = json.loads(base64.urlsafe_b64decode(cursor.encode()).decode())
        offset = decoded["o"]
    except (ValueError, KeyError, TypeError, binascii.Error, UnicodeDecodeError) as error:
        raise InvalidQueryError("cursor", cursor, not_ours) from error
    # json.loads gives floats (1e400 is inf) and ints of any size: only a plain int is ours.
    if type(offset) is not int or offset < 0:
        raise InvalidQueryError("cursor", cursor, not_ours)
    if offset > settings.max_offset:
        raise InvalidQueryError(
            "cursor",
            cursor,
            f"pages reach at most {settings.max_offset} items deep; narrow the query instead",
        )
    return Page(offset=offset, limit=limit)


PageDep = Annotated[Page, Depends(page)]


def next_cursor(current: Page, returned: int, has_more: bool) -> str | None:
    if not has_more:
        return None
    return base64.urlsafe_b64encode(json.dumps({"o": current.offset + returned}).encode()).decode()


class ListPublic(BaseModel, Generic[T]):
    data: list[T]
    count: int = Field(description="Items in this page.")
    next: str | None = Field(description="Cursor for the next page; null on the last.")


def paginate(items: list[T], current: Page, max_bytes: int | None = None) -> ListPublic[T]:
    """Page a list computed whole (grouped answers); queries page in Cypher where they can.
    A page whose JSON would pass `max_bytes` ends early; its `next` continues it."""
    chunk = fit_bytes(items[current.offset : current.offset + current.limit], max_bytes)
    more = current.offset + len(chunk) < len(items)
    return ListPublic[T](data=chunk, count=len(chunk), next=next_cursor(current, len(chunk), more))


def page_from_overfetch(
    items: list[T], current: Page, max_bytes: int | None = None
) -> ListPublic[T]:
    """A page from a query that asked for `limit + 1` rows: the extra one says there is more.
    A page whose JSON would pass `max_bytes` ends early; its `next` continues it."""
    chunk = fit_bytes(items[: current.limit], max_bytes)
    more = len(items) > len(chunk)
    return ListPublic[T](data=chunk, count=len(chunk), next=next_cursor(current, len(chunk), more))


def fit_bytes(items: list[T], max_bytes: int | None) -> list[T]:
    """The longest head of `items` whose JSON stays within `max_bytes` (at least one item,
    so that paging always moves on)."""
    if max_bytes is None:
        return items
    total = 0
    for index, item in enumerate(items):
        total += len(item.model_dump_json()) + 1 if isinstance(item, BaseModel) else 64
        if total > max_bytes and index > 0:
            return items[:index]
    return items


# -- one value per scalar parameter, bounded lists, ASCII digits -------------------------
_QUERY_SHAPES: dict[int, tuple[frozenset[str], frozenset[str]]] = {}


def _is_list(annotation: Any) -> bool:
    origin = get_origin(annotation)
    if origin in (list, set, tuple, frozenset):
        return True
    if origin in (Union, types.UnionType):
        return any(_is_list(arg) for arg in get_args(annotation))
    if origin is Annotated:
        return _is_list(get_args(annotation)[0])
    return False


def _query_fields(dependant: Dependant) -> list[Any]:
    fields = list(dependant.query_params)
    for sub in dependant.dependencies:
        fields.extend(_query_fields(sub))
    return fields


def _query_shape(route: APIRoute) -> tuple[frozenset[str], frozenset[str]]:
    """The route's scalar and list query parameters, by the name clients use."""
    shape = _QUERY_SHAPES.get(id(route))
    if shape is None:
        fields = _query_fields(route.dependant)
        lists = frozenset(f.alias for f in fields if _is_list(f.field_info.annotation))
        scalars = frozenset(f.alias for f in fields) - lists
        shape = _QUERY_SHAPES[id(route)] = (scalars, lists)
    return shape


async def query_guard(request: Request, settings: SettingsDep) -> None:
    """Refuse what would silently mean something else or cost without bound: a scalar
    parameter given twice (which one counts?), digits other than ASCII 0-9 (`２０２４`),
    more than `max_list_items` distinct values of a repeatable parameter.

    Raises:
        InvalidQueryError: the parameter at fault, and the rule.
    """
    route = request.scope.get("route")
    if not isinstance(route, APIRoute) or not request.query_params:
        return
    scalars, lists = _query_shape(route)
    items = request.query_params.multi_items()
    for name, times in Counter(name for name, _ in items).items():
        if name in scalars and times > 1:
            raise InvalidQueryError(
                name, request.query_params.getlist(name)[:3], f"given {times} times; give it once"
            )
        if name in lists:
            distinct = {
                part.strip()
                for value in request.query_params.getlist(name)
                for part in value.split(",")
            }
            if len(distinct) > settings.max_list_items:
                raise InvalidQueryError(
                    name,
                    f"{len(distinct)} distinct values",
                    f"at most {settings.max_list_items} distinct values",
                )
    for name, value in items:
        if (name in scalars or name in lists) and any(
            char.isdigit() and not char.isascii() for char in value
        ):
            raise InvalidQueryError(name, value, "digits must be ASCII 0-9")


def search_words(field: str, text: str | None) -> str | None:
    """Free text for the full-text index, within what Lucene can answer.

    Raises:
        InvalidQueryError: too many words, or a word too long.
    """
    if text is None:
        return None
    words = text.split()
    if len(words) > MAX_QUERY_WORDS:
        raise InvalidQueryError(field, f"{len(words)} words", f"at most {MAX_QUERY_WORDS} words")
    for word in words:
        if len(word) > MAX_WORD_CHARS:
            raise InvalidQueryError(
                field, word[:20] + "...", f"words of at most {MAX_WORD_CHARS} characters"
            )
    return text


def distinct_names(field: str, values: list[str], limit: int) -> list[str]:
    """Repeated or comma-separated names, each once, in order.

    Raises:
        InvalidQueryError: more than `limit` distinct names.
    """
    names = list(dict.fromkeys(n.strip() for v in values for n in v.split(",") if n.strip()))
    if len(names) > limit:
        raise InvalidQueryError(field, f"{len(names)} names", f"at most {limit} distinct names")
    return names


def read(
    driver: neo4j.Driver, settings: Settings, work: Callable[[neo4j.ManagedTransaction], T]
) -> T:
    return run_read(driver, settings.neo4j_database, settings.query_timeout_seconds, work)


def resolve(tx: neo4j.ManagedTransaction, field: str, text: str) -> str:
    """An actor id from an id, a name or an alias (`DPRK` -> `prk`), inside the transaction
    that then answers the query: one round of BEGIN and COMMIT per request, not three.

    Raises:
        UnknownActorError: nothing by that name (404, with the closest names).
        AmbiguousActorError: the name fits several actors (422, listing them).
    """
    return resolve_all(tx, [(field, text)])[0]


# Closest names offered when a name resolves to nothing.
CLOSEST_CANDIDATES = 5


def resolve_all(tx: neo4j.ManagedTransaction, named: list[tuple[str, str]]) -> list[str]:
    """`resolve` for each (field, text), in one query."""
    found = resolve_actors(tx, [text for _, text in named])
    ids = []
    for (field, text), candidates in zip(named, found, strict=True):
        if not candidates:
            closest = search_actors(tx, text, None, 0, CLOSEST_CANDIDATES)
            raise UnknownActorError(
                field, text, [hit.model_dump(include=CANDIDATE_FIELDS) for hit in closest]
            )
        if len(candidates) > 1:
            raise AmbiguousActorError(
                field, text, [actor.model_dump(include=CANDIDATE_FIELDS) for actor in candidates]
            )
        ids.append(candidates[0].id)
    return ids


CANDIDATE_FIELDS = {"id", "name", "kind", "country", "generic"}


def answer_by_ids(
    tx: neo4j.ManagedTransaction,
    named: list[tuple[str, str]],
    answer: Callable[[list[str]], T],
    found: Callable[[T], bool],
) -> T:
    """Answer with the given texts taken as actor ids, resolving names only if that finds
    nothing: front-ends pass ids, and then the answer costs one query instead of two.

    Exact ids win over aliases in resolution, so an answer that found something through the
    texts as ids is the answer resolution would have given. One that found nothing may be
    truly empty, or may need names resolved: an unknown name is a 404 as ever.
    """
    texts = [text for _, text in named]
    result = answer(texts)
    if found(result):
        return result
    ids = resolve_all(tx, named)
    return result if ids == texts else answer(ids)


def split_ids(values: list[str], field: str, limit: int) -> list[str]:
    """Repeated and comma-separated ids as one list, each once; none at all is a 422, not an
    empty graph, and so is more than `limit`."""
    ids = distinct_names(field, values, limit)
    if not ids:
        raise InvalidQueryError(field, ",".join(values), "names no actor")
    return ids


AggregateQuery = Annotated[
    Aggregate,
    Query(
        description="`pair` (default): one edge per actor pair; `pair_type`: one per pair and "
        "relationship type; `none`: one edge per fact."
    ),
]
IncludeGenericQuery = Annotated[
    bool,
    Query(
        description="Keep catch-all actors (unspecified, unidentified, 'Citizen (X)'); left "
        "out by default."
    ),
]
MaxFactIdsQuery = Annotated[
    int, Query(ge=0, le=500, description="Fact ids listed per aggregated edge, earliest first.")
]
