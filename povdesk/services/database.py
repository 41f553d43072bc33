"""The open database: engine, sessions, migrations and first-run defaults."""

from __future__ import annotations

import contextlib
import getpass
import logging
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine, select
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from povdesk.config import Settings, backups_dir
from povdesk.db import migrate
from povdesk.db.base import Base
from povdesk.db.engine import (
    busy_kind,
    make_engine,
    make_session_factory,
    read_snapshot,
    sqlite_path,
    to_url,
    write_lock,
)
from povdesk.db.models import AppUser, CodeItemRow, Household, Meta
from povdesk.db.shares import network_share
from povdesk.domain.codelists import CodeBook, CodeItemOverride, builtin_codebook
from povdesk.domain.yearsettings import DEFAULT_DATA_YEAR
from povdesk.errors import BadInput, Busy, Conflict, NotAllowed
from povdesk.services import notify
from povdesk.services.conflicts import WRITTEN, stale_conflict
from povdesk.services.settings import missing_year_settings

log = logging.getLogger(__name__)


@dataclass
class Database:
    """One database and the user working on it. Services take this object."""

    engine: Engine
    sessions: sessionmaker[Session]
    user: str
    backup_written: Path | None = None
    _codebook: CodeBook | None = field(default=None, repr=False)
    #: seconds a job waits for another job's write lock before it is refused (`Busy`)
    lock_wait: float = 30.0
    #: `user` proved their password (`UserService.authenticate`). Once the database has logins
    #: (users with a password), `transaction` refuses every write of a session without it.
    authenticated: bool = False
    #: the folder of this database's automatic backups (`services.backups`)
    backups: Path | None = None
    #: names this object's announcements, so its own listener leaves its own commits out
    origin: str = field(default_factory=lambda: uuid.uuid4().hex[:12])

    def __post_init__(self) -> None:
        notify.track(self.sessions)  # what each transaction touched, announced at its commit

    @classmethod
    def open(cls, path_or_url: str | Path, *, user: str | None = None, migrate_schema: bool = True,
             backups: Path | None = None, lock_wait: float | None = None) -> Database:
        """Open (creating and migrating when needed) a database from a path or SQLAlchemy URL.
        `lock_wait`: seconds to wait for another writer (default: the setting `lock_wait_seconds`)."""
        if lock_wait is None:
            lock_wait = Settings.load().lock_wait_seconds
        engine = make_engine(path_or_url, lock_wait=lock_wait)
        try:
            backup = None
            folder = backups or backups_dir()
            if migrate_schema:
                backup = migrate.upgrade(engine, backups=folder)
            db = cls(engine, make_session_factory(engine), user or _os_user(), backup, lock_wait=lock_wait,
                     backups=folder)
            db.ensure_defaults()
        except BaseException:
            engine.dispose()  # no connection left open behind a database that failed to open
            raise
        return db

    @property
    def url(self) -> str:
        return str(self.engine.url)

    @property
    def path(self) -> Path | None:
        return sqlite_path(to_url(self.url))

    @property
    def display_name(self) -> str:
        """The database as a person knows it: the file, or the server URL without its password."""
        path = self.path
        return str(path) if path is not None else self.engine.url.render_as_string(hide_password=True)

    @contextlib.contextmanager
    def transaction(self, *, lock: str | None = None, job: str | None = None,
                    system: bool = False) -> Iterator[Session]:
        """A session whose work commits as one unit, or rolls back whole on any exception.

        `lock` names a job that reads, decides and writes ("import", "check"): its write lock is
        taken before anything is read (`povdesk.db.engine.write_lock`), so two such jobs run one
        after the other. A database held by another writer past `lock_wait` raises `Busy`, which
        names `job` (default: the lock's name).

        Authentication is enforced here, for every write of every service: once the database has
        logins, a session whose user has not authenticated is refused (`NotAllowed`,
        `auth.login_required`) before anything is written. `system`: the open's own defaults and
        the login's bookkeeping (failed-login count, its audit entry), which run before anyone
        has logged in.
        """
        session = self.sessions()
        try:
            with self._busy_as_error(job or lock), session, session.begin():
                if lock is not None:
                    write_lock(session, lock, wait=self.lock_wait)
                if not system and not self.authenticated and logins_exist(session):
                    raise login_required(self.user)
                try:
                    yield session
                except BaseException:
                    notify.forget(session)
                    raise
                notify.publish(session, job=lock, origin=self.origin)  # other desks learn at the commit
        except StaleDataError as exc:  # rolled back: a household changed at another desk since read
            raise self._stale(session.info.get(WRITTEN, {})) from exc

    def _stale(self, written: dict[int, int]) -> Conflict:
        """The refusal of a write whose household moved since it was read (`services.conflicts`)."""
        with self.reading() as s:
            for household_id, read in written.items():
                now = s.scalar(select(Household.version).where(Household.id == household_id))
                if now != read:
                    return stale_conflict(s, household_id, read)
            first = next(iter(written), None)
            if first is not None:
                return stale_conflict(s, first, None)
        return Conflict("household.version", "A household was changed at another desk meanwhile; nothing "
                        "was saved. Reload and make the change again.",
                        "该户已被其他工作站修改，未保存任何更改。请重新载入后再修改。")

    def has_logins(self) -> bool:
        """Whether any user has a password: then writes need an authenticated user."""
        with self.reading() as s:
            return logins_exist(s)

    @contextlib.contextmanager
    def reading(self, *, snapshot: bool = False) -> Iterator[Session]:
        """A session for reads; `snapshot`: all its reads see one committed state."""
        with self._busy_as_error(None), self.sessions() as session:
            if snapshot:
                read_snapshot(session)
            yield session

    @contextlib.contextmanager
    def _busy_as_error(self, job: str | None) -> Iterator[None]:
        """A driver's "database is locked" (or PostgreSQL's lock timeout, serialization failure,
        deadlock) becomes `Busy` here, once, instead of a traceback in every caller."""
        try:
            yield
        except DBAPIError as exc:
            kind = busy_kind(exc)
            if kind is None:
                raise
            raise busy_error(self.display_name, job, self.lock_wait, kind) from exc

    def ensure_defaults(self) -> None:
        """The shipped year settings, the data year and this user, where the database lacks them.

        Looked at without a lock (every open); only a database that lacks something takes the
        write lock and looks again, so two desks opening a new database add them once."""
        with self.reading() as s:
            if not self._missing_defaults(s):
                return
        with self.transaction(lock="defaults", job="open", system=True) as s:
            s.add_all(self._missing_defaults(s))

    def _missing_defaults(self, s: Session) -> list[Base]:
        missing: list[Base] = [*missing_year_settings(s)]
        if s.get(Meta, "data_year") is None:
            missing.append(Meta(key="data_year", value=str(DEFAULT_DATA_YEAR)))
        if (s.scalar(select(AppUser.id).where(AppUser.login == self.user)) is None
                and not logins_exist(s)):  # with logins, only the director adds people
            missing.append(AppUser(login=self.user, display_name=self.user, role="clerk"))
        return missing

    # ------------------------------------------------------------------ small shared facts
    def meta(self, key: str, default: str | None = None) -> str | None:
        with self.reading() as s:
            row = s.get(Meta, key)
            return row.value if row else default

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as s:
            s.merge(Meta(key=key, value=value))

    @property
    def data_year(self) -> int:
        return int(self.meta("data_year", str(DEFAULT_DATA_YEAR)) or DEFAULT_DATA_YEAR)

    def codebook(self) -> CodeBook:
        """Shipped code lists with this office's edits; cached until `invalidate_codebook`."""
        if self._codebook is None:
            with self.reading() as s:
                rows = s.scalars(select(CodeItemRow)).all()
                overrides = [CodeItemOverride(r.list_key, r.code, r.zh, r.en, r.active) for r in rows]
            self._codebook = builtin_codebook().with_overrides(overrides)
        return self._codebook

    def invalidate_codebook(self) -> None:
        self._codebook = None

    def refuse_as_output(self, *paths: str | Path | None, inputs: tuple[str | Path, ...] = ()) -> None:
        """Refuse, before any work, an output file that is this database, one of its journal files,
        a file being read (`inputs`: a report written there would replace the registry or the roster
        itself), an existing folder, a link or device (a save replaces the name, not what it points
        at), or a path inside a file."""
        own = self.path
        taken: dict[Path, tuple[str, str]] = {}
        if own is not None:
            for suffix in ("", "-wal", "-shm", "-journal"):
                taken[_resolved(Path(f"{own}{suffix}"))] = ("the database", "数据库文件")
        for read in inputs:
            taken[_resolved(Path(read))] = ("the file being read", "正在读取的文件")
        for path in paths:
            if path is None:
                continue
            target = Path(path)
            if target.is_dir():
                raise BadInput("input.output_is_folder",
                               f"{path} is a folder: give a file name for the output.",
                               f"“{path}”是一个文件夹，请给出输出文件的文件名。")
            if target.is_symlink() or (target.exists() and not target.is_file()):
                raise BadInput("input.output_not_a_file",
                               f"{path} is a link or a device, not an ordinary file: the report would "
                               "replace it. Give the name of an ordinary file.",
                               f"“{path}”是链接或设备，不是普通文件，写入会把它替换。请给出普通文件的文件名。")
            if any(parent.exists() and not parent.is_dir() for parent in target.parents):
                raise BadInput("input.output_inside_file",
                               f"{path} lies inside a file, not a folder: choose another place.",
                               f"“{path}”所在的路径中有一部分是文件，不是文件夹，请另选位置。")
            what = taken.get(_resolved(target))
            if what is not None:
                raise BadInput("input.output_is_input",
                               f"{path} is {what[0]}: writing there would replace it. Choose another file name.",
                               f"“{path}”是{what[1]}，写入会把它覆盖。请另选一个文件名。")

    def network_share_warning(self, lang: str = "en") -> str | None:
        """A warning when this SQLite file lies on a network share (UNC path, mapped drive, NFS or
        CIFS mount): unsupported, see docs/多机部署.md. None on a local disk or on a server."""
        path = self.path
        kind = network_share(path) if path is not None else None
        if kind is None:
            return None
        if lang.startswith("zh"):
            return (f"警告：数据库文件“{path}”位于网络共享上（{kind}）。SQLite 数据库放在网络共享上不受支持，"
                    "多台电脑同时使用可能损坏数据；多机使用请改用 PostgreSQL 服务器（见《多机部署》）。")
        return (f"Warning: the database file {path} lies on a network share ({kind}). A SQLite database "
                "on a network share is not supported and can be corrupted when several computers use it; "
                "for several desks use a PostgreSQL server (see docs/多机部署.md).")

    def close(self) -> None:
        self.engine.dispose()


