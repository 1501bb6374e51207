"""Coverage levels on the traps a teacher cares about; essays written for these tests."""

import pytest

from grader import grade


def levels(text, rubric):
    return {f.id: f.level for f in grade(text, rubric).factors}


def test_explained_factor_needs_detail_and_link(rubric):
    text = ("At Lenin's funeral in January 1924 Stalin was a pallbearer and gave the main "
            "speech. Trotsky was absent, so he looked as if he did not care, and Stalin "
            "looked like Lenin's loyal heir.")
    assert levels(text, rubric)["funeral"] == 2


def test_a_line_of_keywords_explains_nothing(rubric):
    text = ("Testament - too rude, remove him, General Secretary, Krupskaya, kept secret, so "
            "Stalin kept his job.")
    assert levels(text, rubric)["testament"] == 1
    assert levels("Lenin's Testament said Stalin was too rude and should be removed, but "
                  "Zinoviev and Kamenev kept it secret, so Stalin kept his job.",
                  rubric)["testament"] == 2


def test_mention_without_explanation_is_identified(rubric):
    assert levels("There was also the funeral of Lenin.", rubric)["funeral"] == 1


@pytest.mark.parametrize("text, factor", [
    ("Lenin's last letters attacked Stalin for being rude and asked for him to be removed as "
     "General Secretary, but Kamenev kept them hidden, so Stalin kept his post.", "testament"),
    ("Stalin was chief mourner when Lenin was buried, which made him look like the heir.",
     "funeral"),
    ("Stalin wanted to build communism at home first instead of spreading revolution abroad "
     "like Trotsky, and this was popular with party members.", "socialism_in_one_country"),
    ("The show trials of 1936 got rid of Zinoviev and Kamenev, so nobody could challenge "
     "Stalin.", "purges"),
    ("Stalin accused the opposition of splitting the party, which was banned in 1921, and "
     "had them expelled in 1927, weakening his rivals.", "factionalism"),
])
def test_paraphrases_are_recognised(rubric, text, factor):
    assert levels(text, rubric)[factor] == 2


def test_misspellings_are_recognised(rubric):
    text = ("Lenins testiment said Stalin was to rude and should be sacked as Genral Secretery "
            "but Zinovev hid it so Stalin kept his job.")
    assert levels(text, rubric)["testament"] == 2


def test_explicit_negation_of_a_factor_gives_zero(rubric):
    text = ("In this essay I will not discuss the purges or socialism in one country. "
            "Trotsky was Stalin's main rival.")
    lv = levels(text, rubric)
    assert lv["purges"] == 0
    assert lv["socialism_in_one_country"] == 0


@pytest.mark.parametrize("aside", [
    "The purges also mattered, but I haven't got space to go into them here.",
    "The purges were important too, but there is no room to discuss them.",
    "The purges are a subject for another essay.",
])
def test_a_factor_set_aside_for_lack_of_space_gives_zero(rubric, aside):
    assert levels("Trotsky was Stalin's main rival. " + aside, rubric)["purges"] == 0


def test_a_keyword_list_is_at_most_identified(rubric):
    text = ("Testament. Funeral. Socialism in One Country. Factionalism. Purges. Trotsky. "
            "Zinoviev. Kamenev. Bukharin. General Secretary. 1924. 1927.")
    assert all(v <= 1 for v in levels(text, rubric).values())


def test_a_term_used_about_something_else_does_not_count(rubric):
    text = ("Kirov's funeral in 1934 was a huge event in Leningrad. Purges were also used by "
            "Mao in China, but that is a different topic.")
    lv = levels(text, rubric)
    assert lv["funeral"] == 0
    assert lv["purges"] == 0


def test_a_wrong_detail_does_not_make_a_factor_explained(rubric):
    text = ("Socialism in One Country was Trotsky's idea, and it made Stalin more popular "
            "with party members.")
    rep = grade(text, rubric)
    assert rep.factor("socialism_in_one_country").level == 1
    assert rep.flags and rep.flags[0].fact == "F9"


def test_evidence_spans_slice_the_submitted_text(rubric):
    text = "Intro line.\r\n\r\nAt Lenin’s funeral Stalin was chief mourner, so he looked loyal."
    rep = grade(text, rubric)
    for f in rep.factors:
        for e in f.evidence:
            assert text[e.start:e.end] == e.text
    assert rep.factor("funeral").evidence[0].text.startswith("At Lenin’s funeral")


def test_other_rubric_cues_do_not_leak(rubric):
    assert levels("Stalin liked tea and long walks.", rubric) == {
        "testament": 0, "funeral": 0, "socialism_in_one_country": 0, "factionalism": 0,
        "purges": 0}


WRONG_RUBRIC = """
id: membrane
title: Membrane
question: How do substances cross the membrane?
factors:
  - id: active
    title: Active transport
    marks: [0, 1]
    identify:
      - {all: ["active transport", "energy|low to high|against"], within: 12}
    wrong:
      - {all: ["active transport", "high to low|no energy"], within: 8}
scoring: {count: factors, max_marks: 1}
"""


def test_a_factor_stated_wrongly_is_not_earned():
    from grader.rubric import parse_rubric
    rubric = parse_rubric(WRONG_RUBRIC)
    right = "Active transport uses energy to move molecules from low to high."
    assert grade(right, rubric).score.marks == 1
    assert grade("Active transport moves molecules from high to low using energy.",
                 rubric).score.marks == 0
    # a wrong statement elsewhere in the answer does not cancel a right one
    assert grade("Diffusion goes from high to low. " + right, rubric).score.marks == 1
    assert grade("Active transport needs energy. Passive transport needs no energy, it "
                 "goes from high to low.", rubric).score.marks == 1


def test_a_sentence_listing_factors_explains_none_of_them(rubric):
    """An introduction that lists the factors with a general link ("helped him gain power
    because …") identifies them; it explains none."""
    text = ("In this essay I will explain how Lenin's Testament, Lenin's funeral in January "
            "1924, Socialism in One Country and the ban on factions helped Stalin gain "
            "power because they let him beat Trotsky.")
    got = levels(text, rubric)
    assert max(got.values()) == 1, got


@pytest.mark.parametrize("text", [
    "Lenin wrote a will. It said Stalin was rude.",
    "Before he died he wrote some letters about who should lead.",
    "Krupskaya found his will and gave it to the party.",
])
def test_the_testament_in_students_words_is_identified(rubric, text):
    assert levels(text, rubric)["testament"] >= 1, text
