from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lifeline.domain.password_policy import (
    MAX_PASSWORD_LENGTH,
    CharClass,
    Strength,
    analyse_password,
    check_new_password,
    days_until_expiry,
    password_expired,
    password_expires_at,
    password_strength,
    should_warn,
)
from lifeline.errors import InvalidInput


@pytest.mark.parametrize(
    ("password", "expected"),
    [
        # The four examples of the seed (L980-993).
        ("Sampla12", Strength.GOOD),
        ("Sample12", Strength.STRONG),
        ("Sampla1%", Strength.STRONG),
        ("Sample1%", Strength.EXCELLENT),
        # Length: 7 characters is None whatever the classes.
        ("Sampl1%", Strength.NONE),
        ("Sa1%", Strength.NONE),
        ("", Strength.NONE),
        # Fewer than 3 classes is None.
        ("abcdefgh", Strength.NONE),
        ("abcdEFGH", Strength.NONE),
        ("12345678", Strength.NONE),
        # Repeats anywhere count, not only adjacent ones.
        ("aBcdefa1", Strength.GOOD),
        ("aaBcdef1", Strength.GOOD),
        # Repeats are case-sensitive: 'S' and 's' differ.
        ("Sample1s", Strength.STRONG),
        # Repeated special characters count too.
        ("Abcdef%%", Strength.GOOD),
        ("Abcde1%%", Strength.STRONG),
        # Spaces and punctuation are special characters.
        ("Abc def1", Strength.EXCELLENT),
        # Non-ASCII cased letters are letters; uncased ones are special.
        ("émile1Xq", Strength.STRONG),
        ("Zébra12字", Strength.EXCELLENT),
        # Longer passwords with repeats never reach Excellent.
        ("CorrectHorse1!", Strength.STRONG),
    ],
)
def test_password_strength(password, expected):
    assert password_strength(password) is expected


def test_strength_ordering():
    assert Strength.NONE < Strength.GOOD < Strength.STRONG < Strength.EXCELLENT
    assert Strength.STRONG.label == "Strong"


def test_analysis_lists_classes_and_hides_repeats_from_repr():
    info = analyse_password("Sampla12")
    assert info.classes == {CharClass.LOWERCASE, CharClass.UPPERCASE, CharClass.DIGITS}
    assert info.missing_classes == (CharClass.SPECIAL,)
    assert info.repeated == ("a",)
    assert "repeated" not in repr(info)


@pytest.mark.parametrize(
    ("password", "minimum", "expected"),
    [
        ("Sampla12", Strength.GOOD, Strength.GOOD),
        ("Sampla12", Strength.NONE, Strength.GOOD),
        ("Sample12", Strength.STRONG, Strength.STRONG),
        ("Sampla1%", Strength.STRONG, Strength.STRONG),
        ("Sample1%", Strength.EXCELLENT, Strength.EXCELLENT),
    ],
)
def test_check_new_password_accepts(password, minimum, expected):
    assert check_new_password(password, minimum) is expected


@pytest.mark.parametrize(
    ("password", "minimum", "fragments"),
    [
        ("Sampl1%", Strength.GOOD, ["at least 8 characters", "None"]),
        ("abcdefgh", Strength.GOOD, ["3 of the 4", "uppercase letters", "digits"]),
        ("abcdefgh", Strength.NONE, ["requires at least Good"]),
        ("Sampla12", Strength.STRONG, ["Good", "Strong", "avoid repeating", "or use all 4"]),
        ("Sample12", Strength.EXCELLENT, ["all 4 character classes", "special characters"]),
        ("Sampla1%", Strength.EXCELLENT, ["avoid repeating"]),
        ("Sampla12", Strength.EXCELLENT, ["all 4 character classes", "avoid repeating"]),
    ],
)
def test_check_new_password_explains_rejection(password, minimum, fragments):
    with pytest.raises(InvalidInput) as err:
        check_new_password(password, minimum)
    assert err.value.field == "password"
    for fragment in fragments:
        assert fragment in err.value.message


def test_rejection_message_does_not_echo_password_characters():
    with pytest.raises(InvalidInput) as err:
        check_new_password("Sampqq12", Strength.EXCELLENT)
    assert "'q'" not in err.value.message and "Sampqq12" not in err.value.message


def test_overlong_password_rejected():
    with pytest.raises(InvalidInput, match="too long"):
        check_new_password("Aa1%" + "x" * MAX_PASSWORD_LENGTH)


CHANGED = datetime(2026, 1, 1, 12, 0, tzinfo=UTC)


def test_zero_max_age_never_expires():
    later = CHANGED + timedelta(days=10_000)
    assert password_expires_at(CHANGED, 0) is None
    assert not password_expired(CHANGED, later, 0)
    assert days_until_expiry(CHANGED, later, 0) is None
    assert not should_warn(CHANGED, later, 0, 14)


def test_expiry_boundary():
    assert not password_expired(CHANGED, CHANGED + timedelta(days=90) - timedelta(seconds=1), 90)
    assert password_expired(CHANGED, CHANGED + timedelta(days=90), 90)


@pytest.mark.parametrize(
    ("elapsed", "expected"),
    [
        (timedelta(0), 90),
        (timedelta(days=89, hours=1), 1),
        (timedelta(days=89, hours=23, minutes=59), 1),
        (timedelta(days=88, hours=23), 2),
        (timedelta(days=90), 0),
        (timedelta(days=120), 0),
    ],
)
def test_days_until_expiry_rounds_up(elapsed, expected):
    assert days_until_expiry(CHANGED, CHANGED + elapsed, 90) == expected


@pytest.mark.parametrize(
    ("elapsed_days", "notice", "expected"),
    [
        (75, 14, False),  # 15 days left
        (76, 14, True),  # 14 days left
        (89, 14, True),
        (90, 14, False),  # expired: forced change, not a warning
        (89, 0, False),  # 0 = no notification
    ],
)
def test_should_warn(elapsed_days, notice, expected):
    assert should_warn(CHANGED, CHANGED + timedelta(days=elapsed_days), 90, notice) is expected


def test_negative_settings_rejected():
    with pytest.raises(InvalidInput):
        password_expired(CHANGED, CHANGED, -1)
    with pytest.raises(InvalidInput):
        should_warn(CHANGED, CHANGED, 90, -1)
