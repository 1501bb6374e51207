"""Input kinds that hold many essays: zip archives (read safely) and CSV/TSV/JSONL tables."""

from __future__ import annotations

import codecs
import csv
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import IO, BinaryIO

from ..ingest.budget import Budget, BudgetExceeded
from .items import MAX_ESSAY_BYTES, Item

TABLE_KINDS = {".csv": "csv", ".tsv": "tsv", ".tab": "tsv", ".jsonl": "jsonl",
               ".ndjson": "jsonl"}
TEXT_COLUMNS = ("text", "essay", "essay_text", "answer", "response", "body")
ID_COLUMNS = ("id", "essay_id", "submission_id", "student_id", "external_id", "name")


def kind_of(filename: str) -> str:
    """'zip', 'csv', 'tsv', 'jsonl' or 'file' (one essay), by extension."""
    suffix = PurePosixPath(filename.lower()).suffix
    if suffix == ".zip":
        return "zip"
    return TABLE_KINDS.get(suffix, "file")


@dataclass(frozen=True)
class ArchiveLimits:
    """Bounds on a zip archive: entries, bytes per essay, bytes in all, compression ratio."""

    max_entries: int = 200_000
    max_member_bytes: int = MAX_ESSAY_BYTES
    max_total_bytes: int = 4_000_000_000
    max_ratio: int = 200
    ratio_from_bytes: int = 64_000  # the ratio check applies to entries declaring more


@dataclass(frozen=True)
class TableOptions:
    """Which columns of a CSV/TSV/JSONL file hold the essay text and its id."""

    text_column: str | None = None
    id_column: str | None = None


DEFAULT_LIMITS = ArchiveLimits()
DEFAULT_TABLE = TableOptions()


def _safe_member_name(name: str) -> str | None:
    """The entry's path if it stays inside the archive, else None."""
    if "\x00" in name or name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":"):
        return None
    parts = PurePosixPath(name.replace("\\", "/")).parts
    if any(p == ".." for p in parts):
        return None
    return "/".join(parts)


def _is_noise(path: str) -> bool:
    parts = path.split("/")
    return parts[0] == "__MACOSX" or any(p.startswith(".") for p in parts)


def iter_zip(name: str, source: str | BinaryIO, limits: ArchiveLimits = DEFAULT_LIMITS,
             table: TableOptions = DEFAULT_TABLE,
             accept: Iterable[str] | None = None,
             budget: Budget | None = None) -> Iterator[Item]:
    """Yield an Item per essay in the zip `source` (a path or a binary file), in archive order.

    Essays are named '<name>/<entry path>'. Unsafe names (absolute, '..'), encrypted,
    oversized or implausibly compressed entries become error Items; the others complete.
    CSV/TSV/JSONL entries are read as tables; nested archives are refused. `accept` lists
    the essay-file extensions to take (others are skipped); None takes every file.
    With a `budget` (one per upload; pass the same one to prepare_text), every entry's
    decompressed bytes are counted as they are read and the time is checked between
    entries: once over, that entry is an error Item saying so and the rest is not read.
    """
    try:
        yield from _iter_zip(name, source, limits, table, accept, budget)
    except BudgetExceeded as exc:
        yield Item(name, error=exc.message)


def _iter_zip(name: str, source: str | BinaryIO, limits: ArchiveLimits, table: TableOptions,
              accept: Iterable[str] | None, budget: Budget | None) -> Iterator[Item]:
    what = "this zip archive"
    accepted = {a.lower() for a in accept} if accept is not None else None
    try:
        archive = zipfile.ZipFile(source)
    except (zipfile.BadZipFile, OSError, ValueError):
        yield Item(name, error="not a valid zip archive")
        return
    with archive:
        infos = archive.infolist()
        if len(infos) > limits.max_entries:
            yield Item(name, error=f"archive has {len(infos):,} entries "
                                   f"(the limit is {limits.max_entries:,})")
            return
        total = 0
        for info in infos:
            if budget is not None:
                budget.check_time(what)
            if info.is_dir():
                continue
            path = _safe_member_name(info.filename)
            if path is None:
                yield Item(f"{name}/{info.filename}", error="unsafe path in archive (refused)")
                continue
            if _is_noise(path):
                continue
            item_name = f"{name}/{path}"
            kind = kind_of(path)
            suffix = PurePosixPath(path.lower()).suffix
            if kind == "file" and accepted is not None and suffix not in accepted:
                continue
            if kind == "zip":
                yield Item(item_name, error="archive inside an archive (not read)")
                continue
            if info.flag_bits & 0x1:
                yield Item(item_name, error="password-protected entry")
                continue
            cap = limits.max_member_bytes if kind == "file" else limits.max_total_bytes
            ratio = info.file_size / max(info.compress_size, 1)
            if info.file_size > cap:
                yield Item(item_name, error=f"entry is larger than {cap:,} bytes")
                continue
            if info.file_size > limits.ratio_from_bytes and ratio > limits.max_ratio:
                yield Item(item_name, error="entry is compressed suspiciously (zip bomb?)")
                continue
            if total + info.file_size > limits.max_total_bytes:
                yield Item(item_name, error="archive holds more data than allowed")
                return
            if kind != "file":
                try:
                    with archive.open(info) as fh:
                        bounded = _BoundedReader(fh, cap, budget, what)
                        yield from iter_table(item_name, bounded, kind, table)
                except BudgetExceeded:
                    raise
                except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, ValueError):
                    yield Item(item_name, error="damaged entry")
                total += info.file_size
                continue
            try:
                with archive.open(info) as fh:  # the declared size may lie: count what comes
                    data = _read_counted(fh, cap, budget, what)
            except BudgetExceeded:
                raise
            except (zipfile.BadZipFile, OSError, RuntimeError, EOFError, ValueError):
                yield Item(item_name, error="damaged entry")
                continue
            if data is None:
                yield Item(item_name, error=f"entry is larger than {cap:,} bytes")
                continue
            total += len(data)
            yield Item(item_name, data=data, filename=path)


