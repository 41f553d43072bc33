"""Where povdesk keeps its files, and the application settings with their defaults, declared once."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from platformdirs import PlatformDirs

from povdesk import APP_NAME, ORG_NAME

#: Set by tests (and by `--data-dir`) so nothing touches the real profile.
DATA_DIR_ENV = "POVDESK_DATA_DIR"


def _dirs() -> PlatformDirs:
    return PlatformDirs(appname=APP_NAME, appauthor=ORG_NAME, roaming=False)


def data_dir() -> Path:
    """The folder for the database, backups and logs."""
    override = os.environ.get(DATA_DIR_ENV)
    path = Path(override) if override else Path(_dirs().user_data_dir)
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_database_path() -> Path:
    return data_dir() / "demo-county.sqlite"


def backups_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class Settings:
    """Application configuration (not UI state such as geometry, which Qt keeps apart)."""

    language: str = ""  # "" = follow the system locale; "zh_CN" or "en" overrides
    user: str = ""  # the operator's login name; empty = the OS user
    mask_id_on_print: bool = False
    #: where the print dialog saves its PDFs; empty = the user's Documents folder
    print_folder: str = ""
    demo_households: int = 2000
    demo_seed: int = 2019
    #: how long a job waits for another job's (or another desk's) write lock before it is refused
    lock_wait_seconds: float = 30.0
    #: an office's own limits for roster files, laid over `exchange.readers.ReadLimits` (whose
    #: defaults fit real rosters), e.g. {"max_rows": 600000, "max_member_bytes": 3000000000}
    import_limits: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def path(cls) -> Path:
        return data_dir() / "settings.json"

    @classmethod
    def load(cls) -> Settings:
        try:
            raw = json.loads(cls.path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return cls()
        known = {f.name for f in fields(cls)}
        return replace(cls(), **{k: v for k, v in raw.items() if k in known})

    def save(self) -> None:
        tmp = self.path().with_suffix(".tmp")
        tmp.write_text(json.dumps(asdict(self), ensure_ascii=False, indent=2), encoding="utf-8")
        tmp.replace(self.path())


def current_user(settings: Settings | None = None) -> str:
    settings = settings or Settings.load()
    if settings.user:
        return settings.user
    return os.environ.get("USERNAME") or os.environ.get("USER") or "clerk"
