"""`ddor serve`: subscription with double opt-in, confirm, one-click unsubscribe and the site,
through Starlette's test client (abuse cases) and in Chromium against uvicorn on 127.0.0.1."""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from email import policy
from email.parser import BytesParser

import pytest
from site_support import CHROMIUM, serious_violations
from sqlalchemy import select
from starlette.testclient import TestClient
from test_email import smtp  # noqa: F401  (the SMTP server fixture)

from ddor_watch.db.models import Subscriber
from ddor_watch.publish.web import CSRF_COOKIE, WebSettings, create_app

KNOWN_LINK = re.compile(r"(https?://\S+/confirm\?token=\S+)")


class Mailbox:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []

    def __call__(self, to: str, subject: str, text: str) -> None:
        self.sent.append((to, subject, text))

    def link(self, index: int = -1) -> str:
        found = KNOWN_LINK.search(self.sent[index][2])
        assert found
        return found.group(1)


@pytest.fixture
def app(config, db):  # type: ignore[no-untyped-def]
    from ddor_watch.monitor.config import publish_settings

    mailbox = Mailbox()
    clock = {"now": 1000.0}
    web = WebSettings("https://ddor.example", per_ip=(10, 3600.0), per_address=(3, 86400.0))
    application = create_app(web, publish_settings(config).unsubscribe, db, mailbox, clock=lambda: clock["now"])
    return TestClient(application, base_url="https://ddor.example"), mailbox, clock


def _csrf(client: TestClient, path: str = "/subscribe") -> str:
    page = client.get(path)
    assert page.status_code == 200 and CSRF_COOKIE in client.cookies
    found = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert found
    return found.group(1)


def _subscribe(client: TestClient, email: str):  # type: ignore[no-untyped-def]
    return client.post("/subscribe", data={"email": email, "csrf": _csrf(client)})


def _status(db, email: str) -> list[str]:  # type: ignore[no-untyped-def]
    with db.session() as session:
        return [s.status for s in session.scalars(select(Subscriber).where(Subscriber.email.ilike(email)))]


def test_subscribe_confirm_once_and_case_insensitive_addresses(app, db, caplog) -> None:  # type: ignore[no-untyped-def]
    import logging

    caplog.set_level(logging.INFO, logger="ddor_watch.publish.web")
    client, mailbox, _clock = app
    answer = _subscribe(client, "Ana@Example.org")
    assert answer.status_code == 200 and "Check your inbox" in answer.text
    assert _status(db, "ana@example.org") == ["pending"], "nothing is sent before confirmation"
    link = mailbox.link().removeprefix("https://ddor.example")
    confirm_page = client.get(link)
    assert confirm_page.status_code == 200 and "<button" in confirm_page.text
    csrf = re.search(r'name="csrf" value="([^"]+)"', confirm_page.text).group(1)  # type: ignore[union-attr]
    assert client.post(link, data={"csrf": csrf}).status_code == 200
    assert _status(db, "ana@example.org") == ["active"]
    replay = client.post(link, data={"csrf": csrf})
    assert replay.status_code == 400 and "already used" in replay.text
    again = _subscribe(client, "ana@EXAMPLE.org")
    assert again.text == answer.text, "the same answer for a known address"
    assert len(mailbox.sent) == 1 and _status(db, "ana@example.org") == ["active"]
    lines = [r.getMessage() for r in caplog.records if r.name == "ddor_watch.publish.web" and r.levelname == "INFO"]
    assert lines == ["subscribe for A***@example.org: confirmation sent", "confirmed A***@example.org",
                     "subscribe for a***@example.org: already subscribed; nothing sent"], "one line each, masked"
    assert not any("Ana@" in line or "ana@" in line for line in lines)


def test_the_form_chooses_sources_and_states_and_a_confirmed_reader_gets_only_those(config, db) -> None:  # type: ignore[no-untyped-def]
    from ddor_watch.db.outbox_store import active_subscribers
    from ddor_watch.monitor.web_app import web_app

    chosen = config.with_overrides(sources="ddor,ice-287g,doj-list", public_url="https://ddor.example")
    client = TestClient(web_app(chosen, db), base_url="https://ddor.example")
    form = client.get("/subscribe").text
    assert 'value="ice-287g"' in form and "ICE&#39;s 287(g) list" in form and 'name="states"' in form
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
    refused = client.post("/subscribe", data={"email": "x@example.org", "csrf": csrf, "source": "nope"})
    assert refused.status_code == 400
    refused = client.post("/subscribe", data={"email": "x@example.org", "csrf": csrf, "states": "FL, ZZ"})
    assert refused.status_code == 400
    answer = client.post("/subscribe", data={"email": "ana@example.org", "csrf": csrf, "source": ["ice-287g"],
                                             "states": "fl tx"})
    assert answer.status_code == 200
    with db.session() as session:
        subscriber = session.scalar(select(Subscriber).where(Subscriber.email == "ana@example.org"))
        assert subscriber is not None and (subscriber.sources, subscriber.states) == ("ice-287g", "FL,TX")
        subscriber.status = "active"
    assert active_subscribers(db, "ice-287g", {"FL"}) == ["ana@example.org"]
    assert active_subscribers(db, "ice-287g", {"GA"}) == []
    assert active_subscribers(db, "doj-list", {"FL"}) == []
    assert len(list((chosen.data.outbox / "confirmations").iterdir())) == 1, "one confirmation mail"


