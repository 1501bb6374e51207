"""Quantities stated in an essay: numbers in figures or words, with scale, unit and hedge.

"9,000 banks", "1.3 million", "25%", "25 per cent", "a quarter", "one in four", "twelve
million", "fifteen hundred", "$30 billion", "nearly 9,000", "over half", "from 381 to 41".
Each quantity keeps its [start, end) span in the text as submitted. Years are not
quantities (grader.text.dates reads them), except a four-digit number that counts something
("1517 people died"): that is a quantity and not a year.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass
from typing import Final

# a number in figures: 9,000 / 9000 / 1.3 / 12,000,000 / -2 (a minus sign is kept)
_FIGURES: Final = re.compile(
    r"(?<![\w.,])([-−]?)(?:([$£€])\s?)?(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\w,]\d)")
_SCALE: Final = {"hundred": 100.0, "thousand": 1e3, "million": 1e6, "billion": 1e9,
                 "bn": 1e9, "m": 1e6, "k": 1e3, "trillion": 1e12}
_WORD_UNITS: Final = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
    "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
    "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18,
    "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90}
_FRACTIONS: Final = {"half": 0.5, "halves": 0.5, "third": 1 / 3, "thirds": 1 / 3,
                     "quarter": 0.25, "quarters": 0.25, "fifth": 0.2, "fifths": 0.2,
                     "tenth": 0.1, "tenths": 0.1}
_WORDS: Final = re.compile(
    r"(?<![\w-])((?:(?:" + "|".join(sorted(_WORD_UNITS, key=len, reverse=True))
    + r"|a|an|hundred|thousand|million|billion)\b(?:[\s-]+(?:and\s+)?)?)+)"
    r"(?:(half|halves|thirds?|quarters?|fifths?|tenths?)\b)?", re.IGNORECASE)
_HALF: Final = re.compile(r"\b(?:over|nearly|almost|about|around|more\s+than|less\s+than|"
                          r"under|just\s+over|just\s+under)\s+(half)\b", re.IGNORECASE)
_ONE_IN: Final = re.compile(r"\b(one|1)\s+(?:in|out\s+of)\s+(\w+)\b", re.IGNORECASE)
_PERCENT: Final = re.compile(r"\s?(%|per\s?cent\b|percent\b)", re.IGNORECASE)
_MONEY_WORDS: Final = re.compile(r"\s?(dollars?|pounds?|euros?)\b", re.IGNORECASE)
_SCALE_AFTER: Final = re.compile(r"\s?(hundred|thousand|million|billion|trillion|bn|m|k)\b",
                                 re.IGNORECASE)
_HEDGES: Final = {
    "about": "about", "around": "about", "roughly": "about", "approximately": "about",
    "some": "about", "c": "about", "circa": "about", "nearly": "nearly", "almost": "nearly",
    "just under": "nearly", "under": "below", "less than": "below", "fewer than": "below",
    "up to": "below", "over": "above", "more than": "above", "above": "above",
    "at least": "above", "just over": "just over", "upwards of": "above"}
_HEDGE_BEFORE: Final = re.compile(
    r"\b(" + "|".join(sorted((h.replace(" ", r"\s+") for h in _HEDGES), key=len, reverse=True))
    + r")\.?\s+$", re.IGNORECASE)
# A four-digit figure followed by one of these counts something ("1517 people"), unless a
# time word comes before it ("in 1929 banks failed"): grader.text.dates leaves it out too.
COUNT_NOUNS: Final = frozenset(
    "people men women children soldiers troops workers passengers lives deaths dead killed "
    "casualties banks companies firms ships planes aircraft tons tonnes votes seats members "
    "prisoners veterans families farms farmers miles km kilometres kilometers feet metres "
    "meters knots mph".split())
TIME_WORDS_BEFORE: Final = frozenset(
    "in by during since until till from to of after before around circa c the early late mid "
    "year".split())
_NEXT_WORD: Final = re.compile(r"\s+([A-Za-z]+)")
_NOUN_AFTER: Final = re.compile(r"(?:\s+|-)([A-Za-z]+)")
_WORD_BEFORE: Final = re.compile(r"([A-Za-z]+)\.?\s+$")


@dataclass(slots=True)
class Quantity:
    """A number stated in the text: `value` in plain units (a percentage as 25.0, a fraction
    as a percentage too), up to `high` for a range ("12-13 million"); `unit` one of
    "count", "percent", "money", or "clock" (a time of day, in minutes after midnight, with
    `alt` the other 12-hour reading when no am or pm is given); `hedge` "about", "above"
    (over, more than, after), "just over", "below" (under, less than, before), "nearly"
    (nearly, almost, just before) or "" (exact); `start` and `end` its span including hedge,
    scale and unit words; `noun` the word after it; `scale` the scale word's factor (1
    without one)."""

    value: float
    unit: str
    hedge: str
    start: int
    end: int
    noun: str = ""
    high: float = float("nan")
    scale: float = 1.0
    noun_end: int = -1  # where `noun` ends
    alt: float = float("nan")  # a time of day without am/pm: the other 12-hour reading

    def in_unit(self, unit: str) -> Quantity | None:
        """This quantity as a length of time in `unit` ("minutes" … "years"), when it is
        one ("three years" in months: 36); None otherwise."""
        per = TIME_UNITS.get(self.noun)
        if per is None or self.unit != "count":
            return None
        k = per / TIME_UNITS[unit]
        high = self.high * k if self.high == self.high else self.high
        return Quantity(self.value * k, unit, self.hedge, self.start, self.noun_end,
                        self.noun, high, self.scale, self.noun_end)

    def top(self) -> float:
        return self.value if self.high != self.high else self.high  # nan: no range

    def agrees(self, low: float, high: float) -> bool:
        """Whether what the essay says can be true when the true value is in [low, high]."""
        if self.unit == "clock":
            readings = [self.value] if self.alt != self.alt else [self.value, self.alt]
            return any(_clock_agrees(v, self.hedge, low, high) for v in readings)
        a, b = self.value, self.top()
        if self.hedge == "above":
            return high >= a * 0.95
        if self.hedge == "just over":
            return high >= a * 0.95 and low <= b * 1.25
        if self.hedge == "below":
            return low <= b * 1.05
        if self.hedge == "nearly":
            return low <= b * 1.05 and high >= a * 0.8
        if self.hedge == "about":
            return low * 0.9 <= b and a <= high * 1.1
        return low <= b and a <= high


def _words_value(words: str) -> float | None:
    """'twelve million' 12e6, 'fifteen hundred' 1500, 'two hundred and fifty' 250, 'a
    hundred' 100; None for words that are not a number ('a', 'one' alone is 1)."""
    total = current = 0.0
    seen = False
    for w in re.split(r"[\s-]+", words.lower()):
        if not w or w == "and":
            continue
        if w in ("a", "an"):  # "a hundred", "a million": the scale word counts it
            if seen:
                return None
            continue
        if w in _WORD_UNITS:
            current += _WORD_UNITS[w]
            seen = True
        elif w == "hundred":
            current = (current or 1.0) * 100
            seen = True
        elif w in ("thousand", "million", "billion"):
            total += (current or 1.0) * _SCALE[w]
            current = 0.0
            seen = True
        else:
            return None
    return total + current if seen else None


