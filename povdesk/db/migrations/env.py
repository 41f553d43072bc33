"""Alembic environment: the engine comes from povdesk.db.migrate, never from an ini file."""

from __future__ import annotations

from alembic import context

from povdesk.db.engine import make_engine
from povdesk.db.models import Base

config = context.config
# The application passes its engine; the alembic command line takes `-x db=PATH_OR_URL`.
engine = config.attributes.get("engine") or make_engine(
    context.get_x_argument(as_dictionary=True).get("db", "povdesk-dev.sqlite")
)

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
    )
    context.run_migrations()
