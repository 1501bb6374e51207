"""Agreement metrics as pure functions (after RSMTool's utils/metrics)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence


def quadratic_weighted_kappa(y_true: Sequence[int], y_pred: Sequence[int],
                             min_rating: int | None = None,
                             max_rating: int | None = None) -> float:
    """Cohen's kappa with quadratic weights.

    kappa = 1 - sum(w_ij * O_ij) / sum(w_ij * E_ij), w_ij = (i - j)^2 / (k - 1)^2, where O is
    the observed confusion matrix and E the outer product of the marginals scaled to N.
    Returns 1.0 when both raters give one identical constant rating.
    """
    if len(y_true) != len(y_pred):
        raise ValueError("the two rating lists differ in length")
    if not y_true:
        return float("nan")
    lo = min(min(y_true), min(y_pred)) if min_rating is None else min_rating
    hi = max(max(y_true), max(y_pred)) if max_rating is None else max_rating
    k = hi - lo + 1
    if k <= 1:
        return 1.0
    n = len(y_true)
    observed = Counter(zip(y_true, y_pred, strict=True))
    hist_t = Counter(y_true)
    hist_p = Counter(y_pred)
    num = den = 0.0
    for i in range(lo, hi + 1):
        for j in range(lo, hi + 1):
            w = (i - j) ** 2 / (k - 1) ** 2
            num += w * observed.get((i, j), 0)
            den += w * hist_t.get(i, 0) * hist_p.get(j, 0) / n
    if den == 0:
        return 1.0 if num == 0 else 0.0
    return 1.0 - num / den


def cohen_kappa(y_true: Sequence, y_pred: Sequence) -> float:
    """Unweighted Cohen's kappa: (p_o - p_e) / (1 - p_e)."""
    n = len(y_true)
    if n == 0:
        return float("nan")
    po = sum(a == b for a, b in zip(y_true, y_pred, strict=True)) / n
    ct, cp = Counter(y_true), Counter(y_pred)
    pe = sum(ct[c] * cp.get(c, 0) for c in ct) / (n * n)
    return 1.0 if pe == 1 else (po - pe) / (1 - pe)


def exact_agreement(y_true: Sequence, y_pred: Sequence) -> float:
    n = len(y_true)
    return sum(a == b for a, b in zip(y_true, y_pred, strict=True)) / n if n else float("nan")


def f1(tp: int, fp: int, fn: int) -> float:
    """Harmonic mean of precision and recall; 1.0 when there was nothing to find or flag."""
    if tp == 0 and fp == 0 and fn == 0:
        return 1.0
    p = tp / (tp + fp) if tp + fp else 0.0
    r = tp / (tp + fn) if tp + fn else 0.0
    return 2 * p * r / (p + r) if p + r else 0.0


def ratio(num: int, den: int) -> float:
    return num / den if den else float("nan")
