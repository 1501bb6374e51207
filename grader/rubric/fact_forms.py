"""Facts written as data (who, event, what, when, where, by, members, how many, order) turned
into the checks that test them, so a teacher writes no trigger patterns for the common cases."""

from __future__ import annotations

import re
from typing import Any, Final

from ..text.dates import MONTHS
from ..text.numbers import parse_clock
from ..text.tokens import stem

# The usual wordings of common events, as cue phrases (words match by stem, `*` by prefix).
# A fact's `event` is looked up word by word: the first word that belongs to a family gives
# the family's wordings; `wordings:` adds the fact's own.
EVENT_FAMILIES: Final[dict[str, str]] = {
    "die": "die|died|death|dead|passed away|pass away",
    "murder": "murder*|kill*|assassin*|shot|shoot",
    "execute": "execut*|shot|shoot|put to death|kill*",
    "arrest": "arrest*|detain*|locked up|imprison*|seiz*",
    "try": "tried|trial*|put on trial",
    "funeral": "funeral|burial|buried|bury|laid to rest",
    "born": "born|birth",
    "become": ("became|become|becoming|appoint*|made|elected|named|given the post|"
               "given the job|took the post|took the job|took over as"),
    "elect": "elect*|voted in|won the election",
    "resign": "resign*|stood down|stepped down|step down|quit",
    "introduce": ("introduc*|brought in|bring in|launch*|start*|set up|creat*|came up with|"
                  "come up with"),
    "propose": ("propos*|put forward|came up with|come up with|suggest*|thought of|"
                "invent*|devis*|argued for|creat*|develop*"),
    "launch": "launch*|start*|began|begin|introduc*|announc*",
    "start": "start*|began|begin|broke out|break out|outbreak",
    "end": "end|ended|ending|finish*|came to an end|abolish*|scrap*|got rid of",
    "abolish": "abolish*|scrap*|end|ended|ending|got rid of|get rid of|drop*|abandon*",
    "form": "form*|creat*|set up|found*|establish*",
    "found": "found*|form*|creat*|set up|establish*",
    "join": "join*|became a member|become a member|member of",
    "lead": "led|lead|leads|leading|leader of|in charge of|ran|run",
    "sign": "sign*",
    "annex": "annex*|took over|take over|seiz*",
    "invade": "invad*|invasion|attack*|march* into",
    "attack": "attack*|invad*|bomb*|assault*",
    "win": "won|win|winning|victory|beat",
    "lose": "lost|lose|losing|defeat*|beaten",
    "ban": "ban|banned|banning|outlaw*|forbid*|forbade|prohibit*",
    "expel": "expel*|expuls*|kicked out|thrown out|chucked out",
    "exile": "exil*|banish*|deport*|sent into exile|sent away|packed off",
    "deport": "deport*|exil*|banish*|forced to leave|made to leave",
    "publish": "publish*|made public|make public|printed|released|read out",
    "attend": ("attend*|went to|go to|came to|come to|was at|was there|was present|"
               "present at|turn* up|show* up|arrived"),
    "give": "gave|give|pass*|hand*|sent|send|deliver*|took|brought|show*",
    "oppose": "oppos*|against|attack*|criticis*|criticiz*|reject*|hated|disliked",
    "support": "support*|back*|defend*|favour*|favor*|in favour",
    "build": "built|build|construct*|launch*",
    "sink": "sank|sink|sunk|sinking|went down",
    "crash": "crash*|collaps*",
    "meet": "met|meet|meeting",
    "write": "wrote|write|written|writing|author*",
    "rule": "rule*|reign*|governed|in power",
}

# Events that begin a state held afterwards ("became General Secretary", "joined the party"):
# "was/had been … since 1917" dates them too
STATE_FAMILIES: Final = frozenset(("become", "elect", "join", "lead", "rule"))

# At most this many wordings for an event told with its thing in an order check (a cue
# holds 200 alternatives at most)
MAX_ORDER_WORDINGS: Final = 160

