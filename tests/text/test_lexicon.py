"""Spelling correction towards a rubric's vocabulary: what it finds, and that the quick
rejection of hopeless words never changes an answer."""

import random

from grader.text import Lexicon, make_entity


def lexicon() -> Lexicon:
    lx = Lexicon()
    for eid, name in [("trotsky", "Trotsky"), ("zinoviev", "Zinoviev"), ("kamenev", "Kamenev"),
                      ("bukharin", "Bukharin"), ("krupskaya", "Krupskaya"),
                      ("tukhachevsky", "Tukhachevsky")]:
        lx.add(make_entity(eid, "person", name, []))
    lx.add(make_entity("testament", "term", "Lenin's Testament", ["testament"]))
    lx.add_words(["funeral", "purges", "factionalism", "socialism", "politburo", "secretary"])
    lx.freeze()
    return lx


def test_misspellings_of_every_kind_are_corrected():
    lx = lexicon()
    assert lx.correct("trotksy") == "trotsky"          # two letters swapped
    assert lx.correct("rtotsky") == "trotsky"          # the first two swapped
    assert lx.correct("zinovev") == "zinoviev"         # a letter dropped
    assert lx.correct("bukhharin") == "bukharin"       # a letter doubled
    assert lx.correct("tookachevski") == "tukhachevsky"  # spelt by ear


def test_words_near_nothing_in_the_rubric_are_left_alone():
    lx = lexicon()
    for word in ["qzxvbn", "plorkfen", "wibbletonk", "xrtotsky"]:
        assert lx.correct(word) is None


def test_the_quick_rejection_gives_the_answers_of_a_full_search():
    """The same answers as with the whole vocabulary searched for every word."""
    quick, full = lexicon(), lexicon()
    full._near = {}  # no index: every word is searched against every choice
    rng = random.Random(7)
    alphabet = "abcdefghijklmnopqrstuvwxyz"
    words = []
    for w in sorted(quick.vocabulary):
        for _ in range(40):
            x = list(w)
            for _ in range(rng.randint(1, 3)):
                i = rng.randrange(len(x))
                op = rng.randrange(4)
                if op == 0:
                    x[i] = rng.choice(alphabet)
                elif op == 1:
                    x.insert(i, rng.choice(alphabet))
                elif op == 2 and len(x) > 1:
                    del x[i]
                elif i + 1 < len(x):
                    x[i], x[i + 1] = x[i + 1], x[i]
            words.append("".join(x))
    words += ["".join(rng.choice(alphabet) for _ in range(rng.randint(4, 12)))
              for _ in range(2000)]
    answers = [quick.correct(w) for w in words]
    assert answers == [full.correct(w) for w in words]
    assert sum(a is not None for a in answers) > 300  # the sample holds real corrections


def test_a_misspelt_start_of_a_cue_prefix_is_put_right():
    lx = lexicon()
    lx.add_prefixes(["assassinat", "militaris", "purg"])  # "purg": too short to correct
    assert lx.correct("asassination") == "assassination"
    assert lx.correct("militerism") == "militarism"
    assert lx.correct("porgatory") is None  # would be "purgatory" if "purg" were used
    assert lx.correct("asessment") is None  # near no prefix
    assert lx.correct("assistance") is None  # an English word is never corrected
