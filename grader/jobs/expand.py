"""Reading a batch's uploaded files into items, in a worker (never in the request).

A zip, a table or a document upload is kept as it came (grader.store.batches.add_uploads);
a worker claims it, reads it with the same functions as the command line (grader.batch,
grader.ingest, with their budgets) and stores the items a few hundred at a time, each step
its own transaction, so items can be graded while the rest is read. After a crash the next
claim skips the items already stored; an upload whose reading stopped its worker
BATCH_MAX_STARTS times ends as one failed item saying so.
"""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator, Mapping
from dataclasses import replace
from itertools import islice
from pathlib import PurePosixPath
from typing import Any

from flask import Flask

from ..admission import turns
from ..batch.items import Item, prepare_text
from ..batch.sources import ArchiveLimits, TableOptions, iter_table, iter_zip
from ..ingest import SUPPORTED_SUFFIXES, Budget, IngestLimits
from ..store import batch_claims as claims
from ..store import batches as repo
from ..store import get_store
from ..store.batch_models import Batch

log = logging.getLogger("grader.jobs")
STEP = 200  # items stored per transaction


def upload_limits(config: Mapping[str, Any]) -> IngestLimits:
    """The reading budget of one uploaded batch file: the per-document caps of every upload
    (GRADER_INGEST_*), with room for a whole class in bytes, time and text
    (GRADER_BATCH_MAX_EXPANDED_BYTES, _READ_SECONDS, _TEXT_CHARS)."""
    return replace(IngestLimits.from_config(config),
                   max_expanded_bytes=int(config.get("BATCH_MAX_EXPANDED_BYTES",
                                                     2_000_000_000)),
                   max_seconds=float(config.get("BATCH_MAX_READ_SECONDS", 900)),
                   max_text_chars=int(config.get("BATCH_MAX_TEXT_CHARS", 400_000_000)))


def file_items(name: str, data: bytes, kind: str, table: TableOptions,
               max_entries: int, budget: Budget | None = None) -> Iterator[Item]:
    """The essays in one uploaded file: a zip's entries, a table's rows, or the file."""
    if kind == "zip":
        yield from iter_zip(name, io.BytesIO(data), ArchiveLimits(max_entries=max_entries),
                            table, accept=SUPPORTED_SUFFIXES, budget=budget)
    elif kind in ("csv", "tsv", "jsonl"):
        yield from iter_table(name, io.BytesIO(data), kind, table)
    else:
        yield Item(name, data=data, filename=name)


def student_from_name(name: str) -> str:
    """A student reference from an essay's name: 'class/amy-jones.docx' -> 'amy-jones'."""
    base = PurePosixPath(name.replace("\\", "/")).name
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return (stem or name)[:200]


def new_items(uploads: list[tuple[str, str, bytes]], options: dict[str, Any],
              max_words: int, max_items: int, skip: int = 0,
              limits: IngestLimits | None = None) -> Iterator[repo.NewItem]:
    """Every item of the uploads after the first `skip`, in order, ready to store (its text,
    or the reason it failed), each file read within its own budget (`limits`). Skipped
    items are counted, not read."""
    table = TableOptions(options.get("text_column"), options.get("id_column"))
    n = 0
    for name, kind, data in uploads:
        found = 0
        budget = Budget(limits or upload_limits({}))
        for item in file_items(name, data, kind, table, max_entries=max_items,
                               budget=budget):
            found += 1
            n += 1
            if n > max_items:
                yield repo.NewItem(name, error=f"more than {max_items:,} essays in the batch; "
                                               "the rest were not read")
                return
            if n <= skip:
                continue
            text, error = prepare_text(item, max_words=max_words, budget=budget)
            ref = student_from_name(item.name) if options.get("student_from_name") else None
            yield repo.NewItem(item.name, text=text, error=error, student_ref=ref)
        if not found:
            n += 1
            if n > skip:
                yield repo.NewItem(name, error="no essays found in this file")


def _read_step(app: Flask, items: Iterator[repo.NewItem]) -> list[repo.NewItem]:
    """The next STEP items, read in a turn for heavy work (grader.admission)."""
    with turns(app).turn(wait=None):
        return list(islice(items, STEP))


def read_uploads(app: Flask, batch_seq: int, me: str) -> bool:
    """Claim and read the batch's uploads into items; False if someone else holds them."""
    from .work import finish_batch, setting

    store = get_store(app)
    max_starts = int(setting(app, "BATCH_MAX_STARTS"))
    with store.write() as session:
        started = claims.claim_uploads(session, batch_seq, me,
                                       lease=float(setting(app, "BATCH_LEASE_SECONDS")))
    if started is None:
        return False
    with store.read() as session:
        batch = session.get(Batch, batch_seq)
        options = dict(batch.options or {}) if batch else {}
        files = claims.uploads(session, batch_seq)
        stored = claims.items_stored(session, batch_seq)
    if started > max_starts:
        with store.write() as session:
            repo.add_items(session, batch_seq, [repo.NewItem(
                ", ".join(name for name, _, _ in files)[:500] or "upload",
                error=f"could not be read: reading it stopped the worker {max_starts} times; "
                      "the rest of the upload was not read")], first_position=stored + 1)
            claims.uploads_read(session, batch_seq)
        finish_batch(app, batch_seq)
        return True
    # items stored by an earlier claim that did not finish are skipped
    items = new_items(files, options, int(app.config["MAX_WORDS"]),
                      int(app.config.get("BATCH_MAX_ITEMS", 100_000)), skip=stored,
                      limits=upload_limits(app.config))
    lease = float(setting(app, "BATCH_LEASE_SECONDS"))
    position = stored
    while step := _read_step(app, items):
        with store.write() as session:
            if not claims.holds_uploads(session, batch_seq, me, lease):
                log.warning("batch %s: lost the claim on its uploads", batch_seq)
                return True
            repo.add_items(session, batch_seq, step, first_position=position + 1)
            claims.set_total(session, batch_seq)
        position += len(step)
    with store.write() as session:
        if claims.holds_uploads(session, batch_seq, me, lease):
            claims.uploads_read(session, batch_seq)
    finish_batch(app, batch_seq)
    return True
