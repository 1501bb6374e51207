"""Rich Text Format to plain text with striprtf."""

from __future__ import annotations

from .errors import IngestError


def rtf_text(data: bytes) -> str:
    """Plain text of an .rtf file (RTF is 7-bit; escapes carry the rest)."""
    from striprtf.striprtf import rtf_to_text

    if not data.lstrip().startswith(b"{\\rtf"):
        raise IngestError("not a valid .rtf file (no {\\rtf header)")
    try:
        return rtf_to_text(data.decode("cp1252", errors="replace"), errors="replace").strip()
    except (ValueError, IndexError, LookupError):
        raise IngestError("not a valid .rtf file (cannot be read)") from None
