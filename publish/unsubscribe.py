"""Signed unsubscribe tokens (HMAC via itsdangerous). The endpoint is `ddor serve`'s
(publish/web.py): RFC 8058 one-click POST and a confirmation page."""

from __future__ import annotations

import secrets
from pathlib import Path

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ddor_watch.db.errors import BadInput
from ddor_watch.db.session import Database
from ddor_watch.db.subscribers import subscriber_token, unsubscribe_by_token
from ddor_watch.publish.settings import UnsubscribeSettings


def secret(settings: UnsubscribeSettings) -> str:
    """The configured secret, else one generated once and kept (0600) in the data dir."""
    if settings.secret:
        return settings.secret
    path = Path(settings.secret_file)
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


# A digest's unsubscribe link works this long; the subscriber token inside it also dies
# when the address unsubscribes and subscribes again.
TOKEN_MAX_AGE = 400 * 24 * 3600


def _serializer(settings: UnsubscribeSettings) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret(settings), salt="unsubscribe")


def make_token(settings: UnsubscribeSettings, subscriber: str) -> str:
    return str(_serializer(settings).dumps({"s": subscriber}))


def unsubscribe_url(settings: UnsubscribeSettings, db: Database, email: str) -> str:
    token = make_token(settings, subscriber_token(db, email) or "unknown")
    return f"{settings.public_url.rstrip('/')}/unsubscribe?token={token}"


def unsubscribe(settings: UnsubscribeSettings, db: Database, token: str) -> str:
    try:
        payload = _serializer(settings).loads(token, max_age=TOKEN_MAX_AGE)
    except SignatureExpired:
        raise BadInput("this unsubscribe link has expired; use the link in a recent digest") from None
    except BadSignature:
        raise BadInput("invalid or altered unsubscribe token") from None
    email = unsubscribe_by_token(db, payload.get("s", ""))
    if email is None:
        raise BadInput("unknown subscriber")
    return email
