"""docs/facts.md documents every fact-sheet key, and its YAML examples are valid fact sheets."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from grader.rubric import RubricError, load_rubric, parse_rubric
from grader.rubric.loader import _load_facts
from grader.rubric.schema import FactCheckSchema, FactSchema, FactSheetSchema

FACTS_DOC = Path(__file__).resolve().parent.parent / "docs" / "facts.md"
YAML_BLOCK = re.compile(r"^```ya?ml[ \t]*\n(.*?)^```", re.M | re.S)


def _doc() -> str:
    return FACTS_DOC.read_text(encoding="utf-8")


def _keys(schema) -> list[str]:
    """The keys a schema reads from a file (a field's data_key, else its name)."""
    return [f.data_key or name for name, f in schema().fields.items()]


def _fact_blocks() -> list[tuple[int, dict]]:
    """(line, data) of every ```yaml block of the doc that holds a `facts:` list."""
    text = _doc()
    out = []
    for m in YAML_BLOCK.finditer(text):
        data = yaml.safe_load(m.group(1))
        if isinstance(data, dict) and isinstance(data.get("facts"), list):
            out.append((text.count("\n", 0, m.start()) + 1, data))
    return out


@pytest.mark.parametrize("schema", [FactCheckSchema, FactSchema, FactSheetSchema])
def test_every_key_of_the_schema_is_in_the_doc(schema):
    text = _doc()
    missing = [k for k in _keys(schema) if f"`{k}`" not in text]
    assert not missing, f"docs/facts.md does not mention {missing} (in backticks)"


def test_every_check_key_has_its_own_section():
    headings = set(re.findall(r"^### `(\w+)`$", _doc(), re.M))
    missing = [k for k in _keys(FactCheckSchema) + _keys(FactSchema) if k not in headings]
    assert not missing, f"no '### `key`' section in docs/facts.md for {missing}"


def test_the_doc_has_fact_sheet_examples():
    assert len(_fact_blocks()) >= 20


def test_every_yaml_example_is_a_valid_fact_sheet():
    problems = []
    for line, data in _fact_blocks():
        try:
            _load_facts(data, None, f"docs/facts.md line {line}")
        except RubricError as exc:
            problems.append(str(exc))
    assert not problems, "\n".join(problems)


def test_the_yaml_examples_compile_against_the_bundled_lexicons():
    """Their @names, triggers and other cues compile with the names of the bundled
    stalin-rise and ww1-causes rubrics (and the example's own lexicon)."""
    stalin, ww1 = load_rubric("stalin-rise").raw, load_rubric("ww1-causes").raw
    for line, data in _fact_blocks():
        lexicon = {kind: {**ww1["lexicon"].get(kind, {}), **stalin["lexicon"].get(kind, {}),
                          **(data.get("lexicon") or {}).get(kind, {})}
                   for kind in ("people", "terms", "places")}
        raw = {**stalin, "lexicon": lexicon, "facts": data["facts"], "model_answer": None}
        rubric = parse_rubric(raw, source=f"docs/facts.md line {line}")
        assert len(rubric.facts) == len(data["facts"])


CLAIM = re.compile(r"^- \*\*(Flagged|Not flagged|Review)\*\*(?: \(([^)]*)\))?: “([^”]+)”(.*)$",
                   re.M)


def _claims() -> list[tuple[int, str, str, str, dict | None]]:
    """(line, kind, note, sentence, the last fact-sheet example before it) for every
    '- **Flagged** (F1): “…”' line of the doc (lines that name a trigger in prose are left
    out: their fact is not written out)."""
    text = _doc()
    blocks = [(m.start(), yaml.safe_load(m.group(1))) for m in YAML_BLOCK.finditer(text)]
    out = []
    for m in CLAIM.finditer(text):
        if "trigger:" in m.group(0):
            continue
        before = [d for at, d in blocks if at < m.start() and isinstance(d, dict)
                  and isinstance(d.get("facts"), list)]
        out.append((text.count("\n", 0, m.start()) + 1, m.group(1), m.group(2) or "",
                    m.group(3), before[-1] if before else None))
    return out


def test_every_sentence_example_is_graded_as_the_doc_says():
    """Each "Flagged (F5)" sentence gets a flag of F5, each "Not flagged" one no flag, each
    "Review" one a review item and no flag: with the bundled rubric named (stalin-rise
    unless ww1-causes is), or, for "with this fact", with the example just above."""
    from grader import grade

    bundled = {name: load_rubric(name) for name in ("stalin-rise", "ww1-causes")}
    claims = _claims()
    assert len(claims) >= 80
    wrong = []
    for line, kind, note, sentence, block in claims:
        rubric = bundled["ww1-causes" if "ww1-causes" in note else "stalin-rise"]
        if "with this fact" in note:
            assert block is not None, f"line {line}: no example above"
            raw = bundled["stalin-rise"].raw
            lexicon = {k: {**raw["lexicon"].get(k, {}), **(block.get("lexicon") or {}).get(k, {})}
                       for k in ("people", "terms", "places")}
            rubric = parse_rubric({**raw, "lexicon": lexicon, "facts": block["facts"],
                                   "model_answer": None}, source=f"docs/facts.md:{line}")
        report = grade(sentence, rubric)
        flagged = {f.fact for f in report.flags}
        review = {r.fact for r in report.review}
        fact = note.split(",")[0].strip()
        if kind == "Flagged" and fact not in flagged:
            wrong.append(f"line {line}: {sentence!r} not flagged by {fact} ({flagged or 'none'})")
        elif kind == "Not flagged" and flagged:
            wrong.append(f"line {line}: {sentence!r} flagged by {flagged}")
        elif kind == "Review" and (flagged or not review):
            wrong.append(f"line {line}: {sentence!r} flags {flagged}, review {review}")
    assert not wrong, "\n".join(wrong)


def test_the_readme_fact_sheet_example_compiles():
    """The README's fact sheet example (facts as data and by hand) loads with the bundled
    stalin-rise names and makes the checks it says."""
    readme = (FACTS_DOC.parent.parent / "README.md").read_text(encoding="utf-8")
    [block] = [m.group(1) for m in YAML_BLOCK.finditer(readme) if "id: F1" in m.group(1)]
    data = yaml.safe_load(block)
    raw = load_rubric("stalin-rise").raw
    rubric = parse_rubric({**raw, "facts": data["facts"], "model_answer": None}, source="README")
    assert [(f.id, [c.type for c in f.checks]) for f in rubric.facts] == [
        ("F1", ["date"]), ("F9", ["person"]), ("F3", ["polarity"])]
