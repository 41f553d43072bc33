"""The command line logs each job to the rotating file in the data folder (issue 15 §5)."""

from __future__ import annotations

from pathlib import Path

from povdesk.cli import main
from povdesk.config import log_path


def test_a_command_logs_its_start_end_and_duration(db_url: str) -> None:
    assert main(["--db", db_url, "--lang", "en", "db", "info"]) == 0
    text = Path(log_path()).read_text(encoding="utf-8")
    assert "start db info" in text and "end db info" in text and "exit=0" in text
