"""Database maintenance facts for the command line and the About box."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import func, select

from povdesk.db import migrate
from povdesk.db.models import ChangeLog, Household, Member, Village
from povdesk.services.database import Database


@dataclass(frozen=True)
class DatabaseStatus:
    url: str
    revision: str | None
    counts: dict[str, int]


class MaintenanceService:
    def __init__(self, *, db: Database) -> None:
        self.db = db

    def status(self) -> DatabaseStatus:
        with self.db.reading() as s:
            counts = {name: s.scalar(select(func.count()).select_from(model)) or 0
                      for name, model in (("villages", Village), ("households", Household),
                                          ("members", Member), ("changes", ChangeLog))}
        return DatabaseStatus(self.db.engine.url.render_as_string(hide_password=True),
                              migrate.current_revision(self.db.engine), counts)
