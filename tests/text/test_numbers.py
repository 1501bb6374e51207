"""Reading figures: digits, words, fractions, scale, unit and hedge, with exact spans."""

import pytest

from grader.text import build_document
from grader.text.numbers import find_quantities


def read(text):
    return [(q.value, q.unit, q.hedge, text[q.start:q.end]) for q in find_quantities(text)]


@pytest.mark.parametrize("text, value, unit, hedge, span", [
    ("About 9,000 banks failed.", 9000, "count", "about", "About 9,000"),
    ("1.3 million people lost their savings.", 1_300_000, "count", "", "1.3 million"),
    ("12,000,000 were out of work.", 12_000_000, "count", "", "12,000,000"),
    ("It rose to 25% in 1933.", 25, "percent", "", "25%"),
    ("It rose to 25 per cent.", 25, "percent", "", "25 per cent"),
    ("a quarter of the workforce", 25, "percent", "", "a quarter"),
    ("two-thirds of the farms", 200 / 3, "percent", "", "two-thirds"),
    ("one in four workers", 25, "percent", "", "one in four"),
    ("over half the banks", 50, "percent", "above", "over half"),
    ("twelve million people", 12_000_000, "count", "", "twelve million"),
    ("fifteen hundred men", 1500, "count", "", "fifteen hundred"),
    ("two hundred and fifty ships", 250, "count", "", "two hundred and fifty"),
    ("$30 billion was lost", 30e9, "money", "", "$30 billion"),
    ("£96 million of cuts", 96e6, "money", "", "£96 million"),
    ("nearly 9,000 banks", 9000, "count", "nearly", "nearly 9,000"),
    ("under 100 ships", 100, "count", "below", "under 100"),
    ("12-13 million people", 12e6, "count", "", "12-13 million"),
    ("between 12 and 13 million", 12e6, "count", "", "12 and 13 million"),
    ("24–25% of workers", 24, "percent", "", "24–25%"),
    ("more than 12,000,000 people", 12e6, "count", "above", "more than 12,000,000"),
    ("It fell to -2 degrees.", -2, "count", "", "-2"),
    ("1517 people died.", 1517, "count", "", "1517"),
    ("37.3% voted for them.", 37.3, "percent", "", "37.3%"),
])
def test_figures_in_every_form(text, value, unit, hedge, span):
    [(v, u, h, s)] = read(text)
    assert (u, h, s) == (unit, hedge, span) and v == pytest.approx(value)


@pytest.mark.parametrize("text", [
    "In 1929 banks failed.", "The Crash came in October 1929.", "on 24 October",
    "on the 24th of October", "October 24th", "someone often saw the hundred years war",
    "No one came.",
])
def test_years_days_and_words_that_are_not_figures(text):
    assert read(text) == []


def test_a_head_count_is_a_figure_and_not_a_year():
    doc = build_document("In 1912, 1517 people died. In 1929 banks failed.")
    assert [(y.first, doc.text[y.start:y.end]) for y in doc.years] == [(1912, "1912"),
                                                                        (1929, "1929")]


def test_every_figure_of_a_long_text_is_read_once():
    text = "twelve million, 4,000 and 5% " * 20_000
    found = find_quantities(text)
    assert [text[q.start:q.end] for q in found[:3]] == ["twelve million", "4,000", "5%"]
    assert len(found) == 60_000
