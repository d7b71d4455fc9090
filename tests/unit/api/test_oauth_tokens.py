"""OAuth2 token rules with an injected clock, credential parsing and the exact JSON bodies."""

from __future__ import annotations

import base64
import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from lifeline.api import oauth_tokens as ot

T0 = datetime(2021, 3, 1, 12, 0, 0, tzinfo=UTC)
SEED_ID = "e52a9aa6fc0508ddf3a40601a736b230a1bebcd1"
SEED_SECRET = "BU5u0fVEb1qEWuHdBK9AR6q9+O1CB26squ1susfJ0LsK"
SEED_BASIC = (
    "Basic ZTUyYTlhYTZmYzA1MDhkZGYzYTQwNjAxYTczNmIyMzBhMWJlYmNkMTpCVTV1MGZWRWIxcUVXdUhkQks5QVI2cTkrTzFD"
    "QjI2c3F1MXN1c2ZKMExzSw=="
)


class Clock:
    """A settable clock, the way the server's injectable clock is driven in tests (D-39)."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += timedelta(seconds=seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock(T0)


@pytest.fixture
def policy(clock: Clock) -> ot.TokenPolicy:
    return ot.TokenPolicy(clock=clock)


def issue_many(policy: ot.TokenPolicy, clock: Clock, count: int, account_id: int = 1) -> list[ot.TokenRecord]:
    """Issue ``count`` tokens one second apart, applying revocations like the store would."""
    records: list[ot.TokenRecord] = []
    for _ in range(count):
        issued = policy.issue(account_id, records)
        revoked = {r.token_hash for r in issued.revoke}
        records = [replace(r, revoked=True) if r.token_hash in revoked else r for r in records]
        records.append(issued.record)
        clock.advance(1)
    return records


def test_token_expires_exactly_after_3600_seconds(policy: ot.TokenPolicy, clock: Clock) -> None:
    record = policy.issue(1, []).record
    assert record.issued_at == T0
    clock.advance(3599)
    assert policy.is_valid(record)
    clock.advance(1)
    assert not policy.is_valid(record)
    assert policy.expires_at(record) == T0 + timedelta(seconds=3600)


def test_the_31st_token_invalidates_the_first(policy: ot.TokenPolicy, clock: Clock) -> None:
    records = issue_many(policy, clock, 30)
    assert len(policy.valid_tokens(records)) == 30
    issued = policy.issue(1, records)
    assert [r.token_hash for r in issued.revoke] == [records[0].token_hash]
    assert all(r.revoked for r in issued.revoke)


def test_never_more_than_30_valid_tokens(policy: ot.TokenPolicy, clock: Clock) -> None:
    records = issue_many(policy, clock, 45)
    valid = policy.valid_tokens(records)
    assert len(valid) == 30
    assert valid[0].token_hash == records[15].token_hash  # the 15 oldest went first


def test_expired_and_revoked_tokens_do_not_count(policy: ot.TokenPolicy, clock: Clock) -> None:
    records = issue_many(policy, clock, 30)
    clock.advance(3600)
    assert policy.issue(1, records).revoke == ()
    fresh = issue_many(policy, clock, 29)
    mixed = [replace(r, revoked=True) for r in fresh[:1]] + fresh[1:]
    assert policy.to_revoke_before_issue(mixed) == ()


def test_other_accounts_tokens_are_left_alone(policy: ot.TokenPolicy, clock: Clock) -> None:
    records = issue_many(policy, clock, 30, account_id=2)
    assert policy.issue(1, records).revoke == ()


def test_regenerated_secret_invalidates_every_valid_token(policy: ot.TokenPolicy, clock: Clock) -> None:
    records = issue_many(policy, clock, 5)
    clock.advance(3600 - 4)  # now = T0 + 3601: the tokens of T0 and T0+1 have expired
    revoke = policy.to_revoke_on_secret_change(records)
    assert [r.token_hash for r in revoke] == [r.token_hash for r in records[2:]]
    assert all(r.revoked for r in revoke)
    assert not any(policy.is_valid(r) for r in revoke)


def test_token_and_credential_formats() -> None:
    token = ot.new_token()
    assert len(token) == 40 and token.isalnum() and token.isascii()
    assert token != ot.new_token()
    assert len(ot.new_client_id()) == 40 and int(ot.new_client_id(), 16) >= 0
    secret = ot.new_client_secret()
    assert len(secret) == 44 and len(base64.b64decode(secret)) == 33
    assert ot.hash_token("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"


def test_client_secret_comparison() -> None:
    stored = ot.hash_secret(SEED_SECRET)
    assert stored != SEED_SECRET
    assert ot.client_secret_matches(SEED_SECRET, stored)
    assert not ot.client_secret_matches(SEED_SECRET[:-1], stored)


def test_token_response_body_is_exact() -> None:
    body = ot.token_response_body("23MS6S2L42WCriESVzGbuwsiQwdbxuAJ3Zj4DxO")
    assert json.dumps(body) == (
        '{"access_token": "23MS6S2L42WCriESVzGbuwsiQwdbxuAJ3Zj4DxO", '
        '"token_type": "Bearer", "expires_in": 3600}'
    )


def test_error_bodies_are_exact() -> None:
    assert ot.ACCESS_DENIED.body_bytes() == (
        b'{"error":"access_denied",'
        b'"message":"The resource owner or authorization server denied the request."}'
    )
    assert (ot.ACCESS_DENIED.status_code, ot.ACCESS_FORBIDDEN.status_code) == (401, 403)
    assert ot.INVALID_CLIENT.status_code == 401
    assert ot.INVALID_CLIENT.headers["www-authenticate"] == 'Basic realm="oauth2"'
    assert ot.INVALID_CLIENT.body == {"error": "invalid_client", "message": "Client authentication failed."}
    assert ot.MISSING_GRANT_TYPE.body == {"error": "invalid_request", "message": "Missing grant_type."}
    assert (ot.UNSUPPORTED_GRANT_TYPE.status_code, ot.UNSUPPORTED_GRANT_TYPE.error) == (
        400,
        "unsupported_grant_type",
    )
    assert ot.METHOD_NOT_ALLOWED.status_code == 405


def test_seed_test_scenario_basic_header() -> None:
    assert ot.parse_basic_credentials(SEED_BASIC) == ot.ClientCredentials(SEED_ID, SEED_SECRET)
    assert ot.parse_basic_credentials(SEED_BASIC.replace("Basic", "basic")) is not None


@pytest.mark.parametrize(
    "header",
    [None, "", "Basic", "Bearer abc", "Basic !!!", "Basic " + base64.b64encode(b"no-colon").decode(),
     "Basic " + base64.b64encode(b":secret").decode(), "Basic " + base64.b64encode(b"id:").decode(),
     "Basic " + base64.b64encode(b"\xff\xfe:x").decode()],
)  # fmt: skip
def test_malformed_basic_headers(header: str | None) -> None:
    assert ot.parse_basic_credentials(header) is None


def test_bearer_parsing() -> None:
    assert ot.parse_bearer_token("Bearer abc") == "abc"
    assert ot.parse_bearer_token("bearer   abc ") == "abc"
    for header in (None, "", "Bearer", "Basic abc", "Bearer a b", "Token abc"):
        assert ot.parse_bearer_token(header) is None


def failure_of(*args: object, **kwargs: object) -> ot.OAuthFailure:
    with pytest.raises(ot.OAuthError) as caught:
        ot.parse_token_request(*args, **kwargs)  # type: ignore[arg-type]
    return caught.value.failure


def test_token_request_with_grant_type_in_body_or_query() -> None:
    grant = [("grant_type", "client_credentials")]
    expected = ot.TokenRequest(ot.ClientCredentials(SEED_ID, SEED_SECRET))
    assert ot.parse_token_request("POST", SEED_BASIC, [], grant) == expected
    assert ot.parse_token_request("POST", SEED_BASIC, grant, []) == expected  # query only, empty body
    assert (
        ot.parse_token_request("post", SEED_BASIC, [("grant_type", "password")], grant) == expected
    )  # body wins


def test_token_request_failures_in_order() -> None:
    grant = [("grant_type", "client_credentials")]
    assert failure_of("GET", SEED_BASIC, grant, []) is ot.METHOD_NOT_ALLOWED
    assert failure_of("POST", SEED_BASIC, [], []) is ot.MISSING_GRANT_TYPE
    assert failure_of("POST", SEED_BASIC, [], [("grant_type", "")]) is ot.MISSING_GRANT_TYPE
    assert failure_of("POST", SEED_BASIC, [], [("grant_type", "password")]) is ot.UNSUPPORTED_GRANT_TYPE
    assert failure_of("POST", None, [], grant) is ot.INVALID_CLIENT


def test_form_credentials_only_when_enabled() -> None:
    form = [("grant_type", "client_credentials"), ("client_id", SEED_ID), ("client_secret", SEED_SECRET)]
    assert failure_of("POST", None, [], form) is ot.INVALID_CLIENT  # spec D-21 default
    expected = ot.TokenRequest(ot.ClientCredentials(SEED_ID, SEED_SECRET))
    assert ot.parse_token_request("POST", None, [], form, accept_form_credentials=True) == expected
    assert ot.parse_token_request("POST", None, form, [], accept_form_credentials=True) == expected
    other = ot.ClientCredentials("other", "s")
    basic = "Basic " + base64.b64encode(b"other:s").decode()
    assert ot.parse_token_request("POST", basic, [], form, accept_form_credentials=True).credentials == other


def test_authenticate_client() -> None:
    request = ot.TokenRequest(ot.ClientCredentials(SEED_ID, SEED_SECRET))
    stored = ot.hash_secret(SEED_SECRET)
    ot.authenticate_client(request, stored, account_enabled=True)
    for stored_hash, enabled in ((None, True), (ot.hash_secret("old secret"), True), (stored, False)):
        with pytest.raises(ot.OAuthError) as caught:
            ot.authenticate_client(request, stored_hash, account_enabled=enabled)
        assert caught.value.failure is ot.INVALID_CLIENT