DAY_MINUTES: Final = 1440
# A time of day said exactly is right within this many minutes of the fact's; "about",
# "around", "just before", "just after" within CLOCK_ABOUT.
CLOCK_EXACT: Final = 5
CLOCK_ABOUT: Final = 20


def _clock_agrees(v: float, hedge: str, low: float, high: float) -> bool:
    """A time of day `v` (minutes after midnight) against the right times [low, high]; the
    distance goes round midnight (23:55 is 10 minutes from 00:05)."""
    if hedge == "above":  # "after 2 am": right when the true time is later
        return _minutes_between(v, high) <= 12 * 60 and (high - v) % DAY_MINUTES <= 12 * 60
    if hedge == "below":  # "before midnight": right when the true time is earlier
        return (v - low) % DAY_MINUTES <= 12 * 60
    near = CLOCK_ABOUT if hedge in ("about", "nearly", "just over") else CLOCK_EXACT
    if low <= v <= high:
        return True
    return min(_minutes_between(v, low), _minutes_between(v, high)) <= near


def clock_text(minutes: float) -> str:
    """A time of day for people: 1420 -> '11:40 pm', 0 -> '12:00 am'."""
    m = int(round(minutes)) % DAY_MINUTES
    hour, minute = divmod(m, 60)
    return f"{(hour % 12) or 12}:{minute:02d} {'am' if hour < 12 else 'pm'}"


