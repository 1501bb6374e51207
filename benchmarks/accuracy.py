"""Agreement of the grader with human markers on public benchmark sets (ASAP-SAS, Powergrading).

Run from anywhere:  python benchmarks/accuracy.py [--data DIR] [--limit N] [--show-errors SET]
                                                 [--half even|odd|both]

Reads ../shared/benchmarks relative to the repository (never copied into it), grades every
answer with the project's own `grade` function and the rubrics in benchmarks/rubrics/, and
prints one row per set: answers, agreement with the human score, the human-human figure
beside it, and answers graded per second.
"""

from __future__ import annotations

import argparse
import csv
import sys
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

from grader import grade, load_rubric
from grader.evaluation.metrics import cohen_kappa, exact_agreement, quadratic_weighted_kappa

HERE = Path(__file__).resolve().parent
RUBRICS = HERE / "rubrics"
DEFAULT_DATA = HERE.parent.parent / "shared" / "benchmarks"
ASAP_SETS = (1, 2, 5, 6)


@dataclass
class Row:
    """One line of the table."""

    name: str
    answers: int
    metric: str
    value: float
    kappa: float | None
    human_metric: str
    human: float
    per_second: float


def read_tsv(path: Path) -> Iterator[dict[str, str]]:
    """Rows of a header-first TSV without quoting, as the benchmark README prescribes."""
    with path.open(encoding="utf-8", newline="") as f:
        reader = csv.reader(f, delimiter="\t", quoting=csv.QUOTE_NONE)
        header = next(reader)
        for cells in reader:
            if cells:
                yield dict(zip(header, cells, strict=False))


def marks_of(text: str, rubric) -> int:
    return int(round(grade(text, rubric).score.marks))


def asap_rows(folder: Path, limit: int | None) -> list[dict[str, str]]:
    return [r for k, r in enumerate(read_tsv(folder)) if limit is None or k < limit]


def in_half(row: dict[str, str], half: str) -> bool:
    """Whether an answer belongs to the even or odd half of a set (by its Id)."""
    return int(row["Id"]) % 2 == (0 if half == "even" else 1)


def run_asap(data: Path, set_no: int, limit: int | None,
             show_errors: bool, half: str | None = None) -> list[Row]:
    """One row for the set; with `half` "even" or "odd" only that half of the answers (by
    Id), with "both" the whole set followed by a row for each half."""
    path = data / "asap-sas" / f"set{set_no}_train.tsv"
    if not path.is_file():
        return []
    rubric = load_rubric(RUBRICS / f"asap-sas-{set_no}.yaml")
    rows = asap_rows(path, limit)
    if half in ("even", "odd"):
        rows = [r for r in rows if in_half(r, half)]
    start = time.perf_counter()
    predicted = [marks_of(r["EssayText"], rubric) for r in rows]
    elapsed = time.perf_counter() - start
    if show_errors:
        for r, p in zip(rows, predicted, strict=True):
            if p != int(r["Score1"]):
                print(f"[{r['Id']}] human {r['Score1']} grader {p}: {r['EssayText']}\n")
    speed = len(rows) / elapsed if elapsed else float("inf")
    name = f"asap-sas-{set_no}" + (f" {half}" if half in ("even", "odd") else "")
    parts = [(name, rows, predicted)]
    if half == "both":
        for h in ("even", "odd"):
            keep = [k for k, r in enumerate(rows) if in_half(r, h)]
            parts.append((f"asap-sas-{set_no} {h}", [rows[k] for k in keep],
                          [predicted[k] for k in keep]))
    out = []
    for label, subset, pred in parts:
        score1 = [int(r["Score1"]) for r in subset]
        score2 = [int(r["Score2"]) for r in subset]
        out.append(Row(label, len(subset), "QWK",
                       quadratic_weighted_kappa(score1, pred, 0, 3), None,
                       "QWK S1-S2", quadratic_weighted_kappa(score1, score2, 0, 3), speed))
    return out


def majority(*labels: int) -> int:
    return Counter(labels).most_common(1)[0][0]


