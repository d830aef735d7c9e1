"""Actor names and codes from the bulk data sets, resolved to `BulkActor`s with stable ids.

Id conventions (all slugs: lower-case ASCII and hyphens):
- a state is its ISO3 code: "rus";
- a sector or body of a state is "<iso3>-<slug>": ICEWS "Foreign Affairs (Russia)" ->
  "rus-foreign-affairs", GDELT "RUSGOV" -> "rus-government" (CAMEO type codes are spelled
  as ICEWS spells the same sector, so "Government (Russia)" from ICEWS and RUSGOV from
  GDELT are one actor), ACLED "Military Forces of Russia (2000-)" -> "rus-military-forces";
- a sub-actor of a non-state parent is "<parent slug>-<slug>": "Militant (Taliban)" ->
  "taliban-militant", part_of "taliban";
- anything else is the slug of its name ("vladimir-putin", "united-nations"); GDELT actors
  with no country and no known group are "cameo-<code in 3-letter chunks>" ("cameo-gov").

Kinds of named actors are a heuristic from the name: ICEWS18 has no sector column, so
"is this a person?" is guessed from the shape of the name and keyword lists below.
"""

from __future__ import annotations

import dataclasses
import re
from functools import lru_cache

from graph_schema.vocabulary import ActorKind, is_generic_name
from loaders.bulk.common import fold, slugify
from loaders.bulk.countries import CAMEO_REGIONS, country_from_code, country_from_name, country_name
from loaders.bulk.records import BulkActor

# Parentheticals that name a region or a catch-all rather than an actor that could own a
# sub-actor; "Citizen (International)" has no parent.
_GENERIC_PARENTS = frozenset(
    fold(name)
    for name in (
        "International",
        "Africa",
        "Asia",
        "Europe",
        "Middle East",
        "Southeast Asia",
        "South Asia",
        "Central Asia",
        "Latin America",
        "North America",
        "South America",
        "Caribbean",
        "Persian Gulf",
        "Social Group",
        "Non-Governmental Organizations",
        "International Government Organizations",
        "Unidentified State Actor",
        "Arab Unidentified State Actor",
        *CAMEO_REGIONS.values(),
    )
)

