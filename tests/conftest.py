"""Shared fixtures: generated reports, a data dir, and databases (SQLite, and PostgreSQL when
DDORTEST_DATABASE_URL points at a server)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from ddor_watch.monitor.config import Settings, load_config
from factories import make_truth, render_report, style_for_seed

ROOT = Path(__file__).resolve().parents[1]
# aiosmtpd logs each connection at INFO from its own thread, after pytest closed the capture.
logging.getLogger("mail.log").setLevel(logging.WARNING)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    return path


@pytest.fixture
def config(data_dir: Path) -> Settings:
    # The reports only: a test that watches a list source names it (`only=` or DDOR_SOURCES), so
    # no test reaches for a default start page on the internet.
    return load_config(environ={"DDOR_DATA_DIR": str(data_dir), "DDOR_SOURCES": "ddor"}, read_default_file=False)


def _postgres_url() -> str | None:
    return os.environ.get("DDORTEST_DATABASE_URL") or None


def _fresh_postgres(base: str) -> tuple[str, object]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"ddor_test_{uuid.uuid4().hex[:10]}"
    admin = create_engine(base, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()

    return make_url(base).set(database=name).render_as_string(hide_password=False), drop


STORAGE_MODULES = {"test_store", "test_diff"}


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Storage tests run on SQLite always and on PostgreSQL too when it is configured."""
    if "db_url" in metafunc.fixturenames:
        backends = ["sqlite"]
        if metafunc.module.__name__.rsplit(".", 1)[-1] in STORAGE_MODULES:
            backends.append("postgresql")
        metafunc.parametrize("db_url", backends, indirect=True)


@pytest.fixture
def db_url(request: pytest.FixtureRequest, data_dir: Path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        yield f"sqlite:///{data_dir / 'ddor.sqlite3'}"
        return
    base = _postgres_url()
    if base is None:
        pytest.skip("DDORTEST_DATABASE_URL not set")
    url, drop = _fresh_postgres(base)
    try:
        yield url
    finally:
        from sqlalchemy.engine import make_url

        from ddor_watch.db import session as session_module

        session_module._upgraded.discard(str(make_url(url)))
        drop()  # type: ignore[operator]


@pytest.fixture
def db(db_url: str):  # type: ignore[no-untyped-def]
    from ddor_watch.db.session import open_database

    database = open_database(db_url)
    yield database
    database.engine.dispose()


@pytest.fixture
def report_pdf(tmp_path: Path):  # type: ignore[no-untyped-def]
    """Factory: (seed, **truth options) -> (path, expected ParsedReport)."""

    def make(seed: int = 1, style=None, **options):  # type: ignore[no-untyped-def]
        truth = make_truth(seed, **options)
        data, expected = render_report(truth, style or style_for_seed(seed))
        path = tmp_path / f"report-{seed}-{uuid.uuid4().hex[:6]}.pdf"
        path.write_bytes(data)
        return path, expected

    return make


def run_ddor(*args: str, env: dict[str, str] | None = None, cwd: Path | None = None,
             timeout: float = 300) -> subprocess.CompletedProcess[str]:
    """The real CLI in a child process."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "ddor_watch.monitor", *args], capture_output=True, text=True,
                          env=full_env, cwd=cwd, timeout=timeout)
