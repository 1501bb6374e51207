"""grader.text.punkt decides and realigns exactly as NLTK's Punkt with our parameters."""

import random

import pytest

from grader.text import punkt, sentences
from grader.text.sentences import ABBREVIATIONS

PIECES = ["Stalin", "lenin", "Mr.", "mr.", "e.g.", "etc.", "J.", "a.", "é.", "U.S.S.R.", "1924.",
          "3.", "3.14", "-3.", ",5.", "1,000.", "1924-29.", "12th.", "No.", "no.", "ex-gen.",
          "Gen.", "the", "said", "“Go", "now.”", "(see", "12).", "...", "..", "…", "wait!",
          "why?", "'Yes.'", "\"No.\"", "Then", "I.", "!!", "?!", "left.)", "—", "--", ".", "!",
          "?", ";", ":", ",", "Сталин.", "ленин", "斯大林。", "##number##.", "x\u0301.", "Ǆ.",
          "ǆ", "Ⅻ.", "①.", "e\u0301", "£5.", "50%.", "#1.", "a)", "'s", "“", "”", "’", "*", "/",
          "&", "\u00a0", "\u2028", "[", "]", "{", "}", "@", "1.2.3.", "A.B.", "co.", "-", "'",
          "Stalin.", "Testament.", "He", "exiled.", "dr.", "DR.", "Ab.", "Zhukov.", "1924"]
SPACES = [" ", " ", " ", "  ", "\n", "\t", "\n\n", " \n ", "", "\r\n", "\x0b", "\x0c"]


def _random_text(rng: random.Random, words: int) -> str:
    return "".join(rng.choice(PIECES) + rng.choice(SPACES) for _ in range(words))


@pytest.mark.parametrize("seed", range(20))
def test_the_decision_is_nltks(seed):
    rng = random.Random(seed)
    nltk_punkt = sentences._PUNKT
    for _ in range(500):
        text = _random_text(rng, rng.randint(1, 4))
        assert punkt.contains_sentbreak(text, ABBREVIATIONS) == bool(
            nltk_punkt.text_contains_sentbreak(text)), repr(text)


def test_a_word_a_stop_and_the_next_word_are_decided_as_nltk_does():
    """The shortcut for "Stalin. He" (punkt._plain_break) over random words, abbreviations
    among them, and what may follow the stop."""
    rng = random.Random(16)
    words = [*sorted(ABBREVIATIONS), "Stalin", "he", "X", "ab", "U", "ww", "Ussr"]
    letters = "abcdefghijklmnopqrstuvwxyzAZéжЖßǄǆ斯\u0301"
    nexts = ["He", "he", "1924", "(see", "...", ". .", "é", "Ж", "-", "”", "a.", "Mr.", "斯",
             "\u0301", "①", "Ⅻ", "_"]
    nltk_punkt = sentences._PUNKT
    for _ in range(3000):
        word = rng.choice(words) if rng.random() < 0.5 else "".join(
            rng.choice(letters) for _ in range(rng.randint(1, 8)))
        text = word + "." + rng.choice(SPACES[:8]) + rng.choice(nexts)
        assert punkt.contains_sentbreak(text, ABBREVIATIONS) == bool(
            nltk_punkt.text_contains_sentbreak(text)), repr(text)


@pytest.mark.parametrize("seed", range(10))
def test_the_realignment_is_nltks(seed):
    rng = random.Random(seed)
    nltk_punkt = sentences._PUNKT
    for _ in range(100):
        text = _random_text(rng, rng.randint(1, 30))
        cuts = sorted(rng.sample(range(len(text) + 1), min(len(text) + 1, rng.randint(0, 6))))
        slices = list(zip([0, *cuts], [*cuts, len(text)], strict=True))
        expected = [(s.start, s.stop) for s in nltk_punkt._realign_boundaries(
            text, [slice(a, b) for a, b in slices])]
        assert punkt.realign(text, slices) == expected, (text, slices)


@pytest.mark.parametrize("seed", range(10))
def test_the_spans_are_nltks(seed):
    rng = random.Random(100 + seed)
    for _ in range(50):
        text = _random_text(rng, rng.randint(1, 60))
        sentences._decisions.clear()
        assert sentences._punkt_spans(text) == sentences.punkt_spans(text, 0, len(text)), text
