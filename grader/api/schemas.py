"""Marshmallow schemas for every API body, query and response (the OpenAPI source)."""

from __future__ import annotations

from marshmallow import EXCLUDE, RAISE, Schema, fields, validate

TEXT_FIELD_LIMIT = 2_000_000
REF = validate.Length(min=1, max=200)


def _doc(text: str, **extra) -> dict:
    return {"metadata": {"description": text, **extra}}


class ProblemSchema(Schema):
    """An error (RFC 9457 problem details)."""

    type = fields.String(**_doc("A URI naming the kind of problem ('about:blank' for HTTP ones)."))
    title = fields.String(required=True, **_doc("Short summary of the problem type."))
    status = fields.Integer(required=True, **_doc("The HTTP status code."))
    detail = fields.String(**_doc("What went wrong in this request, in plain words."))
    instance = fields.String(**_doc("The request path."))
    request_id = fields.String(**_doc("The X-Request-ID of the request, for support."))
    errors = fields.List(fields.Dict(), **_doc("Field errors: [{field, message}]."))


# --- the version-1 report -------------------------------------------------------------------


class SpanSchema(Schema):
    start = fields.Integer(required=True, **_doc("First code point, inclusive."))
    end = fields.Integer(required=True, **_doc("Last code point, exclusive."))
    text = fields.String(required=True)


