"""Signed unsubscribe tokens (HMAC via itsdangerous) and a tiny RFC 8058 endpoint."""

from __future__ import annotations

import html
import secrets
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlparse

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

from ddor_watch.db.errors import BadInput
from ddor_watch.db.session import Database
from ddor_watch.db.subscribers import subscriber_token, unsubscribe_by_token
from ddor_watch.publish.settings import UnsubscribeSettings

# The one-click POST carries "List-Unsubscribe=One-Click" and nothing else.
MAX_BODY = 4096


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


def serve(settings: UnsubscribeSettings, db: Database, host: str = "127.0.0.1",
          port: int = 8025) -> ThreadingHTTPServer:
    """GET shows a confirmation button; POST (RFC 8058 one-click, no cookies) unsubscribes."""

    class Handler(BaseHTTPRequestHandler):
        timeout = 10   # seconds a client may take to send its request: no thread held for ever

        def _token(self) -> str:
            return parse_qs(urlparse(self.path).query).get("token", [""])[0][:512]

        def _reply(self, status: int, text: str, markup: str = "") -> None:
            # `text` is always escaped; `markup` is only ever our own, built from escaped parts.
            body = f"<!DOCTYPE html><html><body><p>{html.escape(text)}</p>{markup}</body></html>".encode()
            self.send_response(status)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_GET(self) -> None:  # noqa: N802
            action = html.escape("/unsubscribe?" + urlencode({"token": self._token()}), quote=True)
            self._reply(200, "Unsubscribe from the ddor-watch digest?",
                        f'<form method="post" action="{action}">'
                        '<button name="List-Unsubscribe" value="One-Click">Unsubscribe</button></form>')

        def do_POST(self) -> None:  # noqa: N802
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                self._reply(400, "bad Content-Length")
                return
            if length < 0 or length > MAX_BODY:
                self.close_connection = True
                self._reply(413, "request body too large")
                return
            self.rfile.read(length)
            try:
                unsubscribe(settings, db, self._token())
            except BadInput as error:
                self._reply(400, str(error))
                return
            self._reply(200, "You are unsubscribed.")

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 (the base class's name)
            pass

    class Server(ThreadingHTTPServer):
        daemon_threads = True
        request_queue_size = 128   # a burst of one-click unsubscribes is not reset at the door

    return Server((host, port), Handler)
