"""ICEWS18 (RE-Net / RE-GCN packaging): a folder of id maps and quadruple files.

entity2id.txt and relation2id.txt are "name<TAB>id" with CRLF line ends; train, valid and
test.txt are "subject<TAB>relation<TAB>object<TAB>t" with t in hours since `start`.
The id maps are small (23k entities) and are resolved to actors once, up front; the
quadruple files are streamed, so each row costs a split and four dictionary lookups.

Event ids are "icews18:{s}-{r}-{o}-{t}" from the quadruple itself, as the data has no
event id. They are stable for this packaging (its numbering), not across packagings with
other numberings (RE-Net's original ids differ; so do its names, see SOURCE.txt). The
data has no duplicate quadruples; if one repeated it would be the same fact, and the
writer's MERGE on the id makes loading it twice a no-op.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

from graph_schema.temporal import Precision
from graph_schema.vocabulary import FactType
from loaders.bulk.actors import icews_actor, split_parenthetical
from loaders.bulk.cameo import icews_relation, quad_class
from loaders.bulk.common import count_lines, iter_lines, reject
from loaders.bulk.records import BulkActor, BulkEvent, RejectedRow

DATASET = "icews18"
ICEWS18_START = date(2018, 1, 1)
SPLITS = ("train.txt", "valid.txt", "test.txt")
_HOURS_PER_DAY = 24


class _Relation:
    __slots__ = ("code", "quad_class", "text", "type")

    def __init__(self, name: str) -> None:
        code, fact_type = icews_relation(name)
        self.code: str = name if code is None else code
        self.text: str = name
        self.type: FactType = fact_type
        self.quad_class: int | None = None if code is None else quad_class(code)


def _folder(path: Path) -> Path:
    return path if path.is_dir() else path.parent


def icews18_files(path: Path) -> list[Path]:
    """The quadruple files of an ICEWS18 folder in load order: train, valid, test.

    Raises:
        FileNotFoundError: the folder holds none of them.
    """
    folder = _folder(path)
    files = [folder / name for name in SPLITS if (folder / name).is_file()]
    if not files:
        raise FileNotFoundError(f"{folder} holds none of {', '.join(SPLITS)}")
    return files


def count_icews18_rows(path: Path) -> int:
    """Rows in the quadruple files: what `parse_icews18` yields one record for each of,
    plus one reject per malformed line of the id maps."""
    return sum(count_lines(file) for file in icews18_files(path))


def _read_map(path: Path, rejects: list[RejectedRow]) -> dict[int, str]:
    """id -> name from a "name<TAB>id" file; malformed lines become rejects."""
    names: dict[int, str] = {}
    where = str(path)
    for number, text, raw in iter_lines(path):
        if text is None:
            rejects.append(reject(where, number, "not valid UTF-8", raw))
            continue
        if not text.strip():
            rejects.append(reject(where, number, "blank line in id map", raw))
            continue
        name, sep, id_text = text.rpartition("\t")
        if not sep or not name.strip():
            rejects.append(reject(where, number, "expected 'name<TAB>id'", raw))
            continue
        try:
            key = int(id_text)
        except ValueError:
            rejects.append(reject(where, number, f"id {id_text!r} is not an integer", raw))
            continue
        if key in names:
            rejects.append(reject(where, number, f"id {key} already names {names[key]!r}", raw))
            continue
        names[key] = name.strip()
    return names


def _entity_actors(names: dict[int, str]) -> dict[int, BulkActor]:
    # A name other entities use as their parenthetical has sub-actors, so it is an
    # organisation and not a person ("Militant (Boko Haram)" -> "Boko Haram").
    parents = set()
    for name in names.values():
        _, inner = split_parenthetical(name)
        if inner is not None:
            parents.add(inner)
    actors: dict[int, BulkActor] = {}
    for key, name in names.items():
        actor = icews_actor(name, has_sub_actors=name in parents)
        if actor is not None:
            actors[key] = actor
    return actors


def parse_icews18(path: Path, start: date = ICEWS18_START) -> Iterator[BulkEvent | RejectedRow]:
    """Stream the events of an ICEWS18 folder (or of the folder of a file in it).

    Yields first one reject per malformed line of entity2id.txt / relation2id.txt, then one
    record per line of train, valid and test.txt, in that order; `line` and the reject's
    `path` refer to the split file the row is in.

    Raises:
        FileNotFoundError: entity2id.txt, relation2id.txt or all split files are missing.
    """
    folder = _folder(path)
    map_rejects: list[RejectedRow] = []
    entity_names = _read_map(folder / "entity2id.txt", map_rejects)
    relation_names = _read_map(folder / "relation2id.txt", map_rejects)
    files = icews18_files(folder)
    yield from map_rejects

    # Keys are the raw id bytes of the data files, so the hot loop never decodes a line.
    entities = {
        str(key).encode(): (str(key), actor) for key, actor in _entity_actors(entity_names).items()
    }
    relations = {
        str(key).encode(): (str(key), _Relation(name)) for key, name in relation_names.items()
    }
    days: dict[bytes, tuple[str, date] | str] = {}

    def day_of(token: bytes) -> tuple[str, date] | str:
        """(canonical t, day), or the reason t is unusable; memoised per distinct t."""
        cached = days.get(token)
        if cached is not None:
            return cached
        result: tuple[str, date] | str
        try:
            hours = int(token)
        except ValueError:
            result = f"t {token.decode('utf-8', 'replace')!r} is not an integer"
        else:
            if hours < 0:
                result = f"t={hours} is negative"
            elif hours % _HOURS_PER_DAY:
                result = f"t={hours} hours is not a whole number of days"
            else:
                try:
                    result = (str(hours), start + timedelta(days=hours // _HOURS_PER_DAY))
                except OverflowError:
                    result = f"t={hours} is past the last representable date"
        days[token] = result
        return result

    def canonical(token: bytes) -> bytes:
        # " 07" and "7" are the same id; the fast path already failed, so normalise.
        try:
            return str(int(token)).encode()
        except ValueError:
            return token

    day_precision = Precision.DAY
    for file in files:
        where = str(file)
        with file.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                line = raw.rstrip(b"\r\n")
                parts = line.split(b"\t")
                if len(parts) != 4:
                    reason = (
                        "blank line"
                        if not line.strip()
                        else f"expected 4 tab-separated fields, got {len(parts)}"
                    )
                    yield reject(where, number, reason, line)
                    continue
                s_token, r_token, o_token, t_token = parts
                subject = entities.get(s_token) or entities.get(canonical(s_token))
                if subject is None:
                    yield reject(where, number, f"unknown subject id {s_token.decode()!r}", line)
                    continue
                relation = relations.get(r_token) or relations.get(canonical(r_token))
                if relation is None:
                    yield reject(where, number, f"unknown relation id {r_token.decode()!r}", line)
                    continue
                obj = entities.get(o_token) or entities.get(canonical(o_token))
                if obj is None:
                    yield reject(where, number, f"unknown object id {o_token.decode()!r}", line)
                    continue
                when = day_of(t_token)
                if isinstance(when, str):
                    yield reject(where, number, when, line)
                    continue
                rel = relation[1]
                yield BulkEvent(
                    id=f"icews18:{subject[0]}-{relation[0]}-{obj[0]}-{when[0]}",
                    dataset=DATASET,
                    line=number,
                    source=subject[1],
                    target=obj[1],
                    type=rel.type,
                    day=when[1],
                    precision=day_precision,
                    code=rel.code,
                    code_text=rel.text,
                    quad_class=rel.quad_class,
                )
