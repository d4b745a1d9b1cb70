"""Email digests through a real SMTP server (aiosmtpd with STARTTLS) on 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import re
import socket
import ssl
from dataclasses import replace
from email import policy
from email.parser import BytesParser
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from conftest import run_ddor
from ddor_watch.db.models import Delivery, MessageRow, Subscriber
from ddor_watch.db.paths import DataDir
from ddor_watch.db.subscribers import add_subscriber
from ddor_watch.monitor.dispatch import deliver
from ddor_watch.publish.outbox import enqueue_report
from publish_support import store_series


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _certificate(folder: Path) -> tuple[Path, Path]:
    import ipaddress

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = dt.datetime.now(dt.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=2))
            .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "smtp.crt", folder / "smtp.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


class Inbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]  # noqa: N802
        if address in self.refuse:
            return "550 5.1.1 mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]  # noqa: N802
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted"


@pytest.fixture
def smtp(tmp_path: Path):  # type: ignore[no-untyped-def]
    cert, key = _certificate(tmp_path)
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox = Inbox()
    port = _free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, tls_context=context, require_starttls=True)
    controller.start()
    inbox.port, inbox.cert, inbox.controller = port, cert, controller  # type: ignore[attr-defined]
    yield inbox
    controller.stop()


@pytest.fixture
def mail_config(config, smtp):  # type: ignore[no-untyped-def]
    return config.with_overrides(publish_enabled=True, smtp_host="127.0.0.1", smtp_port=smtp.port,
                   smtp_security="starttls", smtp_ca_file=str(smtp.cert), unsubscribe_secret="s3cret",
                   public_url="https://ddor.example")


@pytest.fixture
def week2(db, config, data_dir, tmp_path):  # type: ignore[no-untyped-def]
    for address in ("ana@example.org", "ben@example.org"):
        add_subscriber(db, address)
    return store_series(db, data_dir, tmp_path, steps=2)[1]


def _parse(raw: bytes):  # type: ignore[no-untyped-def]
    return BytesParser(policy=policy.default).parsebytes(raw)


def test_each_subscriber_gets_each_digest_once(db, mail_config, smtp, week2) -> None:  # type: ignore[no-untyped-def]
    enqueue_report(mail_config.data, db, week2)
    lines = [str(o) for o in deliver(mail_config, db, "email")]
    again = [str(o) for o in deliver(mail_config, db, "email")]
    assert len(lines) == 2 and again == []
    assert sorted(r[0] for r, _ in smtp.messages) == ["ana@example.org", "ben@example.org"]


def test_digest_is_valid_mime_with_inline_map_and_one_click_headers(db, mail_config, smtp, week2) -> None:  # type: ignore[no-untyped-def]
    enqueue_report(mail_config.data, db, week2)
    [str(o) for o in deliver(mail_config, db, "email")]
    raw = smtp.messages[0][1]
    mail = _parse(raw)
    assert mail.get_content_type() == "multipart/alternative"
    text, related = mail.get_payload()
    assert text.get_content_type() == "text/plain"
    assert related.get_content_type() == "multipart/related"
    html, image = related.get_payload()
    assert html.get_content_type() == "text/html" and image.get_content_type() == "image/png"
    assert image["Content-ID"] == "<map@ddor-watch>" and 'src="cid:map@ddor-watch"' in html.get_content()
    assert image.get_content().startswith(b"\x89PNG")
    body = text.get_content()
    for fact in ("8 declined detainers", "Cook County, IL: 2 declined detainers (p. 1)", "(p. 1)",
                 "SHA-256 of the PDF:", "ICE'S CAVEAT (Section IV)", "12 in the report for Jan 28 – Feb 3, 2017"):
        assert fact in body
    header = re.search(rb"^List-Unsubscribe: (.*)$", raw, re.MULTILINE).group(1)
    assert header.startswith(b"<https://ddor.example/unsubscribe?token=") and b"=?" not in header
    assert mail["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert mail["Message-ID"] and mail["Date"]


def test_unsubscribe_token_round_trips_and_forgeries_are_refused(db, db_url, mail_config, smtp, week2,  # type: ignore[no-untyped-def]
                                                                 data_dir) -> None:
    enqueue_report(mail_config.data, db, week2)
    [str(o) for o in deliver(mail_config, db, "email")]
    mail = _parse(smtp.messages[0][1])
    token = re.search(r"token=([^>\s]+)", mail["List-Unsubscribe"]).group(1)
    env = {"DDOR_UNSUBSCRIBE_SECRET": "s3cret"}
    base = ["--db", db_url, "--data-dir", str(data_dir)]
    tampered = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    refused = run_ddor(*base, "subscribers", "unsubscribe", tampered, env=env)
    assert refused.returncode == 2 and "invalid or altered unsubscribe token" in refused.stderr
    forged = run_ddor(*base, "subscribers", "unsubscribe", token, env={"DDOR_UNSUBSCRIBE_SECRET": "other"})
    assert forged.returncode == 2
    done = run_ddor(*base, "subscribers", "unsubscribe", token, env=env)
    assert done.returncode == 0, done.stderr
    with db.session() as session:
        statuses = {s.email: s.status for s in session.scalars(select(Subscriber))}
    recipient = smtp.messages[0][0][0]
    assert statuses[recipient] == "unsubscribed"
    assert [s for e, s in statuses.items() if e != recipient] == ["active"]


def test_smtp_down_is_retried_later_and_nothing_is_lost(db, mail_config, smtp, week2) -> None:  # type: ignore[no-untyped-def]
    enqueue_report(mail_config.data, db, week2)
    down = mail_config.with_overrides(smtp_port=_free_port())
    lines = [str(o) for o in deliver(down, db, "email")]
    assert all(line.startswith("retry at") for line in lines) and len(lines) == 2
    with db.session() as session:
        assert {d.state for d in session.scalars(select(Delivery))} >= {"pending"}
        session.execute(Delivery.__table__.update().values(next_attempt_at=None))
    lines = [str(o) for o in deliver(mail_config, db, "email")]
    assert len(lines) == 2 and len(smtp.messages) == 2


def test_a_permanent_failure_marks_only_that_delivery_failed(db, mail_config, smtp, week2) -> None:  # type: ignore[no-untyped-def]
    smtp.refuse.add("ana@example.org")
    enqueue_report(mail_config.data, db, week2)
    [str(o) for o in deliver(mail_config, db, "email")]
    with db.session() as session:
        states = {d.recipient: d.state for d in session.scalars(select(Delivery).join(MessageRow).where(
            MessageRow.channel == "email"))}
    assert states == {"ana@example.org": "failed", "ben@example.org": "sent"}


def test_plain_smtp_without_starttls_is_refused_by_a_strict_server(db, mail_config, smtp, week2) -> None:  # type: ignore[no-untyped-def]
    plain = mail_config.with_overrides(smtp_security="none")
    enqueue_report(plain.data, db, week2)
    lines = [str(o) for o in deliver(plain, db, "email")]
    assert smtp.messages == [] and all("530" in line for line in lines)


def test_subscriber_addresses_are_validated(db_url, data_dir) -> None:  # type: ignore[no-untyped-def]
    base = ["--db", db_url, "--data-dir", str(data_dir), "subscribers"]
    bad = run_ddor(*base, "add", "not-an-address")
    assert bad.returncode == 2 and "not a valid email address" in bad.stderr
    assert run_ddor(*base, "add", "Reader@Example.ORG").stdout.strip() == "Reader@example.org subscribed"
    listing = run_ddor(*base, "list", "--format", "csv").stdout
    assert "Reader@example.org,active" in listing


def test_dry_run_writes_eml_files(db, config, week2, data_dir) -> None:  # type: ignore[no-untyped-def]
    enqueue_report(config.data, db, week2)
    [str(o) for o in deliver(config, db, "email")]
    files = sorted((data_dir / "outbox" / "email").glob("*.eml"))
    assert len(files) == 2
    assert _parse(files[0].read_bytes()).get_content_type() == "multipart/alternative"


def test_a_jurisdiction_named_script_is_escaped_in_html(db, mail_config, smtp, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from ddor_watch.monitor.ingest import ingest_path
    from ddor_watch.monitor.samples.series import series
    from ddor_watch.monitor.samples.truth import DeclinedRow
    from factories import render_report

    add_subscriber(db, "ana@example.org")
    store_series(db, data_dir, tmp_path, steps=1)
    _name, truth = series()[1]
    evil = DeclinedRow("TX", "<script>alert(1)</script>", "", None, None, "Mexico", dt.date(2017, 1, 20),
                       dt.date(2017, 2, 5), ("Assault",))
    path = tmp_path / "evil.pdf"
    path.write_bytes(render_report(replace(truth, declined=truth.declined + (evil,)))[0])
    report_id = ingest_path(db, DataDir(data_dir), path).report_id
    enqueue_report(mail_config.data, db, report_id)
    with db.session() as session:
        for message in session.scalars(select(MessageRow)):
            message.status = "ready"   # the unresolved county holds it; release it for this test
    [str(o) for o in deliver(mail_config, db, "email")]
    html = _parse(smtp.messages[0][1]).get_payload()[1].get_payload()[0].get_content()
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


_KILLED_AFTER_SMTP_ACCEPTED = """
import json, os, signal, smtplib, sys
from ddor_watch.db.session import open_database
from ddor_watch.monitor.config import load_config
from ddor_watch.monitor.dispatch import deliver

