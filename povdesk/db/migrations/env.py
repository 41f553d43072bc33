"""Alembic environment: the engine comes from povdesk.db.migrate, never from an ini file."""

from __future__ import annotations

from alembic import context

from povdesk.db.engine import make_engine, migration_lock
from povdesk.db.models import Base

config = context.config
# The application passes its engine; the alembic command line takes `-x db=PATH_OR_URL`.
engine = config.attributes.get("engine") or make_engine(
    context.get_x_argument(as_dictionary=True).get("db", "povdesk-dev.sqlite")
)

with engine.connect() as connection:
    sqlite = connection.dialect.name == "sqlite"
    if sqlite:
        # A batch migration rebuilds a table (copy, drop, rename). With foreign keys on, dropping
        # a table that others point at fails (or would cascade), and the pragma cannot change
        # inside a transaction: switch them off first, check them all before committing.
        connection.exec_driver_sql("PRAGMA foreign_keys=OFF")
        connection.commit()
    try:
        with connection.begin():
            # Two desks opening one new (or old) database at once: the second waits here for the
            # first's migration, then finds the schema at head and runs nothing.
            migration_lock(connection)
            context.configure(
                connection=connection,
                target_metadata=Base.metadata,
                render_as_batch=True,
                compare_type=True,
            )
            context.run_migrations()
            if sqlite:
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise RuntimeError(f"the migration broke foreign keys: {broken[:5]}")
    finally:
        if sqlite:
            connection.exec_driver_sql("PRAGMA foreign_keys=ON")
            connection.commit()
