"""`ddor serve` under abuse, on real sockets on loopback: connections that never finish their
headers, one address holding many, a mail server that hangs, forged X-Forwarded-For, odd
addresses and clients that hang up."""

from __future__ import annotations

import asyncio
import logging
import re
import socket
import threading
from collections.abc import Iterator

import httpx
import pytest
import uvicorn
from sqlalchemy import select

from ddor_watch.db.models import Subscriber
from ddor_watch.publish.web import WebSettings, create_app
from ddor_watch.publish.web_server import client_address, guarded_protocol, parse_networks


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def served(config, db) -> Iterator[tuple[str, threading.Event, list[str]]]:  # type: ignore[no-untyped-def]
    """The app under uvicorn with the guarded protocol (1 s for headers, 5 connections an
    address), on 127.0.0.1; its mailer blocks until the test releases it."""
    from ddor_watch.monitor.config import publish_settings

    release, sent = threading.Event(), []

    def slow_mailer(to: str, subject: str, text: str) -> None:
        release.wait(30)
        sent.append(to)

    web = WebSettings("http://127.0.0.1", trusted=parse_networks(["127.0.0.9"]))
    app = create_app(web, publish_settings(config).unsubscribe, db, slow_mailer)
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, http=guarded_protocol(1.0, 5, ()),
                                          log_level="warning", proxy_headers=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        threading.Event().wait(0.02)
    try:
        yield f"http://127.0.0.1:{port}", release, sent
    finally:
        release.set()
        server.should_exit = True
        thread.join(10)


def _partial(port: int, source: str) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10, source_address=(source, 0))
    sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: ")   # and never the rest
    return sock


def _closed_by_server(sock: socket.socket) -> bool:
    """True once the server has closed the connection (an end of stream or a reset); False when
    it still holds it after the socket's timeout."""
    try:
        while sock.recv(1024):
            pass
        return True
    except ConnectionResetError:
        return True
    except TimeoutError:
        return False


def test_connections_that_never_finish_their_headers_are_capped_and_closed(served) -> None:  # type: ignore[no-untyped-def]
    base, _release, _sent = served
    port = int(base.rsplit(":", 1)[1])
    slow = [_partial(port, "127.0.0.2") for _ in range(40)]
    # Another address is served at once, whatever the first holds.
    assert httpx.get(f"{base}/healthz", timeout=10).text == "ok"
    # Every one of them ends: 35 refused at once (over the cap of 5), 5 closed after 1 s without headers.
    assert all(_closed_by_server(sock) for sock in slow)
    for sock in slow:
        sock.close()


def test_a_hanging_mail_server_stalls_no_request_and_the_answer_leaves_first(served, db) -> None:  # type: ignore[no-untyped-def]
    base, release, sent = served
    with httpx.Client(base_url=base, timeout=10) as client:
        form = client.get("/subscribe").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)  # type: ignore[union-attr]
        answer = client.post("/subscribe", data={"email": "new@example.org", "csrf": csrf})
        assert answer.status_code == 200 and "Check your inbox" in answer.text
        assert sent == [], "the answer came back while the mail server still hangs"
        assert client.get("/healthz").text == "ok", "and other requests are served meanwhile"
    release.set()
    for _ in range(100):
        if sent:
            break
        threading.Event().wait(0.05)
    assert sent == ["new@example.org"]


def test_x_forwarded_for_counts_only_from_trusted_proxies() -> None:
    trusted = parse_networks(["10.0.0.0/8", "127.0.0.1"])
    assert client_address("203.0.113.5", "1.2.3.4", trusted) == "203.0.113.5", "a forged header from a client"
    assert client_address("127.0.0.1", "198.51.100.7", trusted) == "198.51.100.7"
    assert client_address("10.1.2.3", "198.51.100.7, 10.0.0.8", trusted) == "198.51.100.7", "two proxies"
    assert client_address("127.0.0.1", "9.9.9.9, 198.51.100.7", trusted) == "198.51.100.7", \
        "a client cannot rotate its address by prepending to the header"
    assert client_address("127.0.0.1", "1.2.3.4", ()) == "127.0.0.1", "no proxy trusted by default"
    with pytest.raises(ValueError):
        parse_networks(["not-an-address"])


