"""`ddor` commands for operations: check, run, publish, map, subscribers, status, demo, serve."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ddor_watch.db.errors import BadInput
from ddor_watch.monitor.cli import State, _date, cli, pass_state


@cli.command()
@click.option("--source", "sources", multiple=True, help="Start URL (repeatable); default: configuration.")
@click.option("--dry-run", is_flag=True, help="Write what would be sent into the outbox folder, send nothing.")
@click.option("--no-publish", is_flag=True, help="Crawl, ingest and diff only.")
@pass_state
def check(state: State, sources: tuple[str, ...], dry_run: bool, no_publish: bool) -> None:
    """One full cycle: crawl, ingest, diff, publish."""
    from ddor_watch.monitor.cycle import run_check
    from ddor_watch.monitor.describe import describe_change

    summary = run_check(state.config, state.db, list(sources) or None, publish=not no_publish,
                        dry_run=True if dry_run else None)
    crawl = summary.crawl
    click.echo(f"check {summary.status}: {crawl.requests} requests, {crawl.pages_fetched} responses "
               f"({crawl.not_modified} not modified), {crawl.pdfs_found} report links, "
               f"{len(summary.new_reports)} new documents")
    from ddor_watch.db.changes import load_changes

    for stored in summary.stored:
        click.echo(f"  {stored.sha256[:12]} {stored.status}: {stored.message}")
        if stored.report_id and stored.status in {"stored", "revision"}:
            for change in load_changes(state.db, stored.report_id)[:25]:
                click.echo(f"    - {describe_change(change)}")
    for line in summary.published:
        click.echo(f"  {line}")
    for error in crawl.errors:
        click.echo(f"error: {error}", err=True)
    if summary.status != "ok":
        sys.exit(1)


@cli.command()
@click.option("--now", "run_now", is_flag=True, help="Also run a check right away.")
@pass_state
def run(state: State, run_now: bool) -> None:
    """The scheduler daemon: `check` on the configured cron schedule until stopped."""
    from ddor_watch.monitor.scheduler import run_daemon

    run_daemon(state.config, run_now)


@cli.group(invoke_without_command=True)
@click.option("--dry-run", is_flag=True, help="Write what would be sent; change nothing.")
@click.option("--channel", type=click.Choice(["x", "mastodon", "bluesky", "email"]))
@click.pass_context
def publish(ctx: click.Context, dry_run: bool, channel: str | None) -> None:
    """Deliver what is pending in the outbox (subcommands: list, approve, reject, enqueue)."""
    if ctx.invoked_subcommand is not None:
        return
    from ddor_watch.monitor.lock import cycle_lock
    from ddor_watch.publish.channels.factory import build_channels
    from ddor_watch.publish.outbox import deliver_pending

    state: State = ctx.obj
    if dry_run:
        from ddor_watch.db.outbox import peek_due

        previews = build_channels(state.config, state.db, dry_run=True)
        for item in peek_due(state.db, channel):
            result = previews[item.message.channel].send(item, lambda parts: None)
            click.echo(f"would send {item.message.channel} report {item.message.report_id}: {result.remote_id}")
        return
    with cycle_lock(state.config.data_path):
        lines = deliver_pending(state.config, state.db, build_channels(state.config, state.db), channel)
    for line in lines:
        click.echo(line)
    if not lines:
        click.echo("nothing to deliver")
    if any(line.startswith(("failed", "error")) for line in lines):
        sys.exit(1)


@publish.command("list")
@click.option("--status", type=click.Choice(["ready", "held", "silent", "rejected"]))
@pass_state
def publish_list(state: State, status: str | None) -> None:
    """Messages in the outbox (ID, report, channel, kind, status, reason)."""
    from ddor_watch.db.outbox import list_messages
    from ddor_watch.monitor.output import render_rows

    rows = list_messages(state.db, status)
    click.echo(render_rows(["id", "report", "channel", "kind", "status", "reason"], rows, "table"))


@publish.command("approve")
@click.argument("ids", nargs=-1, type=int, required=True)
@pass_state
def publish_approve(state: State, ids: tuple[int, ...]) -> None:
    """Release held (or silent) messages for delivery."""
    _set_status(state, ids, "ready")


@publish.command("reject")
@click.argument("ids", nargs=-1, type=int, required=True)
@pass_state
def publish_reject(state: State, ids: tuple[int, ...]) -> None:
    """Drop held messages: they will never be sent."""
    _set_status(state, ids, "rejected")


def _set_status(state: State, ids: tuple[int, ...], status: str) -> None:
    from ddor_watch.db.outbox import set_message_status

    for message_id in ids:
        if not set_message_status(state.db, message_id, status):
            raise BadInput(f"no message {message_id} (see `ddor publish list`)")
        click.echo(f"message {message_id}: {status}")


@publish.command("enqueue")
@click.option("--period-end", help="Report period end; default: the latest.")
@click.option("--include-silent", is_flag=True, help="Also publish a baseline or backfilled report.")
@pass_state
def publish_enqueue(state: State, period_end: str | None, include_silent: bool) -> None:
    """Render a stored report into the outbox (e.g. to publish a backfilled report on request)."""
    from ddor_watch.db.snapshots import report_for_period
    from ddor_watch.publish.outbox import enqueue_report

    report_id = report_for_period(state.db, _date(period_end))
    if report_id is None:
        raise BadInput("no stored report")
    queued = enqueue_report(state.config, state.db, report_id, include_silent=include_silent)
    click.echo(f"report {report_id}: {queued.status}; new messages for {', '.join(queued.channels) or 'none'}")


@cli.command("map")
@click.option("--period-end", help="Report period end (YYYY-MM-DD); default: the latest.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@pass_state
def map_command(state: State, period_end: str | None, output: Path) -> None:
    """The county map snapshot for a report."""
    from ddor_watch.db.changes import load_changes
    from ddor_watch.db.snapshots import load_snapshot, report_for_period
    from ddor_watch.publish.map import map_data, newly_listed_keys, render_map

    report_id = report_for_period(state.db, _date(period_end))
    if report_id is None:
        raise BadInput("no stored report" + (f" for period end {period_end}" if period_end else ""))
    data = map_data(load_snapshot(state.db, report_id), newly_listed_keys(load_changes(state.db, report_id)))
    result = render_map(data, output, Path(state.config.data_dir) / "cache")
    click.echo(f"{output} ({result.width}x{result.height}, {result.size:,} bytes)")
    click.echo(f"alt: {result.alt_text}")


@cli.group()
def subscribers() -> None:
    """Email digest subscribers."""


@subscribers.command("add")
@click.argument("emails", nargs=-1, required=True)
@pass_state
def subscribers_add(state: State, emails: tuple[str, ...]) -> None:
    from ddor_watch.db.subscribers import add_subscriber

    for email in emails:
        click.echo(add_subscriber(state.db, email))


@subscribers.command("remove")
@click.argument("emails", nargs=-1, required=True)
@pass_state
def subscribers_remove(state: State, emails: tuple[str, ...]) -> None:
    from ddor_watch.db.subscribers import remove_subscriber

    for email in emails:
        click.echo(remove_subscriber(state.db, email))


@subscribers.command("list")
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table")
@pass_state
def subscribers_list(state: State, fmt: str) -> None:
    from ddor_watch.db.subscribers import list_subscribers
    from ddor_watch.monitor.output import render_rows

    click.echo(render_rows(["email", "status", "created_at"], list_subscribers(state.db), fmt))


@subscribers.command("unsubscribe")
@click.argument("token")
@pass_state
def subscribers_unsubscribe(state: State, token: str) -> None:
    """Unsubscribe with the signed token from a digest's link."""
    from ddor_watch.publish.unsubscribe import unsubscribe

    click.echo(f"{unsubscribe(state.config, state.db, token)} unsubscribed")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8025, show_default=True, type=int)
@pass_state
def serve(state: State, host: str, port: int) -> None:
    """The one-click unsubscribe endpoint (RFC 8058)."""
    from ddor_watch.publish.unsubscribe import serve as make_server

    server = make_server(state.config, state.db, host, port)
    click.echo(f"unsubscribe endpoint on http://{host}:{server.server_address[1]}/unsubscribe")
    try:
        server.serve_forever()
    finally:
        server.server_close()


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text")
@pass_state
def status(state: State, fmt: str) -> None:
    """Last runs, next run, pending deliveries, health. Exits 1 when unhealthy."""
    from ddor_watch.monitor.status import status_report

    text, healthy = status_report(state.config, state.db, fmt)
    click.echo(text)
    if not healthy:
        sys.exit(1)


@cli.command()
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("demo"), show_default=True)
def demo(out: Path) -> None:
    """The whole pipeline offline on a bundled replica newsroom (three weeks and a correction)."""
    from ddor_watch.monitor.demo import run_demo

    run_demo(out, click.echo)
