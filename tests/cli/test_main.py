import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli.main import cli

REPO = Path(__file__).resolve().parents[2]

ESSAY = ("At Lenin's funeral in January 1924 Stalin was chief mourner, so he looked like "
         "Lenin's heir. Lenin died in 1922.")


@pytest.fixture
def runner():
    return CliRunner()


@pytest.fixture
def essay(tmp_path):
    p = tmp_path / "essay-01.txt"
    p.write_text(ESSAY, encoding="utf-8")
    return p


def test_mark_json_prints_the_v1_report(runner, essay):
    res = runner.invoke(cli, ["mark", "--format", "json", str(essay)])
    assert res.exit_code == 0, res.output
    d = json.loads(res.output)
    assert d["essay"] == str(essay)
    assert d["rubric"]["id"] == "stalin-rise"
    assert {f["id"]: f["level"] for f in d["factors"]}["funeral"] == 2
    assert d["flags"][0]["fact"] == "F1"


def test_mark_jsonl_one_line_per_essay(runner, essay, tmp_path):
    other = tmp_path / "essay-02.txt"
    other.write_text("Stalin used the purges to remove his rivals.", encoding="utf-8")
    res = runner.invoke(cli, ["mark", "--format", "jsonl", str(essay), str(other)])
    assert res.exit_code == 0
    lines = [json.loads(x) for x in res.stdout.splitlines()]  # the summary is on stderr
    assert [x["essay"] for x in lines] == [str(essay), str(other)]


def test_mark_csv_rows(runner, essay):
    res = runner.invoke(cli, ["mark", "--format", "csv", str(essay)])
    rows = list(csv.reader(io.StringIO(res.output)))
    assert rows[0] == ["essay", "marks", "max_marks", "band", "testament", "funeral",
                       "socialism_in_one_country", "factionalism", "purges", "flags"]
    assert rows[1][0] == str(essay) and rows[1][5] == "2" and rows[1][-1] == "1"


def test_mark_text_is_readable(runner, essay):
    res = runner.invoke(cli, ["mark", "--format", "text", str(essay)])
    assert "Mark: 4 / 20" in res.output
    assert "Lenin's funeral: explained" in res.output
    assert "Lenin died in January 1924, not 1922" in res.output


def test_mark_text_lists_sentences_for_the_teacher_to_check(runner, tmp_path):
    essay = tmp_path / "unsure.txt"
    essay.write_text("Later Stalin abandoned the NEP, which Lenin had brought in in 1921.")
    res = runner.invoke(cli, ["mark", "--format", "text", str(essay)])
    assert "For you to check" in res.output and "Factual errors" not in res.output
    assert "1921" in res.output.split("For you to check")[1]


def test_stdin_and_encodings(runner, tmp_path):
    res = runner.invoke(cli, ["mark", "--format", "jsonl", "-"], input=ESSAY.encode("utf-8"))
    assert json.loads(res.output)["essay"] == "-"
    for name, data in [("bom.txt", b"\xef\xbb\xbf" + ESSAY.encode()),
                       ("utf16.txt", ESSAY.encode("utf-16")),
                       ("win.txt", "Stalin’s rôle at Lenin's funeral".encode("cp1252"))]:
        p = tmp_path / name
        p.write_bytes(data)
        out = runner.invoke(cli, ["mark", "--format", "json", str(p)])
        assert out.exit_code == 0, (name, out.output)
        assert json.loads(out.output)["stats"]["words"] > 3


def test_bad_files_are_reported_and_the_rest_graded(runner, essay, tmp_path):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    binary = tmp_path / "image.txt"
    binary.write_bytes(bytes(range(256)) * 4)
    res = runner.invoke(cli, ["mark", "--format", "jsonl", str(empty), str(essay),
                              str(binary), str(tmp_path / "missing.txt")])
    assert res.exit_code == 1
    assert len(res.stdout.splitlines()) == 1
    err = res.stderr
    assert f"grader: {empty}: empty" in err
    assert f"grader: {binary}:" in err
    assert f"grader: {tmp_path / 'missing.txt'}: no such file" in err


def test_rubric_option_takes_an_id_or_a_file(runner, essay, tmp_path):
    res = runner.invoke(cli, ["mark", "--rubric", "ww1-causes", "--format", "json", str(essay)])
    assert json.loads(res.output)["rubric"]["id"] == "ww1-causes"
    res = runner.invoke(cli, ["mark", "--rubric", "nope", str(essay)])
    assert res.exit_code == 2 and "unknown rubric 'nope'" in res.output


def test_rubric_check_and_list(runner, tmp_path):
    ok = runner.invoke(cli, ["rubric", "check", str(REPO / "rubrics" / "stalin-rise.yaml")])
    assert ok.exit_code == 0 and "OK" in ok.output
    bad = tmp_path / "bad.yaml"
    bad.write_text("id: x\ntitle: T\nquestion: Q\nfactors:\n  - {id: a, title: A, "
                   "identify: ['@ghost']}\n")
    res = runner.invoke(cli, ["rubric", "check", str(bad)])
    assert res.exit_code == 1
    assert "factor 'a'.identify[0]: unknown lexicon entry '@ghost'" in res.output
    listed = runner.invoke(cli, ["rubric", "list"])
    assert "stalin-rise" in listed.output and "ww1-causes" in listed.output
    missing = tmp_path / "missing.yaml"
    missing.write_text("id: x\ntitle: T\nquestion: Q\nmodel_answer: nowhere.md\nfactors:\n"
                       "  - {id: a, title: A, identify: ['a']}\n")
    res = runner.invoke(cli, ["rubric", "check", str(missing)])
    assert res.exit_code == 1 and "model answer 'nowhere.md' not found" in res.output


def test_eval_prints_figures_and_disagreements(runner, tmp_path):
    ds = tmp_path / "set.jsonl"
    ds.write_text(json.dumps({
        "id": "x1", "text": ESSAY,
        "levels": {"testament": 0, "funeral": 1, "socialism_in_one_country": 0,
                   "factionalism": 0, "purges": 0},
        "errors": [{"quote": "Lenin died in 1922", "fact": "F1"}],
        "correct_claims": [{"quote": "Lenin's funeral in January 1924", "fact": "F2"}]}) + "\n")
    res = runner.invoke(cli, ["eval", str(ds)])
    assert res.exit_code == 0
    assert "flag recall            1.000" in res.output
    assert "x1  factor funeral: expected 1, got 2" in res.output
    js = runner.invoke(cli, ["eval", str(ds), "--json"])
    assert json.loads(js.output)["flag_precision"] == 1.0


def test_eval_rejects_a_malformed_dataset(runner, tmp_path):
    ds = tmp_path / "bad.jsonl"
    ds.write_text("{not json}\n")
    res = runner.invoke(cli, ["eval", str(ds)])
    assert res.exit_code == 1 and "line 1: not JSON" in res.output


def test_version_names_the_grading_core_build(runner):
    result = runner.invoke(cli, ["--version"])
    assert result.exit_code == 0, result.output
    first, second = result.output.splitlines()
    assert first.startswith("grader, version ")
    assert second.startswith("grading core: ")
