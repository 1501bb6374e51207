"""Evaluate a rubric on a labelled essay set (the format of shared/eval/stalin_dev.jsonl)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from marshmallow import EXCLUDE, Schema, ValidationError, fields

from ..pipeline import grade
from ..rubric.model import Rubric
from .metrics import exact_agreement, f1, quadratic_weighted_kappa, ratio


class _Quote(Schema):
    class Meta:
        unknown = EXCLUDE

    quote = fields.String(required=True)
    fact = fields.String(load_default=None)
    why = fields.String(load_default=None)


class LabelledEssaySchema(Schema):
    """One row of a labelled set."""

    class Meta:
        unknown = EXCLUDE

    id = fields.String(required=True)
    text = fields.String(required=True)
    levels = fields.Dict(keys=fields.String(), values=fields.Integer(), required=True)
    errors = fields.List(fields.Nested(_Quote), load_default=list)
    correct_claims = fields.List(fields.Nested(_Quote), load_default=list)
    band = fields.Integer(load_default=None, allow_none=True)
    kind = fields.String(load_default="")


class DatasetError(ValueError):
    pass


def read_dataset(path: str | Path) -> list[dict[str, Any]]:
    rows = []
    schema = LabelledEssaySchema()
    with open(path, encoding="utf-8-sig") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rows.append(schema.load(json.loads(line)))
            except json.JSONDecodeError as exc:
                raise DatasetError(f"line {n}: not JSON ({exc.msg})") from None
            except ValidationError as exc:
                raise DatasetError(f"line {n}: {exc.messages}") from None
    return rows


@dataclass
class EvalResult:
    essays: int
    presence_f1: float
    exact: float
    qwk: float
    flag_precision: float
    flag_recall: float
    flags_on_correct: int
    wrong_corrections: int = 0
    per_factor: dict[str, dict[str, float]] = field(default_factory=dict)
    disagreements: list[dict[str, Any]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        return self.__dict__.copy()


def _span(text: str, quote: str) -> tuple[int, int] | None:
    i = text.find(quote)
    return (i, i + len(quote)) if i >= 0 else None


def evaluate(rows: list[dict[str, Any]], rubric: Rubric) -> EvalResult:
    """Presence F1, exact level agreement, QWK, flag precision/recall, flags on correct
    claims, corrections citing another fact than the labelled error's, disagreements."""
    ids = [f.id for f in rubric.factors]
    gold_all: list[int] = []
    pred_all: list[int] = []
    counts = {fid: [0, 0, 0] for fid in ids}
    per_exact: dict[str, list[bool]] = {fid: [] for fid in ids}
    tp = fp = fn = tp_flags = 0
    on_correct = wrong_fact = 0
    dis: list[dict[str, Any]] = []
    for row in rows:
        rep = grade(row["text"], rubric, essay=row["id"])
        for fr in rep.factors:
            if fr.id not in row["levels"]:
                continue
            g, p = row["levels"][fr.id], fr.level
            gold_all.append(g)
            pred_all.append(p)
            per_exact[fr.id].append(g == p)
            c = counts[fr.id]
            if p >= 1 and g >= 1:
                c[0] += 1
            elif p >= 1:
                c[1] += 1
            elif g >= 1:
                c[2] += 1
            if g != p:
                dis.append({"essay": row["id"], "what": f"factor {fr.id}", "expected": g,
                            "got": p, "evidence": [e.text for e in fr.evidence][:3]})
        err_spans = [(_span(row["text"], e["quote"]), e) for e in row["errors"]]
        ok_spans = [(_span(row["text"], e["quote"]), e) for e in row["correct_claims"]]
        for flag in rep.flags:
            hit = [e for s, e in err_spans if s and s[0] < flag.end and flag.start < s[1]]
            if hit:
                tp_flags += 1
                labelled = {e.get("fact") for e in hit}
                if None not in labelled and flag.fact not in labelled:
                    wrong_fact += 1  # the right sentence, "corrected" with another fact
                    dis.append({"essay": row["id"], "what": f"flag {flag.fact}",
                                "expected": f"a correction citing {', '.join(sorted(labelled))}",
                                "got": flag.message, "evidence": [flag.text]})
            else:
                fp += 1
                dis.append({"essay": row["id"], "what": f"flag {flag.fact}",
                            "expected": "no flag", "got": flag.message,
                            "evidence": [flag.text]})
            if any(s and s[0] < flag.end and flag.start < s[1] for s, _ in ok_spans):
                on_correct += 1
        for s, e in err_spans:
            if s and any(s[0] < f.end and f.start < s[1] for f in rep.flags):
                tp += 1
            else:
                fn += 1
                dis.append({"essay": row["id"], "what": f"flag {e.get('fact')}",
                            "expected": e.get("why") or e["quote"], "got": "no flag",
                            "evidence": [e["quote"]]})
    tp_p = sum(c[0] for c in counts.values())
    fp_p = sum(c[1] for c in counts.values())
    fn_p = sum(c[2] for c in counts.values())
    per = {fid: {"presence_f1": round(f1(*counts[fid]), 3),
                 "exact": round(exact_agreement(per_exact[fid], [True] * len(per_exact[fid])), 3)
                 if per_exact[fid] else float("nan")} for fid in ids}
    return EvalResult(
        essays=len(rows), presence_f1=round(f1(tp_p, fp_p, fn_p), 3),
        exact=round(exact_agreement(gold_all, pred_all), 3),
        qwk=round(quadratic_weighted_kappa(gold_all, pred_all), 3),
        flag_precision=round(ratio(tp_flags, tp_flags + fp), 3) if tp_flags + fp else 1.0,
        flag_recall=round(ratio(tp, tp + fn), 3) if tp + fn else 1.0,
        flags_on_correct=on_correct, wrong_corrections=wrong_fact, per_factor=per,
        disagreements=dis)
