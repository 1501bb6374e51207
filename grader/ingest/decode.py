"""Bytes to text: BOMs, UTF-8, UTF-16/32 with BOM, cp1252 fallback, binary detection."""

from __future__ import annotations

import codecs

from .errors import IngestError

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),  # before UTF-16 LE: it starts with the same bytes
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# C0 controls other than tab, newline, vertical tab, form feed and carriage return.
_CONTROL = frozenset(range(0, 32)) - {9, 10, 11, 12, 13}
_SNIFF = 8192


def _looks_binary(data: bytes) -> bool:
    head = data[:_SNIFF]
    if b"\x00" in head:
        return True
    controls = sum(1 for b in head if b in _CONTROL)
    return controls > max(8, len(head) // 100)


_CP1252_UNDEFINED = frozenset((0x81, 0x8D, 0x8F, 0x90, 0x9D))


def _decode_legacy(data: bytes) -> str:
    """Windows-1252, reading the five bytes it leaves undefined as Latin-1."""
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return "".join(
            chr(b) if b in _CP1252_UNDEFINED else bytes((b,)).decode("cp1252") for b in data
        )


def decode_bytes(data: bytes) -> str:
    """Decode an uploaded text file exactly (no newline or space changes).

    A byte-order mark selects UTF-8, UTF-16 or UTF-32 and is removed; otherwise UTF-8 is
    tried strictly, then Windows-1252 (what older Word "Save as text" writes). Data that
    looks binary (NUL bytes, many control characters) raises IngestError.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise IngestError(
                    f"text marked as {encoding.upper()} is not valid {encoding.upper()} "
                    f"(byte {exc.start + len(bom)})"
                ) from None
    if _looks_binary(data):
        raise IngestError("this looks like a binary file, not text")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return _decode_legacy(data)
