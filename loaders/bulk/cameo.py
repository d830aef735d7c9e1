"""CAMEO event codes, their texts, quad classes and our fact types; ACLED event types too.

A CAMEO code is hierarchical ("1124" is under "112", under root "11"), so the fact type is
looked up on the longest prefix that has an entry in `_FACT_TYPES`: each root has a
default and only the sub-codes that mean something narrower are listed. ICEWS18 relation
names are CAMEO texts, so they are mapped to codes by text, then to fact types by code.
"""

from __future__ import annotations

from functools import lru_cache

from graph_schema.vocabulary import FactType

# CAMEO 1.1b3 event codes with their texts. Where ICEWS words a code differently (ICEWS18
# relation names are ICEWS's texts), ICEWS's wording is `_ICEWS_TEXTS` below. "1213" is an
# ICEWS addition that CAMEO itself lacks.
CAMEO_TEXT: dict[str, str] = {
    "01": "MAKE PUBLIC STATEMENT",
    "010": "Make statement, not specified below",
    "011": "Decline comment",
    "012": "Make pessimistic comment",
    "013": "Make optimistic comment",
    "014": "Consider policy option",
    "015": "Acknowledge or claim responsibility",
    "016": "Deny responsibility",
    "017": "Engage in symbolic act",
    "018": "Make empathetic comment",
    "019": "Express accord",
    "02": "APPEAL",
    "020": "Make an appeal or request, not specified below",
    "021": "Appeal for material cooperation, not specified below",
    "0211": "Appeal for economic cooperation",
    "0212": "Appeal for military cooperation",
    "0213": "Appeal for judicial cooperation",
    "0214": "Appeal for intelligence",
    "022": "Appeal for diplomatic cooperation (such as policy support)",
    "023": "Appeal for aid, not specified below",
    "0231": "Appeal for economic aid",
    "0232": "Appeal for military aid",
    "0233": "Appeal for humanitarian aid",
    "0234": "Appeal for military protection or peacekeeping",
    "024": "Appeal for political reform, not specified below",
    "0241": "Appeal for change in leadership",
    "0242": "Appeal for policy change",
    "0243": "Appeal for rights",
    "0244": "Appeal for change in institutions, regime",
    "025": "Appeal to yield, not specified below",
    "0251": "Appeal for easing of administrative sanctions",
    "0252": "Appeal for easing of popular dissent",
    "0253": "Appeal for release of persons or property",
    "0254": "Appeal for easing of economic sanctions, boycott, or embargo",
    "0255": "Appeal for target to allow international involvement (non-mediation)",
    "0256": "Appeal for de-escalation of military engagement",
    "026": "Appeal to others to meet or negotiate",
    "027": "Appeal to others to settle dispute",
    "028": "Appeal to engage in or accept mediation",
    "03": "EXPRESS INTENT TO COOPERATE",
    "030": "Express intent to cooperate, not specified below",
    "031": "Express intent to engage in material cooperation, not specified below",
    "0311": "Express intent to cooperate economically",
    "0312": "Express intent to cooperate militarily",
    "0313": "Express intent to cooperate on judicial matters",
    "0314": "Express intent to cooperate on intelligence",
    "032": "Express intent to engage in diplomatic cooperation (such as policy support)",
    "033": "Express intent to provide material aid, not specified below",
    "0331": "Express intent to provide economic aid",
    "0332": "Express intent to provide military aid",
    "0333": "Express intent to provide humanitarian aid",
    "0334": "Express intent to provide military protection or peacekeeping",
    "034": "Express intent to institute political reform, not specified below",
    "0341": "Express intent to change leadership",
    "0342": "Express intent to change policy",
    "0343": "Express intent to provide rights",
    "0344": "Express intent to change institutions, regime",
    "035": "Express intent to yield, not specified below",
    "0351": "Express intent to ease administrative sanctions",
    "0352": "Express intent to ease popular dissent",
    "0353": "Express intent to release persons or property",
    "0354": "Express intent to ease economic sanctions, boycott, or embargo",
    "0355": "Express intent to allow international involvement (non-mediation)",
    "0356": "Express intent to de-escalate military engagement",
    "036": "Express intent to meet or negotiate",
    "037": "Express intent to settle dispute",
    "038": "Express intent to accept mediation",
    "039": "Express intent to mediate",
    "04": "CONSULT",
    "040": "Consult, not specified below",
    "041": "Discuss by telephone",
    "042": "Make a visit",
    "043": "Host a visit",
    "044": "Meet at a 'third' location",
    "045": "Mediate",
    "046": "Engage in negotiation",
    "05": "ENGAGE IN DIPLOMATIC COOPERATION",
    "050": "Engage in diplomatic cooperation, not specified below",
    "051": "Praise or endorse",
    "052": "Defend verbally",
    "053": "Rally support on behalf of",
    "054": "Grant diplomatic recognition",
    "055": "Apologize",
    "056": "Forgive",
    "057": "Sign formal agreement",
    "06": "ENGAGE IN MATERIAL COOPERATION",
    "060": "Engage in material cooperation, not specified below",
    "061": "Cooperate economically",
    "062": "Cooperate militarily",
    "063": "Engage in judicial cooperation",
    "064": "Share intelligence or information",
    "07": "PROVIDE AID",
    "070": "Provide aid, not specified below",
    "071": "Provide economic aid",
    "072": "Provide military aid",
    "073": "Provide humanitarian aid",
    "074": "Provide military protection or peacekeeping",
    "075": "Grant asylum",
    "08": "YIELD",
    "080": "Yield, not specified below",
    "081": "Ease administrative sanctions, not specified below",
    "0811": "Ease restrictions on political freedoms",
    "0812": "Ease ban on political parties or politicians",
    "0813": "Ease curfew",
    "0814": "Ease state of emergency or martial law",
    "082": "Ease political dissent",
    "083": "Accede to requests or demands for political reform, not specified below",
    "0831": "Accede to demands for change in leadership",
    "0832": "Accede to demands for change in policy",
    "0833": "Accede to demands for rights",
    "0834": "Accede to demands for change in institutions, regime",
    "084": "Return, release, not specified below",
    "0841": "Return, release person(s)",
    "0842": "Return, release property",
    "085": "Ease economic sanctions, boycott, embargo",
    "086": "Allow international involvement, not specified below",
    "0861": "Receive deployment of peacekeepers",
    "0862": "Receive inspectors",
    "0863": "Allow delivery of humanitarian aid",
    "087": "De-escalate military engagement",
    "0871": "Declare truce, ceasefire",
    "0872": "Ease military blockade",
    "0873": "Demobilize armed forces",
    "0874": "Retreat or surrender militarily",
    "09": "INVESTIGATE",
    "090": "Investigate, not specified below",
    "091": "Investigate crime, corruption",
    "092": "Investigate human rights abuses",
    "093": "Investigate military action",
    "094": "Investigate war crimes",
    "10": "DEMAND",
    "100": "Demand, not specified below",
    "101": "Demand material cooperation, not specified below",
    "1011": "Demand economic cooperation",
    "1012": "Demand military cooperation",
    "1013": "Demand judicial cooperation",
    "1014": "Demand intelligence cooperation",
    "102": "Demand diplomatic cooperation (such as policy support)",
    "103": "Demand material aid, not specified below",
    "1031": "Demand economic aid",
    "1032": "Demand military aid",
    "1033": "Demand humanitarian aid",
    "1034": "Demand military protection or peacekeeping",
    "104": "Demand political reform, not specified below",
    "1041": "Demand change in leadership",
    "1042": "Demand policy change",
    "1043": "Demand rights",
    "1044": "Demand change in institutions, regime",
    "105": "Demand that target yields, not specified below",
    "1051": "Demand easing of administrative sanctions",
    "1052": "Demand easing of political dissent",
    "1053": "Demand release of persons or property",
    "1054": "Demand easing of economic sanctions, boycott, or embargo",
    "1055": "Demand that target allows international involvement (non-mediation)",
    "1056": "Demand de-escalation of military engagement",
    "106": "Demand meeting, negotiation",
    "107": "Demand settling of dispute",
    "108": "Demand mediation",
    "11": "DISAPPROVE",
    "110": "Disapprove, not specified below",
    "111": "Criticize or denounce",
    "112": "Accuse, not specified below",
    "1121": "Accuse of crime, corruption",
    "1122": "Accuse of human rights abuses",
    "1123": "Accuse of aggression",
    "1124": "Accuse of war crimes",
    "1125": "Accuse of espionage, treason",
    "113": "Rally opposition against",
    "114": "Complain officially",
    "115": "Bring lawsuit against",
    "116": "Find guilty or liable (legally)",
    "12": "REJECT",
    "120": "Reject, not specified below",
    "121": "Reject material cooperation",
    "1211": "Reject economic cooperation",
    "1212": "Reject military cooperation",
    "1213": "Reject judicial cooperation",
    "122": "Reject request or demand for material aid, not specified below",
    "1221": "Reject request for economic aid",
    "1222": "Reject request for military aid",
    "1223": "Reject request for humanitarian aid",
    "1224": "Reject request for military protection or peacekeeping",
    "123": "Reject request or demand for political reform, not specified below",
    "1231": "Reject request for change in leadership",
    "1232": "Reject request for policy change",
    "1233": "Reject request for rights",
    "1234": "Reject request for change in institutions, regime",
    "124": "Refuse to yield, not specified below",
    "1241": "Refuse to ease administrative sanctions",
    "1242": "Refuse to ease popular dissent",
    "1243": "Refuse to release persons or property",
    "1244": "Refuse to ease economic sanctions, boycott, or embargo",
    "1245": "Refuse to allow international involvement (non-mediation)",
    "1246": "Refuse to de-escalate military engagement",
    "125": "Reject proposal to meet, discuss, or negotiate",
    "126": "Reject mediation",
    "127": "Reject plan, agreement to settle dispute",
    "128": "Defy norms, law",
    "129": "Veto",
    "13": "THREATEN",
    "130": "Threaten, not specified below",
    "131": "Threaten non-force, not specified below",
    "1311": "Threaten to reduce or stop aid",
    "1312": "Threaten to boycott, embargo, or sanction",
    "1313": "Threaten to reduce or break relations",
    "132": "Threaten with administrative sanctions, not specified below",
    "1321": "Threaten to impose restrictions on political freedoms",
    "1322": "Threaten to ban political parties or politicians",
    "1323": "Threaten to impose curfew",
    "1324": "Threaten to impose state of emergency or martial law",
    "133": "Threaten political dissent, protest",
    "134": "Threaten to halt negotiations",
    "135": "Threaten to halt mediation",
    "136": "Threaten to halt international involvement (non-mediation)",
    "137": "Threaten with violent repression",
    "138": "Threaten to use military force, not specified below",
    "1381": "Threaten blockade",
    "1382": "Threaten occupation",
    "1383": "Threaten unconventional violence",
    "1384": "Threaten conventional attack",
    "1385": "Threaten attack with WMD",
    "139": "Give ultimatum",
    "14": "PROTEST",
    "140": "Engage in political dissent, not specified below",
    "141": "Demonstrate or rally, not specified below",
    "1411": "Demonstrate for leadership change",
    "1412": "Demonstrate for policy change",
    "1413": "Demonstrate for rights",
    "1414": "Demonstrate for change in institutions, regime",
    "142": "Conduct hunger strike, not specified below",
    "1421": "Conduct hunger strike for leadership change",
    "1422": "Conduct hunger strike for policy change",
    "1423": "Conduct hunger strike for rights",
    "1424": "Conduct hunger strike for change in institutions, regime",
    "143": "Conduct strike or boycott, not specified below",
    "1431": "Conduct strike or boycott for leadership change",
    "1432": "Conduct strike or boycott for policy change",
    "1433": "Conduct strike or boycott for rights",
    "1434": "Conduct strike or boycott for change in institutions, regime",
    "144": "Obstruct passage, block, not specified below",
    "1441": "Obstruct passage to demand leadership change",
    "1442": "Obstruct passage to demand policy change",
    "1443": "Obstruct passage to demand rights",
    "1444": "Obstruct passage to demand change in institutions, regime",
    "145": "Protest violently, riot, not specified below",
    "1451": "Engage in violent protest for leadership change",
    "1452": "Engage in violent protest for policy change",
    "1453": "Engage in violent protest for rights",
    "1454": "Engage in violent protest for change in institutions, regime",
    "15": "EXHIBIT FORCE POSTURE",
    "150": "Demonstrate military or police power, not specified below",
    "151": "Increase police alert status",
    "152": "Increase military alert status",
    "153": "Mobilize or increase police power",
    "154": "Mobilize or increase armed forces",
    "155": "Mobilize or increase cyber-forces",
    "16": "REDUCE RELATIONS",
    "160": "Reduce relations, not specified below",
    "161": "Reduce or break diplomatic relations",
    "162": "Reduce or stop material aid, not specified below",
    "1621": "Reduce or stop economic assistance",
    "1622": "Reduce or stop military assistance",
    "1623": "Reduce or stop humanitarian assistance",
    "163": "Impose embargo, boycott, or sanctions",
    "164": "Halt negotiations",
    "165": "Halt mediation",
    "166": "Expel or withdraw, not specified below",
    "1661": "Expel or withdraw peacekeepers",
    "1662": "Expel or withdraw inspectors, observers",
    "1663": "Expel or withdraw aid agencies",
    "17": "COERCE",
    "170": "Coerce, not specified below",
    "171": "Seize or damage property, not specified below",
    "1711": "Confiscate property",
    "1712": "Destroy property",
    "172": "Impose administrative sanctions, not specified below",
    "1721": "Impose restrictions on political freedoms",
    "1722": "Ban political parties or politicians",
    "1723": "Impose curfew",
    "1724": "Impose state of emergency or martial law",
    "173": "Arrest, detain, or charge with legal action",
    "174": "Expel or deport individuals",
    "175": "Use tactics of violent repression",
    "176": "Attack cybernetically",
    "18": "ASSAULT",
    "180": "Use unconventional violence, not specified below",
    "181": "Abduct, hijack, or take hostage",
    "182": "Physically assault, not specified below",
    "1821": "Sexually assault",
    "1822": "Torture",
    "1823": "Kill by physical assault",
    "183": "Conduct suicide, car, or other non-military bombing, not specified below",
    "1831": "Carry out suicide bombing",
    "1832": "Carry out vehicular bombing",
    "1833": "Carry out roadside bombing",
    "1834": "Carry out location bombing",
    "184": "Use as human shield",
    "185": "Attempt to assassinate",
    "186": "Assassinate",
    "19": "FIGHT",
    "190": "Use conventional military force, not specified below",
    "191": "Impose blockade, restrict movement",
    "192": "Occupy territory",
    "193": "Fight with small arms and light weapons",
    "194": "Fight with artillery and tanks",
    "195": "Employ aerial weapons, not specified below",
    "1951": "Employ precision-guided aerial munitions",
    "1952": "Employ remotely piloted aerial munitions",
    "196": "Violate ceasefire",
    "20": "USE UNCONVENTIONAL MASS VIOLENCE",
    "200": "Use unconventional mass violence, not specified below",
    "201": "Engage in mass expulsion",
    "202": "Engage in mass killings",
    "203": "Engage in ethnic cleansing",
    "204": "Use weapons of mass destruction, not specified below",
    "2041": "Use chemical, biological, or radiological weapons",
    "2042": "Detonate nuclear weapons",
}

