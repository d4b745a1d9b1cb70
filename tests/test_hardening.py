"""Faults and abuse: hostile PDFs end inside their limits, nothing is lost between two steps,
source text stays inert, crawls survive lying servers, bad input is one line and exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import run_ddor
from factories.bad import (
    flate_bomb,
    long_reference_loop,
    operator_bomb,
    page_tree_loop,
    reference_loop,
    text_object_bomb,
)

# Tight limits keep the suite fast; the defaults (120 s, 768 MB) only allow more of the same.
LIMITS = {"DDOR_PARSE_TIMEOUT": "5", "DDOR_PARSE_MEMORY_MB": "512"}
BOMBS = {"reference loop": reference_loop, "operator bomb": operator_bomb, "flate bomb": flate_bomb,
         "text object bomb": text_object_bomb, "long reference loop": long_reference_loop,
         "page tree loop": page_tree_loop}


@pytest.fixture(scope="module")
def bombs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("bombs")
    paths = {}
    for name, make in BOMBS.items():
        paths[name] = folder / f"{name.replace(' ', '-')}.pdf"
        paths[name].write_bytes(make())
    return paths


@pytest.mark.parametrize("bomb", sorted(BOMBS))
def test_a_hostile_pdf_is_refused_with_one_line_and_exit_2(bomb: str, bombs: dict[str, Path]) -> None:
    result = run_ddor("parse", str(bombs[bomb]), env=LIMITS, timeout=60)
    assert result.returncode == 2, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"error: {bombs[bomb]}:"), result.stderr
    if bomb.endswith("reference loop"):   # refused by its structure, before pdfminer would resolve it for ever
        assert "a reference loop" in lines[0]


def test_reparse_all_runs_in_parallel_workers_and_keeps_archive_order(db, data_dir, report_pdf) -> None:  # type: ignore[no-untyped-def]
    from ddor_watch.db.paths import DataDir
    from ddor_watch.monitor.ingest import ingest_path, reparse_all
    from ddor_watch.scraper.pdf.sandbox import ParseLimits

    paths = [report_pdf(seed)[0] for seed in (11, 12, 13)]
    stored = [ingest_path(db, DataDir(data_dir), path).sha256 for path in paths]
    outcomes = reparse_all(db, ParseLimits(), workers=2)
    assert [sha for sha, _ in outcomes] == stored and {o for _, o in outcomes} == {"reparsed"}


_CRASHING_CHECK = """
import json, os, signal, sys
import importlib
from ddor_watch.db.session import open_database
from ddor_watch.monitor.config import load_config
from ddor_watch.monitor.cycle import run_check
module, name, env = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

