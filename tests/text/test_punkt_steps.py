"""Punkt run step by step (decisions remembered per context, the word before found with
rfind) gives exactly the spans of NLTK's own span_tokenize."""

import random

import pytest

from grader.text import sentences
from grader.text.sentences import PUNKT_REACH, punkt_spans, sentence_spans

CASES = [
    "Why?! He left. Then he came back!! And again?!",
    "What?!? No!!! Yes... maybe. Fine!!",
    "He said “Go now.” Then he went. “Why?” she asked. 'Stop!' he said.",
    "(He left.) They stayed. [See p. 12.] The end.",
    "Mr. Stalin met Dr. Lenin. Prof. Trotsky was absent, e.g. at St. Petersburg. Etc. etc.",
    "J. Stalin and V. I. Lenin met. A. B. C. were there. I. Then he went.",
    "Pi is 3.14. It rose 2.5 per cent. in 1924. The U.S.S.R. was founded. In the U.S. too.",
    "It cost £5. It was 1,000. It was No. 1. It was vol. 3. The 1920s. Then.",
    "Wait... what? Well… no. . . . Ok.. Go. ! ? .",
    "nucleus.The end. Сталин. Ленин пришёл. 斯大林。 Done.",
    "Hello.\tTab. Non\u00a0breaking. Line\u2028sep. Vertical\x0btab. End.  ",
    "He said \"No.\" She said 'Yes.' (Quote.)” x. ’ y.",
    ". Starts with a mark. ?! And marks only: !!! ??? ...",
    "",
    "   ",
    "No marks at all",
]


@pytest.mark.parametrize("text", CASES)
def test_the_steps_give_punkts_spans(text):
    assert sentences._punkt_spans(text) == punkt_spans(text, 0, len(text))
    # the second time round the decisions come from the cache: still the same
    assert sentences._punkt_spans(text) == punkt_spans(text, 0, len(text))


WORDS = ["Stalin", "lenin", "Mr.", "e.g.", "etc.", "J.", "a.", "U.S.S.R.", "1924.", "3.",
         "3.14", "No.", "the", "said", "“Go", "now.”", "(see", "12).", "...", "…", "wait!",
         "why?", "'Yes.'", "\"No.\"", "Then", "I.", "!!", "?!", "left.)", "—", ".", "!", "?",
         "...”", "“", "”", ")", "'", ".)", "?\"", "!'", "Сталин.", "..", "!?", "?.", ".!"]
SEPARATORS = [" "] * 10 + ["  ", "\n", "\t", "\u00a0", "", "\x0b"]


def test_random_texts_give_punkts_spans():
    rng = random.Random(15)
    for _ in range(400):
        text = "".join(rng.choice(WORDS) + rng.choice(SEPARATORS)
                       for _ in range(rng.randint(1, 40)))
        assert sentences._punkt_spans(text) == punkt_spans(text, 0, len(text)), text


def test_a_long_context_is_decided_but_not_remembered():
    word = "x" * (sentences.CACHED_CONTEXT + 10)
    text = f"Mr. {word}. Then {word}. Done."
    assert sentences._punkt_spans(text) == punkt_spans(text, 0, len(text))
    assert not any(word in context for context in sentences._decisions)


@pytest.mark.parametrize("clear_every", [3, 400])
def test_a_long_paragraph_cut_in_pieces_keeps_punkts_sentences(clear_every):
    # doubtful stops ("Mr.") everywhere; a clear break every `clear_every` sentences: the
    # pieces are cut at the last clear break, found in a piece's tail or (when its tail has
    # none) by a scan of the whole piece; Punkt reads a piece with the word after it, so
    # "Why?!" at a piece's end stays whole (read alone, "Why?" and "!" were two sentences)
    parts = []
    k = 0
    while sum(map(len, parts)) < 3 * PUNKT_REACH:
        k += 1
        parts.append("He met Mr. Lenin there. " if k % clear_every else "Why?! They met. ")
    text = "".join(parts).strip()
    assert sentence_spans(text, 0, len(text)) == punkt_spans(text, 0, len(text))
