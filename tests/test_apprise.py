"""The Apprise channel through the real Apprise library to a webhook receiver on 127.0.0.1:
each configured URL is one target, each part one notification with the exact text of the
post, at most once across a crash, and nothing of the URLs (their tokens) written anywhere."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from sqlalchemy import select

from ddor_watch.db.models import Delivery, MessageRow
from ddor_watch.db.records import ChannelName
from ddor_watch.monitor.dispatch import deliver, enqueue
from publish_support import store_series


class Receiver:
    """A webhook receiver: records each JSON body; answers `status` (200 by default)."""

    def __init__(self) -> None:
        self.bodies: list[tuple[str, dict[str, object]]] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length", "0"))
                receiver.bodies.append((self.path, json.loads(self.rfile.read(length))))
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, format: str, *args: object) -> None:  # noqa: A002
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.server.shutdown()


def _live(config, receiver: Receiver):  # type: ignore[no-untyped-def]
    urls = f"json://127.0.0.1:{receiver.port}/room-a?token=s3cret json://127.0.0.1:{receiver.port}/room-b"
    return config.with_overrides(publish_enabled=True, apprise_urls=urls)


def test_each_target_gets_each_part_once_with_the_posts_text_and_the_map(config, db, data_dir, tmp_path,  # type: ignore[no-untyped-def]
                                                                          receiver) -> None:
    settings = _live(config, receiver)
    ids = store_series(db, data_dir, tmp_path, steps=2)
    enqueue(settings, db, ids[1])
    outcomes = deliver(settings, db, only=ChannelName.APPRISE)
    assert [str(o.kind) for o in outcomes] == ["sent", "sent"]
    with db.session() as session:
        message = session.scalar(select(MessageRow).where(MessageRow.channel == "apprise"))
        assert message is not None
        parts, subject = list(message.parts), message.subject
    assert subject is not None and "Feb 4 – 10, 2017" in subject, "the digest's subject is the title"
    for room in ("/room-a", "/room-b"):
        bodies = [body for path, body in receiver.bodies if path.startswith(room)]
        assert [body["message"] for body in bodies] == parts, "every part, in order, as posted"
        assert bodies[0]["title"] == subject and all(body["title"] == "" for body in bodies[1:])
        assert len(bodies[0].get("attachments", [])) == 1, "the map goes with the first part"
    again = deliver(settings, db, only=ChannelName.APPRISE)
    assert again == [] and len(receiver.bodies) == 2 * len(parts), "nothing twice"


def test_a_refusing_target_is_retried_and_an_interrupted_one_is_never_resent(config, db, data_dir, tmp_path,  # type: ignore[no-untyped-def]
                                                                             receiver) -> None:
    settings = _live(config, receiver).with_overrides(apprise_urls=f"json://127.0.0.1:{receiver.port}/room-a")
    ids = store_series(db, data_dir, tmp_path, steps=2)
    enqueue(settings, db, ids[1])
    receiver.status = 500
    assert [str(o.kind) for o in deliver(settings, db, only=ChannelName.APPRISE)] == ["retry"]
    with db.session() as session:
        delivery = session.scalar(select(Delivery).join(MessageRow).where(MessageRow.channel == "apprise"))
        assert delivery is not None and not any(p.startswith("sending:") for p in delivery.remote_parts or [])
        # Now a crash while a part was being handed over: the attempt is on record, the answer is not.
        delivery.state, delivery.remote_parts, delivery.next_attempt_at = "sending", ["sending:0"], None
    receiver.status = 200
    before = len(receiver.bodies)
    outcomes = deliver(settings, db, only=ChannelName.APPRISE)
    assert [str(o.kind) for o in outcomes] == ["possibly sent"]
    assert len(receiver.bodies) == before, "at most once: never resent"


def test_the_dry_run_writes_each_notification_without_the_urls_tokens(config, db, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    settings = config.with_overrides(apprise_urls="json://127.0.0.1:9/hook?token=s3cret discord://123/s3cret")
    ids = store_series(db, data_dir, tmp_path, steps=2)
    enqueue(settings, db, ids[1])
    deliver(settings, db, only=ChannelName.APPRISE, dry_run=True)
    written = sorted((data_dir / "outbox" / "apprise").glob("*.json"))
    assert len(written) == 2
    text = "".join(path.read_text() for path in written)
    assert "s3cret" not in text and "json://127.0.0.1" in text and "discord://***" in text
    plan = json.loads(written[0].read_text())
    assert plan["requests"][0]["body"]["message"].startswith("ICE's Declined Detainer Outcome Report")
