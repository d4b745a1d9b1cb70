"""Publishing: the real client libraries against local fakes, asserting the exact requests."""

from __future__ import annotations

import datetime as dt
import json
import shutil
import time
from pathlib import Path

import pytest
import responses
from sqlalchemy import select

from ddor_watch.db.models import Alert, Delivery, MessageRow
from ddor_watch.db.outbox_store import set_message_status
from ddor_watch.db.paths import DataDir
from ddor_watch.monitor.dispatch import deliver, publish_new_reports
from ddor_watch.publish.channels.plan import MEDIA_ID, part_id
from ddor_watch.publish.common import LENGTH, LIMITS
from ddor_watch.publish.outbox import enqueue_report
from publish_support import X_KEYS, FakePds, live, planned_body, request_body, store_series, with_placeholders

X_API, X_TWEETS = "https://api.x.com", "https://api.twitter.com/2/tweets"


@pytest.fixture
def week2(db, config, data_dir, tmp_path):  # type: ignore[no-untyped-def]
    ids = store_series(db, data_dir, tmp_path, steps=2)
    return ids[1]


def _deliveries(db, channel: str):  # type: ignore[no-untyped-def]
    with db.session() as session:
        return list(session.execute(select(Delivery.state, Delivery.remote_id, Delivery.note, Delivery.last_error,
                                           Delivery.next_attempt_at, Delivery.attempts)
                                    .join(MessageRow, MessageRow.id == Delivery.message_id)
                                    .where(MessageRow.channel == channel)))


def _x_fakes(rsps: responses.RequestsMock, tweet_status: int = 200, body: dict | None = None,
             headers: dict | None = None) -> list[dict]:
    posted: list[dict] = []

    def create(request):  # type: ignore[no-untyped-def]
        payload = json.loads(request.body)
        posted.append(payload)
        if tweet_status != 200:
            return tweet_status, headers or {}, json.dumps(body or {})
        return 201, {}, json.dumps({"data": {"id": str(900 + len(posted)), "text": payload["text"]}})

    rsps.add(responses.POST, f"{X_API}/2/media/upload", json={"data": {"id": "555", "media_key": "3_555"}})
    rsps.add(responses.POST, f"{X_API}/2/media/metadata", json={"data": {"associated_metadata": True}})
    rsps.add_callback(responses.POST, X_TWEETS, callback=create)
    return posted


def test_x_uploads_the_map_over_v2_sets_alt_text_then_threads(db, config, week2) -> None:  # type: ignore[no-untyped-def]
    config = live(config, **X_KEYS)
    enqueue_report(config.data, db, week2)
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        posted = _x_fakes(rsps)
        lines = [str(o) for o in deliver(config, db, "x")]
        upload, metadata = rsps.calls[0].request, rsps.calls[1].request
    assert lines == ["sent: x report 2 report"]
    assert upload.headers["Authorization"].startswith("OAuth ")
    assert b'name="media_category"' in upload.body and b"tweet_image" in upload.body
    assert b"\x89PNG" in upload.body
    alt = json.loads(metadata.body)
    assert alt["id"] == "555" and alt["metadata"]["alt_text"]["text"].startswith("Map of US counties")
    assert posted[0]["media"] == {"media_ids": ["555"]}
    assert "Source: https://www.ice.gov/doclib/ddor/ddor2017_02-04to02-10.pdf" in posted[0]["text"]
    for previous, reply in zip(posted, posted[1:], strict=False):
        assert "media" not in reply
        assert reply["reply"]["in_reply_to_tweet_id"] == str(900 + posted.index(previous) + 1)
    assert all(LENGTH["x"](p["text"]) <= 280 for p in posted)
    assert _deliveries(db, "x")[0][:2] == ("sent", "901")


def test_rerunning_publish_sends_nothing_new(db, config, week2) -> None:  # type: ignore[no-untyped-def]
    config = live(config, **X_KEYS)
    enqueue_report(config.data, db, week2)
    with responses.RequestsMock() as rsps:
        _x_fakes(rsps)
        [str(o) for o in deliver(config, db, "x")]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        assert [str(o) for o in deliver(config, db, "x")] == []
        assert len(rsps.calls) == 0
    assert enqueue_report(config.data, db, week2).channels == ()


