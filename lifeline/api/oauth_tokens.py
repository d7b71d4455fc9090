"""OAuth 2.0 client-credentials rules of the BeyondTrust-compatible APIs, without storage or HTTP.

Spec: ``shared/spec/api-command.md`` §3 (token endpoint, bearer use, token rules D-16…D-23, D-39).
Integrator notes: ``docs/api-compatibility.md``.

Why pure: the seed's token rules (one-hour lifetime, at most 30 valid tokens per API account, a
regenerated secret kills every token) are decisions about *which rows to revoke*. Written as functions of
(existing tokens, now) they can be tested with an injected clock in microseconds, and the store only
has to persist what these functions decide. Request parsing is here too, so the exact JSON bodies and
the tolerated request shapes are fixed in one place.

Only hashes are ever stored: ``hash_token()`` of access tokens and ``hash_secret()`` of client secrets.
Both are high-entropy random strings, so a single SHA-256 is enough (a slow password hash buys nothing
against 238-bit secrets and would slow every API call).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import secrets
import string
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Any

# -- constants --------------------------------------------------------------------------------------------

#: "This token expires after one hour" (seed L156); also the ``expires_in`` we announce.
TOKEN_LIFETIME_S = 3600
#: "Each API account can have a maximum of 30 valid tokens" (seed L158).
MAX_VALID_TOKENS_PER_ACCOUNT = 30
#: Access tokens: 40 characters of [A-Za-z0-9], like the seed's sample (D-17). 40 × log2(62) ≈ 238 bits.
TOKEN_LENGTH = 40
TOKEN_ALPHABET = string.ascii_letters + string.digits
#: Client ids: 40 lower-case hex characters, like the seed's sample (D-16).
CLIENT_ID_BYTES = 20
#: Client secrets: standard base64 of 33 random bytes = 44 characters, like the seed's sample (D-16).
CLIENT_SECRET_BYTES = 33

GRANT_TYPE_CLIENT_CREDENTIALS = "client_credentials"
TOKEN_TYPE = "Bearer"
JSON_CONTENT_TYPE = "application/json"

Clock = Callable[[], datetime]


def utc_now() -> datetime:
    """The default clock; tests inject their own (D-39)."""
    return datetime.now(UTC)


# -- secrets and hashes -----------------------------------------------------------------------------------


def new_token() -> str:
    """A fresh access token, from ``secrets`` (never ``random``)."""
    return "".join(secrets.choice(TOKEN_ALPHABET) for _ in range(TOKEN_LENGTH))


def new_client_id() -> str:
    return secrets.token_hex(CLIENT_ID_BYTES)


def new_client_secret() -> str:
    return base64.b64encode(secrets.token_bytes(CLIENT_SECRET_BYTES)).decode("ascii")


def hash_token(token: str) -> str:
    """SHA-256 hex of an access token: the only form the store keeps and looks tokens up by."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def hash_secret(client_secret: str) -> str:
    """SHA-256 hex of a client secret; the secret itself is shown once and never stored (L4288)."""
    return hashlib.sha256(client_secret.encode("utf-8")).hexdigest()


def client_secret_matches(presented: str, stored_hash: str) -> bool:
    """Compare a presented secret with the stored hash in constant time.

    ``hmac.compare_digest`` on the two hex digests: the time taken does not reveal how many leading
    characters matched, so the hash can't be recovered byte by byte through response timing.
    """
    return hmac.compare_digest(hash_secret(presented).encode("ascii"), stored_hash.encode("ascii"))


# -- token rules ------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TokenRecord:
    """What the store keeps about one access token. ``revoked`` covers the 31st-token and
    secret-regeneration rules; expiry is never stored as a flag, it follows from ``issued_at``."""

    token_hash: str
    account_id: int
    issued_at: datetime
    revoked: bool = False


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """Result of :meth:`TokenPolicy.issue`: the clear token (returned once to the client), the record to
    insert, and the existing records to mark revoked, all in one transaction."""

    token: str
    record: TokenRecord
    revoke: tuple[TokenRecord, ...]


