"""What every `ddor` command shares: the settings, the database (opened on first use) and
small argument helpers. Commands live in cli_data.py and cli_ops.py; cli.py registers them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click
from sqlalchemy.engine import make_url

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
        """The database for commands that write (created and migrated on first use)."""
        if self._db is None:
            self._db = open_database(self.settings.db_url)
        return self._db

    @property
    def has_database(self) -> bool:
        """Whether anything is stored yet (a server database always counts as there)."""
        url = make_url(self.settings.db_url)
        return not (url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:"
                    and not Path(url.database).is_file())

    @property
    def read_db(self) -> Database:
        """The database for commands that only read: never created by looking at it."""
        if not self.has_database:
            raise BadInput(f"no database at {make_url(self.settings.db_url).database}: nothing is stored yet "
                           "(`ddor check` or `ddor ingest` creates it)")
        return self.db


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