def test_x_media_failure_posts_text_only_and_says_why(db, config, week2) -> None:  # type: ignore[no-untyped-def]
    config = live(config, **X_KEYS)
    enqueue_report(config.data, db, week2)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.POST, f"{X_API}/2/media/upload", status=503, body="unavailable")
        posted = []
        rsps.add_callback(responses.POST, X_TWEETS, callback=lambda r: (
            posted.append(json.loads(r.body)) or (201, {}, json.dumps({"data": {"id": str(len(posted)), "text": ""}}))))
        [str(o) for o in deliver(config, db, "x")]
    assert "media" not in posted[0]
    state, _remote, note, *_ = _deliveries(db, "x")[0]
    assert state == "sent" and note.startswith("media upload failed, posted text-only")


def test_x_429_waits_until_the_stated_reset(db, config, week2) -> None:  # type: ignore[no-untyped-def]
    config = live(config, **X_KEYS)
    enqueue_report(config.data, db, week2)
    reset = int(time.time()) + 3600
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        _x_fakes(rsps, 429, {"title": "Too Many Requests"},
                 {"x-rate-limit-remaining": "5", "x-rate-limit-reset": str(reset - 3000),
                  "x-user-limit-24hour-remaining": "0", "x-user-limit-24hour-reset": str(reset)})
        lines = [str(o) for o in deliver(config, db, "x")]
    state, _r, _n, error, next_at, attempts = _deliveries(db, "x")[0]
    assert state == "pending" and "429" in error and attempts == 1
    assert abs(next_at.replace(tzinfo=dt.UTC).timestamp() - reset) < 2
    assert lines[0].startswith("retry at")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        assert [str(o) for o in deliver(config, db, "x")] == []  # not due yet


def test_x_duplicate_content_counts_as_posted(db, config, week2) -> None:  # type: ignore[no-untyped-def]
    config = live(config, **X_KEYS)
    enqueue_report(config.data, db, week2)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        _x_fakes(rsps, 403, {"detail": "You are not allowed to create a Tweet with duplicate content.",
                             "title": "Forbidden", "status": 403})
        [str(o) for o in deliver(config, db, "x")]
    assert _deliveries(db, "x")[0][0] == "duplicate"


def test_x_401_fails_with_a_reason_and_alerts(db, config, week2) -> None:  # type: ignore[no-untyped-def]
    config = live(config, **X_KEYS)
    enqueue_report(config.data, db, week2)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        _x_fakes(rsps, 401, {"title": "Unauthorized", "detail": "Unauthorized", "status": 401})
        [str(o) for o in deliver(config, db, "x")]
    state, _r, _n, error, *_ = _deliveries(db, "x")[0]
    assert state == "failed" and "not allowed (401)" in error
    with db.session() as session:
        assert any(a.problem.startswith("delivery-failed:x") for a in session.scalars(select(Alert)))


def _interrupted(db, channel: str) -> str:  # type: ignore[no-untyped-def]
    """Leave the channel's delivery as a crash would: claimed, sent or not, nothing recorded.
    Returns the text of its first part."""
    with db.session() as session:
        message = session.scalar(select(MessageRow).where(MessageRow.channel == channel))
        delivery = session.scalar(select(Delivery).where(Delivery.message_id == message.id))
        delivery.state, delivery.attempts = "sending", 1
        return message.parts[0]


def test_x_crash_after_send_does_not_double_post(db, config, week2) -> None:  # type: ignore[no-untyped-def]
    """The first part reached X, then the process died before recording it."""
    config = live(config, **X_KEYS)
    enqueue_report(config.data, db, week2)
    first = _interrupted(db, "x")
    shortened = first.replace("https://www.ice.gov/doclib/ddor/ddor2017_02-04to02-10.pdf", "https://t.co/abc")
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.GET, "https://api.twitter.com/2/users/me", json={"data": {"id": "42", "name": "b",
                                                                                       "username": "ddor"}})
        rsps.add(responses.GET, "https://api.twitter.com/2/users/42/tweets",
                 json={"data": [{"id": "777", "text": shortened, "edit_history_tweet_ids": ["777"]}]})
        posted = _x_fakes(rsps)
        [str(o) for o in deliver(config, db, "x")]
    assert all(p["text"] != first for p in posted), "the first part must not be posted again"
    assert posted[0]["reply"]["in_reply_to_tweet_id"] == "777"
    assert _deliveries(db, "x")[0][:2] == ("sent", "777")