def run_powergrading(data: Path, limit: int | None, show_errors: str | None) -> list[Row]:
    path = data / "powergrading" / "powergrading_dev.tsv"
    if not path.is_file():
        return []
    by_q: dict[int, list[dict[str, str]]] = {}
    for r in read_tsv(path):
        by_q.setdefault(int(r["Q#"]), []).append(r)
    out: list[Row] = []
    every_truth: list[int] = []
    every_pred: list[int] = []
    every_g1: list[int] = []
    pairs_agree = pairs = 0
    total_time = 0.0
    for q in sorted(by_q):
        file = RUBRICS / f"powergrading-q{q}.yaml"
        if not file.is_file():
            print(f"(no rubric for Powergrading Q{q}; skipped)")
            continue
        rubric = load_rubric(file)
        rows = by_q[q][:limit] if limit else by_q[q]
        start = time.perf_counter()
        pred = [marks_of(r["answer"], rubric) for r in rows]
        elapsed = time.perf_counter() - start
        total_time += elapsed
        grades = [(int(r["G1"]), int(r["G2"]), int(r["G3"])) for r in rows]
        truth = [majority(*g) for g in grades]
        g1 = [g[0] for g in grades]
        agree = sum(a == b for g in grades for a, b in combinations(g, 2))
        pairs_agree += agree
        pairs += 3 * len(grades)
        if show_errors in (f"q{q}", "powergrading"):
            for r, p, t in zip(rows, pred, truth, strict=True):
                if p != t:
                    print(f"[Q{q}] human {t} grader {p}: {r['answer']}")
        every_truth += truth
        every_pred += pred
        every_g1 += g1
        out.append(Row(f"powergrading-q{q}", len(rows), "accuracy",
                       exact_agreement(truth, pred), cohen_kappa(truth, pred),
                       "pairwise agreement", agree / (3 * len(grades)),
                       len(rows) / elapsed if elapsed else float("inf")))
    if every_truth:
        out.append(Row("powergrading (all)", len(every_truth), "accuracy",
                       exact_agreement(every_truth, every_pred),
                       cohen_kappa(every_truth, every_pred),
                       "pairwise agreement", pairs_agree / pairs,
                       len(every_truth) / total_time if total_time else float("inf")))
    return out


def print_table(rows: list[Row]) -> None:
    print(f"{'set':<22}{'answers':>8}  {'grader vs human':<22}{'kappa':>7}  "
          f"{'human vs human':<28}{'answers/s':>10}")
    for r in rows:
        kappa = f"{r.kappa:.3f}" if r.kappa is not None else "-"
        print(f"{r.name:<22}{r.answers:>8}  {r.metric + ' ' + format(r.value, '.3f'):<22}"
              f"{kappa:>7}  {r.human_metric + ' ' + format(r.human, '.3f'):<28}"
              f"{r.per_second:>10.0f}")
    print("\nASAP-SAS: quadratic weighted kappa vs Score1 (0-3); human = QWK of Score1 vs "
          "Score2.\nPowergrading: accuracy and Cohen's kappa vs the majority of G1-G3; human = "
          "mean pairwise agreement of G1, G2, G3.")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA,
                    help="benchmark folder (default: ../shared/benchmarks of the repository)")
    ap.add_argument("--limit", type=int, default=None,
                    help="grade only the first N answers of each set / question")
    ap.add_argument("--show-errors", default=None, metavar="SET",
                    help="print disagreements: 1, 2, 5, 6, q3 … or 'powergrading'")
    ap.add_argument("--only", default=None, help="'asap' or 'powergrading'")
    ap.add_argument("--half", default=None, choices=("even", "odd", "both"),
                    help="ASAP-SAS: only the answers with even (or odd) Ids, or 'both': the "
                         "whole set and each half (analyse errors on one half, check on the "
                         "other)")
    args = ap.parse_args(argv)
    if not args.data.is_dir():
        print(f"Benchmark data not found at {args.data}: nothing to measure "
              "(see the benchmarks section of README.md).")
        return 0
    rows: list[Row] = []
    if args.only in (None, "asap"):
        for n in ASAP_SETS:
            rows += run_asap(args.data, n, args.limit, args.show_errors == str(n), args.half)
    if args.only in (None, "powergrading"):
        rows += run_powergrading(args.data, args.limit, args.show_errors)
    if not rows:
        print(f"No benchmark files found under {args.data}.")
        return 0
    print_table(rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
