"""The rotating log in the data folder (issue 15 §5), shared by the window and the command line.

Each job writes its start, its end with the duration and counts, and its warnings. The log holds
no personal data beyond household numbers: log counts, file names, codes and numbers, never a
name or an ID number.
"""

from __future__ import annotations

import logging
import logging.handlers
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from povdesk.config import log_path

#: each file's size before it rolls over, and how many old files are kept (povdesk.log.1 ... .5)
MAX_BYTES = 2_000_000
BACKUP_COUNT = 5
FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

log = logging.getLogger("povdesk.jobs")


class _PovdeskFileHandler(logging.handlers.RotatingFileHandler):
    """Ours, so setting up again (another data folder) replaces it instead of adding a second."""


def setup(*, stderr_level: int | None = None) -> Path:
    """Send povdesk's records (and warnings from anywhere) to the rotating file of this data folder.
    `stderr_level`: the level of the console handler `logging.basicConfig` made (the command line's
    `--verbose`), so povdesk's INFO lines go to the file without reaching the terminal."""
    path = log_path()
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _PovdeskFileHandler)]:
        root.removeHandler(old)
        old.close()
    handler = _PovdeskFileHandler(path, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8",
                                  delay=True)
    handler.setLevel(logging.INFO)
    handler.addFilter(_ours_or_warning)
    handler.setFormatter(logging.Formatter(FORMAT))
    if stderr_level is not None:
        for h in root.handlers:
            if type(h) is logging.StreamHandler:
                h.setLevel(stderr_level)
    root.addHandler(handler)
    logging.getLogger("povdesk").setLevel(logging.INFO)
    return path


def _ours_or_warning(record: logging.LogRecord) -> bool:
    """povdesk's own records from INFO up; other libraries' from WARNING up."""
    return record.name.startswith("povdesk") or record.levelno >= logging.WARNING


def current_path() -> Path | None:
    for h in logging.getLogger().handlers:
        if isinstance(h, _PovdeskFileHandler):
            return Path(h.baseFilename)
    return None


@contextmanager
def job(name: str, **facts: object) -> Iterator[dict[str, object]]:
    """Log a job's start and its end with the duration; the caller adds counts to the dict it gets."""
    counts: dict[str, object] = {}
    started = time.monotonic()
    shown = " ".join(f"{k}={v}" for k, v in facts.items())
    log.info("start %s %s", name, shown)
    try:
        yield counts
    except BaseException as exc:
        log.warning("failed %s after %.2f s: %s", name, time.monotonic() - started, type(exc).__name__)
        raise
    done = " ".join(f"{k}={v}" for k, v in counts.items())
    log.info("end %s %.2f s %s", name, time.monotonic() - started, done)
