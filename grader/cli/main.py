"""The `grader` command: mark essays, evaluate against labelled sets, check rubrics."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from ..rubric import RubricError, bundled_rubrics, check_rubric, load_rubric


class RubricParam(click.ParamType):
    """A bundled rubric id or a rubric file, loaded and compiled at the edge."""

    name = "rubric"

    def convert(self, value, param, ctx):
        if not isinstance(value, str):
            return value
        try:
            return load_rubric(value)
        except RubricError as exc:
            self.fail(str(exc), param, ctx)


RUBRIC = RubricParam()


def _show_version(ctx: click.Context, param: click.Parameter, value: bool) -> None:
    """--version: the package version, and whether the grading core runs compiled."""
    if not value or ctx.resilient_parsing:
        return
    from importlib.metadata import version

    from .. import corebuild

    click.echo(f"grader, version {version('grader')}")
    click.echo(corebuild.describe())
    ctx.exit()


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--version", is_flag=True, expose_value=False, is_eager=True,
              callback=_show_version,
              help="Show the version and how the grading core was built, then exit.")
def cli() -> None:
    """Grade essays against a teacher's rubric: coverage, factual errors, feedback."""


@cli.command()
@click.argument("inputs", nargs=-1, required=True)
@click.option("--rubric", "rubric", type=RUBRIC, default="stalin-rise", show_default=True,
              help="Bundled rubric id or path to a rubric YAML file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl", "csv"]),
              default=None, help="Output format (default: text on a terminal, else jsonl; "
                                 "with --output, csv for a .csv file, else jsonl).")
@click.option("--output", "-o", "output", type=click.Path(dir_okay=False), default=None,
              help="Write the reports to FILE (flushed line by line) instead of stdout.")
@click.option("--resume", is_flag=True,
              help="Continue an interrupted run: skip the essays already in --output.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=None,
              help="Grade in N processes (default: the number of cores).")
@click.option("--unordered", is_flag=True,
              help="Write each report as soon as it is ready instead of in input order.")
@click.option("--text-column", default=None,
              help="Column (CSV/TSV) or key (JSONL) holding the essay (default: text, essay, "
                   "answer, response...).")
@click.option("--id-column", default=None,
              help="Column or key naming each essay (default: id, essay_id, student_id...; "
                   "else FILE#ROW).")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar and no summary.")
def mark(inputs: tuple[str, ...], rubric, fmt: str | None, output: str | None, resume: bool,
         jobs: int | None, unordered: bool, text_column: str | None, id_column: str | None,
         quiet: bool) -> None:
    """Grade essays and print the reports.

    INPUTS are essay files ('-' reads standard input), folders (read recursively), globs,
    .zip archives, and .csv/.tsv/.jsonl files with one essay per row, in any mix. A bad
    item is reported on stderr and skipped; the exit status is 1 if any failed.
    """
    from .marking import MarkOptions, run_mark

    if fmt is None:
        if output not in (None, "-"):
            fmt = "csv" if output.lower().endswith(".csv") else "jsonl"
        else:
            fmt = "text" if sys.stdout.isatty() else "jsonl"
    if resume and (output in (None, "-") or fmt not in ("jsonl", "csv")):
        raise click.UsageError("--resume needs --output FILE in jsonl or csv format")
    opts = MarkOptions(fmt=fmt, output=output, resume=resume, jobs=jobs,
                       ordered=not unordered, text_column=text_column, id_column=id_column,
                       quiet=quiet)
    sys.exit(run_mark(list(inputs), rubric, opts))