def parse_clock(text: str) -> list[float]:
    """The times of day written in `text`, in minutes after midnight ('11:40 pm' -> [1420.0],
    '2:05 am to 2:20 am' -> [125.0, 140.0]); a time without am/pm is read as written (0-23
    hours)."""
    return [value for _, _, value, _ in _clock_times(text)]


def _minutes_between(a: float, b: float) -> float:
    d = abs(a - b) % DAY_MINUTES
    return min(d, DAY_MINUTES - d)


_HOUR_WORDS: Final = {w: n for w, n in _WORD_UNITS.items() if 1 <= n <= 12}
_HOUR: Final = r"(1[0-2]|0?[1-9]|" + "|".join(sorted(_HOUR_WORDS, key=len, reverse=True)) + ")"
_PERIOD: Final = (r"(?:\s*(a\.?\s?m\b|p\.?\s?m\b)|\s+(in\s+the\s+morning|at\s+night|"
                  r"in\s+the\s+(?:evening|afternoon)))?")
# 11:40 pm, 23:40, 2.20am, 11.40 p.m. (a full stop only with am/pm, or after "at")
_CLOCK_DIGITS: Final = re.compile(r"(?<![\w.,:])([01]?\d|2[0-3])([:.])([0-5]\d)(?![\d%]|[.,]\d)"
                                  + _PERIOD, re.IGNORECASE)
# 2am, 11 p.m., two o'clock, 2 o'clock in the morning
_CLOCK_HOUR: Final = re.compile(r"(?<![\w.,:])" + _HOUR + r"(?:\s?(a\.?\s?m\b|p\.?\s?m\b)"
                                r"|\s+o['’]?\s?clock\b" + _PERIOD + ")", re.IGNORECASE)
# twenty to twelve, a quarter past two, half past one, ten after two
_CLOCK_WORDS: Final = re.compile(
    r"\b(five|ten|(?:a\s+)?quarter|twenty(?:[\s-]five)?|half)\s+(past|after|to)\s+"
    + _HOUR + r"\b" + _PERIOD, re.IGNORECASE)
_MIDNIGHT: Final = re.compile(r"\b(midnight|noon|midday)\b", re.IGNORECASE)
_CLOCK_HEDGE: Final = re.compile(
    r"\b(just\s+before|just\s+after|shortly\s+before|shortly\s+after|before|after|about|"
    r"around|roughly|approximately|nearly|almost|some\s+time\s+after)\s+(?:at\s+)?$",
    re.IGNORECASE)
_CLOCK_HEDGES: Final = {"just before": "nearly", "shortly before": "nearly", "before": "below",
                        "just after": "just over", "shortly after": "just over",
                        "after": "above", "some time after": "above", "about": "about",
                        "around": "about", "roughly": "about", "approximately": "about",
                        "nearly": "nearly", "almost": "nearly"}
_MINUTE_WORDS: Final = {"five": 5, "ten": 10, "quarter": 15, "a quarter": 15, "twenty": 20,
                        "twenty five": 25, "twenty-five": 25, "half": 30}


