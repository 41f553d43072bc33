"""Where povdesk keeps its files, and the application settings with their defaults, declared once."""

from __future__ import annotations

import json
import locale
import logging
import os
import sys
from dataclasses import asdict, dataclass, field, fields, replace
from pathlib import Path
from typing import Any

from platformdirs import PlatformDirs

from povdesk import APP_NAME, ORG_NAME

log = logging.getLogger(__name__)

#: Set by tests (and by `--data-dir`) so nothing touches the real profile.
DATA_DIR_ENV = "POVDESK_DATA_DIR"


def resource_dirs() -> list[Path]:
    """The existing `resources/` folders (fonts, icons, translations' sources), best first: beside
    the frozen program (PyInstaller's `sys._MEIPASS`), the source checkout, an installed package."""
    package = Path(__file__).resolve().parent
    dirs = [package.parent / "resources", package / "resources"]
    frozen = getattr(sys, "_MEIPASS", None)
    if frozen:
        dirs.insert(0, Path(frozen) / "resources")
    return [d for d in dirs if d.is_dir()]


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


def machine_data_dir() -> Path:
    """The default folder for an office's database: per machine where the system has one that
    survives reinstalling (%ProgramData%\\povdesk on Windows), the XDG data folder elsewhere.
    Tests (POVDESK_DATA_DIR) get the data folder."""
    if os.environ.get(DATA_DIR_ENV):
        return data_dir()
    program_data = os.environ.get("PROGRAMDATA")
    if os.name == "nt" and program_data:
        return Path(program_data) / APP_NAME
    return Path(_dirs().user_data_dir)


def backups_dir() -> Path:
    path = data_dir() / "backups"
    path.mkdir(parents=True, exist_ok=True)
    return path


def log_path() -> Path:
    """The rotating log of the window and the command line (`povdesk.logs`)."""
    path = data_dir() / "logs"
    path.mkdir(parents=True, exist_ok=True)
    return path / "povdesk.log"


@dataclass(frozen=True)
class Settings:
    """Application configuration (not UI state such as geometry, which Qt keeps apart)."""

    language: str = ""  # "" = follow the system locale; "zh_CN" or "en" overrides
    #: the office's database, set up by the first run or `povdesk init`: a SQLite path, or a server
    #: URL (docs/多机部署.md), e.g. postgresql+psycopg://clerk1@db.office/povdesk?sslmode=require,
    #: never with its password, which is kept in the system's keyring (`database_url_with_password`).
    #: "" = none configured yet (the window offers the first-run wizard); `--db` always overrides
    database: str = ""
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
    #: automatic backups kept: the newest of each of this many days, and of this many months
    backup_keep_daily: int = 30
    backup_keep_monthly: int = 12
    #: PostgreSQL: also pg_dump before each import, sign-off and export (the daily one always runs
    #: when pg_dump is on the PATH); off by default, as the server is usually backed up on its own
    pg_dump_before_jobs: bool = False

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


# --------------------------------------------------------------------------- the server's password
#: the keyring service name the database passwords are stored under (`keyring set povdesk NAME`)
KEYRING_SERVICE = "povdesk"


def keyring_name(url: str) -> str:
    """The keyring entry of a server URL: `user@host:port/database` (the password never in the URL)."""
    from urllib.parse import urlsplit

    u = urlsplit(url)
    port = f":{u.port}" if u.port else ""
    return f"{u.username or ''}@{u.hostname or ''}{port}{u.path}"


def _keyring() -> Any:
    """The `keyring` package (an optional dependency), or None where it is not installed."""
    try:
        import keyring
    except ImportError:
        return None
    return keyring


def database_url_with_password(url: str) -> str:
    """A server URL as given, with the password from the system's keyring added when the URL has
    none and the keyring holds one for it (`keyring_name`). File paths and SQLite URLs unchanged;
    without the `keyring` package the URL is used as given (libpq may still find ~/.pgpass)."""
    from urllib.parse import quote, urlsplit, urlunsplit

    if "://" not in url or url.startswith("sqlite"):
        return url
    u = urlsplit(url)
    if u.password is not None or not u.username:
        return url
    ring = _keyring()
    try:
        password = ring.get_password(KEYRING_SERVICE, keyring_name(url)) if ring is not None else None
    except Exception:  # no usable keyring here (a server without a desktop): the URL as given
        log.debug("the system keyring could not be read; connecting with the URL as given")
        password = None
    if not password:
        return url
    host = u.netloc.rsplit("@", 1)[1]
    return urlunsplit(u._replace(netloc=f"{quote(u.username, safe='')}:{quote(password, safe='')}@{host}"))


def remember_database_password(url: str, password: str) -> bool:
    """Keep the password of a server URL in the system's keyring; False without the `keyring` package."""
    ring = _keyring()
    if ring is None:
        return False
    ring.set_password(KEYRING_SERVICE, keyring_name(url), password)
    return True


def system_language() -> str:
    """"zh_CN" on a Chinese system, otherwise "en": the window's language when none is chosen."""
    lang = os.environ.get("LANG") or os.environ.get("LC_ALL") or ""
    if not lang:
        try:
            lang = locale.getlocale()[0] or ""
        except ValueError:
            lang = ""
    return "zh_CN" if lang.lower().startswith(("zh", "chinese")) else "en"
