"""grader mark: an essay over the CPU budget prints its own error and marking goes on."""

from click.testing import CliRunner

from grader.cli.main import cli
from grader.pipeline import set_default_budget

ESSAY = "At Lenin's funeral in January 1924 Stalin was chief mourner. Lenin died in 1922."


def test_each_essay_over_budget_gets_its_error_and_the_run_goes_on(tmp_path):
    paths = []
    for name in ("a.txt", "b.txt"):
        p = tmp_path / name
        p.write_text(ESSAY, encoding="utf-8")
        paths.append(str(p))
    set_default_budget(1e-9)
    try:
        res = CliRunner().invoke(cli, ["mark", "--format", "jsonl", "--jobs", "1", *paths])
    finally:
        set_default_budget(None)
    assert res.exit_code != 0
    lines = [x for x in res.stderr.splitlines() if x.startswith("grader: ")]
    assert len(lines) == 2, res.stderr
    for line, path in zip(lines, paths, strict=True):
        assert line.startswith(f"grader: {path}: this essay could not be graded: ")
    assert "Graded 0 of 2 essays; 2 failed." in res.stderr
