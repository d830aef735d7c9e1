"""Bulk parsers: pure Python, against slices of the shared data sets and small fixtures.

Expected counts always come from the files themselves (line or CSV-record counts), so the
tests say "one record per row, none lost" rather than pinning a number.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import UTC, date
from itertools import islice
from pathlib import Path

import pytest

from graph_schema.temporal import Precision
from graph_schema.vocabulary import ActorKind, FactType
from loaders.bulk.acled import parse_acled
from loaders.bulk.actors import acled_actor, gdelt_actor, icews_actor
from loaders.bulk.cameo import (
    CAMEO_TEXT,
    acled_fact_type,
    fact_type_for_code,
    icews_relation,
    quad_class,
)
from loaders.bulk.common import count_lines, slugify
from loaders.bulk.countries import (
    country_from_code,
    country_from_name,
    country_from_numeric,
    country_name,
)
from loaders.bulk.detect import detect_format, parse_auto
from loaders.bulk.gdelt import (
    UnattachedMention,
    attach_mentions,
    parse_gdelt,
    parse_gdelt_mentions,
)
from loaders.bulk.icews18 import count_icews18_rows, icews18_files, parse_icews18
from loaders.bulk.icews_raw import parse_icews
from loaders.bulk.records import BulkEvent, Mention, RejectedRow

SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "datasets"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "bulk"

Record = BulkEvent | RejectedRow


def shared(*parts: str) -> Path:
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"shared data set {path} is not available on this machine")
    return path


def split(records: Iterable[Record]) -> tuple[list[BulkEvent], list[RejectedRow]]:
    events: list[BulkEvent] = []
    rejects: list[RejectedRow] = []
    for record in records:
        if isinstance(record, RejectedRow):
            rejects.append(record)
        else:
            events.append(record)
    return events, rejects


def reject_at(rejects: Sequence[RejectedRow], line: int, path: Path | None = None) -> RejectedRow:
    found = [r for r in rejects if r.line == line and (path is None or r.path == str(path))]
    assert len(found) == 1, f"expected one reject at line {line}, got {found}"
    return found[0]


def csv_records(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _ in csv.reader(handle))


# Countries, slugs and codes ------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Russian Federation", "rus"),  # ICEWS raw Country columns
        ("Russia", "rus"),  # ICEWS18, ACLED
        ("North Korea", "prk"),
        ("South Korea", "kor"),
        ("Occupied Palestinian Territory", "pse"),
        ("Palestinian Territory, Occupied", "pse"),
        ("Cote d'Ivoire", "civ"),
        ("Democratic Republic of Congo", "cod"),
        ("Turkey", "tur"),
        ("Ukraine", "ukr"),
        ("Middle East", None),
        ("United Nations", None),
    ],
)
def test_country_names_resolve_to_iso3(text: str, expected: str | None) -> None:
    assert country_from_name(text) == expected


def test_country_codes_resolve_through_cameo_and_iso() -> None:
    assert country_from_code("RUS") == "rus"
    assert country_from_code("PRK") == "prk"
    assert country_from_code("KOR") == "kor"
    assert country_from_code("TMP") == "tls"  # CAMEO's East Timor
    for region in ("AFR", "EUR", "WST", "SAS"):
        assert country_from_code(region) is None
    assert country_from_numeric("643") == "rus"
    assert country_from_numeric("804") == "ukr"
    assert country_name("rus") == "Russia"
    assert country_name("kor") == "South Korea"


def test_slugs_follow_the_curated_convention() -> None:
    assert slugify("Kim Jong-Un") == "kim-jong-un"
    assert slugify("Vladimir Putin") == "vladimir-putin"
    assert slugify("Ibrahim Boubacar Keïta") == "ibrahim-boubacar-keita"
    assert slugify("People's Protection Units") == "peoples-protection-units"


def test_cameo_codes_give_types_texts_and_quad_classes() -> None:
    assert fact_type_for_code("043") is FactType.HOSTED
    assert fact_type_for_code("0871") is FactType.INTERACTED_WITH
    assert fact_type_for_code("195") is FactType.ATTACKED
    assert fact_type_for_code("163") is FactType.SANCTIONED
    assert fact_type_for_code("999") is None
    assert [quad_class(code) for code in ("01", "057", "09", "1123", "14", "190")] == [
        1,
        1,
        2,
        3,
        3,
        4,
    ]
    assert all(len(code) == 2 for code in CAMEO_TEXT if code[:2] == code)
    assert acled_fact_type("Battles", "Armed clash") is FactType.FOUGHT
    assert acled_fact_type("Strategic developments", "Agreement") is FactType.SIGNED_AGREEMENT_WITH
    assert acled_fact_type("Strategic developments", "Arrests") is FactType.ARRESTED


def test_every_icews18_relation_maps_to_a_cameo_code_and_fact_type() -> None:
    path = shared("icews18", "relation2id.txt")
    names = [
        line.rstrip("\r\n").rsplit("\t", 1)[0]
        for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    assert len(names) == count_lines(path)
    mapped = {name: icews_relation(name) for name in names}
    assert [name for name, (code, _) in mapped.items() if code is None] == []
    assert all(isinstance(fact_type, FactType) for _, fact_type in mapped.values())
    codes = [code for code, _ in mapped.values()]
    assert len(set(codes)) == len(codes), "two relation names map to one CAMEO code"
    expected = {
        "Make statement": ("010", FactType.COMMENTED_ON),
        "Make an appeal or request": ("020", FactType.APPEALED_TO),
        "Consult": ("040", FactType.CONSULTED),
        "Make a visit": ("042", FactType.VISITED),
        "Host a visit": ("043", FactType.HOSTED),
        "Meet at a 'third' location": ("044", FactType.MET_WITH),
        "Engage in negotiation": ("046", FactType.NEGOTIATED_WITH),
        "Praise or endorse": ("051", FactType.PRAISED),
        "Engage in diplomatic cooperation": ("050", FactType.COOPERATED_WITH),
        "Provide aid": ("070", FactType.SUPPLIED_AID_TO),
        "Provide military aid": ("072", FactType.SUPPLIED_ARMS_TO),
        "Investigate": ("090", FactType.INVESTIGATED),
        "Demand": ("100", FactType.DEMANDED),
        "Criticize or denounce": ("111", FactType.CRITICISED),
        "Accuse": ("112", FactType.ACCUSED),
        "Deny responsibility": ("016", FactType.DENIED),
        "Threaten": ("130", FactType.THREATENED),
        "Threaten with sanctions, boycott, embargo": ("1312", FactType.THREATENED),
        "Demonstrate or rally": ("141", FactType.PROTESTED),
        "Reduce relations": ("160", FactType.REDUCED_RELATIONS_WITH),
        "Impose embargo, boycott, or sanctions": ("163", FactType.SANCTIONED),
        "Coerce": ("170", FactType.COERCED),
        "Arrest, detain, or charge with legal action": ("173", FactType.ARRESTED),
        "Use conventional military force": ("190", FactType.ATTACKED),
        "fight with small arms and light weapons": ("193", FactType.ATTACKED),
        "Conduct suicide, car, or other non military bombing": ("183", FactType.ATTACKED),
        "Veto": ("129", FactType.VETOED),
    }
    for name, code_and_type in expected.items():
        assert mapped[name] == code_and_type, name


# Actors --------------------------------------------------------------------------------


def test_icews_actors() -> None:
    russia = icews_actor("Russia")
    assert russia is not None and (russia.id, russia.kind) == ("rus", ActorKind.STATE)
    ministry = icews_actor("Foreign Affairs (Russia)")
    assert ministry is not None
    assert (ministry.id, ministry.part_of, ministry.country) == (
        "rus-foreign-affairs",
        "rus",
        "rus",
    )
    assert ministry.kind is ActorKind.GOVERNMENT_BODY
    police = icews_actor("Police (Philippines)")
    assert police is not None and (police.id, police.kind) == ("phl-police", ActorKind.SECTOR)
    military = icews_actor("Military (Russia)")
    assert military is not None and military.kind is ActorKind.ARMED_FORCE
    putin = icews_actor("Vladimir Putin")
    assert putin is not None and (putin.id, putin.kind) == ("vladimir-putin", ActorKind.PERSON)
    kim = icews_actor("Kim Jong-Un")
    assert kim is not None and kim.id == "kim-jong-un"
    militant = icews_actor("Militant (Taliban)")
    assert militant is not None
    assert (militant.id, militant.part_of) == ("taliban-militant", "taliban")
    un = icews_actor("United Nations")
    assert un is not None and un.kind is ActorKind.INTERNATIONAL_ORGANISATION


def test_gdelt_actors() -> None:
    state = gdelt_actor("RUS", "RUS")
    assert state is not None and (state.id, state.kind) == ("rus", ActorKind.STATE)
    government = gdelt_actor("RUSGOV", "RUS")
    assert government is not None
    assert (government.id, government.part_of, government.name) == (
        "rus-government",
        "rus",
        "Government (Russia)",
    )
    # One actor, whichever data set names it.
    assert government == icews_actor("Government (Russia)")
    military = gdelt_actor("RUSMIL", "RUS")
    assert military is not None and (military.id, military.kind) == (
        "rus-military",
        ActorKind.ARMED_FORCE,
    )
    un = gdelt_actor("IGOUNO", "", "UNO")
    assert un is not None and un.id == "united-nations"
    nameless = gdelt_actor("GOV")
    assert nameless is not None and (nameless.id, nameless.part_of) == ("cameo-gov", None)
    region = gdelt_actor("AFR", "AFR")
    assert region is not None and region.id == "cameo-afr"
    assert gdelt_actor("") is None


def test_acled_actors() -> None:
    forces = acled_actor("Military Forces of Russia (2000-)")
    assert forces is not None
    assert (forces.id, forces.kind, forces.part_of) == (
        "rus-military-forces",
        ActorKind.ARMED_FORCE,
        "rus",
    )
    air = acled_actor("Military Forces of Russia (2000-) Air Force")
    assert air is not None and (air.id, air.part_of) == ("rus-military-forces-air-force", "rus")
    civilians = acled_actor("Civilians (Ukraine)")
    assert civilians is not None and (civilians.id, civilians.part_of) == ("ukr-civilians", "ukr")
    # The regime period is not part of the institution's identity.
    old = acled_actor("Police Forces of Ukraine (2014-2019) Security Service of Ukraine")
    new = acled_actor("Police Forces of Ukraine (2019-) Security Service of Ukraine")
    assert old is not None and new is not None and old.id == new.id
    assert old.kind is ActorKind.INTELLIGENCE_AGENCY


# ICEWS18 -------------------------------------------------------------------------------


def test_icews18_fixture_rows_rejects_and_crlf() -> None:
    folder = FIXTURES / "icews18_mini"
    events, rejects = split(parse_icews18(folder))
    map_rejects = [r for r in rejects if r.path.endswith("entity2id.txt")]
    assert len(map_rejects) == 1 and map_rejects[0].line == 6
    assert len(events) + len(rejects) == count_icews18_rows(folder) + len(map_rejects)

    train = folder / "train.txt"
    assert "expected 4 tab-separated fields, got 3" in reject_at(rejects, 3, train).reason
    assert "unknown subject id '9'" in reject_at(rejects, 4, train).reason
    assert "unknown relation id '7'" in reject_at(rejects, 5, train).reason
    assert "not a whole number of days" in reject_at(rejects, 6, train).reason
    assert "not an integer" in reject_at(rejects, 7, train).reason
    assert reject_at(rejects, 8, train).reason == "blank line"

    by_id = {event.id: event for event in events}
    first = by_id["icews18:0-0-1-0"]
    # CRLF is gone from the names: ids and names carry no "\r".
    assert (first.source.id, first.source.name) == ("kim-jong-un", "Kim Jong-Un")
    assert first.target.id == "rus"
    assert (first.day, first.precision, first.line) == (date(2018, 1, 1), Precision.DAY, 1)
    assert (first.type, first.code, first.code_text) == (
        FactType.COMMENTED_ON,
        "010",
        "Make statement",
    )
    hosted = by_id["icews18:2-2-4-24"]
    assert hosted.day == date(2018, 1, 2)  # t=24 hours
    assert (hosted.source.id, hosted.source.part_of) == ("rus-foreign-affairs", "rus")
    assert hosted.type is FactType.HOSTED and hosted.quad_class == 1
    assert by_id["icews18:3-1-1-72"].type is FactType.ATTACKED  # valid.txt
    last = by_id["icews18:1-0-3-96"]  # test.txt has no final newline
    assert last.day == date(2018, 1, 5) and last.line == 1


def test_icews18_shared_slice(tmp_path: Path) -> None:
    source = shared("icews18")
    # The id maps whole (CRLF), train.txt's first 5000 rows and test.txt's last 5000.
    for name in ("entity2id.txt", "relation2id.txt"):
        (tmp_path / name).symlink_to(source / name)
    with (source / "train.txt").open("rb") as handle:
        (tmp_path / "train.txt").write_bytes(b"".join(islice(handle, 5000)))
    tail = (source / "test.txt").read_bytes().splitlines(keepends=True)[-5000:]
    (tmp_path / "test.txt").write_bytes(b"".join(tail))
    assert [path.name for path in icews18_files(tmp_path)] == ["train.txt", "test.txt"]

    events, rejects = split(parse_icews18(tmp_path))
    assert rejects == []
    assert len(events) == count_icews18_rows(tmp_path)
    assert len(events) == count_lines(tmp_path / "train.txt") + count_lines(tmp_path / "test.txt")
    assert {event.dataset for event in events} == {"icews18"}
    assert min(event.day for event in events) == date(2018, 1, 1)
    assert max(event.day for event in events) == date(2018, 10, 31)  # t=7272
    assert len({event.id for event in events}) == len(events)

    actors = {actor.id: actor for event in events for actor in (event.source, event.target)}
    assert actors["rus"].kind is ActorKind.STATE  # entity 43 "Russia"
    assert actors["prk"].name == "North Korea"
    assert actors["kim-jong-un"].name == "Kim Jong-Un"
    assert all("\r" not in actor.name for actor in actors.values())
    subs = [actor for actor in actors.values() if actor.name.endswith("(Russia)")]
    assert subs and all(actor.part_of == "rus" for actor in subs)

    again, _ = split(parse_icews18(tmp_path))
    assert [event.id for event in again] == [event.id for event in events]


# ICEWS raw -----------------------------------------------------------------------------


def test_icews_raw_fixture() -> None:
    path = FIXTURES / "icews_mini.tab"
    events, rejects = split(parse_icews(path))
    assert len(events) + len(rejects) == count_lines(path) - 1
    assert "expected 20 tab-separated columns, got 19" in reject_at(rejects, 4).reason
    assert "Event Date '2018-13-40'" in reject_at(rejects, 5).reason
    assert "Intensity 'high' is not a number" in reject_at(rejects, 6).reason
    assert "CAMEO Code '999'" in reject_at(rejects, 7).reason
    assert reject_at(rejects, 8).reason == "no Source Name"

    first, second, fight = events
    assert first.id == "icews:1001" and first.line == 2
    assert (first.source.id, first.source.part_of) == ("rus-foreign-affairs", "rus")
    assert (first.target.id, first.target.kind) == ("kim-yong-chol", ActorKind.PERSON)
    assert first.target.part_of == "prk"  # from the Target Country column
    assert (first.country, first.location_name, first.source_name) == (
        "rus",
        "Moscow, Moskva",
        "Interfax",
    )
    assert (second.type, second.intensity, second.country, second.latitude) == (
        FactType.HOSTED,
        2.8,
        None,
        None,
    )
    assert (fight.type, fight.intensity, fight.target.id) == (
        FactType.ATTACKED,
        -10.0,
        "rus-militant",
    )


def test_icews_raw_shared_file() -> None:
    path = shared("icews-raw", "events.2018.sample.tab")
    events, rejects = split(parse_icews(path))
    assert rejects == []
    assert len(events) == count_lines(path) - 1
    assert {event.day for event in events} == {date(2018, 6, 1), date(2018, 6, 2)}
    countries = Counter(event.country for event in events)
    assert countries["rus"] > 0 and countries["prk"] > 0 and countries["kor"] > 0
    sources = {event.source.id: event.source for event in events}
    assert sources["rus"].name == "Russia"
    assert sources["kim-jong-un"].part_of == "prk"
    assert [e.id for e in parse_icews(path) if isinstance(e, BulkEvent)] == [e.id for e in events]


# GDELT ---------------------------------------------------------------------------------


def test_gdelt_fixture() -> None:
    path = FIXTURES / "gdelt2_mini.export.CSV"
    events, rejects = split(parse_gdelt(path))
    assert len(events) + len(rejects) == count_lines(path)
    assert "no Actor2" in reject_at(rejects, 3).reason
    assert "SQLDATE '2015021'" in reject_at(rejects, 4).reason
    assert "EventCode '999'" in reject_at(rejects, 5).reason
    assert "GoldsteinScale 'minus'" in reject_at(rejects, 6).reason
    assert "got 60" in reject_at(rejects, 7).reason

    attack, retreat, accuse = events
    assert attack.id == "gdelt2:410412400" and attack.dataset == "gdelt2"
    assert (attack.source.id, attack.target.id, attack.type) == ("rus", "ukr", FactType.ATTACKED)
    assert (attack.day, attack.goldstein, attack.quad_class) == (date(2015, 2, 18), -10.0, 4)
    assert (attack.country, attack.source_name) == ("ukr", "example-news.com")
    assert attack.source_url == "http://www.example-news.com/a/1"
    assert (retreat.source.id, retreat.target.id) == ("rus-government", "ukr-military")
    assert (retreat.code, retreat.code_text) == ("0874", "Retreat or surrender militarily")
    assert (accuse.source.id, accuse.target.id, accuse.country) == ("united-nations", "prk", "prk")


def test_gdelt_shared_files_v2_and_v1() -> None:
    files = [
        shared("gdelt1-events", "events1.csv"),
        *sorted(shared("gdelt2-events").glob("*.export.CSV")),
    ]
    for path in files:
        events, rejects = split(parse_gdelt(path))
        assert len(events) + len(rejects) == count_lines(path), path
        assert all("one-sided" in r.reason for r in rejects), Counter(r.reason for r in rejects)
        assert events
    v1, _ = split(parse_gdelt(files[0]))
    assert {event.dataset for event in v1} == {"gdelt1"}
    assert any(event.source_url is None for event in v1)  # 57-column backfile rows
    assert any(event.source_url for event in v1)  # 58-column daily rows
    v2, _ = split(parse_gdelt(files[1]))
    assert all(event.id.startswith("gdelt2:") for event in v2)
    russian = [e for e in v2 if "rus" in (e.source.country, e.target.country)]
    assert russian and any(e.source.id == "rus" or e.target.id == "rus" for e in russian)


def test_gdelt_mentions_fixture_and_attachment() -> None:
    events_path = FIXTURES / "gdelt2_mini.export.CSV"
    mentions_path = FIXTURES / "gdelt2_mini.mentions.CSV"
    parsed = list(parse_gdelt_mentions(mentions_path))
    assert len(parsed) == count_lines(mentions_path)
    rejects = [r for r in parsed if isinstance(r, RejectedRow)]
    assert "Confidence '150'" in reject_at(rejects, 6).reason
    assert "MentionTimeDate '2015021823'" in reject_at(rejects, 7).reason
    assert "got 3" in reject_at(rejects, 8).reason
    first = parsed[0]
    assert not isinstance(first, RejectedRow)
    assert first[0] == 410412400
    assert first[1].mentioned_at.tzinfo is UTC and first[1].confidence == 1.0
    assert first[1].source_id == "example-news-com"
    citation = parsed[1]
    assert not isinstance(citation, RejectedRow) and citation[1].url is None

    out = list(attach_mentions(events_path, [mentions_path]))
    events = {r.id: r for r in out if isinstance(r, BulkEvent)}
    unattached = {u.line: u for u in out if isinstance(u, UnattachedMention)}
    assert [m.source_name for m in events["gdelt2:410412400"].mentions] == [
        "example-news.com",
        "BBC Monitoring",
    ]
    assert len(events["gdelt2:410412407"].mentions) == 1
    assert unattached[4].event_id == "gdelt2:400000001"
    assert "not in" in unattached[4].reason
    assert "rejected" in unattached[5].reason  # its event has no Actor2
    attached = sum(len(event.mentions) for event in events.values())
    mention_rejects = [
        r for r in out if isinstance(r, RejectedRow) and r.path == str(mentions_path)
    ]
    assert attached + len(unattached) + len(mention_rejects) == count_lines(mentions_path)


def test_gdelt_shared_mentions_all_accounted_for() -> None:
    events_path = shared("gdelt2-events", "20150218231500.export.CSV")
    mention_files = [
        shared("gdelt2-mentions", "20150218230000.mentions.CSV"),
        shared("gdelt2-mentions", "20150218231500.mentions.CSV"),
    ]
    out = list(attach_mentions(events_path, mention_files))
    events = [r for r in out if isinstance(r, BulkEvent)]
    rejects = [r for r in out if isinstance(r, RejectedRow)]
    unattached = [r for r in out if isinstance(r, UnattachedMention)]
    assert len(events) + len(rejects) == count_lines(events_path)
    mention_rows = sum(count_lines(path) for path in mention_files)
    assert sum(len(event.mentions) for event in events) + len(unattached) == mention_rows
    mentions: list[Mention] = [m for event in events for m in event.mentions]
    assert mentions and all(0.0 <= m.confidence <= 1.0 for m in mentions)
    assert all(m.mentioned_at.tzinfo is UTC for m in mentions)


# ACLED ---------------------------------------------------------------------------------


def test_acled_fixture() -> None:
    path = FIXTURES / "acled_mini.csv"
    events, rejects = split(parse_acled(path))
    assert len(events) + len(rejects) == csv_records(path) - 1
    assert "'31 Febtember 2022'" in reject_at(rejects, 8).reason
    assert "time_precision '7'" in reject_at(rejects, 9).reason
    assert "expected 31 columns, got 9" in reject_at(rejects, 10).reason
    own = reject_at(rejects, 7)  # Ukraine's forces, no actor2, in Ukraine
    assert "no actor2" in own.reason

    by_id = {event.id: event for event in events}
    shelling = by_id["acled:UKR1"]
    assert (shelling.source.id, shelling.target.id, shelling.type) == (
        "rus-military-forces",
        "ukr-civilians",
        FactType.ATTACKED,
    )
    assert (shelling.day, shelling.precision, shelling.line) == (
        date(2022, 4, 15),
        Precision.DAY,
        2,
    )
    clash = by_id["acled:UKR2"]  # a note spanning lines 3-5
    assert (clash.line, clash.precision, clash.intensity) == (3, Precision.MONTH, 4.0)
    assert (clash.target.id, clash.target.part_of) == ("rus-military-forces-air-force", "rus")
    airstrike = by_id["acled:UKR3"]  # no actor2: Russia's forces acting in Ukraine
    assert (airstrike.target.id, airstrike.precision) == ("ukr", Precision.MONTH)
    protest = by_id["acled:UKR8"]  # ISO date; a domestic protest targets its state
    assert (protest.day, protest.type, protest.target.id) == (
        date(2022, 4, 14),
        FactType.PROTESTED,
        "ukr",
    )
    assert reject_at(rejects, 7).line == 7 and len(by_id) == 4


def test_acled_shared_files_both_layouts() -> None:
    old = shared("acled", "UkraineACLED.csv")
    events, rejects = split(parse_acled(old))
    assert len(events) + len(rejects) == csv_records(old) - 1
    assert all("no actor2" in r.reason for r in rejects)
    assert {event.country for event in events} == {"ukr"}
    russian = [e.source for e in events if e.source.id.startswith("rus-")]
    assert russian and all(actor.part_of == "rus" for actor in russian)
    assert Counter(event.precision for event in events)[Precision.MONTH] > 0
    assert [e.id for e in parse_acled(old) if isinstance(e, BulkEvent)] == [e.id for e in events]

    current = shared("acled", "acled_data_sample.csv")
    events, rejects = split(parse_acled(current))
    assert rejects == [] and len(events) == csv_records(current) - 1
    assert {event.id for event in events} == {"acled:PSE62716", "acled:YEM93235"}
    protest = next(event for event in events if event.id == "acled:YEM93235")
    assert (protest.source.id, protest.target.id) == ("yem-protesters", "yem")


# Detection -----------------------------------------------------------------------------


def test_detect_format_on_fixtures(tmp_path: Path) -> None:
    assert detect_format(FIXTURES / "icews18_mini") == "icews18"
    assert detect_format(FIXTURES / "icews18_mini" / "train.txt") == "icews18"
    assert detect_format(FIXTURES / "icews_mini.tab") == "icews"
    assert detect_format(FIXTURES / "gdelt2_mini.export.CSV") == "gdelt2"
    assert detect_format(FIXTURES / "gdelt2_mini.mentions.CSV") == "gdelt-mentions"
    assert detect_format(FIXTURES / "acled_mini.csv") == "acled"
    unknown = tmp_path / "notes.txt"
    unknown.write_text("just some text\n", encoding="utf-8")
    with pytest.raises(ValueError, match="notes.txt"):
        detect_format(unknown)
    mixed = tmp_path / "mixed.csv"
    mixed.write_text("\t".join(["1"] * 61) + "\n" + "\t".join(["1"] * 16) + "\n")
    with pytest.raises(ValueError, match="ambiguous"):
        detect_format(mixed)
    events, _ = split(parse_auto(FIXTURES / "acled_mini.csv"))
    assert events and events[0].dataset == "acled"


def test_detect_format_on_shared_files() -> None:
    assert detect_format(shared("icews18")) == "icews18"
    assert detect_format(shared("icews-raw", "events.2018.sample.tab")) == "icews"
    assert detect_format(shared("gdelt1-events", "events1.csv")) == "gdelt1"
    assert detect_format(shared("gdelt2-events", "20191024143000.export.CSV")) == "gdelt2"
    mentions = shared("gdelt2-mentions", "20150218230000.mentions.CSV")
    assert detect_format(mentions) == "gdelt-mentions"
    assert detect_format(shared("acled", "UkraineACLED.csv")) == "acled"
    assert detect_format(shared("acled", "acled_data_sample.csv")) == "acled"
