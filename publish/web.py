"""`ddor serve`: the public site plus self-service email subscription, as an ASGI app
(Starlette, run by uvicorn behind a reverse proxy).

- Subscribe is double opt-in: the form records a pending address and mails a signed link
  that expires; only a confirmed address ever gets digests. The page answers the same for
  known and unknown addresses.
- Confirm and unsubscribe: GET shows a page with a button; POST does it. The unsubscribe POST
  is RFC 8058's one-click (a mail client posts without cookies: the signed token is the
  capability). The subscribe and confirm forms carry a CSRF token (double submit: a signed
  value in the form must match a cookie).
- Abuse: per-IP and per-address rate limits, bodies over 16 KB refused, every value from a
  request or a document escaped by the templates, security headers on every answer.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import logging
import os
import re
import secrets
import threading
import time
from collections import defaultdict, deque
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ddor_watch.db.errors import BadInput, PublishError
from ddor_watch.db.session import Database
from ddor_watch.db.subscribers import confirm_subscription, normalise_email, request_subscription
from ddor_watch.publish.channels.email import sender_domain, smtp_send
from ddor_watch.publish.i18n import LANGUAGES, N_, native_name, translations
from ddor_watch.publish.render import render
from ddor_watch.publish.settings import SmtpSettings, UnsubscribeSettings
from ddor_watch.publish.unsubscribe import secret, unsubscribe
from ddor_watch.publish.web_server import Network, client_address

logger = logging.getLogger(__name__)

MAX_BODY = 16 * 1024
BODY_TIMEOUT = 10.0          # seconds for a form body to arrive whole
CONFIRMATION_SMTP_TIMEOUT = 10.0   # a confirmation mail holds a worker thread no longer than this
CONFIRM_MAX_AGE = 48 * 3600
CSRF_MAX_AGE = 2 * 3600
CSRF_COOKIE = "ddor_csrf"

# (to, subject, text): how a confirmation reaches its address.
Mailer = Callable[[str, str, str], None]


@dataclass(frozen=True)
class WebSettings:
    public_url: str                    # where this app is reached (links in confirmation mail)
    site_dir: Path | None = None       # the static site served at /
    per_ip: tuple[int, float] = (10, 3600.0)            # subscription requests per window (s)
    per_address: tuple[int, float] = (3, 24 * 3600.0)   # confirmation mails per address per window
    # What a reader may follow: (source name, what it is), and the state codes that exist.
    sources: tuple[tuple[str, str], ...] = ()
    states: frozenset[str] = frozenset()
    # Proxies whose X-Forwarded-For is believed (DDOR_TRUSTED_PROXIES); nobody else's is.
    trusted: tuple[Network, ...] = ()


class RateLimiter:
    """Sliding-window counts per key, in memory (one process serves the app)."""

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.limit, self.window, self.clock = limit, window, clock
        self.hits: dict[str, deque[float]] = defaultdict(deque)
        self.lock = threading.Lock()

    def allow(self, key: str) -> bool:
        now = self.clock()
        with self.lock:
            hits = self.hits[key]
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return False
            hits.append(now)
            return True


@dataclass(frozen=True)
class Form:
    action: str
    button: str
    hidden: tuple[tuple[str, str], ...] = ()
    email: bool = False
    button_name: str = ""
    button_value: str = ""
    sources: tuple[tuple[str, str], ...] = ()      # (name, label) choices: checkboxes, none ticked = all
    states: bool = False                           # a field of state codes: none = all
    languages: tuple[tuple[str, str], ...] = ()    # (code, name) choices of the digest's language


@dataclass(frozen=True)
class Page:
    """A page of the subscription flow: its title and lines are catalog ids (N_), translated
    when rendered in the reader's language."""

    title: str
    lines: tuple[str, ...] = ()
    form: Form | None = None
    language: str = "en"


# Text formats served with their charset: without one, browsers guess (an Atom feed's "–"
# showed as "â€“"). Starlette adds a charset only to text/* types.
_TYPES = {".atom": "application/atom+xml; charset=utf-8", ".json": "application/json; charset=utf-8",
          ".csv": "text/csv; charset=utf-8", ".svg": "image/svg+xml; charset=utf-8"}


class SiteFiles(StaticFiles):
    """The static site, with charsets on the text formats it ships."""

    def file_response(self, full_path: Any, stat_result: os.stat_result, scope: Scope,
                      status_code: int = 200) -> Response:
        response = super().file_response(full_path, stat_result, scope, status_code)
        kind = _TYPES.get(Path(str(full_path)).suffix.lower())
        if kind is not None:
            response.headers["content-type"] = kind
        return response