class FactorResultSchema(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    level = fields.Integer(required=True)
    max_level = fields.Integer(required=True)
    marks = fields.Float(required=True)
    max_marks = fields.Float(required=True)
    confidence = fields.Float(required=True)
    evidence = fields.List(fields.Nested(SpanSchema), required=True)
    feedback = fields.String(required=True)


class FlagSchema(SpanSchema):
    fact = fields.String(required=True, **_doc("Fact-sheet id, e.g. F17."))
    kind = fields.String(required=True, **_doc("wrong_date, wrong_person, …"))
    found = fields.String(required=True)
    expected = fields.String(required=True)
    message = fields.String(required=True)


class ReviewSchema(SpanSchema):
    fact = fields.String(required=True, **_doc("Fact-sheet id the sentence may contradict."))
    reason = fields.String(required=True, **_doc("What the teacher should check, in plain "
                                                 "words. For the teacher only: never shown "
                                                 "to the student."))


class SpellingSchema(Schema):
    start = fields.Integer(required=True)
    end = fields.Integer(required=True)
    word = fields.String(required=True)
    suggestions = fields.List(fields.String(), required=True)


class CaseSchema(Schema):
    start = fields.Integer(required=True)
    end = fields.Integer(required=True)
    word = fields.String(required=True)
    expected = fields.String(required=True)


class WritingSchema(Schema):
    spelling = fields.List(fields.Nested(SpellingSchema), required=True)
    capitalisation = fields.List(fields.Nested(CaseSchema))


class ScoreSchema(Schema):
    marks = fields.Float(required=True)
    max_marks = fields.Float(required=True)
    band = fields.Integer(required=True, allow_none=True)
    band_label = fields.String(required=True)


class FeedbackSchema(Schema):
    summary = fields.String()
    strengths = fields.List(fields.String())
    next_steps = fields.List(fields.String())


class RubricRefSchema(Schema):
    id = fields.String(required=True)
    version = fields.String(required=True)


class StatsSchema(Schema):
    words = fields.Integer(required=True)
    sentences = fields.Integer(required=True)
    paragraphs = fields.Integer(required=True)


class ReportSchema(Schema):
    """The version-1 report (spans are [start, end) code points of the text as sent)."""

    essay = fields.String(allow_none=True)
    rubric = fields.Nested(RubricRefSchema, required=True)
    stats = fields.Nested(StatsSchema, required=True)
    factors = fields.List(fields.Nested(FactorResultSchema), required=True)
    flags = fields.List(fields.Nested(FlagSchema), required=True)
    writing = fields.Nested(WritingSchema, required=True)
    score = fields.Nested(ScoreSchema, required=True)
    feedback = fields.Nested(FeedbackSchema, required=True)
    review = fields.List(fields.Nested(ReviewSchema), load_default=list, **_doc(
        "Sentences the grader could not settle against the fact sheet (a year that may "
        "belong to another event, …): for the teacher to check, never in student feedback."))


# --- grading --------------------------------------------------------------------------------


class GradeRequestSchema(Schema):
    """An essay to grade, as JSON."""

    class Meta:
        unknown = RAISE

    rubric = fields.String(required=True, validate=validate.Length(min=1, max=100),
                           **_doc("A bundled rubric id or one of your own.", example="stalin-rise"))
    text = fields.String(required=True, validate=validate.Length(min=1, max=TEXT_FIELD_LIMIT),
                         **_doc("The essay text."))
    essay = fields.String(validate=validate.Length(max=300),
                          **_doc("A name for the essay, echoed in the report."))


class GradeUploadSchema(Schema):
    """An essay to grade, as a file upload (multipart/form-data)."""

    rubric = fields.String(required=True)
    file = fields.Raw(required=True, metadata={"type": "string", "format": "binary",
                                                "description": ".txt .docx .pdf .odt .rtf"})


# --- rubrics --------------------------------------------------------------------------------


class LevelSchema(Schema):
    level = fields.Integer(required=True)
    marks = fields.Float(required=True)


class RubricFactorSchema(Schema):
    id = fields.String(required=True)
    title = fields.String(required=True)
    description = fields.String(allow_none=True)
    max_level = fields.Integer(required=True)
    max_marks = fields.Float(required=True)
    levels = fields.List(fields.Nested(LevelSchema), required=True)


class BandSchema(Schema):
    band = fields.Integer(required=True)
    label = fields.String(required=True)
    min_marks = fields.Float(required=True)


class RubricSummarySchema(Schema):
    id = fields.String(required=True)
    version = fields.String(required=True)
    title = fields.String(required=True)
    bundled = fields.Boolean(required=True, **_doc("Bundled rubrics are read-only."))


class RubricListSchema(Schema):
    items = fields.List(fields.Nested(RubricSummarySchema), required=True)


class RubricDetailSchema(RubricSummarySchema):
    question = fields.String(allow_none=True)
    factors = fields.List(fields.Nested(RubricFactorSchema), required=True)
    bands = fields.List(fields.Nested(BandSchema), required=True)
    definition = fields.Dict(**_doc("The rubric as written (YAML/JSON structure)."))


class RubricBodySchema(Schema):
    """A rubric definition (the same fields as a rubric YAML file), as JSON or YAML."""

    class Meta:
        unknown = "include"

    id = fields.String(required=True, **_doc("The rubric id, e.g. my-rubric."))
    title = fields.String(required=True)
    factors = fields.List(fields.Dict(), required=True)


class FieldErrorSchema(Schema):
    field = fields.String(required=True)
    message = fields.String(required=True)


class ValidationResultSchema(Schema):
    valid = fields.Boolean(required=True)
    errors = fields.List(fields.Nested(FieldErrorSchema), required=True)
    rubric = fields.Nested(RubricSummarySchema, allow_none=True)


# --- submissions ----------------------------------------------------------------------------


class SubmissionFieldsSchema(Schema):
    student_ref = fields.String(validate=REF, allow_none=True,
                                **_doc("Your reference for the student (no names needed)."))
    assignment_ref = fields.String(validate=REF, allow_none=True)
    external_id = fields.String(validate=REF, allow_none=True,
                                **_doc("The submission's id in your system."))
    metadata = fields.Dict(keys=fields.String(), allow_none=True,
                           **_doc("Any JSON object, stored and returned as sent."))


class SubmissionRequestSchema(GradeRequestSchema, SubmissionFieldsSchema):
    """A submission to grade and store, as JSON."""


class SubmissionUploadSchema(GradeUploadSchema):
    """A submission as a file upload; metadata is a JSON-encoded object."""

    student_ref = fields.String()
    assignment_ref = fields.String()
    external_id = fields.String()
    metadata = fields.String(**_doc("A JSON object, encoded as a string."))


class FinalFactorSchema(Schema):
    id = fields.String(required=True)
    level = fields.Integer(required=True)
    marks = fields.Float(required=True)
    max_marks = fields.Float(required=True)
    feedback = fields.String(required=True)
    overridden = fields.Boolean(required=True)


class FinalSchema(Schema):
    """The marks that count: the machine's, with the teacher's override applied."""

    marks = fields.Float(required=True)
    max_marks = fields.Float(required=True)
    band = fields.Integer(required=True, allow_none=True)
    band_label = fields.String(required=True)
    factors = fields.List(fields.Nested(FinalFactorSchema), required=True)
    feedback = fields.Nested(FeedbackSchema, required=True)
    overridden = fields.Boolean(required=True)


class ChangeSchema(Schema):
    actor = fields.String(required=True)
    changed_at = fields.DateTime(required=True)
    changes = fields.Dict(required=True, **_doc("field → {from, to}"))


class SubmissionSchema(Schema):
    id = fields.String(required=True)
    rubric = fields.Nested(RubricRefSchema, required=True)
    student_ref = fields.String(allow_none=True)
    assignment_ref = fields.String(allow_none=True)
    external_id = fields.String(allow_none=True)
    essay = fields.String(allow_none=True)
    metadata = fields.Dict(required=True)
    created_at = fields.DateTime(required=True)
    updated_at = fields.DateTime(required=True)
    text = fields.String(required=True)
    report = fields.Nested(ReportSchema, required=True, **_doc("The machine's report, unchanged."))
    override = fields.Dict(allow_none=True, **_doc("The teacher's override as stored."))
    final = fields.Nested(FinalSchema, required=True)
    history = fields.List(fields.Nested(ChangeSchema), required=True)


class SubmissionSummarySchema(Schema):
    id = fields.String(required=True)
    rubric = fields.Nested(RubricRefSchema, required=True)
    student_ref = fields.String(allow_none=True)
    assignment_ref = fields.String(allow_none=True)
    external_id = fields.String(allow_none=True)
    essay = fields.String(allow_none=True)
    created_at = fields.DateTime(required=True)
    marks = fields.Float(required=True)
    max_marks = fields.Float(required=True)
    band = fields.Integer(required=True, allow_none=True)
    overridden = fields.Boolean(required=True)


class SubmissionPageSchema(Schema):
    items = fields.List(fields.Nested(SubmissionSummarySchema), required=True)
    next_cursor = fields.String(required=True, allow_none=True,
                                **_doc("Pass as ?cursor= for the next page; null at the end."))


class SubmissionQuerySchema(Schema):
    """Filters and paging for GET /submissions and the CSV export."""

    class Meta:
        unknown = EXCLUDE

    assignment_ref = fields.String(validate=REF)
    student_ref = fields.String(validate=REF)
    rubric = fields.String(validate=validate.Length(min=1, max=100))
    external_id = fields.String(validate=REF)
    created_from = fields.AwareDateTime(
                                        **_doc("ISO 8601 with time zone, inclusive."))
    created_to = fields.AwareDateTime(**_doc("ISO 8601 with time zone, exclusive."))
    cursor = fields.String(validate=validate.Length(min=1, max=100))
    limit = fields.Integer(validate=validate.Range(min=1, max=500), load_default=None)


class FactorOverrideSchema(Schema):
    class Meta:
        unknown = RAISE

    id = fields.String(required=True)
    level = fields.Integer(validate=validate.Range(min=0, max=100))
    marks = fields.Float(validate=validate.Range(min=0, max=100_000), allow_nan=False)
    feedback = fields.String(validate=validate.Length(max=5000))


class FeedbackOverrideSchema(Schema):
    class Meta:
        unknown = RAISE

    summary = fields.String(validate=validate.Length(max=10_000))
    strengths = fields.List(fields.String(validate=validate.Length(max=5000)),
                            validate=validate.Length(max=50))
    next_steps = fields.List(fields.String(validate=validate.Length(max=5000)),
                             validate=validate.Length(max=50))


class OverrideSchema(Schema):
    """A teacher's changes; omitted parts stay as they are, null clears a total or band."""

    class Meta:
        unknown = RAISE

    factors = fields.List(fields.Nested(FactorOverrideSchema), validate=validate.Length(max=200))
    marks = fields.Float(allow_none=True, allow_nan=False,
                         validate=validate.Range(min=0, max=100_000))
    band = fields.Integer(allow_none=True, validate=validate.Range(min=0, max=100))
    feedback = fields.Nested(FeedbackOverrideSchema)
    teacher = fields.String(validate=validate.Length(min=1, max=200),
                            **_doc("Who made the change (recorded with it)."))