# Word-prefix keywords (matched at the start of a word of the folded name), in the order
# they are tried: the first kind with a hit wins.
_INTERNATIONAL = (
    "united nations",
    "un security council",
    "european union",
    "european parliament",
    "european commission",
    "african union",
    "arab league",
    "north atlantic treaty",
    "nato",
    "organization of",
    "organisation of",
    "organization for",
    "association of southeast",
    "council of europe",
    "world bank",
    "international monetary fund",
    "world trade organ",
    "world health organ",
    "commonwealth of independent",
    "shanghai cooperation",
    "g7",
    "g20",
    "opec",
    "asean",
    "international atomic energy",
    "interpol",
    "intergovernmental",
    "international criminal court",
    "international court",
    "southern african development",
    "asia-pacific economic",
    "la francophonie",
    "international parliament",
)
_INTELLIGENCE = (
    "intelligence",
    "security service",
    "secret service",
    "spy",
    "gru",
    "shin bet",
    "federal security service",
    "directorate of security",
    "bureau of investigation",
)
_ARMED = (
    "military",
    "militar",
    "army",
    "navy",
    "naval",
    "air force",
    "armed forces",
    "armed force",
    "defense forces",
    "defence forces",
    "self-defense forces",
    "marines",
    "special forces",
    "special operations",
    "national guard",
    "border guard",
    "border security",
    "battalion",
    "brigade",
    "regiment",
    "detachment",
    "troops",
    "soldier",
    "revolutionary guards",
    "combatant",
    "forces",
)
_GOVERNMENT = (
    "ministry",
    "ministery",
    "minister",
    "department",
    "foreign affairs",
    "domestic affairs",
    "government",
    "cabinet",
    "legislat",
    "parliament",
    "senate",
    "congress",
    "assembl",
    "head of government",
    "head of state",
    "court",
    "judiciary",
    "judge",
    "lawmaker",
    "member of parliament",
    "governor",
    "mayor",
    "attorney general",
    "election commission",
    "royal administration",
    "secretariat",
    "executive office",
    "president",
    "envoy",
    "authorities",
    "officials",
    "official",
    "embassy",
    "ambassador",
    "knesset",
    "verkhovna rada",
    "rajya sabha",
    "downing street",
    "chongwadai",
    "spokesperson",
    "diplomat",
    "council of ministers",
    "treasury",
    "commission",
)
_GROUPS = (
    "rebel",
    "insurgent",
    "militant",
    "militia",
    "terrorist",
    "extremist",
    "armed gang",
    "armed band",
    "armed group",
    "protester",
    "rioter",
    "separatist",
    "guerrilla",
    "opposition",
    "attacker",
    "criminal",
    "thief",
    "murderer",
    "gang",
    "cartel",
    "jihad",
    "mujahid",
    "mujahed",
    "taliban",
    "hamas",
    "hezbollah",
    "hizbollah",
    "qaeda",
    "boko haram",
    "islamic state",
    "shabaab",
    "houthi",
    "lashkar",
    "jaish",
    "tigers",
    "liberation",
    "front",
    "insurgency",
    "paramilitary",
    "kidnapper",
    "pirate",
    "settlers",
)
_ORGANISATIONS = (
    "party",
    "company",
    "corporation",
    "corp",
    "bank",
    "university",
    "hospital",
    "church",
    "association",
    "council",
    "committee",
    "agency",
    "institute",
    "foundation",
    "network",
    "observatory",
    "times",
    "herald",
    "news",
    "press",
    "media",
    "newspaper",
    "television",
    "radio",
    "bbc",
    "google",
    "amnesty",
    "greenpeace",
    "red cross",
    "reporters",
    "union",
    "federation",
    "society",
    "club",
    "human rights",
    "group",
    "movement",
    "alliance",
    "league",
    "organization",
    "organisation",
    "motor",
    "airlines",
    "school",
    "college",
    "coalition",
    "confederation",
    "watch",
)
# Words that may be lower case inside a personal name ("Ibrahim bin Ali", "Maria da Silva").
_NAME_PARTICLES = frozenset(
    "de da das do dos del della di van von der den bin bint ibn al el la le du y e ben abu "
    "ould ag ter of".split()
)
_WORD_START = re.compile(r"[^a-z0-9]+")


def _padded(text: str) -> str:
    return " " + _WORD_START.sub(" ", fold(text)) + " "


def _prepared(keywords: tuple[str, ...]) -> tuple[str, ...]:
    # A leading space anchors each keyword at the start of a word of the padded name.
    return tuple(" " + _WORD_START.sub(" ", keyword).strip() for keyword in keywords)


_INTERNATIONAL_KEYS = _prepared(_INTERNATIONAL)
_INTELLIGENCE_KEYS = _prepared(_INTELLIGENCE)
_ARMED_KEYS = _prepared(_ARMED)
_GOVERNMENT_KEYS = _prepared(_GOVERNMENT)
_GROUP_KEYS = _prepared(_GROUPS)
_ORGANISATION_KEYS = _prepared(_ORGANISATIONS)
_POLICE_KEYS = _prepared(("police",))


def _hit(padded: str, keys: tuple[str, ...]) -> bool:
    return any(key in padded for key in keys)


def classify_sector(text: str) -> ActorKind:
    """Kind of a sector or body of a state ("Police", "Foreign Affairs", "Military Forces").

    Police stay a SECTOR, as in the vocabulary ("Police (Philippines)"); everything that is
    not a security, government or armed-group word is a SECTOR of its country too.
    """
    padded = _padded(text)
    if _hit(padded, _INTELLIGENCE_KEYS):
        return ActorKind.INTELLIGENCE_AGENCY
    if _hit(padded, _POLICE_KEYS):
        return ActorKind.SECTOR
    if _hit(padded, _GOVERNMENT_KEYS):
        return ActorKind.GOVERNMENT_BODY
    if _hit(padded, _GROUP_KEYS):
        return ActorKind.GROUP
    if _hit(padded, _ARMED_KEYS):
        return ActorKind.ARMED_FORCE
    return ActorKind.SECTOR