def _mastodon_fakes(rsps: responses.RequestsMock, base: str, status) -> None:  # type: ignore[no-untyped-def]
    """An instance that answers its version, takes the media (id m1) and hands statuses to `status`."""
    rsps.add(responses.GET, f"{base}/api/v1/instance/", json={"uri": "social.example", "version": "4.3.0"})
    rsps.add(responses.GET, f"{base}/api/v2/instance/", json={"domain": "social.example", "version": "4.3.0",
                                                             "api_versions": {"mastodon": 2}})
    rsps.add(responses.POST, f"{base}/api/v2/media", json={"id": "m1", "type": "image", "url": f"{base}/m1.png"})
    rsps.add_callback(responses.POST, f"{base}/api/v1/statuses", callback=status)


def test_mastodon_posts_image_with_description_and_idempotency_keys(db, config, week2) -> None:  # type: ignore[no-untyped-def]
    base = "https://social.example"
    config = live(config, mastodon_base_url=base, mastodon_access_token="tok")
    enqueue_report(config.data, db, week2)
    statuses: list[tuple[dict, str]] = []

    def status(request):  # type: ignore[no-untyped-def]
        from urllib.parse import parse_qs

        body = json.loads(request.body) if request.body and request.body[:1] in (b"{", "{") else \
            {k: v[0] for k, v in parse_qs(request.body).items()}
        statuses.append((body, request.headers.get("Idempotency-Key")))
        return 200, {}, json.dumps({"id": str(100 + len(statuses)), "content": body.get("status", "")})

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        _mastodon_fakes(rsps, base, status)
        [str(o) for o in deliver(config, db, "mastodon")]
        media = next(c.request for c in rsps.calls if c.request.url.startswith(f"{base}/api/v2/media"))
    assert "description=Map+of+US+counties" in media.url or b"Map of US counties" in (media.body or b"")
    assert statuses[0][0]["media_ids[]"] == "m1"
    keys = [key for _, key in statuses]
    assert len(set(keys)) == len(keys) and keys[0].endswith("-0")
    assert statuses[1][0]["in_reply_to_id"] in ("101", 101)
    assert all(LENGTH["mastodon"](body["status"]) <= LIMITS["mastodon"] for body, _ in statuses)


def test_bluesky_posts_with_link_facets_image_alt_and_resumes_by_record_key(db, config, week2) -> None:  # type: ignore[no-untyped-def]
    pds = FakePds()
    try:
        config = live(config, bluesky_base_url=pds.url, bluesky_handle="ddor.test", bluesky_app_password="app-pw")
        enqueue_report(config.data, db, week2)
        pds.fail_create = None
        # Fail after the first post reached the server: the retry must not post it twice.
        original = pds.server.RequestHandlerClass.do_POST
        calls = {"n": 0}

        def flaky(handler) -> None:  # type: ignore[no-untyped-def]
            if handler.path.endswith("createRecord"):
                calls["n"] += 1
                if calls["n"] == 2:
                    pds.fail_create = 1
            original(handler)

        pds.server.RequestHandlerClass.do_POST = flaky
        first = [str(o) for o in deliver(config, db, "bluesky")]
        assert first[0].startswith("retry at")
        with db.session() as session:
            session.execute(Delivery.__table__.update().values(next_attempt_at=None))
        second = [str(o) for o in deliver(config, db, "bluesky")]
        assert second == ["sent: bluesky report 2 report"]
        posts = list(pds.records.values())
        texts = [p["record"]["text"] for p in posts]
        assert len(texts) == len(set(texts)), "no part posted twice"
        head = posts[0]["record"]
        link = head["facets"][0]
        url = "https://www.ice.gov/doclib/ddor/ddor2017_02-04to02-10.pdf"
        shown = "ice.gov/doclib/ddor/ddor2017_02-04to02-10.pdf"
        start = len(head["text"][: head["text"].index(shown)].encode())
        assert (link["index"]["byteStart"], link["index"]["byteEnd"]) == (start, start + len(shown))
        assert link["features"][0]["uri"] == url
        image = head["embed"]["images"][0]
        assert image["alt"].startswith("Map of US counties")
        assert (image["aspectRatio"]["width"], image["aspectRatio"]["height"]) == (1600, 1000)
        assert posts[1]["record"]["reply"]["parent"]["uri"] == posts[0]["uri"]
        assert all(LENGTH["bluesky"](t) <= 300 for t in texts)
        assert pds.sessions == 1, "the login session is reused"
    finally:
        pds.close()


