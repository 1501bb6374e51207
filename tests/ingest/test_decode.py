"""decode_bytes: encodings, BOMs, legacy Windows text and binary refusal."""

import codecs

import pytest

from grader.ingest import IngestError, decode_bytes

TEXT = "Stalin’s rise — “Lenin’s Testament”, 1924.\r\nSecond line é"


def test_plain_utf8_is_exact():
    assert decode_bytes(TEXT.encode("utf-8")) == TEXT


def test_utf8_bom_removed():
    assert decode_bytes(codecs.BOM_UTF8 + TEXT.encode("utf-8")) == TEXT


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32_with_bom(encoding):
    data = TEXT.encode(encoding)
    if encoding == "utf-16-le":
        data = codecs.BOM_UTF16_LE + data
    elif encoding == "utf-16-be":
        data = codecs.BOM_UTF16_BE + data
    assert decode_bytes(data) == TEXT


def test_cp1252_fallback_reads_smart_quotes():
    data = "Lenin’s “Testament” – café".encode("cp1252")
    assert decode_bytes(data) == "Lenin’s “Testament” – café"


def test_cp1252_undefined_bytes_do_not_raise():
    assert decode_bytes(b"a\x81b\x9dc") == "a\x81b\x9dc"


def test_empty_bytes_give_empty_text():
    assert decode_bytes(b"") == ""


@pytest.mark.parametrize("data", [b"\x00\x01\x02binary\x00", bytes(range(32)) * 10,
                                  b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"])
def test_binary_is_refused(data):
    with pytest.raises(IngestError, match="binary"):
        decode_bytes(data)


def test_broken_utf16_names_the_encoding():
    with pytest.raises(IngestError, match="UTF-16"):
        decode_bytes(codecs.BOM_UTF16_LE + b"\x00\xd8")