def _hour_value(word: str) -> int:
    return int(word) if word.isdigit() else _HOUR_WORDS[word.lower()]


def _clock_value(hour: int, minute: int, period: str | None) -> tuple[float, float]:
    """Minutes after midnight, and the other 12-hour reading (nan when am/pm is known)."""
    p = (period or "").lower().replace(".", "").replace(" ", "")
    if p in ("am", "inthemorning") or (p == "atnight" and (hour < 6 or hour == 12)):
        return float((hour % 12) * 60 + minute), float("nan")
    if p in ("pm", "intheevening", "intheafternoon", "atnight"):
        return float((hour % 12 + 12) * 60 + minute), float("nan")
    value = float(hour * 60 + minute)
    if 1 <= hour <= 12:
        return value % DAY_MINUTES, (value + 720) % DAY_MINUTES
    return value, float("nan")


def _clock_times(text: str) -> list[tuple[int, int, float, float]]:
    """(start, end, minutes after midnight, other reading) of every time of day."""
    out: list[tuple[int, int, float, float]] = []
    for m in _CLOCK_DIGITS.finditer(text):
        period = m.group(4) or m.group(5)
        if m.group(2) == "." and period is None:
            before = _WORD_BEFORE.search(text, max(0, m.start() - 12), m.start())
            nxt = _NEXT_WORD.match(text, m.end())
            if before is None or before.group(1).lower() != "at" or (
                    nxt is not None and nxt.group(1).lower() in MEASURE_NOUNS | set(_SCALE)):
                continue  # "2.20" is a decimal unless it is "at 2.20" or "2.20 pm"
        value, alt = _clock_value(int(m.group(1)), int(m.group(3)), period)
        out.append((m.start(), m.end(), value, alt))
    for m in _CLOCK_HOUR.finditer(text):
        period = m.group(2) or m.group(3) or m.group(4)
        value, alt = _clock_value(_hour_value(m.group(1)), 0, period)
        out.append((m.start(), m.end(), value, alt))
    for m in _CLOCK_WORDS.finditer(text):
        minutes = _MINUTE_WORDS[re.sub(r"\s+", " ", m.group(1).lower())]
        hour = _hour_value(m.group(3))
        if m.group(2).lower() == "to":
            hour, minutes = (hour - 1) or 12, 60 - minutes
        value, alt = _clock_value(hour, minutes, m.group(4) or m.group(5))
        out.append((m.start(), m.end(), value, alt))
    for m in _MIDNIGHT.finditer(text):
        out.append((m.start(), m.end(), 0.0 if m.group(1).lower() == "midnight" else 720.0,
                    float("nan")))
    out.sort()
    kept: list[tuple[int, int, float, float]] = []
    for t in out:  # the longest reading of overlapping ones ("twenty to twelve at night")
        if kept and t[0] < kept[-1][1]:
            if t[1] - t[0] > kept[-1][1] - kept[-1][0]:
                kept[-1] = t
            continue
        kept.append(t)
    return kept


# "two and a half hours", "2 and a half", "an hour and a half", "half an hour"
_AND_A_HALF: Final = re.compile(
    r"\b(\d+|" + "|".join(sorted(_WORD_UNITS, key=len, reverse=True))
    + r")[\s-]+and[\s-]+a[\s-]+half\b", re.IGNORECASE)
_HOUR_AND_A_HALF: Final = re.compile(r"\ban?\s+(hour|day|week|month|year)\s+and\s+a\s+half\b",
                                     re.IGNORECASE)
_DIGIT_WORDS: Final = "zero|one|two|three|four|five|six|seven|eight|nine"
_POINT: Final = re.compile(
    r"\b((?:" + "|".join(sorted(_WORD_UNITS, key=len, reverse=True)) + r")(?:[\s-]+(?:"
    + _DIGIT_WORDS + r"))?)\s+point\s+((?:" + _DIGIT_WORDS + r")(?:\s+(?:" + _DIGIT_WORDS
    + r"))*)\b", re.IGNORECASE)