# The wordings a person check reads for "whose idea or policy it was" when the fact names no
# event: who came up with it, put it forward, believed in it.
OWNER_WORDINGS: Final = ("introduc*|came up with|come up with|propos*|put forward|creat*|"
                         "invent*|develop*|thought of|argued for|believed in|launch*|"
                         "had an idea called|had the idea of|had a policy called|"
                         "had a plan called")

_RANGE: Final = re.compile(r"^\s*(\d{3,4})\s*(?:-|–|—|to)\s*(\d{2,4})\s*$")


def _family_index() -> tuple[dict[str, str], list[tuple[str, str]], list[tuple[str, str]]]:
    """Stems of one-word wordings (and of each family's name) -> family; prefixes (`expel*`)
    and several-word wordings ("put forward"), each with its family, longest first."""
    words: dict[str, str] = {}
    prefixes: list[tuple[str, str]] = []
    phrases: list[tuple[str, str]] = []
    for name in EVENT_FAMILIES:
        words.setdefault(stem(name), name)
    for name, phrase in EVENT_FAMILIES.items():
        for alt in phrase.split("|"):
            alt = alt.strip()
            if " " in alt:
                phrases.append((alt, name))
            elif alt.endswith("*"):
                prefixes.append((alt[:-1], name))
            else:
                words.setdefault(stem(alt), name)
    phrases.sort(key=lambda x: -len(x[0]))
    prefixes.sort(key=lambda x: -len(x[0]))
    return words, prefixes, phrases


_FAMILY_WORDS, _FAMILY_PREFIXES, _FAMILY_PHRASES = _family_index()


def event_family(event: str) -> str | None:
    """The family of an event's wording: a several-word wording it holds ("passed away" ->
    die), else its first word that is a family's ("was murdered" -> murder, "became General
    Secretary" -> become, "passed the Testament" -> give); None when none is."""
    words = re.findall(r"[A-Za-z]+", event.lower())
    text = " " + " ".join(words) + " "
    for phrase, family in _FAMILY_PHRASES:
        if " " + phrase + " " in text:
            return family
    for word in words:
        family = _FAMILY_WORDS.get(stem(word))
        if family is None:
            family = next((f for p, f in _FAMILY_PREFIXES if word.startswith(p)), None)
        if family is not None:
            return family
    return None


def event_wordings(fact: dict[str, Any]) -> str | None:
    """The cue phrase of a fact's event: its family's wordings and its own `wordings`; the
    event's words themselves when it has no family; None when the fact names no event."""
    event = fact.get("event")
    own = fact.get("wordings")
    if not event:
        return own or None
    family = event_family(event)
    base = EVENT_FAMILIES[family] if family else _plain(event)
    return _join(base, own)


def _plain(text: str) -> str:
    """Words of a plain event without auxiliaries, as one cue alternative."""
    words = [w for w in re.findall(r"[A-Za-z@_'’-]+", text)
             if w.lower() not in ("was", "were", "is", "are", "be", "been", "had", "has")]
    return " ".join(words) or text


def _join(*phrases: str | None) -> str:
    seen: list[str] = []
    for p in phrases:
        for alt in (p or "").split("|"):
            alt = alt.strip()
            if alt and alt not in seen:
                seen.append(alt)
    return "|".join(seen)


def parse_when(text: str) -> tuple[list[int], int | None, str, int | None]:
    """`when` as (right years, month or None, how to write it, day or None): "1924",
    "January 1924", "1 December 1934", "1924-1925", "1924 or 1925". ValueError for anything
    else."""
    t = str(text).strip()
    m = _RANGE.match(t)
    if m:
        a, b = int(m.group(1)), m.group(2)
        end = int(b) if len(b) == 4 else int(str(a)[: 4 - len(b)] + b)
        if not a <= end <= a + 50:
            raise ValueError("a range of years runs from the earlier to the later, 50 at most")
        return list(range(a, end + 1)), None, t, None
    years: list[int] = []
    months: list[int] = []
    days: list[int] = []
    for raw in t.replace(",", " ").split():
        w = raw.lower().rstrip(".")
        if w.isdigit() and len(w) in (3, 4):
            years.append(int(w))
        elif re.fullmatch(r"\d{1,2}(?:st|nd|rd|th)?", w) and int(w.rstrip("stndrh")) <= 31:
            days.append(int(w.rstrip("stndrh")))
        elif len(w) >= 3 and any(name.startswith(w) for name in MONTHS):
            months.append(next(n for name, n in MONTHS.items() if name.startswith(w)))
        elif w not in ("or", "and", "in", "on", "the", "of"):
            years = []
            break
    if not years or len(months) > 1 or (months and len(years) > 1) or len(days) > 1 or (
            days and not months):
        raise ValueError("write a year (1924), a month and year (January 1924), a day, month "
                         "and year (1 December 1934), a range (1924-1925) or years joined "
                         "by 'or' (1924 or 1925)")
    return sorted(set(years)), (months[0] if months else None), t, (days[0] if days else None)


