"""Developer tool: write a new migration from the difference between the models and the schema.

    python -m dondoc.storage.migrations.autogen "add something"

It migrates a scratch SQLite database to head, then lets Alembic compare it with the models.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
from pathlib import Path

from alembic import command
from sqlalchemy.engine import Connection

from dondoc.storage.db import alembic_config, make_engine, migrate


async def _autogenerate(message: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        engine = make_engine(f"sqlite:///{Path(tmp) / 'autogen.db'}")
        await migrate(engine)

        def _revision(sync_connection: Connection) -> None:
            versions = Path(__file__).parent / "versions"
            rev_id = f"{len(list(versions.glob('*.py'))) + 1:04d}"
            command.revision(
                alembic_config(sync_connection), message=message, autogenerate=True, rev_id=rev_id
            )

        async with engine.begin() as connection:
            await connection.run_sync(_revision)
        await engine.dispose()


if __name__ == "__main__":
    asyncio.run(_autogenerate(sys.argv[1] if len(sys.argv) > 1 else "change"))
