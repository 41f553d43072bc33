"""Alembic migrations, configured in code (see povdesk.db.migrate)."""