original = smtplib.SMTP.send_message

def send_then_die(self, *args, **kwargs):
    original(self, *args, **kwargs)        # the server has the message ...
    os.kill(os.getpid(), signal.SIGKILL)   # ... and the publisher dies before recording it

smtplib.SMTP.send_message = send_then_die
settings = load_config(environ=json.loads(sys.argv[1]), read_default_file=False)
deliver(settings, open_database(settings.db_url), "email")
"""


def test_an_email_interrupted_after_data_is_possibly_sent_and_alerted_never_resent(
        db, mail_config, smtp, week2) -> None:  # type: ignore[no-untyped-def]
    import json
    import subprocess
    import sys

    from ddor_watch.db.models import Alert

    enqueue_report(mail_config.data, db, week2)
    env = {"DDOR_DATA_DIR": str(mail_config.data_dir), "DDOR_DATABASE_URL": db.engine.url.render_as_string(False),
           "DDOR_PUBLISH_ENABLED": "true", "DDOR_SMTP_HOST": "127.0.0.1", "DDOR_SMTP_PORT": str(smtp.port),
           "DDOR_SMTP_CA_FILE": str(smtp.cert), "DDOR_UNSUBSCRIBE_SECRET": "s3cret"}
    killed = subprocess.run([sys.executable, "-c", _KILLED_AFTER_SMTP_ACCEPTED, json.dumps(env)],
                            capture_output=True, timeout=120)
    assert killed.returncode == -9, killed.stderr.decode()[-2000:]
    assert len(smtp.messages) == 1
    outcomes = deliver(mail_config, db, "email")
    assert sorted(o.kind for o in outcomes) == ["possibly sent", "sent"]
    assert len(smtp.messages) == 2, "the interrupted one is not sent again; the other goes out once"
    with db.session() as session:
        states = sorted(d.state for d in session.scalars(select(Delivery).join(MessageRow).where(
            MessageRow.channel == "email")))
        assert states == ["possibly_sent", "sent"]
        assert any(a.problem.startswith("delivery-possibly sent:email") for a in session.scalars(select(Alert)))
    assert deliver(mail_config, db, "email") == []


def test_an_email_interrupted_before_data_is_simply_sent(db, mail_config, smtp, week2) -> None:  # type: ignore[no-untyped-def]
    from sqlalchemy import update

    enqueue_report(mail_config.data, db, week2)
    with db.session() as session:   # as a publisher killed while connecting would leave it
        session.execute(update(Delivery).values(state="sending", attempts=1))
    outcomes = deliver(mail_config, db, "email")
    assert [o.kind for o in outcomes] == ["sent", "sent"] and len(smtp.messages) == 2


def test_smtp_login_is_refused_without_tls_to_a_remote_server(db, mail_config, week2) -> None:  # type: ignore[no-untyped-def]
    remote = mail_config.with_overrides(smtp_security="none", smtp_host="smtp.invalid", smtp_username="ddor",
                                        smtp_password="pw")
    enqueue_report(remote.data, db, week2)
    outcomes = deliver(remote, db, "email")
    assert outcomes and all(o.kind == "failed" and "refusing to send the SMTP password unencrypted" in (o.detail or "")
                            for o in outcomes)
