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
    stalin-rise and ww1-causes rubrics (and the examples' own lexicons)."""
    stalin, ww1 = load_rubric("stalin-rise").raw, load_rubric("ww1-causes").raw
    lexicon: dict[str, dict] = {kind: {**ww1["lexicon"].get(kind, {}),
                                       **stalin["lexicon"].get(kind, {})}
                                for kind in ("people", "terms", "places")}
    facts = []
    for _, data in _fact_blocks():
        facts.extend(data["facts"])
        for kind, entries in (data.get("lexicon") or {}).items():
            lexicon[kind] = {**entries, **lexicon[kind]}
    raw = {**stalin, "lexicon": lexicon, "facts": facts, "model_answer": None}
    rubric = parse_rubric(raw, source="docs/facts.md")
    assert len(rubric.facts) == len(facts)
