"""`grader mark` over many essays: every input kind, pools, resume, bad items, the summary."""

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections import Counter

import pytest
from click.testing import CliRunner

from grader.cli.main import cli
from grader.cli.progress import Progress

ESSAY = ("At Lenin's funeral in January 1924 Stalin was chief mourner, so he looked like "
         "Lenin's heir. Lenin died in 1922.")
OTHER = "Stalin used the purges to remove his rivals, and Trotsky was exiled."


@pytest.fixture
def runner():
    return CliRunner()


def _mark(runner, *args):
    return runner.invoke(cli, ["mark", "--format", "jsonl", *map(str, args)])


def _names(stdout: str) -> list[str]:
    return [json.loads(line)["essay"] for line in stdout.splitlines()]


def test_every_input_kind_mixed_in_one_call(runner, tmp_path):
    folder = tmp_path / "class"
    (folder / "sub").mkdir(parents=True)
    (folder / "b.txt").write_text(ESSAY)
    (folder / "sub" / "a.txt").write_text(OTHER)
    (folder / "photo.png").write_bytes(b"\x89PNG")  # not an essay: skipped in a folder
    (folder / ".DS_Store").write_bytes(b"\0")
    globbed = tmp_path / "loose"
    globbed.mkdir()
    for n in (2, 1):
        (globbed / f"g{n}.txt").write_text(OTHER)
    (globbed / "g3.md").write_text(OTHER)
    archive = tmp_path / "set.zip"
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("z1.txt", ESSAY)
        z.writestr("../evil.txt", ESSAY)
    table = tmp_path / "rows.csv"
    table.write_text("student_id,answer\nc1,\"" + ESSAY + "\"\nc2,\"" + OTHER + "\"\n")
    tsv = tmp_path / "rows.tsv"
    tsv.write_text("id\ttext\nt1\t" + OTHER + "\n")
    lines = tmp_path / "rows.jsonl"
    lines.write_text(json.dumps({"id": "j1", "text": ESSAY}) + "\n")
    res = runner.invoke(cli, ["mark", "--format", "jsonl", "--jobs", "2", str(folder),
                              str(globbed / "g*.txt"), str(archive), str(table), str(tsv),
                              str(lines)])
    assert res.exit_code == 1  # the traversal entry failed
    assert _names(res.stdout) == [
        str(folder / "b.txt"), str(folder / "sub" / "a.txt"), str(globbed / "g1.txt"),
        str(globbed / "g2.txt"), f"{archive}/z1.txt", "c1", "c2", "t1", "j1"]
    assert f"grader: {archive}/../evil.txt: unsafe path in archive (refused)" in res.stderr
    assert "Graded 9 of 10 essays; 1 failed." in res.stderr


def test_text_column_and_a_bad_row_in_the_middle(runner, tmp_path):
    rows = tmp_path / "set.jsonl"
    rows.write_text("\n".join([json.dumps({"k": "a", "body_text": ESSAY}), "{broken",
                               json.dumps({"k": "c", "body_text": ""}),
                               json.dumps({"k": "d", "body_text": OTHER})]) + "\n")
    res = runner.invoke(cli, ["mark", "--format", "csv", "--text-column", "body_text",
                              "--id-column", "k", str(rows)])
    assert res.exit_code == 1
    table = list(csv.reader(io.StringIO(res.stdout)))
    assert [r[0] for r in table] == ["essay", "a", "d"]
    assert f"grader: {rows}#2: line 2: not JSON" in res.stderr
    assert "grader: c: empty text" in res.stderr
    assert "Graded 2 of 4 essays; 2 failed." in res.stderr


def test_unordered_and_quiet(runner, tmp_path):
    paths = []
    for i in range(40):
        p = tmp_path / f"e{i:02d}.txt"
        p.write_text(ESSAY if i % 2 else OTHER)
        paths.append(str(p))
    res = runner.invoke(cli, ["mark", "--format", "jsonl", "--jobs", "2", "--unordered",
                              "--quiet", *paths])
    assert res.exit_code == 0
    assert sorted(_names(res.stdout)) == sorted(paths)
    assert res.stderr == ""


