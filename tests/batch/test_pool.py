"""The worker pool: same reports as grading one by one, in order unless asked, errors kept."""

import json

import pytest

from grader import grade, load_rubric
from grader.batch.items import Item
from grader.batch.pool import grade_items
from grader.batch.summary import Summary
from grader.cli.output import render_jsonl

ESSAYS = [
    "At Lenin's funeral in January 1924 Stalin was chief mourner. Lenin died in 1922.",
    "Stalin used the purges to remove his rivals, Trotsky and Zinoviev among them.",
    "Stalin argued for Socialism in One Country while Trotsky wanted permanent revolution.",
]


@pytest.fixture(scope="module")
def rubric():
    return load_rubric("stalin-rise")


def _items(n: int) -> list[Item]:
    items = [Item(f"e{i}", text=ESSAYS[i % 3] + f" Essay {i}.") for i in range(n)]
    items[n // 2] = Item(f"e{n // 2}", data=bytes(range(256)) * 4, filename="bin.txt")
    return items


def test_pool_matches_one_by_one_and_keeps_order(rubric):
    items = _items(60)
    outcomes = list(grade_items(items, rubric, render_jsonl, jobs=2, chunk_size=4, window=3))
    assert [o.name for o in outcomes] == [i.name for i in items]
    bad = outcomes[30]
    assert bad.output is None and bad.error
    for item, o in zip(items, outcomes, strict=True):
        if item.text is not None:
            assert json.loads(o.output) == grade(item.text, rubric, essay=item.name).to_dict()


def test_unordered_yields_every_item_once(rubric):
    items = _items(50)
    names = [o.name for o in grade_items(items, rubric, render_jsonl, jobs=2, ordered=False,
                                         chunk_size=3)]
    assert sorted(names) == sorted(i.name for i in items)


def test_summary_counts_marks_bands_errors_and_gaps(rubric):
    outcomes = list(grade_items(_items(9), rubric, render_jsonl, jobs=1))
    summary = Summary(rubric)
    for o in outcomes:
        summary.add(o)
    d = summary.to_dict()
    assert (d["graded"], d["failed"]) == (8, 1)
    assert sum(b["count"] for b in d["bands"]) == 8
    assert d["common_factual_errors"][0]["fact"] == "F1"
    assert d["common_factual_errors"][0]["statement"] == "Lenin died in January 1924"
    assert d["factors_most_often_missing"][0]["essays"] == 8
    assert d["failures"][0]["essay"] == "e4"
    text = summary.render()
    assert "Graded 8 of 9 essays; 1 failed." in text and "e4:" in text
