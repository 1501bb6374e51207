import pytest

from grader.text import Lexicon, build_document, make_entity


def lexicon() -> Lexicon:
    lx = Lexicon()
    lx.add(make_entity("trotsky", "person", "Trotsky", ["Leon Trotsky"]))
    lx.add(make_entity("zinoviev", "person", "Zinoviev", []))
    lx.add(make_entity("kamenev", "person", "Kamenev", []))
    lx.add(make_entity("sioc", "term", "Socialism in One Country", []))
    lx.add(make_entity("testament", "term", "Lenin's Testament", ["testament"]))
    lx.add_words(["funeral", "purges"])
    lx.freeze()
    return lx


def test_paragraphs_and_sentences_have_exact_spans():
    text = "First point here. Dr. Smith agreed.\n\nSecond paragraph, e.g. this one. End."
    doc = build_document(text)
    assert [text[p.start:p.end] for p in doc.paragraphs] == [
        "First point here. Dr. Smith agreed.", "Second paragraph, e.g. this one. End."]
    assert [doc.sentence_text(s) for s in doc.sentences] == [
        "First point here.", "Dr. Smith agreed.", "Second paragraph, e.g. this one.", "End."]


def test_negation_scope_runs_to_the_clause_end():
    doc = build_document("Trotsky did not attend the funeral, but Stalin spoke.")
    neg = {t.text: doc.negated[t.index] for t in doc.tokens}
    assert neg["attend"] and neg["funeral"]
    assert not neg["Stalin"] and not neg["spoke"]


def test_not_only_is_not_a_negation():
    doc = build_document("It was not only rude but also dangerous.")
    assert not any(doc.negated)


def test_nt_contractions_negate():
    doc = build_document("Trotsky didn't come to the funeral.")
    assert doc.negated[[t.text for t in doc.tokens].index("funeral")]


def test_reported_claims_are_marked():
    doc = build_document("Trotsky later claimed that Stalin gave him the wrong date.")
    assert doc.reported[[t.text for t in doc.tokens].index("date")]
    doc2 = build_document("Lenin's Testament said that Stalin was too rude.")
    assert not any(doc2.reported)


def test_years_ranges_months_and_decades():
    doc = build_document("Lenin died in January 1924; the trials of 1936-38 and the 1920s.")
    ys = [(y.first, y.last, y.month, y.vague) for y in doc.years]
    assert ys == [(1924, 1924, 1, False), (1936, 1938, None, False), (1920, 1929, None, True)]
    assert [doc.text[y.start:y.end] for y in doc.years] == ["1924", "1936-38", "1920s"]


def test_years_written_in_words_are_years():
    doc = build_document("In nineteen twenty-five he left; in January nineteen twenty four "
                         "Lenin died. By the nineteen thirties, nineteen fifteen and sixteen "
                         "sixty-six. Nineteen people died; nineteen twenty people came.")
    ys = [(y.first, y.last, y.month, y.vague) for y in doc.years]
    assert ys == [(1925, 1925, None, False), (1924, 1924, 1, False),
                  (1930, 1939, None, True), (1915, 1915, None, False),
                  (1666, 1666, None, False)]
    assert [doc.text[y.start:y.end] for y in doc.years][:2] == [
        "nineteen twenty-five", "nineteen twenty four"]


def test_days_of_a_month_without_a_year():
    from grader.text.dates import find_yearless_dates

    doc = build_document("It began on Sunday 12th September and ended on the 6th of "
                         "September. Lenin died on 21 January 1924; by September 2nd, "
                         "1666 it was over; they may 5 times.")
    got = [(y.day, y.month, doc.text[y.start:y.end])
           for y in find_yearless_dates(doc.tokens, doc.years)]
    assert got == [(12, 9, "12th September"), (6, 9, "6th of September")]


