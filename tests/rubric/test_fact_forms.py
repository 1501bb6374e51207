"""Facts written as data (who, event, what, when, where, by, whose, members, how many,
happened, before) make checks that flag what a hand-written check would, and bad data is
refused with the key named."""

from __future__ import annotations

import pytest

from grader import grade
from grader.rubric import RubricError, load_rubric, parse_rubric
from grader.rubric.fact_forms import event_family, parse_when

STALIN = load_rubric("stalin-rise").raw

# A small fact sheet of my own, in the data form only (no hand-written check).
FACTS = [
    {"id": "D1", "statement": "Lenin died in January 1924", "who": "@lenin", "event": "died",
     "when": "January 1924"},
    {"id": "D2", "statement": "Stalin became General Secretary in 1922", "who": "@stalin",
     "event": "was appointed", "what": "@general_secretary", "when": 1922, "before": "D1"},
    {"id": "D3", "statement": "Trotsky was killed in Mexico in 1940", "who": "@trotsky",
     "event": "was killed", "when": 1940, "where": "@mexico"},
    {"id": "D4", "statement": "Krupskaya gave the Testament to the party", "what": "@testament",
     "event": "handed over", "by": "@krupskaya"},
    {"id": "D5", "statement": "Permanent Revolution was Trotsky's idea",
     "what": "@permanent_revolution", "whose": "@trotsky"},
    {"id": "D6", "statement": "The troika was Stalin, Zinoviev and Kamenev", "what": "troika",
     "members": ["@stalin", "@zinoviev", "@kamenev"]},
    {"id": "D7", "statement": "Trotsky did not go to Lenin's funeral", "who": "@trotsky",
     "event": "attended", "what": "funeral", "happened": False},
    {"id": "D8", "statement": "About 1,300 delegates came to the 17th Congress",
     "what": "delegates", "how_many": {"value": 1300, "tolerance": 0.2}},
]


def _rubric(facts: list[dict]):
    return parse_rubric({**STALIN, "facts": facts, "model_answer": None}, source="test")


@pytest.fixture(scope="module")
def rubric():
    return _rubric(FACTS)


@pytest.mark.parametrize("sentence, fact", [
    ("Lenin passed away in 1923.", "D1"),
    ("Lenin died in March 1924.", "D1"),
    ("In 1924 Stalin was made General Secretary.", "D2"),
    ("Lenin died, and then Stalin was appointed General Secretary.", "D2"),
    ("Trotsky was assassinated in 1936.", "D3"),
    ("Trotsky was killed in Moscow in 1940.", "D3"),
    ("Zinoviev handed the Testament to the Congress.", "D4"),
    ("Permanent Revolution was Stalin's idea.", "D5"),
    ("Bukharin came up with Permanent Revolution.", "D5"),
    ("The troika of Stalin, Trotsky and Kamenev ruled after Lenin.", "D6"),
    ("Trotsky went to the funeral.", "D7"),
    ("About 5,000 delegates came to the congress.", "D8"),
])
def test_a_wrong_claim_is_flagged_by_its_fact(rubric, sentence, fact):
    flags = grade(sentence, rubric).flags
    assert [f.fact for f in flags] == [fact], sentence


@pytest.mark.parametrize("sentence", [
    "Lenin died in January 1924.",
    "Lenin's death came in 1924, after a series of strokes.",
    "Stalin became General Secretary in 1922, while Lenin was still alive.",
    "Stalin was still General Secretary in 1924.",
    "Trotsky was killed in Mexico in 1940 by an agent sent from Moscow.",
    "Trotsky was killed in Coyoacan, Mexico, in 1940.",
    "Krupskaya handed the Testament to the Central Committee.",
    "Trotsky believed in Permanent Revolution.",
    "The troika of Stalin, Zinoviev and Kamenev kept Trotsky out.",
    "Trotsky did not go to Lenin's funeral.",
    "Stalin went to the funeral.",
    "About 1,200 delegates came to the congress.",
    "Lenin did not die in 1923.",
])
def test_a_right_or_unasserted_claim_is_not_flagged(rubric, sentence):
    assert grade(sentence, rubric).flags == [], sentence


def test_data_and_hand_written_checks_go_together():
    fact = {**FACTS[0], "checks": [{"type": "place", "trigger": "die|died|death",
                                    "who": ["@lenin"], "wrong": ["@moscow"]}]}
    r = _rubric([fact])
    assert [c.type for c in r.facts[0].checks] == ["date", "place"]
    assert [f.kind for f in grade("Lenin died in Moscow in January 1924.", r).flags] == [
        "wrong_place"]
    assert [f.kind for f in grade("Lenin died in 1922.", r).flags] == ["wrong_date"]