@dataclass(frozen=True, slots=True)
class TokenPolicy:
    """The seed's token rules with an injectable clock.

    Usage::

        policy = TokenPolicy(clock=lambda: fixed_now)
        issued = policy.issue(account_id, existing_records)
        store.insert(issued.record); store.revoke(issued.revoke)
    """

    lifetime_s: int = TOKEN_LIFETIME_S
    max_valid: int = MAX_VALID_TOKENS_PER_ACCOUNT
    clock: Clock = utc_now

    def expires_at(self, record: TokenRecord) -> datetime:
        return record.issued_at + timedelta(seconds=self.lifetime_s)

    def is_valid(self, record: TokenRecord, now: datetime | None = None) -> bool:
        """Valid iff not revoked and ``now < issued_at + lifetime`` (D-18): at exactly 3600 s it is dead."""
        moment = self.clock() if now is None else now
        return not record.revoked and moment < self.expires_at(record)

    def valid_tokens(self, records: Iterable[TokenRecord], now: datetime | None = None) -> list[TokenRecord]:
        """The account's valid tokens, oldest first (stable: equal times keep the caller's order)."""
        moment = self.clock() if now is None else now
        return sorted((r for r in records if self.is_valid(r, moment)), key=lambda r: r.issued_at)

    def to_revoke_before_issue(
        self, records: Iterable[TokenRecord], now: datetime | None = None
    ) -> tuple[TokenRecord, ...]:
        """Tokens to invalidate so that, after one more is issued, at most ``max_valid`` remain valid.

        "If an API account attempts to generate more than 30 tokens, then the oldest token is invalidated
        before a new one is generated" (L158). Expired and revoked tokens don't count.
        """
        valid = self.valid_tokens(records, now)
        excess = len(valid) - self.max_valid + 1
        return tuple(valid[:excess]) if excess > 0 else ()

    def issue(self, account_id: int, records: Iterable[TokenRecord]) -> IssuedToken:
        now = self.clock()
        token = new_token()
        mine = [r for r in records if r.account_id == account_id]
        revoke = tuple(replace(r, revoked=True) for r in self.to_revoke_before_issue(mine, now))
        return IssuedToken(token, TokenRecord(hash_token(token), account_id, now), revoke)

    def to_revoke_on_secret_change(
        self, records: Iterable[TokenRecord], now: datetime | None = None
    ) -> tuple[TokenRecord, ...]:
        """Every still-valid token of the account: regenerating the secret and saving "immediately
        invalidates any OAuth tokens associated with the account" (L162). Disabling the account uses the
        same rule (D-19)."""
        return tuple(replace(r, revoked=True) for r in self.valid_tokens(records, now))


# -- response bodies --------------------------------------------------------------------------------------