def test_the_rate_limit_is_per_forwarded_client_behind_a_trusted_proxy(config, db) -> None:  # type: ignore[no-untyped-def]
    from starlette.testclient import TestClient

    from ddor_watch.monitor.config import publish_settings

    web = WebSettings("https://ddor.example", per_ip=(2, 3600.0), trusted=parse_networks(["127.0.0.1"]))
    app = create_app(web, publish_settings(config).unsubscribe, db, lambda *args: None)

    def post(client: TestClient, forwarded: str) -> int:
        csrf = re.search(r'name="csrf" value="([^"]+)"', client.get("/subscribe").text).group(1)  # type: ignore[union-attr]
        return client.post("/subscribe", data={"email": "a@example.org", "csrf": csrf},
                           headers={"X-Forwarded-For": forwarded}).status_code

    # TestClient's peer is "testclient", not a trusted proxy: its header is ignored, one bucket.
    with TestClient(app, base_url="https://ddor.example") as client:
        assert [post(client, f"198.51.100.{n}") for n in range(3)] == [200, 200, 429]


def test_addresses_are_checked_by_rfc_lengths_and_idna(config, db) -> None:  # type: ignore[no-untyped-def]
    from ddor_watch.db.errors import BadInput
    from ddor_watch.db.subscribers import normalise_email, request_subscription

    with pytest.raises(BadInput, match="too long"):
        normalise_email("x" * 240 + "@example.org")
    assert normalise_email("ana@bücher.de") == "ana@xn--bcher-kva.de"
    request_subscription(db, "ana@bücher.de")
    request_subscription(db, "ana@xn--bcher-kva.de")
    with db.session() as session:
        assert [s.email for s in session.scalars(select(Subscriber))] == ["ana@xn--bcher-kva.de"], \
            "the IDN and its punycode are one subscriber"


def test_a_client_that_hangs_up_mid_form_is_one_info_line(config, db, caplog) -> None:  # type: ignore[no-untyped-def]
    from ddor_watch.monitor.config import publish_settings

    app = create_app(WebSettings("https://ddor.example"), publish_settings(config).unsubscribe, db,
                     lambda *args: None)
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "POST", "scheme": "https",
             "path": "/subscribe", "raw_path": b"/subscribe", "query_string": b"", "root_path": "",
             "headers": [(b"host", b"ddor.example"), (b"content-type", b"application/x-www-form-urlencoded"),
                         (b"content-length", b"100")], "client": ("198.51.100.1", 5000), "server": ("x", 443)}
    messages = iter([{"type": "http.request", "body": b"email=a%40", "more_body": True},
                     {"type": "http.disconnect"}])

    async def receive() -> dict[str, object]:
        return next(messages)

    async def send(message: dict[str, object]) -> None:
        return None

    with caplog.at_level(logging.INFO):
        asyncio.run(app(scope, receive, send))
    lines = [r for r in caplog.records if "hung up" in r.getMessage()]
    assert len(lines) == 1 and lines[0].levelno == logging.INFO
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR]


def test_the_deploy_files_agree_on_every_path_and_trust_only_their_proxy() -> None:
    from pathlib import Path

    from ddor_watch.monitor.config import load_config

    deploy = Path(__file__).resolve().parents[1] / "deploy"
    env = dict(line.split("=", 1) for line in (deploy / "ddor.env.example").read_text().splitlines()
               if line and not line.startswith("#"))
    settings = load_config(environ=env, read_default_file=False)
    caddy = (deploy / "Caddyfile").read_text()
    root = re.search(r"root \* (\S+)", caddy).group(1)  # type: ignore[union-attr]
    assert Path(root) == settings.site_folder, "Caddy serves the folder `ddor check` rebuilds"
    upstream = re.search(r"reverse_proxy (\S+)", caddy).group(1)  # type: ignore[union-attr]
    for unit in ("ddor-watch.service", "ddor-watch-web.service"):
        text = (deploy / unit).read_text()
        assert "EnvironmentFile=/etc/ddor-watch/ddor.env" in text
        assert f"WorkingDirectory={env['DDOR_DATA_DIR']}" in text
    web_unit = (deploy / "ddor-watch-web.service").read_text()
    assert f"--host {upstream.split(':')[0]} --port {upstream.split(':')[1]}" in web_unit
    assert client_address(upstream.split(":")[0], "198.51.100.7", parse_networks(settings.trusted_proxies)) \
        == "198.51.100.7", "the app believes the proxy the Caddyfile puts in front of it"
    dockerfile = (deploy / "Dockerfile").read_text()
    assert "[test" not in dockerfile and "tests/" not in dockerfile, "production installs no test extras or tests"
    steps = (deploy / "README.md").read_text()
    assert "make install-prod" in steps and "make install " not in steps and "make install\n" not in steps
    makefile = (deploy.parent / "Makefile").read_text()
    recipe = makefile.split("install-prod:", 1)[1].split("\n\n", 1)[0]
    assert "[test" not in recipe and "-e " not in recipe, "the production recipe installs no test extras"
