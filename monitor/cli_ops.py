"""`ddor` commands for operations: check, run, publish, subscribers, serve, status, demo."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ddor_watch.db.errors import BadInput
from ddor_watch.db.records import ChannelName, MessageStatus
from ddor_watch.monitor.cli_state import State, echo, parse_date, pass_state
from ddor_watch.publish.i18n import LANGUAGES


def _source_names() -> list[str]:
    from ddor_watch.scraper.sources import SOURCES

    return list(SOURCES)


@click.command()
@click.option("--source", "sources", multiple=True, help="Start URL (repeatable); default: configuration.")
@click.option("--only", type=click.Choice(_source_names()), help="Run one source (its start pages: --source).")
@click.option("--dry-run", is_flag=True, help="Write what would be sent into the outbox folder, send nothing.")
@click.option("--no-publish", is_flag=True, help="Crawl, ingest and diff only.")
@pass_state
def check(state: State, sources: tuple[str, ...], only: str | None, dry_run: bool, no_publish: bool) -> None:
    """One full cycle: crawl, ingest, diff, publish."""
    from ddor_watch.monitor.cycle import run_check
    from ddor_watch.monitor.describe import describe_summary

    summary = run_check(state.settings, state.db, list(sources) or None, publish=not no_publish,
                        dry_run=True if dry_run else None, only=only)
    for outcome in summary.lists:
        echo(f"list {outcome}")
    for line in describe_summary(state.db, summary):
        echo(line)
    for error in summary.crawl.errors:
        echo(f"error: {error}", err=True)
    if summary.status != "ok":
        sys.exit(1)


@click.command()
@click.option("--now", "run_now", is_flag=True, help="Also run a check right away.")
@pass_state
def run(state: State, run_now: bool) -> None:
    """The scheduler daemon: `check` on the configured cron schedule until stopped."""
    from ddor_watch.monitor.logs import service_logging
    from ddor_watch.monitor.scheduler import run_daemon

    service_logging()
    run_daemon(state.settings, run_now)


_CHANNEL = click.Choice([c.value for c in ChannelName])


@click.group(invoke_without_command=True)
@click.option("--dry-run", is_flag=True, help="Write what would be sent; change nothing.")
@click.option("--channel", type=_CHANNEL)
@click.pass_context
def publish(ctx: click.Context, dry_run: bool, channel: str | None) -> None:
    """Deliver what is pending in the outbox (subcommands: list, approve, reject, enqueue)."""
    if ctx.invoked_subcommand is not None:
        return
    from ddor_watch.monitor.dispatch import deliver_now, preview

    state: State = ctx.obj
    only = ChannelName(channel) if channel else None
    if dry_run:
        for line in preview(state.settings, state.db, only):
            echo(line)
        return
    outcomes = deliver_now(state.settings, state.db, only)
    for outcome in outcomes:
        echo(str(outcome))
    if not outcomes:
        echo("nothing to deliver")
    if any(outcome.needs_attention for outcome in outcomes):
        sys.exit(1)


@publish.command("list")
@click.option("--status", type=click.Choice([s.value for s in MessageStatus]))
@pass_state
def publish_list(state: State, status: str | None) -> None:
    """Messages in the outbox (ID, what it is about, channel, kind, status, reason)."""
    from ddor_watch.db.outbox_store import list_messages
    from ddor_watch.monitor.output import render_rows

    rows = list_messages(state.read_db, MessageStatus(status) if status else None)
    echo(render_rows(["id", "about", "channel", "kind", "status", "deliveries", "reason"], rows, "table"))


@publish.command("approve")
@click.argument("ids", nargs=-1, type=int, required=True)
@click.option("--force", is_flag=True, help="Approve even a message whose report has a newer revision.")
@pass_state
def publish_approve(state: State, ids: tuple[int, ...], force: bool) -> None:
    """Release held (or silent) messages for delivery."""
    from ddor_watch.db.outbox_store import superseded_by

    for message_id in ids:
        stale = superseded_by(state.db, message_id)
        if stale and not force:
            raise BadInput(f"message {message_id} carries revision {stale[0]} of its report, but revision {stale[1]} "
                           "is current: its numbers are superseded (add --force to send it anyway)")
    _set_status(state, ids, MessageStatus.READY)


@publish.command("reject")
@click.argument("ids", nargs=-1, type=int, required=True)
@pass_state
def publish_reject(state: State, ids: tuple[int, ...]) -> None:
    """Drop held messages: they will never be sent."""
    _set_status(state, ids, MessageStatus.REJECTED)


def _set_status(state: State, ids: tuple[int, ...], status: MessageStatus) -> None:
    from ddor_watch.db.outbox_store import set_message_status

    for message_id in ids:
        if not set_message_status(state.db, message_id, status):
            raise BadInput(f"no message {message_id} (see `ddor publish list`)")
        echo(f"message {message_id}: {status}")


@publish.command("enqueue")
@click.option("--period-end", help="Report period end; default: the latest.")
@click.option("--include-silent", is_flag=True, help="Also publish a baseline or backfilled report.")
@pass_state
def publish_enqueue(state: State, period_end: str | None, include_silent: bool) -> None:
    """Render a stored report into the outbox (e.g. to publish a backfilled report on request)."""
    from ddor_watch.db.snapshots import report_for_period
    from ddor_watch.monitor.dispatch import enqueue

    report_id = report_for_period(state.db, parse_date(period_end))
    if report_id is None:
        raise BadInput("no stored report")
    queued = enqueue(state.settings, state.db, report_id, include_silent=include_silent)
    echo(f"report {report_id}: {queued.status}; new messages for {', '.join(queued.channels) or 'none'}")


@click.group()
def subscribers() -> None:
    """Email digest subscribers."""


@subscribers.command("add")
@click.argument("emails", nargs=-1, required=True)
@click.option("--source", "sources", multiple=True, type=click.Choice(_source_names()),
              help="Only this source's changes (repeatable); default: every source.")
@click.option("--state", "states", multiple=True, help="Only changes touching this state, e.g. NJ (repeatable).")
@click.option("--language", type=click.Choice(LANGUAGES), default="en", show_default=True,
              help="The digest's language.")
@pass_state
def subscribers_add(state: State, emails: tuple[str, ...], sources: tuple[str, ...], states: tuple[str, ...],
                    language: str) -> None:
    """Add subscribers (confirmed by the maintainer; the public form confirms by email)."""
    from ddor_watch.db.subscribers import add_subscriber
    from ddor_watch.scraper.pdf.normalize import state_code

    codes = []
    for given in states:
        code = state_code(given)
        if code is None:
            raise BadInput(f"--state {given!r}: not a US state or territory")
        codes.append(code)
    for email in emails:
        echo(add_subscriber(state.db, email, sources, tuple(codes), language))


@subscribers.command("remove")
@click.argument("emails", nargs=-1, required=True)
@pass_state
def subscribers_remove(state: State, emails: tuple[str, ...]) -> None:
    from ddor_watch.db.subscribers import remove_subscriber

    for email in emails:
        echo(remove_subscriber(state.db, email))


@subscribers.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@pass_state
def subscribers_list(state: State, fmt: str) -> None:
    from ddor_watch.db.subscribers import list_subscribers
    from ddor_watch.monitor.output import render_rows

    echo(render_rows(["email", "status", "sources", "states", "created_at"], list_subscribers(state.read_db), fmt))


@subscribers.command("unsubscribe")
@click.argument("token")
@pass_state
def subscribers_unsubscribe(state: State, token: str) -> None:
    """Unsubscribe with the signed token from a digest's link."""
    from ddor_watch.monitor.config import publish_settings
    from ddor_watch.publish.unsubscribe import unsubscribe

    echo(f"{unsubscribe(publish_settings(state.settings).unsubscribe, state.db, token)} unsubscribed")


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Bind address (a reverse proxy faces the world).")
@click.option("--port", default=8025, show_default=True, type=int)
@click.option("--site", "site_dir", type=click.Path(file_okay=False, path_type=Path),
              help="Static site to serve at / (default DDOR_SITE_DIR, else `site` in the data dir).")
