"""`ddor` commands over documents and the history: parse, ingest, diff, history, map, db, config."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import TypeVar

import click

from ddor_watch.db.errors import BadInput
from ddor_watch.monitor.cli_state import State, echo, parse_date, pass_state
from ddor_watch.monitor.overwrite import replaceable_png

T = TypeVar("T")


def _progress(items: list[T], label: str) -> AbstractContextManager[Iterable[T]]:
    """A progress bar on a terminal (stderr), the plain list otherwise."""
    if len(items) > 1 and sys.stderr.isatty():
        return click.progressbar(items, label=label, file=sys.stderr)
    return nullcontext(items)


@click.command()
@click.argument("file", type=click.Path(path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["json", "table"]), default="json", show_default=True)
@click.option("--debug-page", type=int, help="Draw what the parser saw on this page (1-based) into -o: sections "
              "(blue wash), column boundaries (orange), rows (green), headers (purple), page furniture (grey), "
              "unplaced words (red).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), help="PNG for --debug-page.")
@pass_state
def parse(state: State, file: Path, fmt: str, debug_page: int | None, output: Path | None) -> None:
    """Parse one PDF and print it (no database), in a child process with time and memory limits."""
    from ddor_watch.monitor.config import parse_limits
    from ddor_watch.scraper.pdf.export import report_to_json, report_to_table
    from ddor_watch.scraper.pdf.sandbox import parse_sandboxed

    if debug_page is not None and output is None:
        raise BadInput("--debug-page needs -o FILE.png")
    if output is not None:
        replaceable_png(output)
    report = parse_sandboxed(file, limits=parse_limits(state.settings))
    if debug_page is not None and output is not None:
        from ddor_watch.scraper.pdf.debug import draw_debug_page

        # The sandboxed parse above proved the file parses within the limits; drawing repeats it here.
        draw_debug_page(file, debug_page, output)
        echo(f"{output}: page {debug_page} as the parser saw it")
        return
    if fmt == "json":
        echo(json.dumps(report_to_json(report), indent=2, ensure_ascii=False))
    else:
        echo(report_to_table(report))


@click.command()
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@click.option("--reparse-all", is_flag=True, help="Re-parse every archived document with the current parser.")
@click.option("--url", help="Where the file came from (its address on ICE's site); without it pages say "
                            "'added by the maintainers'.")
@pass_state
def ingest(state: State, files: tuple[Path, ...], reparse_all: bool, url: str | None) -> None:
    """Archive, parse and store local PDFs (backfill, manual fixes)."""
    from ddor_watch.monitor.ingest import ingest_files
    from ddor_watch.monitor.ingest import reparse_all as reparse

    if not files and not reparse_all:
        raise BadInput("give one or more PDF files, or --reparse-all")
    failed = refused = 0
    if reparse_all:
        def bar(documents: list[T]) -> Iterator[T]:
            with _progress(documents, "re-parsing") as shown:
                yield from shown   # the bar advances as each document is re-parsed

        from ddor_watch.monitor.config import parse_limits

        workers = state.settings.parse_workers or None
        for sha256, outcome in reparse(state.db, parse_limits(state.settings), workers, bar):
            echo(f"{sha256[:12]}  {outcome}")
            failed += outcome.startswith("failed")
    with _progress(list(files), "ingesting") as paths:
        for result in ingest_files(state.settings, state.db, paths, url):
            echo(str(result), err=result.failed)
            refused += result.failed
    if failed:
        sys.exit(1)
    if refused:
        sys.exit(2)  # bad input: files that are not reports we can read


@click.command("diff")
@click.option("--period-end", help="Report period end (YYYY-MM-DD); default: the latest report.")
@click.option("--format", "fmt", type=click.Choice(["json", "text"]), default="text", show_default=True)
@pass_state
def diff_command(state: State, period_end: str | None, fmt: str) -> None:
    """What changed in a report against the one before (or its previous revision)."""
    from ddor_watch.monitor.describe import describe_change
    from ddor_watch.monitor.ingest import changes_for_period

    changes = changes_for_period(state.read_db, parse_date(period_end))
    if fmt == "json":
        echo(json.dumps([c.__dict__ for c in changes], indent=2, ensure_ascii=False))
    else:
        for change in changes:
            echo(f"- {describe_change(change)}")
        if not changes:
            echo("no changes")


@click.command()
@click.argument("what", type=click.Choice(["reports", "jurisdictions", "top10", "offences", "agreements",
                                           "list-changes"]))
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--state", "state_code", help="agreements: one state (USPS code, e.g. FL).")
@click.option("--source", "source", help="agreements, list-changes: one source (default for agreements: ice-287g).")
@pass_state
def history(state: State, what: str, fmt: str, state_code: str | None, source: str | None) -> None:
    """The stored history for maintainers."""
    from ddor_watch.monitor.output import render_rows

    if source is not None:
        from ddor_watch.scraper.sources import SOURCES

        if source not in SOURCES:
            raise BadInput(f"--source {source}: unknown source; known: {', '.join(SOURCES)}")
    if what == "agreements":
        from ddor_watch.db.list_history import current_agreements
        from ddor_watch.scraper.sources import SOURCES, SourceKind

        name = source or next(s.name for s in SOURCES.values() if s.kind is SourceKind.AGREEMENT_LIST)
        echo(render_rows(*current_agreements(state.read_db, name, state_code.upper() if state_code else None), fmt))
    elif what == "offences":
        from ddor_watch.db.history import offences
        from ddor_watch.db.text import fold as fold_text
        from ddor_watch.scraper.pdf.offences import vocabulary

        columns, rows = offences(state.read_db)
        # Whether the category vocabulary knows it: a new one is news for the maintainers, not a hold.
        echo(render_rows([*columns, "in_vocabulary"], [(*row, fold_text(row[0]) in vocabulary()) for row in rows], fmt))
    elif what == "list-changes":
        from ddor_watch.db.list_history import list_changes

        echo(render_rows(*list_changes(state.read_db, source), fmt))
    else:
        from ddor_watch.db.history import history as query

        echo(render_rows(*query(state.read_db, what), fmt))


@click.command("map")
@click.option("--period-end", help="Report period end (YYYY-MM-DD); default: the latest.")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True)
@pass_state
def map_command(state: State, period_end: str | None, output: Path) -> None:
    """The county map snapshot for a report."""
    from ddor_watch.monitor.dispatch import map_for_period

    if not output.resolve().parent.is_dir():
        raise BadInput(f"-o {output}: no folder {output.resolve().parent}")
    replaceable_png(output)
    result = map_for_period(state.settings, state.read_db, parse_date(period_end), output)
    echo(f"{output} ({result.width}x{result.height}, {result.size:,} bytes)")
    echo(f"alt: {result.alt_text}")


@click.group("site")
def site_group() -> None:
    """The public static site."""


@site_group.command("build")
@click.option("-o", "--output", type=click.Path(file_okay=False, path_type=Path),
              help="Folder to write (default DDOR_SITE_DIR, else `site` in the data dir); replaced whole.")
@pass_state
def site_build(state: State, output: Path | None) -> None:
    """Render every stored report, jurisdiction page, download and feed as static files."""
    from ddor_watch.monitor.site_data import build

    if output is not None and output.exists() and not output.is_dir():
        raise BadInput(f"-o {output}: not a folder")
    summary = build(state.settings, state.read_db, output)
    echo(f"site: {summary.folder} ({summary.reports} report{'s' if summary.reports != 1 else ''}, "
         f"{summary.jurisdictions} jurisdiction pages, {summary.files} files)")
    echo(f"serve it: python -m http.server --directory {summary.folder} 8000")


@click.group("db")
def db_group() -> None:
    """Database maintenance."""


@db_group.command("upgrade")
@pass_state
def db_upgrade(state: State) -> None:
    """Apply migrations."""
    from ddor_watch.db.session import make_engine, upgrade

    upgrade(state.settings.db_url, make_engine(state.settings.db_url))
    echo("database at the newest schema")


@click.group("config")
def config_group() -> None:
    """Configuration."""


@config_group.command("show")
@click.option("--format", "fmt", type=click.Choice(["text", "markdown"]), default="text", show_default=True,
              help="markdown: the README's table of every setting with its default and meaning.")
@pass_state
def config_show(state: State, fmt: str) -> None:
    """Print the effective configuration, secrets masked (or the settings table)."""
    from ddor_watch.monitor.config import setting_warnings, settings_table, shown

    if fmt == "markdown":
        echo("\n".join(settings_table()))
        return
    for env, value, _help in shown(state.settings):
        echo(f"{env:<30} {value}")
    for warning in setting_warnings(state.settings):
        echo(f"warning: {warning}", err=True)


COMMANDS = (parse, ingest, diff_command, history, map_command, site_group, db_group, config_group)