# ICEWS's own wordings of codes whose CAMEO text differs (beyond case, hyphens and the
# ", not specified below" suffix, which `_text_key` already ignores).
_ICEWS_TEXTS: dict[str, str] = {
    "1312": "Threaten with sanctions, boycott, embargo",
    "1321": "Threaten with restrictions on political freedoms",
    "133": "Threaten with political dissent, protest",
    "137": "Threaten with repression",
    "138": "Threaten with military force",
    "1832": "Carry out car bombing",
    "0252": "Appeal for easing of political dissent",
    "1052": "Demand easing of political dissent",
}

# Fact type by code prefix: every root has a default, sub-codes only where narrower.
_FACT_TYPES: dict[str, FactType] = {
    # 01 public statements: what an actor said about another.
    "01": FactType.COMMENTED_ON,
    "012": FactType.EXPRESSED_CONCERN_ABOUT,  # a pessimistic comment about the target
    "016": FactType.DENIED,
    "019": FactType.SUPPORTED,  # express accord with the target's position
    "02": FactType.APPEALED_TO,
    # 03 is only an intent, so it is recorded as a statement rather than as the cooperation
    # itself; code and code_text keep which intent it was.
    "03": FactType.COMMENTED_ON,
    "04": FactType.CONSULTED,
    "042": FactType.VISITED,
    "043": FactType.HOSTED,
    "044": FactType.MET_WITH,
    "046": FactType.NEGOTIATED_WITH,
    "05": FactType.COOPERATED_WITH,
    "051": FactType.PRAISED,
    "052": FactType.SUPPORTED,
    "053": FactType.SUPPORTED,
    "055": FactType.COMMENTED_ON,  # apologize
    "056": FactType.COMMENTED_ON,  # forgive
    "057": FactType.SIGNED_AGREEMENT_WITH,
    "06": FactType.COOPERATED_WITH,
    "07": FactType.SUPPLIED_AID_TO,
    "072": FactType.SUPPLIED_ARMS_TO,
    "074": FactType.DEPLOYED_TROOPS_TO,  # military protection or peacekeeping
    "075": FactType.SUPPORTED,  # grant asylum
    # 08 yield (ease sanctions, release, truce, retreat) has no narrower type of ours.
    "08": FactType.INTERACTED_WITH,
    "09": FactType.INVESTIGATED,
    "10": FactType.DEMANDED,
    "11": FactType.CRITICISED,
    "112": FactType.ACCUSED,
    "114": FactType.PROTESTED,  # complain officially: a formal diplomatic protest
    "115": FactType.ACCUSED,  # bring lawsuit against
    "116": FactType.CONDEMNED,  # find guilty or liable
    # 12 reject has no type of its own; only a veto does.
    "12": FactType.INTERACTED_WITH,
    "129": FactType.VETOED,
    "13": FactType.THREATENED,
    "14": FactType.PROTESTED,
    # 15 a show of force aimed at a target is a threat to it.
    "15": FactType.THREATENED,
    "16": FactType.REDUCED_RELATIONS_WITH,
    "163": FactType.SANCTIONED,
    "17": FactType.COERCED,
    # 172 unqualified is ICEWS's code for targeted measures (visa bans, asset freezes); its
    # sub-codes (curfews, bans, martial law) are domestic coercion.
    "172": FactType.SANCTIONED,
    "1721": FactType.COERCED,
    "1722": FactType.COERCED,
    "1723": FactType.COERCED,
    "1724": FactType.COERCED,
    "173": FactType.ARRESTED,
    "175": FactType.ATTACKED,  # violent repression is violence
    "176": FactType.ATTACKED,
    "18": FactType.ATTACKED,
    "19": FactType.ATTACKED,
    "191": FactType.COERCED,  # blockade, restrict movement: no shot needs to be fired
    "192": FactType.INVADED,  # occupy territory
    "20": FactType.ATTACKED,
    "201": FactType.COERCED,  # mass expulsion
}


