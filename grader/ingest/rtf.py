"""Rich Text Format to plain text in one linear pass, within the upload's time budget.

striprtf's tables (destinations, special characters, charsets) drive a tokenizer loop of
our own: striprtf's rtf_to_text first runs a hyperlink regex that backtracks
quadratically (1 MB of '{\\field' openings took 115 s), and it cannot be interrupted.
"""

from __future__ import annotations

import codecs
import re

from .budget import Budget
from .errors import IngestError

_TOKEN = re.compile(r"\\([a-z]{1,32})(-?\d{1,10})?[ ]?|\\'([0-9a-f]{2})|\\([^a-z])|([{}])"
                    r"|[\r\n]+|([^\\{}\r\n]+)")
WHAT = "this .rtf file"


def _decode_hex(hexes: str, encoding: str) -> str:
    try:
        return bytes.fromhex(hexes).decode(encoding, errors="replace")
    except LookupError:
        return bytes.fromhex(hexes).decode("cp1252", errors="replace")


def _encoding(arg: str | None, default: str) -> str:
    name = f"cp{arg}"
    try:
        codecs.lookup(name)
    except LookupError:
        return default
    return name


def rtf_text(data: bytes, budget: Budget | None = None) -> str:
    """Plain text of an .rtf file (RTF is 7-bit; escapes carry the rest)."""
    from striprtf.striprtf import charset_map, destinations, specialchars

    budget = budget or Budget()
    if not data.lstrip().startswith(b"{\\rtf"):
        raise IngestError("not a valid .rtf file (no {\\rtf header)")
    text = data.decode("cp1252", errors="replace")
    encoding = "cp1252"
    fonts: dict[str, str] = {}
    stack: list[tuple[int, bool, str | None]] = []
    ucskip, ignorable, font = 1, False, None
    curskip, depth, started = 0, 0, False
    out: list[str] = []
    hexes: list[str] = []
    for n, m in enumerate(_TOKEN.finditer(text)):
        if n & 1023 == 0:
            budget.check_time(WHAT)
        word, arg, hex_, char, brace, plain = m.groups()
        if hexes and not hex_:
            out.append(_decode_hex("".join(hexes), fonts.get(font or "", encoding)))
            hexes = []
        if brace:
            curskip = 0
            if brace == "{":
                depth += 1
                started = True
                stack.append((ucskip, ignorable, font))
            else:
                depth -= 1
                ucskip, ignorable, font = stack.pop() if stack else (0, True, font)
                if started and depth <= 0:
                    break  # after the document group: out of band, as Word reads it
        elif char:
            curskip = 0
            if char == "*":
                ignorable = True
            elif char in specialchars and not ignorable:
                out.append(specialchars[char])
        elif word:
            curskip = 0
            if word in destinations or word in ("fonttbl", "colortbl"):
                ignorable = True
                if word == "fonttbl":
                    font = None
            elif word == "ansicpg":
                encoding = _encoding(arg, "cp1252")
            elif word == "f":
                font = arg
            elif word == "fcharset" and font is not None and arg is not None:
                charset = charset_map.get(int(arg))
                if charset:
                    fonts[font] = charset
            elif ignorable:
                pass
            elif word in specialchars:
                out.append(specialchars[word])
            elif word == "uc" and arg is not None:
                ucskip = max(0, int(arg))
            elif word == "u":
                curskip = ucskip
                if arg is not None:
                    code = int(arg) + (0x10000 if int(arg) < 0 else 0)
                    out.append(chr(code) if 0 <= code <= 0x10FFFF else "\ufffd")
        elif hex_:
            if curskip > 0:
                curskip -= 1
            elif not ignorable:
                hexes.append(hex_)
        elif plain:
            if curskip > 0:
                skipped = min(curskip, len(plain))
                curskip -= skipped
                plain = plain[skipped:]
            if plain and not ignorable:
                out.append(plain)
    if hexes:
        out.append(_decode_hex("".join(hexes), fonts.get(font or "", encoding)))
    return "".join(out).strip()
