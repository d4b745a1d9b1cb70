"""Signed unsubscribe tokens (HMAC via itsdangerous) and a tiny RFC 8058 endpoint."""

from __future__ import annotations

import secrets
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlparse

from itsdangerous import BadSignature, URLSafeSerializer

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


def _serializer(settings: UnsubscribeSettings) -> URLSafeSerializer:
    return URLSafeSerializer(secret(settings), salt="unsubscribe")


def make_token(settings: UnsubscribeSettings, subscriber: str) -> str:
    return str(_serializer(settings).dumps({"s": subscriber}))


def unsubscribe_url(settings: UnsubscribeSettings, db: Database, email: str) -> str:
    token = make_token(settings, subscriber_token(db, email) or "unknown")
    return f"{settings.public_url.rstrip('/')}/unsubscribe?token={token}"


def unsubscribe(settings: UnsubscribeSettings, db: Database, token: str) -> str:
    try:
        payload = _serializer(settings).loads(token)
    except BadSignature:
        raise BadInput("invalid or altered unsubscribe token") from None
    email = unsubscribe_by_token(db, payload.get("s", ""))
    if email is None:
        raise BadInput("unknown subscriber")
    return email


def serve(settings: UnsubscribeSettings, db: Database, host: str = "127.0.0.1",
          port: int = 8025) -> ThreadingHTTPServer:
    """GET shows a confirmation button; POST (RFC 8058 one-click, no cookies) unsubscribes."""

    class Handler(BaseHTTPRequestHandler):
        def _token(self) -> str:
            return parse_qs(urlparse(self.path).query).get("token", [""])[0]

        def _reply(self, status: int, text: str) -> None:
            body = f"<!DOCTYPE html><html><body><p>{text}</p></body></html>".encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802
            self._reply(200, f'<form method="post" action="/unsubscribe?token={self._token()}">'
                             '<button name="List-Unsubscribe" value="One-Click">Unsubscribe</button></form>')

        def do_POST(self) -> None:  # noqa: N802
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            try:
                unsubscribe(settings, db, self._token())
            except BadInput as error:
                self._reply(400, str(error))
                return
            self._reply(200, "You are unsubscribed.")

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
            pass

    return ThreadingHTTPServer((host, port), Handler)
