"""Report renderings for the command line: a readable text report and CSV rows."""

from __future__ import annotations

import textwrap

from ..report.model import Report

LEVEL_NAMES = {0: "not there", 1: "identified", 2: "explained"}


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


def text_report(report: Report, width: int = 88) -> str:
    """A report a teacher or student can read in a terminal."""
    out: list[str] = []
    wrap = textwrap.TextWrapper(width=width, initial_indent="    ", subsequent_indent="    ")
    plain = textwrap.TextWrapper(width=width)
    title = report.essay or "essay"
    s = report.score
    out.append(f"{title} — {report.rubric_id}")
    band = f", band {s.band} ({s.band_label})" if s.band is not None else ""
    out.append(f"Mark: {_n(s.marks)} / {_n(s.max_marks)}{band}")
    st = report.stats
    out.append(f"{st.words} words, {st.sentences} sentences, {st.paragraphs} paragraphs")
    out.append("")
    out.append("Factors")
    for f in report.factors:
        name = LEVEL_NAMES.get(f.level, str(f.level)) if f.max_level == 2 else (
            "present" if f.level else "not there")
        out.append(f"  {f.title}: {name} ({_n(f.marks)}/{_n(f.max_marks)} marks, "
                   f"confidence {f.confidence:.2f})")
        out.extend(wrap.wrap(f.feedback))
        for e in f.evidence[:3]:
            snippet = e.text if len(e.text) <= 100 else e.text[:97] + "..."
            out.append(f"    [{e.start}-{e.end}] \u201c{snippet}\u201d")
    out.append("")
    for title, items in (("Factual errors", [(f, f.message) for f in report.flags]),
                         ("For you to check (not flagged; not for the student)",
                          [(r, r.reason) for r in report.review])):
        if items:
            out.append(title)
            for span, why in items:
                out.append(f"  [{span.start}-{span.end}] \u201c{span.text}\u201d")
                out.extend(wrap.wrap(why))
            out.append("")
    w = report.writing
    if w.spelling or w.capitalisation:
        out.append("Writing")
        for sp in w.spelling[:15]:
            sug = f" → {', '.join(sp.suggestions)}" if sp.suggestions else ""
            out.append(f"  spelling: {sp.word}{sug}")
        for c in w.capitalisation[:10]:
            out.append(f"  capital letter: {c.word} → {c.expected}")
        out.append("")
    fb = report.feedback
    out.extend(plain.wrap(fb.summary))
    if fb.strengths:
        out.append("Strengths")
        out.extend("  - " + s_ for s_ in fb.strengths)
    if fb.next_steps:
        out.append("Next steps")
        out.extend("  - " + s_ for s_ in fb.next_steps)
    return "\n".join(out) + "\n"


def csv_header(factor_ids: list[str]) -> list[str]:
    return ["essay", "marks", "max_marks", "band", *factor_ids, "flags"]


def csv_row(report: Report) -> list[str]:
    s = report.score
    return [report.essay or "", _n(s.marks), _n(s.max_marks),
            "" if s.band is None else str(s.band),
            *[str(f.level) for f in report.factors], str(len(report.flags))]
