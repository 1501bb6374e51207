"""The essay as safe HTML: text split at span boundaries, every piece escaped, marks nested.

Spans are `[start, end)` code-point offsets into the essay. Marks that nest become nested
elements; marks that cross are split (closed and reopened) so the HTML is always well formed.
Nothing from the essay is ever marked safe: only the tags built here are.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup, escape


@dataclass(frozen=True)
class Mark:
    """A span to wrap: `tag` with `attrs`; `before`/`after` are extra safe HTML at its ends."""

    start: int
    end: int
    tag: str
    attrs: tuple[tuple[str, str], ...] = ()
    before: Markup = field(default_factory=Markup)
    after: Markup = field(default_factory=Markup)
    key: str = ""  # orders marks that share both ends (outer first)


def _open(mark: Mark, first: bool) -> str:
    attrs = mark.attrs if first else tuple((k, v) for k, v in mark.attrs
                                           if k not in ("id", "tabindex", "aria-describedby"))
    if not first:
        attrs += (("data-cont", "1"),)
    rendered = "".join(f' {k}="{escape(v)}"' for k, v in attrs)
    return f"<{mark.tag}{rendered}>" + (str(mark.before) if first else "")


def _close(mark: Mark, last: bool) -> str:
    return (str(mark.after) if last else "") + f"</{mark.tag}>"


def _clip(marks: list[Mark], length: int) -> list[Mark]:
    out = []
    for m in marks:
        start, end = max(0, min(m.start, length)), max(0, min(m.end, length))
        if end > start:
            out.append(m if (start, end) == (m.start, m.end) else
                       Mark(start, end, m.tag, m.attrs, m.before, m.after, m.key))
    return out


def render(text: str, marks: list[Mark]) -> Markup:
    """`text` escaped, with each mark's element around its span (nested or split)."""
    marks = _clip(marks, len(text))
    order = sorted(range(len(marks)), key=lambda i: (marks[i].start, -marks[i].end,
                                                     marks[i].key, i))
    rank = {i: r for r, i in enumerate(order)}
    cuts = sorted({0, len(text)} | {m.start for m in marks} | {m.end for m in marks})
    out: list[str] = []
    stack: list[int] = []  # open marks, outermost first
    opened: set[int] = set()
    for a, b in zip(cuts, cuts[1:], strict=False):
        active = sorted((i for i, m in enumerate(marks) if m.start <= a and b <= m.end),
                        key=lambda i: rank[i])
        keep = 0  # how many of the open marks stay open, from the outside in
        while keep < len(stack) and keep < len(active) and stack[keep] == active[keep]:
            keep += 1
        for i in reversed(stack[keep:]):
            out.append(_close(marks[i], marks[i].end <= a))
        stack = stack[:keep]
        for i in active[keep:]:
            out.append(_open(marks[i], i not in opened))
            opened.add(i)
            stack.append(i)
        out.append(str(escape(text[a:b])))
    for i in reversed(stack):
        out.append(_close(marks[i], True))
    return Markup("".join(out))


def essay_marks(report: dict[str, Any], colours: dict[str, int],
                titles: dict[str, str]) -> list[Mark]:
    """Evidence, factual flags and spelling of a version-1 report as marks."""
    marks: list[Mark] = []
    for f in report.get("factors", []):
        label = titles.get(f["id"], f["id"])
        for n, ev in enumerate(f.get("evidence", [])):
            tag = Markup('<span class="ev-label">{}</span>').format(label)
            marks.append(Mark(ev["start"], ev["end"], "span", (
                ("class", f"ev c{colours.get(f['id'], 0)}"), ("data-factor", f["id"]),
                ("title", f"Evidence: {label}")), before=tag, key=f"a{f['id']}{n}"))
    for n, flag in enumerate(report.get("flags", [])):
        tip_id = f"flag-{n}"
        tip = Markup('<span class="tip" role="tooltip" id="{}">{}</span>').format(
            tip_id, flag.get("message") or f"Expected {flag.get('expected')}")
        marks.append(Mark(flag["start"], flag["end"], "span", (
            ("class", "flag"), ("tabindex", "0"), ("aria-describedby", tip_id),
            ("data-fact", flag.get("fact", ""))), after=tip, key=f"b{n}"))
    writing = report.get("writing", {})
    for n, s in enumerate(writing.get("spelling", [])):
        hint = ", ".join(s.get("suggestions", [])[:3]) or "no suggestion"
        note = Markup('<span class="sr-only"> (spelling: {})</span>').format(hint)
        marks.append(Mark(s["start"], s["end"], "span", (
            ("class", "spell"), ("title", f"Spelling: {hint}")), after=note, key=f"c{n}"))
    for n, c in enumerate(writing.get("capitalisation", [])):
        note = Markup('<span class="sr-only"> (capital letter: {})</span>').format(
            c.get("expected", ""))
        marks.append(Mark(c["start"], c["end"], "span", (
            ("class", "spell caps"), ("title", f"Capital letter: {c.get('expected', '')}")),
            after=note, key=f"d{n}"))
    return marks
