"""Rubrics an owner sees: the bundled ones (read-only) and the owner's own stored ones."""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..rubric import Rubric, bundled_rubrics, load_bundled, parse_rubric
from .models import StoredRubric, utcnow


def is_bundled(rubric_id: str) -> bool:
    return rubric_id in bundled_rubrics()


def bundled(rubric_id: str) -> Rubric | None:
    """A bundled rubric by id (never a path: callers' strings do not reach the filesystem)."""
    return load_bundled(rubric_id)


@lru_cache(maxsize=256)
def _compile(definition_json: str) -> Rubric:
    return parse_rubric(json.loads(definition_json), source="stored rubric")


def compile_stored(row: StoredRubric) -> Rubric:
    """The compiled rubric of a stored row (compiled once per process and definition)."""
    return _compile(json.dumps(row.definition, sort_keys=True))


def get_stored(session: Session, owner_id: int, rubric_id: str) -> StoredRubric | None:
    return session.scalars(
        select(StoredRubric).where(
            StoredRubric.owner_id == owner_id, StoredRubric.rubric_id == rubric_id
        )
    ).first()


def list_stored(session: Session, owner_id: int) -> list[StoredRubric]:
    return list(
        session.scalars(
            select(StoredRubric)
            .where(StoredRubric.owner_id == owner_id)
            .order_by(StoredRubric.rubric_id)
        )
    )


def resolve(session: Session, owner_id: int, rubric_id: str) -> Rubric | None:
    """The rubric `rubric_id` as this owner sees it, or None."""
    found = bundled(rubric_id)
    if found is not None:
        return found
    row = get_stored(session, owner_id, rubric_id)
    return compile_stored(row) if row is not None else None


def save(
    session: Session,
    owner_id: int,
    rubric: Rubric,
    definition: dict[str, Any],
    row: StoredRubric | None = None,
) -> StoredRubric:
    """Insert a new stored rubric, or replace `row`'s definition."""
    if row is None:
        row = StoredRubric(owner_id=owner_id, rubric_id=rubric.id)
        session.add(row)
    row.version = str(rubric.version)
    row.title = rubric.title
    row.definition = definition
    row.updated_at = utcnow()
    session.flush()
    return row
