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


def clock(text):
    return [(q.value, q.alt if q.alt == q.alt else None, q.hedge, text[q.start:q.end])
            for q in find_quantities(text) if q.unit == "clock"]


@pytest.mark.parametrize("text, minutes, other, hedge, span", [
    ("The lookout saw it at 11:40 pm.", 1420, None, "", "11:40 pm"),
    ("The lookout saw it at 11.40pm.", 1420, None, "", "11.40pm"),
    ("The lookout saw it at 23:40.", 1420, None, "", "23:40"),
    ("It went under at 2.20 a.m. on Monday.", 140, None, "", "2.20 a.m"),
    ("It went under at about 2:20 in the morning.", 140, None, "about",
     "about 2:20 in the morning"),
    ("They met at twenty to twelve.", 700, 1420, "", "twenty to twelve"),
    ("They met at a quarter past two at night.", 135, None, "", "a quarter past two at night"),
    ("The doors closed at 10 o'clock.", 600, 1320, "", "10 o'clock"),
    ("The doors closed at 9pm.", 1260, None, "", "9pm"),
    ("The doors closed just before midnight.", 0, None, "nearly", "just before midnight"),
    ("The doors closed at 11.40, as planned.", 700, 1420, "", "11.40"),
])
def test_a_time_of_day_is_read_in_minutes_after_midnight(text, minutes, other, hedge, span):
    assert clock(text) == [(minutes, other, hedge, span)]


@pytest.mark.parametrize("text", ["The price was 2.20 dollars.", "It cost 11.40 in 1930.",
                                  "The speed was 22.5 knots.", "About 2.20 million voted."])
def test_a_decimal_is_not_a_time_of_day(text):
    assert clock(text) == []


@pytest.mark.parametrize("text, hours", [
    ("It took 2 hours 40 minutes.", 2 + 40 / 60),
    ("It took two hours and forty minutes.", 2 + 40 / 60),
    ("It took two and a half hours.", 2.5),
    ("It took two-and-a-half hours.", 2.5),
    ("It took an hour and a half.", 1.5),
    ("It took half an hour.", 0.5),
    ("It took 160 minutes.", 160 / 60),
])
def test_a_length_of_time_is_read_whole(text, hours):
    [q] = find_quantities(text)
    assert q.in_unit("hours").value == pytest.approx(hours)


@pytest.mark.parametrize("said, low, high, right", [
    ("at 11:40 pm", 1420, 1420, True),
    ("at 11:43 pm", 1420, 1420, True),        # within five minutes
    ("at 11:20 pm", 1420, 1420, False),
    ("at about 11:25 pm", 1420, 1420, True),  # "about": within twenty minutes
    ("at twenty to twelve", 1420, 1420, True),  # no am/pm: either reading
    ("just before midnight", 1420, 1420, True),
    ("at 2 am", 1420, 1420, False),
    ("at 12:02 am", 1438, 1438, True),        # round midnight
    ("after 11 pm", 1420, 1420, True),
    ("before 11 pm", 1420, 1420, False),
])
def test_a_time_of_day_agrees_within_minutes(said, low, high, right):
    [q] = [q for q in find_quantities(said) if q.unit == "clock"]
    assert q.agrees(low, high) is right


@pytest.mark.parametrize("text, value, noun, span", [
    ("two and a half million people", 2_500_000, "people", "two and a half million"),
    ("twelve point nine million", 12_900_000, "", "twelve point nine million"),
    ("thirty-two point five percent", 32.5, "", "thirty-two point five percent"),
    ("They won 30 of the 48 states.", 30, "states", "30"),
    ("705 out of 2,224 people survived", 705, "people", "705"),
    ("87 of the City's 109 parish churches burned", 87, "parish", "87"),
    ("The war lasted one year.", 1, "year", "one"),
])
def test_halves_points_parts_of_wholes_and_one_measure(text, value, noun, span):
    [q] = find_quantities(text)
    assert (q.value, q.noun, text[q.start:q.end]) == (pytest.approx(value), noun, span)


def test_one_alone_is_a_pronoun_not_a_number():
    assert find_quantities("One man said it was over.") == []


def test_the_end_of_a_year_range_is_not_a_figure():
    doc = build_document("About 9,000 banks (1930-33) failed.")
    spans = [(y.start, y.end) for y in doc.years]
    assert [q.value for q in find_quantities(doc.text, spans)] == [9000]


@pytest.mark.parametrize("text, noun, hedge, span", [
    ("The fire went on for about a month.", "month", "about", "about a month"),
    ("It lasted a week.", "week", "", "a week"),
    ("It took an hour to sink.", "hour", "", "an hour"),
    ("They were away for a fortnight.", "fortnight", "", "a fortnight"),
])
def test_a_unit_of_time_after_a_length_word_is_one_of_it(text, noun, hedge, span):
    [q] = find_quantities(text)
    assert (q.value, q.noun, q.hedge, text[q.start:q.end]) == (1.0, noun, hedge, span)


@pytest.mark.parametrize("text", ["A year later he died.", "It rained in a day.",
                                  "He had a week off."])
def test_a_unit_of_time_without_a_length_word_is_no_figure(text):
    assert find_quantities(text) == []


@pytest.mark.parametrize("text, value, noun", [
    ("The reactor produced 1000 MW of power.", 1000, "mw"),
    ("a 1,000-tonne lid", 1000, "tonne"),
    ("a 30-kilometre zone", 30, "kilometre"),
])
def test_a_measure_after_a_figure_or_its_hyphen_is_its_noun(text, value, noun):
    [q] = find_quantities(text)
    assert (q.value, q.noun) == (value, noun)


def test_seconds_are_a_length_of_time():
    [q] = find_quantities("It blew up within 40 seconds.")
    assert q.in_unit("minutes").value == pytest.approx(40 / 60)


@pytest.mark.parametrize("text", ["on the night of 7-8 August 1588", "on 7 and 8 August",
                                  "between the 7th-8th August"])
def test_a_range_of_days_before_a_month_is_no_figure(text):
    assert find_quantities(text) == []