def test_misspelt_names_and_terms_are_found():
    lx = lexicon()
    doc = build_document("Trotksy, Zinovief and Kamanev opposed Socalism in one contry. "
                         "Lenins testement was hidden.", lx)
    found = [(m.entity, doc.text[m.start:m.end]) for m in doc.mentions]
    assert ("trotsky", "Trotksy") in found
    assert ("zinoviev", "Zinovief") in found
    assert ("kamenev", "Kamanev") in found
    assert ("sioc", "Socalism in one contry") in found
    assert ("testament", "Lenins testement") in found


def test_ordinary_words_never_become_names():
    lx = lexicon()
    doc = build_document("The tricky rotary trots along; a camera never lies. Funeral "
                         "purses are fine.", lx)
    assert doc.mentions == []
    assert "purges" not in doc.forms


def test_possessive_without_apostrophe_is_a_possessive_mention():
    doc = build_document("Socialism in one country was Trotskys idea.", lexicon())
    m = next(m for m in doc.mentions if m.entity == "trotsky")
    assert m.possessive and m.fuzzy


def cell_lexicon() -> Lexicon:
    lx = Lexicon()
    lx.add(make_entity("ribosome", "term", "ribosome", ["ribosomes"]))
    lx.add(make_entity("mrna", "term", "mRNA", ["messenger RNA"]))
    lx.add_words(["nucleus", "travel", "membrane"])
    lx.freeze()
    return lx


def test_a_word_glued_to_a_rubric_word_is_read_as_two():
    text = "The mRNA leaves the nucleustravels to the ribosomesnext. ENERGYMEMBRANE too."
    doc = build_document(text, cell_lexicon())
    words = [t.text for t in doc.tokens if t.is_word]
    assert words == ["The", "mRNA", "leaves", "the", "nucleus", "travels", "to", "the",
                     "ribosomes", "next", "ENERGY", "MEMBRANE", "too"]
    for k, t in enumerate(doc.tokens):
        assert t.index == k and text[t.start:t.end] == t.text
    assert "ribosome" in doc.by_entity


def test_english_words_misspellings_and_unrelated_glue_stay_whole():
    lx = cell_lexicon()
    text = "Nucleuses travelled; the ribosomse membranes. The cat sat onthemat quietly."
    doc = build_document(text, lx)
    words = [t.text for t in doc.tokens if t.is_word]
    assert words == ["Nucleuses", "travelled", "the", "ribosomse", "membranes", "The", "cat",
                     "sat", "onthemat", "quietly"]
    assert lx.glued_cut("nucleustravels") == 7
    assert lx.glued_cut("ribosomse") is None  # a misspelling of a rubric word


def test_a_capitalised_hedge_is_a_hedge_and_the_month_may_is_not():
    doc = build_document("Perhaps Lenin died in 1923. Lenin died in may 1923. In May 1924 "
                         "he spoke.")
    first_died, second_died = [doc.modal[t.index] for t in doc.tokens if t.text == "died"]
    assert first_died and not second_died
    assert not any(doc.modal[t.index] for t in doc.tokens if t.text == "spoke")


@pytest.mark.parametrize("text, word, reported", [
    ("Trotsky argued for Permanent Revolution.", "Permanent", False),
    ("Stalin believed in Socialism in One Country.", "Socialism", False),
    ("Bukharin thought of the idea first.", "idea", False),
    ("Trotsky argued that Stalin had lied.", "lied", True),
    ("Trotsky believed Stalin had lied.", "lied", True),
])
def test_arguing_for_or_believing_in_something_is_a_claim_not_a_report(text, word, reported):
    doc = build_document(text)
    [i] = [k for k, t in enumerate(doc.tokens) if t.text == word]
    assert doc.reported[i] is reported


@pytest.mark.parametrize("text, joined", [
    ("The Safety of Life at Sea convention (SOLAS) was agreed in 1914.", True),
    ("They called it the “Sinatra Doctrine” in 1989.", True),
    ("The Hungarian–Austrian border opened in 1989.", True),
    ("Stalin (who was rude) won.", False),
    ("It was 1924 – a hard year.", False),
])
def test_short_brackets_quotes_and_joined_dashes_do_not_end_a_clause(text, joined):
    doc = build_document(text)
    assert (len(set(doc.clause)) == 1) is joined
