"""Surveys and custom fields: their configuration and the validation of what people type into them.

Why pure: the Admin Center saves survey and custom-field settings, the console and the customer page submit
answers and values, and reports and Post-to-URL read them back. One set of limits keeps all of them agreeing
on lengths and shapes. Sources: spec part 2 §5 (seed L3974-4040, L5683-5692) and §7 (L4188-4334).

Decisions on gaps: question text ≤ :data:`QUESTION_TEXT_MAX_CHARS`; open answers ≤
:data:`OPEN_ANSWER_MAX_CHARS`; a drop-down question has 2-5 predefined answers (the form has five slots;
a one-answer drop-down asks nothing); custom-field labels ≤ :data:`FIELD_LABEL_MAX_CHARS`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar
from urllib.parse import urlencode, urlsplit

from lifeline.errors import InvalidInput

#: "The form can contain up to ten questions" (L4222, L4301); Post-to-URL has tsurvey0..tsurvey9.
MAX_QUESTIONS = 10
#: "each with five possible predefined answers" (L4222-4223); reports show the answer as 1..5 (L5204-5214).
MAX_DROPDOWN_CHOICES = 5
MIN_DROPDOWN_CHOICES = 2
QUESTION_TEXT_MAX_CHARS = 256
CHOICE_TEXT_MAX_CHARS = 128
OPEN_ANSWER_MAX_CHARS = 1024
#: Name field (cfield0) 128 chars, custom fields cfield1..5 64 chars, tracking0 256 chars (L5683-5692).
NAME_FIELD_MAX_CHARS = 128
CUSTOM_FIELD_MAX_CHARS = 64
TRACKING_FIELD_MAX_CHARS = 256
#: Name field + five custom fields (cfield0..cfield5, L7218-7232).
NAME_FIELD_INDEX = 0
CUSTOM_FIELD_COUNT = 5
FIELD_INDEXES: tuple[int, ...] = tuple(range(NAME_FIELD_INDEX, CUSTOM_FIELD_COUNT + 1))
FIELD_LABEL_MAX_CHARS = 64
SURVEY_URL_MAX_CHARS = 2048

_E = TypeVar("_E", bound=StrEnum)


class SurveyKind(StrEnum):
    TECHNICIAN = "technician"
    CUSTOMER = "customer"


class SurveyMode(StrEnum):
    NONE = "none"  # No technician/customer survey
    RESCUE = "rescue"  # built-in survey, results in the survey report
    SELF_HOSTED = "self_hosted"  # redirect to the admin's URL at session end


class QuestionKind(StrEnum):
    OPEN = "open"
    DROPDOWN = "dropdown"


def _text(value: str, max_chars: int, name: str, *, required: bool = True) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be text.", field=name)
    text = value.strip()
    if required and not text:
        raise InvalidInput(f"{name} cannot be empty.", field=name)
    if len(text) > max_chars:
        raise InvalidInput(f"{name} is {len(text)} characters long; the limit is {max_chars}.", field=name)
    return text


def _enum(cls: type[_E], value: str, name: str) -> _E:
    try:
        return cls(value)
    except ValueError:
        valid = ", ".join(m.value for m in cls)
        raise InvalidInput(f'Unknown {name} "{value}"; expected one of {valid}.', field=name) from None


@dataclass(frozen=True, slots=True)
class Question:
    """One survey question; ``index`` 0..9 is its slot (Post-to-URL ``tsurvey<index>``)."""

    index: int
    text: str
    kind: QuestionKind = QuestionKind.OPEN
    choices: tuple[str, ...] = ()
    mandatory: bool = False
    enabled: bool = True

    def __post_init__(self) -> None:
        if isinstance(self.index, bool) or not 0 <= self.index < MAX_QUESTIONS:
            raise InvalidInput(
                f"Question slots are numbered 0 to {MAX_QUESTIONS - 1}.", field="questions.index"
            )
        object.__setattr__(self, "text", _text(self.text, QUESTION_TEXT_MAX_CHARS, "questions.text"))
        object.__setattr__(self, "kind", _enum(QuestionKind, self.kind, "question kind"))
        choices = tuple(_text(c, CHOICE_TEXT_MAX_CHARS, "questions.choices") for c in self.choices)
        if self.kind is QuestionKind.DROPDOWN:
            if not MIN_DROPDOWN_CHOICES <= len(choices) <= MAX_DROPDOWN_CHOICES:
                raise InvalidInput(
                    f"A drop-down question needs {MIN_DROPDOWN_CHOICES} to {MAX_DROPDOWN_CHOICES} answers.",
                    field="questions.choices",
                )
            if len(set(choices)) != len(choices):
                raise InvalidInput(
                    "A drop-down question lists the same answer twice.", field="questions.choices"
                )
        elif choices:
            raise InvalidInput("An open question has no predefined answers.", field="questions.choices")
        object.__setattr__(self, "choices", choices)


@dataclass(frozen=True, slots=True)
class Survey:
    """A technician or customer survey setting of a technician group or channel."""

    kind: SurveyKind
    mode: SurveyMode = SurveyMode.NONE
    questions: tuple[Question, ...] = ()
    url: str | None = None
    append_session_details: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", _enum(SurveyKind, self.kind, "survey kind"))
        object.__setattr__(self, "mode", _enum(SurveyMode, self.mode, "survey mode"))
        questions = tuple(sorted(self.questions, key=lambda q: q.index))
        if len({q.index for q in questions}) != len(questions):
            raise InvalidInput("Two questions use the same slot.", field="questions")
        object.__setattr__(self, "questions", questions)
        if self.mode is SurveyMode.SELF_HOSTED:
            url = (self.url or "").strip()
            parts = urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc or len(url) > SURVEY_URL_MAX_CHARS:
                raise InvalidInput("A self-hosted survey needs an absolute http(s) URL.", field="url")
            object.__setattr__(self, "url", url)

    @property
    def enabled_questions(self) -> tuple[Question, ...]:
        return tuple(q for q in self.questions if q.enabled)


Answer = str | int


def validate_answers(survey: Survey, answers: Mapping[int, Answer]) -> dict[int, Answer]:
    """Check submitted answers ``{slot: value}`` against a Rescue survey; return them normalised.

    Drop-down answers are the 1-based number of the predefined answer (as the reports show them, L5204);
    open answers are stripped text. Every enabled mandatory question must be answered; blanks on optional
    questions are dropped.
    """
    if survey.mode is not SurveyMode.RESCUE:
        raise InvalidInput(
            "This survey is not collected by Lifeline; there is nothing to answer.", field="answers"
        )
    by_index = {q.index: q for q in survey.enabled_questions}
    unknown = sorted(set(answers) - set(by_index))
    if unknown:
        raise InvalidInput(
            f"There is no enabled question in slot {unknown[0]}.", field=f"answers.{unknown[0]}"
        )
    result: dict[int, Answer] = {}
    for index, question in by_index.items():
        raw = answers.get(index)
        name = f"answers.{index}"
        if question.kind is QuestionKind.DROPDOWN:
            if raw is None or raw == "":
                value: Answer | None = None
            else:
                try:
                    number = int(raw)
                except ValueError:
                    raise InvalidInput(
                        f"Question {index + 1} takes the number of an answer.", field=name
                    ) from None
                if not 1 <= number <= len(question.choices):
                    raise InvalidInput(
                        f"Question {index + 1} has answers 1 to {len(question.choices)}.", field=name
                    )
                value = number
        else:
            text = _text(str(raw) if raw is not None else "", OPEN_ANSWER_MAX_CHARS, name, required=False)
            value = text or None
        if value is None:
            if question.mandatory:
                raise InvalidInput(f'Question {index + 1} ("{question.text}") must be answered.', field=name)
            continue
        result[index] = value
    return result


def self_hosted_survey_url(survey: Survey, *, session_id: int, fields: Sequence[str | None]) -> str:
    """The URL the technician/customer is sent to at session end (L4233-4246).

    With "Add additional Rescue session details" on, ``RescueSessionID`` and ``CField0``..``CField5`` are
    appended as GET parameters (``fields`` = name field then custom fields 1-5).
    """
    if survey.mode is not SurveyMode.SELF_HOSTED or survey.url is None:
        raise InvalidInput("Only a self-hosted survey has a URL.", field="mode")
    if not survey.append_session_details:
        return survey.url
    values = list(fields) + [None] * (len(FIELD_INDEXES) - len(fields))
    if len(values) != len(FIELD_INDEXES):
        raise InvalidInput(f"Expected at most {len(FIELD_INDEXES)} field values.", field="fields")
    params = [("RescueSessionID", str(session_id))]
    params += [(f"CField{i}", v or "") for i, v in zip(FIELD_INDEXES, values, strict=True)]
    separator = "&" if urlsplit(survey.url).query else "?"
    return survey.url + separator + urlencode(params)


# -- custom fields ---------------------------------------------------------------------------------


class FieldType(StrEnum):
    OPEN_TEXT = "open_text"
    DROPDOWN = "dropdown"


def field_max_chars(index: int) -> int:
    """Value length limit of field ``index``: 128 for the name field, 64 for custom fields."""
    if index not in FIELD_INDEXES:
        raise InvalidInput(f"Fields are numbered {FIELD_INDEXES[0]} to {FIELD_INDEXES[-1]}.", field="index")
    return NAME_FIELD_MAX_CHARS if index == NAME_FIELD_INDEX else CUSTOM_FIELD_MAX_CHARS


def validate_field_labels(labels: Mapping[int, str]) -> dict[int, str]:
    """Global Settings > Custom Fields: "Name for name field" (0) and "Name for custom field" 1-5."""
    result: dict[int, str] = {}
    for index, label in labels.items():
        field_max_chars(index)
        result[index] = _text(label, FIELD_LABEL_MAX_CHARS, f"labels.{index}")
    return result


@dataclass(frozen=True, slots=True)
class FieldConfig:
    """TG > Settings > Custom Fields (Private Sessions): one field of the Create New Session dialog."""

    index: int
    enabled: bool = False
    mandatory: bool = False
    type: FieldType = FieldType.OPEN_TEXT
    choices: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        limit = field_max_chars(self.index)
        object.__setattr__(self, "type", _enum(FieldType, self.type, "field type"))
        choices = tuple(_text(c, limit, f"fields.{self.index}.choices") for c in self.choices)
        if self.type is FieldType.DROPDOWN and not choices:
            raise InvalidInput(
                "A drop-down field needs at least one choice.", field=f"fields.{self.index}.choices"
            )
        if self.type is FieldType.OPEN_TEXT and choices:
            raise InvalidInput("An open-text field has no choices.", field=f"fields.{self.index}.choices")
        if len(set(choices)) != len(choices):
            raise InvalidInput(
                "A drop-down field lists the same choice twice.", field=f"fields.{self.index}.choices"
            )
        object.__setattr__(self, "choices", choices)


def validate_session_fields(
    values: Mapping[int, str | None],
    *,
    tracking: str | None = None,
    configs: Sequence[FieldConfig] | None = None,
) -> tuple[dict[int, str], str | None]:
    """Check the name field, custom fields and tracking ID of a new session; return them stripped.

    ``configs`` is the private-session configuration (the technician fills the fields, L4016-4031): only
    enabled fields may be filled, mandatory ones must be, drop-downs take one of their choices. For channel
    sessions (the customer fills the form, L3993) pass ``None``: only the lengths are checked.
    """
    by_index = {c.index: c for c in configs} if configs is not None else None
    result: dict[int, str] = {}
    for index, raw in values.items():
        limit = field_max_chars(index)
        text = _text(raw if raw is not None else "", limit, f"fields.{index}", required=False)
        if not text:
            continue
        if by_index is not None:
            config = by_index.get(index)
            if config is None or not config.enabled:
                raise InvalidInput(
                    f"Field {index} is not enabled for private sessions.", field=f"fields.{index}"
                )
            if config.type is FieldType.DROPDOWN and text not in config.choices:
                raise InvalidInput(
                    f'"{text}" is not one of the choices of field {index}.', field=f"fields.{index}"
                )
        result[index] = text
    if by_index is not None:
        for config in by_index.values():
            if config.enabled and config.mandatory and config.index not in result:
                raise InvalidInput(
                    f"Field {config.index} is mandatory; fill it in before generating the session.",
                    field=f"fields.{config.index}",
                )
    tracking_text = _text(tracking or "", TRACKING_FIELD_MAX_CHARS, "tracking", required=False) or None
    return result, tracking_text