def _names(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else list(value)


def _ids(refs: list[str]) -> list[str]:
    return [r.lstrip("@") for r in refs]


def subject_phrase(fact: dict[str, Any]) -> str | None:
    """What a fact's event is, as a cue phrase for telling events apart in an order check:
    the event with its thing ("became @general_secretary"), or the one named alone."""
    what, wordings = fact.get("what"), event_wordings(fact)
    if what and wordings:
        combos: list[str] = []
        for w in what.split("|"):
            for e in wordings.split("|"):
                # "lowered the first lifeboat", "the first lifeboat was lowered" (not "the
                # General Secretary made …": there the thing acts)
                combos += [f"{e} {w}", f"{w} was {e}", f"{w} were {e}"]
        return "|".join(dict.fromkeys(c.strip() for c in combos[:MAX_ORDER_WORDINGS]))
    return what or wordings


def structured_checks(fact: dict[str, Any], kinds: dict[str, str],
                      phrases: dict[str, str | None],
                      statements: dict[str, str] | None = None,
                      ) -> tuple[list[dict], list[tuple[str, str]]]:
    """The checks a fact's data implies, as raw check mappings (FactCheckSchema fills the
    defaults), and the problems found, as (key, message). `kinds` maps lexicon ids to
    person/place/term; `phrases` maps every fact id to its subject_phrase, `statements` to
    its statement (an order flag's correction tells both facts)."""
    problems: list[tuple[str, str]] = []
    checks: list[dict] = []
    for key in ("who", "by", "whose", "members", "held_by", "where"):
        for ref in _names(fact.get(key)):
            eid = ref.lstrip("@")
            want = "place" if key == "where" else "person"
            if not ref.startswith("@") or eid not in kinds:
                problems.append((key, f"{ref!r} is not a lexicon entry: write @id"))
            elif kinds[eid] != want and key != "who":
                problems.append((key, f"{ref} is a {kinds[eid]}; {key} takes "
                                      f"{'places' if want == 'place' else 'people'}"))
    if problems:
        return [], problems
    what = fact.get("what")
    wordings = event_wordings(fact)
    people = [r for r in _names(fact.get("who")) if kinds.get(r.lstrip("@")) == "person"]
    base: dict[str, Any] = {}
    if fact.get("unless"):
        base["unless"] = fact["unless"]
    if fact.get("context"):
        base["context"] = fact["context"]
    if fact.get("when") is not None:
        try:
            years, month, shown, day = parse_when(fact["when"])
        except ValueError as exc:
            problems.append(("when", str(exc)))
        else:
            if not (what or wordings):
                problems.append(("when", "a date needs the event (event:) or the thing it "
                                         "is about (what:)"))
            else:
                check = {**base, "type": "date", "trigger": what or wordings,
                         "verbs": wordings if what and fact.get("event") else None,
                         "years": years, "expected": shown}
                if month:
                    check["month"] = month
                if day:
                    check["day"] = day
                if people:
                    check["who"] = people
                checks.append(check)
                if what and event_family(fact.get("event") or "") in STATE_FAMILIES:
                    # "had been General Secretary since 1917": the state began that year
                    checks.append({**check, "verbs": "since", "role": "since"})
    if fact.get("where"):
        if not wordings:
            problems.append(("where", "a place needs the event (event:) that happened there"))
        else:
            where = fact["where"]
            check = {**base, "type": "place", "trigger": wordings, "right": [where]}
            if people:
                check["who"] = people
            checks.append(check)
    for key, role in (("by", "agent"), ("whose", "owner")):
        refs = _names(fact.get(key))
        if not refs:
            continue
        if not what:
            problems.append((key, f"{key} needs the thing done (what:), such as a policy, "
                                  "a document or an office"))
            continue
        if role == "owner" and not fact.get("event"):
            verbs: str | None = _join(OWNER_WORDINGS, fact.get("wordings"))
        else:
            verbs = wordings
        if verbs is None:
            problems.append((key, "by needs the event (event:): who did what to it"))
            continue
        checks.append({**base, "type": "person", "role": role, "trigger": what,
                       "verbs": verbs, "right": refs})
    if fact.get("held_by"):
        if not what:
            problems.append(("held_by", "held_by needs the office or role (what:)"))
        else:
            checks.append({**base, "type": "person", "role": "holder", "trigger": what,
                           "right": _names(fact["held_by"])})
    if fact.get("members"):
        if not what:
            problems.append(("members", "members need the group (what:)"))
        else:
            checks.append({**base, "type": "members", "trigger": what,
                           "right": _names(fact["members"])})
    if fact.get("how_many") is not None:
        trigger = what or wordings
        if not trigger:
            problems.append(("how_many", "a number needs the event or the thing counted"))
        else:
            spec = fact["how_many"]
            check = {**base, "type": "number", "trigger": trigger}
            check.update(spec)
            checks.append(check)
    if fact.get("time"):
        times = parse_clock(fact["time"])
        trigger = what or wordings
        if not 1 <= len(times) <= 2 or times[0] > times[-1]:
            problems.append(("time", "write a time of day with am or pm (11:40 pm), or two "
                                     "(2:05 am to 2:20 am), the earlier first"))
        elif not trigger:
            problems.append(("time", "a time needs the event (event:) or the thing (what:)"))
        else:
            checks.append({**base, "type": "number", "trigger": trigger, "unit": "clock",
                           "range": [times[0], times[-1]], "expected": fact["time"]})
    if fact.get("happened") is not None:
        if not wordings:
            problems.append(("happened", "happened needs the event (event:)"))
        else:
            check = {**base, "type": "polarity", "trigger": wordings,
                     "expect": bool(fact["happened"])}
            if what:
                check["context"] = _join(what, fact.get("context")) if fact.get("context") \
                    else what
            if people:
                check["who"] = people
            checks.append(check)
    for other in _names(fact.get("before")):
        mine, theirs = phrases.get(fact["id"]), phrases.get(other)
        if other not in phrases:
            problems.append(("before", f"no fact {other!r} in this fact sheet"))
        elif not mine or not theirs:
            problems.append(("before", "an order needs the event (event: or what:) of both "
                                       "facts"))
        else:
            order = {**base, "type": "order", "trigger": mine, "later": theirs}
            if fact.get("when") is not None:
                try:
                    order["years"] = parse_when(fact["when"])[0]
                except ValueError:
                    pass  # reported at `when`
            if statements and statements.get(other):
                order["statement"] = f"{fact['statement']}; {statements[other]}"
            checks.append(order)
    return checks, problems


def derived_right(fact: dict[str, Any], names: dict[str, str]) -> str:
    """What is right, in a few words, for a fact that does not say (`right:`): its date, its
    place, or the people it names as doers, owners or members. `names` maps lexicon ids to
    the names shown."""
    parts: list[str] = []
    for key in ("by", "whose", "members", "held_by"):
        people = [names.get(r.lstrip("@"), r.lstrip("@")) for r in _names(fact.get(key))]
        if people:
            parts.append(", ".join(people[:-1]) + " and " + people[-1] if len(people) > 1
                         else people[0])
    if fact.get("where"):
        parts.append(names.get(fact["where"].lstrip("@"), fact["where"].lstrip("@")))
    if fact.get("when") is not None:
        parts.append(str(fact["when"]))
    if fact.get("time"):
        parts.append(str(fact["time"]))
    return ", ".join(parts)
