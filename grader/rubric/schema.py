"""Marshmallow schemas for rubric and fact-sheet files (the teacher-facing boundary)."""

from __future__ import annotations

import re

from marshmallow import (
    EXCLUDE,
    RAISE,
    Schema,
    ValidationError,
    fields,
    validate,
    validates_schema,
)

from .cues import CueError, compile_cue

ID = validate.Regexp(r"^[A-Za-z][A-Za-z0-9_\-]{0,63}$",
                     error="must start with a letter and use only letters, digits, _ and -")
MAX_FACTORS = 50
MAX_CUES = 300
MAX_ENTITIES = 500
MAX_EXAMPLES = 30
SIMILARITY = validate.Range(min=0.3, max=0.99)


class CueField(fields.Field):
    """A cue string or mapping; checked for syntax here, entity names checked later."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            pass
        elif isinstance(value, dict):
            allowed = {"phrase", "all", "within", "about", "label", "not", "ordered",
                       "continues"}
            extra = set(value) - allowed
            if extra:
                raise ValidationError(f"unknown key(s) {sorted(extra)}; allowed: {sorted(allowed)}")
            if ("phrase" in value) == ("all" in value):
                raise ValidationError("a cue mapping needs exactly one of 'phrase' or 'all'")
            if "all" in value and (not isinstance(value["all"], list)
                                   or not all(isinstance(p, str) for p in value["all"])):
                raise ValidationError("'all' must be a list of cue strings")
            if "within" in value and (not isinstance(value["within"], int)
                                      or isinstance(value["within"], bool)
                                      or not 1 <= value["within"] <= 60):
                raise ValidationError("'within' must be a whole number of tokens from 1 to 60")
            for key in ("about", "not"):
                if key in value and (not isinstance(value[key], list)
                                     or not all(isinstance(p, str) for p in value[key])):
                    raise ValidationError(f"'{key}' must be a list of strings")
            if "label" in value and not isinstance(value["label"], str):
                raise ValidationError("'label' must be a string")
            for key in ("ordered", "continues"):
                if key in value and ("all" not in value or not isinstance(value[key], bool)):
                    raise ValidationError(f"'{key}' is true or false, in an 'all' cue")
        else:
            raise ValidationError("a cue is a string or a mapping with 'phrase' or 'all'")
        try:
            compile_cue(value)
        except CueError as exc:
            raise ValidationError(str(exc)) from exc
        return value


def cue_list(**kw) -> fields.List:
    return fields.List(CueField(), validate=validate.Length(max=MAX_CUES), **kw)


class EntitySchema(Schema):
    class Meta:
        unknown = RAISE

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))
    aliases = fields.List(fields.String(validate=validate.Length(min=1, max=200)),
                          load_default=list, validate=validate.Length(max=50))


class LexiconSchema(Schema):
    class Meta:
        unknown = RAISE

    people = fields.Dict(keys=fields.String(validate=ID), values=fields.Nested(EntitySchema),
                         load_default=dict)
    terms = fields.Dict(keys=fields.String(validate=ID), values=fields.Nested(EntitySchema),
                        load_default=dict)
    places = fields.Dict(keys=fields.String(validate=ID), values=fields.Nested(EntitySchema),
                         load_default=dict)

    @validates_schema
    def _unique(self, data, **kwargs):
        seen: dict[str, str] = {}
        total = 0
        for kind in ("people", "terms", "places"):
            for key in data.get(kind, {}):
                total += 1
                if key in seen:
                    raise ValidationError(f"'{key}' is defined in both {seen[key]} and {kind}")
                seen[key] = kind
        if total > MAX_ENTITIES:
            raise ValidationError(f"at most {MAX_ENTITIES} lexicon entries")


class ExplainSchema(Schema):
    class Meta:
        unknown = RAISE

    details = cue_list(load_default=list)
    links = cue_list(load_default=list)
    min_details = fields.Integer(load_default=1, validate=validate.Range(min=0, max=10))
    require_link = fields.Boolean(load_default=True)


class FeedbackSchema(Schema):
    class Meta:
        unknown = RAISE

    missing = fields.String(load_default="")
    identified = fields.String(load_default="")
    explained = fields.String(load_default="")
    next_step = fields.String(load_default="")


class FactorSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.String(required=True, validate=ID)
    title = fields.String(required=True, validate=validate.Length(min=1, max=200))
    description = fields.String(load_default="")
    marks = fields.List(fields.Float(validate=validate.Range(min=0, max=1000)),
                        load_default=lambda: [0, 1, 2],
                        validate=validate.Length(min=2, max=3))
    identify = cue_list(load_default=list)
    wrong = cue_list(load_default=list)
    accept = fields.String(load_default=None, allow_none=True)
    examples = fields.List(fields.String(validate=validate.Length(min=3, max=300)),
                           load_default=list, validate=validate.Length(max=MAX_EXAMPLES))
    similarity = fields.Float(load_default=None, allow_none=True, validate=SIMILARITY)
    explain = fields.Nested(ExplainSchema, load_default=None, allow_none=True)
    feedback = fields.Nested(FeedbackSchema, load_default=lambda: FeedbackSchema().load({}))

    @validates_schema
    def _has_cues(self, data, **kwargs):
        if not data.get("identify") and not data.get("accept"):
            raise ValidationError("a factor needs 'identify' cues or 'accept' answers",
                                  "identify")
        marks = data.get("marks") or []
        if any(b < a for a, b in zip(marks, marks[1:], strict=False)):
            raise ValidationError("marks must not go down as the level goes up", "marks")


class BandSchema(Schema):
    class Meta:
        unknown = RAISE

    band = fields.Integer(required=True)
    label = fields.String(required=True)
    min_marks = fields.Float(required=True)


class TableRowSchema(Schema):
    class Meta:
        unknown = RAISE

    min = fields.Float(required=True)
    score = fields.Float(required=True)


class GroupSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.String(required=True, validate=ID)
    factors = fields.List(fields.String(validate=ID), required=True,
                          validate=validate.Length(min=1))
    cap = fields.Float(load_default=None, allow_none=True, validate=validate.Range(min=0))


class ScoringSchema(Schema):
    class Meta:
        unknown = RAISE

    count = fields.String(load_default="marks", validate=validate.OneOf(["marks", "factors"]))
    groups = fields.List(fields.Nested(GroupSchema), load_default=list)
    table = fields.List(fields.Nested(TableRowSchema), load_default=list)
    max_marks = fields.Float(load_default=None, allow_none=True)


class PeriodSchema(Schema):
    """Years the question is about; a factor's words in a sentence dated wholly outside
    them ("the party split into factions in 1903") are about something else."""

    class Meta:
        unknown = RAISE

    from_ = fields.Integer(required=True, data_key="from")
    to = fields.Integer(required=True)


class RubricSchema(Schema):
    """A whole rubric file."""

    class Meta:
        unknown = RAISE

    id = fields.String(required=True, validate=ID)
    version = fields.String(load_default="1")
    title = fields.String(required=True, validate=validate.Length(min=1, max=300))
    question = fields.String(required=True, validate=validate.Length(min=1, max=2000))
    subject = fields.String(load_default="")
    model_answer = fields.String(load_default=None, allow_none=True)
    facts = fields.Raw(load_default=None, allow_none=True)
    lexicon = fields.Nested(LexiconSchema, load_default=lambda: LexiconSchema().load({}))
    links = cue_list(load_default=list)
    factors = fields.List(fields.Nested(FactorSchema), required=True,
                          validate=validate.Length(min=1, max=MAX_FACTORS))
    bands = fields.List(fields.Nested(BandSchema), load_default=list)
    scoring = fields.Nested(ScoringSchema, load_default=lambda: ScoringSchema().load({}))
    feedback = fields.Dict(keys=fields.String(), values=fields.String(), load_default=dict)
    period = fields.Nested(PeriodSchema, load_default=None, allow_none=True)
    similarity = fields.Float(load_default=None, allow_none=True, validate=SIMILARITY)

    @validates_schema
    def _factor_ids(self, data, **kwargs):
        ids = [f["id"] for f in data.get("factors", [])]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValidationError(f"duplicate factor id(s): {', '.join(dupes)}", "factors")
        for g in (data.get("scoring") or {}).get("groups", []):
            unknown = [f for f in g["factors"] if f not in ids]
            if unknown:
                raise ValidationError(
                    f"group '{g['id']}' names unknown factor(s): {', '.join(unknown)}",
                    "scoring")


class FactCheckSchema(Schema):
    class Meta:
        unknown = RAISE

    type = fields.String(required=True,
                         validate=validate.OneOf(["date", "person", "members", "polarity",
                                                  "place", "number", "order"]))
    trigger = fields.String(required=True)
    who = fields.List(fields.String(), load_default=list)
    verbs = fields.String(load_default=None, allow_none=True)
    context = fields.String(load_default=None, allow_none=True)
    unless = fields.String(load_default=None, allow_none=True)
    years = fields.List(fields.Integer(), load_default=list)
    month = fields.Integer(load_default=None, allow_none=True,
                           validate=validate.Range(min=1, max=12))
    day = fields.Integer(load_default=None, allow_none=True,
                         validate=validate.Range(min=1, max=31))
    right = fields.List(fields.String(), load_default=list)
    wrong = fields.List(fields.String(), load_default=list)
    expect = fields.Boolean(load_default=True)
    hedged = fields.Boolean(load_default=False)
    anaphora = fields.Boolean(load_default=False)
    side = fields.String(load_default="left",
                         validate=validate.OneOf(["left", "right", "either"]))
    # "since" (date checks made from facts as data): only a year right after "since" counts
    role = fields.String(load_default="owner",
                         validate=validate.OneOf(["owner", "agent", "holder", "since"]))
    negative = fields.String(load_default=None, allow_none=True)
    found = fields.String(load_default=None, allow_none=True)
    expected = fields.String(load_default=None, allow_none=True)
    statement = fields.String(load_default=None, allow_none=True)
    # order checks: the event that came after the trigger's
    later = fields.String(load_default=None, allow_none=True)
    # number checks: the right value with a tolerance (a fraction of it), or a range
    value = fields.Float(load_default=None, allow_none=True)
    tolerance = fields.Float(load_default=0.1, validate=validate.Range(min=0, max=1))
    range = fields.List(fields.Float(), load_default=None, allow_none=True,
                        validate=validate.Length(equal=2))
    unit = fields.String(load_default="count",
                         validate=validate.OneOf(["count", "percent", "money", "minutes",
                                                  "hours", "days", "weeks", "months",
                                                  "years", "clock"]))

    @validates_schema
    def _number_needs_a_value(self, data, **_):
        if data.get("type") == "number":
            if (data.get("value") is None) == (data.get("range") is None):
                raise ValidationError("a number check needs either value (with tolerance) or "
                                      "range: [low, high]", "value")
            low, high = data["range"] or (0, 0)
            if low > high:
                raise ValidationError("range must be [low, high] with low <= high", "range")
        elif data.get("value") is not None or data.get("range") is not None:
            raise ValidationError("value and range are for number checks only", "value")
        if data.get("type") == "date" and not data.get("years"):
            raise ValidationError("a date check needs years: the right years", "years")
        if data.get("day") is not None and data.get("month") is None:
            raise ValidationError("a day needs its month", "day")
        if (data.get("type") == "order") != (data.get("later") is not None):
            raise ValidationError("an order check needs later (the event that came after "
                                  "the trigger's), and only an order check takes it", "later")


class NameList(fields.Field):
    """One name or a list of names: `who: "@lenin"` or `who: ["@zinoviev", "@kamenev"]`."""

    def _deserialize(self, value, attr, data, **kwargs):
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not all(isinstance(v, str) and v.strip()
                                                   for v in items):
            raise ValidationError("a name (@id) or a list of names")
        return [v.strip() for v in items]


class YearText(fields.Field):
    """A date as written: `when: 1924` (a number in YAML) or `when: January 1924`."""

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, bool) or not isinstance(value, (int, str)) or not str(value).strip():
            raise ValidationError("a year or a date, such as 1924 or January 1924")
        return str(value).strip()


class HowManySchema(Schema):
    """A fact's number: the right value with a tolerance, or a range, and its unit."""

    class Meta:
        unknown = RAISE

    value = fields.Float(load_default=None, allow_none=True)
    tolerance = fields.Float(validate=validate.Range(min=0, max=1))
    range = fields.List(fields.Float(), validate=validate.Length(equal=2))
    unit = fields.String(validate=validate.OneOf(["count", "percent", "money", "minutes",
                                                  "hours", "days", "weeks", "months",
                                                  "years"]))


