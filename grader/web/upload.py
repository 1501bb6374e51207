"""Upload essays to an assignment (pasted, files, a zip or a CSV) as a batch; its progress.

The files are stored as they came and read into essays by a worker (grader.jobs.expand),
not while the teacher's request holds a worker thread or a write transaction."""

from __future__ import annotations

from flask import abort, current_app, jsonify, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..batch.items import Item, prepare_text
from ..batch.sources import kind_of
from ..store import batches as batch_repo
from ..store import get_store
from ..store.assignments import get_assignment
from .security import login_required, owner_id
from .views import bp

ACCEPT = ".txt,.docx,.pdf,.odt,.rtf,.zip,.csv,.tsv,.jsonl"


def _uploads() -> list[tuple[str, str, bytes]]:
    """The chosen files as they came (name, kind, bytes): a worker reads them."""
    found = []
    for upload in request.files.getlist("files"):
        name = (upload.filename or "").strip()
        if name:
            found.append((name[:500], kind_of(name), upload.read()))
    return found


def _pasted(pasted: str, student: str) -> list[batch_repo.NewItem]:
    if not pasted.strip():
        return []
    text, error = prepare_text(Item(student or "pasted essay", text=pasted),
                               max_words=int(current_app.config["MAX_WORDS"]))
    return [batch_repo.NewItem(student or "pasted essay", text=text, error=error,
                               student_ref=student or "pasted essay")]


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
        items = _pasted(request.form.get("text", ""), request.form.get("student", "").strip()[:200])
        uploads = _uploads()
        if not items and not uploads:
            errors["files"] = ["Paste an essay or choose at least one file."]
        else:
            with store.write() as session:
                batch = batch_repo.create_batch(
                    session, owner_id(), rubric_id=assignment.rubric_id, items=items,
                    assignment_ref=assignment.id, options={"student_from_name": True})
                batch_repo.add_uploads(session, batch.seq, uploads)
                seq, batch_id = batch.seq, batch.id
            from ..jobs import get_executor

            get_executor(current_app._get_current_object()).submit(seq, len(items) + len(uploads))
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