def _looks_like_person(name: str) -> bool:
    tokens = name.replace(",", " ").split()
    if not 2 <= len(tokens) <= 6:
        return False
    for token in tokens:
        bare = token.strip("'\"().")
        if not bare or any(char.isdigit() for char in bare):
            return False
        # "al-Assad", "el-Sisi": a particle joined by a hyphen to a capitalised name.
        if bare.lower() in _NAME_PARTICLES or bare.split("-", 1)[0].lower() in _NAME_PARTICLES:
            continue
        if not bare[0].isupper():
            return False
        letters = [char for char in bare if char.isalpha()]
        if len(letters) >= 3 and all(char.isupper() for char in letters):
            return False  # an acronym: "BBC News", "ACT Party"
    return True


def guess_named_kind(
    name: str, *, has_sub_actors: bool = False, igo_hint: bool = False
) -> ActorKind:
    """Kind of an actor known only by its name: a heuristic, as no column says.

    Keyword lists catch organisations, armed forces and groups; an ICEWS name that other
    entities use as their parenthetical ("Militant (Boko Haram)") is an organisation, since
    ICEWS never gives persons sub-actors; single words ("Taliban", "Hamas") are groups; a
    run of 2-6 capitalised words ("Vladimir Putin", "Kim Jong-Un") is a person; anything
    else is an organisation. `igo_hint` (ICEWS raw's sectors say "International Government
    Organization") only decides between an organisation and an international one, because
    ICEWS gives that sector to IGO officials too (Guterres, Mogherini).
    """
    padded = _padded(name)
    if fold(name) in _GENERIC_PARENTS:
        return ActorKind.GROUP
    if _hit(padded, _INTERNATIONAL_KEYS):
        return ActorKind.INTERNATIONAL_ORGANISATION
    if _hit(padded, _INTELLIGENCE_KEYS):
        return ActorKind.INTELLIGENCE_AGENCY
    if _hit(padded, _GROUP_KEYS):
        return ActorKind.GROUP
    if _hit(padded, _ARMED_KEYS):
        return ActorKind.ARMED_FORCE
    if _hit(padded, _GOVERNMENT_KEYS) or _hit(padded, _POLICE_KEYS):
        return ActorKind.GOVERNMENT_BODY
    if _hit(padded, _ORGANISATION_KEYS) or fold(name).startswith("the "):
        return ActorKind.INTERNATIONAL_ORGANISATION if igo_hint else ActorKind.ORGANISATION
    if has_sub_actors:
        return ActorKind.INTERNATIONAL_ORGANISATION if igo_hint else ActorKind.ORGANISATION
    if len(name.split()) == 1:
        return ActorKind.GROUP
    if _looks_like_person(name):
        return ActorKind.PERSON
    return ActorKind.INTERNATIONAL_ORGANISATION if igo_hint else ActorKind.ORGANISATION


@lru_cache(maxsize=512)
def state_actor(iso3: str) -> BulkActor:
    """The state actor of a country id: id is the ISO3 code, named by `country_name`."""
    return BulkActor(id=iso3, name=country_name(iso3), kind=ActorKind.STATE, country=iso3)


def split_parenthetical(name: str) -> tuple[str, str | None]:
    """("Foreign Affairs", "Russia") from "Foreign Affairs (Russia)"; (name, None) if none.

    The final, balanced parenthetical is taken, so "Priest (Holy See (Vatican City State))"
    gives ("Priest", "Holy See (Vatican City State)").
    """
    name = name.strip()
    if not name.endswith(")"):
        return name, None
    depth = 0
    for index in range(len(name) - 1, -1, -1):
        char = name[index]
        if char == ")":
            depth += 1
        elif char == "(":
            depth -= 1
            if depth == 0:
                base = name[:index].strip()
                inner = name[index + 1 : -1].strip()
                if not base or not inner:
                    return name, None
                return base, inner
    return name, None


def _clean_part(part: str) -> str:
    # ICEWS raw writes "Member of Legislative (Govt) (Zimbabwe)"; ICEWS18 dropped "(Govt)".
    return " ".join(part.replace("(Govt)", " ").split())