class FactSchema(Schema):
    """A fact: its statement, the data its checks follow from (docs/facts.md, "Facts as
    data"), and hand-written checks for what the data cannot say."""

    class Meta:
        unknown = RAISE

    id = fields.String(required=True, validate=ID)
    statement = fields.String(required=True)
    right = fields.String(load_default="")
    checks = fields.List(fields.Nested(FactCheckSchema), load_default=list)
    # facts as data
    who = NameList(load_default=None)
    event = fields.String(load_default=None)
    wordings = fields.String(load_default=None)
    what = fields.String(load_default=None)
    when = YearText(load_default=None)
    where = fields.String(load_default=None)
    by = NameList(load_default=None)
    whose = NameList(load_default=None)
    members = NameList(load_default=None)
    held_by = NameList(load_default=None)
    how_many = fields.Nested(HowManySchema, load_default=None)
    time = fields.String(load_default=None)
    happened = fields.Boolean(load_default=None, allow_none=True)
    before = NameList(load_default=None)
    unless = fields.String(load_default=None)
    context = fields.String(load_default=None)

    @validates_schema
    def _how_many_has_a_value(self, data, **_):
        if data.get("how_many") is not None:
            spec = data["how_many"]
            if (spec.get("value") is None) == (spec.get("range") is None):
                raise ValidationError("how_many needs either value (with tolerance) or "
                                      "range: [low, high]", "how_many")


