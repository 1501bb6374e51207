"""The version-1 wire form of a report: plain JSON types, the same as dataclasses.asdict."""

import json
from dataclasses import asdict

from grader.pipeline import grade

ESSAY = (
    "Stalin rose to power after Lenin died in 1924. Lenin's Testament warned that Stalin "
    "was too rude, but Zinoviev and Kamenev kept it secret, so it could not harm him.\n"
    "Stalin was chief mourner at Lenin's funeral in 1925 and told Trotksy the wrong date, "
    "which made Trotsky look disloyal."
)


def test_wire_form_matches_asdict_and_is_plain_json():
    report = grade(ESSAY, "stalin-rise", essay="e.txt")
    d = report.to_dict()
    assert d["factors"] == [_whole(asdict(f)) for f in report.factors]
    assert d["flags"] == [asdict(f) for f in report.flags] and d["flags"]
    assert d["writing"] == asdict(report.writing)
    assert d["feedback"] == asdict(report.feedback)
    assert d["stats"] == asdict(report.stats)
    assert json.loads(json.dumps(d)) == d  # nothing but JSON types


def test_changing_the_wire_form_leaves_the_report_alone():
    report = grade(ESSAY, "stalin-rise")
    d = report.to_dict()
    d["factors"][0]["evidence"].clear()
    d["flags"][0]["why"] = "edited"
    assert report.to_dict() != d


def _whole(d):
    for k in ("marks", "max_marks"):
        if isinstance(d.get(k), float) and d[k].is_integer():
            d[k] = int(d[k])
    return d