class TooLarge(Exception):
    pass


class TooSlow(Exception):
    """The body did not arrive within BODY_TIMEOUT."""


def masked(email: str) -> str:
    """An address for the log: "a***@example.org"."""
    local, _, domain = email.partition("@")
    return f"{local[:1]}***@{domain}"


class SecurityHeaders:
    """Headers every answer carries: no framing, no sniffing, no referrer, only our own sources."""

    HEADERS = ((b"content-security-policy", b"default-src 'self'; img-src 'self'; style-src 'self'; "
                                            b"form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
               (b"x-content-type-options", b"nosniff"), (b"referrer-policy", b"no-referrer"),
               (b"x-frame-options", b"DENY"))

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [h for h in self.HEADERS if all(h[0] != k for k, _ in headers)]
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, with_headers)


async def read_form(request: Request) -> dict[str, str]:
    """An urlencoded form (the first value of each field), refusing bodies over MAX_BODY."""
    return {key: values[0] for key, values in (await read_form_lists(request)).items()}


async def read_form_lists(request: Request) -> dict[str, list[str]]:
    """An urlencoded form, every value of each field, refusing bodies over MAX_BODY before
    reading them whole."""
    declared = request.headers.get("content-length")
    if declared is not None and (not declared.isdigit() or int(declared) > MAX_BODY):
        raise TooLarge
    body = bytearray()
    try:
        async with asyncio.timeout(BODY_TIMEOUT):
            async for chunk in request.stream():
                body += chunk
                if len(body) > MAX_BODY:
                    raise TooLarge
    except TimeoutError:
        raise TooSlow from None
    fields = parse_qs(bytes(body).decode("utf-8", "replace"), keep_blank_values=True)
    return {key: [value[:1024] for value in values[:64]] for key, values in fields.items()}


# The digest languages the form offers, each named in itself.
LANGUAGE_NAMES = tuple((code, native_name(code)) for code in LANGUAGES)


def follows(web: WebSettings, form: dict[str, list[str]]) -> tuple[tuple[str, ...], tuple[str, ...], str] | None:
    """The sources and states a reader chose (empty: all) and the digest's language, or None
    when a choice is not one we offer."""
    known = {name for name, _label in web.sources}
    sources = tuple(sorted(set(form.get("source", []))))
    states = tuple(sorted({code.strip().upper() for text in form.get("states", [])
                           for code in text.replace(";", ",").replace(" ", ",").split(",") if code.strip()}))
    language = (form.get("language") or ["en"])[0]
    if any(name not in known for name in sources) or any(code not in web.states for code in states) \
            or language not in LANGUAGES:
        return None
    return sources, states, language


def page(page: Page, status: int = 200, headers: dict[str, str] | None = None) -> HTMLResponse:
    return HTMLResponse(render("web/page.html.j2", page, html=True, language=page.language), status_code=status,
                        headers=headers)


def reader_language(request: Request, form: dict[str, str] | None = None) -> str:
    """The language the reader asked for (`?lang=es`, or the form's choice); English otherwise."""
    asked = (form or {}).get("language") or request.query_params.get("lang", "")
    return asked if asked in LANGUAGES else "en"