def root_of(code: str) -> int | None:
    """The CAMEO root (1..20) of a code, or None if it is not a CAMEO code."""
    if len(code) < 2 or not code[:2].isdigit():
        return None
    root = int(code[:2])
    return root if 1 <= root <= 20 else None


def quad_class(code: str) -> int | None:
    """GDELT's quad class of a CAMEO code from its root.

    1 verbal cooperation (01-05), 2 material cooperation (06-09), 3 verbal conflict
    (10-14), 4 material conflict (15-20): the same split GDELT's QuadClass column uses.
    """
    root = root_of(code)
    if root is None:
        return None
    if root <= 5:
        return 1
    if root <= 9:
        return 2
    if root <= 14:
        return 3
    return 4


def is_cameo_code(code: str) -> bool:
    return code in CAMEO_TEXT


def cameo_text(code: str) -> str | None:
    """The text of a CAMEO code without the ", not specified below" qualifier."""
    text = CAMEO_TEXT.get(code)
    if text is None:
        return None
    return text.removesuffix(", not specified below")


@lru_cache(maxsize=1024)
def fact_type_for_code(code: str) -> FactType | None:
    """Our fact type for a CAMEO code, or None if the code is not a CAMEO code."""
    if code not in CAMEO_TEXT:
        return None
    for length in range(len(code), 1, -1):
        fact_type = _FACT_TYPES.get(code[:length])
        if fact_type is not None:
            return fact_type
    return None


