"""One object the window holds: every service over one database (Anki's core-through-one-object)."""

from __future__ import annotations

from functools import cached_property

from povdesk.services.database import Database
from povdesk.services.maintenance import MaintenanceService
from povdesk.services.registry import RegistryService


class Services:
    def __init__(self, *, db: Database) -> None:
        self.db = db

    @cached_property
    def registry(self) -> RegistryService:
        return RegistryService(db=self.db)

    @cached_property
    def maintenance(self) -> MaintenanceService:
        return MaintenanceService(db=self.db)

    @cached_property
    def demo(self):  # type: ignore[no-untyped-def]
        from povdesk.demo.service import DemoService

        return DemoService(db=self.db)

    @cached_property
    def importer(self):  # type: ignore[no-untyped-def]
        from povdesk.services.importer import ImportService

        return ImportService(db=self.db)

    @cached_property
    def users(self):  # type: ignore[no-untyped-def]
        from povdesk.services.users import UserService

        return UserService(db=self.db)

    @cached_property
    def year_settings(self):  # type: ignore[no-untyped-def]
        from povdesk.services.settings import YearSettingsService

        return YearSettingsService(db=self.db)

    @cached_property
    def checks(self):  # type: ignore[no-untyped-def]
        from povdesk.services.checks import CheckService

        return CheckService(db=self.db, settings=self.year_settings)

    @cached_property
    def printing(self):  # type: ignore[no-untyped-def]
        from povdesk.services.printing import PrintService

        return PrintService(db=self.db)

    def close(self) -> None:
        self.db.close()
