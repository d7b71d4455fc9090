from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest

from lifeline.domain.surveys import (
    CUSTOM_FIELD_MAX_CHARS,
    MAX_QUESTIONS,
    NAME_FIELD_MAX_CHARS,
    OPEN_ANSWER_MAX_CHARS,
    TRACKING_FIELD_MAX_CHARS,
    FieldConfig,
    FieldType,
    Question,
    QuestionKind,
    Survey,
    SurveyKind,
    SurveyMode,
    field_max_chars,
    self_hosted_survey_url,
    validate_answers,
    validate_field_labels,
    validate_session_fields,
)
from lifeline.errors import InvalidInput

CHOICES = ("Very good", "Good", "OK", "Bad", "Very bad")


def rescue(*questions: Question) -> Survey:
    return Survey(SurveyKind.TECHNICIAN, SurveyMode.RESCUE, questions)


# -- questions -------------------------------------------------------------------------------------


def test_ten_slots():
    survey = rescue(*(Question(i, f"Q{i}") for i in reversed(range(MAX_QUESTIONS))))
    assert [q.index for q in survey.questions] == list(range(10))
    with pytest.raises(InvalidInput):
        Question(10, "eleventh")
    with pytest.raises(InvalidInput):
        Question(-1, "negative")


def test_duplicate_slot():
    with pytest.raises(InvalidInput, match="same slot"):
        rescue(Question(0, "a"), Question(0, "b"))


@pytest.mark.parametrize("n", [2, 5])
def test_dropdown_choice_counts_ok(n):
    assert len(Question(0, "How?", QuestionKind.DROPDOWN, CHOICES[:n]).choices) == n


@pytest.mark.parametrize("choices", [(), ("one",), (*CHOICES, "six"), ("a", "a"), ("a", " ")])
def test_dropdown_choice_counts_refused(choices):
    with pytest.raises(InvalidInput):
        Question(0, "How?", QuestionKind.DROPDOWN, choices)


def test_open_question_has_no_choices_and_text_rules():
    with pytest.raises(InvalidInput):
        Question(0, "Why?", QuestionKind.OPEN, ("x",))
    with pytest.raises(InvalidInput, match="empty"):
        Question(0, "   ")
    with pytest.raises(InvalidInput, match="limit is 256"):
        Question(0, "x" * 257)
    with pytest.raises(InvalidInput, match="question kind"):
        Question(0, "x", "scale")  # type: ignore[arg-type]
    assert Question(0, "  Why?  ").text == "Why?"


# -- answers ---------------------------------------------------------------------------------------

SURVEY = rescue(
    Question(0, "Solved?", QuestionKind.DROPDOWN, CHOICES, mandatory=True),
    Question(1, "Notes", QuestionKind.OPEN),
    Question(2, "Disabled", QuestionKind.OPEN, mandatory=True, enabled=False),
    Question(3, "Mandatory text", QuestionKind.OPEN, mandatory=True),
)


def test_answers_normalised():
    got = validate_answers(SURVEY, {0: "2", 1: "  fine ", 3: "ok"})
    assert got == {0: 2, 1: "fine", 3: "ok"}


def test_optional_blank_is_dropped():
    assert validate_answers(SURVEY, {0: 5, 1: "   ", 3: "x"}) == {0: 5, 3: "x"}


@pytest.mark.parametrize(
    ("answers", "field"),
    [
        ({1: "x", 3: "x"}, "answers.0"),  # mandatory drop-down missing
        ({0: "", 3: "x"}, "answers.0"),
        ({0: 1}, "answers.3"),  # mandatory open missing
        ({0: 1, 3: "  "}, "answers.3"),
        ({0: 6, 3: "x"}, "answers.0"),
        ({0: 0, 3: "x"}, "answers.0"),
        ({0: "best", 3: "x"}, "answers.0"),
        ({0: 1, 3: "x", 2: "x"}, "answers.2"),  # disabled question
        ({0: 1, 3: "x", 9: "x"}, "answers.9"),
        ({0: 1, 3: "x" * (OPEN_ANSWER_MAX_CHARS + 1)}, "answers.3"),
    ],
)
def test_bad_answers(answers, field):
    with pytest.raises(InvalidInput) as info:
        validate_answers(SURVEY, answers)
    assert info.value.field == field


def test_only_rescue_surveys_take_answers():
    with pytest.raises(InvalidInput):
        validate_answers(Survey(SurveyKind.CUSTOMER, SurveyMode.NONE), {})


# -- self-hosted -----------------------------------------------------------------------------------


def test_self_hosted_needs_url():
    with pytest.raises(InvalidInput):
        Survey(SurveyKind.CUSTOMER, SurveyMode.SELF_HOSTED)
    with pytest.raises(InvalidInput):
        Survey(SurveyKind.CUSTOMER, SurveyMode.SELF_HOSTED, url="ftp://x")


