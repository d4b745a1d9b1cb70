"""Alembic environment: batch mode on SQLite, foreign keys off while tables are rebuilt."""

from alembic import context
from sqlalchemy import Connection, engine_from_config, pool, text

from ddor_watch.db.models import Base

config = context.config
target_metadata = Base.metadata


def _run(connection: Connection) -> None:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # Batch "move and copy" drops the old table: with FKs on, ON DELETE CASCADE would
        # empty the child tables (ECOSYSTEM.md §7). The PRAGMA is a no-op inside a transaction.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=sqlite, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
    if sqlite:
        problems = connection.execute(text("PRAGMA foreign_key_check")).fetchall()
        if problems:
            raise RuntimeError(f"foreign key check failed after migration: {problems[:5]}")
        connection.exec_driver_sql("PRAGMA foreign_keys=ON")


connection = config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    engine = engine_from_config(config.get_section(config.config_ini_section, {}), prefix="sqlalchemy.",
                                poolclass=pool.NullPool)
    with engine.connect() as conn:
        _run(conn)
        conn.commit()
