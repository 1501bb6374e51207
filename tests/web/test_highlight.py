"""Highlighted essay HTML: every piece escaped, nested and crossing spans well formed."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

from grader.web.highlight import Mark, essay_marks, render

VOID = {"br"}


class Balance(HTMLParser):
    """Checks that every tag closes in order and collects the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack)
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(markup: str) -> Balance:
    b = Balance()
    b.feed(markup)
    b.close()
    assert b.stack == []
    return b


def test_text_is_escaped_and_kept_whole():
    text = "<script>alert(1)</script> & \"quotes\" 'x'"
    out = render(text, [Mark(0, 8, "span"), Mark(3, 20, "em")])
    assert "<script>" not in out
    assert html.unescape(re.sub(r"<[^>]+>", "", out)) == text
    parse(out)


def test_crossing_marks_are_split_and_nested_marks_nest():
    out = str(render("abcdefgh", [Mark(0, 5, "x"), Mark(3, 8, "y"), Mark(1, 2, "z")]))
    assert out == '<x>a<z>b</z>c<y>de</y></x><y data-cont="1">fgh</y>'
    parse(out)


def test_identical_spans_and_out_of_range_marks():
    out = str(render("abc", [Mark(0, 3, "x", key="a"), Mark(0, 3, "y", key="b"),
                             Mark(2, 99, "z"), Mark(5, 9, "w"), Mark(2, 2, "v")]))
    assert out == "<x><y>ab<z>c</z></y></x>"


def test_attributes_from_the_report_are_escaped():
    out = str(render("Lenin died in 1925.", [Mark(0, 18, "span", (
        ("class", "flag"), ("title", '"><script>x</script>')))]))
    assert "<script>" not in out and "&#34;&gt;&lt;script&gt;" in out


def test_essay_marks_label_each_highlight_and_describe_each_flag():
    text = "Lenin died in 1925. Stalin hid the testament."
    report = {"factors": [{"id": "testament", "evidence": [{"start": 20, "end": 45}]}],
              "flags": [{"fact": "F1", "start": 0, "end": 18,
                         "message": "Lenin died in January 1924, not 1925 (F1)."}],
              "writing": {"spelling": [{"start": 6, "end": 10, "suggestions": ["dies"]}]}}
    out = str(render(text, essay_marks(report, {"testament": 3}, {"testament": "Testament"})))
    parse(out)
    assert 'class="ev c3" data-factor="testament"' in out
    assert '<span class="ev-label">Testament</span>' in out
    assert 'tabindex="0" aria-describedby="flag-0"' in out
    assert 'role="tooltip" id="flag-0">Lenin died in January 1924, not 1925 (F1).</span>' in out
    assert "(spelling: dies)" in out


def test_many_random_overlaps_stay_well_formed():
    import random

    rng = random.Random(6)
    text = "x<y&z " * 40
    for _ in range(200):
        marks = [Mark(a, a + rng.randint(0, 30), rng.choice("abc"))
                 for a in (rng.randint(0, len(text)) for _ in range(rng.randint(0, 8)))]
        out = str(render(text, marks))
        assert "".join(parse(out).text) == text