_HALF_AN: Final = re.compile(r"\bhalf\s+an?\s+(hour|day|week|month|year)\b", re.IGNORECASE)


# Nouns that make a quantity a measure (of distance, time, weight, speed), not a head-count
MEASURE_NOUNS: Final = frozenset(
    "miles mile km kilometres kilometers kilometre kilometer metres meters metre meter feet "
    "foot yards inches tons tonnes ton tonne pounds kg kilograms knots mph kph days day weeks "
    "week months month years year hours hour minutes minute seconds second degrees acres "
    "hectares mw megawatts megawatt kw kilowatts gw".split())
# measure words that are units of time: "1929 days" is too rare to outweigh "in 1929 months"
TIME_NOUNS: Final = frozenset(
    "days day weeks week months month years year hours hour minutes minute seconds "
    "second".split())
# How long each time word is, in days: a duration check compares lengths in its own unit
TIME_UNITS: Final = {
    "second": 1 / 86400, "seconds": 1 / 86400,
    "minute": 1 / 1440, "minutes": 1 / 1440, "hour": 1 / 24, "hours": 1 / 24, "day": 1.0,
    "days": 1.0, "week": 7.0, "weeks": 7.0, "month": 30.4375, "months": 30.4375,
    "year": 365.25, "years": 365.25, "fortnight": 14.0, "fortnights": 14.0,
    "decade": 3652.5, "decades": 3652.5, "century": 36525.0, "centuries": 36525.0}
_MONTHS: Final = frozenset(
    "january february march april may june july august september october november december "
    "jan feb mar apr jun jul aug sep sept oct nov dec".split())
_ORDINAL: Final = re.compile(r"(st|nd|rd|th)\b", re.IGNORECASE)


_DAY_RANGE_AFTER: Final = re.compile(
    r"\s*(?:-|–|to\b|and\b)\s*\d{1,2}(?:st|nd|rd|th)?\s+([A-Za-z]+)", re.IGNORECASE)


def _is_day(text: str, start: int, end: int) -> bool:
    """'14 April', 'April 14', '24th': a day of the month, not a quantity."""
    if _ORDINAL.match(text, end):
        return True
    nxt = _NEXT_WORD.match(text, end)
    if nxt is not None and nxt.group(1).lower() in _MONTHS:
        return True
    rng = _DAY_RANGE_AFTER.match(text, end)  # "7-8 August", "7 and 8 August"
    if rng is not None and rng.group(1).lower() in _MONTHS:
        return True
    before = _WORD_BEFORE.search(text, max(0, start - 12), start)
    return before is not None and before.group(1).lower() in _MONTHS


# Nouns a number names one of, not counts: "Lifeboat 1", "boat 14", "No. 4", "Room 101"
LABEL_NOUNS: Final = frozenset(
    "boat lifeboat collapsible number no deck room cabin gate page chapter platform section "
    "article bay dock pier berth track bulkhead compartment stage phase".split())


def _is_label(text: str, start: int) -> bool:
    """A number right after a noun it names one of ("Lifeboat 1 had room for 40")."""
    before = _WORD_BEFORE.search(text, max(0, start - 16), start)
    return before is not None and before.group(1).lower() in LABEL_NOUNS


def _unit_after(text: str, at: int, unit: str) -> tuple[str, int]:
    """A percent sign or words, or a money word, right after a figure ending at `at`: the
    unit and where the quantity ends."""
    pm = _PERCENT.match(text, at)
    if pm:
        return "percent", pm.end()
    mm = _MONEY_WORDS.match(text, at)
    if mm:
        return "money", mm.end()
    return unit, at


# "a"/"an" and a unit of time after a word that makes it a length of time: one of the unit
_A_SPAN: Final = re.compile(
    r"\b(?:for|lasted|lasting|last|took|taking|take|than|within|about|around|roughly|nearly|"
    r"almost|over|only|just|under)\s+(an?\s+(minute|hour|day|week|fortnight|month|year|decade|"
    r"century))\b", re.IGNORECASE)