def _text_key(text: str) -> str:
    key = text.casefold().removesuffix(", not specified below")
    for old, new in (("-", " "), ("\u2019", "'"), ('"', "'")):
        key = key.replace(old, new)
    return " ".join(key.split())


@lru_cache(maxsize=1)
def _code_by_text() -> dict[str, str]:
    index = {_text_key(text): code for code, text in CAMEO_TEXT.items() if len(code) > 2}
    index.update({_text_key(text): code for code, text in _ICEWS_TEXTS.items()})
    return index


@lru_cache(maxsize=4096)
def icews_relation(name: str) -> tuple[str | None, FactType]:
    """(CAMEO code, fact type) of an ICEWS18 relation name such as "Make statement".

    A name that is no CAMEO text gives (None, INTERACTED_WITH): the row is still a coded
    interaction between two actors, so it is kept with the least specific type.
    """
    code = _code_by_text().get(_text_key(name))
    if code is None:
        return None, FactType.INTERACTED_WITH
    fact_type = fact_type_for_code(code)
    return code, FactType.INTERACTED_WITH if fact_type is None else fact_type


# ACLED sub-event types, which decide where the event type alone would be too coarse.
_ACLED_SUB_EVENT_TYPES: dict[str, FactType] = {
    "armed clash": FactType.FOUGHT,
    "government regains territory": FactType.FOUGHT,
    "non-state actor overtakes territory": FactType.FOUGHT,
    "shelling/artillery/missile attack": FactType.ATTACKED,
    "air/drone strike": FactType.ATTACKED,
    "remote explosive/landmine/ied": FactType.ATTACKED,
    "grenade": FactType.ATTACKED,
    "suicide bomb": FactType.ATTACKED,
    "chemical weapon": FactType.ATTACKED,
    "attack": FactType.ATTACKED,
    "sexual violence": FactType.ATTACKED,
    "abduction/forced disappearance": FactType.ATTACKED,
    "peaceful protest": FactType.PROTESTED,
    "protest with intervention": FactType.PROTESTED,
    # actor1 is the force that broke up the protest, actor2 the protesters.
    "excessive force against protesters": FactType.ATTACKED,
    "violent demonstration": FactType.PROTESTED,  # as CAMEO 145: still a protest
    "mob violence": FactType.ATTACKED,
    "agreement": FactType.SIGNED_AGREEMENT_WITH,
    "arrests": FactType.ARRESTED,
    "headquarters or base established": FactType.DEPLOYED_TROOPS_TO,
    "looting/property destruction": FactType.COERCED,  # as CAMEO 171 seize/damage property
    # interceptions and defusals: an act of combat between the two sides, not an attack.
    "disrupted weapons use": FactType.FOUGHT,
    "non-violent transfer of territory": FactType.INTERACTED_WITH,
    "change to group/activity": FactType.INTERACTED_WITH,
    "other": FactType.INTERACTED_WITH,
}

