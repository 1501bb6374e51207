"""Word (.docx) and OpenDocument (.odt) text, read with zipfile and a DTD-free XML parser."""

from __future__ import annotations

import zipfile
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import ParseError

from .archive import CHUNK, iter_member, open_zip
from .budget import Budget
from .errors import IngestError
from .xmlsafe import DoctypeForbidden, xml_parser

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"


def _parse(archive: zipfile.ZipFile, name: str, kind: str, budget: Budget) -> Element:
    """Parse a member within the budget: inflated and counted first (cheap: a part over the
    budget is refused before any parsing), then parsed in chunks with the time checked."""
    xml = b"".join(iter_member(archive, name, kind, budget))
    if not xml:
        raise IngestError(f"{kind} file is damaged (empty {name})")
    what = f"this {kind} file"
    try:
        parser = xml_parser(xml[:CHUNK])
        for at in range(0, len(xml), CHUNK):
            parser.feed(xml[at:at + CHUNK])
            budget.check_time(what)
        return parser.close()
    except (DefusedXmlException, DoctypeForbidden):
        raise IngestError(f"{kind} file contains forbidden XML (DTD or entities)") from None
    except ParseError:
        raise IngestError(f"{kind} file is damaged (bad XML)") from None


def _docx_paragraph(p: Element) -> str:
    parts: list[str] = []
    for el in p.iter():
        if el.tag == _W + "t" and el.text:
            parts.append(el.text)
        elif el.tag == _W + "tab":
            parts.append("\t")
        elif el.tag in (_W + "br", _W + "cr"):
            parts.append("\n")
    return "".join(parts)


def docx_text(data: bytes, budget: Budget | None = None) -> str:
    """The body text of a .docx, one paragraph per block separated by a blank line."""
    archive = open_zip(data, ".docx")
    root = _parse(archive, "word/document.xml", ".docx", budget or Budget())
    body = root.find(_W + "body")
    if body is None:
        raise IngestError("not a valid .docx file (no document body)")
    paragraphs = (_docx_paragraph(p) for p in body.iter(_W + "p"))
    return "\n\n".join(p for p in paragraphs if p.strip())


def _odt_inline(el: Element, parts: list[str]) -> None:
    if el.text:
        parts.append(el.text)
    for child in el:
        if child.tag == _TEXT + "s":
            parts.append(" " * int(child.get(_TEXT + "c", "1") or 1))
        elif child.tag == _TEXT + "tab":
            parts.append("\t")
        elif child.tag == _TEXT + "line-break":
            parts.append("\n")
        elif child.tag not in (_TEXT + "note", _OFFICE + "annotation"):
            _odt_inline(child, parts)
        if child.tail:
            parts.append(child.tail)


def odt_text(data: bytes, budget: Budget | None = None) -> str:
    """The body text of an .odt: headings and paragraphs separated by a blank line."""
    archive = open_zip(data, ".odt")
    root = _parse(archive, "content.xml", ".odt", budget or Budget())
    body = root.find(f"{_OFFICE}body/{_OFFICE}text")
    if body is None:
        raise IngestError("not a valid .odt file (no text body)")
    blocks: list[str] = []
    for el in body.iter():
        if el.tag in (_TEXT + "p", _TEXT + "h"):
            parts: list[str] = []
            _odt_inline(el, parts)
            if "".join(parts).strip():
                blocks.append("".join(parts))
    return "\n\n".join(blocks)
