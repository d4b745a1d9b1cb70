"""The `ddor` command line: a thin wrapper that parses arguments and calls library functions.

Exit codes: 0 ok, 1 failure during work, 2 bad input or usage; errors are one line on
stderr (a traceback only with --debug).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import sys
from contextlib import nullcontext
from pathlib import Path
from typing import Any

import click

from ddor_watch.db.errors import BadInput, DdorError
from ddor_watch.monitor.config import Config, load_config
from ddor_watch.monitor.logs import setup_logging

logger = logging.getLogger(__name__)


class State:
    def __init__(self, config: Config, debug: bool) -> None:
        self.config = config
        self.debug = debug
        self._db = None

    @property
    def db(self):  # type: ignore[no-untyped-def]
        if self._db is None:
            from ddor_watch.db.session import open_database

            self._db = open_database(self.config.db_url)
        return self._db


pass_state = click.make_pass_decorator(State)


def _date(value: str | None) -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"--period-end: expected YYYY-MM-DD, got {value!r}") from None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--db", "db_url", envvar="DDOR_DATABASE_URL", help="Database URL (default: SQLite in the data dir).")
@click.option("--data-dir", envvar="DDOR_DATA_DIR", help="Data folder (default ./data).")
@click.option("--config", "config_path", type=click.Path(dir_okay=False), help="Path to ddor.toml.")
@click.option("--debug", is_flag=True, help="Show tracebacks.")
@click.option("--log-format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-v", "--verbose", is_flag=True, help="Log at INFO level.")
@click.pass_context
def cli(ctx: click.Context, db_url: str | None, data_dir: str | None, config_path: str | None, debug: bool,
        log_format: str, verbose: bool) -> None:
    """ddor-watch: watch ICE's Declined Detainer Outcome Report and publish what changed."""
    setup_logging(log_format, logging.DEBUG if debug else logging.INFO if verbose else logging.WARNING)
    config = load_config(toml_path=config_path).with_overrides(database_url=db_url, data_dir=data_dir)
    ctx.obj = State(config, debug)


@cli.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="json", show_default=True)
def parse(file: Path, fmt: str) -> None:
    """Parse one PDF and print it (no database)."""
    from ddor_watch.scraper.pdf import parse_report
    from ddor_watch.scraper.pdf.export import report_to_json, report_to_table

    report = parse_report(file)
    if fmt == "json":
        click.echo(json.dumps(report_to_json(report), indent=2, ensure_ascii=False))
    else:
        click.echo(report_to_table(report))


@cli.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--reparse-all", is_flag=True, help="Re-parse every archived document with the current parser.")
@pass_state
def ingest(state: State, files: tuple[Path, ...], reparse_all: bool) -> None:
    """Archive, parse and store local PDFs (backfill, manual fixes)."""
    from ddor_watch.db.store import count_reports
    from ddor_watch.monitor.ingest import reparse_all as reparse

    if not files and not reparse_all:
        raise BadInput("give one or more PDF files, or --reparse-all")
    failed = 0
    if reparse_all:
        def wrap(documents):  # type: ignore[no-untyped-def]
            if not sys.stderr.isatty():
                yield from documents
                return
            with click.progressbar(documents, label="re-parsing", file=sys.stderr) as bar:
                yield from bar  # the bar advances as each document is re-parsed

        for sha256, outcome in reparse(state.db, wrap):
            click.echo(f"{sha256[:12]}  {outcome}")
            failed += outcome.startswith("failed")
    backfill = count_reports(state.db) == 0 and len(files) > 1
    show = len(files) > 1 and sys.stderr.isatty()
    with click.progressbar(files, label="ingesting", file=sys.stderr) if show else nullcontext(files) as paths:
        failed += _ingest_each(state, paths, backfill)
    if failed:
        sys.exit(1)


def _ingest_each(state: State, files, backfill: bool) -> int:  # type: ignore[no-untyped-def]
    from ddor_watch.monitor.alerts import alert
    from ddor_watch.monitor.ingest import ingest_path

    failed = 0
    for path in files:
        try:
            result = ingest_path(state.db, state.config.data_path, path, backfill=backfill)
        except BadInput as error:
            click.echo(f"error: {error}", err=True)
            failed += 1
            continue
        if result.status == "quarantined":
            click.echo(f"error: {path}: quarantined: {result.message}", err=True)
            alert(state.db, state.config, f"quarantined:{result.sha256}",
                  f"Document {path.name} ({result.sha256[:12]}) was quarantined: {result.message}")
            failed += 1
        else:
            click.echo(f"{path}: {result.message}")
    return failed


@cli.command("diff")
@click.option("--period-end", help="Report period end (YYYY-MM-DD); default: the latest report.")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True)
@pass_state
def diff_command(state: State, period_end: str | None, fmt: str) -> None:
    """What changed in a report against the one before (or its previous revision)."""
    from ddor_watch.db.changes import load_changes
    from ddor_watch.db.snapshots import report_for_period
    from ddor_watch.monitor.describe import describe_change
    from ddor_watch.monitor.ingest import record_changes

    report_id = report_for_period(state.db, _date(period_end))
    if report_id is None:
        raise BadInput("no stored report" + (f" for period end {period_end}" if period_end else ""))
    record_changes(state.db, report_id)
    changes = load_changes(state.db, report_id)
    if fmt == "json":
        click.echo(json.dumps([c.__dict__ for c in changes], indent=2, ensure_ascii=False))
    else:
        for change in changes:
            click.echo(f"- {describe_change(change)}")
        if not changes:
            click.echo("no changes")


@cli.command()
@click.argument("what", type=click.Choice(["reports", "jurisdictions", "top10"]))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@pass_state
def history(state: State, what: str, fmt: str) -> None:
    """The stored history for maintainers."""
    from ddor_watch.db.history import history as query
    from ddor_watch.monitor.output import render_rows

    columns, rows = query(state.db, what)
    click.echo(render_rows(columns, rows, fmt))


@cli.group("db")
def db_group() -> None:
    """Database maintenance."""


@db_group.command("upgrade")
@pass_state
def db_upgrade(state: State) -> None:
    """Apply migrations."""
    from ddor_watch.db.session import make_engine, upgrade

    upgrade(state.config.db_url, make_engine(state.config.db_url))
    click.echo("database at the newest schema")


@cli.group("config")
def config_group() -> None:
    """Configuration."""


@config_group.command("show")
@pass_state
def config_show(state: State) -> None:
    """Print the effective configuration, secrets masked."""
    for env, value, _help in state.config.shown():
        click.echo(f"{env:<30} {value}")


def _register_more() -> None:
    from ddor_watch.monitor import cli_ops  # noqa: F401  (registers check, run, publish, map, ...)


def main(argv: list[str] | None = None) -> Any:
    _register_more()
    debug = "--debug" in (argv if argv is not None else sys.argv[1:])
    try:
        return cli.main(args=argv, prog_name="ddor", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("aborted", err=True)
        sys.exit(130)
    except click.ClickException as error:
        error.show()
        sys.exit(2 if isinstance(error, click.UsageError | click.BadParameter) else error.exit_code)
    except DdorError as error:
        if debug:
            logger.exception("failed")
        click.echo(f"error: {error}", err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:  # the CLI's top level: one line, non-zero, traceback with --debug
        if debug:
            raise
        click.echo(f"error: {type(error).__name__}: {error}", err=True)
        sys.exit(1)
