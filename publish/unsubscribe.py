"""Signed unsubscribe tokens (HMAC via itsdangerous) and a tiny RFC 8058 endpoint."""

from __future__ import annotations

import secrets
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse

from itsdangerous import BadSignature, URLSafeSerializer

from ddor_watch.db.errors import BadInput
from ddor_watch.db.session import Database
from ddor_watch.db.subscribers import subscriber_token, unsubscribe_by_token


def secret(config: Any) -> str:
    """The configured secret, else one generated once and kept (0600) in the data dir."""
    if config.unsubscribe_secret:
        return config.unsubscribe_secret
    path = Path(config.data_dir) / "unsubscribe-secret"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()


def _serializer(config: Any) -> URLSafeSerializer:
    return URLSafeSerializer(secret(config), salt="unsubscribe")


def make_token(config: Any, subscriber: str) -> str:
    return _serializer(config).dumps({"s": subscriber})


def unsubscribe_url(config: Any, db: Database, email: str) -> str:
    token = make_token(config, subscriber_token(db, email) or "unknown")
    return f"{config.public_url.rstrip('/')}/unsubscribe?token={token}"


def unsubscribe(config: Any, db: Database, token: str) -> str:
    try:
        payload = _serializer(config).loads(token)
    except BadSignature:
        raise BadInput("invalid or altered unsubscribe token") from None
    email = unsubscribe_by_token(db, payload.get("s", ""))
    if email is None:
        raise BadInput("unknown subscriber")
    return email


def serve(config: Any, db: Database, host: str = "127.0.0.1", port: int = 8025) -> ThreadingHTTPServer:
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
                unsubscribe(config, db, self._token())
            except BadInput as error:
                self._reply(400, str(error))
                return
            self._reply(200, "You are unsubscribed.")

        def log_message(self, *args) -> None:  # type: ignore[no-untyped-def]
            pass

    return ThreadingHTTPServer((host, port), Handler)
