"""Storage: SQLAlchemy models, migrations, the ingest transaction and history queries.

Also home of the plain typed values every stage hands to the next (`db.records`) and the
project's error hierarchy (`db.errors`), because `db` is the one package every room imports.
"""
