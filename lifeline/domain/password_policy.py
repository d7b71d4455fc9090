"""Password strength and expiry, exactly as the Global Settings password policy defines them.

Spec part1 §9 (seed L973-1010). The seed's meter is deliberately simple, and we
reproduce it rather than substituting a smarter estimator, because administrators
pick a *named* minimum (Good / Strong / Excellent) and the names must mean what
the guide says:

- at least 8 characters, else the password rates **None**;
- four character classes: lowercase, uppercase, digits, special;
- a *repeat* is any character that occurs more than once anywhere
  ("Sampla12" repeats ``a``), compared case-sensitively;
- **Good** = 3 classes with repeats; **Strong** = 3 classes without repeats, or
  4 classes with repeats; **Excellent** = 4 classes without repeats;
- fewer than 3 classes rates **None**, and None is always rejected.

Classification: a character is lowercase or uppercase when Python says it is a
cased lower/upper letter (so ``é`` is lowercase), a digit when it is a decimal
digit, and *special* otherwise (punctuation, spaces, symbols, uncased letters).

Expiry: ``max_age_days == 0`` means passwords never expire and
``notice_days == 0`` means no warning (L995-999). Times must be timezone-aware
UTC datetimes, like everything else Lifeline stores.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum

from lifeline.errors import InvalidInput

MIN_PASSWORD_LENGTH = 8  # L975: "minimum length of eight characters"
# Upper bound on what we accept at all, so a multi-megabyte "password" cannot make
# the (deliberately slow) password hash a denial-of-service lever.
MAX_PASSWORD_LENGTH = 256
CLASSES_FOR_GOOD = 3  # Good and Strong need three of the four classes
CLASSES_FOR_ALL = 4  # Strong-with-repeats and Excellent need all four
NO_EXPIRY = 0  # max_age_days value meaning "no limit"
NO_NOTICE = 0  # notice_days value meaning "no notification"
SECONDS_PER_DAY = 86_400


class Strength(IntEnum):
    """The meter's levels, ordered so that ``strength >= policy_minimum`` reads naturally."""

    NONE = 0
    GOOD = 1
    STRONG = 2
    EXCELLENT = 3

    @property
    def label(self) -> str:
        return self.name.capitalize()


class CharClass(StrEnum):
    LOWERCASE = "lowercase letters"
    UPPERCASE = "uppercase letters"
    DIGITS = "digits"
    SPECIAL = "special characters"


@dataclass(frozen=True)
class PasswordAnalysis:
    """What the meter sees in a password; enough to explain a rejection."""

    length: int
    classes: frozenset[CharClass]
    # Characters occurring more than once, in first-seen order; kept out of repr (secret material).
    repeated: tuple[str, ...] = field(repr=False)
    strength: Strength

    @property
    def missing_classes(self) -> tuple[CharClass, ...]:
        return tuple(c for c in CharClass if c not in self.classes)


def _char_class(char: str) -> CharClass:
    if char.islower():
        return CharClass.LOWERCASE
    if char.isupper():
        return CharClass.UPPERCASE
    if char.isdecimal():
        return CharClass.DIGITS
    return CharClass.SPECIAL


def analyse_password(password: str) -> PasswordAnalysis:
    """Classify ``password`` and rate it; never raises."""
    classes = frozenset(_char_class(c) for c in password)
    counts = Counter(password)
    repeated = tuple(c for c in counts if counts[c] > 1)
    has_repeats = bool(repeated)
    if len(password) < MIN_PASSWORD_LENGTH or len(classes) < CLASSES_FOR_GOOD:
        strength = Strength.NONE
    elif len(classes) < CLASSES_FOR_ALL:
        strength = Strength.GOOD if has_repeats else Strength.STRONG
    else:
        strength = Strength.STRONG if has_repeats else Strength.EXCELLENT
    return PasswordAnalysis(len(password), classes, repeated, strength)


