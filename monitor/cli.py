"""The `ddor` command line: a thin wrapper that parses arguments and calls library functions.

Commands are defined in cli_data.py (documents and history) and cli_ops.py (operations) and
registered here explicitly; neither imports this module, so there is no import cycle.

Exit codes: 0 ok, 1 failure during work, 2 bad input or usage; errors are one line on
stderr (a traceback only with --debug).
"""

from __future__ import annotations

import logging
import sys
from typing import Any

import click

from ddor_watch.db.errors import DdorError
from ddor_watch.db.inert import terminal_safe
from ddor_watch.monitor import cli_data, cli_ops
from ddor_watch.monitor.cli_state import State
from ddor_watch.monitor.config import load_config, secret_values
from ddor_watch.monitor.logs import forget_in_logs, setup_logging

logger = logging.getLogger(__name__)


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
    settings = load_config(toml_path=config_path).with_overrides(database_url=db_url, data_dir=data_dir)
    forget_in_logs(secret_values(settings))
    ctx.obj = State(settings, debug)


for command in (*cli_data.COMMANDS, *cli_ops.COMMANDS):
    cli.add_command(command)


def main(argv: list[str] | None = None) -> Any:
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
        click.echo(terminal_safe(f"error: {error}"), err=True)
        sys.exit(error.exit_code)
    except KeyboardInterrupt:
        sys.exit(130)
    except Exception as error:  # the CLI's top level: one line, non-zero, traceback with --debug
        if debug:
            raise
        click.echo(f"error: {type(error).__name__}: {error}", err=True)
        sys.exit(1)