def test_summary_for_a_head_of_department(runner, tmp_path):
    for i, text in enumerate([ESSAY, ESSAY, OTHER]):
        (tmp_path / f"e{i}.txt").write_text(text)
    res = _mark(runner, tmp_path)
    err = res.stderr
    assert "Graded 3 of 3 essays; 0 failed." in err
    assert "Mean mark:" in err and "Bands:" in err
    assert "F1 (2 essays): Lenin died in January 1924" in err
    assert "Lenin's Testament: missing in 3 essays" in err


def test_resume_skips_written_essays_and_cuts_a_partial_line(runner, tmp_path):
    paths = []
    for i in range(12):
        p = tmp_path / f"e{i:02d}.txt"
        p.write_text(ESSAY + f" Essay {i}.")
        paths.append(str(p))
    out = tmp_path / "out.jsonl"
    full = runner.invoke(cli, ["mark", "-o", str(out), "--jobs", "2", *paths[:5]])
    assert full.exit_code == 0
    with open(out, "a") as fh:
        fh.write('{"essay": "' + paths[5] + '", "rubric": {"id": "stal')  # crash mid-line
    res = runner.invoke(cli, ["mark", "-o", str(out), "--resume", "--jobs", "2", *paths])
    assert res.exit_code == 0, res.output
    assert "Resumed: 5 essays already in" in res.stderr
    assert "Graded 7 of 7 essays" in res.stderr
    assert _names(out.read_text()) == paths
    again = runner.invoke(cli, ["mark", "-o", str(out), "--resume", *paths])
    assert _names(out.read_text()) == paths and "Resumed: 12" in again.stderr


def test_resume_csv_and_refuse_another_rubric(runner, tmp_path):
    paths = []
    for i in range(3):
        p = tmp_path / f"e{i}.txt"
        p.write_text(OTHER)
        paths.append(str(p))
    out = tmp_path / "marks.csv"
    runner.invoke(cli, ["mark", "-o", str(out), *paths[:2]])
    res = runner.invoke(cli, ["mark", "-o", str(out), "--resume", *paths])
    assert res.exit_code == 0
    rows = list(csv.reader(io.StringIO(out.read_text())))
    assert rows[0][0] == "essay" and [r[0] for r in rows[1:]] == paths
    other = runner.invoke(cli, ["mark", "-o", str(out), "--resume", "--rubric", "ww1-causes",
                                *paths])
    assert other.exit_code == 1 and "not this rubric's" in other.output
    jl = tmp_path / "o.jsonl"
    runner.invoke(cli, ["mark", "-o", str(jl), paths[0]])
    other = runner.invoke(cli, ["mark", "-o", str(jl), "--resume", "--rubric", "ww1-causes",
                                *paths])
    assert other.exit_code == 1 and "rubric 'stalin-rise', not 'ww1-causes'" in other.output
    assert runner.invoke(cli, ["mark", "--resume", paths[0]]).exit_code == 2


@pytest.mark.slow
def test_killed_run_resumes_without_loss_or_duplicates(tmp_path):
    rows = tmp_path / "big.jsonl"
    seed = ESSAY * 6
    with open(rows, "w") as fh:
        for i in range(600):
            fh.write(json.dumps({"id": f"s{i:04d}", "text": f"{seed} Essay {i}."}) + "\n")
    out = tmp_path / "out.jsonl"
    cmd = [sys.executable, "-m", "grader.cli.main", "mark", "--jobs", "2", "-o", str(out),
           str(rows)]
    proc = subprocess.Popen(cmd, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not out.exists() or out.stat().st_size < 200_000):
        time.sleep(0.05)
    os.killpg(proc.pid, signal.SIGKILL)  # the whole run, workers included, mid-write
    proc.wait()
    before = len(out.read_bytes().splitlines())
    assert 0 < before < 600
    done = subprocess.run([*cmd, "--resume"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    names = Counter(_names(out.read_text()))
    assert len(names) == 600 and set(names.values()) == {1}


def test_progress_line_shows_done_rate_and_time_left():
    stream = io.StringIO()
    p = Progress(200, stream)
    p.start -= 10
    p.done = 50
    line = p.line()
    assert "50/200 essays" in line and "5.0/s" in line and "0:30 left" in line
    p.draw()
    p.clear()
    assert stream.getvalue().endswith("\r\x1b[K")
    assert "elapsed" in Progress(None, stream).line()
