"""The `grader` command: mark essays, evaluate against labelled sets, check rubrics."""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

import click

from ..rubric import RubricError, bundled_rubrics, check_rubric, load_rubric
from .inputs import iter_items
from .render import csv_header, csv_row, text_report


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="grader")
def cli() -> None:
    """Grade essays against a teacher's rubric: coverage, factual errors, feedback."""


@cli.command()
@click.argument("files", nargs=-1, required=True)
@click.option("--rubric", "rubric", type=RUBRIC, default="stalin-rise", show_default=True,
              help="Bundled rubric id or path to a rubric YAML file.")
@click.option("--format", "fmt", type=click.Choice(["text", "json", "jsonl", "csv"]),
              default=None, help="Output format (default: text on a terminal, else jsonl).")
def mark(files: tuple[str, ...], rubric, fmt: str | None) -> None:
    """Grade essay FILES ('-' reads standard input) and print the reports."""
    from ..pipeline import grade

    if fmt is None:
        fmt = "text" if sys.stdout.isatty() else "jsonl"
    out = sys.stdout
    writer = None
    if fmt == "csv":
        writer = csv.writer(out)
        writer.writerow(csv_header([f.id for f in rubric.factors]))
    collected: list[dict] = []
    failed = 0
    for item in iter_items(list(files)):
        if item.error is not None:
            click.echo(f"grader: {item.name}: {item.error}", err=True)
            failed += 1
            continue
        report = grade(item.text, rubric, essay=item.name)
        if fmt == "text":
            out.write(text_report(report))
            out.write("\n")
        elif fmt == "jsonl":
            out.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
        elif fmt == "csv":
            writer.writerow(csv_row(report))
        else:
            collected.append(report.to_dict())
        out.flush()
    if fmt == "json":
        payload = collected[0] if len(files) == 1 and len(collected) == 1 else collected
        out.write(json.dumps(payload, ensure_ascii=False, indent=2) + "\n")
    if failed:
        sys.exit(1)


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


@rubric.command("list")
def rubric_list() -> None:
    """Show the bundled rubrics."""
    for rid, path in bundled_rubrics().items():
        try:
            r = load_rubric(path)
            click.echo(f"{rid}\t{r.title}\t{len(r.factors)} factors")
        except RubricError as exc:
            click.echo(f"{rid}\tINVALID: {exc}")


from .service import db, keys, serve  # noqa: E402  (service commands: grader/cli/service.py)

cli.add_command(serve)
cli.add_command(keys)
cli.add_command(db)


def main() -> None:
    cli(prog_name="grader")


if __name__ == "__main__":
    main()