def password_strength(password: str) -> Strength:
    """The §9 rating of ``password``: NONE, GOOD, STRONG or EXCELLENT."""
    return analyse_password(password).strength


def check_new_password(password: str, minimum: Strength = Strength.GOOD) -> Strength:
    """Accept ``password`` if it rates at least ``minimum`` (and at least Good); return its rating.

    Raises :class:`InvalidInput` (field ``password``) saying what is missing.
    A ``minimum`` of NONE is treated as GOOD: the seed rejects anything below Good.
    """
    required = max(minimum, Strength.GOOD)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInput(
            f"Password is too long: at most {MAX_PASSWORD_LENGTH} characters are accepted.", field="password"
        )
    info = analyse_password(password)
    if info.strength >= required:
        return info.strength
    problems: list[str] = []
    if info.length < MIN_PASSWORD_LENGTH:
        problems.append(f"use at least {MIN_PASSWORD_LENGTH} characters (it has {info.length})")
    missing = ", ".join(c.value for c in info.missing_classes)
    # Count, never echo, the repeated characters: error messages may end up in logs.
    repeated = f"{len(info.repeated)} character(s) occur more than once"
    if required == Strength.EXCELLENT:
        if len(info.classes) < CLASSES_FOR_ALL:
            problems.append(f"use all 4 character classes (missing: {missing})")
        if info.repeated:
            problems.append(f"avoid repeating characters ({repeated})")
    else:
        if len(info.classes) < CLASSES_FOR_GOOD:
            problems.append(
                f"use at least {CLASSES_FOR_GOOD} of the 4 character classes (missing: {missing})"
            )
        if required == Strength.STRONG and info.repeated and len(info.classes) < CLASSES_FOR_ALL:
            problems.append(f"avoid repeating characters ({repeated}) or use all 4 character classes")
    reason = "; ".join(problems)  # never empty: each way of rating below `required` is covered above
    raise InvalidInput(
        f"Password strength is {info.strength.label} but the policy requires at least "
        f"{required.label}: {reason}.",
        field="password",
    )


def _check_days(value: int, name: str) -> None:
    if value < 0:
        raise InvalidInput(f"{name} cannot be negative (0 means off).", field=name)


def password_expires_at(changed_at: datetime, max_age_days: int) -> datetime | None:
    """When a password set at ``changed_at`` expires; ``None`` when the age is unlimited."""
    _check_days(max_age_days, "max_age_days")
    if max_age_days == NO_EXPIRY:
        return None
    return changed_at + timedelta(days=max_age_days)


def password_expired(changed_at: datetime, now: datetime, max_age_days: int) -> bool:
    """True once the password is at least ``max_age_days`` old (never when the limit is 0)."""
    expires_at = password_expires_at(changed_at, max_age_days)
    return expires_at is not None and now >= expires_at


def days_until_expiry(changed_at: datetime, now: datetime, max_age_days: int) -> int | None:
    """Whole days left before expiry, rounded up; 0 once expired; ``None`` without a limit.

    Rounding up means "expires in 1 day" is shown for the whole last day, and 0
    only when the password has actually expired.
    """
    expires_at = password_expires_at(changed_at, max_age_days)
    if expires_at is None:
        return None
    remaining_s = (expires_at - now).total_seconds()
    if remaining_s <= 0:
        return 0
    return math.ceil(remaining_s / SECONDS_PER_DAY)


def should_warn(changed_at: datetime, now: datetime, max_age_days: int, notice_days: int) -> bool:
    """Whether to show "your password expires in N days" at sign-in.

    Only inside the notice window and before expiry: an expired password is
    handled by forcing a change, not by a warning.
    """
    _check_days(notice_days, "notice_days")
    if notice_days == NO_NOTICE:
        return False
    remaining = days_until_expiry(changed_at, now, max_age_days)
    return remaining is not None and 0 < remaining <= notice_days
