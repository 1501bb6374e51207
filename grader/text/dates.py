"""Year and date mentions: exact years, year ranges and vague decades."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from .numbers import COUNT_NOUNS, MEASURE_NOUNS, TIME_NOUNS, TIME_WORDS_BEFORE

# a four-digit figure followed by one of these counts or measures something ("1000 MW")
_FIGURE_NOUNS: Final = COUNT_NOUNS | (MEASURE_NOUNS - TIME_NOUNS)

MONTHS: Final = {
    m: i + 1
    for i, m in enumerate(
        "january february march april may june july august september october november december"
        .split()
    )
}

MONTH_TITLES: Final = {v: k.capitalize() for k, v in MONTHS.items()}

_YEAR: Final = re.compile(
    r"^(1[0-9]{3}|20[0-9]{2})(?:\s*[-–/]\s*([0-9]{2}|1[0-9]{3}|20[0-9]{2}))?$")
_DECADE: Final = re.compile(r"^(1[0-9]{2}0|20[0-9]0)'?s$")


@dataclass(slots=True)
class YearMention:
    """A year, range or decade named in the text, with the tokens it covers."""

    first: int
    last: int
    start: int
    end: int
    token: int
    month: int | None = None
    vague: bool = False
    day: int | None = None  # the day of the month, when the essay gives one with the month
    yearless: bool = False  # a day and month with no year ("on 12 September"): first is 0

    @property
    def text_value(self) -> str:
        if self.yearless:
            return f"{self.day} {MONTH_TITLES[self.month or 1]}"
        if self.vague:
            return f"{self.first}s"
        return str(self.first) if self.first == self.last else f"{self.first}-{self.last}"

    def overlaps(self, years: frozenset[int]) -> bool:
        return any(self.first <= y <= self.last for y in years)

    def within(self, years: frozenset[int]) -> bool:
        return all(y in years for y in range(self.first, self.last + 1))


def parse_year_token(text: str) -> tuple[int, int, bool] | None:
    """Return (first, last, vague) for '1924', '1936-38', '1922–1923', '1920s'; else None."""
    m = _YEAR.match(text)
    if m:
        first = int(m.group(1))
        if m.group(2) is None:
            return first, first, False
        tail = m.group(2)
        last = int(str(first)[:2] + tail) if len(tail) == 2 else int(tail)
        if last < first or last - first > 20:
            return None
        return first, last, False
    m = _DECADE.match(text)
    if m and m.group(1) != "1000":  # "1000s" is thousands of something, not a decade
        first = int(m.group(1))
        return first, first + 9, True
    return None


# A year in words: a century word, then its tens ("nineteen twenty-five", "nineteen twenty
# five", "nineteen fifteen", "sixteen sixty-six") or a decade ("the nineteen twenties").
CENTURY_WORDS: Final = {"sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_UNITS: Final = {w: i + 1 for i, w in enumerate(
    "one two three four five six seven eight nine".split())}
_TEENS: Final = {w: i + 10 for i, w in enumerate(
    "ten eleven twelve thirteen fourteen fifteen sixteen seventeen eighteen nineteen".split())}
_TENS: Final = {w: (i + 2) * 10 for i, w in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}
_DECADES: Final = {w: (i + 2) * 10 for i, w in enumerate(
    "twenties thirties forties fifties sixties seventies eighties nineties".split())}


def year_in_words(tokens, i: int) -> tuple[int, int, bool, int] | None:
    """(first, last, vague, tokens used) for a year written in words starting at tokens[i]
    ("nineteen twenty-five" -> 1925, "nineteen twenties" -> 1920-1929); None otherwise."""
    century = CENTURY_WORDS.get(tokens[i].norm)
    if century is None or i + 1 >= len(tokens):
        return None
    nxt = tokens[i + 1].norm
    if nxt in _DECADES:
        first = century * 100 + _DECADES[nxt]
        return first, first + 9, True, 2
    if nxt in _TEENS:
        return century * 100 + _TEENS[nxt], century * 100 + _TEENS[nxt], False, 2
    head, _, tail = nxt.partition("-")
    if head not in _TENS:
        return None
    year = century * 100 + _TENS[head]
    if tail:
        if tail not in _UNITS:
            return None
        year += _UNITS[tail]
        return year, year, False, 2
    if i + 2 < len(tokens) and tokens[i + 2].norm in _UNITS:
        year += _UNITS[tokens[i + 2].norm]
        return year, year, False, 3
    return year, year, False, 2


def find_years(tokens) -> list[YearMention]:
    """Find year mentions in a token list (joins '1936 - 38' and "1920 's"; reads years in
    words, "nineteen twenty-five")."""
    out: list[YearMention] = []
    n = len(tokens)
    i = 0
    while i < n:
        tok = tokens[i]
        parsed = parse_year_token(tok.text) if tok.text[:1].isdigit() else None
        end_tok = tok
        if parsed is None and tok.norm in CENTURY_WORDS:
            words = year_in_words(tokens, i)
            if words is not None and not _counts_something(tokens, i + words[3] - 1):
                end_tok = tokens[i + words[3] - 1]
                month, day = _month_before(tokens, tok.index - tokens[0].index)
                out.append(YearMention(words[0], words[1], tok.start, end_tok.end, tok.index,
                                       month, words[2], day))
                i += words[3]
                continue
        if parsed and _counts_something(tokens, i):
            parsed = None  # "1517 people died": a head-count, not a year
        if parsed and not parsed[2] and parsed[0] == parsed[1] and i + 2 < n:
            dash, nxt = tokens[i + 1], tokens[i + 2]
            if dash.text in "-–" and dash.start == tok.end and nxt.start == dash.end:
                joined = parse_year_token(f"{tok.text}-{nxt.text}")
                if joined:
                    parsed, end_tok = joined, nxt
                    i += 2
        if parsed and i + 1 < n and tokens[i + 1].text in ("s", "'s") and parsed[0] % 10 == 0:
            parsed, end_tok = (parsed[0], parsed[0] + 9, True), tokens[i + 1]
            i += 1
        if parsed:
            month, day = _month_before(tokens, tok.index - tokens[0].index)
            out.append(YearMention(parsed[0], parsed[1], tok.start, end_tok.end, tok.index,
                                   month, parsed[2], day))
        i += 1
    return out


def _counts_something(tokens, i: int) -> bool:
    """A four-digit number followed by a counted or measured noun with no time word before
    it ("1517 people died", "1000 MW"; not "in 1929 banks failed"): grader.text.numbers
    reads it as a figure."""
    if i + 1 >= len(tokens) or tokens[i + 1].norm not in _FIGURE_NOUNS:
        return False
    return i == 0 or tokens[i - 1].norm not in TIME_WORDS_BEFORE


def _month_before(tokens, i: int) -> tuple[int | None, int | None]:
    """The month and day before a year: 'January 1924' (1, None); '21st of January 1924',
    '1 December 1934', 'December 1, 1934', 'December 1st 1934' (month, day)."""
    for j in (i - 1, i - 2, i - 3):
        if j < 0 or tokens[j].norm not in MONTHS:
            continue
        between = [t.text for t in tokens[j + 1:i]]
        if j == i - 3 and not (len(between) == 2 and _day(between[0]) and between[1] == ","):
            continue
        if j == i - 2 and not (between[0] == "," or _day(between[0])):
            continue
        month = MONTHS[tokens[j].norm]
        day = _day(between[0]) if between else None
        if day is None and j >= 1:
            day = _day(tokens[j - 1].text)  # "1 December", "1st December"
            if day is None and j >= 2 and tokens[j - 1].norm == "of":
                day = _day(tokens[j - 2].text)  # "the 1st of December"
        return month, day
    return None, None


_DAY: Final = re.compile(r"^([0-3]?\d)(?:st|nd|rd|th)?$", re.IGNORECASE)


def _day(text: str) -> int | None:
    """'1', '01', '21st', '3rd' -> the day of the month; None for anything else."""
    m = _DAY.match(text)
    if m is None:
        return None
    day = int(m.group(1))
    return day if 1 <= day <= 31 else None


def find_yearless_dates(tokens, years: list[YearMention],
                        months: list[int] | None = None) -> list[YearMention]:
    """Days of a month named with no year ("on Sunday 12th September", "the 2nd of
    September", "September 2nd"), as yearless mentions (first = last = 0) starting at the
    day's token; a day and month that a year follows are part of that year's mention.
    `months`: the places of the month names among `tokens` (ascending), when known."""
    dated = {y.token for y in years}
    out: list[YearMention] = []
    n = len(tokens)
    for i in (range(n) if months is None else months):
        month = MONTHS.get(tokens[i].norm)
        if month is None or (tokens[i].norm in ("may", "march")
                             and not tokens[i].text[:1].isupper()):
            continue  # "they may 5 times" names no month
        nxt = i + 1
        if nxt < n and tokens[nxt].text == ",":
            nxt += 1
        after = i + 1
        day = None
        first = last = i
        # "12 September", "12th of September"
        if i >= 1 and _day(tokens[i - 1].text):
            day, first = _day(tokens[i - 1].text), i - 1
        elif i >= 2 and tokens[i - 1].norm == "of" and _day(tokens[i - 2].text):
            day, first = _day(tokens[i - 2].text), i - 2
        elif after < n and _day(tokens[after].text):  # "September 12th"
            day, last = _day(tokens[after].text), after
            nxt = after + 1
            if nxt < n and tokens[nxt].text == ",":
                nxt += 1
        if day is None:
            continue
        if nxt < n and (tokens[nxt].index in dated or tokens[nxt].text[:1].isdigit()):
            continue  # a year follows: the year's mention holds the day
        out.append(YearMention(0, 0, tokens[first].start, tokens[last].end, tokens[first].index,
                               month, False, day, True))
    return out
