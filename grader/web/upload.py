"""Upload essays to an assignment (pasted, files, a zip or a CSV) as a batch; its progress."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import PurePosixPath

from flask import abort, current_app, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..batch.items import Item, prepare_text
from ..batch.sources import ArchiveLimits, iter_table, iter_zip, kind_of
from ..ingest import SUPPORTED_SUFFIXES, Budget, IngestLimits
from ..store import batches as batch_repo
from ..store import get_store
from ..store.assignments import get_assignment
from .security import login_required, owner_id
from .views import bp

ACCEPT = ".txt,.docx,.pdf,.odt,.rtf,.zip,.csv,.tsv,.jsonl"


def _student(name: str) -> str:
    """A student reference from an essay's name: 'class/amy-jones.docx' -> 'amy-jones'."""
    base = PurePosixPath(name.replace("\\", "/")).name
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return (stem or name)[:200]


def _items_from_files(budget: Budget) -> Iterator[Item]:
    limits = ArchiveLimits(max_entries=int(current_app.config.get("BATCH_MAX_ITEMS", 100_000)))
    for upload in request.files.getlist("files"):
        name = (upload.filename or "").strip()
        if not name:
            continue
        data = upload.read()
        kind = kind_of(name)
        if kind == "zip":
            yield from iter_zip(name, io.BytesIO(data), limits, accept=SUPPORTED_SUFFIXES,
                                budget=budget)
        elif kind in ("csv", "tsv", "jsonl"):
            yield from iter_table(name, io.BytesIO(data), kind)
        else:
            yield Item(name, data=data, filename=name)


def _new_items(pasted: str, student: str) -> Iterator[batch_repo.NewItem]:
    """The form's essays, read and decoded within one budget for the whole upload."""
    budget = Budget(IngestLimits.from_config(current_app.config))
    max_words = int(current_app.config["MAX_WORDS"])
    max_items = int(current_app.config.get("BATCH_MAX_ITEMS", 100_000))
    items: Iterator[Item] = _items_from_files(budget)
    if pasted.strip():
        name = student or "pasted essay"
        items = iter([Item(name, text=pasted), *items])
    for n, item in enumerate(items, start=1):
        if n > max_items:
            return
        text, error = prepare_text(item, max_words=max_words, budget=budget)
        ref = student if (pasted.strip() and n == 1 and student) else _student(item.name)
        yield batch_repo.NewItem(item.name, text=text, error=error, student_ref=ref)


@bp.route("/assignments/<string:assignment_id>/upload", methods=["GET", "POST"],
          endpoint="upload")
@login_required
def upload_page(assignment_id: str) -> ResponseReturnValue:
    store = get_store()
    with store.read() as session:
        assignment = get_assignment(session, owner_id(), assignment_id)
        if assignment is None:
            abort(404, description="There is no assignment with that id.")
        session.expunge(assignment)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        pasted = request.form.get("text", "")
        student = request.form.get("student", "").strip()[:200]
        # every file is read and decoded before the write transaction opens: on SQLite
        # it holds the database's one write lock, and would make every other writer wait
        items = list(_new_items(pasted, student))
        if not items:
            errors["files"] = ["Paste an essay or choose at least one file."]
        else:
            with store.write() as session:
                batch = batch_repo.create_batch(
                    session, owner_id(), rubric_id=assignment.rubric_id,
                    items=items, assignment_ref=assignment.id)
                seq, batch_id = batch.seq, batch.id
                pending = batch_repo.pending_items(session, seq)
            from ..jobs import get_executor

            get_executor(current_app._get_current_object()).submit(seq, pending)
            return redirect(url_for("web.batch", assignment_id=assignment.id,
                                    batch_id=batch_id), 303)
    return render_template("upload.html", assignment=assignment, errors=errors,
                           accept=ACCEPT), (422 if errors else 200)


def _progress(assignment_id: str, batch_id: str) -> dict:
    with get_store().read() as session:
        batch = batch_repo.get_batch(session, owner_id(), batch_id)
        if batch is None or batch.assignment_ref != assignment_id:
            abort(404, description="There is no upload with that id.")
        counts = batch_repo.counts(session, batch.seq)
        errors = batch_repo.item_errors(session, batch.seq, limit=200)
        return {"state": batch.state, "total": batch.total, **counts, "errors": errors,
                "finished": batch.state in ("done", "cancelled")}


@bp.get("/assignments/<string:assignment_id>/batches/<string:batch_id>", endpoint="batch")
@login_required
def batch_page(assignment_id: str, batch_id: str) -> ResponseReturnValue:
    progress = _progress(assignment_id, batch_id)
    return render_template("batch.html", assignment_id=assignment_id, batch_id=batch_id,
                           p=progress)


@bp.get("/assignments/<string:assignment_id>/batches/<string:batch_id>/status",
        endpoint="batch_status")
@login_required
def batch_status(assignment_id: str, batch_id: str) -> ResponseReturnValue:
    return jsonify(_progress(assignment_id, batch_id))
