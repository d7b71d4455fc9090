"""Issuing and checking OAuth2 access tokens against the store (spec api-command §3.2–3.4).

The rules live in `lifeline.api.oauth_tokens.TokenPolicy` (pure, clock
injected); this module only loads the rows the policy needs and writes what it
decides, in one transaction. Every function takes `now` from the caller
(`Services.now()`), which is how tests drive expiry without waiting an hour.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from lifeline.api.oauth_tokens import (
    TOKEN_LIFETIME_S,
    TokenPolicy,
    TokenRecord,
    TokenRequest,
    authenticate_client,
    hash_token,
)
from lifeline.store.api_accounts import ApiAccount, ApiToken
from lifeline.store.core_select import detached, entity_columns, select_columns

#: Built once: a statement object keeps its cache key, so the per-request check neither rebuilds
#: nor re-keys it. One indexed lookup (token_hash is unique) joined to its account, as columns
#: (`store/core_select.py`: the ORM's loading of two entities was most of the check's CPU).
_TOKEN_WITH_ACCOUNT = (select(ApiToken.issued_at.label("token_issued_at"),
                              ApiToken.revoked.label("token_revoked"), *entity_columns(ApiAccount))
                       .join(ApiAccount, ApiAccount.id == ApiToken.account_id)
                       .where(ApiToken.token_hash == bindparam("token_hash")))


def policy_at(now: datetime) -> TokenPolicy:
    return TokenPolicy(clock=lambda: now)


async def issue_token(session: AsyncSession, request: TokenRequest, *, now: datetime) -> str:
    """Check the client credentials (raises `OAuthError(INVALID_CLIENT)`) and return a new token.

    The account row is locked (PostgreSQL `FOR UPDATE`; SQLite serialises writers anyway) so two
    concurrent requests can't both see 30 valid tokens and leave 31.
    """
    account = await session.scalar(
        select(ApiAccount).where(ApiAccount.client_id == request.credentials.client_id).with_for_update()
    )
    authenticate_client(request, account.secret_hash if account else None,
                        account_enabled=bool(account and account.enabled))
    assert account is not None  # authenticate_client refused unknown ids
    policy = policy_at(now)
    rows = (await session.scalars(
        select(ApiToken).where(
            ApiToken.account_id == account.id, ApiToken.revoked.is_(False),
            ApiToken.issued_at > now - timedelta(seconds=TOKEN_LIFETIME_S),
        )
    )).all()
    records = [TokenRecord(row.token_hash, row.account_id, row.issued_at, row.revoked) for row in rows]
    issued = policy.issue(account.id, records)
    if issued.revoke:
        await session.execute(
            update(ApiToken).where(ApiToken.token_hash.in_([r.token_hash for r in issued.revoke]))
            .values(revoked=True)
        )
    session.add(ApiToken(account_id=account.id, token_hash=issued.record.token_hash, issued_at=now))
    await session.commit()
    return issued.token


def account_for_token_sync(session: Session, token: str | None, *, now: datetime) -> ApiAccount | None:
    """The enabled account a valid bearer token belongs to; `None` for anything else (→ 401).

    Permissions are read from the account row now, not from the token (D-20). Synchronous ORM work: every
    API call runs it as one `Database.read` (one hop on SQLite, api/bearer.py).
    """
    if not token:
        return None
    token_hash = hash_token(token)
    found = select_columns(session, _TOKEN_WITH_ACCOUNT, {"token_hash": token_hash}).first_mapping()
    if found is None:
        return None
    record = TokenRecord(token_hash, found["id"], found["token_issued_at"], found["token_revoked"])
    if not policy_at(now).is_valid(record) or not found["enabled"]:
        return None
    return detached(ApiAccount, found)
