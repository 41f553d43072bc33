"""One object the window holds: every service over one database (Anki's core-through-one-object).

Every service is always there, so callers use them directly (`services.checks.open_problems(...)`),
never probing for one. Each is built on first use; the modules behind all but the registry and
maintenance are imported only then (the checks and the importer take a good part of a second to
import), so their names are imported here for the types only.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from povdesk.services.database import Database
from povdesk.services.maintenance import MaintenanceService
from povdesk.services.registry import RegistryService

if TYPE_CHECKING:
    from povdesk.demo.service import DemoService
    from povdesk.services.backups import BackupService
    from povdesk.services.changes import ChangeRequestService
    from povdesk.services.checks import CheckService
    from povdesk.services.dashboard import DashboardService
    from povdesk.services.importer import ImportService
    from povdesk.services.packages import PackageService
    from povdesk.services.printing import PrintService
    from povdesk.services.problem_queries import ProblemQueries
    from povdesk.services.settings import YearSettingsService
    from povdesk.services.users import UserService


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
    def demo(self) -> DemoService:
        from povdesk.demo.service import DemoService

        return DemoService(db=self.db)

    @cached_property
    def importer(self) -> ImportService:
        from povdesk.services.importer import ImportService

        return ImportService(db=self.db)

    @cached_property
    def users(self) -> UserService:
        from povdesk.services.users import UserService

        return UserService(db=self.db)

    @cached_property
    def year_settings(self) -> YearSettingsService:
        from povdesk.services.settings import YearSettingsService

        return YearSettingsService(db=self.db)

    @cached_property
    def checks(self) -> CheckService:
        from povdesk.services.checks import CheckService

        return CheckService(db=self.db, settings=self.year_settings)

    @cached_property
    def problem_queries(self) -> ProblemQueries:
        from povdesk.services.problem_queries import ProblemQueries

        return ProblemQueries(db=self.db, checks=self.checks)

    @cached_property
    def printing(self) -> PrintService:
        from povdesk.services.printing import PrintService

        return PrintService(db=self.db)

    @cached_property
    def changes(self) -> ChangeRequestService:
        from povdesk.services.changes import ChangeRequestService

        return ChangeRequestService(db=self.db, registry=self.registry, checks=self.checks)

    @cached_property
    def packages(self) -> PackageService:
        from povdesk.services.packages import PackageService

        return PackageService(db=self.db)

    @cached_property
    def backups(self) -> BackupService:
        from povdesk.services.backups import BackupService

        return BackupService(db=self.db, folder=self.db.backups)

    @cached_property
    def dashboard(self) -> DashboardService:
        from povdesk.services.dashboard import DashboardService

        return DashboardService(db=self.db, year_settings=self.year_settings, changes=self.changes)

    def close(self) -> None:
        self.db.close()