def create_app(web: WebSettings, unsub: UnsubscribeSettings, db: Database, mailer: Mailer,
               clock: Callable[[], float] = time.monotonic) -> Starlette:
    key = secret(unsub)
    confirm_tokens = URLSafeTimedSerializer(key, salt="confirm-subscription")
    csrf_tokens = URLSafeTimedSerializer(key, salt="csrf")
    per_ip, per_address = RateLimiter(*web.per_ip, clock=clock), RateLimiter(*web.per_address, clock=clock)
    secure = web.public_url.lower().startswith("https://")
    base = web.public_url.rstrip("/")

    def csrf_pair() -> tuple[str, str]:
        nonce = secrets.token_urlsafe(24)
        return nonce, str(csrf_tokens.dumps(nonce))

    def csrf_ok(request: Request, form: dict[str, str]) -> bool:
        try:
            nonce = csrf_tokens.loads(form.get("csrf", ""), max_age=CSRF_MAX_AGE)
        except BadSignature:
            return False
        cookie = request.cookies.get(CSRF_COOKIE, "")
        return bool(cookie) and secrets.compare_digest(str(nonce), cookie)

    def answer(request: Request, content: Page, status: int = 200, headers: dict[str, str] | None = None,
               form: dict[str, str] | None = None) -> HTMLResponse:
        """The page in the reader's language (`?lang=es`, or the language chosen on the form)."""
        return page(replace(content, language=reader_language(request, form)), status, headers)

    def with_csrf(request: Request, content: Page, nonce: str) -> HTMLResponse:
        response = answer(request, content)
        response.set_cookie(CSRF_COOKIE, nonce, max_age=CSRF_MAX_AGE, httponly=True, samesite="strict",
                            secure=secure, path="/")
        return response

    def client(request: Request) -> str:
        peer = request.client.host if request.client else "unknown"
        return client_address(peer, request.headers.get("x-forwarded-for"), web.trusted)

    def request_and_mail(email: str, chosen: tuple[tuple[str, ...], tuple[str, ...], str]) -> None:
        """After the answer is sent, in a worker thread: the same answer and the same time for
        every address, known or not, and a slow mail server stalls no request."""
        if not per_address.allow(f"address:{email.lower()}"):
            logger.info("subscribe for %s: over the per-address limit; no mail", masked(email))
            return
        pending = request_subscription(db, email, *chosen)
        if pending.send:
            language = chosen[2]
            query = {"token": confirm_tokens.dumps({"t": pending.token}), **({"lang": language} if language != "en"
                                                                               else {})}
            link = f"{base}/confirm?{urlencode(query)}"
            words = translations(language)
            try:
                mailer(pending.email, words.gettext("Confirm your ddor-watch subscription"),
                       words.gettext("Someone (we hope you) asked to receive ddor-watch digests at this address.\n\n"
                                     "Confirm within 48 hours: {link}\n\nIf it was not you, ignore this mail; "
                                     "nothing will be sent.\n").format(link=link))
            except (OSError, PublishError) as error:
                logger.warning("confirmation mail to %s failed: %s", masked(email), error)
                return
        logger.info("subscribe for %s: %s", masked(email), "confirmation sent" if pending.send
                    else "already subscribed; nothing sent")

    async def subscribe_form(request: Request) -> Response:
        nonce, token = csrf_pair()
        return with_csrf(request, Page(N_("Subscribe to the digest"), (
            N_("One email when a source you follow changes: what changed, with the source. Choose sources and "
               "states, or leave them empty to follow everything. We send a confirmation link first; nothing else "
               "until you confirm."),),
            Form("/subscribe", N_("Subscribe"), (("csrf", token),), email=True, sources=web.sources,
                 states=bool(web.states), languages=LANGUAGE_NAMES)), nonce)

    async def subscribe(request: Request) -> Response:
        lists = await read_form_lists(request)
        form = {key: values[0] for key, values in lists.items()}
        if not csrf_ok(request, form):
            return answer(request, Page(N_("This form has expired"),
                                        (N_("Reload the subscription page and try again."),)), 403, form=form)
        if not per_ip.allow(f"ip:{client(request)}"):
            return answer(request, Page(N_("Too many requests"), (N_("Please try again later."),)), 429,
                          {"Retry-After": "3600"}, form=form)
        try:
            email = normalise_email(form.get("email", ""))
        except BadInput:
            return answer(request, Page(N_("That is not an email address"),
                                        (N_("Check the address and try again."),)), 400, form=form)
        chosen = follows(web, lists)
        if chosen is None:
            return answer(request, Page(N_("Those choices are not on the form"), (
                N_("Pick sources from the list and give states as two-letter codes (FL, TX)."),)), 400, form=form)
        # The answer is the same for every address and leaves before any work on it is done: it
        # must not tell who subscribes, by its words or by its time.
        reply = answer(request, Page(N_("Check your inbox"), (
            N_("If the address can receive mail, a confirmation link is on its way. It works for 48 hours."),)),
            form=form)
        reply.background = BackgroundTask(request_and_mail, email, chosen)
        return reply

    def confirm_token(request: Request) -> str:
        return request.query_params.get("token", "")[:512]

    def with_language(request: Request, query: dict[str, str]) -> dict[str, str]:
        """A form's own address keeps the reader's language, so its answer is in it too."""
        language = reader_language(request)
        return {**query, "lang": language} if language != "en" else query

    async def confirm_form(request: Request) -> Response:
        nonce, token = csrf_pair()
        action = "/confirm?" + urlencode(with_language(request, {"token": confirm_token(request)}))
        return with_csrf(request, Page(N_("Confirm your subscription"),
                                       (N_("Press the button to start receiving the digest."),),
                                       Form(action, N_("Confirm"), (("csrf", token),))), nonce)

    async def confirm(request: Request) -> Response:
        form = await read_form(request)
        if not csrf_ok(request, form):
            return answer(request, Page(N_("This form has expired"), (N_("Open the link from the email again."),)),
                          403)
        try:
            payload = confirm_tokens.loads(confirm_token(request), max_age=CONFIRM_MAX_AGE)
        except SignatureExpired:
            return answer(request, Page(N_("This link has expired"), (N_("Subscribe again to get a new one."),)),
                          400)
        except BadSignature:
            return answer(request, Page(N_("This link is not valid"),
                                        (N_("Use the link exactly as the email gives it."),)), 400)
        email = await run_in_threadpool(confirm_subscription, db, str(payload.get("t", "")))
        if email is None:
            return answer(request, Page(N_("This link was already used"),
                                        (N_("The subscription it confirms is settled."),)), 400)
        logger.info("confirmed %s", masked(email))
        return answer(request, Page(N_("Subscribed"), (N_("You will receive the next digest."),)))

    async def unsubscribe_form(request: Request) -> Response:
        action = "/unsubscribe?" + urlencode(with_language(request, {"token": confirm_token(request)}))
        return answer(request, Page(N_("Unsubscribe"), (N_("Unsubscribe from the ddor-watch digest?"),),
                                    Form(action, N_("Unsubscribe"), button_name="List-Unsubscribe",
                                         button_value="One-Click")))

    async def unsubscribe_post(request: Request) -> Response:
        await read_form(request)   # RFC 8058: "List-Unsubscribe=One-Click"; the token is in the URL
        try:
            gone = await run_in_threadpool(unsubscribe, unsub, db, confirm_token(request))
        except BadInput as error:
            return answer(request, Page(N_("Could not unsubscribe"), (str(error),)), 400)
        logger.info("unsubscribed %s", masked(str(gone)))
        return answer(request, Page(N_("You are unsubscribed"), (N_("No more digests will be sent to this address."),)))

    async def health(request: Request) -> Response:
        return PlainTextResponse("ok")

    routes: list[Route | Mount] = [
        Route("/subscribe", subscribe_form, methods=["GET"]), Route("/subscribe", subscribe, methods=["POST"]),
        Route("/confirm", confirm_form, methods=["GET"]), Route("/confirm", confirm, methods=["POST"]),
        Route("/unsubscribe", unsubscribe_form, methods=["GET"]),
        Route("/unsubscribe", unsubscribe_post, methods=["POST"]),
        Route("/healthz", health, methods=["GET"]),
    ]
    if web.site_dir is not None:
        routes.append(Mount("/", SiteFiles(directory=web.site_dir, html=True, check_dir=False)))

    async def too_large(request: Request, error: Exception) -> Response:
        return answer(request, Page(N_("Request too large"), (N_("The form sends less than this."),)), 413,
                      {"Connection": "close"})

    async def too_slow(request: Request, error: Exception) -> Response:
        return answer(request, Page(N_("Request too slow"), (N_("The form did not arrive in time."),)), 408,
                      {"Connection": "close"})

    async def disconnected(request: Request, error: Exception) -> Response:
        logger.info("client %s hung up before sending its form", client(request))
        return Response(status_code=400)    # nobody is there to read it

    handlers: dict[type[Exception] | int, Callable[[Request, Exception], Awaitable[Response]]] = {
        TooLarge: too_large, TooSlow: too_slow, ClientDisconnect: disconnected}
    app = Starlette(routes=routes, exception_handlers=handlers)
    app.add_middleware(SecurityHeaders)
    return app


def mail_sender(smtp: SmtpSettings, folder: Path) -> Mailer:
    """Confirmation mail through SMTP when configured, else as .eml files in `folder`."""

    def send(to: str, subject: str, text: str) -> None:
        mail = EmailMessage()
        mail["Subject"], mail["From"], mail["To"] = subject, smtp.email_from, to
        mail["Date"] = format_datetime(dt.datetime.now(dt.UTC))
        mail["Message-ID"] = make_msgid(domain=sender_domain(smtp.email_from))
        mail.set_content(text)
        if smtp.configured:
            smtp_send(smtp, mail, timeout=CONFIRMATION_SMTP_TIMEOUT)
            return
        folder.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
        (folder / f"{stamp}-{re.sub(r'[^A-Za-z0-9_.-]+', '_', to)[:80]}.eml").write_bytes(bytes(mail))

    return send