@lru_cache(maxsize=65536)
def icews_actor(
    name: str,
    country_hint: str | None = None,
    *,
    has_sub_actors: bool = False,
    igo_hint: bool = False,
) -> BulkActor | None:
    """Resolve an ICEWS actor name; None only for an empty name.

    "Russia" -> state rus; "Foreign Affairs (Russia)" -> "rus-foreign-affairs" part_of rus;
    "Militant (Taliban)" -> "taliban-militant" part_of "taliban"; "Vladimir Putin" ->
    "vladimir-putin" (PERSON by `guess_named_kind`). `country_hint` is the ISO3 of ICEWS
    raw's Source/Target Country column: it becomes the `country`, and the `part_of` of
    named actors (ICEWS18 has no such column, so its named actors have neither).
    """
    name = " ".join(name.split())
    if not name:
        return None
    actor = _icews_actor(name, country_hint, has_sub_actors, igo_hint)
    return _named(actor, name)


def _named(actor: BulkActor, *names: str) -> BulkActor:
    """The actor with the data set's own spellings of it as names, and its generic flag."""
    extra = tuple(n for n in names if n and n != actor.name and n not in actor.names)
    generic = actor.generic or any(is_generic_name(n) for n in (actor.name, *names))
    if not extra and generic == actor.generic:
        return actor
    return dataclasses.replace(actor, names=actor.names + extra, generic=generic)


def _icews_actor(
    name: str, country_hint: str | None, has_sub_actors: bool, igo_hint: bool
) -> BulkActor:
    base, inner = split_parenthetical(name)
    # "Pakistan Muslim League (N)": a one- or two-letter parenthetical is part of the name.
    if inner is not None and len(inner) > 2:
        part = _clean_part(base)
        iso3 = country_from_name(inner)
        if iso3 is not None:
            return BulkActor(
                id=f"{iso3}-{slugify(part)}",
                name=f"{part} ({country_name(iso3)})",
                kind=classify_sector(part),
                part_of=iso3,
                country=iso3,
            )
        parent = None if fold(inner) in _GENERIC_PARENTS else slugify(inner)
        return BulkActor(
            id=f"{slugify(inner)}-{slugify(part)}",
            name=f"{part} ({inner})",
            kind=classify_sector(part),
            part_of=parent,
            country=country_hint,
        )
    iso3 = country_from_name(name)
    if iso3 is not None:
        return state_actor(iso3)
    kind = guess_named_kind(name, has_sub_actors=has_sub_actors, igo_hint=igo_hint)
    return BulkActor(
        id=slugify(name), name=name, kind=kind, part_of=country_hint, country=country_hint
    )


