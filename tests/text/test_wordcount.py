"""The essay word limit counts words the same way for the API, batches and LTI."""

import pytest

from grader.text.wordcount import word_count, words_over


def test_words_are_runs_of_letters_and_digits():
    assert word_count("Lenin's funeral, 1924 — Trotsky (absent).") == 6
    assert word_count("  \n\t ") == 0


@pytest.mark.parametrize("text, limit, expected", [
    ("a b c", 3, None),          # at the limit is allowed
    ("a b c d", 3, 4),           # one over
    ("a b c d", 0, None),        # 0 turns the limit off
    ("a,b,c,d", 3, 4),           # punctuation separates words like spaces
    ("abcdefgh", 3, None),       # long text, one word: counted and under
    ("x " * 51, 50, 51),
    ("x" * 2000, 50, None),
])
def test_words_over(text, limit, expected):
    assert words_over(text, limit) == expected


def test_short_texts_are_never_over_whatever_their_content():
    # the shortcut must agree with a real count for every text at the boundary length
    for text in ("a b c", "a.b.c", "ab cd", "a  bc", "a\nb c"):
        for limit in range(1, 6):
            count = word_count(text)
            assert words_over(text, limit) == (count if count > limit else None)