def test_right_is_made_from_the_data_when_not_given(rubric):
    right = {f.id: f.right for f in rubric.facts}
    assert right["D1"] == "January 1924"
    assert right["D3"] == "Mexico, 1940"
    assert right["D4"] == "Krupskaya"
    assert right["D6"] == "Stalin, Zinoviev and Kamenev"


def test_an_order_flag_tells_both_facts(rubric):
    [flag] = grade("After Lenin died, Stalin was appointed General Secretary.", rubric).flags
    assert flag.kind == "wrong_order"
    assert "in 1922" in flag.message and "January 1924" in flag.message


@pytest.mark.parametrize("extra, place, words", [
    ({"when": "soon after the war"}, "facts.X.when", "write a year"),
    ({"when": 1924}, "facts.X.when", "needs the event"),
    ({"event": "died", "where": "@lenin"}, "facts.X.where", "is a person"),
    ({"event": "died", "where": "Moscow"}, "facts.X.where", "write @id"),
    ({"by": "@stalin", "event": "wrote"}, "facts.X.by", "needs the thing done"),
    ({"what": "@nep", "members": ["@moscow"]}, "facts.X.members", "is a place"),
    ({"event": "died", "before": "F99"}, "facts.X.before", "no fact 'F99'"),
    ({"held_by": "@stalin"}, "facts.X.held_by", "needs the office"),
    ({"what": "@nep", "held_by": "@moscow"}, "facts.X.held_by", "is a place"),
    ({"what": "@nep", "how_many": {"unit": "count"}}, "facts[0].how_many",
     "value (with tolerance) or range"),
])
def test_data_that_cannot_make_a_check_is_refused_at_its_key(extra, place, words):
    fact = {"id": "X", "statement": "Something happened", "who": "@lenin", **extra}
    with pytest.raises(RubricError) as exc:
        _rubric([fact])
    problems = [(p.place, p.message) for p in exc.value.problems]
    assert any(p == place and words in m for p, m in problems), problems


def test_two_facts_with_one_id_are_refused():
    with pytest.raises(RubricError) as exc:
        _rubric([FACTS[0], {**FACTS[0], "when": "1924"}])
    assert ("facts.D1.id", "another fact has the id D1") in [
        (p.place, p.message) for p in exc.value.problems]


@pytest.mark.parametrize("text, years, month, day", [
    ("1924", [1924], None, None),
    ("January 1924", [1924], 1, None),
    ("Jan. 1924", [1924], 1, None),
    ("1 December 1934", [1934], 12, 1),
    ("the 10th of April 1912", [1912], 4, 10),
    ("April 14, 1912", [1912], 4, 14),
    ("1924-1925", [1924, 1925], None, None),
    ("1928-29", [1928, 1929], None, None),
    ("1904 or 1907", [1904, 1907], None, None),
])
def test_when_reads_the_usual_ways_of_writing_a_date(text, years, month, day):
    assert parse_when(text) == (years, month, text, day)


@pytest.mark.parametrize("text", ["spring 1924", "1930-1920", "June and July 1924", "soon",
                                  "14 1912"])
def test_when_refuses_what_it_cannot_check(text):
    with pytest.raises(ValueError):
        parse_when(text)


@pytest.mark.parametrize("event, family", [
    ("died", "die"), ("passed away", "die"), ("was murdered", "murder"),
    ("became General Secretary", "become"), ("was expelled from the party", "expel"),
    ("passed the Testament on", "give"), ("put forward", "propose"), ("sank", "sink"),
    ("fell from power", None),
])
def test_an_event_finds_its_usual_wordings(event, family):
    assert event_family(event) == family


def test_an_event_nobody_listed_is_matched_as_written():
    r = _rubric([{"id": "X", "statement": "Trotsky fell from power in 1927",
                  "who": "@trotsky", "event": "fell from power", "when": 1927}])
    assert [f.fact for f in grade("Trotsky fell from power in 1925.", r).flags] == ["X"]
    assert grade("Trotsky fell from power in 1927.", r).flags == []


SHIP = [
    {"id": "S1", "statement": "The liner left port at 9:15 am on 3 May 1921",
     "event": "left port", "wordings": "sailed|set sail|departed", "time": "9:15 am",
     "when": "3 May 1921"},
    {"id": "S2", "statement": "The liner sank about 1 hour 50 minutes after the explosion",
     "event": "sank", "wordings": "went down|took", "how_many": {"range": [1.6, 2.0],
                                                                "unit": "hours"}},
]