def counts_something(text: str, start: int, end: int) -> bool:
    """Whether the figure at [start, end) counts or measures something ("1517 people died",
    "1000 MW") rather than naming a year ("in 1929 banks failed", "1929 was the worst
    year")."""
    nxt = _NOUN_AFTER.match(text, end)
    if nxt is None or (nxt.group(1).lower() not in COUNT_NOUNS
                       and nxt.group(1).lower() not in MEASURE_NOUNS - TIME_NOUNS):
        return False
    before = _WORD_BEFORE.search(text, max(0, start - 12), start)
    return before is None or before.group(1).lower() not in TIME_WORDS_BEFORE


def find_quantities(text: str, years: list[tuple[int, int]] | None = None) -> list[Quantity]:
    """Every quantity in `text`, in text order; `years` are the spans of year mentions, which
    are left out unless they count something ("1517 people")."""
    found: list[Quantity] = []
    taken = bytearray(len(text) + 1)  # characters already read as part of a quantity
    year_spans = set(years or ())
    year_starts = sorted(years or ())  # (start, end) of each year mention, by start

    def free(a: int, b: int) -> bool:
        return not any(taken[a:b])

    def add(value: float, unit: str, a: int, b: int, scale: float = 1.0) -> None:
        hedge = ""
        m = _HEDGE_BEFORE.search(text, max(0, a - 20), a)
        if m:
            hedge = _HEDGES[re.sub(r"\s+", " ", m.group(1).lower())]
            a = m.start(1)
        nxt = _NOUN_AFTER.match(text, b)  # "9,000 people", "a 1,000-tonne lid"
        found.append(Quantity(value, unit, hedge, a, b, nxt.group(1).lower() if nxt else "",
                              scale=scale, noun_end=nxt.end() if nxt else b))
        taken[a:b] = b"\x01" * (b - a)

    def _add_scaled(value: float, a: int, b: int) -> None:
        """A number in words with a scale word after it ("... million") and its unit."""
        scale = 1.0
        sm = _SCALE_AFTER.match(text, b)
        if sm and sm.group(1).lower() in ("hundred", "thousand", "million", "billion",
                                          "trillion"):
            scale = _SCALE[sm.group(1).lower()]
            b = sm.end()
        unit, b = _unit_after(text, b, "count")
        add(value * scale, unit, a, b, scale)

    for a0, b0, value, alt in _clock_times(text):  # times of day first: "11:40 pm"
        if not free(a0, b0):
            continue
        hedge = ""
        hm = _CLOCK_HEDGE.search(text, max(0, a0 - 24), a0)
        if hm:
            hedge = _CLOCK_HEDGES[re.sub(r"\s+", " ", hm.group(1).lower())]
            a0 = hm.start(1)
        found.append(Quantity(value, "clock", hedge, a0, b0, alt=alt, noun_end=b0))
        taken[a0:b0] = b"\x01" * (b0 - a0)
    for m in _HOUR_AND_A_HALF.finditer(text):  # "an hour and a half": 1.5 hours
        if free(m.start(), m.end()):
            found.append(Quantity(1.5, "count", "", m.start(), m.end(), m.group(1).lower() + "s",
                                  noun_end=m.end()))
            taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    for m in _HALF_AN.finditer(text):  # "half an hour": 0.5 hours
        if free(m.start(), m.end()):
            found.append(Quantity(0.5, "count", "", m.start(), m.end(), m.group(1).lower() + "s",
                                  noun_end=m.end()))
            taken[m.start():m.end()] = b"\x01" * (m.end() - m.start())
    for m in _A_SPAN.finditer(text):  # "lasted a week", "for about a month": one
        a, b = m.start(1), m.end()
        if free(a, b):
            hedge = ""
            hm = _HEDGE_BEFORE.search(text, max(0, a - 20), a)
            if hm:
                hedge = _HEDGES[re.sub(r"\s+", " ", hm.group(1).lower())]
                a = hm.start(1)
            found.append(Quantity(1.0, "count", hedge, a, b, m.group(2).lower(), noun_end=b))
            taken[a:b] = b"\x01" * (b - a)
    for m in _AND_A_HALF.finditer(text):  # "two and a half hours": 2.5
        if free(m.start(), m.end()):
            head = m.group(1)
            n = float(head) if head.isdigit() else float(_WORD_UNITS[head.lower()])
            _add_scaled(n + 0.5, m.start(), m.end())
    for m in _POINT.finditer(text):  # "twelve point nine million": 12.9 million
        whole = _words_value(m.group(1))
        if whole is not None and free(m.start(), m.end()):
            tenths = "".join(str(_WORD_UNITS[w]) for w in m.group(2).lower().split())
            _add_scaled(whole + float("0." + tenths), m.start(), m.end())
    for m in _HALF.finditer(text):  # "over half": a percentage
        add(50.0, "percent", m.start(1), m.end(1))
    for m in _ONE_IN.finditer(text):  # "one in four": a percentage
        n = _words_value(m.group(2)) if not m.group(2).isdigit() else float(m.group(2))
        if n:
            add(100.0 / n, "percent", m.start(), m.end())
    for m in _FIGURES.finditer(text):
        a, b = m.start(), m.end()
        if not free(a, b):
            continue
        digits = m.group(3)
        if _is_day(text, a, m.end()) or _is_label(text, a) or text[m.end():m.end() + 1] == "s":
            continue  # a day, a label ("Lifeboat 1"), or a vague plural ("1000s", "100s")
        value = float(digits.replace(",", ""))
        unit = "money" if m.group(2) else "count"
        after = b
        scale = 1.0
        sm = _SCALE_AFTER.match(text, after)
        if sm:
            scale = _SCALE[sm.group(1).lower()]
            value *= scale
            after = sm.end()
        unit, after = _unit_after(text, after, unit)
        if m.group(1):
            value = -value
        if _inside_a_year(year_starts, m.start(3), m.end(3)) and (
                (m.start(3), m.end(3)) not in year_spans):
            continue  # the "33" of "1930-33"
        if (m.start(3), m.end(3)) in year_spans or (
                unit == "count" and not sm and "," not in digits and "." not in digits
                and 1000 <= value <= 2099):
            # a year, unless it counts something and no time word comes before it
            if not counts_something(text, a, b):
                continue
        add(value, unit, a, after, scale)
    for m in _WORDS.finditer(text):
        a, b = m.start(1), m.end()
        phrase = m.group(1).strip(" -")
        if not phrase or not free(a, b):
            continue
        frac = m.group(2)
        if frac:
            head = phrase
            n = _words_value(head) if head.lower() not in ("a", "an") else 1.0
            if n is None:
                continue
            add(100.0 * n * _FRACTIONS[frac.lower()], "percent", a, b)
            continue
        value = _words_value(phrase)
        first_word = re.split(r"[\s-]+", phrase.lower())[0]
        nxt_word = _NEXT_WORD.match(text, a + len(phrase))
        measured = nxt_word is not None and nxt_word.group(1).lower() in MEASURE_NOUNS
        if value is None or (phrase.lower() == "one" and not measured) or first_word in _SCALE:
            continue  # "one" is mostly a pronoun ("one year" is not); "the hundred years"
            # names something
        end = a + len(phrase)
        after = end
        last_word = re.split(r"[\s-]+", phrase.lower())[-1]
        scale = _SCALE[last_word] if last_word in ("thousand", "million", "billion") else 1.0
        unit, after = _unit_after(text, after, "count")
        add(value, unit, a, after, scale)
    found.sort(key=lambda q: q.start)
    return _ranges(text, _compound_times(text, _parts_of_wholes(text, found)))


