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
