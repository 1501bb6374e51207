"""Where `grader mark` writes: renderers run in the workers, writers that flush every line,
and `--resume`, which reads back the essays an interrupted run already wrote."""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from typing import Any, TextIO

import click

from ..report.model import Report
from .render import csv_row, text_report

STREAMING = ("jsonl", "csv")


def render_jsonl(report: Report) -> str:
    return json.dumps(report.to_dict(), ensure_ascii=False) + "\n"


def render_csv(report: Report) -> str:
    buf = io.StringIO()
    csv.writer(buf).writerow(csv_row(report))
    return buf.getvalue()


def render_text(report: Report) -> str:
    return text_report(report) + "\n"


def render_json(report: Report) -> dict[str, Any]:
    return report.to_dict()


RENDERERS = {"jsonl": render_jsonl, "csv": render_csv, "text": render_text,
             "json": render_json}


class ResumeError(click.ClickException):
    """The output file cannot be continued (another format, another rubric, damaged)."""


def _truncate_partial_line(path: str) -> None:
    """Cut a last line that a crash left unfinished, so the file holds only whole lines."""
    with open(path, "rb+") as fh:
        size = fh.seek(0, os.SEEK_END)
        if size == 0:
            return
        pos = size
        while pos > 0:
            step = min(65536, pos)
            fh.seek(pos - step)
            block = fh.read(step)
            nl = block.rfind(b"\n")
            if nl >= 0:
                end = pos - step + nl + 1
                if end != size:
                    fh.truncate(end)
                return
            pos -= step
        fh.truncate(0)


_ESSAY_PREFIX = '{"essay": '
_decoder = json.JSONDecoder()


def _jsonl_names(fh: TextIO, rubric_id: str, path: str) -> Counter:
    done: Counter = Counter()
    for n, line in enumerate(fh, start=1):
        if not line.strip():
            continue
        try:
            if n > 1 and line.startswith(_ESSAY_PREFIX):  # fast path: reports start with it
                name, _ = _decoder.raw_decode(line, len(_ESSAY_PREFIX))
            else:
                d = json.loads(line)
                name, rid = d["essay"], d["rubric"]["id"]
                if rid != rubric_id:
                    raise ResumeError(f"{path} holds reports for rubric '{rid}', "
                                      f"not '{rubric_id}'; cannot resume")
        except (ValueError, KeyError, TypeError) as exc:
            raise ResumeError(f"{path}: line {n} is not a report; cannot resume") from exc
        done[name] += 1
    return done


def _csv_names(fh: TextIO, header: list[str], path: str) -> Counter:
    reader = csv.reader(fh)
    first = next(reader, None)
    if first is None:
        return Counter()
    if first != header:
        raise ResumeError(f"{path}: its columns are not this rubric's; cannot resume")
    return Counter(row[0] for row in reader if row)


def open_output(path: str | None, fmt: str, resume: bool, header: list[str],
                rubric_id: str) -> tuple[TextIO, Counter, bool]:
    """(stream, essays already written, header needed). stdout when `path` is None."""
    import sys

    if path is None or path == "-":
        return sys.stdout, Counter(), True
    done: Counter = Counter()
    if resume and os.path.exists(path) and os.path.getsize(path) > 0:
        _truncate_partial_line(path)
        with open(path, encoding="utf-8", newline="") as fh:
            if fmt == "csv":
                done = _csv_names(fh, header, path)
            else:
                done = _jsonl_names(fh, rubric_id, path)
        if os.path.getsize(path) > 0:
            return open(path, "a", encoding="utf-8", newline=""), done, False
    return open(path, "w", encoding="utf-8", newline=""), done, True
