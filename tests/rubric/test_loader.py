import textwrap

import pytest

from grader.rubric import RubricError, bundled_rubrics, check_rubric, load_rubric, parse_rubric

MINIMAL = textwrap.dedent("""
    id: tiny
    title: Tiny
    question: Why?
    factors:
      - id: cause
        title: The cause
        identify: ["because of the cause"]
""")


def test_bundled_rubrics_load_with_all_five_factors():
    assert {"stalin-rise", "ww1-causes"} <= set(bundled_rubrics())
    r = load_rubric("stalin-rise")
    assert [f.id for f in r.factors] == [
        "testament", "funeral", "socialism_in_one_country", "factionalism", "purges"]
    assert {f.id for f in r.facts} == {f"F{i}" for i in range(1, 24)}
    assert all(f.max_level == 2 for f in r.factors)
    assert r.model_answer and len(r.model_answer.split()) > 400


def test_load_is_cached():
    assert load_rubric("stalin-rise") is load_rubric("stalin-rise")


def test_minimal_rubric_defaults():
    r = parse_rubric(MINIMAL)
    assert r.factors[0].marks == [0, 1, 2]
    assert r.facts == []


def test_every_problem_is_listed_with_its_place(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(textwrap.dedent("""
        id: 9bad
        title: ""
        question: Why?
        factors:
          - id: one
            title: One
            identify: ["@nobody"]
            marks: [0, 3, 1]
          - id: one
            title: Dup
          - id: two
            title: Two
            identify: [{phrase: "x", colour: red}]
    """))
    problems = [(p.place, p.message) for p in check_rubric(bad)]
    places = " ".join(p for p, _ in problems)
    assert "id" in places and "title" in places
    assert any("marks" in p and "go down" in m for p, m in problems)
    assert any("factor 'two'" in p and "colour" in m for p, m in problems)
    assert any("duplicate" in m for _, m in problems) or any(
        "factor 'one'" in p and "identify" in p for p, _ in problems)


def test_unknown_entity_in_cue_is_reported_at_its_factor():
    text = MINIMAL.replace('["because of the cause"]', '["@ghost"]')
    with pytest.raises(RubricError) as exc:
        parse_rubric(text)
    assert exc.value.problems[0].place == "factor 'cause'.identify[0]"
    assert "@ghost" in exc.value.problems[0].message


def test_yaml_cannot_build_python_objects():
    with pytest.raises(RubricError, match="YAML"):
        parse_rubric("!!python/object/apply:os.system ['echo hi']")


def test_alias_bomb_is_refused():
    lines = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 30):
        prev = "a" if i == 1 else f"a{i - 1}"
        lines.append(f"a{i}: &a{i} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]")
    with pytest.raises(RubricError, match="aliases"):
        parse_rubric("\n".join(lines))


def test_unknown_bundled_id_names_the_choices():
    with pytest.raises(RubricError, match="stalin-rise"):
        load_rubric("no-such-rubric")


def test_second_rubric_on_another_topic_grades_with_no_code_change():
    from grader import grade

    r = load_rubric("ww1-causes")
    rep = grade("The assassination of Franz Ferdinand in Sarajevo in 1914 gave Austria-Hungary "
                "an excuse to attack Serbia, which dragged Russia in because of the alliance "
                "system.", r)
    levels = {f.id: f.level for f in rep.factors}
    assert levels["assassination"] >= 1
    assert levels["alliances"] >= 1
    assert max(levels.values()) >= 1 and min(levels.values()) == 0


def test_wrong_cues_and_ordered_are_checked():
    text = MINIMAL + "    wrong: [{all: [cause, effect], ordered: yes}]\n"
    assert parse_rubric(text).factors[0].wrong
    bad = MINIMAL + "    wrong: [{phrase: cause, ordered: true}]\n"
    with pytest.raises(RubricError, match="ordered"):
        parse_rubric(bad)


def test_bundled_listing_sees_a_rubric_added_to_the_folder(tmp_path, monkeypatch):
    import os

    from grader.rubric import loader

    (tmp_path / "first.yaml").write_text("id: first\n", encoding="utf-8")
    monkeypatch.setattr(loader, "bundled_dir", lambda kind: tmp_path)
    assert set(bundled_rubrics()) == {"first"}
    (tmp_path / "second.yaml").write_text("id: second\n", encoding="utf-8")
    stat = tmp_path.stat()
    os.utime(tmp_path, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))
    assert set(bundled_rubrics()) == {"first", "second"}
    bundled_rubrics().clear()  # callers get a copy: the cached listing is untouched
    assert set(bundled_rubrics()) == {"first", "second"}


def test_load_bundled_takes_ids_never_paths(tmp_path, monkeypatch):
    from grader.rubric import load_bundled

    assert load_bundled("stalin-rise") is load_rubric("stalin-rise")  # compiled once, shared
    assert load_bundled("no-such-rubric") is None
    # a path to a real rubric file is not a bundled id
    assert load_bundled(str(bundled_rubrics()["stalin-rise"])) is None
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ww1-causes").write_text("not a rubric")  # a file named like an id
    assert load_bundled("ww1-causes").id == "ww1-causes"
