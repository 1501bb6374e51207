"""Rubrics an owner sees: the bundled ones (read-only) and the owner's own stored ones,
with every definition a stored rubric has had (by digest), for the submissions it graded."""

from __future__ import annotations

import hashlib
import json
from functools import lru_cache
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ..rubric import Rubric, bundled_rubrics, load_bundled, parse_rubric
from .models import RubricVersion, StoredRubric, utcnow


def is_bundled(rubric_id: str) -> bool:
    return rubric_id in bundled_rubrics()


def bundled(rubric_id: str) -> Rubric | None:
    """A bundled rubric by id (never a path: callers' strings do not reach the filesystem)."""
    return load_bundled(rubric_id)


@lru_cache(maxsize=256)
def _compile(definition_json: str) -> Rubric:
    return parse_rubric(json.loads(definition_json), source="stored rubric")


def compile_stored(row: StoredRubric | RubricVersion) -> Rubric:
    """The compiled rubric of a stored row (compiled once per process and definition)."""
    return _compile(json.dumps(row.definition, sort_keys=True))


def definition_digest(definition: dict[str, Any]) -> str:
    """SHA-256 of a rubric definition's canonical JSON (what identifies a version)."""
    return hashlib.sha256(json.dumps(definition, sort_keys=True).encode()).hexdigest()


_DIGESTS: dict[int, tuple[Rubric, str]] = {}


def digest_of(rubric: Rubric) -> str:
    """The digest of the definition `rubric` was compiled from (cached per rubric object)."""
    known = _DIGESTS.get(id(rubric))
    if known is not None and known[0] is rubric:
        return known[1]
    digest = definition_digest(rubric.raw)
    if len(_DIGESTS) >= 1024:
        _DIGESTS.clear()
    _DIGESTS[id(rubric)] = (rubric, digest)
    return digest


def current_digest(session: Session, owner_id: int, rubric_id: str) -> str | None:
    """The digest of the rubric `rubric_id` as this owner sees it now (None if unknown)."""
    found = bundled(rubric_id)
    if found is not None:
        return digest_of(found)
    row = get_stored(session, owner_id, rubric_id)
    return definition_digest(row.definition) if row is not None else None


def keep_version(session: Session, owner_id: int, rubric_id: str, version: str,
                 definition: dict[str, Any]) -> str:
    """Record `definition` among the rubric's versions (once); its digest."""
    digest = definition_digest(definition)
    exists = session.scalar(select(RubricVersion.id).where(
        RubricVersion.owner_id == owner_id, RubricVersion.rubric_id == rubric_id,
        RubricVersion.digest == digest))
    if exists is None:
        try:
            with session.begin_nested():  # a concurrent save of the same definition may win
                session.add(RubricVersion(owner_id=owner_id, rubric_id=rubric_id,
                                          digest=digest, version=version,
                                          definition=definition))
        except IntegrityError:
            pass
    return digest


def rubric_that_graded(session: Session, owner_id: int, rubric_id: str,
                       digest: str | None) -> Rubric | None:
    """The rubric version that graded a submission (`rubric_id`, `digest`), or None when it
    is not known (overrides then take marks, not levels): never a later edit of it.

    Submissions from before versions were kept have no digest: a bundled rubric is taken
    as it is now (they change only with a release); a stored one was edited since.
    """
    found = bundled(rubric_id)
    if found is not None and (digest is None or digest_of(found) == digest):
        return found
    if digest is None:
        return None
    row = session.scalars(select(RubricVersion).where(
        RubricVersion.owner_id == owner_id, RubricVersion.rubric_id == rubric_id,
        RubricVersion.digest == digest)).first()
    return compile_stored(row) if row is not None else None


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
    """Insert a new stored rubric, or replace `row`'s definition (the old one is kept among
    the rubric's versions for the submissions it graded)."""
    if row is None:
        row = StoredRubric(owner_id=owner_id, rubric_id=rubric.id)
        session.add(row)
    row.version = str(rubric.version)
    row.title = rubric.title
    row.definition = definition
    row.updated_at = utcnow()
    session.flush()
    keep_version(session, owner_id, rubric.id, row.version, definition)
    return row