# CAMEO actor type codes (CAMEO.type.txt): slug and label as ICEWS names the same sector,
# so that GDELT's RUSGOV and ICEWS's "Government (Russia)" are one actor, and the kind.
_CAMEO_TYPES: dict[str, tuple[str, str, ActorKind]] = {
    "GOV": ("government", "Government", ActorKind.GOVERNMENT_BODY),
    "MIL": ("military", "Military", ActorKind.ARMED_FORCE),
    "COP": ("police", "Police", ActorKind.SECTOR),
    "JUD": ("judiciary", "Judiciary", ActorKind.GOVERNMENT_BODY),
    "LEG": ("legislature", "Legislature", ActorKind.GOVERNMENT_BODY),
    "SPY": ("intelligence", "Intelligence", ActorKind.INTELLIGENCE_AGENCY),
    "OPP": ("opposition", "Opposition", ActorKind.GROUP),
    "REB": ("rebels", "Rebels", ActorKind.GROUP),
    "INS": ("insurgents", "Insurgents", ActorKind.GROUP),
    "SEP": ("separatists", "Separatists", ActorKind.GROUP),
    "UAF": ("unaligned-armed-forces", "Unaligned armed forces", ActorKind.GROUP),
    "RAD": ("radicals", "Radicals", ActorKind.GROUP),
    "MOD": ("moderates", "Moderates", ActorKind.GROUP),
    "CRM": ("criminal", "Criminal", ActorKind.GROUP),
    "SET": ("settlers", "Settlers", ActorKind.GROUP),
    "IMG": ("international-militarized-group", "International militarized group", ActorKind.GROUP),
    "UIS": ("unidentified-state-actor", "Unidentified state actor", ActorKind.GROUP),
    "BUS": ("business", "Business", ActorKind.SECTOR),
    "CVL": ("civilians", "Civilians", ActorKind.SECTOR),
    "MED": ("media", "Media", ActorKind.SECTOR),
    "EDU": ("education", "Education", ActorKind.SECTOR),
    "HLH": ("health", "Health", ActorKind.SECTOR),
    "LAB": ("labor", "Labor", ActorKind.SECTOR),
    "AGR": ("agriculture", "Agriculture", ActorKind.SECTOR),
    "REF": ("refugee", "Refugee", ActorKind.SECTOR),
    "ELI": ("elites", "Elites", ActorKind.SECTOR),
    "DEV": ("development", "Development", ActorKind.SECTOR),
    "ENV": ("environmental", "Environmental", ActorKind.SECTOR),
    "HRI": ("human-rights", "Human rights", ActorKind.SECTOR),
    "REL": ("religious", "Religious", ActorKind.SECTOR),
    "PTY": ("political-parties", "Political parties", ActorKind.ORGANISATION),
    "MNC": ("multinational-corporation", "Multinational corporation", ActorKind.ORGANISATION),
    "NGO": ("ngo", "Non-governmental organisation", ActorKind.ORGANISATION),
    "NGM": ("non-governmental-movement", "Non-governmental movement", ActorKind.GROUP),
    "IGO": ("igo", "Intergovernmental organisation", ActorKind.INTERNATIONAL_ORGANISATION),
    "PKO": ("peacekeepers", "Peacekeepers", ActorKind.ARMED_FORCE),
    "INT": ("international", "International", ActorKind.GROUP),
}
# CAMEO religion codes seen as actor-code chunks; only their labels are needed.
_CAMEO_RELIGIONS: dict[str, str] = {
    "MOS": "Muslim",
    "CHR": "Christian",
    "JEW": "Jewish",
    "BUD": "Buddhist",
    "HIN": "Hindu",
    "SIK": "Sikh",
    "CTH": "Catholic",
    "DOX": "Orthodox",
    "PRO": "Protestant",
    "SHI": "Shia",
    "SUN": "Sunni",
    "CPT": "Coptic",
}
# CAMEO known-group codes of actors that exist in their own right; named as ICEWS names
# them, so that their slug is the ICEWS18 actor's id ("united-nations").
_CAMEO_KNOWN_GROUPS: dict[str, tuple[str, ActorKind]] = {
    "UNO": ("United Nations", ActorKind.INTERNATIONAL_ORGANISATION),
    "EEC": ("European Union", ActorKind.INTERNATIONAL_ORGANISATION),
    "NAT": ("North Atlantic Treaty Organization", ActorKind.INTERNATIONAL_ORGANISATION),
    "ARL": ("Arab League", ActorKind.INTERNATIONAL_ORGANISATION),
    "ASN": ("Association of Southeast Asian Nations", ActorKind.INTERNATIONAL_ORGANISATION),
    "AFU": ("African Union", ActorKind.INTERNATIONAL_ORGANISATION),
    "COE": ("Council of Europe", ActorKind.INTERNATIONAL_ORGANISATION),
    "SCE": (
        "Organization for Security and Co-operation in Europe",
        ActorKind.INTERNATIONAL_ORGANISATION,
    ),
    "GCC": ("Gulf Cooperation Council", ActorKind.INTERNATIONAL_ORGANISATION),
    "IMF": ("International Monetary Fund", ActorKind.INTERNATIONAL_ORGANISATION),
    "WBK": ("World Bank", ActorKind.INTERNATIONAL_ORGANISATION),
    "WTO": ("World Trade Organization", ActorKind.INTERNATIONAL_ORGANISATION),
    "WHO": ("World Health Organization", ActorKind.INTERNATIONAL_ORGANISATION),
    "IAE": ("International Atomic Energy Agency", ActorKind.INTERNATIONAL_ORGANISATION),
    "ICC": ("International Criminal Court", ActorKind.INTERNATIONAL_ORGANISATION),
    "OAS": ("Organization of American States", ActorKind.INTERNATIONAL_ORGANISATION),
    "OPC": ("Organization of Petroleum Exporting Countries", ActorKind.INTERNATIONAL_ORGANISATION),
    "SHA": ("Shanghai Cooperation Organization", ActorKind.INTERNATIONAL_ORGANISATION),
    "CIS": ("Commonwealth of Independent States", ActorKind.INTERNATIONAL_ORGANISATION),
    "HCR": ("UN High Commissioner for Refugees", ActorKind.INTERNATIONAL_ORGANISATION),
    "WFP": ("World Food Programme", ActorKind.INTERNATIONAL_ORGANISATION),
    "KID": ("UNICEF", ActorKind.INTERNATIONAL_ORGANISATION),
    "AMN": ("Amnesty International", ActorKind.ORGANISATION),
    "HRW": ("Human Rights Watch", ActorKind.ORGANISATION),
    "IRC": ("International Committee of the Red Cross", ActorKind.ORGANISATION),
    "MSF": ("Medecins Sans Frontieres", ActorKind.ORGANISATION),
    "WEF": ("World Economic Forum", ActorKind.ORGANISATION),
    "TAL": ("Taliban", ActorKind.GROUP),
    "ALQ": ("Al Qaeda", ActorKind.GROUP),
    "HEZ": ("Hezbollah", ActorKind.GROUP),
    "HMS": ("Hamas", ActorKind.GROUP),
    "PLO": ("Palestine Liberation Organization", ActorKind.GROUP),
    "MBR": ("Muslim Brotherhood", ActorKind.GROUP),
}


