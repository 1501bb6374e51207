from grader import grade


def test_counts(rubric):
    rep = grade("One two three. Four five.\n\nSix seven.", rubric)
    assert (rep.stats.words, rep.stats.sentences, rep.stats.paragraphs) == (7, 3, 2)


def test_spelling_mistakes_get_suggestions(rubric):
    text = "His postion was strong becuase he was clever."
    rep = grade(text, rubric)
    found = {s.word: s.suggestions for s in rep.writing.spelling}
    assert "position" in found["postion"]
    assert "because" in found["becuase"]
    for s in rep.writing.spelling:
        assert text[s.start:s.end] == s.word


def test_british_spellings_and_rubric_names_are_not_mistakes(rubric):
    rep = grade("Stalin organised the funeral; Zinoviev, Kamenev, Bukharin and Krupskaya "
                "criticised the centre of the party's defence of its favourite colour and "
                "manoeuvred.", rubric)
    assert rep.writing.spelling == []


def test_misspelt_names_are_corrected_to_the_rubric_spelling(rubric):
    rep = grade("Trotksy and Zinovief lost.", rubric)
    found = {s.word: s.suggestions for s in rep.writing.spelling}
    assert found == {"Trotksy": ["Trotsky"], "Zinovief": ["Zinoviev"]}


def test_proper_nouns_in_lower_case(rubric):
    rep = grade("This is where stalin’s power grew, not in moscow.", rubric)
    assert [(c.word, c.expected) for c in rep.writing.capitalisation] == [
        ("stalin’s", "Stalin’s"), ("moscow", "Moscow")]


def test_an_ordinary_word_of_a_longer_name_is_no_capital_letter_mistake():
    from grader import parse_rubric

    rubric = parse_rubric("""
id: fire
title: The Great Fire
question: Why did it spread?
lexicon:
  places:
    pudding: {name: Pudding Lane}
    north_sea: {name: North Sea}
    london: {name: London}
factors:
  - {id: spread, title: Spread, marks: [0, 2, 4], identify: ["wind"]}
bands:
  - {band: 1, label: Any, min_marks: 0}
""")
    rep = grade("The lane was narrow, the sea was calm and london burned.", rubric)
    assert [c.word for c in rep.writing.capitalisation] == ["london"]