def _read_counted(fh: IO[bytes], cap: int, budget: Budget | None, what: str) -> bytes | None:
    """The entry's bytes, counted against `budget` as they come; None if over `cap`."""
    parts: list[bytes] = []
    size = 0
    while chunk := fh.read(min(1 << 16, cap + 1 - size)):
        size += len(chunk)
        if budget is not None:
            budget.spend_bytes(len(chunk), what)
            budget.check_time(what)
        if size > cap:
            return None
        parts.append(chunk)
    return b"".join(parts)


class _BoundedReader(io.RawIOBase):
    """A read-only stream that fails once more than `limit` bytes have been read, and
    counts what it reads against `budget` (time checked too) when one is given."""

    def __init__(self, raw: IO[bytes], limit: int, budget: Budget | None = None,
                 what: str = "this zip archive") -> None:
        self._raw, self._left = raw, limit
        self._budget, self._what = budget, what

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self._raw.read(min(len(buffer), self._left + 1, 1 << 16))
        if len(data) > self._left:
            raise ValueError("entry is larger than its declared size")
        self._left -= len(data)
        if self._budget is not None:
            self._budget.spend_bytes(len(data), self._what)
            self._budget.check_time(self._what)
        buffer[: len(data)] = data
        return len(data)


def _pick(columns: list[str], wanted: str | None, defaults: tuple[str, ...]) -> str | None:
    if wanted is not None:
        return wanted if wanted in columns else None
    lowered = {c.strip().lower(): c for c in columns}
    for d in defaults:
        if d in lowered:
            return lowered[d]
    return None


def _text_stream(stream: BinaryIO) -> IO[str]:
    return codecs.getreader("utf-8-sig")(stream, errors="strict")


def iter_table(name: str, stream: BinaryIO, kind: str,
               options: TableOptions = DEFAULT_TABLE) -> Iterator[Item]:
    """Yield an Item per row of a CSV, TSV or JSONL `stream`, streaming (one row in memory).

    Rows are named by the id column, or '<name>#<row>' (data rows count from 1). A row with
    no text becomes an error Item; a file that cannot be read at all becomes one error Item.
    """
    if kind == "jsonl":
        yield from _iter_jsonl(name, stream, options)
    else:
        yield from _iter_csv(name, stream, "\t" if kind == "tsv" else ",", options)


def _row_item(name: str, row: int, fields: dict, text_col: str, id_col: str | None) -> Item:
    ident = fields.get(id_col) if id_col else None
    ident = str(ident).strip() if ident not in (None, "") else ""
    item_name = ident or f"{name}#{row}"
    text = fields.get(text_col)
    if text is None:
        return Item(item_name, error=f"row {row} has no '{text_col}' value")
    if not isinstance(text, str):
        return Item(item_name, error=f"row {row}: '{text_col}' is not text")
    if len(text) > MAX_ESSAY_BYTES:
        return Item(item_name, error=f"row {row}: text longer than "
                                     f"{MAX_ESSAY_BYTES // 1_000_000} MB")
    return Item(item_name, text=text)


def _iter_csv(name: str, stream: BinaryIO, delimiter: str,
              options: TableOptions) -> Iterator[Item]:
    csv.field_size_limit(MAX_ESSAY_BYTES + 1)
    reader = csv.reader(io.TextIOWrapper(stream, encoding="utf-8-sig", newline=""),
                        delimiter=delimiter)
    try:
        header = next(reader, None)
        if not header:
            yield Item(name, error="empty table (no header row)")
            return
        text_col = _pick(header, options.text_column, TEXT_COLUMNS)
        if text_col is None:
            wanted = options.text_column or " or ".join(TEXT_COLUMNS[:3])
            yield Item(name, error=f"no text column '{wanted}' (columns: {', '.join(header)})")
            return
        id_col = _pick(header, options.id_column, ID_COLUMNS)
        if options.id_column and id_col is None:
            yield Item(name, error=f"no id column '{options.id_column}' "
                                   f"(columns: {', '.join(header)})")
            return
        for row, values in enumerate(reader, start=1):
            if not values:
                continue
            yield _row_item(name, row, dict(zip(header, values, strict=False)), text_col, id_col)
    except UnicodeDecodeError:
        yield Item(name, error="not UTF-8 text (save the table as CSV UTF-8)")
    except csv.Error as exc:
        yield Item(name, error=f"malformed table: {exc}")


def _iter_jsonl(name: str, stream: BinaryIO, options: TableOptions) -> Iterator[Item]:
    text_col = options.text_column
    try:
        for line_no, line in enumerate(_text_stream(stream), start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError:
                yield Item(f"{name}#{line_no}", error=f"line {line_no}: not JSON")
                continue
            if not isinstance(record, dict):
                yield Item(f"{name}#{line_no}", error=f"line {line_no}: not a JSON object")
                continue
            keys = list(record)
            col = _pick(keys, text_col, TEXT_COLUMNS) or (text_col or TEXT_COLUMNS[0])
            id_col = _pick(keys, options.id_column, ID_COLUMNS)
            yield _row_item(name, line_no, record, col, id_col)
    except UnicodeDecodeError:
        yield Item(name, error="not UTF-8 text")
