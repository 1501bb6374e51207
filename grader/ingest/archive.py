"""Bounded reads from zip containers (.docx, .odt): no bombs, no surprises.

Members are stream-decompressed in chunks, counted against the upload's Budget as they
come (declared sizes are not trusted), so a part that inflates stops at the budget.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

from .budget import Budget, BudgetExceeded, megabytes
from .errors import IngestError

MAX_ENTRIES = 2_000
MAX_MEMBER_BYTES = 50_000_000
MAX_RATIO = 200
RATIO_FROM_BYTES = 64_000  # the ratio check applies to members declaring more than this
CHUNK = 64 * 1024
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # password-protected Office files, old .doc


def open_zip(data: bytes, kind: str) -> zipfile.ZipFile:
    """Open `data` as a zip archive holding a `kind` document, or raise IngestError."""
    if data.startswith(OLE_MAGIC):
        raise IngestError(f"{kind} file is password-protected or in the old binary format; "
                          f"save it again as {kind} without a password")
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, ValueError):
        raise IngestError(f"not a valid {kind} file (it is not a zip archive)") from None
    if len(archive.infolist()) > MAX_ENTRIES:
        raise IngestError(f"{kind} file has too many parts")
    return archive


def _member(archive: zipfile.ZipFile, name: str, kind: str) -> zipfile.ZipInfo:
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise IngestError(f"not a valid {kind} file (no {name})") from None
    if info.flag_bits & 0x1:
        raise IngestError(f"{kind} file is password-protected")
    if info.file_size > MAX_MEMBER_BYTES:
        raise IngestError(f"{kind} file is too large to read")
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > RATIO_FROM_BYTES and ratio > MAX_RATIO:
        raise IngestError(f"{kind} file is compressed suspiciously (possible zip bomb)")
    return info


def iter_member(archive: zipfile.ZipFile, name: str, kind: str,
                budget: Budget) -> Iterator[bytes]:
    """The member's bytes in chunks, each counted against `budget` (time checked too);
    more than the budget's `max_xml_bytes` in this one member raises BudgetExceeded."""
    info = _member(archive, name, kind)
    what = f"this {kind} file"
    cap = budget.limits.max_xml_bytes
    read = 0
    try:
        with archive.open(info) as fh:
            while chunk := fh.read(CHUNK):
                read += len(chunk)
                if read > MAX_MEMBER_BYTES:
                    raise IngestError(f"{kind} file is too large to read")
                if read > cap:
                    raise BudgetExceeded(f"{what} expands to more than {megabytes(cap)} of "
                                         "XML (the limit for one document; possible zip bomb)")
                budget.spend_bytes(len(chunk), what)
                budget.check_time(what)
                yield chunk
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError) as exc:
        if isinstance(exc, IngestError):
            raise
        raise IngestError(f"{kind} file is damaged") from None


def read_member(archive: zipfile.ZipFile, name: str, kind: str,
                budget: Budget | None = None) -> bytes:
    """Read one member, refusing encrypted, oversized or implausibly compressed parts."""
    return b"".join(iter_member(archive, name, kind, budget or Budget()))