# "of the", "out of all", "of the City's", "of its", "of London's": a part before its whole
_OF_THE: Final = re.compile(
    r"\s+(?:out\s+)?of\s+(?:the\s+|all\s+|its\s+|their\s+|his\s+|her\s+)?"
    r"(?:[A-Za-z]+(?:['’]s|s['’])\s+)?", re.IGNORECASE)


def _parts_of_wholes(text: str, found: list[Quantity]) -> list[Quantity]:
    """'30 of the 48 states', '705 out of 2,224 people', '87 of the City's 109 churches': the
    part is the claim, counting the whole's noun; the whole is left out (it is not what the
    sentence says happened)."""
    out: list[Quantity] = []
    for q in found:
        prev = out[-1] if out else None
        if (prev is not None and prev.unit == q.unit == "count" and prev.high != prev.high
                and q.high != q.high and _OF_THE.fullmatch(text, prev.end, q.start)):
            out[-1] = Quantity(prev.value, prev.unit, prev.hedge, prev.start, prev.end,
                               q.noun, prev.high, prev.scale, q.noun_end)
            continue
        out.append(q)
    return out


def _inside_a_year(spans: list[tuple[int, int]], a: int, b: int) -> bool:
    """Whether [a, b) lies inside a year mention (the end of a range: "1930-33")."""
    k = bisect_right(spans, (a, float("inf"))) - 1  # the last span starting at or before a
    return k >= 0 and spans[k][0] <= a and b <= spans[k][1]


