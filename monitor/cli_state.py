"""What every `ddor` command shares: the settings, the database (opened on first use) and
small argument helpers. Commands live in cli_data.py and cli_ops.py; cli.py registers them."""

from __future__ import annotations

import datetime as dt

import click

from ddor_watch.db.errors import BadInput
from ddor_watch.db.inert import terminal_safe
from ddor_watch.db.session import Database, open_database
from ddor_watch.monitor.config import Settings


class State:
    def __init__(self, settings: Settings, debug: bool) -> None:
        self.settings = settings
        self.debug = debug
        self._db: Database | None = None

    @property
    def db(self) -> Database:
        if self._db is None:
            self._db = open_database(self.settings.db_url)
        return self._db


pass_state = click.make_pass_decorator(State)


def echo(text: str, err: bool = False) -> None:
    """click.echo with control characters escaped: document text must not steer a terminal."""
    click.echo(terminal_safe(text), err=err)


def parse_date(value: str | None, option: str = "--period-end") -> dt.date | None:
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise BadInput(f"{option}: expected YYYY-MM-DD, got {value!r}") from None
