"""Essays to mark from the command line: files, folders, globs, zips, tables, standard input."""

from __future__ import annotations

import glob
import os
import sys
from collections.abc import Iterator
from pathlib import Path

from ..batch.items import MAX_ESSAY_BYTES, Item
from ..batch.sources import (
    DEFAULT_LIMITS,
    DEFAULT_TABLE,
    ArchiveLimits,
    TableOptions,
    iter_table,
    iter_zip,
    kind_of,
)

GLOB_CHARS = frozenset("*?[")

__all__ = ["Item", "iter_items", "count_items", "read_item", "MAX_ESSAY_BYTES"]


def read_item(name: str, data: bytes) -> Item:
    """An Item for bytes read from `name`, decoded and checked now (for single files)."""
    from ..batch.items import prepare_text

    text, error = prepare_text(Item(name, data=data))
    return Item(name, text=text, error=error)


def _supported(path: str) -> bool:
    from ..ingest import SUPPORTED_SUFFIXES

    return kind_of(path) != "file" or Path(path).suffix.lower() in SUPPORTED_SUFFIXES


def _expand(p: str) -> Iterator[tuple[str, bool]]:
    """(path, explicit) for every file that input `p` names; explicit files are never skipped."""
    path = Path(p)
    if path.is_dir():
        yield from _walk(p)
    elif path.exists() or not (GLOB_CHARS & set(p)):
        yield p, True
    else:
        matches = sorted(glob.glob(p, recursive=True))
        if not matches:
            yield p, True  # reported as 'no such file'
        for m in matches:
            if Path(m).is_dir():
                yield from _walk(m)
            else:
                yield m, False


def _walk(folder: str) -> Iterator[tuple[str, bool]]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for f in sorted(files):
            if not f.startswith("."):
                yield os.path.join(root, f), False


def _file_items(p: str, explicit: bool, table: TableOptions,
                limits: ArchiveLimits) -> Iterator[Item]:
    from ..ingest import SUPPORTED_SUFFIXES

    if not explicit and not _supported(p):
        return
    kind = kind_of(p)
    try:
        if kind == "zip":
            with open(p, "rb") as fh:
                yield from iter_zip(p, fh, limits, table, accept=SUPPORTED_SUFFIXES)
            return
        if kind != "file":
            with open(p, "rb") as fh:
                yield from iter_table(p, fh, kind, table)
            return
        if os.path.getsize(p) > MAX_ESSAY_BYTES:
            yield Item(p, error=f"larger than {MAX_ESSAY_BYTES // 1_000_000} MB")
            return
        yield Item(p, data=Path(p).read_bytes())
    except FileNotFoundError:
        yield Item(p, error="no such file")
    except IsADirectoryError:
        yield Item(p, error="is a folder")
    except OSError as exc:
        yield Item(p, error=f"cannot read ({exc.strerror or exc.__class__.__name__})")


def iter_items(paths: list[str], table: TableOptions = DEFAULT_TABLE,
               limits: ArchiveLimits = DEFAULT_LIMITS) -> Iterator[Item]:
    """Yield an Item per essay named by `paths`, in order, streaming.

    '-' is standard input; a folder is read recursively (essay files, zips and tables in it,
    hidden files skipped); a glob is expanded; a .zip is read safely; a .csv/.tsv/.jsonl
    holds one essay per row. Items carry raw bytes: decoding happens in the workers.
    """
    for p in paths:
        if p == "-":
            yield Item("-", data=sys.stdin.buffer.read(), filename="-")
            continue
        for f, explicit in _expand(p):
            yield from _file_items(f, explicit, table, limits)


def count_items(paths: list[str], table: TableOptions = DEFAULT_TABLE) -> int:
    """How many essays `paths` hold (for the progress bar; zips count their files)."""
    import zipfile

    n = 0
    for p in paths:
        if p == "-":
            n += 1
            continue
        for f, explicit in _expand(p):
            if not explicit and not _supported(f):
                continue
            kind = kind_of(f)
            try:
                if kind == "zip":
                    with zipfile.ZipFile(f) as z:
                        n += sum(1 for i in z.infolist() if not i.is_dir())
                elif kind != "file":
                    with open(f, "rb") as fh:
                        n += sum(1 for _ in iter_table(f, fh, kind, table))
                else:
                    n += 1
            except (OSError, zipfile.BadZipFile):
                n += 1
    return n
