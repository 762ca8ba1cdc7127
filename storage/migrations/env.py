"""Alembic environment: runs on the connection handed over by ``storage.db.migrate``."""

from __future__ import annotations

from alembic import context
from sqlmodel import SQLModel

import dondoc.storage.models  # noqa: F401  (registers the tables)

target_metadata = SQLModel.metadata


def run() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None:
        raise RuntimeError("run migrations through storage.db.migrate (dondoc init)")
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
