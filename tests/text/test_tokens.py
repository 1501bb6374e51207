from grader.text.tokens import normalise, tokenize


def test_spans_slice_the_text_exactly():
    text = "Lenin’s funeral — “Socialism in One Country”, didn't 1936-38."
    for t in tokenize(text):
        assert text[t.start:t.end] == t.text


def test_possessives_and_curly_apostrophes_normalise():
    assert normalise("Lenin’s") == ("lenin", True)
    assert normalise("Lenin's") == ("lenin", True)
    assert normalise("comrades'") == ("comrades", True)
    assert normalise("Stalin") == ("stalin", False)


def test_stems_join_inflections():
    toks = {t.text: t.stem for t in tokenize("organised organising purges purged")}
    assert toks["organised"] == toks["organising"]
    assert toks["purges"] == toks["purged"]


def test_offsets_are_code_points_after_emoji():
    text = "😀 Stalin won."
    t = next(t for t in tokenize(text) if t.text == "Stalin")
    assert text[t.start:t.end] == "Stalin"


def test_a_list_number_glued_to_a_word_is_split_off():
    text = "It goes to the ribosome3. tRNA2 brings it3 to the ER then cell3golgi."
    toks = tokenize(text)
    for t in toks:
        assert text[t.start:t.end] == t.text
    words = [t.text for t in toks if t.is_word]
    assert words == ["It", "goes", "to", "the", "ribosome", "3", "tRNA", "2", "brings", "it",
                     "3", "to", "the", "ER", "then", "cell", "3", "golgi"]
    assert next(t for t in toks if t.text == "ribosome").stem == "ribosom"


def test_formulas_ordinals_and_names_with_digits_stay_whole():
    words = [t.text for t in tokenize("CO2 O2 H2O G1 ER3 1st 4th 1920s covid19 B12 don't")]
    assert words == ["CO2", "O2", "H2O", "G1", "ER3", "1st", "4th", "1920s", "covid19", "B12",
                     "don't"]


def test_a_word_glued_to_an_acronym_is_split_where_the_case_changes():
    text = ("It leaves the nucleustRNA then comes.ItmRNA goes to a ribosomalRNA unit, "
            "then the mRNAtRNA pair forms and DNAThen tRNAand more.")
    toks = tokenize(text)
    for t in toks:
        assert text[t.start:t.end] == t.text
    words = [t.text for t in toks if t.is_word]
    assert words == ["It", "leaves", "the", "nucleus", "tRNA", "then", "comes", "It", "mRNA",
                     "goes", "to", "a", "ribosomal", "RNA", "unit", "then", "the", "mRNA",
                     "tRNA", "pair", "forms", "and", "DNA", "Then", "tRNA", "and", "more"]


def test_acronyms_with_endings_and_mixed_case_names_stay_whole():
    text = "ATPase DNAse mRNAs RNAs NaCl iPhone eBay McDonald PhD DiCaprio mRNA tRNA"
    assert [t.text for t in tokenize(text)] == text.split()


def test_no_digit_has_a_normal_form_starting_with_a_letter():
    # Document.numbers (the words that may start with a digit) relies on it
    import sys

    for cp in range(sys.maxunicode + 1):
        c = chr(cp)
        if c.isdigit():
            assert not normalise(c + "x")[0][:1].isalpha(), hex(cp)


def test_the_stem_shortcut_gives_nltks_stem_for_every_word():
    """A word no stemming step acts on is returned as it is, without NLTK's stemmer: over the
    English word list and random strings (letters, 'y's, apostrophes, capitals, other scripts)
    every stem is NLTK's own."""
    import random

    from nltk.stem.snowball import SnowballStemmer
    from spellchecker import SpellChecker

    from grader.text.tokens import _STEM_ENDINGS, _stem_now

    assert _STEM_ENDINGS, "NLTK's English stemmer no longer names its suffix lists"
    nltk_stem = SnowballStemmer("english").stem
    rng = random.Random(16)
    letters = "abcdefghijklmnopqrstuvwxyzyyeeaAé'жß"
    words = list(SpellChecker(distance=1).word_frequency.dictionary)
    words += ["".join(rng.choice(letters) for _ in range(rng.randint(1, 12)))
              for _ in range(100_000)]
    shortcut = 0
    for w in words:
        assert _stem_now(w) == nltk_stem(w), w
        shortcut += not w.endswith(_STEM_ENDINGS)
    assert shortcut > len(words) // 4  # the shortcut is taken for many words


def test_a_word_and_its_mark_are_the_tokens_the_pattern_finds():
    """The shortcut for a chunk of one word and one mark ("Lenin," "died.") gives the tokens
    of the general path, over random words and every kind of mark."""
    import random

    from grader.text import tokens as tk

    rng = random.Random(15)
    letters = "abcdefghijklmnopqrstuvwxyzAZéжß"
    marks = ".,;:!?)]}\"'’”-—…%*/\u0301_ "  # (a digit after a word is cut as a list number)
    for _ in range(20_000):
        word = "".join(rng.choice(letters) for _ in range(rng.randint(1, 9)))
        chunk = word + rng.choice(marks)
        if chunk.split() != [chunk]:
            continue
        tk._CHUNKS.clear()
        got = [(s, e, raw) for s, e, raw, *_ in tk._chunk_pieces(chunk)]
        expected = [(m.start(), m.end(), m.group()) for m in tk._TOKEN.finditer(chunk)]
        if word[1:].islower() or len(word) == 1:  # no case change: nothing to cut
            assert got == expected, chunk