@pass_state
def serve(state: State, host: str, port: int, site_dir: Path | None) -> None:
    """The public site, subscription with double opt-in, confirm and one-click unsubscribe."""
    import uvicorn

    from ddor_watch.monitor.logs import service_logging
    from ddor_watch.monitor.web_app import web_app
    from ddor_watch.publish.web_server import guarded_protocol, parse_networks

    service_logging()
    settings = state.settings
    app = web_app(settings, state.db, site_dir)
    echo(f"serving on http://{host}:{port}/ (subscribe at /subscribe)")
    # X-Forwarded-For is the app's to judge (DDOR_TRUSTED_PROXIES), not uvicorn's; connections
    # must send their headers in time and one address may hold only so many.
    protocol = guarded_protocol(settings.serve_header_timeout, settings.serve_client_connections,
                                parse_networks(settings.trusted_proxies))
    uvicorn.run(app, host=host, port=port, http=protocol, proxy_headers=False, log_level="info",
                access_log=False, timeout_keep_alive=5, limit_concurrency=1000)


@click.command("sources")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@pass_state
def sources_command(state: State, fmt: str) -> None:
    """Every source: enabled or not, its start pages, last check, last change and health."""
    from ddor_watch.monitor.sources_view import sources_overview

    # A fresh install has no database yet: every source reads "never checked", nothing is created.
    rows = sources_overview(state.settings, state.read_db if state.has_database else None)
    if fmt == "json":
        import json

        echo(json.dumps([row.as_json() for row in rows], indent=2))
        return
    for row in rows:
        echo(f"{row.name:<9} {'enabled' if row.enabled else 'disabled':<8} {row.agency}: {row.title}")
        echo(f"          start: {', '.join(row.start_urls)}")
        echo(f"          last check: {row.last_checked or 'never'} ({row.last_status or '-'}); "
             f"last change: {row.last_change or 'never'}; health: {row.health}")


@click.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_state
def status(state: State, fmt: str) -> None:
    """Last runs, next run, pending deliveries, health. Exits 1 when unhealthy."""
    from ddor_watch.monitor.status import status_report

    try:
        db = state.read_db
    except BadInput as error:   # a fresh install: unhealthy, and nothing is created by asking
        echo(f"health: UNHEALTHY\n  problem: {error}")
        sys.exit(1)
    text, healthy = status_report(state.settings, db, fmt)
    echo(text)
    if not healthy:
        sys.exit(1)


@click.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("demo"), show_default=True)
def demo(out: Path) -> None:
    """The whole pipeline offline on a bundled replica newsroom (three weeks and a correction)."""
    from ddor_watch.monitor.demo import run_demo

    run_demo(out, click.echo)


COMMANDS = (check, run, publish, subscribers, serve, sources_command, status, demo)