def test_self_hosted_url_with_session_details():
    survey = Survey(
        SurveyKind.CUSTOMER, "self_hosted", url="https://s.example/q", append_session_details=True
    )  # type: ignore[arg-type]
    url = self_hosted_survey_url(survey, session_id=123, fields=["Ann & Bob", "c1"])
    assert url.startswith("https://s.example/q?RescueSessionID=123&CField0=Ann+%26+Bob&CField1=c1&CField2=")
    assert dict(parse_qsl(urlsplit(url).query, keep_blank_values=True)) == {
        "RescueSessionID": "123",
        "CField0": "Ann & Bob",
        "CField1": "c1",
        "CField2": "",
        "CField3": "",
        "CField4": "",
        "CField5": "",
    }


def test_self_hosted_url_existing_query_and_plain():
    with_q = Survey(
        SurveyKind.CUSTOMER,
        SurveyMode.SELF_HOSTED,
        url="https://s.example/q?x=1",
        append_session_details=True,
    )
    assert self_hosted_survey_url(with_q, session_id=1, fields=[]).startswith(
        "https://s.example/q?x=1&RescueSessionID=1"
    )
    plain = Survey(SurveyKind.CUSTOMER, SurveyMode.SELF_HOSTED, url=" https://s.example/q ")
    assert self_hosted_survey_url(plain, session_id=1, fields=["a"]) == "https://s.example/q"
    with pytest.raises(InvalidInput):
        self_hosted_survey_url(with_q, session_id=1, fields=["x"] * 7)
    with pytest.raises(InvalidInput):
        self_hosted_survey_url(SURVEY, session_id=1, fields=[])


# -- custom fields ---------------------------------------------------------------------------------


def test_field_lengths():
    assert field_max_chars(0) == NAME_FIELD_MAX_CHARS == 128
    assert [field_max_chars(i) for i in range(1, 6)] == [CUSTOM_FIELD_MAX_CHARS] * 5 == [64] * 5
    assert TRACKING_FIELD_MAX_CHARS == 256
    with pytest.raises(InvalidInput):
        field_max_chars(6)


def test_channel_session_fields_check_lengths_only():
    fields, tracking = validate_session_fields({0: " Ann ", 3: "x" * 64, 4: "", 5: None}, tracking=" CRM-1 ")
    assert fields == {0: "Ann", 3: "x" * 64}
    assert tracking == "CRM-1"
    with pytest.raises(InvalidInput):
        validate_session_fields({1: "x" * 65})
    with pytest.raises(InvalidInput):
        validate_session_fields({0: "x" * 129})
    with pytest.raises(InvalidInput):
        validate_session_fields({}, tracking="x" * 257)
    with pytest.raises(InvalidInput):
        validate_session_fields({7: "x"})
    assert validate_session_fields({0: "x" * 128}, tracking="") == ({0: "x" * 128}, None)


CONFIGS = [
    FieldConfig(0, enabled=True, mandatory=True),
    FieldConfig(1, enabled=True, type=FieldType.DROPDOWN, choices=("Windows", "Mac")),
    FieldConfig(2, enabled=False),
]


def test_private_session_fields():
    assert validate_session_fields({0: "Ann", 1: "Mac"}, configs=CONFIGS)[0] == {0: "Ann", 1: "Mac"}
    with pytest.raises(InvalidInput, match="mandatory"):
        validate_session_fields({1: "Mac"}, configs=CONFIGS)
    with pytest.raises(InvalidInput, match="not one of the choices"):
        validate_session_fields({0: "Ann", 1: "Linux"}, configs=CONFIGS)
    with pytest.raises(InvalidInput, match="not enabled"):
        validate_session_fields({0: "Ann", 2: "x"}, configs=CONFIGS)
    with pytest.raises(InvalidInput, match="not enabled"):
        validate_session_fields({0: "Ann", 4: "x"}, configs=CONFIGS)


def test_field_config_validation():
    with pytest.raises(InvalidInput):
        FieldConfig(1, type=FieldType.DROPDOWN)
    with pytest.raises(InvalidInput):
        FieldConfig(1, choices=("a",))
    with pytest.raises(InvalidInput):
        FieldConfig(1, type=FieldType.DROPDOWN, choices=("a", "a"))
    with pytest.raises(InvalidInput):
        FieldConfig(1, type=FieldType.DROPDOWN, choices=("x" * 65,))
    with pytest.raises(InvalidInput):
        FieldConfig(9)


def test_field_labels():
    assert validate_field_labels({0: " Employee ID ", 5: "Asset"}) == {0: "Employee ID", 5: "Asset"}
    with pytest.raises(InvalidInput):
        validate_field_labels({1: ""})
    with pytest.raises(InvalidInput):
        validate_field_labels({1: "x" * 65})
    with pytest.raises(InvalidInput):
        validate_field_labels({6: "x"})
