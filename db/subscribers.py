"""Email digest subscribers."""

from __future__ import annotations

import secrets
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ddor_watch.db.errors import BadInput
from ddor_watch.db.models import Subscriber, utcnow
from ddor_watch.db.session import Database


def normalise_email(address: str) -> str:
    """An address as mail can carry it, by email-validator's rules (RFC 5321 lengths: a local
    part of 64 characters at most; an internationalised domain in its ASCII (IDNA) form; no
    SMTPUTF8 local parts, which not every relay takes). No DNS lookup."""
    from email_validator import EmailNotValidError, validate_email

    address = address.strip()
    try:
        found = validate_email(address, check_deliverability=False, allow_smtputf8=False, strict=True)
    except EmailNotValidError as error:
        raise BadInput(f"not a valid email address: {address[:300]!r} ({error})") from None
    local, domain = (found.ascii_email or found.normalized).rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def _find(session: Session, email: str) -> Subscriber | None:
    """Addresses are one subscriber regardless of case (Ana@Example.org is ana@example.org)."""
    found: Subscriber | None = session.scalar(select(Subscriber).where(func.lower(Subscriber.email) == email.lower()))
    return found


def add_subscriber(db: Database, address: str, sources: tuple[str, ...] = (), states: tuple[str, ...] = (),
                   language: str = "en") -> str:
    """Add (or re-activate) a subscriber; `sources` and `states` narrow what they get (empty: all);
    `language` is the digest's (en, es)."""
    email = normalise_email(address)
    follows = ",".join(sorted(set(sources))), ",".join(sorted({s.upper() for s in states}))
    scope = "" if not any(follows) else " (" + "; ".join(
        part for part in (f"sources {follows[0]}" if follows[0] else "", f"states {follows[1]}" if follows[1] else "")
        if part) + ")"
    with db.session() as session:
        existing = _find(session, email)
        if existing is not None:
            changed = (existing.sources, existing.states, existing.language) != (*follows, language)
            existing.sources, existing.states = follows
            existing.language = language
            if existing.status == "active":
                return f"{existing.email} is already subscribed" + (f"; now follows{scope or ' everything'}"
                                                                      if changed else "")
            # A new subscription gets a new token: links in mail sent before are void.
            existing.status, existing.unsubscribed_at = "active", None
            existing.token = secrets.token_urlsafe(16)
            return f"{existing.email} subscribed again{scope}"
    try:
        with db.session() as session:
            session.add(Subscriber(email=email, token=secrets.token_urlsafe(16), sources=follows[0],
                                   states=follows[1], language=language))
    except IntegrityError:
        return f"{email} is already subscribed"
    return f"{email} subscribed{scope}"


def remove_subscriber(db: Database, address: str) -> str:
    email = normalise_email(address)
    with db.session() as session:
        existing = _find(session, email)
        if existing is None:
            raise BadInput(f"{email} is not a subscriber")
        existing.status, existing.unsubscribed_at = "unsubscribed", utcnow()
    return f"{email} unsubscribed"


def unsubscribe_by_token(db: Database, subscriber_token: str) -> str | None:
    with db.session() as session:
        existing = session.scalar(select(Subscriber).where(Subscriber.token == subscriber_token))
        if existing is None:
            return None
        existing.status, existing.unsubscribed_at = "unsubscribed", utcnow()
        return existing.email


def subscriber_token(db: Database, email: str) -> str | None:
    with db.session() as session:
        return session.scalar(select(Subscriber.token).where(Subscriber.email == email))


def list_subscribers(db: Database) -> list[tuple[str, str, str, str, str]]:
    with db.session() as session:
        return [(s.email, s.status, s.sources or "all", s.states or "all", s.created_at.isoformat()) for s in
                session.scalars(select(Subscriber).order_by(Subscriber.id))]


@dataclass(frozen=True)
class PendingSubscription:
    """A self-service subscription awaiting its confirmation (double opt-in)."""

    email: str
    token: str          # changes on confirmation: a confirmation link works once
    send: bool          # False when the address is already confirmed (nothing to send)


def request_subscription(db: Database, address: str, sources: tuple[str, ...] = (),
                         states: tuple[str, ...] = (), language: str = "en") -> PendingSubscription:
    """Record a subscription request with what it follows (empty: everything); only a
    confirmed address ever gets digests. An address that unsubscribed must confirm again; an
    active one is left alone (a stranger cannot change what it follows)."""
    email = normalise_email(address)
    follows = ",".join(sorted(set(sources))), ",".join(sorted({s.upper() for s in states}))
    with db.session() as session:
        existing = _find(session, email)
        if existing is not None and existing.status == "active":
            return PendingSubscription(existing.email, existing.token, send=False)
        if existing is not None:
            existing.status, existing.token = "pending", secrets.token_urlsafe(16)
            existing.sources, existing.states = follows
            existing.language = language
            return PendingSubscription(existing.email, existing.token, send=True)
    token = secrets.token_urlsafe(16)
    try:
        with db.session() as session:
            session.add(Subscriber(email=email, token=token, status="pending", sources=follows[0], states=follows[1],
                                   language=language))
    except IntegrityError:   # the same address, asked twice at once
        return PendingSubscription(email, "", send=False)
    return PendingSubscription(email, token, send=True)


def confirm_subscription(db: Database, token: str) -> str | None:
    """Activate the pending subscriber holding this token; None when no pending one does
    (unknown, or used already: the token is replaced on confirmation)."""
    with db.session() as session:
        found = session.scalar(select(Subscriber).where(Subscriber.token == token, Subscriber.status == "pending"))
        if found is None:
            return None
        found.status, found.token, found.unsubscribed_at = "active", secrets.token_urlsafe(16), None
        return found.email