def test_forged_and_expired_confirmation_links_are_refused(app, db, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import itsdangerous.timed

    client, mailbox, _clock = app
    _subscribe(client, "ben@example.org")
    link = mailbox.link().removeprefix("https://ddor.example")
    csrf = _csrf(client, link)
    forged = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    assert client.post(forged, data={"csrf": csrf}).status_code == 400
    real_time = time.time
    monkeypatch.setattr(itsdangerous.timed.time, "time", lambda: real_time() + 49 * 3600)
    expired = client.post(link, data={"csrf": _csrf(client, link)})
    assert expired.status_code == 400 and "expired" in expired.text
    assert _status(db, "ben@example.org") == ["pending"]


def test_forms_without_the_csrf_token_or_cookie_are_refused(app, db) -> None:  # type: ignore[no-untyped-def]
    client, mailbox, _clock = app
    token = _csrf(client)
    assert client.post("/subscribe", data={"email": "c@example.org"}).status_code == 403
    client.cookies.clear()
    assert client.post("/subscribe", data={"email": "c@example.org", "csrf": token}).status_code == 403
    other = TestClient(client.app, base_url="https://ddor.example")
    other_token = _csrf(other)
    assert client.post("/subscribe", data={"email": "c@example.org", "csrf": other_token}).status_code == 403
    assert mailbox.sent == [] and _status(db, "c@example.org") == []


def test_rate_limits_per_ip_and_per_address(app, db) -> None:  # type: ignore[no-untyped-def]
    client, mailbox, clock = app
    answers = [_subscribe(client, "dee@example.org").text for _ in range(3)]
    fourth = _subscribe(client, "dee@example.org")
    assert fourth.status_code == 200 and fourth.text == answers[0], "no hint that the address is limited"
    assert len(mailbox.sent) == 3, "at most three confirmation mails per address a day"
    codes = [_subscribe(client, f"u{i}@example.org").status_code for i in range(10)]
    assert codes[:6] == [200] * 6 and codes[-1] == 429, "ten requests an hour from one address"
    clock["now"] += 3601
    assert _subscribe(client, "late@example.org").status_code == 200


def test_hostile_input_is_never_reflected_and_large_bodies_are_refused(app, db) -> None:  # type: ignore[no-untyped-def]
    client, mailbox, _clock = app
    xss = '"><script>alert(1)</script>'
    answer = _subscribe(client, f"x{xss}@example.org")
    assert answer.status_code == 400 and "<script>" not in answer.text
    for path in ("/confirm", "/unsubscribe"):
        page = client.get(path, params={"token": xss})
        assert "<script>" not in page.text, "never reflected as markup"
        assert "&lt;script&gt;" in page.text or "%3Cscript%3E" in page.text, "shown escaped, if at all"
    big = client.post("/subscribe", content=b"email=" + b"a" * (1024 * 1024),
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert big.status_code == 413
    headers = client.get("/subscribe").headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"


def test_one_click_unsubscribe_needs_no_cookie_and_a_valid_token(app, db, config) -> None:  # type: ignore[no-untyped-def]
    from ddor_watch.db.subscribers import add_subscriber
    from ddor_watch.monitor.config import publish_settings
    from ddor_watch.publish.unsubscribe import unsubscribe_url

    client, _mailbox, _clock = app
    add_subscriber(db, "eve@example.org")
    url = unsubscribe_url(publish_settings(config).unsubscribe, db, "eve@example.org")
    path = "/unsubscribe?" + url.split("?", 1)[1]
    fresh = TestClient(client.app, base_url="https://ddor.example")
    assert fresh.post(path.replace("token=", "token=x"), content=b"List-Unsubscribe=One-Click",
                      headers={"Content-Type": "application/x-www-form-urlencoded"}).status_code == 400
    done = fresh.post(path, content=b"List-Unsubscribe=One-Click",
                      headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert done.status_code == 200 and _status(db, "eve@example.org") == ["unsubscribed"]


# -- the whole flow in a browser ------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="no Chromium on this machine")
def test_subscribe_confirm_receive_a_digest_and_unsubscribe_in_chromium(  # type: ignore[no-untyped-def]
        db, config, data_dir, tmp_path, smtp) -> None:  # noqa: F811
    import uvicorn
    from playwright.sync_api import sync_playwright

    from ddor_watch.monitor.dispatch import deliver
    from ddor_watch.monitor.site_data import build
    from ddor_watch.monitor.web_app import web_app
    from ddor_watch.publish.outbox import enqueue_report
    from publish_support import store_series

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    settings = config.with_overrides(publish_enabled=True, smtp_host="127.0.0.1", smtp_port=smtp.port,
                                     smtp_security="starttls", smtp_ca_file=str(smtp.cert),
                                     public_url=base, unsubscribe_secret="s3cret")
    report_id = store_series(db, data_dir, tmp_path, steps=2)[1]
    build(settings, db)
    server = uvicorn.Server(uvicorn.Config(web_app(settings, db), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)

    def mails_to(address: str) -> list:  # type: ignore[type-arg]
        return [BytesParser(policy=policy.default).parsebytes(raw) for rcpt, raw in smtp.messages if address in rcpt]

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM)
            page = browser.new_page()
            page.goto(f"{base}/index.html")
            assert "Declined Detainer Outcome Reports" in page.content()
            page.goto(f"{base}/subscribe")
            assert serious_violations(page) == []
            page.get_by_label("Email address").fill("reader@example.org")
            page.get_by_role("button", name="Subscribe").click()
            assert "Check your inbox" in page.content()
            for _ in range(100):
                if mails_to("reader@example.org"):
                    break
                time.sleep(0.05)
            confirmation = mails_to("reader@example.org")[0].get_content()
            page.goto(KNOWN_LINK.search(confirmation).group(1))  # type: ignore[union-attr]
            page.get_by_role("button", name="Confirm").click()
            assert "Subscribed" in page.content()
            browser.close()
        enqueue_report(settings.data, db, report_id)
        assert [o.kind for o in deliver(settings, db, "email")] == ["sent"]
        digest = mails_to("reader@example.org")[-1]
        assert digest["Subject"].startswith("ICE Declined Detainer Outcome Report")
        one_click = digest["List-Unsubscribe"].strip("<>")
        assert one_click.startswith(f"{base}/unsubscribe?token=")
        import httpx

        answer = httpx.post(one_click, content=b"List-Unsubscribe=One-Click",
                            headers={"Content-Type": "application/x-www-form-urlencoded"})
        assert answer.status_code == 200 and _status(db, "reader@example.org") == ["unsubscribed"]
    finally:
        server.should_exit = True
        thread.join(5)


def test_a_spanish_reader_subscribes_confirms_and_unsubscribes_in_spanish(app, db) -> None:  # type: ignore[no-untyped-def]
    client, mailbox, _clock = app
    form = client.get("/subscribe?lang=es")
    assert '<html lang="es">' in form.text and "Suscribirse al resumen" in form.text
    assert 'value="es" checked' in form.text, "the form starts in the reader's language"
    csrf = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)  # type: ignore[union-attr]
    answer = client.post("/subscribe", data={"email": "lucia@example.org", "csrf": csrf, "language": "es"})
    assert answer.status_code == 200 and "Revise su bandeja de entrada" in answer.text
    _to, subject, text = mailbox.sent[-1]
    assert subject == "Confirme su suscripción a ddor-watch" and "Confirme en un plazo de 48 horas" in text
    link = re.search(r"https://ddor.example(/confirm\?\S+)", text).group(1)  # type: ignore[union-attr]
    assert "lang=es" in link
    confirm_page = client.get(link)
    assert "Confirme su suscripción" in confirm_page.text and ">Confirmar</button>" in confirm_page.text
    token = re.search(r'name="csrf" value="([^"]+)"', confirm_page.text).group(1)  # type: ignore[union-attr]
    done = client.post(link, data={"csrf": token})
    assert "Suscripción confirmada" in done.text
    with db.session() as session:
        subscriber = session.scalar(select(Subscriber).where(Subscriber.email == "lucia@example.org"))
        assert subscriber is not None and subscriber.language == "es" and subscriber.status == "active"
        unsubscribe_token = subscriber.token
    assert "¿Cancelar la suscripción" in client.get(f"/unsubscribe?token={unsubscribe_token}&lang=es").text
    refused = client.post("/subscribe", data={"email": "x@example.org", "csrf": _csrf(client), "language": "fr"})
    assert refused.status_code == 400, "a language the form does not offer is refused"
