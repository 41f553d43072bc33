"""config.resource_dirs: the one place that finds `resources/`, in a checkout and in the bundle."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from povdesk import config
from povdesk.reports import fonts

ROOT = Path(__file__).resolve().parents[1]


def test_resource_dirs_of_the_checkout() -> None:
    assert config.resource_dirs()[0] == ROOT / "resources"


def test_the_frozen_programs_resources_come_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "resources" / "fonts").mkdir(parents=True)
    (tmp_path / "resources" / "fonts" / fonts.FONT_FILE).write_bytes(b"")
    monkeypatch.setattr(sys, "_MEIPASS", str(tmp_path), raising=False)
    monkeypatch.delenv(fonts.FONT_ENV, raising=False)
    assert config.resource_dirs() == [tmp_path / "resources", ROOT / "resources"]
    assert fonts.font_path() == tmp_path / "resources" / "fonts" / fonts.FONT_FILE
