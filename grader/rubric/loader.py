"""Load, validate and compile rubric files; find the bundled ones."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from marshmallow import ValidationError

from ..text.lexicon import Lexicon, make_entity
from .cues import MAX_RUBRIC_ALTERNATIVES, CueError, compile_cue, compile_phrase, cue_size
from .fact_forms import derived_right, structured_checks, subject_phrase
from .model import Band, Fact, FactCheck, Factor, Group, Rubric, Scoring
from .schema import (
    FactCheckSchema,
    FactSheetSchema,
    RubricSchema,
    flatten_errors,
    name_factor_places,
)

MAX_RUBRIC_BYTES = 1_000_000
# libyaml's safe loader when PyYAML was built with it (10x faster), else the pure one.
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
MAX_YAML_ALIASES = 100
_REPO_ROOT = Path(__file__).resolve().parent.parent.parent


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a rubric, and where: ``factor 'purges'.identify[3]``."""

    place: str
    message: str

    def __str__(self) -> str:
        return f"{self.place}: {self.message}"


class RubricError(ValueError):
    """A rubric that cannot be used; `problems` lists every fault with its place."""

    def __init__(self, problems: list[Problem], source: str | None = None):
        self.problems = problems
        self.source = source
        head = f"{source}: " if source else ""
        super().__init__(head + "; ".join(str(p) for p in problems))

    def to_list(self) -> list[dict[str, str]]:
        return [{"field": p.place, "message": p.message} for p in self.problems]


@cache
def bundled_dir(kind: str) -> Path:
    """Folder of bundled `rubrics` or `model_answers`, in a checkout or an installed wheel
    (where that is does not change while the process runs: found once)."""
    local = _REPO_ROOT / kind
    if local.is_dir() and (_REPO_ROOT / "pyproject.toml").exists():
        return local
    from .. import bundled

    return Path(bundled.__file__).resolve().parent / kind


_listing: tuple[Path, float, dict[str, Path]] | None = None


def bundled_rubrics() -> dict[str, Path]:
    """Bundled rubric ids and their files (listed again only when the folder changes)."""
    global _listing
    folder = bundled_dir("rubrics")
    mtime = folder.stat().st_mtime
    cached = _listing
    if cached is None or cached[0] != folder or cached[1] != mtime:
        cached = (folder, mtime, {p.stem: p for p in sorted(folder.glob("*.yaml"))})
        _listing = cached
    return dict(cached[2])


def parse_document(text: str, source: str = "rubric") -> Any:
    """YAML (or JSON, a subset) parsed safely: no tags that build objects, no alias bombs."""
    if len(text.encode("utf-8", "surrogatepass")) > MAX_RUBRIC_BYTES:
        raise RubricError([Problem("file", f"larger than {MAX_RUBRIC_BYTES} bytes")], source)
    try:
        aliases = sum(1 for ev in yaml.parse(text, Loader=_SAFE_LOADER)
                      if isinstance(ev, yaml.AliasEvent))
        if aliases > MAX_YAML_ALIASES:
            raise RubricError([Problem("file", f"uses {aliases} YAML aliases; at most "
                                               f"{MAX_YAML_ALIASES} are allowed")], source)
        return yaml.load(text, Loader=_SAFE_LOADER)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}" if mark else "file"
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise RubricError([Problem(where, f"not valid YAML: {problem}")], source) from None


_cache: dict[tuple[str, float], Rubric] = {}
_cache_lock = threading.Lock()


def _number_range(check: dict[str, Any]) -> dict[str, Any]:
    """A number check's right values: range as written, or value ± tolerance."""
    if check["type"] != "number":
        return {}
    if check["range"] is not None:
        low, high = check["range"]
    elif check["unit"] == "clock":  # a time of day: the minutes given, no fraction off
        low = high = check["value"]
    else:
        v, tol = check["value"], check["tolerance"]
        low, high = sorted((v * (1 - tol), v * (1 + tol)))
    return {"low": float(low), "high": float(high), "unit": check["unit"]}