setattr(importlib.import_module(module), name, die)
settings = load_config(environ=env, read_default_file=False)
run_check(settings, open_database(settings.db_url))
"""

CRASH_POINTS = {
    "stored, not yet queued": ("ddor_watch.monitor.dispatch", "reports_pending_publication"),
    "rendered, not yet marked queued": ("ddor_watch.monitor.dispatch", "mark_queued"),
    "sent, not yet recorded": ("ddor_watch.publish.outbox", "mark_sent"),
}


@pytest.mark.parametrize("point", [
    "stored, not yet queued", "sent, not yet recorded",
    pytest.param("rendered, not yet marked queued", marks=pytest.mark.slow),
])
def test_a_check_killed_between_two_steps_loses_nothing_and_sends_nothing_twice(
        point: str, config, db, data_dir) -> None:  # type: ignore[no-untyped-def]
    import datetime as dt
    import json
    import subprocess
    import sys

    from sqlalchemy import select

    from ddor_watch.db.models import Delivery, MessageRow, Report, Run
    from ddor_watch.monitor.cycle import run_check
    from ddor_watch.monitor.samples.newsroom import ReplicaServer, ReplicaSite
    from ddor_watch.monitor.samples.series import series
    from ddor_watch.publish.channels.dryrun import JOURNAL
    from factories import render_report

    site = ReplicaSite()
    (name1, truth1), (name2, truth2) = series()[:2]
    site.add_report(name1, render_report(truth1)[0], "week 1", dt.date(2017, 3, 20))
    with ReplicaServer(site) as server:
        env = {"DDOR_DATA_DIR": str(data_dir), "DDOR_DATABASE_URL": str(db.engine.url.render_as_string(False)),
               "DDOR_START_URLS": server.start_urls[0], "DDOR_LANDING_URLS": server.landing_urls[0],
               "DDOR_DOWNLOAD_DELAY": "0", "DDOR_RETRY_BACKOFF": "0.05"}
        settings = config.with_overrides(**{k.removeprefix("DDOR_").lower(): v for k, v in env.items()})
        assert run_check(settings, db).status == "ok"   # week 1: the silent baseline
        site.add_report(name2, render_report(truth2)[0], "week 2", dt.date(2017, 3, 27))
        module, function = CRASH_POINTS[point]
        killed = subprocess.run([sys.executable, "-c", _CRASHING_CHECK, module, function, json.dumps(env)],
                                capture_output=True, timeout=180)
        assert killed.returncode == -9, killed.stderr.decode()[-2000:]
        assert run_check(settings, db).status == "ok"   # the next cycle, as the scheduler would run it
    with db.session() as session:
        week2 = session.scalar(select(Report).where(Report.revision == 1).order_by(Report.period_end.desc()))
        assert week2 is not None and not week2.publish_pending
        messages = list(session.scalars(select(MessageRow).where(MessageRow.report_id == week2.id)))
        assert sorted(m.channel for m in messages) == ["bluesky", "email", "mastodon", "x"], "queued once each"
        states = [d.state for m in messages for d in session.scalars(select(Delivery).where(
            Delivery.message_id == m.id))]
        assert states and set(states) == {"dry_run"}
        assert not list(session.scalars(select(Run).where(Run.status == "running"))), "stale runs are closed"
    # The dry run overwrites a delivery's files; its journal has a line per send: each key once.
    sends = [line.split("\t")[0] for journal in (data_dir / "outbox").glob(f"*/{JOURNAL}")
             for line in journal.read_text().splitlines()]
    assert sends and len(sends) == len(set(sends)), "nothing was sent twice"
    assert not list((data_dir / "tmp").glob("ddor-crawl-*")), "a killed crawl's scratch folder is cleared"


@pytest.mark.parametrize(("text", "expected"), [
    ("@elonmusk", "[at]elonmusk"),
    ("@user@instance.social", "[at]user[at]instance[.]social"),
    ("https://evil.example/phish", "https[:]//evil[.]example/phish"),
    ("visit evil.com", "visit evil[.]com"),
    ("#hashtag", "# hashtag"),
    ("U.S. Immigration and Customs Enforcement, St. Mary's County, E.O. 13768, rank #1",
     "U.S. Immigration and Customs Enforcement, St. Mary's County, E.O. 13768, rank #1"),
])
def test_document_text_is_defanged_visibly_and_plain_text_is_untouched(text: str, expected: str) -> None:
    from ddor_watch.db.inert import inert, looks_active

    assert inert(text) == expected
    assert looks_active(text) == (text != expected)


def test_control_bidi_and_zero_width_characters_never_enter_and_ligatures_become_letters() -> None:
    from ddor_watch.db.inert import sanitise

    assert sanitise("Tra\u202evis\u200b Co\x00unty \ufb01eld\x1b") == ("Travis County field", 4)


def test_terminal_output_escapes_control_characters(tmp_path: Path) -> None:
    result = run_ddor("parse", str(tmp_path / "evil\x1b[2J\x07.pdf"))
    assert result.returncode == 2
    assert "\x1b" not in result.stderr and "\x07" not in result.stderr and "\\x1b[2J\\x07" in result.stderr


# -- a hostile or broken newsroom ---------------------------------------------------------------

LANDING = "/declined-detainer-outcome-report"


def _newsroom(weeks: int = 2):  # type: ignore[no-untyped-def]
    import datetime as dt

    from ddor_watch.monitor.samples.newsroom import ReplicaSite
    from ddor_watch.monitor.samples.series import series
    from factories import render_report

    site = ReplicaSite()
    for i, (name, truth) in enumerate(series()[:weeks]):
        site.add_report(name, render_report(truth)[0], f"week {i + 1}", dt.date(2017, 3, 20) + dt.timedelta(days=7 * i))
    return site


def _crawl(config, db, site, **overrides):  # type: ignore[no-untyped-def]
    from ddor_watch.monitor.cycle import crawl_job
    from ddor_watch.monitor.samples.newsroom import ReplicaServer
    from ddor_watch.scraper.crawl import run_crawl

    with ReplicaServer(site) as server:
        settings = config.with_overrides(**{"start_urls": server.start_urls[0],
                                            "landing_urls": server.landing_urls[0], "download_delay": 0.0,
                                            "retry_backoff": 0.05, **overrides})
        timeout = overrides.get("crawl_timeout", 120)
        return run_crawl(crawl_job(settings, None, db), timeout=timeout), server


def test_a_landing_page_moved_by_a_same_origin_redirect_is_followed(config, db) -> None:  # type: ignore[no-untyped-def]
    site = _newsroom()
    site.faults[LANDING] = "redirect:/ddor"
    site.aliases["/ddor"] = LANDING
    result, _ = _crawl(config, db, site)
    assert result.errors == () and len(result.documents) == 2 and result.empty_landing_pages == ()


@pytest.mark.parametrize("target", ["other origin", "loop"])
def test_an_off_site_or_looping_redirect_is_an_error_not_an_empty_success(target: str, config, db) -> None:  # type: ignore[no-untyped-def]
    site = _newsroom()
    site.faults[LANDING] = "redirect:" + ("http://127.0.0.1:9/elsewhere" if target == "other origin" else LANDING)
    result, _ = _crawl(config, db, site)
    message = "another origin" if target == "other origin" else "redirect loop"
    assert any(message in error for error in result.errors), result.errors


def test_a_huge_retry_after_skips_that_url_and_keeps_the_rest(config, db) -> None:  # type: ignore[no-untyped-def]
    site = _newsroom()
    first_pdf = sorted(site.pdfs)[0]
    site.faults[first_pdf] = "retry-after:999999"
    result, _ = _crawl(config, db, site)
    assert len(result.documents) == 1
    assert any("retry after 999999 s" in error and "skipped this cycle" in error for error in result.errors)


def test_a_page_with_thousands_of_matching_links_follows_a_bounded_number(config, db) -> None:  # type: ignore[no-untyped-def]
    links = "".join(f'<a href="/doclib/ddor/ddor-fan-{i}.pdf">Declined Detainer {i}</a>' for i in range(5000))
    site = _newsroom()
    site.faults[LANDING] = f"page:<html><body>{links}</body></html>"
    result, _ = _crawl(config, db, site, max_links_per_page=20)
    fan = [entry for entry in site.log if "ddor-fan-" in entry.path]
    assert len(fan) == 20
    assert any("5000 report links, more than the 20" in error for error in result.errors)


def test_a_link_to_the_same_host_on_another_port_is_not_fetched(config, db) -> None:  # type: ignore[no-untyped-def]
    site = _newsroom()
    site.faults[LANDING] = ('page:<a href="http://127.0.0.1:9/doclib/ddor/ddor2017_x.pdf">Declined Detainer</a>'
                            '<a href="/doclib/ddor/ddor2017_02-04to02-10.pdf">Declined Detainer week 2</a>')
    result, _ = _crawl(config, db, site)
    assert [link.url.rsplit("/", 1)[1] for link in result.links if "ddor2017_x" in link.url] == []


def test_a_download_timeout_is_retried(config, db) -> None:  # type: ignore[no-untyped-def]
    site = _newsroom(1)
    pdf = sorted(site.pdfs)[0]
    site.faults[pdf] = "slow:3"
    result, _ = _crawl(config, db, site, download_timeout=1)
    assert site.arrivals[pdf] == 4, "one try and three retries"
    assert any("took longer than" in error or "Timeout" in error for error in result.errors)


def test_documents_downloaded_before_a_crawl_is_cut_short_are_kept(config, db) -> None:  # type: ignore[no-untyped-def]
    """Driven by events, not a clock: the listing hangs for good; once every PDF of the landing
    page is in the archive, the crawl is stopped, and what it archived is handed over."""
    import hashlib
    import threading
    from dataclasses import replace

    from ddor_watch.monitor.cycle import crawl_job
    from ddor_watch.monitor.samples.newsroom import ReplicaServer
    from ddor_watch.scraper.crawl import run_crawl

    site = _newsroom()
    site.faults["/news/releases"] = "slow:600"
    wanted = [config.data.archived(hashlib.sha256(data).hexdigest()) for data, _ in site.pdfs.values()]
    stop = threading.Event()

    def stop_once_archived() -> None:
        while not stop.is_set() and not all(path is not None and path.is_file() for path in wanted):
            stop.wait(0.05)
        stop.set()

    with ReplicaServer(site) as server:
        settings = config.with_overrides(start_urls=server.start_urls[0], landing_urls=server.landing_urls[0],
                                         download_delay=0.0, retry_backoff=0.5, download_timeout=2)
        # The listing times out and is retried for good; the landing page's PDFs are fetched
        # between its attempts (one request at a time per site).
        job = replace(crawl_job(settings, None, db), retries=1000)
        watcher = threading.Thread(target=stop_once_archived, daemon=True)
        watcher.start()
        result = run_crawl(job, timeout=600, stop=stop)
    assert result.errors == ("crawl stopped before it finished (a stop was requested)",)
    assert sorted(d.url.rsplit("/", 1)[1] for d in result.documents) == sorted(p.rsplit("/", 1)[1] for p in site.pdfs)
    assert all(Path(d.bytes_path).is_file() for d in result.documents)


def test_read_only_commands_create_no_database_or_folder(tmp_path: Path) -> None:
    data = tmp_path / "nothing-here"
    for command in (["status"], ["history", "reports"], ["diff"], ["publish", "list"], ["subscribers", "list"],
                    ["--db", f"sqlite:///{tmp_path / 'elsewhere' / 'x.sqlite3'}", "history", "top10"],
                    ["map", "-o", str(tmp_path / "maps" / "m.png")]):
        result = run_ddor("--data-dir", str(data), *command)
        assert result.returncode in (1, 2), (command, result.stderr)
        assert len((result.stderr or result.stdout).strip().splitlines()) <= 2
    assert sorted(p.name for p in tmp_path.iterdir()) == []


def test_addresses_are_one_subscriber_regardless_of_case(db_url, data_dir) -> None:  # type: ignore[no-untyped-def]
    base = ["--db", db_url, "--data-dir", str(data_dir), "subscribers"]
    assert run_ddor(*base, "add", "Ana@Example.org").stdout.strip() == "Ana@example.org subscribed"
    assert run_ddor(*base, "add", "ana@example.org").stdout.strip() == "Ana@example.org is already subscribed"
    assert run_ddor(*base, "remove", "ANA@example.org").returncode == 0
    listing = run_ddor(*base, "list", "--format", "csv").stdout
    assert listing.count("example.org") == 1


def test_resubscribing_voids_the_old_unsubscribe_link(db, config) -> None:  # type: ignore[no-untyped-def]
    from ddor_watch.db.errors import BadInput
    from ddor_watch.db.subscribers import add_subscriber, remove_subscriber
    from ddor_watch.monitor.config import publish_settings
    from ddor_watch.publish.unsubscribe import unsubscribe, unsubscribe_url

    slice_ = publish_settings(config.with_overrides(unsubscribe_secret="s3cret")).unsubscribe
    add_subscriber(db, "ben@example.org")
    old = unsubscribe_url(slice_, db, "ben@example.org").split("token=", 1)[1]
    remove_subscriber(db, "ben@example.org")
    add_subscriber(db, "ben@example.org")
    with pytest.raises(BadInput):
        unsubscribe(slice_, db, old)


def test_jurisdiction_history_follows_the_current_revision_after_a_correction(db, data_dir, tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Week 1 listed Franklin County IA and Montgomery County IA; its correction moved the
    Franklin rows to Franklin County PA and dropped the Montgomery one. Franklin IA is first
    listed in week 3, Montgomery IA never, Franklin PA in week 1."""
    from ddor_watch.db.history import history
    from ddor_watch.db.paths import DataDir
    from ddor_watch.monitor.ingest import ingest_path
    from ddor_watch.monitor.samples.series import series
    from factories import render_report

    for index, (name, truth) in enumerate(series()):
        path = tmp_path / f"{index}-{name}"
        path.write_bytes(render_report(truth)[0])
        ingest_path(db, DataDir(data_dir), path, url=f"https://www.ice.gov/doclib/ddor/{name}")
    columns, rows = history(db, "jurisdictions")
    timeline = {row[columns.index("jurisdiction_key")]: row for row in rows}
    first, weeks = columns.index("first_listed"), columns.index("weeks_listed")
    assert str(timeline["19069"][first]) == "2017-02-17" and timeline["19069"][weeks] == 1
    assert timeline["19137"][first] is None and timeline["19137"][weeks] == 0
    assert str(timeline["42055"][first]) == "2017-02-03"