def test_without_credentials_or_switch_everything_is_a_dry_run(db, config, week2, data_dir: Path) -> None:  # type: ignore[no-untyped-def]
    config = config.with_overrides(**X_KEYS)  # credentials but no enable switch
    lines = publish_new_reports(config, db, [week2])
    assert all(line.startswith(("queued", "dry run")) for line in lines)
    for channel in ("x", "mastodon", "bluesky"):
        folder = data_dir / "outbox" / channel
        text = (folder / "report-2-report.txt").read_text()
        request = json.loads((folder / "report-2-report.json").read_text())
        assert (folder / "report-2-report.png").read_bytes().startswith(b"\x89PNG")
        bodies = [r["body"] for r in request["requests"]]
        texts = [b.get("text") or b.get("status") or b.get("record", {}).get("text") for b in bodies]
        assert [t for t in texts if t] == text.rstrip("\n").split("\n\n---\n\n")
    assert {s for s, *_ in _deliveries(db, "x")} == {"dry_run"}


def test_dry_run_writes_exactly_what_a_live_run_sends(db, config, week2, data_dir) -> None:  # type: ignore[no-untyped-def]
    enqueue_report(config.data, db, week2)
    from click.testing import CliRunner

    from ddor_watch.monitor.cli import cli

    result = CliRunner().invoke(cli, ["--db", str(db.engine.url), "--data-dir", str(data_dir),
                                      "publish", "--dry-run", "--channel", "x"])
    assert result.exit_code == 0, result.output
    dry = json.loads((data_dir / "outbox" / "x" / "report-2-report.json").read_text())
    assert {s for s, *_ in _deliveries(db, "x")} == {"pending"}, "a preview changes nothing"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        posted = _x_fakes(rsps)
        deliver(live(config, **X_KEYS), db, "x")
    assert [p["text"] for p in posted] == [r["body"]["text"] for r in dry["requests"] if "text" in r["body"]]


