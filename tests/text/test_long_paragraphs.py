"""A paragraph of megabytes with doubtful full stops is split piece by piece: NLTK's Punkt
scans a paragraph under a 5 s wall-clock regex limit and raised TimeoutError past it."""

from grader.text.sentences import PUNKT_REACH, sentence_spans

SENTENCE = "Stalin met Mr. Lenin at the congress. "  # "Mr." is doubtful: Punkt decides


def test_a_paragraph_of_megabytes_splits_into_its_sentences():
    n = 120_000  # 4.6 million characters, what a 5 MB request body can hold
    text = SENTENCE * n
    assert len(text) > 200 * PUNKT_REACH
    spans = sentence_spans(text, 0, len(text))
    assert len(spans) == n
    assert all(text[s:e] == SENTENCE.strip() for s, e in spans)