#: how a message names the job that waited and the kind of job that held it:
#: (held by, this job) in English, then in Chinese
_JOBS = {
    "import": ("another import", "This import", "另一个导入", "本次导入"),
    "check": ("another check run", "This check run", "另一次检查", "本次检查"),
    "open": ("another job", "Opening the database", "另一项工作", "打开数据库"),
    "": ("another job", "This operation", "另一项工作", "本次操作"),
}


def busy_error(name: str, job: str | None, waited: float, kind: str = "locked") -> Busy:
    """The refusal of a job that found the database busy; nothing was changed (rolled back)."""
    other_en, this_en, other_zh, this_zh = _JOBS.get(job or "", _JOBS[""])
    if kind == "conflict":
        return Busy("db.busy",
                    f"{this_en} ran into another job changing the same data in the database {name} "
                    "and was stopped; nothing was changed. Please try again.",
                    f"{this_zh}与另一项正在修改同一数据的工作冲突，已停止，数据库“{name}”未做任何更改。"
                    "请重试。")
    return Busy("db.busy",
                f"The database {name} is busy: {other_en} is running, or another workstation is "
                f"writing to it. {this_en} waited {waited:g} s for it and was not carried out; "
                "nothing was changed. Try again when the other work has finished.",
                f"数据库“{name}”正忙：{other_zh}正在进行，或其他工作站正在写入。{this_zh}已等待 "
                f"{waited:g} 秒仍无法进行，未做任何更改。请等其完成后重试。")


def logins_exist(s: Session) -> bool:
    return s.scalar(select(AppUser.id).where(AppUser.password_hash.is_not(None)).limit(1)) is not None


def login_required(user: str) -> NotAllowed:
    return NotAllowed("auth.login_required",
                      f"This database has logins: every change needs a logged-in user ({user} has not "
                      "logged in). Log in with your password (command line: --user LOGIN, the password "
                      "from POVDESK_PASSWORD or the prompt); nothing was changed.",
                      f"本数据库已设登录：任何修改都需要已登录的用户（{user} 尚未登录）。请用密码登录"
                      "（命令行：--user 登录名，密码取自 POVDESK_PASSWORD 或提示输入）；未做任何更改。")


def _resolved(path: Path) -> Path:
    try:
        return path.resolve()
    except OSError:  # a path that cannot be resolved cannot be the database either
        return path.absolute()


def _os_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # no login name on some service accounts
        return "clerk"