def _chunks(code: str) -> list[str]:
    # CAMEO actor codes are concatenations of 3-character codes; anything else is kept whole.
    if len(code) % 3:
        return [code]
    return [code[index : index + 3] for index in range(0, len(code), 3)]


def _chunk_label(chunk: str) -> str:
    upper = chunk.upper()
    if upper in _CAMEO_TYPES:
        return _CAMEO_TYPES[upper][1]
    if upper in _CAMEO_RELIGIONS:
        return _CAMEO_RELIGIONS[upper]
    if upper in CAMEO_REGIONS:
        return CAMEO_REGIONS[upper]
    if upper in _CAMEO_KNOWN_GROUPS:
        return _CAMEO_KNOWN_GROUPS[upper][0]
    iso3 = country_from_code(upper)
    return country_name(iso3) if iso3 is not None else chunk


def _chunk_slug(chunk: str) -> str:
    upper = chunk.upper()
    return _CAMEO_TYPES[upper][0] if upper in _CAMEO_TYPES else slugify(chunk)


def _chunks_kind(chunks: list[str]) -> ActorKind | None:
    for chunk in chunks:
        entry = _CAMEO_TYPES.get(chunk.upper())
        if entry is not None:
            return entry[2]
    return None


@lru_cache(maxsize=65536)
def gdelt_actor(code: str, country_code: str = "", known_group: str = "") -> BulkActor | None:
    """Resolve a GDELT/CAMEO actor (ActorCode, ActorCountryCode, ActorKnownGroupCode).

    None only for an empty code. "RUS" -> state rus; "RUSGOV" -> "rus-government" named
    "Government (Russia)", part_of rus; "MNCUSA" (a US multinational) -> "usa-mnc..." as
    a sub-actor of usa; a listed known group ("IGOUNO") -> that organisation
    ("united-nations"); no country ("GOV", "AFR", "kur") -> "cameo-<chunks>".
    """
    code = code.strip()
    if not code:
        return None
    actor = _gdelt_actor(code, country_code, known_group)
    # Without a country or a known group, a code is a role nobody in particular plays.
    return _named(
        dataclasses.replace(actor, generic=True) if actor.id.startswith("cameo-") else actor, code
    )