@cli.command(name="eval")
@click.argument("dataset", type=click.Path(exists=True, dir_okay=False))
@click.option("--rubric", "rubric", type=RUBRIC, default="stalin-rise", show_default=True,
              help="Bundled rubric id or path to a rubric YAML file.")
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
def eval_(dataset: str, rubric, as_json: bool) -> None:
    """Agreement with a labelled essay set (JSON lines like shared/eval/stalin_dev.jsonl)."""
    from ..evaluation.devset import DatasetError, evaluate, read_dataset
    from ..evaluation.report import render_eval

    try:
        rows = read_dataset(dataset)
    except DatasetError as exc:
        raise click.ClickException(f"{dataset}: {exc}") from None
    result = evaluate(rows, rubric)
    if as_json:
        click.echo(json.dumps(result.to_dict(), indent=2, ensure_ascii=False))
    else:
        click.echo(render_eval(result))


@cli.group()
def rubric() -> None:
    """Check and list rubrics."""


@rubric.command("check")
@click.argument("file", type=click.Path(dir_okay=False))
def rubric_check(file: str) -> None:
    """List every problem in a rubric FILE with its place; exit 1 if there are any."""
    if not Path(file).exists():
        raise click.ClickException(f"{file}: no such file")
    problems = check_rubric(file)
    if not problems:
        r = load_rubric(file)
        click.echo(f"{file}: OK ({r.id}: {len(r.factors)} factors, {len(r.facts)} facts)")
        return
    for p in problems:
        click.echo(f"{file}: {p.place}: {p.message}")
    sys.exit(1)


@cli.group()
def facts() -> None:
    """Test a rubric's fact sheet."""


@facts.command("test")
@click.argument("rubric", type=RUBRIC)
def facts_test(rubric) -> None:
    """Try each fact of RUBRIC's fact sheet: its own statement (and the statement reported)
    must not be flagged; wrong versions (another year, figure or person) must be. Prints
    what slipped; exit 1 if anything did."""
    from ..evaluation.fact_trials import render_trials, run_fact_trials

    if not rubric.facts:
        raise click.ClickException(f"{rubric.id}: the rubric has no fact sheet")
    trials = run_fact_trials(rubric)
    click.echo(render_trials(trials))
    if any(not t.ok for t in trials):
        sys.exit(1)


@facts.command("show")
@click.argument("rubric", type=RUBRIC)
@click.argument("fact_ids", nargs=-1)
def facts_show(rubric, fact_ids: tuple[str, ...]) -> None:
    """Print the checks of RUBRIC's facts (or of FACT_IDS only), those written by hand and
    those the grader made from facts written as data, in the fact sheet's own form."""
    import yaml

    if not rubric.facts:
        raise click.ClickException(f"{rubric.id}: the rubric has no fact sheet")
    known = {f.id for f in rubric.facts}
    unknown = [i for i in fact_ids if i not in known]
    if unknown:
        raise click.ClickException(f"{rubric.id}: no fact {', '.join(unknown)}")
    for fact in rubric.facts:
        if fact_ids and fact.id not in fact_ids:
            continue
        click.echo(yaml.safe_dump([{"id": fact.id, "statement": fact.statement,
                                    "right": fact.right, "checks": fact.written}],
                                   sort_keys=False, allow_unicode=True, width=100).rstrip())


@rubric.command("list")
def rubric_list() -> None:
    """Show the bundled rubrics."""
    for rid, path in bundled_rubrics().items():
        try:
            r = load_rubric(path)
            click.echo(f"{rid}\t{r.title}\t{len(r.factors)} factors")
        except RubricError as exc:
            click.echo(f"{rid}\tINVALID: {exc}")


from ..lti.cli import lti  # noqa: E402  (LTI platforms and keys)
from ..web.cli import users  # noqa: E402  (teacher accounts)
from .service import db, keys, serve  # noqa: E402  (service commands: grader/cli/service.py)

cli.add_command(serve)
cli.add_command(keys)
cli.add_command(db)
cli.add_command(users)  # teacher accounts: grader/web/cli.py
cli.add_command(lti)  # LTI 1.3: grader/lti/cli.py


def main() -> None:
    cli(prog_name="grader")


if __name__ == "__main__":
    main()