# ACLED event types, current and pre-2019 ("Battle-No change of territory", "Remote
# violence", "Riots/Protests", ...), used when the sub-event type is not listed above.
_ACLED_EVENT_TYPES: dict[str, FactType] = {
    "battles": FactType.FOUGHT,
    "battle-no change of territory": FactType.FOUGHT,
    "battle-government regains territory": FactType.FOUGHT,
    "battle-non-state actor overtakes territory": FactType.FOUGHT,
    "explosions/remote violence": FactType.ATTACKED,
    "remote violence": FactType.ATTACKED,
    "violence against civilians": FactType.ATTACKED,
    "protests": FactType.PROTESTED,
    "riots/protests": FactType.PROTESTED,
    "riots": FactType.ATTACKED,
    "strategic developments": FactType.INTERACTED_WITH,
    "strategic development": FactType.INTERACTED_WITH,
    "headquarters or base established": FactType.DEPLOYED_TROOPS_TO,
    "non-violent transfer of territory": FactType.INTERACTED_WITH,
    "non-violent activity by a conflict actor": FactType.INTERACTED_WITH,
}


def acled_fact_type(event_type: str, sub_event_type: str) -> FactType:
    """Our fact type for an ACLED event; INTERACTED_WITH for types ACLED may add later."""
    fact_type = _ACLED_SUB_EVENT_TYPES.get(" ".join(sub_event_type.casefold().split()))
    if fact_type is None:
        fact_type = _ACLED_EVENT_TYPES.get(" ".join(event_type.casefold().split()))
    return FactType.INTERACTED_WITH if fact_type is None else fact_type