def _gdelt_actor(code: str, country_code: str, known_group: str) -> BulkActor:
    country_code = country_code.strip().upper()
    iso3 = country_from_code(country_code) if country_code else None
    group = _CAMEO_KNOWN_GROUPS.get(known_group.strip().upper())
    if group is not None:
        return BulkActor(id=slugify(group[0]), name=group[0], kind=group[1], country=iso3)
    chunks = _chunks(code)
    if iso3 is not None:
        rest = [chunk for chunk in chunks if chunk.upper() != country_code]
        if not rest:
            return state_actor(iso3)
        kind = _chunks_kind(rest) or ActorKind.SECTOR
        label = " ".join(_chunk_label(chunk) for chunk in rest)
        return BulkActor(
            id=f"{iso3}-{'-'.join(_chunk_slug(chunk) for chunk in rest)}",
            name=f"{label[:1].upper()}{label[1:]} ({country_name(iso3)})",
            kind=kind,
            part_of=iso3,
            country=iso3,
        )
    found = _chunks_kind(chunks)
    # Without a country a "sector" is just a collective of unknown nationality.
    kind = ActorKind.GROUP if found is None or found is ActorKind.SECTOR else found
    label = " ".join(_chunk_label(chunk) for chunk in chunks)
    return BulkActor(
        id=f"cameo-{'-'.join(chunk.lower() for chunk in chunks)}",
        name=f"{label[:1].upper()}{label[1:]}",
        kind=kind,
    )


# "Military Forces of Russia (2000-) Air Force": prefix, country, regime period, suffix.
_ACLED_OF_COUNTRY = re.compile(
    r"^(?P<prefix>.+?) of (?P<country>.+?) \((?P<period>\d{4}-(?:\d{4})?)\)(?: (?P<suffix>.+))?$"
)


@lru_cache(maxsize=65536)
def acled_actor(name: str) -> BulkActor | None:
    """Resolve an ACLED actor name; None only for an empty name.

    The regime period in "Military Forces of Russia (2000-)" is dropped from id and name:
    the institution outlives governments, and "(2014-2019)" and "(2019-)" are one force.
    "... (2000-) Air Force" is an actor of its own, "rus-military-forces-air-force", part_of
    rus. "Civilians (Ukraine)" -> "ukr-civilians"; other names -> slug of the name.
    """
    name = " ".join(name.split())
    if not name:
        return None
    return _named(_acled_actor(name), name)


def _acled_actor(name: str) -> BulkActor:
    match = _ACLED_OF_COUNTRY.match(name)
    if match is not None:
        iso3 = country_from_name(match["country"])
        if iso3 is not None:
            prefix, suffix = match["prefix"], match["suffix"]
            kind = classify_sector(prefix)
            if suffix:
                suffix_kind = classify_sector(suffix)
                kind = kind if suffix_kind is ActorKind.SECTOR else suffix_kind
            actor_id = f"{iso3}-{slugify(prefix)}" + (f"-{slugify(suffix)}" if suffix else "")
            label = f"{prefix} of {match['country']}" + (f" {suffix}" if suffix else "")
            return BulkActor(id=actor_id, name=label, kind=kind, part_of=iso3, country=iso3)
    base, inner = split_parenthetical(name)
    if inner is not None and len(inner) > 2:
        iso3 = country_from_name(inner)
        if iso3 is not None:
            return BulkActor(
                id=f"{iso3}-{slugify(base)}",
                name=f"{base} ({country_name(iso3)})",
                kind=classify_sector(base),
                part_of=iso3,
                country=iso3,
            )
        return BulkActor(
            id=f"{slugify(inner)}-{slugify(base)}",
            name=name,
            kind=_group_unless_known(classify_sector(base)),
            part_of=None if fold(inner) in _GENERIC_PARENTS else slugify(inner),
        )
    iso3 = country_from_name(name)
    if iso3 is not None:
        return state_actor(iso3)
    kind = guess_named_kind(name)
    # ACLED names collectives, almost never individuals: a two-word name is a group.
    return BulkActor(id=slugify(name), name=name, kind=_group_unless_known(kind))


def _group_unless_known(kind: ActorKind) -> ActorKind:
    return ActorKind.GROUP if kind in (ActorKind.SECTOR, ActorKind.PERSON) else kind
