"""Property-based tests of the grading core: any text grades, fast, with exact spans."""

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from grader import grade

WEIRD = st.sampled_from([
    "\u200b", "\u200e", "\u202e", "\u0301", "\ufeff", "\x00", "\x07", "\r\n", "\t", "😀",
    "’", "“", "…", "—", "1924", "Trotsky", "Lenin's", "funeral", " not ", ".", "!", "?",
    "ß", "İ", "ﬁ", "Ǆ", "\u2028", "\u0085",
])
TEXT = st.lists(st.one_of(st.text(max_size=40), WEIRD), max_size=60).map("".join)


def _check_spans(text, rep):
    for f in rep.factors:
        for e in f.evidence:
            assert text[e.start:e.end] == e.text
    for fl in rep.flags:
        assert text[fl.start:fl.end] == fl.text
    for s in rep.writing.spelling:
        assert text[s.start:s.end] == s.word
    for c in rep.writing.capitalisation:
        assert text[c.start:c.end] == c.word


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(TEXT)
def test_any_text_grades_with_exact_spans(rubric, text):
    rep = grade(text, rubric)
    _check_spans(text, rep)
    assert 0 <= rep.score.marks <= rep.score.max_marks


def _timed(text, rubric):
    t0 = time.perf_counter()
    rep = grade(text, rubric)
    return rep, time.perf_counter() - t0


def test_pathological_shapes_grade_in_time_proportional_to_length(rubric):
    # linear: a generous 5 s per 100,000 characters (a normal 4,000-character essay: ~10 ms)
    cases = {
        "one 1 MB line": ("Stalin " * 150_000)[:1_000_000],
        "100,000 one-character lines": "a\n" * 100_000,
        "only punctuation": ".,;:!?-—'\"()" * 20_000,
        "zero-width and bidi marks": ("Trotsky\u200b\u202e funeral\u200e. " * 10_000),
        "combining marks": ("Le\u0301nin\u0301 " * 30_000),
        "emoji": ("😀 Lenin died in 1924 😀. " * 8_000),
        "repeated model answer": rubric.model_answer * 40,
    }
    for name, text in cases.items():
        rep, took = _timed(text, rubric)
        _check_spans(text, rep)
        assert took < 5.0 * max(1.0, len(text) / 100_000), (name, took)