def _json_bytes(body: Mapping[str, Any]) -> bytes:
    # Compact separators, insertion order: the same bytes Starlette's JSONResponse would produce.
    return json.dumps(body, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def token_response_body(token: str, lifetime_s: int = TOKEN_LIFETIME_S) -> dict[str, str | int]:
    """Exactly these three keys (§3.2): ``expires_in`` is a JSON integer, ``token_type`` "Bearer"."""
    return {"access_token": token, "token_type": TOKEN_TYPE, "expires_in": lifetime_s}


@dataclass(frozen=True, slots=True)
class OAuthFailure:
    """One of the documented JSON failures of the token endpoint or of bearer authentication."""

    status_code: int
    error: str
    message: str
    headers: Mapping[str, str]

    @property
    def body(self) -> dict[str, str]:
        return {"error": self.error, "message": self.message}

    def body_bytes(self) -> bytes:
        return _json_bytes(self.body)


class OAuthError(Exception):
    """Raised with one of the ``OAuthFailure`` constants below; the HTTP layer renders ``failure``.

    A fresh exception per raise (rather than raising the constants) keeps tracebacks from piling up on
    shared module-level objects.
    """

    def __init__(self, failure: OAuthFailure) -> None:
        super().__init__(failure.message)
        self.failure = failure


_NO_HEADERS: Mapping[str, str] = {}

#: Bad, unknown, disabled or outdated client credentials (D-21).
INVALID_CLIENT = OAuthFailure(
    401, "invalid_client", "Client authentication failed.", {"www-authenticate": 'Basic realm="oauth2"'}
)
#: No ``grant_type`` in body or query (D-21).
MISSING_GRANT_TYPE = OAuthFailure(400, "invalid_request", "Missing grant_type.", _NO_HEADERS)
#: Any grant other than client_credentials (D-21).
UNSUPPORTED_GRANT_TYPE = OAuthFailure(
    400, "unsupported_grant_type", "Only client_credentials is supported.", _NO_HEADERS
)
#: The token endpoint answers POST only (D-21).
METHOD_NOT_ALLOWED = OAuthFailure(405, "invalid_request", "Method not allowed.", {"allow": "POST"})
#: Missing, malformed, unknown, expired or revoked bearer token (seed L185–188, D-23).
ACCESS_DENIED = OAuthFailure(
    401, "access_denied", "The resource owner or authorization server denied the request.", _NO_HEADERS
)
#: A valid token whose account lacks the permission, e.g. Configuration API access (D-25).
ACCESS_FORBIDDEN = replace(ACCESS_DENIED, status_code=403)


# -- request parsing --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClientCredentials:
    client_id: str
    client_secret: str


def _split_scheme(header: str | None) -> tuple[str, str]:
    scheme, _, rest = (header or "").strip().partition(" ")
    return scheme.lower(), rest.strip()


def parse_basic_credentials(authorization: str | None) -> ClientCredentials | None:
    """``Authorization: Basic base64(client_id:client_secret)``; ``None`` if absent or malformed.

    The decoded pair is **not** form-url-decoded as RFC 6749 §2.3.1 would have it: BeyondTrust secrets
    contain ``+`` and ``/`` (seed L4292) and real clients base64 them raw, so decoding ``+`` to a space
    would break every such secret.
    """
    scheme, value = _split_scheme(authorization)
    if scheme != "basic" or not value:
        return None
    try:
        decoded = base64.b64decode(value, validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return None
    client_id, separator, client_secret = decoded.partition(":")
    if not separator or not client_id or not client_secret:
        return None
    return ClientCredentials(client_id, client_secret)


def parse_bearer_token(authorization: str | None) -> str | None:
    """The token of ``Authorization: Bearer <token>``; the scheme word is case-insensitive (D-22)."""
    scheme, value = _split_scheme(authorization)
    if scheme != "bearer" or not value or " " in value:
        return None
    return value


@dataclass(frozen=True, slots=True)
class TokenRequest:
    """A structurally valid token request; the caller still checks the credentials against the store."""

    credentials: ClientCredentials


def parse_token_request(
    method: str,
    authorization: str | None,
    query: Iterable[tuple[str, str]],
    body: Iterable[tuple[str, str]],
    *,
    accept_form_credentials: bool = False,
) -> TokenRequest:
    """Validate ``POST /oauth2/token`` up to the point where the store must be asked.

    Raises :class:`OAuthError` carrying one of the failures above. Checks, in order: method (405),
    ``grant_type`` (400), client credentials present (401). Query and body parameters are merged with the
    body winning, because some real clients send ``grant_type=client_credentials`` in the query string
    with an empty body.

    Credentials come from the Basic header. ``accept_form_credentials=True`` also takes ``client_id`` and
    ``client_secret`` from the merged parameters (RFC 6749 §2.3.1 allows it); the header still wins. It is
    off by default because spec D-21 accepts the header only, and secrets in query strings end up in logs.
    """
    if method.upper() != "POST":
        raise OAuthError(METHOD_NOT_ALLOWED)
    params: dict[str, str] = {}
    for source in (query, body):
        for name, value in source:
            params[name] = value
    grant_type = params.get("grant_type")
    if not grant_type:
        raise OAuthError(MISSING_GRANT_TYPE)
    if grant_type != GRANT_TYPE_CLIENT_CREDENTIALS:
        raise OAuthError(UNSUPPORTED_GRANT_TYPE)
    credentials = parse_basic_credentials(authorization)
    if credentials is None and accept_form_credentials:
        client_id, client_secret = params.get("client_id", ""), params.get("client_secret", "")
        if client_id and client_secret:
            credentials = ClientCredentials(client_id, client_secret)
    if credentials is None:
        raise OAuthError(INVALID_CLIENT)
    return TokenRequest(credentials)


def authenticate_client(
    request: TokenRequest, stored_secret_hash: str | None, *, account_enabled: bool
) -> None:
    """Final 401 decision once the store has looked up ``request.credentials.client_id``.

    ``stored_secret_hash`` is ``None`` for an unknown client id; a dummy comparison still runs so an
    unknown id takes as long as a wrong secret.
    """
    presented = request.credentials.client_secret
    matches = client_secret_matches(presented, stored_secret_hash or hash_secret(""))
    if stored_secret_hash is None or not matches or not account_enabled:
        raise OAuthError(INVALID_CLIENT)