def _compound_times(text: str, found: list[Quantity]) -> list[Quantity]:
    """'2 hours 40 minutes', 'two hours and forty minutes': one length of time, in the
    larger unit (2.67 hours)."""
    out: list[Quantity] = []
    for q in found:
        prev = out[-1] if out else None
        if (prev is not None and prev.unit == "count" and q.unit == "count"
                and prev.noun in TIME_UNITS and q.noun in TIME_UNITS
                and TIME_UNITS[q.noun] < TIME_UNITS[prev.noun]
                and prev.high != prev.high and q.high != q.high
                and re.fullmatch(r"[\s,]*(?:and\s+)?", text[prev.noun_end:q.start])):
            k = TIME_UNITS[q.noun] / TIME_UNITS[prev.noun]
            out[-1] = Quantity(prev.value + q.value * k, "count", prev.hedge, prev.start,
                               q.end, prev.noun, prev.high, prev.scale, q.noun_end)
            continue
        out.append(q)
    return out


_RANGE_LINK: Final = re.compile(r"\s*(?:-|–|—|to|and)\s*$", re.IGNORECASE)
_BETWEEN: Final = re.compile(r"\bbetween\s+$", re.IGNORECASE)


def _ranges(text: str, found: list[Quantity]) -> list[Quantity]:
    """'12-13 million', '12 to 13 million', 'between 12 and 13 million', '24–25%', '$25 to
    $30 billion': two figures joined into one range, the second's scale and unit shared."""
    out: list[Quantity] = []
    i = 0
    while i < len(found):
        q = found[i]
        if i + 1 < len(found):
            r = found[i + 1]
            link = text[q.end:r.start]
            if len(link) <= 5 and _RANGE_LINK.fullmatch(link) and (
                    link.strip().lower() != "and"
                    or _BETWEEN.search(text, max(0, q.start - 8), q.start)):
                value = q.value * r.scale if q.scale == 1.0 and r.scale != 1.0 else q.value
                unit = r.unit if q.unit == "count" else q.unit
                if value <= r.value and (unit == r.unit or r.unit == "count"):
                    out.append(Quantity(value, unit, q.hedge, q.start, r.end, r.noun, r.value,
                                        r.scale, r.noun_end))
                    i += 2
                    continue
        out.append(q)
        i += 1
    return out


__all__ = ["COUNT_NOUNS", "MEASURE_NOUNS", "TIME_UNITS", "Quantity", "clock_text",
           "counts_something", "find_quantities", "parse_clock"]
