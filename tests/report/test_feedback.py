from grader import grade


def test_feedback_refers_to_what_the_student_wrote(rubric):
    text = ("There was also the funeral, where Stalin gave a speech. "
            "Later Trotsky was killed in 1929.")
    rep = grade(text, rubric)
    funeral = rep.factor("funeral").feedback
    assert "There was also the funeral" in funeral
    assert "Trotsky" in funeral
    (flag,) = rep.flags
    assert flag.message.startswith("Trotsky was murdered in Mexico by a Soviet agent in 1940, "
                                   "not 1929") and "1929" in \
        flag.message
    assert any("1940" in s for s in rep.feedback.next_steps)
    assert 2 <= len(rep.feedback.next_steps) <= 3


def test_explained_feedback_names_the_details(rubric):
    rep = grade("Lenin's Testament called Stalin too rude, but Zinoviev and Kamenev kept it "
                "secret, so Stalin kept his job.", rubric)
    fb = rep.factor("testament").feedback
    assert "too rude" in fb and "Zinoviev and Kamenev" in fb


def test_summary_strengths_and_steps(rubric, seed_text):
    rep = grade(seed_text, rubric)
    assert "5 of the 5" in rep.feedback.summary
    assert 2 <= len(rep.feedback.strengths) <= 3
    assert 1 <= len(rep.feedback.next_steps) <= 3


def test_report_json_shape(rubric):
    d = grade("Lenin died in 1922.", rubric, essay="e.txt").to_dict()
    assert set(d) == {"essay", "rubric", "stats", "factors", "flags", "writing", "score",
                      "feedback", "review"}
    assert d["rubric"] == {"id": "stalin-rise", "version": "1"}
    f = d["factors"][0]
    assert set(f) == {"id", "title", "level", "max_level", "marks", "max_marks", "confidence",
                      "evidence", "feedback"}
    assert set(d["flags"][0]) == {"fact", "kind", "start", "end", "text", "found", "expected",
                                  "message"}
    assert isinstance(d["score"]["marks"], int)