@pytest.mark.parametrize("sentence, fact", [
    ("The liner left port at 11:15 am.", "S1"),
    ("The liner sailed at a quarter past ten in the morning.", "S1"),
    ("The liner departed on 5 May 1921.", "S1"),
    ("The liner departed on May 4, 1921.", "S1"),
    ("It sank in 20 minutes.", "S2"),
    ("It went down five hours later.", "S2"),
])
def test_times_days_and_lengths_of_time_are_checked(sentence, fact):
    assert [f.fact for f in grade(sentence, _rubric(SHIP)).flags] == [fact], sentence


@pytest.mark.parametrize("sentence", [
    "The liner left port at 9:15 am on 3 May 1921.",
    "The liner sailed at a quarter past nine.",
    "The liner departed at about 9 in the morning, in May 1921.",
    "It sank an hour and fifty minutes later.",
    "It sank in under two hours.",
    "It went down in about two hours.",
])
def test_right_times_days_and_lengths_of_time_are_not_flagged(sentence):
    assert grade(sentence, _rubric(SHIP)).flags == [], sentence


def test_a_time_must_be_a_time_of_day():
    with pytest.raises(RubricError) as exc:
        _rubric([{**SHIP[0], "time": "in the morning"}])
    assert any(p.place == "facts.S1.time" for p in exc.value.problems)


@pytest.mark.parametrize("sentence", [
    # a year that ends a span starting with an event is not that event's date
    "Stalin rose to power between Lenin's death and 1929.",
    "From Lenin's death until 1929 the party argued.",
    # the subject of "joined with" is not the fact's person
    "When Zinoviev and Kamenev turned against Stalin they joined with Trotsky.",
    "In 1926 Trotsky joined with Zinoviev and Kamenev against Stalin.",
])
def test_spans_subjects_and_other_events_are_not_flagged(sentence):
    assert grade(sentence, load_rubric("stalin-rise")).flags == [], sentence


@pytest.mark.parametrize("sentence, fact", [
    ("Lenin died in 1923.", "F1"),
    ("Stalin allied with Trotsky.", "F12"),
    ("Permanent Revolution, which was Stalin's idea, scared the party.", "F11"),
    ("Trotsky argued for Socialism in One Country.", "F9"),
    ("Trotsky was sent away from Russia and then killed in Moscow.", "F17"),
])
def test_the_same_kinds_of_claim_are_still_flagged(sentence, fact):
    assert fact in [f.fact for f in grade(sentence, load_rubric("stalin-rise")).flags], sentence


def test_an_event_word_dated_otherwise_is_not_put_in_order():
    """"expelled in 1929" after the exile is a wrong date for the expulsion (F15), not the
    expulsion told after the exile: one flag, the date."""
    flags = grade("Trotsky was exiled to Alma-Ata in 1928 and then expelled in 1929.",
                  load_rubric("stalin-rise")).flags
    assert [(f.fact, f.kind) for f in flags] == [("F15", "wrong_date")]


def test_a_state_since_a_year_after_it_is_not_the_events_date():
    """"It had been up since 1961" after a sentence about the opening: how long the wall
    stood, not when it opened."""
    r = _rubric([{"id": "W", "statement": "The wall was opened in 1989", "what": "wall",
                  "event": "opened", "wordings": "fell|came down", "when": 1989}])
    assert grade("The wall came down in 1989. It had been up since 1961.", r).flags == []
    assert [f.fact for f in grade("The wall came down in 1991.", r).flags] == ["W"]


def test_context_ties_a_fact_to_words_that_are_not_people():
    """"Hungary opened its border": the doer is a country, so the fact names it as
    context; the same event about another border is left alone."""
    r = _rubric([{"id": "H", "statement": "Hungary opened its border with Austria in 1989",
                  "event": "opened", "what": "border", "context": "Hungary|Hungarian",
                  "when": 1989}])
    assert [f.fact for f in grade("Hungary opened its border in 1987.", r).flags] == ["H"]
    assert grade("Poland opened its border in 1987.", r).flags == []


@pytest.mark.parametrize("sentence, kind", [
    ("The liner left port at 9:15 am on 3 May 1925.", "wrong_date"),
    ("The liner left port at 9:15 am in 1925.", "wrong_date"),
    ("The liner left port at 11:15 am on 3 May 1921.", "wrong_number"),
])
def test_a_time_between_the_event_and_its_date_keeps_them_together(sentence, kind):
    """The colon of "9:15" does not split the clause, so the date after a time is still the
    event's."""
    assert [f.kind for f in grade(sentence, _rubric(SHIP)).flags] == [kind]
