import textwrap

from grader import grade, parse_rubric
from grader.report.scoring import band_for, total_marks

RUBRIC = textwrap.dedent("""
    id: cells
    title: Membrane transport
    question: List three ways substances cross the membrane.
    factors:
      - {id: diffusion, title: Diffusion, marks: [0, 1], identify: ["diffus*"]}
      - {id: osmosis, title: Osmosis, marks: [0, 1], identify: ["osmosis"]}
      - {id: active, title: Active transport, marks: [0, 1], identify: ["active transport"]}
      - {id: pump, title: Pumps, marks: [0, 1], identify: ["pump*"]}
      - {id: conclusion, title: Conclusion, marks: [0, 1], identify: ["stretched most"]}
    scoring:
      count: factors
      groups:
        - {id: processes, factors: [diffusion, osmosis, active, pump], cap: 2}
      table:
        - {min: 3, score: 3}
        - {min: 2, score: 2}
        - {min: 1, score: 1}
    bands:
      - {band: 2, label: Full, min_marks: 3}
      - {band: 1, label: Partial, min_marks: 1}
""")


def test_table_and_group_cap():
    r = parse_rubric(RUBRIC)
    levels = {"diffusion": 1, "osmosis": 1, "active": 1, "pump": 0, "conclusion": 0}
    assert total_marks(r, levels) == (2, 3)  # the group adds at most 2
    levels["conclusion"] = 1
    assert total_marks(r, levels) == (3, 3)
    assert total_marks(r, dict.fromkeys(levels, 0)) == (0, 3)
    assert band_for(r, 3) == (2, "Full")
    assert band_for(r, 0) == (None, "")


def test_report_score_is_on_the_rubrics_own_scale():
    rep = grade("Water moves by osmosis and ions by active transport; B stretched most.",
                parse_rubric(RUBRIC))
    assert (rep.score.marks, rep.score.max_marks, rep.score.band) == (3, 3, 2)


def test_marks_sum_by_default(rubric):
    rep = grade("At Lenin's funeral Stalin was chief mourner, so he looked like the heir.",
                rubric)
    assert rep.factor("funeral").marks == 4
    assert rep.score.marks == 4 and rep.score.max_marks == 20
    assert rep.score.band == 1
