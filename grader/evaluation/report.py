"""Render an evaluation result for a teacher reading a terminal."""

from __future__ import annotations

from .devset import EvalResult


def render_eval(r: EvalResult) -> str:
    lines = [
        f"essays                 {r.essays}",
        f"presence F1            {r.presence_f1:.3f}",
        f"exact level agreement  {r.exact:.3f}",
        f"level QWK              {r.qwk:.3f}",
        f"flag precision         {r.flag_precision:.3f}",
        f"flag recall            {r.flag_recall:.3f}",
        f"flags on correct claims {r.flags_on_correct}",
        f"corrections citing another fact {r.wrong_corrections}",
        "",
        "per factor (presence F1 / exact agreement)",
    ]
    for fid, m in r.per_factor.items():
        lines.append(f"  {fid:28s} {m['presence_f1']:.3f} / {m['exact']:.3f}")
    lines.append("")
    if r.disagreements:
        lines.append(f"disagreements ({len(r.disagreements)})")
        for d in r.disagreements:
            lines.append(f"  {d['essay']}  {d['what']}: expected {d['expected']}, got {d['got']}")
            for ev in d.get("evidence", [])[:2]:
                lines.append(f"      \u201c{ev}\u201d")
    else:
        lines.append("no disagreements")
    return "\n".join(lines)
