"""CSV export of submissions: one row each, factor levels as columns, final marks."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from ..store.models import Submission
from .presenters import final_of

FIXED = ["submission_id", "created_at", "student_ref", "assignment_ref", "external_id",
         "essay", "rubric", "rubric_version", "marks", "max_marks", "band", "band_label",
         "overridden"]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    """Neutralise spreadsheet formulas in text cells ('=cmd|…' becomes text)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def header(factor_ids: list[str]) -> list[str]:
    return FIXED + [f"{fid}_level" for fid in factor_ids] + [f"{fid}_marks" for fid in factor_ids]


def row_cells(row: Submission, factor_ids: list[str]) -> list[object]:
    final = final_of(row)
    by_id = {f["id"]: f for f in final["factors"]}
    cells: list[object] = [
        row.id, row.created_at.isoformat(), row.student_ref, row.assignment_ref,
        row.external_id, row.essay_name, row.rubric_id, row.rubric_version, final["marks"],
        final["max_marks"], final["band"], final["band_label"], final["overridden"]]
    cells += [by_id[f]["level"] if f in by_id else "" for f in factor_ids]
    cells += [by_id[f]["marks"] if f in by_id else "" for f in factor_ids]
    return [safe_cell(c) for c in cells]


def stream_csv(rows: Iterable[Submission], factor_ids: list[str]) -> Iterator[str]:
    """CSV text in chunks, header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header(factor_ids))
    for i, row in enumerate(rows, start=1):
        writer.writerow(row_cells(row, factor_ids))
        if i % 100 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()