def test_reports_with_parse_warnings_are_held_until_approved(db, config, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace as dc_replace

    from ddor_watch.monitor.ingest import ingest_path
    from ddor_watch.monitor.samples.series import series
    from factories import render_report

    store_series(db, data_dir, tmp_path, steps=1)
    name, truth = series()[1]
    broken = dc_replace(truth, declined=truth.declined + (dc_replace(truth.declined[0],
                                                                     declined=dt.date(2016, 1, 1)),))
    path = tmp_path / name
    path.write_bytes(render_report(broken)[0])
    report_id = ingest_path(db, DataDir(data_dir), path).report_id
    lines = publish_new_reports(config, db, [report_id])
    assert "held" in lines[0] and "outside the reporting period" in lines[0]
    assert not (data_dir / "outbox" / "x").exists()
    with db.session() as session:
        held = [m.id for m in session.scalars(select(MessageRow).where(MessageRow.status == "held"))]
        assert any(a.problem == f"held:{report_id}" for a in session.scalars(select(Alert)))
    set_message_status(db, held[0], "ready")
    set_message_status(db, held[1], "rejected")
    lines = [str(o) for o in deliver(config, db)]
    assert len(lines) == 1


def test_first_report_and_backfill_stay_silent(db, config, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    ids = store_series(db, data_dir, tmp_path, steps=1)
    lines = publish_new_reports(config, db, ids)
    assert "silent" in lines[0] and len(lines) == 1


def test_mastodon_resume_finds_the_status_that_got_through(db, config, week2) -> None:  # type: ignore[no-untyped-def]
    base = "https://social.example"
    config = live(config, mastodon_base_url=base, mastodon_access_token="tok")
    enqueue_report(config.data, db, week2)
    first = _interrupted(db, "mastodon")
    html = "<p>" + "<br />".join(first.replace("&", "&amp;").replace("'", "&#39;").splitlines()) + "</p>"
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        rsps.add(responses.GET, f"{base}/api/v1/accounts/verify_credentials", json={"id": "7", "username": "ddor"})
        rsps.add(responses.GET, f"{base}/api/v1/accounts/7/statuses", json=[{"id": "555", "content": html}])
        posted = []
        rsps.add_callback(responses.POST, f"{base}/api/v1/statuses", callback=lambda r: (
            posted.append(r.body) or (200, {}, json.dumps({"id": str(600 + len(posted)), "content": ""}))))
        [str(o) for o in deliver(config, db, "mastodon")]
    assert posted, "the continuations still go out"
    assert not any("Declined+Detainer+Outcome+Report+for" in str(body) for body in posted)
    assert _deliveries(db, "mastodon")[0][:2] == ("sent", "555")


def test_a_later_cycle_retries_due_deliveries_without_a_new_report(db, config, week2) -> None:  # type: ignore[no-untyped-def]
    config = live(config, **X_KEYS)
    enqueue_report(config.data, db, week2)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        _x_fakes(rsps, 503, {"title": "Service Unavailable"})
        assert [str(o) for o in deliver(config, db, "x")][0].startswith("retry at")
    with db.session() as session:
        session.execute(Delivery.__table__.update().values(next_attempt_at=None))
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        _x_fakes(rsps)
        lines = publish_new_reports(config, db, [])   # what a cycle with nothing new does
    assert "sent: x report 2 report" in lines


HOSTILE = "Write to @elonmusk or @user@instance.social, see https://evil.example/phish and evil.com #hashtag"


def test_document_text_never_mentions_tags_or_links_on_any_channel(db, config, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Section III and IV text reaches posts made inert; the report is held first; a "$" in a
    place name does not break the map; Bluesky gets a facet for the source link only."""
    from dataclasses import replace as dc_replace

    from ddor_watch.monitor.ingest import ingest_path
    from ddor_watch.monitor.samples.series import series
    from factories import render_report

    store_series(db, data_dir, tmp_path, steps=1)
    name, truth = series()[1]
    dollar = dc_replace(truth.declined[0], county="Cash $$ County", fips="")
    hostile = dc_replace(truth, caveat=HOSTILE, declined=(dollar, *truth.declined[1:]),
                         policies=(dc_replace(truth.policies[0], policy_type="Policy #sanctuary @ICEgov"),
                                   *truth.policies[1:]))
    path = tmp_path / name
    path.write_bytes(render_report(hostile)[0])
    report_id = ingest_path(db, DataDir(data_dir), path, url=f"https://www.ice.gov/doclib/ddor/{name}").report_id
    lines = publish_new_reports(config, db, [report_id])
    assert "held" in lines[0] and "read as a mention, hashtag or link" in lines[0]
    with db.session() as session:
        messages = list(session.scalars(select(MessageRow).where(MessageRow.report_id == report_id)))
        assert all(m.image_path for m in messages), "the $ name did not break the map"
    for message in messages:
        set_message_status(db, message.id, "ready")
    pds = FakePds()
    try:
        live_config = live(config, bluesky_base_url=pds.url, bluesky_handle="ddor.test",
                           bluesky_app_password="app-pw", **X_KEYS)
        with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
            posted = _x_fakes(rsps)
            outcomes = deliver(live_config, db)
        records = [p["record"] for p in pds.records.values()]
    finally:
        pds.close()
    assert {o.kind for o in outcomes} >= {"sent"} and posted and records
    texts = [p["text"] for p in posted] + [r["text"] for r in records]
    digest = next(m.parts for m in messages if m.channel == "email")
    joined = "\n".join([*texts, *digest])
    assert "[at]elonmusk" in "\n".join(digest), "the caveat is quoted in the digest, made inert"
    for live_text in ("@elonmusk", "@user@instance", "https://evil", "evil.com", "#hashtag", "#sanctuary", "@ICEgov"):
        assert live_text not in joined, live_text
    source = f"https://www.ice.gov/doclib/ddor/{name}"
    facet_uris = {f["features"][0]["uri"] for r in records for f in r.get("facets") or []}
    assert facet_uris <= {source}
    emails = list((data_dir / "outbox" / "email").glob("*.eml"))
    assert all("https://evil" not in p.read_text() for p in emails)


def test_debug_logging_never_shows_a_credential(db, config, week2, capsys) -> None:  # type: ignore[no-untyped-def]
    """oauthlib logs the consumer key and token in its signature base string at DEBUG."""
    import logging

    from ddor_watch.monitor.config import secret_values
    from ddor_watch.monitor.logs import forget_in_logs, setup_logging

    keys = dict(x_consumer_key="ck-visible-key", x_consumer_secret="cs-visible-secret",
                x_access_token="at-visible-token", x_access_token_secret="ats-visible-secret")
    settings = live(config, **keys)
    setup_logging("text", logging.DEBUG)
    forget_in_logs(secret_values(settings))
    logging.getLogger("ddor_watch.test").debug("configured with %s", keys["x_consumer_key"])
    enqueue_report(settings.data, db, week2)
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        _x_fakes(rsps)
        assert [o.kind for o in deliver(settings, db, "x")] == ["sent"]
    logged = capsys.readouterr().err
    assert "configured with ****" in logged
    for value in keys.values():
        assert value not in logged


def test_the_outbox_works_from_any_folder_and_a_missing_map_is_an_alerted_failure(
        db, config, data_dir, week2) -> None:  # type: ignore[no-untyped-def]
    """Regression: image paths were stored relative to the folder `ddor` ran in, so from
    anywhere else the map silently dropped out of every post."""
    from conftest import run_ddor

    enqueue_report(config.data, db, week2)
    with db.session() as session:
        stored = {m.image_path for m in session.scalars(select(MessageRow))}
    # Relative to the data dir: the posts' map and the digest's lighter copy.
    assert stored == {"maps/2017-02-10-r1.png", "maps/2017-02-10-r1-email.png"}
    from ddor_watch.monitor.dispatch import preview

    outbox = data_dir / "outbox"

    def written() -> dict[str, bytes]:
        return {str(p.relative_to(outbox)): p.read_bytes() for p in sorted(outbox.rglob("*")) if p.is_file()}

    preview(config, db)   # in this process, from the project folder
    from_project = written()
    shutil.rmtree(outbox)
    result = run_ddor("--db", db.engine.url.render_as_string(False), "--data-dir", str(data_dir.resolve()),
                      "publish", "--dry-run", cwd=Path("/"))
    assert result.returncode == 0, result.stderr
    from_root = written()
    assert {"x/report-2-report.png", "x/report-2-report.txt", "x/report-2-report.json",
            "bluesky/report-2-report.png", "mastodon/report-2-report.png"} <= set(from_root)
    assert from_root == from_project, "the same files, maps included"
    (data_dir / "maps" / "2017-02-10-r1.png").unlink()
    outcomes = deliver(config, db, "x")
    assert [o.kind for o in outcomes] == ["failed"] and "map" in (outcomes[0].detail or "")
    with db.session() as session:
        assert any(a.problem.startswith("delivery-failed:x") for a in session.scalars(select(Alert)))


def test_approving_a_superseded_message_needs_force(db, config, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from conftest import run_ddor
    from ddor_watch.monitor.samples.series import series
    from factories import render_report

    ids = store_series(db, data_dir, tmp_path, steps=2)
    enqueue_report(config.data, db, ids[0], include_silent=True)
    name, correction = series()[3]
    path = tmp_path / "correction.pdf"
    path.write_bytes(render_report(correction)[0])
    from ddor_watch.monitor.ingest import ingest_path

    ingest_path(db, DataDir(data_dir), path, url=f"https://www.ice.gov/doclib/ddor/{name}")
    with db.session() as session:
        first = session.scalar(select(MessageRow.id).where(MessageRow.report_id == ids[0]))
    base = ["--db", db.engine.url.render_as_string(False), "--data-dir", str(data_dir)]
    refused = run_ddor(*base, "publish", "approve", str(first))
    assert refused.returncode == 2 and "revision 2 is current" in refused.stderr
    assert run_ddor(*base, "publish", "approve", "--force", str(first)).returncode == 0
    listing = run_ddor(*base, "publish", "list").stdout
    assert "deliveries" in listing.splitlines()[0] and "pending 1" in listing


# -- the dry run writes the real requests --------------------------------------------------------

def _dry_requests(config, db, channel: str) -> list[dict]:  # type: ignore[no-untyped-def]
    from ddor_watch.db.records import ChannelName
    from ddor_watch.monitor.dispatch import preview

    preview(config, db, ChannelName(channel))
    document = json.loads((config.data.outbox / channel / "report-2-report.json").read_text())
    return document["requests"]


def _assert_same_requests(dry: list[dict], live: list[tuple[str, str, dict, dict]]) -> None:
    """Method, URL, headers named by the plan, and body: identical once ids are placeholders."""
    assert [(r["method"], r["url"]) for r in dry] == [(m, u) for m, u, _, _ in live]
    for planned, (_method, _url, headers, body) in zip(dry, live, strict=True):
        assert planned_body(planned) == body, planned["url"]
        for name, value in planned.get("headers", {}).items():
            assert headers.get(name, "").split(";")[0] == value


def test_x_live_requests_are_the_dry_run_requests(db, config, week2) -> None:  # type: ignore[no-untyped-def]
    enqueue_report(config.data, db, week2)
    dry = _dry_requests(config, db, "x")
    assert [r["url"].rsplit("/", 2)[-2:] for r in dry[:3]] == [["media", "upload"], ["media", "metadata"],
                                                               ["2", "tweets"]]
    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        _x_fakes(rsps)
        deliver(live(config, **X_KEYS), db, "x")
        calls = [c.request for c in rsps.calls]
    ids = {"555": MEDIA_ID, **{str(901 + i): part_id(i) for i in range(len(calls))}}
    _assert_same_requests(dry, [(c.method, c.url, dict(c.headers),
                                 with_placeholders(request_body(c.headers["Content-Type"], c.body), ids))
                                for c in calls])


def test_mastodon_live_requests_are_the_dry_run_requests(db, config, week2) -> None:  # type: ignore[no-untyped-def]
    base = "https://social.example"
    config = config.with_overrides(mastodon_base_url=base, mastodon_access_token="tok")
    enqueue_report(config.data, db, week2)
    dry = _dry_requests(config, db, "mastodon")
    assert dry[1]["body"]["visibility"] == "public" and dry[1]["body"]["media_ids[]"] == [MEDIA_ID]
    assert dry[2]["body"]["in_reply_to_id"] == part_id(0) and dry[2]["headers"]["Idempotency-Key"].endswith("-1")
    count = {"n": 0}

    def status(request):  # type: ignore[no-untyped-def]
        count["n"] += 1
        return 200, {}, json.dumps({"id": str(100 + count["n"]), "content": ""})

    with responses.RequestsMock(assert_all_requests_are_fired=False) as rsps:
        _mastodon_fakes(rsps, base, status)
        deliver(live(config), db, "mastodon")
        calls = [c.request for c in rsps.calls if c.request.method == "POST"]
    ids = {"m1": MEDIA_ID, **{str(101 + i): part_id(i) for i in range(len(calls))}}
    _assert_same_requests(dry, [(c.method, c.url, dict(c.headers),
                                 with_placeholders(request_body(c.headers["Content-Type"], c.body), ids))
                                for c in calls])


def test_bluesky_live_requests_are_the_dry_run_requests(db, config, week2) -> None:  # type: ignore[no-untyped-def]
    pds = FakePds()
    try:
        config = config.with_overrides(bluesky_base_url=pds.url, bluesky_handle="ddor.test",
                                       bluesky_app_password="app-pw")
        enqueue_report(config.data, db, week2)
        dry = _dry_requests(config, db, "bluesky")
        head = dry[1]["body"]["record"]
        assert head["embed"]["images"][0]["image"] == "<blob from uploadBlob>" and head["facets"]
        assert dry[2]["body"]["record"]["reply"]["parent"]["uri"] == part_id(0, "uri")
        deliver(live(config), db, "bluesky")
        sent = [(m, p, b) for m, p, b in pds.requests if p.endswith(("uploadBlob", "createRecord"))]
        ids: dict[str, str] = {"did:plc:ddorwatch": "<did>"}
        for index, record in enumerate(pds.records.values()):
            ids[record["uri"]], ids[record["cid"]] = part_id(index, "uri"), part_id(index, "cid")
        live_requests = []
        for method, path, body in sent:
            if path.endswith("uploadBlob"):
                live_requests.append((method, pds.url + path.removeprefix("/xrpc"), {"Content-Type": body["type"]},
                                      {"file": "<file>"}))
                continue
            body = with_placeholders(body, ids)
            body["record"]["createdAt"] = "<time of posting>"
            if "embed" in body["record"]:
                body["record"]["embed"]["images"][0]["image"] = "<blob from uploadBlob>"
            live_requests.append((method, pds.url + path.removeprefix("/xrpc"), {}, body))
        _assert_same_requests(dry, live_requests)
    finally:
        pds.close()
