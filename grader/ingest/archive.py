"""Bounded reads from zip containers (.docx, .odt): no bombs, no surprises."""

from __future__ import annotations

import io
import zipfile

from .errors import IngestError

MAX_ENTRIES = 2_000
MAX_MEMBER_BYTES = 50_000_000
MAX_RATIO = 200
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


def read_member(archive: zipfile.ZipFile, name: str, kind: str) -> bytes:
    """Read one member, refusing encrypted, oversized or implausibly compressed parts."""
    try:
        info = archive.getinfo(name)
    except KeyError:
        raise IngestError(f"not a valid {kind} file (no {name})") from None
    if info.flag_bits & 0x1:
        raise IngestError(f"{kind} file is password-protected")
    if info.file_size > MAX_MEMBER_BYTES:
        raise IngestError(f"{kind} file is too large to read")
    ratio = info.file_size / max(info.compress_size, 1)
    if info.file_size > 1_000_000 and ratio > MAX_RATIO:
        raise IngestError(f"{kind} file is compressed suspiciously (possible zip bomb)")
    try:
        with archive.open(info) as fh:
            content = fh.read(MAX_MEMBER_BYTES + 1)
    except (zipfile.BadZipFile, OSError, ValueError, RuntimeError, EOFError):
        raise IngestError(f"{kind} file is damaged") from None
    if len(content) > MAX_MEMBER_BYTES:
        raise IngestError(f"{kind} file is too large to read")
    return content
