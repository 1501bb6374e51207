"""What a teacher changed: the history entry written beside every override."""

from grader.store.overrides import changes_between


def _final(marks=3, band="B", level=1, factor_feedback="Good.", overall="Well done."):
    return {"marks": marks, "band": band, "band_label": f"Band {band}",
            "factors": [{"id": "testament", "level": level, "marks": level,
                         "feedback": factor_feedback}],
            "feedback": {"overall": overall}}


def test_nothing_changed_is_an_empty_entry():
    assert changes_between(_final(), _final()) == {}


def test_each_changed_field_is_named_with_from_and_to():
    changes = changes_between(_final(), _final(marks=4, band="A", level=2,
                                               overall="Excellent."))
    assert changes == {
        "marks": {"from": 3, "to": 4},
        "band": {"from": "B", "to": "A"},
        "band_label": {"from": "Band B", "to": "Band A"},
        "factors.testament.level": {"from": 1, "to": 2},
        "factors.testament.marks": {"from": 1, "to": 2},
        "feedback.overall": {"from": "Well done.", "to": "Excellent."},
    }


def test_feedback_added_or_removed_is_a_change():
    old, new = _final(), _final()
    new["feedback"]["next_steps"] = "Use dates."
    assert changes_between(old, new) == {
        "feedback.next_steps": {"from": None, "to": "Use dates."}}
