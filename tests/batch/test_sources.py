"""Zip archives and essay tables: each yields its essays in order, bad entries as errors."""

import io
import json
import zipfile

from grader.batch.items import Item, prepare_text
from grader.batch.sources import ArchiveLimits, TableOptions, iter_table, iter_zip, kind_of

ESSAY = "Stalin was chief mourner at Lenin's funeral in January 1924."


def _zip(entries: dict[str, bytes]) -> io.BytesIO:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    buf.seek(0)
    return buf


def test_kind_of_by_extension():
    assert [kind_of(n) for n in ["a.ZIP", "b.csv", "c.tsv", "d.jsonl", "e.docx", "f"]] == [
        "zip", "csv", "tsv", "jsonl", "file", "file"]


def test_zip_entries_in_order_with_safe_names():
    z = _zip({"class/b.txt": ESSAY.encode(), "class/a.txt": b"Second essay text.",
              "__MACOSX/class/._b.txt": b"junk", "class/.hidden.txt": b"x",
              "notes.png": b"\x89PNG"})
    items = list(iter_zip("set.zip", z, accept={".txt"}))
    assert [i.name for i in items] == ["set.zip/class/b.txt", "set.zip/class/a.txt"]
    assert prepare_text(items[0]) == (ESSAY, None)


def test_zip_refuses_traversal_bombs_nesting_and_too_many_entries():
    bomb = b"\0" * 2_000_000  # compresses ~1000:1
    z = _zip({"../../etc/evil.txt": b"x", "/abs.txt": b"x", "ok.txt": ESSAY.encode(),
              "bomb.txt": bomb, "huge.txt": b"a" * 6_000_000, "inner.zip": b"PK"})
    items = {i.name: i for i in iter_zip("up.zip", z)}
    assert items["up.zip/../../etc/evil.txt"].error == "unsafe path in archive (refused)"
    assert items["up.zip//abs.txt"].error == "unsafe path in archive (refused)"
    assert items["up.zip/ok.txt"].data == ESSAY.encode()
    assert "zip bomb" in items["up.zip/bomb.txt"].error
    assert "larger than" in items["up.zip/huge.txt"].error
    assert "archive inside an archive" in items["up.zip/inner.zip"].error
    many = _zip({f"{i}.txt": b"x" for i in range(30)})
    (only,) = iter_zip("many.zip", many, ArchiveLimits(max_entries=10))
    assert only.error == "archive has 30 entries (the limit is 10)"
    (bad,) = iter_zip("bad.zip", io.BytesIO(b"not a zip"))
    assert bad.error == "not a valid zip archive"


def test_zip_with_a_table_inside():
    z = _zip({"rows.csv": b"id,text\nr1,One essay.\nr2,Two essay.\n"})
    assert [i.name for i in iter_zip("t.zip", z)] == ["r1", "r2"]


def test_csv_and_tsv_rows_with_default_and_named_columns():
    data = "student,essay,extra\ns1,\"First, with a comma\nand a line break\",x\ns2,,y\n"
    items = list(iter_table("c.csv", io.BytesIO(data.encode()), "csv"))
    assert [(i.name, i.text) for i in items] == [
        ("c.csv#1", "First, with a comma\nand a line break"), ("c.csv#2", "")]
    assert prepare_text(items[1]) == (None, "empty text")
    named = list(iter_table("c.csv", io.BytesIO(data.encode()), "csv",
                            TableOptions(text_column="essay", id_column="student")))
    assert [i.name for i in named] == ["s1", "s2"]
    tsv = "\ufeffid\ttext\nt1\tTab separated essay.\n".encode()
    assert [(i.name, i.text) for i in iter_table("t.tsv", io.BytesIO(tsv), "tsv")] == [
        ("t1", "Tab separated essay.")]


def test_table_errors_name_the_problem():
    (no_col,) = iter_table("c.csv", io.BytesIO(b"a,b\n1,2\n"), "csv")
    assert no_col.error.startswith("no text column") and "columns: a, b" in no_col.error
    (no_id,) = iter_table("c.csv", io.BytesIO(b"text\nx\n"), "csv", TableOptions(id_column="sid"))
    assert no_id.error == "no id column 'sid' (columns: text)"
    (latin,) = iter_table("c.csv", io.BytesIO("text\nr\xf4le\n".encode("latin-1")), "csv")
    assert "UTF-8" in latin.error


def test_jsonl_rows_with_a_bad_line_in_the_middle():
    lines = [json.dumps({"id": 7, "text": ESSAY}), "{oops", "", json.dumps([1]),
             json.dumps({"answer": "Another essay."})]
    items = list(iter_table("e.jsonl", io.BytesIO("\n".join(lines).encode()), "jsonl"))
    assert [(i.name, i.error) for i in items] == [
        ("7", None), ("e.jsonl#2", "line 2: not JSON"),
        ("e.jsonl#4", "line 4: not a JSON object"), ("e.jsonl#5", None)]
    assert items[3].text == "Another essay."


def test_prepare_text_refuses_oversize_and_counts_words():
    assert prepare_text(Item("a", text="word " * 30), max_words=20)[1] == (
        "longer than the limit of 20 words")
    assert prepare_text(Item("b", data=b"x" * 5_000_001))[1] == "larger than 5 MB"
    assert prepare_text(Item("c", data=b""))[1] == "empty file"
    assert prepare_text(Item("d", error="no such file")) == (None, "no such file")
