"""Stored rows as API dictionaries (the response schemas dump these)."""

from __future__ import annotations

from typing import Any

from ..store.models import Submission
from ..store.overrides import final_result


def final_of(row: Submission) -> dict[str, Any]:
    """The marks that count: the stored final after an override, else the machine's."""
    return row.final if row.final is not None else final_result(row.report, None, None)


def submission_summary(row: Submission) -> dict[str, Any]:
    return {"id": row.id, "rubric": {"id": row.rubric_id, "version": row.rubric_version},
            "student_ref": row.student_ref, "assignment_ref": row.assignment_ref,
            "external_id": row.external_id, "essay": row.essay_name,
            "created_at": row.created_at, "marks": row.marks, "max_marks": row.max_marks,
            "band": row.band, "overridden": row.override is not None}


def submission_full(row: Submission) -> dict[str, Any]:
    history = [{"actor": c.actor, "changed_at": c.changed_at, "changes": c.changes}
               for c in row.changes]
    return {"id": row.id, "rubric": {"id": row.rubric_id, "version": row.rubric_version},
            "student_ref": row.student_ref, "assignment_ref": row.assignment_ref,
            "external_id": row.external_id, "essay": row.essay_name, "metadata": row.extra,
            "created_at": row.created_at, "updated_at": row.updated_at, "text": row.text,
            "report": row.report, "override": row.override, "final": final_of(row),
            "history": history}