def load_rubric(ref: str | Path) -> Rubric:
    """A bundled rubric by id ('stalin-rise') or a rubric file by path; compiled once, cached."""
    return _load_file(_resolve(ref))


def load_bundled(rubric_id: str) -> Rubric | None:
    """The bundled rubric `rubric_id`, or None: the id is only looked up in the bundled
    listing, never taken as a path (what an API caller sends never reaches the filesystem)."""
    path = bundled_rubrics().get(rubric_id)
    return _load_file(path) if path is not None else None


def _load_file(path: Path) -> Rubric:
    """The compiled rubric in `path`, compiled again only when the file changes."""
    key = (str(path), path.stat().st_mtime)
    with _cache_lock:
        hit = _cache.get(key)
    if hit is not None:
        return hit
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise RubricError([Problem("file", "not UTF-8 text")], str(path)) from None
    rubric = parse_rubric(text, base_dir=path.parent, source=str(path))
    with _cache_lock:
        _cache[key] = rubric
    return rubric


def _resolve(ref: str | Path) -> Path:
    p = Path(ref)
    if p.suffix.lower() in (".yaml", ".yml", ".json") or p.exists():
        if not p.is_file():
            raise RubricError([Problem("file", "no such rubric file")], str(ref))
        return p
    known = bundled_rubrics()
    if str(ref) in known:
        return known[str(ref)]
    raise RubricError([Problem("rubric", f"unknown rubric '{ref}'; bundled: "
                                         f"{', '.join(known) or 'none'}")], str(ref))


def parse_rubric(text_or_data: str | dict, base_dir: Path | None = None,
                 source: str = "rubric") -> Rubric:
    """Validate and compile a rubric from YAML/JSON text or an already-parsed mapping."""
    data = parse_document(text_or_data, source) if isinstance(text_or_data, str) else text_or_data
    if not isinstance(data, dict):
        raise RubricError([Problem("rubric", "must be a mapping of fields (id, title, …)")],
                          source)
    try:
        clean = RubricSchema().load(data)
    except ValidationError as exc:
        problems = name_factor_places(flatten_errors(exc.messages), data)
        raise RubricError([Problem(p, m) for p, m in problems], source) from None
    fact_data = _load_facts(clean.get("facts"), base_dir, source)
    model_answer = _read_model_answer(clean.get("model_answer"), base_dir, source)
    return compile_rubric(clean, fact_data, model_answer, source, data)


def _find_file(name: str, base_dir: Path | None) -> Path | None:
    if Path(name).is_absolute() or ".." in Path(name).parts:
        return None
    for folder in ([base_dir, base_dir.parent / "model_answers"] if base_dir else []) + [
            bundled_dir("model_answers")]:
        if folder is not None and (folder / name).is_file():
            return folder / name
    return None


def _read_model_answer(name: str | None, base_dir: Path | None, source: str) -> str | None:
    """The model answer named by a rubric file; a name that is not found is an error for a
    rubric read from a file (an uploaded rubric has no folder to look in: it goes without)."""
    if not name:
        return None
    path = _find_file(name, base_dir)
    if path is None and base_dir is not None:
        raise RubricError([Problem("model_answer", f"model answer '{name}' not found beside "
                                                   "the rubric or in model_answers/")], source)
    return path.read_text(encoding="utf-8") if path else None


def _load_facts(spec, base_dir: Path | None, source: str) -> dict:
    if spec is None:
        return {"facts": [], "lexicon": None}
    if isinstance(spec, str):
        path = _find_file(spec, base_dir)
        if path is None:
            raise RubricError([Problem("facts", f"fact sheet '{spec}' not found")], source)
        raw = parse_document(path.read_text(encoding="utf-8"), str(path))
    elif isinstance(spec, list):
        raw = {"facts": spec}
    elif isinstance(spec, dict):
        raw = spec
    else:
        raise RubricError([Problem("facts", "a file name or a list of facts")], source)
    try:
        return FactSheetSchema().load(raw)
    except ValidationError as exc:
        raise RubricError([Problem(f"facts.{p}" if not p.startswith("facts") else p, m)
                           for p, m in flatten_errors(exc.messages)], source) from None


