"""Bearer tokens: the static API token, OAuth client-credential and password-grant tokens."""

from __future__ import annotations

from dataclasses import dataclass
import secrets

MAX_TOKENS = 10_000
"""Above this many tokens, expired and revoked ones are forgotten (soak tests)."""


@dataclass
class Token:
    """An access token and what it may see."""

    value: str
    kind: str  # "static" | "client_credentials" | "password"
    org_id: str
    user_id: str | None  # None: organisation-wide (administrator) access
    expires_ts: float | None
    revoked: bool = False


@dataclass
class RefreshToken:
    """A password-grant refresh token (single use: refreshing rotates it)."""

    value: str
    org_id: str
    user_id: str
    used: bool = False


class TokenStore:
    """Issues and checks tokens against simulated time."""

    def __init__(self, lifetime_s: float) -> None:
        """Create an empty store; issued access tokens live ``lifetime_s`` seconds."""
        self.lifetime_s = lifetime_s
        self.tokens: dict[str, Token] = {}
        self.refresh_tokens: dict[str, RefreshToken] = {}

    def add_static(self, value: str, org_id: str) -> Token:
        """Register the non-expiring API token."""
        token = Token(value, "static", org_id, None, None)
        self.tokens[value] = token
        return token

    def issue(self, kind: str, org_id: str, user_id: str | None, now: float) -> Token:
        """Issue a new expiring access token (old dead tokens are pruned now and then)."""
        if len(self.tokens) > MAX_TOKENS:
            self.tokens = {
                value: token
                for value, token in self.tokens.items()
                if token.expires_ts is None
                or (not token.revoked and token.expires_ts > now)
            }
        token = Token(
            secrets.token_urlsafe(22)[:30], kind, org_id, user_id, now + self.lifetime_s
        )
        self.tokens[token.value] = token
        return token

    def issue_refresh(self, org_id: str, user_id: str) -> RefreshToken:
        """Issue a refresh token for the password grant."""
        refresh = RefreshToken(secrets.token_urlsafe(22)[:30], org_id, user_id)
        self.refresh_tokens[refresh.value] = refresh
        return refresh

    def use_refresh(self, value: str) -> RefreshToken | None:
        """Consume a refresh token; None if unknown or already used."""
        refresh = self.refresh_tokens.get(value)
        if refresh is None or refresh.used:
            return None
        refresh.used = True
        return refresh

    def check(self, value: str, now: float) -> tuple[Token | None, str]:
        """Return the token if valid, else None and why (for the 401 detail)."""
        token = self.tokens.get(value)
        if token is None:
            return None, "Invalid token."
        if token.revoked:
            return None, "Token has been revoked."
        if token.expires_ts is not None and now >= token.expires_ts:
            return None, "Token has expired."
        return token, ""

    def revoke(self, value: str | None = None) -> int:
        """Revoke one token (access or refresh) or all; returns how many were revoked."""
        if value is not None:
            token = self.tokens.get(value)
            if token is not None:
                token.revoked = True
                return 1
            refresh = self.refresh_tokens.get(value)
            if refresh is not None:
                refresh.used = True
                return 1
            return 0
        for token in self.tokens.values():
            token.revoked = True
        for refresh in self.refresh_tokens.values():
            refresh.used = True
        return len(self.tokens)

    def expire(self, now: float) -> int:
        """Expire every issued (non-static) access token now."""
        count = 0
        for token in self.tokens.values():
            if token.expires_ts is not None and token.expires_ts > now:
                token.expires_ts = now
                count += 1
        return count

    def dump(self, now: float) -> list[dict[str, object]]:
        """Token overview for ``/_sim/state`` (values are shown: this is a simulator)."""
        return [
            {
                "token": token.value,
                "kind": token.kind,
                "user_id": token.user_id,
                "expires_in": None
                if token.expires_ts is None
                else max(0.0, token.expires_ts - now),
                "revoked": token.revoked,
            }
            for token in self.tokens.values()
        ]
