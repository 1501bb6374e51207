"""`grader mark` over many essays: read inputs, grade in a pool, stream output, summarise."""

from __future__ import annotations

import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass

import click

from ..batch.items import Item
from ..batch.pool import default_jobs, grade_items
from ..batch.sources import TableOptions, kind_of
from ..batch.summary import Summary
from ..rubric import Rubric
from .inputs import count_items, iter_items
from .output import RENDERERS, open_output
from .progress import Progress
from .render import csv_header

EXIT_FAILED = 1
EXIT_INTERRUPTED = 130


@dataclass
class MarkOptions:
    """The options of `grader mark`, as given on the command line."""

    fmt: str = "jsonl"
    output: str | None = None
    resume: bool = False
    jobs: int | None = None
    ordered: bool = True
    text_column: str | None = None
    id_column: str | None = None
    quiet: bool = False


def _skip_done(items: Iterator[Item], done: Counter, skipped: list[int]) -> Iterator[Item]:
    for item in items:
        if done[item.name] > 0:
            done[item.name] -= 1
            skipped[0] += 1
            continue
        yield item


def run_mark(paths: list[str], rubric: Rubric, opts: MarkOptions) -> int:
    """Grade every essay `paths` name and write the reports; the exit status."""
    table = TableOptions(opts.text_column, opts.id_column)
    header = csv_header([f.id for f in rubric.factors])
    out, done, need_header = open_output(opts.output, opts.fmt, opts.resume, header, rubric.id)
    already = sum(done.values())
    progress = None
    if not opts.quiet and sys.stderr.isatty():
        progress = Progress(max(count_items(paths, table) - already, 0), sys.stderr)
    summary = Summary(rubric)
    skipped = [0]
    collected: list[dict] = []
    items = iter_items(paths, table)
    if done:
        items = _skip_done(items, done, skipped)
    try:
        if opts.fmt == "csv" and need_header:
            out.write(",".join(header) + "\r\n")
            out.flush()
        for outcome in grade_items(items, rubric, RENDERERS[opts.fmt],
                                   jobs=opts.jobs or default_jobs(), ordered=opts.ordered):
            summary.add(outcome)
            if outcome.error is not None:
                if progress:
                    progress.clear()
                click.echo(f"grader: {outcome.name}: {outcome.error}", err=True)
            elif opts.fmt == "json":
                collected.append(outcome.output)
            else:
                out.write(outcome.output)
                out.flush()
            if progress:
                progress.update()
    except KeyboardInterrupt:
        if progress:
            progress.clear()
        hint = " (run again with --resume to continue)" if opts.output else ""
        click.echo(f"grader: interrupted after {summary.graded + summary.failed} essays{hint}",
                   err=True)
        return EXIT_INTERRUPTED
    finally:
        if out is not sys.stdout:
            out.close()
    if progress:
        progress.clear()
    if opts.fmt == "json":
        single = len(paths) == 1 and kind_of(paths[0]) == "file" and len(collected) == 1
        sys.stdout.write(_dumps(collected[0] if single else collected))
    if not opts.quiet and (summary.graded + summary.failed > 1 or summary.failed
                           or skipped[0]):
        if skipped[0]:
            click.echo(f"Resumed: {skipped[0]} essays already in {opts.output} were skipped.",
                       err=True)
        click.echo(summary.render(), err=True, nl=False)
    return EXIT_FAILED if summary.failed else 0


def _dumps(payload: object) -> str:
    import json

    return json.dumps(payload, ensure_ascii=False, indent=2) + "\n"