def compile_rubric(clean: dict, fact_data: dict, model_answer: str | None,
                   source: str, raw: dict) -> Rubric:
    """Turn validated data into a Rubric; cue errors are reported with their places."""
    problems: list[Problem] = []
    lexicon = Lexicon()
    lex_sources = [clean["lexicon"]]
    if fact_data.get("lexicon"):
        lex_sources.append(fact_data["lexicon"])
    for lex in lex_sources:
        for kind, key in (("person", "people"), ("term", "terms"), ("place", "places")):
            for eid, ent in lex.get(key, {}).items():
                if eid not in lexicon.entities:
                    lexicon.add(make_entity(eid, kind, ent["name"], ent["aliases"]))
    names = set(lexicon.entities)

    def cues(items, place) -> list:
        out = []
        for k, item in enumerate(items):
            try:
                out.append(compile_cue(item, names))
            except CueError as exc:
                problems.append(Problem(f"{place}[{k}]", str(exc)))
        return out

    interned: dict[str, object] = {}

    def phrase(text, place):
        """Compile a plain phrase; the same text shares one object (and one match cache)."""
        if text is None:
            return None
        if text in interned:
            return interned[text]
        try:
            interned[text] = compile_phrase(text, names)
        except CueError as exc:
            problems.append(Problem(place, str(exc)))
            return None
        return interned[text]

    links = cues(clean["links"], "links")
    factors = []
    for f in clean["factors"]:
        where = f"factor '{f['id']}'"
        ex = f.get("explain") or {}
        accept = None
        if f.get("accept"):
            accept = phrase(f["accept"], f"{where}.accept")
        factors.append(Factor(
            id=f["id"], title=f["title"], description=f["description"],
            marks=[float(m) for m in f["marks"]],
            identify=cues(f["identify"], f"{where}.identify"), accept=accept,
            details=cues(ex.get("details", []), f"{where}.explain.details"),
            links=cues(ex.get("links", []), f"{where}.explain.links"),
            min_details=ex.get("min_details", 1), require_link=ex.get("require_link", True),
            explainable=bool(ex) and len(f["marks"]) > 2,
            feedback=dict(f["feedback"]),
            examples=list(f.get("examples") or []), similarity=f.get("similarity"),
            wrong=cues(f.get("wrong", []), f"{where}.wrong"),
        ))
    facts = []
    kinds = {eid: ent.kind for eid, ent in lexicon.entities.items()}
    fact_phrases = {f["id"]: subject_phrase(f) for f in fact_data.get("facts", [])}
    fact_statements = {f["id"]: f["statement"] for f in fact_data.get("facts", [])}
    seen_ids: set[str] = set()
    # a check's keys left at their defaults, not printed by `grader facts show`
    check_defaults = FactCheckSchema().load({"type": "person", "trigger": "x"})
    for fact in fact_data.get("facts", []):
        if fact["id"] in seen_ids:
            problems.append(Problem(f"facts.{fact['id']}.id",
                                    f"another fact has the id {fact['id']}"))
        seen_ids.add(fact["id"])
        checks = []
        generated, wrong = structured_checks(fact, kinds, fact_phrases, fact_statements)
        problems.extend(Problem(f"facts.{fact['id']}.{key}", msg) for key, msg in wrong)
        made: list[tuple[str, dict]] = []
        for c in generated:
            try:
                made.append((f"facts.{fact['id']}", FactCheckSchema().load(c)))
            except ValidationError as exc:
                problems.extend(Problem(f"facts.{fact['id']}.{p}", m)
                                for p, m in flatten_errors(exc.messages))
        made += [(f"facts.{fact['id']}.checks[{k}]", c) for k, c in enumerate(fact["checks"])]
        written = [{k: v for k, v in c.items()
                    if v != check_defaults.get(k) or k in ("type", "trigger")}
                   for _, c in made]
        for where, c in made:
            for key in ("who", "right", "wrong"):
                for ref in c[key]:
                    if ref.lstrip("@") not in names:
                        problems.append(Problem(f"{where}.{key}", f"unknown lexicon entry {ref}"))
            trig = phrase(c["trigger"], f"{where}.trigger")
            if trig is None:
                continue
            checks.append(FactCheck(
                fact=fact["id"], type=c["type"], trigger=trig,
                who=frozenset(r.lstrip("@") for r in c["who"]),
                verbs=phrase(c["verbs"], f"{where}.verbs"),
                context=phrase(c["context"], f"{where}.context"),
                unless=phrase(c["unless"], f"{where}.unless"),
                negative=phrase(c["negative"], f"{where}.negative"),
                years=frozenset(c["years"]), month=c["month"],
                right=frozenset(r.lstrip("@") for r in c["right"]),
                wrong=frozenset(r.lstrip("@") for r in c["wrong"]),
                expect=c["expect"], hedged=c["hedged"], side=c["side"],
                anaphora=c["anaphora"], role=c["role"],
                found=c["found"], expected=c["expected"], statement=c["statement"],
                later=phrase(c["later"], f"{where}.later"), day=c["day"],
                **_number_range(c),
            ))
        right = fact["right"] or derived_right(
            fact, {eid: ent.name for eid, ent in lexicon.entities.items()})
        facts.append(Fact(fact["id"], fact["statement"], right, checks, written))
    size = sum(cue_size(c) for f in factors
               for c in [*f.identify, *f.details, *f.links, *f.wrong])
    size += sum(cue_size(c) for c in links)
    if size > MAX_RUBRIC_ALTERNATIVES:
        problems.append(Problem("factors", f"the cues hold {size:,} alternatives in all; at "
                                           f"most {MAX_RUBRIC_ALTERNATIVES:,} are allowed"))
    if problems:
        raise RubricError(problems, source)
    for f in factors:
        for c in [*f.identify, *f.details, *f.links, *f.wrong] + (
                [f.accept] if f.accept else []):
            lexicon.add_words(c.words())
            lexicon.add_prefixes(c.prefixes())
    for c in links:
        lexicon.add_words(c.words())
        lexicon.add_prefixes(c.prefixes())
    for fact in facts:
        for ch in fact.checks:
            for p in (ch.trigger, ch.verbs, ch.context, ch.later):
                if p is not None:
                    lexicon.add_words(p.words())
    lexicon.freeze()
    for fact in facts:
        for ch in fact.checks:
            ch.trigger_words = frozenset(ch.trigger.words())
            names = [lexicon.entities[e].name for e in sorted(ch.right) if e in lexicon.entities]
            ch.right_names = (", ".join(names[:-1]) + " or " + names[-1] if len(names) > 1
                              else "".join(names))
    sc = clean["scoring"]
    scoring = Scoring(
        count=sc["count"],
        groups=[Group(g["id"], g["factors"], g["cap"]) for g in sc["groups"]],
        table=sorted(((r["min"], r["score"]) for r in sc["table"]), reverse=True),
        max_marks=sc["max_marks"],
    )
    bands = sorted((Band(b["band"], b["label"], b["min_marks"]) for b in clean["bands"]),
                   key=lambda b: -b.min_marks)
    return Rubric(
        id=clean["id"], version=clean["version"], title=clean["title"],
        question=clean["question"], subject=clean["subject"], lexicon=lexicon,
        factors=factors, facts=facts, links=links, bands=bands, scoring=scoring,
        feedback=dict(clean["feedback"]), model_answer=model_answer, source=source,
        period=(clean["period"]["from_"], clean["period"]["to"]) if clean.get("period") else None,
        raw=json.loads(json.dumps(raw, default=str)),
        similarity=clean.get("similarity"),
    )


def check_rubric(path: str | Path) -> list[Problem]:
    """Every problem in a rubric file (empty when it is fine)."""
    try:
        p = Path(path)
        text = p.read_text(encoding="utf-8-sig")
        parse_rubric(text, base_dir=p.parent, source=str(p))
    except RubricError as exc:
        return exc.problems
    except (OSError, UnicodeDecodeError) as exc:
        return [Problem("file", f"cannot read: {exc.__class__.__name__}")]
    return []
