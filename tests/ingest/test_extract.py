"""extract_text: each supported format, sniffing, and clear refusals."""

import io
import zipfile

import pytest

from grader.ingest import IngestError, UnsupportedFormat, extract_text

from .documents import encrypt_pdf, make_docx, make_odt, make_pdf

PARAS = ["Stalin became General Secretary in 1922.", "Trotsky was exiled in 1929."]


def test_txt_uses_decode():
    assert extract_text("Essay\n".encode("utf-16"), "essay.TXT") == "Essay\n"


def test_docx_paragraphs():
    data = make_docx([PARAS[0], "", PARAS[1]])
    assert extract_text(data, "essay.docx") == "\n\n".join(PARAS)


def test_odt_paragraphs_spaces_and_spans():
    body = ('<text:h>Title</text:h><text:p>Stalin<text:s text:c="2"/>rose'
            "<text:span> fast</text:span><text:line-break/>next</text:p>")
    assert extract_text(make_odt(body), "essay.odt") == "Title\n\nStalin  rose fast\nnext"


def test_pdf_text_layer():
    text = extract_text(make_pdf(PARAS), "essay.pdf")
    assert "General Secretary in 1922" in text and "exiled in 1929" in text


def test_rtf():
    data = rb"{\rtf1\ansi{\fonttbl\f0 Arial;}\f0 Stalin \b rose\b0\par Lenin\'92s Testament}"
    assert extract_text(data, "essay.rtf") == "Stalin rose\nLenin’s Testament"


@pytest.mark.parametrize("maker,expected", [
    (lambda: make_pdf(PARAS), "General Secretary"),
    (lambda: make_docx(PARAS), "General Secretary"),
    (lambda: b"plain essay", "plain essay"),
])
def test_no_extension_is_sniffed(maker, expected):
    assert expected in extract_text(maker(), "-")
    assert expected in extract_text(maker(), "essay")


@pytest.mark.parametrize("name", ["essay.exe", "photo.png", "essay.doc", "a.html"])
def test_unsupported_type(name):
    with pytest.raises(UnsupportedFormat, match="unsupported file type"):
        extract_text(b"whatever", name)


def test_unsupported_is_an_ingest_error():
    assert issubclass(UnsupportedFormat, IngestError)


@pytest.mark.parametrize("name", ["essay.docx", "essay.odt"])
def test_extension_that_lies(name):
    with pytest.raises(IngestError, match="not a valid"):
        extract_text(b"just some text pretending", name)


def test_pdf_that_is_not_a_pdf():
    with pytest.raises(IngestError, match="not a valid .pdf"):
        extract_text(b"%PDF-1.4 garbage garbage", "essay.pdf")


def test_encrypted_pdf():
    with pytest.raises(IngestError, match="password-protected"):
        extract_text(encrypt_pdf(make_pdf(PARAS)), "essay.pdf")


def test_docx_with_doctype_is_refused():
    xml = ('<?xml version="1.0"?><!DOCTYPE lol [<!ENTITY a "aaaa">]>'
           '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
           "<w:body><w:p><w:r><w:t>&a;</w:t></w:r></w:p></w:body></w:document>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("word/document.xml", xml)
    with pytest.raises(IngestError, match="forbidden XML"):
        extract_text(out.getvalue(), "essay.docx")


def test_zip_bomb_member_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", b"<" + b"a" * 30_000_000 + b"/>")
    with pytest.raises(IngestError, match="zip bomb"):
        extract_text(out.getvalue(), "essay.docx")


def test_binary_txt_is_refused():
    with pytest.raises(IngestError, match="binary"):
        extract_text(make_pdf(PARAS).replace(b"%PDF", b"\x00\x00"), "essay.txt")


_W_NS = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
_DOC = f"<w:document {_W_NS}><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>"
_LAUGHS = ('<!DOCTYPE l [<!ENTITY a "lollollollol">'
           + "".join(f'<!ENTITY {chr(98 + i)} "{("&" + chr(97 + i) + ";") * 10}">'
                     for i in range(9)) + '<!ENTITY x "&j;">]>')


@pytest.mark.parametrize("xml", [
    _LAUGHS + _DOC,
    '<?xml version="1.0"?>\n<!-- a comment -->\n' + _LAUGHS + _DOC,
    "<!-- <w:document> -->" + _LAUGHS + _DOC,  # a root-like tag inside a comment
    "<?pi <w:document ?>" + _LAUGHS + _DOC,
    "\ufeff" + _LAUGHS + _DOC,
    '<!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + _DOC,
], ids=["bare", "after declaration and comment", "root in a comment", "root in a PI", "BOM",
        "external"])
def test_docx_with_a_dtd_anywhere_in_the_prolog_is_refused(xml):
    data = _zip({"word/document.xml": xml.encode("utf-8")})
    with pytest.raises(IngestError, match="forbidden XML"):
        extract_text(data, "essay.docx")


def test_docx_in_utf16_with_a_dtd_is_refused():
    xml = '<?xml version="1.0" encoding="UTF-16"?>' + _LAUGHS + _DOC
    with pytest.raises(IngestError, match="forbidden XML"):
        extract_text(_zip({"word/document.xml": xml.encode("utf-16")}), "essay.docx")


def test_docx_entity_without_a_dtd_is_bad_xml():
    with pytest.raises(IngestError, match="damaged"):
        extract_text(_zip({"word/document.xml": _DOC.encode()}), "essay.docx")


def _zip(members: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(name, body)
    return out.getvalue()