class FactSheetSchema(Schema):
    class Meta:
        unknown = EXCLUDE

    facts = fields.List(fields.Nested(FactSchema), required=True)
    lexicon = fields.Nested(LexiconSchema, load_default=None, allow_none=True)


def flatten_errors(messages, prefix: str = "") -> list[tuple[str, str]]:
    """Marshmallow's nested error dict as (place, message) pairs, e.g. ('factors[2].marks', …)."""
    out: list[tuple[str, str]] = []
    if isinstance(messages, dict):
        for key, val in messages.items():
            if isinstance(key, int):
                place = f"{prefix}[{key}]"
            elif key == "_schema":
                place = prefix
            else:
                place = f"{prefix}.{key}" if prefix else str(key)
            out.extend(flatten_errors(val, place))
    elif isinstance(messages, list):
        if all(isinstance(m, str) for m in messages):
            out.extend((prefix or "rubric", m) for m in messages)
        else:
            for m in messages:
                out.extend(flatten_errors(m, prefix))
    else:
        out.append((prefix or "rubric", str(messages)))
    return out


_INDEX = re.compile(r"^factors\[(\d+)\]")


def name_factor_places(problems: list[tuple[str, str]], raw: dict) -> list[tuple[str, str]]:
    """Replace 'factors[2]' by "factors[2] (purges)" so the teacher sees which factor."""
    out = []
    factors = raw.get("factors") if isinstance(raw, dict) else None
    for place, msg in problems:
        m = _INDEX.match(place)
        if m and isinstance(factors, list) and int(m.group(1)) < len(factors):
            f = factors[int(m.group(1))]
            if isinstance(f, dict) and isinstance(f.get("id"), str):
                place = place.replace(m.group(0), f"factor '{f['id']}'", 1)
        out.append((place, msg))
    return out
