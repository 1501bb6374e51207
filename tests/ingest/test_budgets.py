"""Per-upload reading budgets: bytes counted as they inflate, time checked while reading."""

from __future__ import annotations

import io
import itertools
import zipfile
import zlib

import pytest

from grader.batch.items import Item, prepare_text
from grader.batch.sources import iter_zip
from grader.ingest import Budget, BudgetExceeded, IngestLimits, extract_text

from .documents import make_docx, pdf_from_objects

OPS = b"BT /F1 12 Tf 72 720 Td (Stalin rose to power after Lenin died.) Tj ET\n"


def flate_pdf(content: bytes) -> bytes:
    stream = zlib.compress(content, 9)
    return pdf_from_objects([
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream
        + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"])


def docx_of(xml: bytes) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("word/document.xml", xml)
    return out.getvalue()


W = b'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def paragraphs_xml(n: int) -> bytes:
    body = b"".join(b"<w:p><w:r><w:t>w%d</w:t></w:r></w:p>" % i for i in range(n))
    return b"<w:document " + W + b"><w:body>" + body + b"</w:body></w:document>"


class SteppingClock:
    """A clock that moves one second per reading: the deadline passes after a few checks."""

    def __init__(self) -> None:
        self.now = itertools.count()

    def __call__(self) -> float:
        return float(next(self.now))


def test_pdf_page_content_over_the_cap_is_refused_before_parsing():
    data = flate_pdf(OPS * (3_000_000 // len(OPS)))  # 3 MB of drawing operators, ~10 KB
    assert len(data) < 20_000
    with pytest.raises(BudgetExceeded) as err:
        extract_text(data, "essay.pdf")
    assert err.value.status == 413
    assert "this PDF expands to more than 2 MB of page content" in err.value.message


def test_pdf_content_cap_is_configuration():
    data = flate_pdf(OPS * 20)
    with pytest.raises(BudgetExceeded, match="more than 0.001 MB of page content"):
        extract_text(data, "essay.pdf", Budget(IngestLimits(max_pdf_content_bytes=1_000)))
    assert "Stalin rose" in extract_text(data, "essay.pdf", Budget())


def test_pdf_content_counts_against_the_upload_budget():
    data = flate_pdf(OPS * (500_000 // len(OPS)))  # 0.5 MB: under the 2 MB cap of one PDF
    budget = Budget(IngestLimits(max_expanded_bytes=100_000))
    with pytest.raises(BudgetExceeded, match=r"^this PDF expands to more than 0.1 MB \(the "
                                             r"limit for one upload"):
        extract_text(data, "essay.pdf", budget)


def test_docx_xml_is_counted_while_it_inflates():
    xml = paragraphs_xml(200_000)  # ~7 MB of XML at a ratio the zip check lets through
    data = docx_of(xml)
    assert len(xml) / len(data) < 200
    budget = Budget(IngestLimits(max_expanded_bytes=1_000_000))
    with pytest.raises(BudgetExceeded) as err:
        extract_text(data, "essay.docx", budget)
    assert err.value.status == 413
    assert err.value.message.startswith("this .docx file expands to more than 1 MB")
    assert budget.bytes_used < 1_100_000  # stopped at the budget, not at the end


def test_docx_xml_over_the_per_document_cap():
    data = docx_of(paragraphs_xml(100_000))  # ~3.9 MB of XML
    with pytest.raises(BudgetExceeded, match=r"^this .docx file expands to more than 1 MB of XML"):
        extract_text(data, "essay.docx", Budget(IngestLimits(max_xml_bytes=1_000_000)))


def test_text_over_the_character_budget():
    budget = Budget(IngestLimits(max_text_chars=1_000))
    with pytest.raises(BudgetExceeded, match="more than 1,000 characters of text"):
        extract_text(make_docx(["word " * 300]), "essay.docx", budget)


@pytest.mark.parametrize("name,data", [
    ("essay.docx", docx_of(paragraphs_xml(20_000))),
    ("essay.pdf", flate_pdf(OPS * 200)),
    ("essay.rtf", b"{\\rtf1 " + b"{\\field{\\*\\fldinst{HYPERLINK " * 5_000 + b"}"),
])
def test_deadline_is_checked_while_reading(name, data):
    budget = Budget(IngestLimits(max_seconds=3), clock=SteppingClock())
    with pytest.raises(BudgetExceeded) as err:
        extract_text(data, name, budget)
    assert err.value.status == 422 and "takes more than 3 s to read" in err.value.message


def test_rtf_field_openings_are_read_linearly():
    # striprtf's hyperlink regex backtracked quadratically on these (1 MB: 115 s)
    data = b"{\\rtf1 Stalin " + b"{\\field{\\*\\fldinst{HYPERLINK " * 20_000 + b"}"
    budget = Budget(IngestLimits(max_seconds=60))
    assert extract_text(data, "essay.rtf", budget) == "Stalin"


def zip_of(members: dict[str, bytes]) -> io.BytesIO:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, body in members.items():
            z.writestr(name, body)
    out.seek(0)
    return out


def test_zip_of_many_small_bombs_fails_each_by_ratio():
    # the finding: 1,000 x 800 KB entries, each under the old 1 MB threshold of the ratio check
    items = list(iter_zip("class.zip", zip_of({f"e{i}.txt": b"a" * 800_000
                                               for i in range(50)})))
    assert len(items) == 50
    assert all(i.error == "entry is compressed suspiciously (zip bomb?)" for i in items)


def test_zip_entries_and_their_documents_share_one_budget():
    essay = paragraphs_xml(20_000)  # ~700 KB of XML per .docx, ~15:1
    members = {f"s{i}.docx": docx_of(essay) for i in range(10)}
    budget = Budget(IngestLimits(max_expanded_bytes=3_000_000))
    results = [prepare_text(item, budget=budget) for item in
               iter_zip("class.zip", zip_of(members), budget=budget)]
    errors = [e for _, e in results if e]
    assert errors and all("expands to more than 3 MB" in e for e in errors)
    assert 2 <= sum(1 for t, _ in results if t) < 10


def test_zip_stops_reading_once_over_budget():
    rows = b"".join(b"%d,essay %d\n" % (n, n * 7919) for n in range(10_000))
    members = {f"e{i}.csv": b"id,text\n" + rows for i in range(20)}
    budget = Budget(IngestLimits(max_expanded_bytes=500_000))
    items = list(iter_zip("t.zip", zip_of(members), budget=budget))
    assert items[-1].name == "t.zip" and "expands to more than 0.5 MB" in items[-1].error
    assert budget.bytes_used < 700_000


def test_plain_items_need_no_budget():
    assert prepare_text(Item("a", text="Stalin rose.")) == ("Stalin rose.", None)
