"""Essays to mark from the command line: files or standard input, decoded with care."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

MAX_ESSAY_BYTES = 5_000_000


@dataclass
class Item:
    """One essay to grade, or the reason it cannot be graded."""

    name: str
    text: str | None = None
    error: str | None = None


def read_item(name: str, data: bytes) -> Item:
    from ..ingest import IngestError, extract_text

    if not data:
        return Item(name, error="empty file")
    if len(data) > MAX_ESSAY_BYTES:
        return Item(name, error=f"larger than {MAX_ESSAY_BYTES // 1_000_000} MB")
    try:
        text = extract_text(data, name)
    except IngestError as exc:
        return Item(name, error=str(exc))
    if not text.strip():
        return Item(name, error="no text in file")
    return Item(name, text=text)


def iter_items(paths: list[str]) -> Iterator[Item]:
    """Yield an Item per input path ('-' is standard input), in order."""
    for p in paths:
        if p == "-":
            yield read_item("-", sys.stdin.buffer.read())
            continue
        path = Path(p)
        if path.is_dir():
            yield Item(p, error="is a folder (give the essay files)")
            continue
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            yield Item(p, error="no such file")
            continue
        except OSError as exc:
            yield Item(p, error=f"cannot read ({exc.strerror or exc.__class__.__name__})")
            continue
        yield read_item(p, data)
